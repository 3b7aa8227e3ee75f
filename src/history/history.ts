/**
 * The call history chunk: `<cc-workbench history>` imports it once the agent is logged in,
 * `<cc-recent-calls>` when it lists without a CTI API. Loaded only where used (the attribute), not
 * in the agent's first load nor in its "everything" figure: bench/run.mjs reports it on its own.
 */
// The CTI elements' chunk comes with it (statically, so rollup keeps what both use in that chunk).
import '../../elements/cti/cc-cti-elements.js';
import '../../elements/my-work/cc-my-work.js';
import type { CallRecord } from '../cti/cti-client.js';
import type { PhoneApi } from '../phone-api.js';
import { historyFor } from './call-history.js';
import type { HistoryCall } from './call-history.js';
import { recordHistory } from './history-recorder.js';
import type { HistoryHost } from './history-recorder.js';

/**
 * Starts recording `host`'s calls and status times. The elements that show them are defined
 * once this chunk is: `<cc-my-work>` and `<cc-recent-calls>` (the CTI elements' chunk, which lists
 * the local history when the phone has no CTI API).
 */
export function showHistory(host: HistoryHost): void {
  recordHistory(host);
}

/** A local call as `<cc-recent-calls>` shows a CTI call detail record. */
function recordOf(call: HistoryCall): CallRecord {
  const { answeredAt, direction } = call;
  return {
    jobId: call.callId,
    direction: call.internal ? 'internal' : direction,
    caller: call.caller,
    callee: call.callee,
    startTime: call.startedAt,
    duration: answeredAt === null ? 0 : Math.round((call.endedAt - answeredAt) / 1000),
    // The result names cc-recent-calls translates: unanswered calls in are missed, out busy or failed.
    result: answeredAt !== null ? 'answered' : direction === 'inbound' ? 'missed' : /\b486\b|busy/i.test(call.cause) ? 'busy' : 'failed',
  };
}

/**
 * The newest 20 calls of the phone's agent kept in this browser (as many as a CTI API lists),
 * newest first; none when the browser keeps nothing (IndexedDB refused, e.g. some private modes).
 */
export async function recentCalls(phone: PhoneApi | null): Promise<CallRecord[]> {
  if (!phone) return [];
  const calls = await historyFor(phone.config.sipUri)
    .calls(20)
    .catch(() => []);
  return calls.map(recordOf);
}
