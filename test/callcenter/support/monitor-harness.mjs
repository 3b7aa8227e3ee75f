// Test support for supervisor monitoring: the project SIP proxy (routing feature codes to the
// ACD like the dev call center does), an ACD with the CTI API, and real JsSIP + werift phones for
// a customer (400 Hz), agents (1200 / 1400 Hz) and the supervisor (1800 Hz), each sending its own
// tone, so each recording tells who hears whom. The customer is connected to agent 1001 through
// the `sales` queue by connectedCall().
import { AgentDirectory } from '../../../demo/callcenter/agents.mjs';
import { startAcd } from '../../../demo/callcenter/acd/acd.mjs';
import { featurePrefixes, resolveFeatureCodes } from '../../../demo/callcenter/acd/feature-codes.mjs';
import { startCtiServer } from '../../../demo/callcenter/cti/cti-server.mjs';
import { startSipServer } from '../../../demo/callcenter/sip/server.mjs';
import { startPhone, waitFor } from './acd-harness.mjs';
import { api, QUEUES as QUEUES_FILE, USERS as USERS_FILE } from './cti-harness.mjs';

export const AGENT = '1001';
export const OTHER_AGENT = '1002';
export const SUPERVISOR = '1009';
/** A second supervisor, only in these tests' users (demo/users.json has one). */
export const OTHER_SUPERVISOR = '1008';
export const CUSTOMER = '13800000001';

/** demo/users.json plus a second supervisor. */
export const USERS = {
  ...USERS_FILE,
  users: [...USERS_FILE.users, { user: OTHER_SUPERVISOR, password: 'super1008', displayName: 'Sue (supervisor)', role: 'supervisor' }],
};
export const QUEUES = { ...QUEUES_FILE, ringTimeoutSeconds: 5, retryAgentSeconds: 60 };

/** Tones away from the queue music's notes (494..1047 Hz) and from each other. */
export const FREQ = /** @type {Record<string, number>} */ ({
  [AGENT]: 1200,
  [OTHER_AGENT]: 1400,
  [SUPERVISOR]: 1800,
  [OTHER_SUPERVISOR]: 1600,
  [CUSTOMER]: 400,
});
/** Heard alone: most of the energy. Heard in a mix of two: a fair share. Not heard: next to none. */
const ALONE = 0.5;
const IN_MIX = 0.2;
const SILENT = 0.05;

export const password = (/** @type {string} */ user) => /** @type {{ password: string }} */ (USERS.users.find((u) => u.user === user)).password;

/**
 * The project SIP proxy with the dev call center's feature-code route (to the `sales` UA).
 * @param {{ featureCodes?: Parameters<typeof resolveFeatureCodes>[0] }} [o]
 */
export async function startPbx({ featureCodes } = {}) {
  const codes = resolveFeatureCodes(featureCodes);
  const sip = await startSipServer({ users: USERS, log: false, featureRoutes: [{ prefixes: featurePrefixes(codes), user: 'sales' }] });
  return { sip, wsUrl: sip.wsUrl, domain: sip.domain, codes, stop: () => sip.close() };
}

/**
 * Waits until `call` hears exactly `heard` (each alone or in a mix) and none of `notHeard`.
 * @param {import('./acd-harness.mjs').TestCall} call
 * @param {string[]} heard users whose tone must be there
 * @param {string[]} notHeard users whose tone must not
 * @param {string} what
 */
export async function hears(call, heard, notHeard, what) {
  const share = heard.length > 1 ? IN_MIX : ALONE;
  await waitFor(() => heard.every((u) => call.toneShare(FREQ[u]) > share) && notHeard.every((u) => call.toneShare(FREQ[u]) < SILENT), {
    what,
    timeout: 6000,
  }).catch((e) => {
    const got = Object.fromEntries(Object.entries(FREQ).map(([u, f]) => [u, call.toneShare(f)]));
    throw new Error(`${e.message}; tone shares: ${JSON.stringify(got)}`);
  });
}

/**
 * An ACD with the CTI API, agents 1001 (ready through CTI) and 1002 (idle), supervisors 1009
 * and 1008, and customer 13800000001 connected to 1001 through the `sales` queue.
 * @param {import('node:test').TestContext} t
 * @param {Awaited<ReturnType<typeof startPbx>>} pbx
 * @param {{ users?: string[] }} [o] phones to start (default: both agents, supervisor 1009, the customer)
 */
export async function connectedCall(t, pbx, { users = [AGENT, OTHER_AGENT, SUPERVISOR, CUSTOMER] } = {}) {
  const directory = new AgentDirectory({ users: USERS, queues: QUEUES });
  const acd = await startAcd({ wsUrl: pbx.wsUrl, domain: pbx.domain, users: USERS, queues: QUEUES, directory, featureCodes: pbx.codes });
  /** @type {Array<{ event: string, data: any }>} */
  const events = [];
  for (const name of ['monitorStarted', 'monitorChanged', 'monitorEnded', 'intercepted', 'interceptFailed', 'featureCodeRefused', 'ended', 'queued']) {
    acd.on(name, (data) => events.push({ event: name, data }));
  }
  /** @type {Record<string, Awaited<ReturnType<typeof startPhone>>>} */
  const phones = {};
  const cti = await startCtiServer({ directory, users: USERS, queues: QUEUES, callControl: acd, logger: {} });
  t.after(async () => {
    await Promise.all(Object.values(phones).map((p) => p.close()).concat(acd.close()));
    await cti.close();
  });
  for (const user of users) {
    phones[user] = await startPhone({ wsUrl: pbx.wsUrl, domain: pbx.domain, user, password: password(user), frequency: FREQ[user], answer: user === CUSTOMER ? 'manual' : 'auto' });
  }
  directory.setState(AGENT, 'ready', { viaCti: true });
  directory.setState(OTHER_AGENT, 'offline', { viaCti: true });
  for (const user of users) if (directory.has(user)) directory.setRegistered(user, true);
  const customer = phones[CUSTOMER].call('sales');
  const agent = await phones[AGENT].nextIncoming(0);
  await waitFor(() => customer.has('confirmed') && customer.toneShare(FREQ[AGENT]) > ALONE && agent.toneShare(FREQ[CUSTOMER]) > ALONE, { what: 'customer and agent connected' });
  const jobId = /** @type {string} */ (phones[AGENT].invites[0].jobId);
  return {
    acd,
    directory,
    events,
    phones,
    customer,
    agent,
    jobId,
    ctiServer: cti,
    /** @param {string} action @param {Record<string, unknown>} params @param {string} [as] */
    async cti(action, params, as = SUPERVISOR) {
      return (await api(cti, action, { UserId: as, ...params }, { url: cti.url })).body;
    },
    /**
     * Starts a phone for `user` during the test (e.g. one that was not in `users`).
     * @param {string} user @param {Partial<Parameters<typeof startPhone>[0]>} [o]
     */
    async phone(user, o = {}) {
      const p = await startPhone({ wsUrl: pbx.wsUrl, domain: pbx.domain, user, password: password(user), frequency: FREQ[user] ?? 2200, ...o });
      phones[`${user}${o.authorizationUser ? `-as-${o.authorizationUser}` : ''}`] = p;
      return p;
    },
  };
}
