import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import { dayKey, figuresOf, historyFor } from '../../src/history/call-history.js';
import type { CcCallHistory, HistoryDay } from '../../src/history/call-history.js';
import { controlsStyles } from '../controls.styles.js';
import { formatDuration } from '../format.js';
import { icon } from '../icons.js';
import { CcPhoneElement } from '../phone-element.js';
import { themeStyles } from '../theme.styles.js';
import { disclosureStyles } from '../disclosure.styles.js';
import { myWorkStyles } from './my-work.styles.js';
import { myWorkTexts } from './my-work-texts.js';

/** 24x24 Material Symbols bar_chart (Apache-2.0). */
const WORK_ICON = 'M5 9.2h3V19H5zM10.6 5h2.8v14h-2.8zm5.6 8H19v6h-2.8z';

/** Logged-in statuses: the ones "time in each status" lists (not offline or unregistered). */
const FIRST_WORK_STATUS = 2;

/**
 * @summary "My work": the agent's figures of the day, counted in this browser from the calls
 * and statuses the workbench recorded (src/history/): calls in and out (answered, missed), talk
 * time, average handle time (talk + after-call work per answered call) and the time in each
 * status, the current one counting up while the panel is open.
 *
 * The figures are this browser's own, with or without a CTI server (a CTI server's records are
 * not read). Consultation legs are not counted as calls. `<cc-workbench>` shows it once the agent
 * logged in, with its `history` attribute.
 *
 * @csspart my-work - The `<details>` around the figures.
 */
export class CcMyWork extends CcPhoneElement {
  static override styles = [themeStyles, controlsStyles, disclosureStyles, myWorkStyles];
  static override properties: PropertyDeclarations = {
    open: { state: true, attribute: false },
    data: { state: true, attribute: false },
  };

  private open = false;
  /** The day's calls and status times as last read; null until read. */
  private data: HistoryDay | null = null;
  private history: CcCallHistory | null = null;
  private unsubscribe: (() => void) | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private ticket = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.tick(false);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('phone')) this.follow();
  }

  protected override updated(): void {
    // The current status counts up while the figures are in view.
    this.tick(this.open && this.isConnected);
  }

  /** Reads the history of the phone's agent now and after each change of it. */
  private follow(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.history = this.phone ? historyFor(this.phone.config.sipUri) : null;
    this.data = null;
    if (!this.history || !this.isConnected) return;
    this.unsubscribe = this.history.subscribe(() => void this.load());
    void this.load();
  }

  private async load(): Promise<void> {
    const history = this.history;
    const ticket = ++this.ticket;
    const data = await history?.day().catch(() => null);
    // Only the newest read counts: an older one may answer after it.
    if (ticket === this.ticket && history === this.history) this.data = data ?? null;
  }

  private tick(on: boolean): void {
    if (on && !this.ticker) this.ticker = setInterval(() => this.requestUpdate(), 1000);
    if (!on && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  protected override render(): TemplateResult | typeof nothing {
    if (!this.phone) return nothing;
    const now = Date.now();
    const data = this.data;
    // Past midnight the figures are the new day's.
    if (data && data.day !== dayKey(now)) void this.load();
    const texts = myWorkTexts(this.localize.lang);
    const t = this.localize.t;
    const f = figuresOf(data ?? { day: dayKey(now), calls: [], statusMs: {} }, this.history?.open ?? null, now);
    const statuses = Object.entries(f.statusMs)
      .map(([code, ms]) => [Number(code), ms] as const)
      .filter(([code, ms]) => code >= FIRST_WORK_STATUS && ms >= 1000)
      .sort(([a], [b]) => a - b);
    return html`
      <details part="my-work" class="disclosure" ?open=${this.open} @toggle=${this.onToggle}>
        <summary>
          ${icon(WORK_ICON)}<span>${texts.title}</span>
          <span class="total">${texts.summary(f.callsIn + f.callsOut, formatDuration(f.talkMs))}</span>
        </summary>
        <div class="body">
          <dl class="figures">
            <div class="figure" data-figure="calls-in">
              <dt>${texts.callsIn}</dt>
              <dd class="value">${f.callsIn}</dd>
              <dd class="detail">${texts.answered(f.answeredIn)} · ${texts.missed(f.missed)}</dd>
            </div>
            <div class="figure" data-figure="calls-out">
              <dt>${texts.callsOut}</dt>
              <dd class="value">${f.callsOut}</dd>
              <dd class="detail">${texts.answered(f.answeredOut)}</dd>
            </div>
            <div class="figure" data-figure="talk">
              <dt>${texts.talkTime}</dt>
              <dd class="value">${formatDuration(f.talkMs)}</dd>
            </div>
            <div class="figure" data-figure="handle" title=${texts.handleHint}>
              <dt>${texts.averageHandleTime}</dt>
              <dd class="value">${f.averageHandleMs === null ? '–' : formatDuration(f.averageHandleMs)}</dd>
            </div>
          </dl>
          <h3>${texts.statusTime}</h3>
          ${statuses.length > 0
            ? html`<ul class="statuses">
                ${statuses.map(
                  ([code, ms]) =>
                    html`<li data-status=${code}>
                      <span>${t.status[code as keyof typeof t.status] ?? code}</span
                      ><time datetime=${`PT${Math.floor(ms / 1000)}S`}>${formatDuration(ms)}</time>
                    </li>`,
                )}
              </ul>`
            : html`<p class="kept">${texts.noStatusTime}</p>`}
          <p class="kept">${texts.kept}</p>
        </div>
      </details>
    `;
  }

  private readonly onToggle = (event: Event): void => {
    this.open = (event.target as HTMLDetailsElement).open;
  };
}
