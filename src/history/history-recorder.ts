import { STATUS } from '../../machines/agent-types.js';
import type { PhoneApi } from '../phone-api.js';
import { historyFor } from './call-history.js';
import type { CcCallHistory } from './call-history.js';

/** What the recorder needs of `<cc-workbench>`: its events and its phone. */
export interface HistoryHost extends HTMLElement {
  readonly phone: PhoneApi | null;
}

/** How often the time of the current status is written, for a page that closes without `pagehide` (a crash). */
const FLUSH_MS = 60_000;

/**
 * Records what a workbench reports into its agent's history: each released call leg
 * (`cc-call-released`; a leg without `cc-call-hangup` first was not the customer's: a
 * consultation) and the time in each status (`cc-status-change`). Only the tab that holds the
 * media records (the agent's other tabs fire the same events), nothing without `history` (or with `history="off"`) or
 * during a supervisor's monitoring (status 21). With `history-clear-on-logout`, logging out
 * (status 1) forgets the agent's history.
 */
export function recordHistory(host: HistoryHost): void {
  let history: CcCallHistory | null = null;
  /** The history to write to now; a change of agent (or `history` removed) closes the old one's status. */
  const current = (): CcCallHistory | null => {
    const phone = host.phone;
    const next = phone?.holdsMedia && (host.getAttribute('history') ?? 'off') !== 'off' ? historyFor(phone.config.sipUri) : null;
    if (next !== history) {
      void history?.status(null).catch(() => undefined);
      history = next;
    }
    return history;
  };
  const customerLegs = new Set<string>();
  const flush = (): void => void history?.flush().catch(() => undefined);

  host.addEventListener('cc-status-change', ({ detail }) => {
    const target = current();
    if (!target) return;
    void target.status(detail.code).catch(() => undefined);
    // After the status: the time just closed goes too.
    if (detail.code === STATUS.offline && detail.lastCode > STATUS.offline && host.hasAttribute('history-clear-on-logout')) {
      void target.clear().catch(() => undefined);
    }
  });
  host.addEventListener('cc-call-hangup', ({ detail }) => customerLegs.add(detail.callId));
  host.addEventListener('cc-call-released', ({ detail }) => {
    const target = current();
    if (!target || target.open?.code === STATUS.monitoring) return;
    const { callContext: call } = detail;
    void target
      .addCall({
        callId: detail.callId,
        direction: detail.direction,
        internal: detail.internal,
        consult: !customerLegs.delete(detail.callId),
        caller: detail.caller,
        callee: detail.callee,
        remoteName: detail.remoteName,
        startedAt: call.startedAt,
        answeredAt: call.answeredAt,
        endedAt: Date.now(),
        cause: detail.cause,
        missed: detail.missed,
        queue: detail.queue,
        userData: detail.userData,
      })
      .catch(() => undefined);
  });
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  setInterval(() => {
    if (host.isConnected) flush();
  }, FLUSH_MS);
  // The status change that logged the agent in came before this chunk did.
  const phone = host.phone;
  if (phone) void current()?.status(phone.getStatusCode().code).catch(() => undefined);
}
