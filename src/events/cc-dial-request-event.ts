export interface CcDialRequestDetail {
  /** The number about to be dialed. Listeners may rewrite it, e.g. to add an outside-line prefix. */
  callee: string;
  /** The number as the agent or the script gave it. */
  readonly originalCallee: string;
}

/**
 * Cancelable: fired before every outgoing call (the reference's `onBeforeCallDialing`).
 * `preventDefault()` vetoes the call (error 7010); assigning `detail.callee` changes the number.
 */
export class CcDialRequestEvent extends CustomEvent<CcDialRequestDetail> {
  static readonly eventName = 'cc-dial-request';

  constructor(callee: string) {
    super(CcDialRequestEvent.eventName, {
      bubbles: true,
      composed: true,
      cancelable: true,
      detail: { callee, originalCallee: callee },
    });
  }
}
