import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import { CcListController } from '../../src/controllers/list-controller.js';
import type { CallRecord } from '../../src/cti/cti-client.js';
import { CcErrorEvent } from '../../src/events/cc-error-event.js';
import { CcNumberPickEvent } from '../../src/events/cc-number-pick-event.js';
import type { CcTranslation } from '../../src/localize/en.js';
import { controlsStyles } from '../controls.styles.js';
import { ctiStyles } from '../cti/cti.styles.js';
import { CTI_ICON, fire, listError, refreshButton, selfIds } from '../cti/cti-parts.js';
import { formatDuration } from '../format.js';
import { icon } from '../icons.js';
import { CcPhoneElement } from '../phone-element.js';
import { themeStyles } from '../theme.styles.js';
import { disclosureStyles } from '../disclosure.styles.js';
import { recentCallsStyles } from './recent-calls.styles.js';

/** Answered calls; any other result (missed, abandoned, failed, ...) is flagged. */
const ANSWERED = new Set(['answered', 'success', '']);

/** Time of day for today's calls, month/day and time for older ones. */
function formatWhen(date: Date, lang: string): string {
  const today = date.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(lang, {
    ...(today ? {} : { month: 'numeric', day: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

/**
 * @summary The agent's recent calls in a collapsible list: with a CTI API the server's
 * (ListRecentCallDetailRecords), without one the calls kept in this browser (the last 200,
 * recorded by `<cc-workbench>`); picking one offers its number for dialing.
 *
 * Nothing is fetched until the list is opened; an open list refreshes after each call ends.
 * Picking an entry fires `cc-number-pick` (bubbling, not composed: `<cc-workbench>` puts the
 * number in its dialpad and focuses Call). A failed request shows an inline error with Retry and
 * fires `cc-error` (7200).
 *
 * @event {CcNumberPickEvent} cc-number-pick - An entry was picked; `detail.number`.
 * @event {CcErrorEvent} cc-error - The list request failed; `detail.apiName`, `detail.requestId`.
 *
 * @csspart recent-calls - The `<details>` around the list.
 *
 * @cssproperty --cc-success-color - Inbound calls.
 * @cssproperty --cc-primary-color - Outbound calls.
 * @cssproperty --cc-danger-color - Missed calls and the inline error.
 */
export class CcRecentCalls extends CcPhoneElement {
  static override styles = [themeStyles, controlsStyles, ctiStyles, disclosureStyles, recentCallsStyles];
  static override properties: PropertyDeclarations = { open: { state: true, attribute: false } };

  private open = false;

  // Without a CTI API: the calls kept in this browser (src/history/, a chunk of its own).
  private readonly recent = new CcListController<CallRecord>(
    this,
    () => {
      const cti = this.phone?.cti;
      return cti ? cti.listRecentCalls(20) : import('../../src/history/history.js').then((history) => history.recentCalls(this.phone));
    },
    (error) => fire(this, new CcErrorEvent(error)),
  );
  private self: ReadonlySet<string> = new Set();
  private offReleased: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.offReleased?.();
    this.offReleased = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('phone')) {
      this.recent.reset();
      this.self = selfIds(this.phone);
      this.listen();
      if (this.open) void this.recent.load();
    }
  }

  /**
   * Follows the phone's released calls while connected: an open list shows the call that just
   * ended. The local list follows every status change: it comes after the call was written, and
   * after a log-out that cleared the history (`history-clear-on-logout`).
   */
  private listen(): void {
    this.offReleased?.();
    this.offReleased = null;
    if (!this.isConnected || !this.phone) return;
    this.offReleased = this.phone.on(this.phone.cti ? 'call.released' : 'status', () => {
      // A closed list fetches when opened, so only an open one refreshes now.
      if (this.open) void this.recent.load();
    });
  }

  protected override render(): TemplateResult {
    const t = this.localize.t;
    const list = this.recent;
    const items = list.items ?? [];
    return html`
      <details part="recent-calls" class="recent disclosure" ?open=${this.open} @toggle=${this.onToggle}>
        <summary>${icon(CTI_ICON.history)}${t.cti.recentCalls}</summary>
        <div class="body">
          <div class="cti-line">
            <span class="cti-status">${list.loading ? t.cti.loading : ''}</span>
            ${refreshButton(t, 'recentCalls', list)}
          </div>
          ${listError(t, 'recentCalls', list)}
          ${items.length > 0
            ? html`<ul class="list">${items.map((r) => this.renderRecord(t, r))}</ul>`
            : list.items && !list.error
              ? html`<p class="cti-empty">${t.cti.noRecentCalls}</p>`
              : nothing}
        </div>
      </details>
    `;
  }

  private renderRecord(t: CcTranslation, record: CallRecord): TemplateResult {
    const { direction } = record;
    const number =
      direction === 'outbound' || (direction === 'internal' && this.self.has(record.caller)) ? record.callee : record.caller;
    const result = record.result.toLowerCase();
    const when = record.startTime > 0 ? new Date(record.startTime) : null;
    return html`
      <li>
        <button type="button" class="call" data-number=${number} ?data-missed=${!ANSWERED.has(result)} ?disabled=${!number} @click=${this.onPick}>
          <span class="dir" data-dir=${direction}>${icon(CTI_ICON[direction])}</span>
          <span class="main">
            <span class="number">${number}</span>
            <span class="meta"
              >${t.cti.direction[direction]}${when
                ? html` · <time datetime=${when.toISOString()}>${formatWhen(when, t.$lang)}</time>`
                : nothing}${record.result ? ` · ${t.cti.callResult[result] ?? record.result}` : ''}</span
            >
          </span>
          <span class="duration">${record.duration > 0 ? formatDuration(record.duration * 1000) : ''}</span>
        </button>
      </li>
    `;
  }

  private readonly onToggle = (event: Event): void => {
    const open = (event.target as HTMLDetailsElement).open;
    // A list re-rendered open also fires toggle: only a change fetches.
    if (open === this.open) return;
    this.open = open;
    if (open) void this.recent.load();
  };

  private readonly onPick = (event: Event): void => {
    const number = (event.currentTarget as HTMLElement).dataset['number'];
    if (number) fire(this, new CcNumberPickEvent(number));
  };
}
