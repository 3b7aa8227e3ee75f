// Turns the SIP proxy's dialog events into call detail records for direct calls: an agent dialing
// a customer number (outbound), a customer dialing an agent's extension (inbound), and
// agent-to-agent calls (internal). Calls to or from a queue user (`sales`, `support`) are skipped:
// the ACD bridges those and writes their records itself, with queue and JobId.
//
// Events (emitted by the proxy's EventEmitter):
//   call-start  { callId, fromUser, toUser, time, userData? }  userData: the call's X-CC-User-Data
//   call-answer { callId, time }
//   call-end    { callId, time, status, byUser? }   status: final SIP status (or text), byUser: who hung up
import { readUserData } from '../user-data.mjs';

/** SIP statuses meaning the callee did not take the call (timeout, unavailable, busy, declined). */
const NOT_TAKEN = new Set([408, 480, 486, 600, 603]);

/** "sip:1001@pbx.test" -> "1001" */
function userPart(v) {
  if (v == null) return '';
  let s = String(v).trim();
  if (s.startsWith('sip:') || s.startsWith('sips:')) s = s.slice(s.indexOf(':') + 1);
  const at = s.indexOf('@');
  return at >= 0 ? s.slice(0, at) : s;
}

/** @param {unknown} v @param {number} fallback */
function ms(v, fallback) {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v instanceof Date && Number.isFinite(v.getTime())) return v.getTime();
  if (typeof v === 'string' && Number.isFinite(Date.parse(v))) return Date.parse(v);
  return fallback;
}

/**
 * Subscribes to `proxy` and appends one record to `store` per finished direct call.
 * @param {{
 *   proxy: import('node:events').EventEmitter,
 *   store: { append(record: object): unknown },
 *   directory: { has(agentId: string): boolean },
 *   queueIds?: Iterable<string>,
 *   skipPrefixes?: Iterable<string>,
 *   logger?: Pick<Console, 'warn'>,
 *   now?: () => number,
 *   maxPending?: number,
 * }} opts  directory: who is staff (agents and supervisors); queueIds: users whose calls the ACD records;
 *   skipPrefixes: dialled feature codes (e.g. `*222`) whose calls are not recorded (a supervisor's
 *   monitoring leg belongs to the ACD's record of the monitored call)
 * @returns {{ detach(): void, readonly pendingCount: number }}
 */
export function recordProxyCalls({ proxy, store, directory, queueIds = ['sales', 'support'], skipPrefixes = [], logger = console, now = Date.now, maxPending = 1000 }) {
  const queues = new Set(queueIds);
  const skipped = [...skipPrefixes].filter((p) => typeof p === 'string' && p !== '');
  /** @type {Map<string, {callId: string, from: string, to: string, startTime: number, establishedTime?: number, userData: string}>} */
  const pending = new Map();
  const isStaff = (user) => directory.has(user);

  /** @param {any} e */
  const onStart = (e) => {
    const callId = e?.callId == null ? '' : String(e.callId);
    const from = userPart(e?.fromUser);
    const to = userPart(e?.toUser);
    if (!callId || !from || !to) {
      logger.warn?.(`[cdr] call-start without callId/fromUser/toUser ignored`);
      return;
    }
    if (pending.has(callId) || queues.has(from) || queues.has(to) || skipped.some((p) => to.startsWith(p))) return;
    if (!isStaff(from) && !isStaff(to)) return;
    // Bounded: a proxy that never reports call-end must not grow this map forever.
    if (pending.size >= maxPending) pending.delete(pending.keys().next().value);
    // The proxy passes only valid data on; checked again, since a record outlives any proxy bug.
    pending.set(callId, { callId, from, to, startTime: ms(e.time, now()), userData: readUserData(e?.userData ?? undefined).value });
  };

  /** @param {any} e */
  const onAnswer = (e) => {
    const call = pending.get(String(e?.callId));
    if (call && call.establishedTime === undefined) call.establishedTime = Math.max(call.startTime, ms(e.time, now()));
  };

  /** @param {any} e */
  const onEnd = (e) => {
    const callId = String(e?.callId);
    const call = pending.get(callId);
    if (!call) return;
    pending.delete(callId);
    const { from, to } = call;
    const fromStaff = isStaff(from);
    const toStaff = isStaff(to);
    const direction = fromStaff && toStaff ? 'internal' : fromStaff ? 'outbound' : 'inbound';
    const by = e?.byUser == null ? '' : userPart(e.byUser);
    const status = Number.parseInt(String(e?.status ?? ''), 10);
    const answered = call.establishedTime !== undefined;

    // 487 Request Terminated is the INVITE's answer when the caller cancels.
    const callerGaveUp = by === from || (!by && status === 487);
    let result;
    if (answered) result = 'answered';
    else if (callerGaveUp) result = 'abandoned';
    else if (by === to || NOT_TAKEN.has(status)) result = 'missed';
    else result = 'failed';

    const initiatorUser = by || (callerGaveUp ? from : '');
    const releaseInitiator = initiatorUser === from || initiatorUser === to ? (isStaff(initiatorUser) ? 'agent' : 'customer') : 'system';

    const record = {
      contactId: callId,
      callId,
      direction,
      caller: from,
      callee: to,
      agentId: direction === 'inbound' ? to : from,
      agentIds: [from, to].filter(isStaff),
      startTime: call.startTime,
      releaseTime: Math.max(call.startTime, ms(e?.time, now())),
      releaseInitiator,
      result,
      sipStatus: Number.isFinite(status) ? status : undefined,
      source: 'sip-proxy',
      ...(call.userData ? { userData: call.userData } : {}),
    };
    if (answered) record.establishedTime = call.establishedTime;
    try {
      store.append(record);
    } catch (err) {
      logger.warn?.(`[cdr] could not store call ${callId}: ${/** @type {Error} */ (err).message}`);
    }
  };

  proxy.on('call-start', onStart);
  proxy.on('call-answer', onAnswer);
  proxy.on('call-end', onEnd);
  return {
    detach() {
      proxy.off('call-start', onStart);
      proxy.off('call-answer', onAnswer);
      proxy.off('call-end', onEnd);
      pending.clear();
    },
    get pendingCount() {
      return pending.size;
    },
  };
}
