import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import { can } from '../../machines/agent-selectors.js';
import { ICON, icon } from '../icons.js';
import { CcPhoneElement } from '../phone-element.js';
import { themeStyles } from '../theme.styles.js';
import { visuallyHiddenStyles } from '../visually-hidden.styles.js';
import { dialpadStyles } from './dialpad.styles.js';

const KEYS: readonly (readonly [key: string, letters: string])[] = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];
const KEY_SET = new Set(KEYS.map(([key]) => key));

/**
 * @summary A telephone keypad: outside a call it composes a number and dials it with the phone;
 * during a connected call its keys send DTMF tones.
 *
 * Keyboard: digits, `*` and `#` press keys, Backspace deletes, Enter dials (Enter on a focused key
 * presses that key). It dispatches no events of its own: outcomes are the phone's (see
 * `<cc-workbench>`'s `cc-error`).
 *
 * @csspart base - The form around the display, the keys and the call button.
 * @csspart input - The number input.
 * @csspart echo - The DTMF tones sent during the call.
 * @csspart keys - The grid of twelve keys.
 * @csspart call-button - The Call button.
 *
 * @cssproperty --cc-primary-color - Focus ring and DTMF echo.
 * @cssproperty --cc-success-color - The Call button.
 * @cssproperty --cc-font-family - Font.
 * @cssproperty --cc-radius - Corner radius of keys and buttons.
 * @cssproperty --cc-background - Background.
 * @cssproperty --cc-surface - Key background.
 * @cssproperty --cc-text-color - Text.
 * @cssproperty --cc-muted-color - Secondary text.
 * @cssproperty --cc-border-color - Lines.
 */
export class CcDialpad extends CcPhoneElement {
  static override styles = [themeStyles, visuallyHiddenStyles, dialpadStyles];
  /** Focusing the element focuses its first control (the number input, or a key during a call). */
  static override shadowRootOptions: ShadowRootInit = { ...CcPhoneElement.shadowRootOptions, delegatesFocus: true };

  static override properties: PropertyDeclarations = {
    value: {},
    callerId: { attribute: 'caller-id' },
    tones: { state: true, attribute: false },
  };

  /** The number being composed. */
  value = '';

  /** Outbound number to present to the called party (a CTI caller ID); empty = the PBX's choice. */
  callerId = '';

  /** Tones sent during the current call. */
  private tones = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (!this.agent.value.connected) this.tones = '';
  }

  /** Presses one key: appends it to the number, or sends it as a tone during a call. */
  press(key: string): void {
    if (!KEY_SET.has(key)) return;
    const view = this.agent.value;
    if (view.connected) {
      if (!can(view, 'dtmf.send') || !this.phone) return;
      this.tones = (this.tones + key).slice(-18);
      this.phone.sendDtmf(key).catch(() => undefined);
      return;
    }
    this.value += key;
  }

  /** Calls the composed number (outside a call, when the phone can dial). */
  dial(): void {
    const number = this.value.trim();
    const view = this.agent.value;
    if (!number || !this.phone || !can(view, 'call.dial') || view.connected || this.phone.dialable(number) === null) return;
    const callerId = this.callerId.trim();
    // Failures reach the page as the phone's error facts (cc-error on <cc-workbench>).
    this.phone.call(number, callerId ? { callerId } : {}).catch(() => undefined);
  }

  /**
   * Focuses the Call button once rendered, or the number input while calling is not possible,
   * so a number picked elsewhere (a recent call) is one key press from being dialed.
   */
  async focusCall(): Promise<void> {
    await this.updateComplete;
    const root = this.renderRoot;
    const call = root.querySelector<HTMLButtonElement>('[part~="call-button"]');
    (call && !call.disabled ? call : root.querySelector<HTMLElement>('input, button'))?.focus();
  }

  private deleteDigit(): void {
    this.value = this.value.slice(0, -1);
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.composedPath()[0];
    // The input edits itself, and Enter there submits the form.
    if (target instanceof HTMLInputElement) return;
    if (KEY_SET.has(event.key)) {
      event.preventDefault();
      this.press(event.key);
    } else if (event.key === 'Backspace') {
      event.preventDefault();
      this.deleteDigit();
    } else if (event.key === 'Enter' && !(target instanceof HTMLButtonElement)) {
      event.preventDefault();
      this.dial();
    }
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.dial();
  }

  private onInput(event: InputEvent): void {
    this.value = (event.target as HTMLInputElement).value;
  }

  private onKeyClick(event: MouseEvent): void {
    const key = (event.currentTarget as HTMLElement).dataset['key'];
    if (key) this.press(key);
  }

  protected override render(): TemplateResult {
    const t = this.localize.t;
    const view = this.agent.value;
    const inCall = view.connected;
    const keysDisabled = inCall && !can(view, 'dtmf.send');
    const number = this.value.trim();
    // Checked as the agent types, with the phone's own rule: garbage never reaches SIP.
    const invalid = number !== '' && this.phone?.dialable(number) === null;
    return html`
      <form part="base" class="base" @submit=${this.onSubmit} @keydown=${this.onKeydown}>
        ${inCall
          ? html`<div class="display">
              <output class="echo" part="echo" aria-label=${t.label.tonesSent} data-placeholder=${t.label.tonesSent}
                >${this.tones || nothing}</output
              >
            </div>`
          : html`<div class="display ${invalid ? 'invalid' : ''}">
              <label class="visually-hidden" for="number">${t.label.number}</label>
              <input
                id="number"
                part="input"
                type="tel"
                inputmode="tel"
                autocomplete="off"
                spellcheck="false"
                placeholder=${t.label.numberPlaceholder}
                aria-invalid=${invalid ? 'true' : 'false'}
                aria-describedby="number-error"
                .value=${this.value}
                @input=${this.onInput}
              />
              ${this.value
                ? html`<button type="button" class="delete" aria-label=${t.action.deleteDigit} @click=${this.deleteDigit}>
                    ${icon(ICON.backspace)}
                  </button>`
                : nothing}
              <span id="number-error" part="number-error" class="field-error" role="status">${invalid ? t.message.invalidNumber : ''}</span>
            </div>`}
        <div class="keys" part="keys" role="group" aria-label=${t.label.dialpad}>
          ${KEYS.map(
            ([key, letters]) => html`<button
              type="button"
              class="key"
              data-key=${key}
              ?disabled=${keysDisabled}
              @click=${this.onKeyClick}
            >
              <span class="digit">${key}</span><span class="letters" aria-hidden="true">${letters}</span>
            </button>`,
          )}
        </div>
        ${inCall
          ? nothing
          : html`<button
              type="submit"
              class="call"
              part="call-button"
              ?disabled=${!can(view, 'call.dial') || !number || invalid}
            >
              ${icon(ICON.phone)}${t.action.call}
            </button>`}
      </form>
    `;
  }
}
