import type { CallInfo } from '../../machines/agent-types.js';

export interface CcHangupRequestDetail {
  /** `sipCallId ?? callId` of the call about to be hung up ('' when there is none). */
  readonly callId: string;
  readonly callContext: CallInfo | null;
}

/**
 * Cancelable: fired before the agent hangs up (the reference's `onBeforeCallHangup`).
 * `preventDefault()` vetoes the hang-up (error 7011); `waitUntil(promise)` makes it wait for an
 * answer: `false` (or a rejection) vetoes.
 */
export class CcHangupRequestEvent extends CustomEvent<CcHangupRequestDetail> {
  static readonly eventName = 'cc-hangup-request';
  /** What listeners asked the hang-up to wait for. */
  readonly pending: Promise<unknown>[] = [];

  waitUntil(promise: Promise<boolean | undefined | void>): void {
    this.pending.push(promise);
  }

  constructor(detail: CcHangupRequestDetail) {
    super(CcHangupRequestEvent.eventName, { bubbles: true, composed: true, cancelable: true, detail });
  }
}
