export interface CcDialRequestDetail {
  /** The number about to be dialed. Listeners may rewrite it, e.g. to add an outside-line prefix. */
  callee: string;
  /** The number as the agent or the script gave it. */
  readonly originalCallee: string;
}

/**
 * Cancelable: fired before every outgoing call (the reference's `onBeforeCallDialing`).
 * `preventDefault()` vetoes the call (error 7010); assigning `detail.callee` changes the number.
 * A listener that must ask someone first (a server, the page around an embedding frame) calls
 * `waitUntil(promise)`: the dial waits for it; `false` (or a rejection) vetoes, a string is the
 * number to dial.
 */
export class CcDialRequestEvent extends CustomEvent<CcDialRequestDetail> {
  static readonly eventName = 'cc-dial-request';
  /** What listeners asked the dial to wait for. */
  readonly pending: Promise<unknown>[] = [];

  waitUntil(promise: Promise<string | boolean | undefined | void>): void {
    this.pending.push(promise);
  }

  constructor(callee: string) {
    super(CcDialRequestEvent.eventName, {
      bubbles: true,
      composed: true,
      cancelable: true,
      detail: { callee, originalCallee: callee },
    });
  }
}
