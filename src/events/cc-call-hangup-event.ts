import type { HangupType } from '../../machines/agent-types.js';

export interface CcCallHangupDetail {
  /**
   * `ringing`: an inbound call ended unanswered; `dialing`: an outbound call ended unanswered;
   * `inbound` / `outbound`: a connected call ended.
   */
  readonly type: HangupType;
  readonly callId: string;
}

/** The customer call ended (the reference's `onHangUp(type)`). */
export class CcCallHangupEvent extends CustomEvent<CcCallHangupDetail> {
  static readonly eventName = 'cc-call-hangup';

  constructor(detail: CcCallHangupDetail) {
    super(CcCallHangupEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
