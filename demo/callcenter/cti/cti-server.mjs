// The dev call center's CTI HTTP API: the server side of the reference workbench SDK's request
// convention (reference 000 section 四), answering with the vendor's response envelope
// `{ RequestId, Code, HttpStatusCode, Message, Data }`. See README.md next to this file.
import fs from 'node:fs';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ACTIONS, localPart, USER_ID } from './actions.mjs';
import { DEFAULT_FEATURE_CODES } from '../acd/feature-codes.mjs';
import { authErrors, challenge, createAuth, crossOriginReason, readCookie, SESSION_COOKIE, sessionCookie } from './auth.mjs';
import { CtiError, errors, show, toCtiError } from './errors.mjs';
import { checkParams, readBody, readRequest, str } from './request.mjs';

/** The caller-ID list used when none is passed in (outbound-numbers.json next to this file). */
export const DEFAULT_OUTBOUND_NUMBERS = JSON.parse(fs.readFileSync(new URL('./outbound-numbers.json', import.meta.url), 'utf8')).numbers;

/**
 * @typedef {object} CtiOptions
 * @property {import('../agents.mjs').AgentDirectory} directory  agents and their states
 * @property {{ domain?: string, users: Array<{ user: string, role?: string, displayName?: string }> }} users  demo/users.json
 * @property {{ queues: Array<{ id: string, name?: string }> }} queues  demo/callcenter/queues.json (skill groups)
 * @property {import('./cdr-store.mjs').CdrStore} [cdrStore]  for ListRecentCallDetailRecords
 * @property {import('./actions.mjs').CallControl} [callControl]  the ACD; without it call actions answer 503
 * @property {Array<string | { number: string, province?: string, city?: string, zh?: { province?: string, city?: string } }>} [outboundNumbers]
 *   `zh`: the region's names for requests whose Accept-Language prefers Chinese
 * @property {string} [path]          ajaxPath, default "/data/api.json"
 * @property {string[]} [aliasPaths]  more paths answering the same API (the reference SDKs' printed
 *   `ajaxPath`, e.g. "/aliyun/ccc/api"), default none
 * @property {string} [actionParam]   ajaxApiParamName, default "action"
 * @property {string} [instanceId]    accepted InstanceId, default users.domain
 * @property {string} [sipServerUrl]  returned by GetLoginDetails, default ""
 * @property {boolean} [requireRegistration]  ReadyForService needs a registered softphone, default false
 * @property {Readonly<import('../acd/feature-codes.mjs').FeatureCodes>} [featureCodes]  the supervisor feature codes and
 *   mode digits GetLoginDetails tells a supervisor (the call center's, `center.featureCodes`); default the defaults
 * @property {number} [maxBodyBytes]  default 16384
 * @property {number} [maxQueryBytes] longest query string (after `?`), default 8192
 * @property {import('./auth.mjs').Auth} [auth]  the token store (shared with the other APIs); default: one of its own over `users`
 * @property {string} [tokenPath]     where tokens are issued (POST) and revoked (DELETE), default `${path}/token`
 * @property {string} [sessionPath]   where a cookie session starts (POST, sets SESSION_COOKIE) and ends
 *   (DELETE), default `${path}/session`; requests without Authorization may then authenticate with the cookie
 * @property {boolean} [insecureDev]  no authentication: the caller is whoever UserId / X-CC-Agent names (the old
 *   behaviour, for explicit local experiments only); default false
 * @property {number} [callControlTimeoutMs]  default 15000
 * @property {{ info?: (line: string) => void, log?: (line: string) => void }} [logger]  one line per call, default console
 */

/**
 * True when an Accept-Language header ranks Chinese above English (the browser's languages, or
 * what the host page puts in the workbench's ctiHeaders).
 * @param {string | undefined} header
 */
export function prefersChinese(header) {
  const ranked = String(header ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = Number(/q=([0-9.]+)/.exec(rest.join(';'))?.[1] ?? '1');
      return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((l) => /^(zh|en)\b/.test(l.tag))
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.tag.startsWith('zh') ?? false;
}

/**
 * Normalizes the outbound numbers into the vendor's list item shape.
 * @param {CtiOptions['outboundNumbers']} numbers
 */
function outboundList(numbers = DEFAULT_OUTBOUND_NUMBERS) {
  if (!Array.isArray(numbers)) throw new TypeError('cti: outboundNumbers must be an array');
  return numbers.map((n) => {
    const item = typeof n === 'string' ? { number: n } : n;
    if (!item || typeof item.number !== 'string' || !item.number) throw new TypeError('cti: every outbound number needs a number');
    return { Number: item.number, Province: item.province ?? '', City: item.city ?? '', zh: { Province: item.zh?.province ?? item.province ?? '', City: item.zh?.city ?? item.city ?? '' } };
  });
}

/**
 * Creates the request handler. It answers requests for `path` (any query) and returns true, or
 * returns false without touching the request so the caller can serve it (static files, ...).
 * @param {CtiOptions} options
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean}
 */
export function createCtiHandler({
  directory,
  users,
  queues,
  cdrStore,
  callControl,
  outboundNumbers,
  path = '/data/api.json',
  aliasPaths = [],
  actionParam = 'action',
  instanceId,
  sipServerUrl = '',
  requireRegistration = false,
  featureCodes = DEFAULT_FEATURE_CODES,
  maxBodyBytes = 16 * 1024,
  maxQueryBytes = 8 * 1024,
  auth,
  tokenPath,
  sessionPath,
  insecureDev = false,
  callControlTimeoutMs = 15_000,
  logger = console,
}) {
  if (!directory || typeof directory.get !== 'function') throw new TypeError('cti: directory (AgentDirectory) is required');
  if (!users || !Array.isArray(users.users)) throw new TypeError('cti: users ({ users: [...] } of users.json) is required');
  if (!queues || !Array.isArray(queues.queues)) throw new TypeError('cti: queues ({ queues: [...] } of queues.json) is required');
  const domain = users.domain ?? 'localhost';
  /** @type {import('./actions.mjs').CtiContext} */
  const ctx = {
    directory,
    users: new Map(users.users.map((u) => [u.user, { role: u.role ?? 'customer', displayName: u.displayName ?? u.user }])),
    domain,
    instanceId: instanceId ?? domain,
    queues: queues.queues.map((q) => ({ id: q.id, name: q.name ?? q.id })),
    cdrStore,
    callControl,
    callControlTimeoutMs,
    outboundNumbers: outboundList(outboundNumbers),
    sipServerUrl,
    requireRegistration,
    featureCodes,
  };
  const tokens = insecureDev ? null : auth ?? createAuth({ users });
  ctx.auth = tokens;
  const tokenRoute = tokenPath ?? `${path}/token`;
  const sessionRoute = sessionPath ?? `${path}/session`;
  const apiPaths = new Set([path, ...aliasPaths]);
  const write = typeof logger?.info === 'function' ? logger.info.bind(logger) : typeof logger?.log === 'function' ? logger.log.bind(logger) : () => {};

  /**
   * Resolves who is calling and for whom. Authenticated (the default): the token's user; UserId
   * and X-CC-Agent are optional and, when given, must name that same user (403 otherwise: an
   * agent acts only for itself). With `insecureDev`: UserId, or the X-CC-Agent header; both must
   * agree. One exception, for the actions that allow it (`supervisorMayTarget`): a supervisor's
   * UserId may name another user, who is then the one acted on (`user`), the supervisor being
   * `by` (reference 002 pause(agentId) / restore(agentId) / logoutAgent); with `insecureDev` the
   * supervisor is the X-CC-Agent. An unknown user named so is 404.
   * @param {Record<string, unknown>} params
   * @param {import('node:http').IncomingMessage} req
   * @param {import('./auth.mjs').TokenRecord | null} token
   * @param {boolean} mayTarget
   * @returns {{ user: import('./actions.mjs').AgentRecord, by?: import('./actions.mjs').AgentRecord }}
   */
  function identify(params, req, token, mayTarget) {
    const header = req.headers['x-cc-agent'];
    const headerId = typeof header === 'string' && header.trim() ? header.trim() : undefined;
    const named = str(params, 'UserId', { max: 128 });
    /** @param {string} raw @param {string} what */
    const userOf = (raw, what) => {
      const id = localPart(raw, ctx);
      if (id !== null && !USER_ID.test(id)) throw errors.invalid(what, raw, 'not a user id');
      return id;
    };
    /** @param {string} raw @param {import('./actions.mjs').AgentRecord} by */
    const onBehalf = (raw, by) => {
      const id = userOf(raw, 'UserId');
      const user = id === null ? undefined : directory.get(id);
      if (!user) throw errors.userNotFound(raw);
      return { user: /** @type {import('./actions.mjs').AgentRecord} */ (user), by };
    };
    if (token) {
      const caller = /** @type {import('./actions.mjs').AgentRecord | undefined} */ (directory.get(token.userId));
      if (!caller) throw errors.userNotFound(token.userId);
      /** @type {string | undefined} */
      let other;
      for (const [raw, what] of /** @type {[string|undefined, string][]} */ ([[named, 'UserId'], [headerId, 'X-CC-Agent']])) {
        if (raw === undefined || userOf(raw, what) === token.userId) continue;
        if (what === 'UserId' && mayTarget && caller.role === 'supervisor') {
          other = raw;
          continue;
        }
        throw errors.forbidden(`The token of ${token.userId} cannot act for ${what} "${show(raw)}": an agent acts only for itself.`, [what, show(raw)]);
      }
      return other === undefined ? { user: caller } : onBehalf(other, caller);
    }
    const raw = named ?? headerId;
    if (raw === undefined) throw errors.blank('UserId');
    if (headerId !== undefined && named !== undefined && localPart(headerId, ctx) !== userOf(named, 'UserId')) {
      const supervisor = directory.get(localPart(headerId, ctx) ?? '');
      if (mayTarget && supervisor?.role === 'supervisor') return onBehalf(named, /** @type {import('./actions.mjs').AgentRecord} */ (supervisor));
    }
    const id = userOf(raw, named !== undefined ? 'UserId' : 'X-CC-Agent');
    if (id === null || !directory.has(id)) throw errors.userNotFound(raw);
    if (headerId !== undefined) {
      const fromHeader = localPart(headerId, ctx);
      if (fromHeader !== id) {
        throw errors.forbidden(`Agent "${show(headerId)}" (X-CC-Agent) cannot act as UserId "${show(raw)}".`, ['UserId', show(raw)]);
      }
    }
    return { user: /** @type {import('./actions.mjs').AgentRecord} */ (directory.get(id)) };
  }

  /**
   * POST tokenPath { UserId, Password } issues a token; DELETE tokenPath with the token revokes it.
   * @param {import('node:http').IncomingMessage} req
   * @param {URL} url
   * @param {{ action?: string, userId?: unknown }} seen
   */
  async function token(req, url, seen) {
    seen.action = req.method === 'DELETE' ? 'RevokeToken' : 'CreateToken';
    if (!tokens) throw new CtiError('Auth.Disabled', 404, 'Tokens are not used: the call center runs with insecureDev.');
    if (req.method === 'DELETE') {
      req.resume();
      const record = tokens.authenticate(req);
      seen.userId = record.userId;
      tokens.revoke(/** @type {string} */ (req.headers.authorization).trim().split(/\s+/)[1]);
      return { Revoked: true, UserId: `${record.userId}@${domain}` };
    }
    if (req.method !== 'POST') throw errors.methodNotAllowed(req.method);
    const issued = await signIn(req, url, seen);
    return {
      AccessToken: issued.token,
      TokenType: 'Bearer',
      ExpiresIn: Math.round((issued.record.expiresAt - issued.record.issuedAt) / 1000),
      ExpiresAt: issued.record.expiresAt,
      UserId: `${issued.record.userId}@${domain}`,
      Role: issued.record.role,
    };
  }

  /**
   * POST sessionPath { UserId, Password } starts a cookie session (a token in SESSION_COOKIE, the
   * token itself never in the answer); DELETE sessionPath ends it. Both only from this origin's
   * pages: a cross-origin sign-in would plant someone else's session (login CSRF).
   * @param {import('node:http').IncomingMessage} req
   * @param {URL} url
   * @param {{ action?: string, userId?: unknown, headers?: Record<string, string> }} seen
   */
  async function session(req, url, seen) {
    seen.action = req.method === 'DELETE' ? 'EndSession' : 'CreateSession';
    if (!tokens) throw new CtiError('Auth.Disabled', 404, 'Sessions are not used: the call center runs with insecureDev.');
    if (req.method !== 'POST' && req.method !== 'DELETE') throw errors.methodNotAllowed(req.method);
    const why = crossOriginReason(req);
    if (why) {
      req.resume();
      throw authErrors.crossOrigin(why);
    }
    const secure = /** @type {import('node:tls').TLSSocket} */ (req.socket).encrypted === true;
    const old = readCookie(req, SESSION_COOKIE);
    /** Ends the session the request's cookie names, if it is live; who it was. */
    const endOld = () => {
      if (old === undefined) return null;
      try {
        const record = tokens.check(old);
        tokens.revoke(old);
        return record;
      } catch {
        return null;
      }
    };
    if (req.method === 'DELETE') {
      req.resume();
      const ended = endOld();
      seen.userId = ended?.userId;
      // Cleared whatever it held: a stale cookie must not linger either.
      seen.headers = { 'set-cookie': sessionCookie(null, { secure }) };
      return { Revoked: ended !== null, UserId: ended ? `${ended.userId}@${domain}` : '' };
    }
    const issued = await signIn(req, url, seen);
    // One session per cookie: the one it replaces ends (no pile of live tokens behind one browser).
    endOld();
    const ExpiresIn = Math.round((issued.record.expiresAt - issued.record.issuedAt) / 1000);
    seen.headers = { 'set-cookie': sessionCookie(issued.token, { maxAgeSeconds: ExpiresIn, secure }) };
    return {
      TokenType: 'Cookie',
      CookieName: SESSION_COOKIE,
      ExpiresIn,
      ExpiresAt: issued.record.expiresAt,
      UserId: `${issued.record.userId}@${domain}`,
      Role: issued.record.role,
    };
  }

  /**
   * Reads `{ UserId, Password }` (JSON or form) and issues a token: the token and the session
   * endpoints' common sign-in, with the same checks and the same lockout.
   * @param {import('node:http').IncomingMessage} req
   * @param {URL} url
   * @param {{ userId?: unknown }} seen
   */
  async function signIn(req, url, seen) {
    if (!tokens) throw new CtiError('Auth.Disabled', 404, 'Tokens are not used: the call center runs with insecureDev.');
    if (url.search.length > 1) throw errors.invalid('query', '(hidden)', 'credentials go in the POST body, never in the URL');
    const body = (await readBody(req, 4096)).toString('utf8');
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    /** @type {Record<string, unknown>} */
    let fields;
    if (type === 'application/x-www-form-urlencoded') {
      fields = Object.fromEntries(new URLSearchParams(body));
    } else {
      try {
        fields = JSON.parse(body);
      } catch {
        throw errors.format('body', '(hidden)', 'not JSON: send {"UserId": "...", "Password": "..."}');
      }
      if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw errors.format('body', '(hidden)', 'must be a JSON object');
    }
    // camelCase is accepted here too, as for every CTI parameter.
    const rawUser = /** @type {string} */ (str({ UserId: fields.UserId ?? fields.userId }, 'UserId', { required: true, max: 128 }));
    const id = localPart(rawUser, ctx);
    seen.userId = rawUser;
    const password = fields.Password ?? fields.password;
    if (password === undefined || password === '') throw errors.blank('Password');
    if (typeof password !== 'string' || password.length > 256) throw errors.invalid('Password', '(hidden)', 'must be a string of at most 256 characters');
    const issued = tokens.issue(id ?? '', password);
    seen.userId = issued.record.userId;
    return issued;
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {URL} url
   * @param {{ action?: string, userId?: unknown, viaCookie?: boolean }} seen  filled in as the request is understood, for the log line
   * @returns {Promise<unknown>} the response's Data
   */
  async function run(req, url, seen) {
    if (req.method !== 'GET' && req.method !== 'POST') throw errors.methodNotAllowed(req.method);
    // Who is asking comes first: a stranger's body is never read, parsed or validated.
    /** @type {import('./auth.mjs').TokenRecord | null} */
    let record = null;
    if (tokens) {
      const header = req.headers.authorization;
      seen.viaCookie = !(typeof header === 'string' && header.trim() !== '') && readCookie(req, SESSION_COOKIE) !== undefined;
      record = tokens.authenticateSession(req, { cookie: true }).record;
    }
    if (record) seen.userId = record.userId;
    const { action, params } = await readRequest(req, url, { actionParam, maxBodyBytes });
    seen.action = action;
    if (!record) seen.userId = typeof params.UserId === 'string' ? params.UserId : req.headers['x-cc-agent'];
    if (action === undefined || action.trim() === '') throw errors.blank(actionParam);
    const entry = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!entry) throw errors.actionNotFound(action);
    checkParams(params);
    const instance = str(params, 'InstanceId', { max: 128 });
    if (instance !== undefined && instance !== ctx.instanceId) throw errors.instanceNotFound(instance);
    const { user, by } = identify(params, req, record, entry.supervisorMayTarget === true);
    seen.userId = by ? `${by.agentId} for ${user.agentId}` : user.agentId;
    if (entry.agentOnly && user.role !== 'agent') {
      throw errors.forbidden(`${user.agentId} is a ${user.role}, not an agent; it cannot ${action}.`, ['UserId', user.agentId]);
    }
    return entry.run({
      action,
      params,
      user,
      ...(by ? { by } : {}),
      ...(record ? { token: record } : {}),
      ctx,
      lang: prefersChinese(req.headers['accept-language']) ? 'zh' : 'en',
    });
  }

  return function ctiHandler(req, res) {
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://cti.invalid');
    } catch {
      return false;
    }
    if (!apiPaths.has(url.pathname) && url.pathname !== tokenRoute && url.pathname !== sessionRoute) return false;
    const started = performance.now();
    const requestId = randomUUID().toUpperCase();
    /** @type {{ action?: string, userId?: unknown, headers?: Record<string, string>, viaCookie?: boolean }} */
    const seen = {};
    Promise.resolve()
      .then(() => {
        const query = url.search.length > 0 ? url.search.length - 1 : 0;
        if (query > maxQueryBytes) throw errors.queryTooLarge(maxQueryBytes);
        if (url.pathname === tokenRoute) return token(req, url, seen);
        if (url.pathname === sessionRoute) return session(req, url, seen);
        return run(req, url, seen);
      })
      .then(
        (data) => ({ status: 200, body: { RequestId: requestId, Code: 'OK', HttpStatusCode: 200, Message: '', Data: data ?? null } }),
        (e) => {
          const err = toCtiError(e);
          if (!(e instanceof CtiError) && !(e && typeof e === 'object' && 'code' in e)) {
            // Our own bug, not the client's: keep the stack in the server log.
            write(`[cti] ${requestId} internal error: ${/** @type {Error} */ (e)?.stack ?? e}`);
          }
          return {
            status: err.httpStatus,
            body: { RequestId: requestId, Code: err.code, HttpStatusCode: err.httpStatus, Message: err.message, Params: err.params, Data: null },
          };
        },
      )
      .then(({ status, body }) => {
        if (!res.headersSent && !res.destroyed) {
          const text = JSON.stringify(body);
          /** @type {Record<string, string|number>} */
          const headers = {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(text),
            'cache-control': 'no-store',
            'x-acs-request-id': requestId,
          };
          if (status === 405) headers.allow = url.pathname === tokenRoute || url.pathname === sessionRoute ? 'POST, DELETE' : 'GET, POST';
          Object.assign(headers, seen.headers ?? {});
          // A session cookie that no longer works is dropped, so the page signs in again.
          if (status === 401 && seen.viaCookie) headers['set-cookie'] = sessionCookie(null);
          const www = challenge(/** @type {CtiError} */ ({ httpStatus: status, code: body.Code }));
          if (www) headers['www-authenticate'] = www;
          // The rest of an oversized body is not worth reading on a kept-alive connection.
          if (status === 413 || ((status === 401 || body.Code === 'Forbidden.CrossOrigin') && req.method === 'POST' && !req.complete)) headers.connection = 'close';
          res.writeHead(status, headers);
          res.end(text);
        }
        const ms = Math.round(performance.now() - started);
        write(`[cti] ${show(seen.action ?? '-')} UserId=${show(seen.userId ?? '-')} ${body.Code} ${ms}ms`);
      })
      .catch((e) => {
        // Never let a failure here take the process down.
        try {
          write(`[cti] ${requestId} could not answer: ${/** @type {Error} */ (e)?.message ?? e}`);
          res.destroy();
        } catch {
          /* nothing left to do */
        }
      });
    return true;
  };
}

/**
 * Starts a server that answers only the CTI API (404 for anything else), for tests and tools.
 * It does not own the CDR store: close that yourself.
 * @param {CtiOptions & { host?: string, port?: number }} options
 * @returns {Promise<{ server: import('node:http').Server, origin: string, url: string, port: number, close(): Promise<void> }>}
 */
export async function startCtiServer({ host = '127.0.0.1', port = 0, ...options }) {
  const handler = createCtiHandler(options);
  const server = http.createServer((req, res) => {
    if (handler(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found\n');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    server,
    origin,
    url: `${origin}${options.path ?? '/data/api.json'}`,
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
