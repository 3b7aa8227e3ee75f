// The dev call center: everything `npm start` needs on one machine, with no Debian packages and
// no network beyond 127.0.0.1. A SIP-over-WebSocket registrar/proxy, the queues (ACD, a B2BUA
// with werift media), simulated customers (the `pstn` trunk), the CTI HTTP API with a
// file-backed call-detail-record store, and the HTTP routes the demo pages use (the supervisor's
// live view is pushed: live-events.mjs). The workbench talks to it exactly as it would to a
// production PBX and CTI server. See README.md next to this file.
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AgentDirectory } from './agents.mjs';
import { startSipServer } from './sip/server.mjs';
import { startAcd } from './acd/acd.mjs';
import { featurePrefixes, resolveFeatureCodes } from './acd/feature-codes.mjs';
import { startCustomerService } from './customers/service.mjs';
import { createCustomerHandler } from './customers/http.mjs';
import { createCtiHandler, DEFAULT_OUTBOUND_NUMBERS } from './cti/cti-server.mjs';
import { openCdrStore } from './cti/cdr-store.mjs';
import { recordProxyCalls } from './cti/cdr-from-proxy.mjs';
import { createEventsHandler, queueSummaries } from './live-events.mjs';
import { authErrors, createAuth, sendCtiError } from './cti/auth.mjs';
import { toCtiError } from './cti/errors.mjs';
import { randomUUID } from 'node:crypto';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** Where the workbench's CTI requests go (the `cti` attribute of the demo pages). */
export const CTI_PATH = '/api/ccc';
/** Where a page signs an agent or the supervisor in (POST { UserId, Password }) and out (DELETE). */
export const TOKEN_PATH = `${CTI_PATH}/token`;
/**
 * Where a page starts (POST { UserId, Password }) and ends (DELETE) a cookie session: the token
 * goes into the HttpOnly cookie `cc_session`, which same-origin requests to the CTI API may carry
 * instead of an Authorization header (cti/README.md, Authentication).
 */
export const SESSION_PATH = `${CTI_PATH}/session`;
/**
 * The CTI API again, where the reference WorkbenchSdk's printed examples send it (`ajaxPath`): in
 * the reference this is the host's backend, which knows its user by its session cookie.
 */
export const REFERENCE_CTI_PATH = '/aliyun/ccc/api';
/** The supervisor page's Server-Sent Events stream (live-events.mjs). */
export const EVENTS_PATH = '/api/events';

/**
 * Longest registration granted, seconds: a softphone that stops refreshing (a crashed or frozen
 * page whose socket stays open) loses its binding, and the agent goes offline, within this.
 * JsSIP refreshes a registration this short 5 s before it runs out.
 */
export const REGISTRATION_MAX_EXPIRES_SECONDS = 60;
/**
 * WebSocket ping interval, ms: a peer that misses one pong is dropped at the next ping, so a
 * vanished machine (no FIN ever arrives) is offline within twice this. A closed socket (browser
 * or tab closed, page reloaded, process killed) is noticed at once.
 */
export const PING_INTERVAL_MS = 15_000;

/**
 * @typedef {object} CallCenterOptions
 * @property {number} [sipPort]   WebSocket port of the SIP server on 127.0.0.1 (0 = any free one)
 * @property {string|object} [users]  users.json path or object (default demo/users.json)
 * @property {string|object} [queues] queues.json path or object (default demo/callcenter/queues.json);
 *   its optional `featureCodes` overrides the supervisor feature codes (acd/feature-codes.mjs)
 * @property {string} [dataDir]   where call detail records are kept (default demo/.data)
 * @property {number} [customerAnswerDelayMs] simulated customers answer outbound calls after this
 * @property {boolean} [quiet]    no per-request logging
 * @property {number} [eventsHeartbeatMs] comment line interval of EVENTS_PATH (default 15000)
 * @property {number} [tokenTtlSeconds] lifetime of a CTI token (default 8 h, cti/auth.mjs)
 * @property {boolean} [insecureDev] no authentication anywhere: the CTI API trusts UserId and the
 *   supervisor's routes are open (the behaviour before tokens). Only for explicit local
 *   experiments; it is never the default and it prints a warning.
 */

/**
 * Starts every part and resolves with handles and an HTTP handler for the demo server.
 * @param {CallCenterOptions} [options]
 */
export async function startCallCenter(options = {}) {
  const users = readJson(options.users ?? here('../users.json'));
  const queues = readJson(options.queues ?? here('./queues.json'));
  const dataDir = options.dataDir ?? here('../.data');
  mkdirSync(dataDir, { recursive: true });
  const quiet = options.quiet === true;
  const say = quiet ? () => {} : (...a) => console.log(...a);
  const logger = quiet ? { info() {}, warn: (...a) => console.warn(...a), error: (...a) => console.error(...a), log() {} } : console;

  const directory = new AgentDirectory({ users, queues });
  const insecureDev = options.insecureDev === true;
  if (insecureDev) console.warn('call center: insecureDev: the CTI API trusts any UserId and the supervisor routes are open. Never expose this.');
  // Before the SIP server: a CTI token's SIP password (GetLoginDetails SipPassword) registers too.
  const auth = insecureDev ? null : createAuth({ users, ...(options.tokenTtlSeconds ? { ttlSeconds: options.tokenTtlSeconds } : {}) });
  // Supervisor feature codes (`*2221001` ...): defaults in acd/feature-codes.mjs, overrides in
  // queues.json `featureCodes`; the proxy routes them to the ACD, which serves them.
  const featureCodes = resolveFeatureCodes(queues.featureCodes);
  const featureService = queues.queues[0]?.id;
  const started = [];
  const stopAll = async () => {
    for (const stop of started.reverse()) await stop().catch((e) => console.error(`call center: stop failed: ${e.message}`));
  };
  try {
    const sip = await startSipServer({
      port: options.sipPort ?? 0,
      users,
      maxExpires: REGISTRATION_MAX_EXPIRES_SECONDS,
      pingInterval: PING_INTERVAL_MS,
      featureRoutes: featureService ? [{ prefixes: featurePrefixes(featureCodes), user: featureService }] : [],
      ...(auth ? { sessionPasswords: (/** @type {string} */ user) => auth.sipPasswordsOf(user) } : {}),
      log: quiet ? false : (line) => console.error(`[sip] ${line}`),
    });
    started.push(() => sip.close());
    // A signed-out session's softphone goes with it (else at its next refresh, within 60 s).
    if (auth) {
      const unsubscribe = auth.onRevoke(({ tokenId }) => sip.dropCredential(tokenId));
      started.push(async () => unsubscribe());
    }
    // Presence: the registrar drops a binding when its socket closes, expires or is removed by
    // REGISTER Expires: 0; the directory then takes the agent offline (see agents.mjs).
    sip.on('registered', ({ user }) => directory.has(user) && directory.setRegistered(user, true));
    sip.on('unregistered', ({ user }) => {
      if (directory.has(user) && !sip.registrar.lookup(user)) directory.setRegistered(user, false);
    });
    // A supervisor's break / ready / log-out of an agent: the agent's softphone hears it at once
    // (unsolicited NOTIFY), so its status is never stale.
    directory.on('forced', ({ agentId, state, reason, by }) => sip.notifyUser(agentId, 'x-cc-agent-state', { state, reason, by }));

    const cdrStore = openCdrStore({ file: `${dataDir}/call-records.jsonl` });
    started.push(async () => cdrStore.close());
    const proxyRecords = recordProxyCalls({
      proxy: sip,
      store: cdrStore,
      directory,
      queueIds: queues.queues.map((q) => q.id),
      // A monitoring leg is part of the ACD's call (its record), not a call of its own.
      skipPrefixes: featurePrefixes(featureCodes),
      logger,
    });
    started.push(async () => proxyRecords.detach());

    const account = (user) => users.users.find((u) => u.user === user);
    const acd = await startAcd({
      wsUrl: sip.wsUrl,
      domain: sip.domain,
      users,
      queues,
      directory,
      featureCodes,
      onRecord: (record) => {
        try {
          cdrStore.append(record);
        } catch (e) {
          console.error(`call center: call record not stored: ${e.message}`);
        }
      },
      log: quiet ? undefined : { info: (...a) => say('[acd]', ...a), warn: (...a) => console.warn('[acd]', ...a) },
    });
    started.push(() => acd.close());

    const customers = await startCustomerService({
      wsUrl: sip.wsUrl,
      domain: sip.domain,
      user: 'pstn',
      password: account('pstn')?.password,
      ...(options.customerAnswerDelayMs === undefined ? {} : { answerDelayMs: options.customerAnswerDelayMs }),
      log: quiet ? undefined : { info: (...a) => say('[customers]', ...a), warn: (...a) => console.warn('[customers]', ...a) },
    });
    started.push(() => customers.close());

    /**
     * The supervisor's routes (queue figures, live events): a supervisor's token, or nothing with
     * insecureDev. Returns the check the event stream repeats while it is open.
     * @param {import('node:http').IncomingMessage} req
     */
    const supervisorOnly = (req) => {
      if (!auth) return undefined;
      const header = String(req.headers.authorization ?? '');
      const record = auth.authenticate(req);
      if (record.role !== 'supervisor') throw authErrors.supervisorOnly(record.userId, new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      const token = header.trim().split(/\s+/)[1];
      return () => {
        try {
          auth.check(token);
          return true;
        } catch {
          return false;
        }
      };
    };
    const cti = createCtiHandler({
      directory,
      users,
      queues,
      cdrStore,
      callControl: acd,
      outboundNumbers: DEFAULT_OUTBOUND_NUMBERS,
      path: CTI_PATH,
      aliasPaths: [REFERENCE_CTI_PATH],
      actionParam: 'action',
      sipServerUrl: sip.wsUrl,
      // "Ready" means a softphone can ring: the workbench registers before it logs in.
      requireRegistration: true,
      featureCodes,
      logger,
      insecureDev,
      ...(auth ? { auth, tokenPath: TOKEN_PATH, sessionPath: SESSION_PATH } : {}),
    });
    const customerApi = createCustomerHandler({ service: customers, basePath: '/api/customers' });
    /** The queue figures once (the supervisor page gets them pushed from EVENTS_PATH). */
    const queueApi = (req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path !== '/api/queues') return false;
      try {
        supervisorOnly(req);
      } catch (e) {
        sendCtiError(res, toCtiError(e), randomUUID().toUpperCase());
        return true;
      }
      const body = JSON.stringify(queueSummaries(acd));
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(body);
      return true;
    };
    const eventsApi = createEventsHandler({
      directory,
      acd,
      path: EVENTS_PATH,
      heartbeatMs: options.eventsHeartbeatMs || undefined,
      authorize: supervisorOnly,
    });
    // Open streams would keep the demo server from closing.
    started.push(async () => eventsApi.close());

    return {
      sip,
      acd,
      customers,
      directory,
      cdrStore,
      domain: sip.domain,
      wsUrl: sip.wsUrl,
      users,
      /** The supervisor feature codes and mode digits in force (acd/feature-codes.mjs). */
      featureCodes,
      /** The token store (null with insecureDev): `issue`, `check`, `revoke`, `revokeUser`. */
      auth,
      /** HTTP handlers for the demo server, tried in order before static files. */
      handlers: [cti, customerApi, queueApi, eventsApi],
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function readJson(source) {
  if (typeof source === 'object' && source !== null) return source;
  try {
    return JSON.parse(readFileSync(source, 'utf8'));
  } catch (e) {
    throw new Error(`call center: cannot read ${source}: ${e.message}`);
  }
}
