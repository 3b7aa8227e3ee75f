import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import { CcSelectController } from '../../src/controllers/select-controller.js';
import type { Observable } from '../../src/controllers/select-controller.js';
import type { CcCallQualityState } from '../../src/media/call-quality.js';
import { CcPhoneElement } from '../phone-element.js';
import { themeStyles } from '../theme.styles.js';
import { callQualityStyles } from './call-quality.styles.js';
import { callQualityTexts } from './call-quality-texts.js';

/** What the element shows: a `CcCallQuality` (src/media/call-quality.ts), or anything with its `current()` as snapshots. */
export type CallQualitySource = Observable<CcCallQualityState | null>;

const sameState = (a: CcCallQualityState | null, b: CcCallQualityState | null): boolean =>
  a === b || (!!a && !!b && a.callId === b.callId && a.level === b.level && a.figures === b.figures);

/**
 * @summary The line quality of the call in progress: three bars and the estimated MOS, and while
 * the line is poor or bad a warning that says what it means for the agent (a live region, so a
 * screen reader announces it). `<cc-workbench>` shows it in the call panel; it renders nothing
 * without a call or before the first measure (2 s into the call).
 *
 * @csspart meter - The bars and the MOS; `data-level` is `good`, `poor` or `bad`; its title lists loss, jitter and round trip.
 * @csspart warning - The warning line (`role="status"`), empty while the line is good.
 */
export class CcCallQualityIndicator extends CcPhoneElement {
  static override styles = [themeStyles, callQualityStyles];
  static override properties: PropertyDeclarations = { ...CcPhoneElement.properties, source: { attribute: false } };

  /** What measures the calls: the workbench's `CcCallQuality`. */
  source: CallQualitySource | null = null;

  private readonly quality = new CcSelectController<CallQualitySource, CcCallQualityState | null>(this, (s) => s, null, sameState);

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('source')) this.quality.source = this.source;
  }

  protected override render(): TemplateResult | typeof nothing {
    const state = this.quality.value;
    // A measure outlives its call by one interval at most; the phone's view ends it at once.
    if (!state || (this.phone && !this.agent.value.onCall)) return nothing;
    const texts = callQualityTexts(this.localize.lang);
    const { level, figures: f } = state;
    const warning = level === 'good' ? '' : texts.warning[level];
    return html`<span
        part="meter"
        class="meter"
        data-level=${level}
        role="img"
        aria-label=${texts.label(level, f.mos.toFixed(1))}
        title=${texts.figures(String(f.lossPercent), String(f.jitterMs), f.rttMs === null ? '–' : String(f.rttMs))}
        ><span class="bars"><i></i><i></i><i></i></span>MOS ${f.mos.toFixed(1)}</span
      ><p part="warning" role="status" class=${warning ? 'warning' : ''} data-level=${level}>${warning}</p>`;
  }
}
