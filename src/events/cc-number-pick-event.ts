export interface CcNumberPickDetail {
  /** The number picked, ready to dial. */
  readonly number: string;
}

/**
 * A number was picked for dialing (a recent call). Bubbles but is not composed: it stays inside
 * the shadow root of the element that renders the list (`<cc-workbench>` fills its dialpad).
 */
export class CcNumberPickEvent extends CustomEvent<CcNumberPickDetail> {
  static readonly eventName = 'cc-number-pick';

  constructor(number: string) {
    super(CcNumberPickEvent.eventName, { bubbles: true, detail: { number } });
  }
}
