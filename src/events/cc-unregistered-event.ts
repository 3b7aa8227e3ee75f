export interface CcUnregisteredDetail {
  /** The agent's SIP URI. */
  readonly sipUri: string;
}

/** The SIP registration ended (status -1). */
export class CcUnregisteredEvent extends CustomEvent<CcUnregisteredDetail> {
  static readonly eventName = 'cc-unregistered';

  constructor(detail: CcUnregisteredDetail) {
    super(CcUnregisteredEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
