import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import { can, partyOf, partyText } from '../../machines/agent-selectors.js';
import type { AgentView } from '../../machines/agent-selectors.js';
import { STATUS } from '../../machines/agent-types.js';
import type { CallInfo } from '../../machines/agent-types.js';
import type { CcTranslation } from '../../src/localize/en.js';
import type { PhoneApi } from '../../src/phone-api.js';
import { breakReasonLabel } from '../../src/localize/localize.js';
import { sipUserOf } from '../../src/sip-uri.js';
import { controlsStyles } from '../controls.styles.js';
import { CcClockController } from '../../src/controllers/clock-controller.js';
import { formatDuration, initials } from '../format.js';
import { ICON, icon } from '../icons.js';
import { CcPhoneElement } from '../phone-element.js';
import { themeStyles } from '../theme.styles.js';
import { agentStatusStyles } from './agent-status.styles.js';

/** Default break reasons; each is a key of the translations' `breakReason` table. */
export const DEFAULT_BREAK_REASONS: readonly string[] = ['rest', 'meal', 'meeting', 'training'];

/**
 * @summary The agent's identity, status (label, colour dot, break reason, code) and the agent
 * actions the current state accepts: Log in, Ready, a break reason with Break, Go offline.
 *
 * "Log in" registers first when the phone is unregistered. While a CTI change is pending the
 * buttons of the state before it stay, marked busy (`aria-busy` on the group, `aria-disabled` on
 * each); pressing them again sends nothing. Without a phone it shows the identity and status only.
 *
 * @csspart header - The bar around everything.
 * @csspart status - The status label, break reason and code.
 * @csspart actions - The agent action buttons.
 * @csspart break - The break reason and the Break button.
 * @csspart go-offline - The Go offline button.
 * @csspart missed - The latest missed call (with Call back and Dismiss), until dismissed.
 *
 * @cssproperty --cc-primary-color - Primary actions, avatar and focus rings.
 * @cssproperty --cc-success-color - The ready dot.
 * @cssproperty --cc-warning-color - The break and after-call dot.
 * @cssproperty --cc-danger-color - The in-call dot.
 * @cssproperty --cc-surface - Bar background.
 * @cssproperty --cc-radius - Corner radius of controls.
 */
export class CcAgentStatus extends CcPhoneElement {
  static override styles = [themeStyles, controlsStyles, agentStatusStyles];
  static override properties: PropertyDeclarations = {
    name: {},
    showCode: { type: Boolean, attribute: 'show-code' },
    breakReasons: { attribute: false },
    chosenReason: { state: true, attribute: false },
    seenMissed: { state: true, attribute: false },
  };

  /** Name shown next to the status; default: the phone's display name, else its SIP user. */
  name = '';

  /** Shows the numeric status code (for developers). */
  showCode = false;

  /** Break reasons offered next to the Break button; known keys get translated labels. */
  breakReasons: readonly string[] = DEFAULT_BREAK_REASONS;

  private chosenReason = '';
  /** The missed call the agent dismissed (the notice shows newer ones only). */
  private seenMissed: CallInfo | null = null;
  private readonly clock = new CcClockController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const code = this.agent.value.code;
    this.clock.running = code === STATUS.ready || code === STATUS.break;
  }

  /** The reason picked in the list, or the first one (also after the page replaced the list). */
  get breakReason(): string {
    return this.breakReasons.includes(this.chosenReason) ? this.chosenReason : (this.breakReasons[0] ?? '');
  }

  protected override render(): TemplateResult {
    const t = this.localize.t;
    const view = this.agent.value;
    const config = this.phone?.config;
    const name = this.name.trim() || config?.displayName?.trim() || (config ? sipUserOf(config.sipUri) : '');
    const reason =
      view.code === STATUS.break && view.breakReason && view.breakReason !== 'default' ? breakReasonLabel(t, view.breakReason) : '';
    const timed = this.clock.running && view.statusSince > 0;
    return html`
      <header part="header" class="header">
        <div class="identity">
          <span class="avatar" aria-hidden="true">${initials(name) || icon(ICON.phone)}</span>
          <div class="who">
            <span class="name">${name}</span>
            <span part="status" class="status" data-tone=${view.tone}>
              <span class="dot" aria-hidden="true"></span>
              <span class="label">${t.status[view.code]}</span>
              ${reason ? html`<span class="reason">${reason}</span>` : nothing}
              ${timed ? html`<span class="since">${t.message.inStatusFor(formatDuration(view.now() - view.statusSince))}</span>` : nothing}
              ${this.showCode ? html`<span class="code">${view.code}</span>` : nothing}
            </span>
          </div>
        </div>
        ${this.phone ? this.renderActions(view, t) : nothing}
      </header>
      ${this.renderMissed(view, t)}
    `;
  }

  private renderMissed(view: AgentView, t: CcTranslation): TemplateResult | typeof nothing {
    const missed = view.missedCalls[0];
    if (!missed || missed === this.seenMissed || view.onCall) return nothing;
    const { number } = partyOf(missed);
    const time = new Date(missed.startedAt).toLocaleTimeString(this.localize.lang, { hour: '2-digit', minute: '2-digit' });
    return html`
      <div part="missed" class="missed" role="status">
        <span class="missed-text">${t.message.missedCall(partyText(missed), time)}</span>
        ${number && can(view, 'call.dial') ? html`<button class="btn" @click=${() => this.run((p) => p.call(number))}>${t.action.callBack}</button>` : nothing}
        <button class="icon-btn" aria-label=${t.action.dismiss} @click=${() => (this.seenMissed = missed)}>${icon(ICON.close)}</button>
      </div>
    `;
  }

  private renderActions(view: AgentView, t: CcTranslation): TemplateResult | typeof nothing {
    const busy = view.ctiPending;
    // aria-disabled rather than disabled: a disabled button drops keyboard focus to <body>.
    const off = busy ? 'true' : nothing;
    const canLogIn = can(view, 'agent.register') || can(view, 'agent.login');
    const canReady = can(view, 'agent.ready') && view.code !== STATUS.afterCall;
    const canBreak = can(view, 'agent.break') && view.code !== STATUS.break;
    const canLogOut = can(view, 'agent.logout');
    if (!canLogIn && !canReady && !canBreak && !canLogOut) return nothing;
    const chosen = this.breakReason;
    return html`
      <div part="actions" class="actions" role="group" aria-label=${t.label.agentActions} aria-busy=${busy ? 'true' : 'false'}>
        ${canLogIn ? html`<button class="btn primary" aria-disabled=${off} @click=${this.onLogIn}>${t.action.logIn}</button>` : nothing}
        ${canReady ? html`<button class="btn primary" aria-disabled=${off} @click=${this.onReady}>${t.action.ready}</button>` : nothing}
        ${canBreak
          ? html`<span part="break" class="break">
              <select aria-label=${t.label.breakReason} aria-disabled=${off} @change=${this.onReasonChange}>
                ${this.breakReasons.map(
                  (reason) => html`<option value=${reason} ?selected=${reason === chosen}>${breakReasonLabel(t, reason)}</option>`,
                )}
              </select>
              <button class="btn" aria-disabled=${off} @click=${this.onBreak}>${t.action.break}</button>
            </span>`
          : nothing}
        ${canLogOut ? html`<button part="go-offline" class="btn ghost" aria-disabled=${off} @click=${this.onLogOut}>${t.action.goOffline}</button>` : nothing}
      </div>
    `;
  }

  /** Runs an agent command unless a CTI change is still pending (its busy buttons ignore presses). */
  private runAgent(command: (phone: PhoneApi) => Promise<unknown>): void {
    if (!this.agent.value.ctiPending) this.run(command);
  }

  private readonly onLogIn = (): void =>
    this.runAgent(async (p) => {
      if (this.agent.value.code === STATUS.unregistered) await p.register();
      await p.logIn();
    });
  private readonly onReady = (): void => this.runAgent((p) => p.ready());
  private readonly onBreak = (): void => this.runAgent((p) => p.applyForBreak(this.breakReason || undefined));
  private readonly onLogOut = (): void => this.runAgent((p) => p.logOut());
  private readonly onReasonChange = (event: Event): void => {
    this.chosenReason = (event.target as HTMLSelectElement).value;
  };
}
