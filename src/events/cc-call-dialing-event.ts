import type { CcCallDetail } from './call-detail.js';

/** An outgoing call (or consult call) left the phone (the reference's `onCallDialing`). */
export class CcCallDialingEvent extends CustomEvent<CcCallDetail> {
  static readonly eventName = 'cc-call-dialing';

  constructor(detail: CcCallDetail) {
    super(CcCallDialingEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
