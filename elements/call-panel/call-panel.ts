import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import { can, partyOf } from '../../machines/agent-selectors.js';
import type { AgentView, UiCommand } from '../../machines/agent-selectors.js';
import { STATUS } from '../../machines/agent-types.js';
import type { CallInfo } from '../../machines/agent-types.js';
import { CcClockController } from '../../src/controllers/clock-controller.js';
import type { CcTranslation } from '../../src/localize/en.js';
import type { PhoneApi } from '../../src/phone-api.js';
import { controlsStyles } from '../controls.styles.js';
import { loadCtiElements } from '../cti/load-cti-elements.js';
import { formatDuration, initials } from '../format.js';
import { ICON, icon } from '../icons.js';
import { CcPhoneElement } from '../phone-element.js';
import { themeStyles } from '../theme.styles.js';
import { callPanelStyles } from './call-panel.styles.js';

/** The consultation's buttons, each shown while the state accepts its command: command, label, what it runs. */
const CONSULT_ACTIONS: readonly (readonly [UiCommand, keyof CcTranslation['action'], (phone: PhoneApi) => Promise<unknown>])[] = [
  ['call.completeTransfer', 'completeTransfer', (p) => p.completeTransfer()],
  ['call.cancelConsult', 'cancelConsult', (p) => p.cancelConsult()],
  ['call.swap', 'swap', (p) => p.swap()],
  ['call.conference', 'conference', (p) => p.conference()],
  ['call.dropParty', 'dropCustomer', (p) => p.dropParty('customer')],
  ['call.dropParty', 'dropConsult', (p) => p.dropParty('consult')],
];

/**
 * @summary The current call: the other party, a running timer, Answer and Hang up, and once
 * connected Mute, Hold / Resume, a keypad for DTMF, the transfer / consult target field and the
 * consultation leg (Complete transfer, Cancel consult). Renders nothing while there is no call.
 *
 * Hold and Resume wait for the far end: while the re-INVITE is out (`holding` / `resuming`) the
 * button stays, marked busy (`aria-busy`, `aria-disabled`). With a CTI API the transfer field
 * lists the other agents (`<cc-transfer-targets>`, loaded on demand).
 *
 * @csspart call-panel - The call section: party, timer, controls.
 * @csspart timer - The running call timer.
 * @csspart call-origin - Where the call comes from: the queue's name and who transferred it.
 * @csspart answer-button - The Answer button.
 * @csspart hangup-button - The Hang up button ("Decline" while the call rings).
 * @csspart dialpad - The in-call `<cc-dialpad>` (keypad open).
 * @csspart transfer-targets - CTI only: the agents offered for transfer and consult.
 * @csspart transfer - The transfer / consult target field and its buttons.
 * @csspart conference-button - The Conference button of a consultation.
 *
 * @cssproperty --cc-primary-color - Toggled controls and the consultation leg.
 * @cssproperty --cc-success-color - Answer, and the ringing pulse.
 * @cssproperty --cc-danger-color - Hang up and the muted badge.
 * @cssproperty --cc-warning-color - The on-hold badge.
 * @cssproperty --cc-surface - Control tile background.
 * @cssproperty --cc-radius - Corner radius of controls.
 */
export class CcCallPanel extends CcPhoneElement {
  static override styles = [themeStyles, controlsStyles, callPanelStyles];
  static override properties: PropertyDeclarations = { target: { state: true, attribute: false }, keypadOpen: { state: true, attribute: false } };

  /** The transfer / consult target being typed. */
  private target = '';
  private keypadOpen = false;

  private readonly clock = new CcClockController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // The agent list element is defined on demand; until then <cc-transfer-targets> waits to upgrade.
    if (changed.has('phone') && this.phone?.cti) loadCtiElements().catch(() => undefined);
    const view = this.agent.value;
    this.clock.running = view.onCall;
    if (!view.connected) this.keypadOpen = false;
  }

  protected override render(): TemplateResult | typeof nothing {
    const view = this.agent.value;
    if (!view.onCall) return nothing;
    const t = this.localize.t;
    const call = view.call;
    const party = call ? partyOf(call) : { name: '', number: '' };
    const since = call ? (call.answeredAt ?? call.startedAt) : null;
    // The status is the header's; the card says where the call comes from.
    const origin = [call?.queueName || call?.queue, call?.referredBy && t.message.transferredBy(call.referredBy)].filter(Boolean).join(' · ');
    const ringing = view.code === STATUS.ringing;
    return html`
      <section
        part="call-panel"
        class="call"
        ?data-ringing=${ringing}
        ?data-held=${view.code === STATUS.hold}
        aria-labelledby="party"
      >
        <div class="head">
          <span part="call-origin" class="state">${origin}</span>
          ${since === null
            ? nothing
            : html`<span part="timer" class="timer" role="timer" aria-label=${t.label.duration}>${formatDuration(view.now() - since)}</span>`}
        </div>
        <div class="party">
          <span class="avatar big" aria-hidden="true">${initials(party.name) || icon(ICON.phone)}</span>
          <div class="party-name" id="party">${party.name || party.number || t.label.unknownParty}</div>
          ${party.name && party.number ? html`<div class="party-number">${party.number}</div>` : nothing}
          ${view.consult ? html`<div class="badge held">${icon(ICON.pause)}${t.status[STATUS.hold]}</div>` : nothing}
          ${call?.muted ? html`<div class="badge">${icon(ICON.micOff)}${t.label.muted}</div>` : nothing}
        </div>
        ${view.consult ? this.renderConsult(view, view.consult, t) : nothing}
        ${view.transferTarget && !view.consult ? html`<p class="note">${t.message.transferring(view.transferTarget)}</p>` : nothing}
        ${view.connected ? this.renderControls(view, t) : nothing}
        ${view.connected && this.keypadOpen
          ? html`<cc-dialpad part="dialpad" lang=${this.localize.lang} .phone=${this.phone}></cc-dialpad>`
          : nothing}
        <div class="actions">
          ${can(view, 'call.answer')
            ? html`<button part="answer-button" class="btn success big" @click=${this.onAnswer}>${icon(ICON.phone)}${t.action.answer}</button>`
            : nothing}
          ${can(view, 'call.hangup')
            ? html`<button part="hangup-button" class="btn danger big" @click=${this.onHangUp}>
                ${icon(ICON.phone, 'icon hangup')}${ringing ? t.action.decline : t.action.hangUp}
              </button>`
            : nothing}
        </div>
      </section>
    `;
  }

  private renderControls(view: AgentView, t: CcTranslation): TemplateResult {
    const muted = view.call?.muted === true;
    // One button each for mute and hold whose name changes, so keyboard focus stays on it.
    const busy = view.hold === 'holding' || view.hold === 'resuming';
    const resume = busy ? view.hold === 'resuming' : !can(view, 'call.hold') && can(view, 'call.retrieve') && !view.consult;
    const showHold = busy || can(view, 'call.hold') || resume;
    const canTransfer = can(view, 'call.transfer');
    const canConsult = can(view, 'call.consult');
    const empty = !this.target.trim();
    const cti = this.phone?.cti != null;
    return html`
      <div class="controls" role="group" aria-label=${t.label.callControls}>
        ${can(view, 'call.mute') || can(view, 'call.unmute')
          ? html`<button class="tile ${muted ? 'on' : ''}" @click=${muted ? this.onUnmute : this.onMute}>
              ${icon(muted ? ICON.micOff : ICON.mic)}${muted ? t.action.unmute : t.action.mute}
            </button>`
          : nothing}
        ${showHold
          ? html`<button
              class="tile ${resume ? 'on' : ''}"
              aria-busy=${busy ? 'true' : nothing}
              aria-disabled=${busy ? 'true' : nothing}
              @click=${busy ? null : resume ? this.onRetrieve : this.onHold}
            >
              ${icon(resume ? ICON.play : ICON.pause)}${resume ? t.action.resume : t.action.hold}
            </button>`
          : nothing}
        <button class="tile ${this.keypadOpen ? 'on' : ''}" aria-expanded=${this.keypadOpen} @click=${this.onToggleKeypad}>
          ${icon(ICON.keypad)}${t.action.keypad}
        </button>
      </div>
      ${canTransfer || canConsult
        ? html`<div part="transfer" class="transfer">
            <label class="field-label" for="transfer-target">${t.label.transferTarget}</label>
            <input
              id="transfer-target"
              type="tel"
              autocomplete="off"
              list=${cti ? 'transfer-targets' : nothing}
              placeholder=${t.label.transferPlaceholder}
              .value=${this.target}
              @input=${this.onTargetInput}
            />
            ${cti ? html`<cc-transfer-targets .phone=${this.phone}></cc-transfer-targets>` : nothing}
            <div class="transfer-row">
              ${canTransfer
                ? html`<button class="btn" ?disabled=${empty} @click=${this.onTransfer}>${icon(ICON.transfer)}${t.action.transfer}</button>`
                : nothing}
              ${canConsult
                ? html`<button class="btn" ?disabled=${empty} @click=${this.onConsult}>${icon(ICON.consult)}${t.action.consult}</button>`
                : nothing}
            </div>
          </div>`
        : nothing}
    `;
  }

  private renderConsult(view: AgentView, consult: CallInfo, t: CcTranslation): TemplateResult {
    return html`
      <div class="consult" role="group" aria-label=${t.label.consultLeg}>
        <div class="consult-info">
          <span class="avatar small" aria-hidden="true">${icon(ICON.consult)}</span>
          <span class="consult-party">${consult.remoteName || consult.callee}</span>
          <span class="consult-time">${formatDuration(view.now() - (consult.answeredAt ?? consult.startedAt))}</span>
        </div>
        <div class="consult-actions">
          ${CONSULT_ACTIONS.map(([command, label, run], i) =>
            can(view, command)
              ? html`<button part=${command === 'call.conference' ? 'conference-button' : nothing} class="btn ${i ? '' : 'primary'}" @click=${() => this.run(run)}>${t.action[label]}</button>`
              : nothing,
          )}
        </div>
      </div>
    `;
  }

  private readonly onAnswer = (): void => this.run((p) => p.answer());
  private readonly onHangUp = (): void => this.run((p) => p.hangUp());
  private readonly onHold = (): void => this.run((p) => p.hold());
  private readonly onRetrieve = (): void => this.run((p) => p.retrieve());
  private readonly onMute = (): void => this.run((p) => p.mute());
  private readonly onUnmute = (): void => this.run((p) => p.unmute());
  private readonly onTransfer = (): void => {
    const target = this.target.trim();
    this.run((p) => p.transfer(target).then(() => (this.target = '')));
  };
  private readonly onConsult = (): void => {
    const target = this.target.trim();
    this.run((p) => p.consult(target).then(() => (this.target = '')));
  };
  private readonly onToggleKeypad = (): void => {
    this.keypadOpen = !this.keypadOpen;
  };
  private readonly onTargetInput = (event: Event): void => {
    this.target = (event.target as HTMLInputElement).value;
  };
}
