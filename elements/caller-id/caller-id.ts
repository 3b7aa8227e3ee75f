import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import { STATUS } from '../../machines/agent-types.js';
import { CcListController } from '../../src/controllers/list-controller.js';
import type { OutboundNumber } from '../../src/cti/cti-client.js';
import { CcErrorEvent } from '../../src/events/cc-error-event.js';
import { controlsStyles } from '../controls.styles.js';
import { ctiStyles } from '../cti/cti.styles.js';
import { ctiOf, fire, listError, refreshButton } from '../cti/cti-parts.js';
import { CcPhoneElement } from '../phone-element.js';
import { themeStyles } from '../theme.styles.js';
import { callerIdStyles } from './caller-id.styles.js';

function recall(key: string): string {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return ''; // Storage blocked (sandboxed iframe, privacy mode): nothing remembered.
  }
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage blocked: the choice lasts for this page only.
  }
}

/**
 * @summary CTI only: the outbound number (caller ID) calls go out with, picked from the numbers
 * the CTI API assigns to the agent (ListOutboundNumbersOfUser).
 *
 * The list is fetched when the agent logs in (status 2 and above) and on request; the choice is
 * remembered per SIP URI for the next session. `value` is the number to dial with: the agent's
 * choice while still offered, else the first number, else ''. A failed request shows an inline
 * error with Retry and fires `cc-error` (7200).
 *
 * @event {Event} change - `value` changed: the agent picked a number, or the list (re)loaded.
 * @event {CcErrorEvent} cc-error - The list request failed; `detail.apiName`, `detail.requestId`.
 *
 * @csspart caller-id - The field: label, select, refresh, inline error.
 *
 * @cssproperty --cc-border-color - Select border.
 * @cssproperty --cc-danger-color - Inline error.
 */
export class CcCallerId extends CcPhoneElement {
  static override styles = [themeStyles, controlsStyles, ctiStyles, callerIdStyles];
  static override properties: PropertyDeclarations = { chosen: { state: true, attribute: false } };

  private chosen = '';

  private readonly numbers = new CcListController<OutboundNumber>(
    this,
    () => ctiOf(this.phone).listOutboundNumbers(),
    (error) => fire(this, new CcErrorEvent(error)),
  );
  private loggedIn = false;
  /** The value the latest `change` event announced. */
  private announced = '';

  /** The caller ID calls go out with: the agent's choice when still offered, else the first number, else ''. */
  get value(): string {
    const items = this.numbers.items ?? [];
    return items.some((n) => n.number === this.chosen) ? this.chosen : (items[0]?.number ?? '');
  }

  private get storageKey(): string {
    return `cc-workbench:caller-id:${this.phone?.config.sipUri ?? ''}`;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('phone')) {
      this.numbers.reset();
      this.loggedIn = false;
      this.chosen = recall(this.storageKey);
    }
    // Fetched on the way into a logged-in status, not before: a logged-out agent has no numbers.
    const loggedIn = this.phone?.cti != null && this.agent.value.code >= STATUS.break;
    if (loggedIn && !this.loggedIn) void this.numbers.load();
    this.loggedIn = loggedIn;
  }

  protected override updated(): void {
    const value = this.value;
    if (value === this.announced) return;
    this.announced = value;
    fire(this, new Event('change', { bubbles: true }));
  }

  protected override render(): TemplateResult | typeof nothing {
    const list = this.numbers;
    if (!list.started) return nothing;
    const t = this.localize.t;
    const items = list.items ?? [];
    const chosen = this.value;
    return html`
      <div part="caller-id" class="cti-field">
        <label class="field-label" for="select">${t.cti.callerId}</label>
        <div class="cti-line">
          <select id="select" ?disabled=${items.length === 0} @change=${this.onChange}>
            ${items.length === 0
              ? html`<option value="">${list.loading ? t.cti.loading : list.items ? t.cti.noCallerIds : ''}</option>`
              : items.map(
                  (n) =>
                    html`<option value=${n.number} ?selected=${n.number === chosen}>
                      ${n.description ? `${n.number} · ${n.description}` : n.number}
                    </option>`,
                )}
          </select>
          ${refreshButton(t, 'callerIds', list)}
        </div>
        ${listError(t, 'callerIds', list)}
      </div>
    `;
  }

  private readonly onChange = (event: Event): void => {
    this.chosen = (event.target as HTMLSelectElement).value;
    remember(this.storageKey, this.chosen);
  };
}
