export interface CcRegistrationFailedDetail {
  /** Why the registrar refused or did not answer. */
  readonly cause: string;
  /** SIP status code of the refusal, when there was a response. */
  readonly sipCode?: number;
}

/** The SIP registration was refused or timed out. */
export class CcRegistrationFailedEvent extends CustomEvent<CcRegistrationFailedDetail> {
  static readonly eventName = 'cc-registration-failed';

  constructor(detail: CcRegistrationFailedDetail) {
    super(CcRegistrationFailedEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
