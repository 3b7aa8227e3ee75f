export interface CcRegisteredDetail {
  /** The agent's SIP URI. */
  readonly sipUri: string;
}

/** The SIP registration succeeded (the reference's `onRegister`); the agent is at status 1. */
export class CcRegisteredEvent extends CustomEvent<CcRegisteredDetail> {
  static readonly eventName = 'cc-registered';

  constructor(detail: CcRegisteredDetail) {
    super(CcRegisteredEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
