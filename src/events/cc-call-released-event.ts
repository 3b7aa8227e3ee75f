import type { CcCallDetail } from './call-detail.js';

export interface CcCallReleasedDetail extends CcCallDetail {
  /** Why the leg ended, e.g. "local hang-up" or the SIP cause. */
  readonly cause: string;
  /** It rang unanswered: the ring timeout, or the PBX stopped offering it (RONA). */
  readonly missed: boolean;
}

/** A call leg ended (the reference's `onCallRelease`). */
export class CcCallReleasedEvent extends CustomEvent<CcCallReleasedDetail> {
  static readonly eventName = 'cc-call-released';

  constructor(detail: CcCallReleasedDetail) {
    super(CcCallReleasedEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
