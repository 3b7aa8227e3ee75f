// Test support for the CTI API: an in-memory call control standing in for the ACD, and a
// started CTI server on 127.0.0.1 with a temp CDR file, cleaned up by the test's `after` hook.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AgentDirectory } from '../../../demo/callcenter/agents.mjs';
import { openCdrStore } from '../../../demo/callcenter/cti/cdr-store.mjs';
import { startCtiServer } from '../../../demo/callcenter/cti/cti-server.mjs';
import { startCallCenter } from '../../../demo/callcenter/index.mjs';

const root = new URL('../../../', import.meta.url);
export const USERS = JSON.parse(fs.readFileSync(new URL('demo/users.json', root), 'utf8'));
export const QUEUES = JSON.parse(fs.readFileSync(new URL('demo/callcenter/queues.json', root), 'utf8'));

/** An Error shaped like the ACD's rejections. */
function acdError(code, httpStatus, message) {
  return Object.assign(new Error(message), { code, httpStatus });
}

/**
 * Fake call control: jobs in a map, every call recorded in `calls` as [method, args].
 * `failNext(code, httpStatus)` makes the next method call reject like the ACD would;
 * `hangNext()` makes it never settle.
 */
export function createFakeCallControl() {
  /** @type {Map<string, {agentId: string}>} */
  const jobs = new Map();
  /** @type {Array<[string, any]>} */
  const calls = [];
  let seq = 0;
  /** @type {null | {code: string, httpStatus: number, message: string} | 'hang'} */
  let next = null;
  const enter = async (method, args) => {
    calls.push([method, args]);
    const n = next;
    next = null;
    if (n === 'hang') return new Promise(() => {});
    if (n) throw acdError(n.code, n.httpStatus, n.message);
    return undefined;
  };
  const need = (jobId) => {
    if (!jobs.has(jobId)) throw acdError('NotExists.JobId', 404, `no job ${jobId}`);
  };
  return {
    jobs,
    calls,
    addJob(jobId, agentId) {
      jobs.set(jobId, { agentId });
    },
    failNext(code, httpStatus, message = `fake ${code}`) {
      next = { code, httpStatus, message };
    },
    hangNext() {
      next = 'hang';
    },
    async makeCall(a) {
      await enter('makeCall', a);
      const jobId = `job-${++seq}`;
      jobs.set(jobId, { agentId: a.agentId });
      return { jobId, callId: `call-${seq}@fake` };
    },
    async releaseCall(a) {
      await enter('releaseCall', a);
      need(a.jobId);
      jobs.delete(a.jobId);
    },
    async holdCall(a) {
      await enter('holdCall', a);
      need(a.jobId);
    },
    async retrieveCall(a) {
      await enter('retrieveCall', a);
      need(a.jobId);
    },
    async blindTransfer(a) {
      await enter('blindTransfer', a);
      need(a.jobId);
      jobs.delete(a.jobId);
    },
    async initiateAttendedTransfer(a) {
      await enter('initiateAttendedTransfer', a);
      need(a.jobId);
      return { jobId: `job-${++seq}` };
    },
    async completeAttendedTransfer(a) {
      await enter('completeAttendedTransfer', a);
      need(a.jobId);
      jobs.delete(a.jobId);
    },
    async cancelAttendedTransfer(a) {
      await enter('cancelAttendedTransfer', a);
      need(a.jobId);
    },
    ownerOf(jobId) {
      return jobs.get(jobId)?.agentId;
    },
  };
}

/** A temp directory removed after the test. */
export function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-cti-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Starts a CTI server with a fresh directory, a CDR store in `file` (default: a temp file),
 * the fake call control (unless `callControl: null`) and a logger collecting lines.
 * Everything is closed after the test.
 */
export async function startCti(t, { file, callControl, ...options } = {}) {
  const cdrFile = file ?? path.join(tempDir(t), 'cdr.jsonl');
  const directory = new AgentDirectory({ users: USERS, queues: QUEUES });
  const cdrStore = openCdrStore({ file: cdrFile, logger: { warn() {} } });
  const cc = callControl === undefined ? createFakeCallControl() : callControl ?? undefined;
  /** @type {string[]} */
  const lines = [];
  const server = await startCtiServer({
    directory,
    users: USERS,
    queues: QUEUES,
    cdrStore,
    callControl: cc,
    logger: { info: (line) => lines.push(line) },
    ...options,
  });
  let closed = false;
  const stop = async () => {
    if (closed) return;
    closed = true;
    await server.close();
    cdrStore.close();
  };
  t.after(stop);
  return { ...server, directory, cdrStore, callControl: cc, lines, file: cdrFile, stop };
}

/** Tokens already issued, by token URL and user: one sign-in per user and server. */
const issued = new Map();

/**
 * Signs `userId` in at the token endpoint next to `ctiUrl` (`${ctiUrl}/token`) with its
 * password from demo/users.json, as a host page's backend would, and resolves with the token.
 * @param {string} ctiUrl
 * @param {string} userId  "1001", "1001@pbx.test" or "sip:1001@pbx.test"
 * @param {{ fresh?: boolean, password?: string }} [o]  fresh: never the cached one
 * @returns {Promise<string>}
 */
export async function tokenFor(ctiUrl, userId, { fresh = false, password } = {}) {
  const user = userId.replace(/^sips?:/i, '').split('@')[0];
  const key = `${ctiUrl}|${user}`;
  if (!fresh && password === undefined && issued.has(key)) return issued.get(key);
  const account = USERS.users.find((u) => u.user === user);
  const r = await send(`${ctiUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ UserId: user, Password: password ?? account?.password ?? '' }),
  });
  if (r.body?.Code !== 'OK') throw new Error(`token for ${user}: ${r.status} ${JSON.stringify(r.body)}`);
  if (password === undefined) issued.set(key, r.body.Data.AccessToken);
  return r.body.Data.AccessToken;
}

/**
 * Calls one action the way the reference SDK does: POST with a JSON body (default), POST with a
 * form field `request` holding JSON (`encoding: 'form'`), or GET with query parameters.
 * Unless `headers` carries an Authorization (or `auth: false`), it signs in as the user the
 * request names (UserId, else X-CC-Agent) and sends that user's bearer token, as the workbench
 * does through `ctiHeaders`; a user without a password in users.json goes without one.
 * @returns {Promise<{ status: number, headers: Headers, body: any }>}
 */
export async function api(cti, action, params = {}, { method = 'POST', encoding = 'json', headers = {}, url = cti.url, actionParam = 'action', auth = true } = {}) {
  const query = new URLSearchParams({ [actionParam]: action, product: 'CloudCallCenter', version: '2020-07-01', region: 'cn-shanghai' });
  /** @type {Record<string, string>} */
  const h = { ...headers };
  const named = typeof params.UserId === 'string' ? params.UserId : h['X-CC-Agent'] ?? h['x-cc-agent'];
  const hasAuth = Object.keys(h).some((k) => k.toLowerCase() === 'authorization');
  if (auth && !hasAuth && typeof named === 'string') {
    const user = named.replace(/^sips?:/i, '').split('@')[0];
    const account = USERS.users.find((u) => u.user === user && (u.role === 'agent' || u.role === 'supervisor'));
    if (account) {
      const token = await tokenFor(url, user).catch(() => null);
      if (token) h.authorization = `Bearer ${token}`;
    }
  }
  let body;
  if (method === 'GET') {
    for (const [k, v] of Object.entries(params)) query.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  } else if (encoding === 'json') {
    h['content-type'] = 'application/json';
    body = JSON.stringify(params);
  } else if (encoding === 'form') {
    h['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams({ request: JSON.stringify(params) }).toString();
  } else {
    throw new Error(`unknown encoding ${encoding}`);
  }
  const r = await send(`${url}?${query}`, { method, headers: h, body });
  if (r.status === 401 && r.body?.Code === 'Unauthorized.InvalidToken' && h.authorization && !hasAuth) {
    // A cached token of an earlier server that listened on the same port: sign in again.
    h.authorization = `Bearer ${await tokenFor(url, /** @type {string} */ (named), { fresh: true })}`;
    return send(`${url}?${query}`, { method, headers: h, body });
  }
  return r;
}

/** fetch with a deadline; parses the JSON answer. */
export async function send(url, init = {}) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

/**
 * The whole dev call center (demo/callcenter/index.mjs) with its HTTP handlers on a loopback
 * server, as scripts/serve.mjs serves them (without the static files), and a temp data dir.
 * @param {Parameters<typeof startCallCenter>[0]} [options]
 */
export async function serveCallCenter(options = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-center-'));
  const center = await startCallCenter({ quiet: true, dataDir, ...options });
  const web = http.createServer((req, res) => {
    for (const handle of center.handlers) if (handle(req, res)) return;
    res.writeHead(404).end();
  });
  await new Promise((resolve) => web.listen(0, '127.0.0.1', () => resolve(undefined)));
  return {
    center,
    origin: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (web.address()).port}`,
    async close() {
      await center.close();
      web.closeAllConnections();
      await new Promise((resolve) => web.close(() => resolve(undefined)));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
