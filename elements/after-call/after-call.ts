import { html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { can } from '../../machines/agent-selectors.js';
import { STATUS } from '../../machines/agent-types.js';
import { CcClockController } from '../../src/controllers/clock-controller.js';
import { controlsStyles } from '../controls.styles.js';
import { CcPhoneElement } from '../phone-element.js';
import { themeStyles } from '../theme.styles.js';
import { afterCallStyles } from './after-call.styles.js';

/**
 * @summary After-call work: the time left before the agent is ready again (or a note that the
 * agent sets themselves ready with `after-call="manual"`) and a Ready button. Renders nothing
 * outside after-call work (status 5).
 *
 * While a CTI change is pending the Ready button stays, marked busy, and ignores presses.
 *
 * @csspart after-call - The panel.
 *
 * @cssproperty --cc-warning-color - Panel tint and the countdown bar.
 * @cssproperty --cc-primary-color - The Ready button.
 */
export class CcAfterCall extends CcPhoneElement {
  static override styles = [themeStyles, controlsStyles, afterCallStyles];

  private readonly clock = new CcClockController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.clock.running = this.agent.value.afterCallEndsAt !== null;
  }

  protected override render(): TemplateResult | typeof nothing {
    const view = this.agent.value;
    if (view.code !== STATUS.afterCall) return nothing;
    const t = this.localize.t;
    const remaining = view.afterCallEndsAt === null ? null : Math.max(0, Math.ceil((view.afterCallEndsAt - view.now()) / 1000));
    const total = typeof view.afterCallSeconds === 'number' ? view.afterCallSeconds : 0;
    const share = remaining === null || total <= 0 ? 0 : Math.min(1, remaining / total);
    const busy = view.ctiPending;
    return html`
      <section part="after-call" class="after-call" aria-labelledby="title">
        <h2 class="title" id="title">${t.message.afterCallTitle}</h2>
        <p class="countdown">${remaining === null ? t.message.afterCallManual : t.message.afterCallCountdown(remaining)}</p>
        ${remaining === null
          ? nothing
          : html`<div class="progress" aria-hidden="true"><span style="inline-size: ${share * 100}%"></span></div>`}
        ${can(view, 'agent.ready')
          ? html`<button
              class="btn primary block"
              aria-disabled=${busy ? 'true' : nothing}
              aria-busy=${busy ? 'true' : 'false'}
              @click=${this.onReady}
            >
              ${t.action.ready}
            </button>`
          : nothing}
      </section>
    `;
  }

  private readonly onReady = (): void => {
    if (!this.agent.value.ctiPending) this.run((p) => p.ready());
  };
}
