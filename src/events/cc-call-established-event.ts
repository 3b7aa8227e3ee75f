import type { CcCallDetail } from './call-detail.js';

/** The call was answered and media flows (the reference's `onCallEstablish`). */
export class CcCallEstablishedEvent extends CustomEvent<CcCallDetail> {
  static readonly eventName = 'cc-call-established';

  constructor(detail: CcCallDetail) {
    super(CcCallEstablishedEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
