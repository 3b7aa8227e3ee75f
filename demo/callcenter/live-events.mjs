// What the supervisor page shows, pushed instead of polled: a Server-Sent Events stream
// (GET /api/events, text/event-stream) with a full snapshot of agents and queues on connect and
// again after every agent or queue change. Bursts (a call offered, answered and the agent's
// state changing within a few ms) become one snapshot: at most one every `coalesceMs`. A comment
// line every `heartbeatMs` keeps proxies and idle timeouts from closing a quiet stream. Also the
// queue summary of GET /api/queues, so both show the same figures. Each agent carries what a
// supervisor's agent board shows: its state and time in it, its current call (caller, queue,
// direction, since when) and who monitors that call in which mode.
import { randomUUID } from 'node:crypto';
import { sendCtiError } from './cti/auth.mjs';
import { errors, toCtiError } from './cti/errors.mjs';

/** ACD events after which a queue's figures or an agent's call may have changed. */
const QUEUE_EVENTS = Object.freeze([
  'queued', 'offered', 'offerFailed', 'missed', 'answered', 'transferring', 'transferred', 'transferFailed', 'agentLost', 'ended',
  // The board shows who monitors a call and how.
  'monitorStarted', 'monitorChanged', 'monitorEnded', 'intercepted', 'interceptFailed',
]);

/**
 * @typedef {object} QueueSummary
 * @property {string} id
 * @property {string} name
 * @property {number} waiting            calls waiting for an agent
 * @property {number} longestWaitSeconds
 * @property {number|null} oldestSince   ms epoch the longest-waiting call arrived (pages tick locally)
 * @property {number} readyAgents        logged in (CTI) + ready + registered
 * @property {number} availableAgents    may be offered a call now (ready ones plus registered idle agents without CTI)
 * @property {number} talking
 * @property {Array<{jobId: string, callId: string, caller: string, since: number, offeredTo: string|null}>} calls
 *
 * @typedef {object} AgentSummary
 * @property {string} agentId
 * @property {string} name
 * @property {'offline'|'ready'|'break'|'ringing'|'talking'|'afterCall'} state
 * @property {string|null} breakReason
 * @property {number} stateSince   ms epoch
 * @property {boolean} registered
 * @property {string[]} queues     queue names
 * @property {string|null} callId   the directory's call id (the ACD's jobId) while ringing / talking
 * @property {{ state: 'break'|'offline', breakReason: string|null, by: string, since: number }|null} pendingState
 *   a supervisor's break / log-out that starts when the agent's call ends
 * @property {AgentCallSummary|null} call  the call the agent is ringing for or talking on
 *
 * @typedef {object} AgentCallSummary
 * @property {string} jobId
 * @property {string} caller         the customer's number (inbound: calling, outbound: dialled)
 * @property {string|null} queue     the queue's name, null for outbound calls
 * @property {string|null} queueId
 * @property {'inbound'|'outbound'} direction
 * @property {number|null} since     ms epoch the agent started talking with the customer; null while ringing
 * @property {{ supervisorId: string, mode: string }|null} monitor  mode: listen | whisper | barge
 *   (intercept for the moment a `*225` leg is being answered)
 *
 * @typedef {{ time: number, agents: AgentSummary[], queues: QueueSummary[] }} Snapshot
 *
 * @typedef {Pick<import('./acd/acd.mjs').Acd, 'queues' | 'waiting' | 'on' | 'off'> & Partial<Pick<import('./acd/acd.mjs').Acd, 'agentCalls'>>} AcdView
 */

/**
 * The queues as the supervisor sees them.
 * @param {AcdView} acd
 * @returns {QueueSummary[]}
 */
export function queueSummaries(acd) {
  return acd.queues().map((q) => ({
    id: q.id,
    name: q.name,
    waiting: q.waiting,
    longestWaitSeconds: Math.round(q.longestWaitMs / 1000),
    oldestSince: q.oldestSince,
    readyAgents: q.ready.length,
    availableAgents: q.available.length,
    talking: q.talking,
    calls: acd.waiting(q.id),
  }));
}

/**
 * The agents (not the supervisor) as the supervisor sees them.
 * @param {import('./agents.mjs').AgentDirectory} directory
 * @param {QueueSummary[]} queues the queueSummaries of the same moment, for the queue names
 * @param {Map<string, import('./acd/acd.mjs').AgentCall>} [calls] acd.agentCalls() of the same moment
 * @returns {AgentSummary[]}
 */
export function agentSummaries(directory, queues, calls = new Map()) {
  const names = new Map(queues.map((q) => [q.id, q.name]));
  return directory
    .list()
    .filter((a) => a.role === 'agent')
    .map((a) => {
      const call = calls.get(a.agentId);
      return {
        agentId: a.agentId,
        name: a.displayName,
        state: a.state,
        breakReason: a.state === 'break' ? a.breakReason : null,
        stateSince: a.stateSince,
        registered: a.registered,
        queues: a.skills.map((s) => names.get(s.queue) ?? s.queue),
        callId: a.callId,
        pendingState: a.pending ? { state: a.pending.state, breakReason: a.pending.reason, by: a.pending.by, since: a.pending.since } : null,
        call: call
          ? {
              jobId: call.jobId,
              caller: call.caller,
              queue: call.queue,
              queueId: call.queueId,
              direction: call.direction,
              since: call.since,
              monitor: call.monitor ? { supervisorId: call.monitor.supervisorId, mode: call.monitor.mode } : null,
            }
          : null,
      };
    });
}

/**
 * @typedef {object} EventsOptions
 * @property {import('./agents.mjs').AgentDirectory} directory
 * @property {AcdView} acd
 * @property {string} [path]        default "/api/events"
 * @property {number} [coalesceMs]  shortest gap between two pushed snapshots, default 200
 * @property {number} [heartbeatMs] comment line interval, default 15000
 * @property {number} [retryMs]     the EventSource's reconnection delay (`retry:`), default 2000
 * @property {(req: import('node:http').IncomingMessage) => (undefined | (() => boolean))} [authorize]
 *   who may listen: throws a CtiError (401/403, answered in the CTI error shape) to refuse; may
 *   return a check run before every write, false ending the stream (a token that expired or was
 *   revoked while the stream was open). Absent: anyone (tests of the stream itself).
 */

/**
 * Creates the GET /api/events handler. Like the other handlers it returns false, touching
 * nothing, for other paths. Listeners on the directory and the ACD exist only while at least one
 * client is connected; `close()` ends every stream (server shutdown).
 * @param {EventsOptions} options
 */
export function createEventsHandler({ directory, acd, path = '/api/events', coalesceMs = 200, heartbeatMs = 15_000, retryMs = 2000, authorize }) {
  /** @type {Set<import('node:http').ServerResponse>} */
  const clients = new Set();
  /** @type {WeakMap<import('node:http').ServerResponse, () => boolean>} */
  const stillAllowed = new WeakMap();
  /**
   * Writes to one client unless its permission ended meanwhile.
   * @param {import('node:http').ServerResponse} res
   * @param {string} text
   */
  const write = (res, text) => {
    const allowed = stillAllowed.get(res);
    if (allowed && !allowed()) {
      drop(res);
      res.end();
      return;
    }
    res.write(text);
  };
  /** @type {NodeJS.Timeout|null} */
  let pending = null;
  /** @type {NodeJS.Timeout|null} */
  let heartbeat = null;
  let lastPush = 0;

  const snapshot = () => {
    const queues = queueSummaries(acd);
    const agents = agentSummaries(directory, queues, acd.agentCalls?.());
    return `event: snapshot\ndata: ${JSON.stringify(/** @type {Snapshot} */ ({ time: Date.now(), agents, queues }))}\n\n`;
  };

  const push = () => {
    pending = null;
    lastPush = Date.now();
    if (!clients.size) return;
    const text = snapshot();
    for (const res of [...clients]) write(res, text);
  };

  const changed = () => {
    if (pending || !clients.size) return;
    pending = setTimeout(push, Math.max(0, lastPush + coalesceMs - Date.now()));
  };

  const attach = () => {
    directory.on('change', changed);
    for (const name of QUEUE_EVENTS) acd.on(name, changed);
    heartbeat = setInterval(() => {
      for (const res of [...clients]) write(res, ': heartbeat\n\n');
    }, heartbeatMs);
  };

  const detach = () => {
    directory.off('change', changed);
    for (const name of QUEUE_EVENTS) acd.off(name, changed);
    if (heartbeat) clearInterval(heartbeat);
    if (pending) clearTimeout(pending);
    heartbeat = null;
    pending = null;
  };

  /** @param {import('node:http').ServerResponse} res */
  const drop = (res) => {
    if (!clients.delete(res)) return;
    if (!clients.size) detach();
  };

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @returns {boolean}
   */
  function eventsHandler(req, res) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== path) return false;
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return true;
    }
    if (url.search.length > 256) {
      sendCtiError(res, errors.queryTooLarge(255), randomUUID().toUpperCase());
      return true;
    }
    /** @type {(() => boolean) | undefined} */
    let check;
    try {
      check = authorize?.(req);
    } catch (e) {
      sendCtiError(res, toCtiError(e), randomUUID().toUpperCase());
      return true;
    }
    if (check) stillAllowed.set(res, check);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // A buffering reverse proxy would hold the stream back.
      'X-Accel-Buffering': 'no',
    });
    // A stream is idle between changes: no socket timeout may end it.
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    if (!clients.size) attach();
    clients.add(res);
    res.write(`retry: ${retryMs}\n\n${snapshot()}`);
    res.on('close', () => drop(res));
    return true;
  }

  return Object.assign(eventsHandler, {
    /** Connected clients now. */
    get clientCount() {
      return clients.size;
    },
    /** Ends every stream and removes the listeners. */
    close() {
      for (const res of [...clients]) {
        drop(res);
        res.end();
      }
    },
  });
}
