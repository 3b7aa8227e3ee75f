// Test support for the CTI API: an in-memory call control standing in for the ACD, and a
// started CTI server on 127.0.0.1 with a temp CDR file, cleaned up by the test's `after` hook.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentDirectory } from '../../../demo/callcenter/agents.mjs';
import { openCdrStore } from '../../../demo/callcenter/cti/cdr-store.mjs';
import { startCtiServer } from '../../../demo/callcenter/cti/cti-server.mjs';

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

/**
 * Calls one action the way the reference SDK does: POST with a JSON body (default), POST with a
 * form field `request` holding JSON (`encoding: 'form'`), or GET with query parameters.
 * @returns {Promise<{ status: number, headers: Headers, body: any }>}
 */
export async function api(cti, action, params = {}, { method = 'POST', encoding = 'json', headers = {}, url = cti.url, actionParam = 'action' } = {}) {
  const query = new URLSearchParams({ [actionParam]: action, product: 'CloudCallCenter', version: '2020-07-01', region: 'cn-shanghai' });
  /** @type {Record<string, string>} */
  const h = { ...headers };
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
  return send(`${url}?${query}`, { method, headers: h, body });
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
