import type { PhoneApi } from '../phone-api.js';

export interface CcInitDetail {
  /** The phone the element created from its attributes. */
  readonly phone: PhoneApi;
}

/** The element created its phone and is ready for commands (the reference's `onInit`). */
export class CcInitEvent extends CustomEvent<CcInitDetail> {
  static readonly eventName = 'cc-init';

  constructor(detail: CcInitDetail) {
    super(CcInitEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
