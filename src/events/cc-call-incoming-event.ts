import type { CcCallDetail } from './call-detail.js';

/** A call is ringing for the agent (the reference's `onCallComing`). */
export class CcCallIncomingEvent extends CustomEvent<CcCallDetail> {
  static readonly eventName = 'cc-call-incoming';

  constructor(detail: CcCallDetail) {
    super(CcCallIncomingEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
