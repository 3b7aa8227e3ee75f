import { html, LitElement, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import { IDLE_VIEW, partyText, sameView } from '../../machines/agent-selectors.js';
import type { AgentView } from '../../machines/agent-selectors.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { CcErrorInfo } from '../../machines/agent-types.js';
import { installPhoneMethods } from '../../src/compat/phone-methods.js';
import type { CcPhoneMethods } from '../../src/compat/phone-methods.js';
import { configProperties } from '../../src/config.js';
import type { ElementConfig, PhoneConfig } from '../../src/config.js';
import type { AlertSource, CcAlertController } from '../../src/controllers/alert-controller.js';
import { CcFocusController } from '../../src/controllers/focus-controller.js';
import { CcLocalizeController } from '../../src/controllers/localize-controller.js';
import { CcMessagesController } from '../../src/controllers/messages-controller.js';
import { CcPhoneHostController } from '../../src/controllers/phone-host-controller.js';
import { CcSelectController } from '../../src/controllers/select-controller.js';
import { CcErrorEvent } from '../../src/events/cc-error-event.js';
import type { CcNumberPickEvent } from '../../src/events/cc-number-pick-event.js';
import type { CcMedia } from '../../src/media/media.js';
import type { CcMediaMethods } from '../../src/media/media-types.js';
import type { CcTranslation } from '../../src/localize/en.js';
import { errorDetail, errorLabel } from '../../src/localize/localize.js';
import type { PhoneApi, ViewSource } from '../../src/phone-api.js';
import type { Phone } from '../../src/phone.js';
import { loadPhone } from '../../src/load-phone.js';
import { sipUserOf } from '../../src/sip-uri.js';
import { DEFAULT_BREAK_REASONS } from '../agent-status/agent-status.js';
import type { CcCallerId } from '../caller-id/caller-id.js';
import { controlsStyles } from '../controls.styles.js';
import { loadCtiElements } from '../cti/load-cti-elements.js';
import { ICON, icon } from '../icons.js';
import { themeStyles } from '../theme.styles.js';
import { visuallyHiddenStyles } from '../visually-hidden.styles.js';
import { workbenchStyles } from './workbench.styles.js';

/** Parts of `<cc-call-panel>` that the workbench forwards as its own. */
const CALL_PARTS = 'call-panel, timer, call-origin, answer-button, hangup-button, dialpad, transfer, transfer-targets, conference-button';

/** Where focus goes when the focused control disappears, best first (searched across the children's shadow roots). */
const FOCUS_FALLBACK = [
  '[part~="answer-button"]',
  '[part~="hangup-button"]',
  '[part~="after-call"] button',
  '[part~="actions"] button',
  'cc-dialpad',
  'button',
];

/**
 * Dispatches from the host. Kept outside the class: the manifest analyzer would otherwise list
 * every `dispatchEvent(new X(variable))` as an event named after the variable; the class JSDoc's
 * `@event` tags are the documented list.
 */
function fire(host: EventTarget, event: Event): void {
  host.dispatchEvent(event);
}

/**
 * @summary A call-center agent softphone (WebRTC over SIP) in one tag: agent status, dialpad,
 * call controls, transfer and consultation, after-call work.
 *
 * Configure it with attributes and the `password` or `credentials` property; drive it with its
 * buttons or with the same methods as the headless `Phone`: `register()`, `unregister()`,
 * `logIn()`, `logOut()`, `ready()`, `applyForBreak(reason?)`, `call(callee, { callerId }?)`,
 * `answer()`, `hangUp()`, `hold()`, `retrieve()`, `mute()`, `unmute()`, `sendDtmf(digits)`,
 * `transfer(target)`, `consult(target)`, `completeTransfer()`, `cancelConsult()`, and with the
 * `supervisor` attribute `monitor(agent, mode)`, `changeMonitorMode(mode)`, `intercept()` (each returns
 * the phone's promise, waiting for the phone first) and `getStatusCode()`. A bad attribute value
 * never throws: it fires `cc-error` (7100, naming the attribute and the value) and shows a
 * configuration error panel. It lays out `<cc-agent-status>`, `<cc-call-panel>`,
 * `<cc-after-call>`, `<cc-dialpad>` and, with a CTI API, `<cc-caller-id>` and `<cc-recent-calls>`.
 *
 * With the attribute `history` (any value but `off`; read when the agent logs in and at each
 * event), once the agent is logged in it keeps the agent's calls (the last 200) and status times
 * in this browser (IndexedDB) and shows `<cc-my-work>` (the day's figures) and, without a CTI
 * API, `<cc-recent-calls>` listing those calls; `history-clear-on-logout` forgets the agent's
 * history when the agent logs out (status 1). Off by default: customers' numbers stay out of the
 * browser unless the host asks.
 *
 * Then too (in the tab that holds the media), it loads the devices and call quality chunk:
 * `<cc-devices>` (microphone, speaker, ringer, level meter, echo test) and, during a call,
 * `<cc-call-quality>`; `cc-call-quality` and `cc-device-change` fire on the element. The methods
 * `listDevices()`, `setDevice()`, `startEchoTest()`, `stopEchoTest()`, `checkNetwork()`,
 * `switchAccessPoint()` and `getCallQuality()` load it (the network check its own chunk) first.
 *
 * @attr {string} server - ws:// or wss:// URL of the SIP WebSocket server (required).
 * @attr {string} sip-uri - The agent's SIP URI, `sip:user@domain` (required).
 * @attr {string} display-name - Shown to called parties and in the header.
 * @attr {string} authorization-user - Digest user when it differs from the URI's user.
 * @attr {string} ice-servers - JSON array of RTCIceServer.
 * @attr {string} access-points - JSON array of `{ name, server, iceServers? }`: the access points `switchAccessPoint(name)` chooses from.
 * @attr {string} history - Keep the call history and "my work" in this browser (any value but `off`).
 * @attr {boolean} history-clear-on-logout - Forget the agent's history when the agent logs out.
 * @attr {string} auto-answer - Answer after N seconds of ringing.
 * @attr {boolean} accept-auto-answer - Answer calls whose INVITE asks for it (Call-Info answer-after).
 * @attr {string} job-id-header - SIP header naming the call center's id for a call (default X-CC-Job-Id).
 * @attr {string} after-call - Seconds of after-call work, or `manual` (default 15).
 * @attr {string} ring-timeout - Seconds before an unanswered call goes to break `missed`; 0 = never (default 30). A PBX that stops offering the call first (CANCEL with `Reason: SIP ;cause=480`) counts the same.
 * @attr {string} dial-pattern - Regular expression a number must match before it is dialled or transferred to (default `^\+?[0-9*#]{1,32}$`, after spaces, dashes, dots and parentheses are removed); SIP URIs always pass.
 * @attr {string} ringtone - URL of a sound to loop while a call rings, or `off`; default a tone made with Web Audio.
 * @attr {boolean} show-status-code - Show the numeric status code next to the status.
 * @attr {string} dtmf-mode - `rfc4733` (default) or `info`.
 * @attr {string} internal-pattern - Regular expression of agent extensions (internal calls, status 11).
 * @attr {string} cti - URL or path of the host's CTI API; turns on CTI mode.
 * @attr {string} cti-method - `post` (default) or `get`.
 * @attr {string} cti-action-param - Query parameter naming the API (default `action`).
 * @attr {boolean} supervisor - A supervisor's workbench: loads dist/cc-supervisor.js with the phone, which adds `monitor(agent, mode)`, `changeMonitorMode(mode)` and `intercept()` (status 21).
 * @attr {string} monitor-codes - JSON: monitor by SIP feature codes instead of the CTI API, e.g. `{"listen":"*222","whisper":"*223","barge":"*224","intercept":"*225","keys":{"listen":"4","whisper":"5","barge":"6"}}` (these are the defaults, used without a CTI API).
 * @attr {string} tabs - `independent` (default): this element registers by itself. `shared`: the same-origin tabs of one agent keep one registration; one tab registers and holds the media, the others show its state and relay their commands to it.
 * @attr {boolean} use-local-storage-to-call - The tab holding the registration dials when another tab sets localStorage `workbenchSdkCall` (`{"callee","caller","random"}`), hangs up on `workbenchSdkHangup`, and keeps `workbenchSdkStatus` current (reference `useLocalStorageToCall`).
 * @attr {boolean} click-to-dial - The page's `tel:` and `sip:` links and `[data-cc-dial]` elements dial through the workbench (`call()`, so `cc-dial-request` applies).
 * @prop {CtiRequestFunction | null} ctiRequest - Custom CTI transport (reference `apiAxiosFunc`).
 * @prop {Record<string, string> | null} ctiHeaders - Extra CTI request headers; never rendered.
 * @prop {Record<string, string> | null} ctiParams - Extra CTI request parameters.
 * @prop {Record<string, unknown> | null} ctiCommon - Parameters added to every CTI API call.
 *
 * @event {CcInitEvent} cc-init - The element created its phone (reference `onInit`).
 * @event {CcRegisteredEvent} cc-registered - SIP registration succeeded (reference `onRegister`).
 * @event {CcUnregisteredEvent} cc-unregistered - SIP registration ended.
 * @event {CcRegistrationFailedEvent} cc-registration-failed - Registration refused or timed out; `detail.cause`, `detail.sipCode`.
 * @event {CcStatusChangeEvent} cc-status-change - The status code changed; `detail.code`, `detail.lastCode`, `detail.context` (reference `onStatusChange`).
 * @event {CcCallIncomingEvent} cc-call-incoming - A call rings; `detail.caller`, `detail.callee`, `detail.callId` (reference `onCallComing`).
 * @event {CcCallDialingEvent} cc-call-dialing - An outgoing call left the phone (reference `onCallDialing`).
 * @event {CcCallEstablishedEvent} cc-call-established - A call was answered (reference `onCallEstablish`).
 * @event {CcCallReleasedEvent} cc-call-released - A call leg ended; `detail.cause` (reference `onCallRelease`).
 * @event {CcCallHangupEvent} cc-call-hangup - The customer call ended; `detail.type` is ringing, dialing, inbound or outbound (reference `onHangUp`).
 * @event {CcErrorEvent} cc-error - Something failed; `detail.errorCode`, `detail.errorMsg` (reference `onErrorNotify`).
 * @event {CcWarningEvent} cc-warning - Something the agent should know while the workbench handles it; `detail.code` is media-interrupted, media-restored, page-frozen or state-forced, `detail.message`, `detail.callId`.
 * @event {CcMonitorEvent} cc-monitor-start - Supervisors: the monitoring call is connected; `detail.agent`, `detail.mode` (listen, whisper, barge), `detail.jobId`, `detail.via` (cti or codes).
 * @event {CcMonitorEvent} cc-monitor-change - Supervisors: the monitor mode changed on the same call; `detail.mode`.
 * @event {CcMonitorEvent} cc-monitor-end - Supervisors: monitoring ended; `detail.reason` is `intercepted` or the call's end cause.
 * @event {CcDialRequestEvent} cc-dial-request - Cancelable, before each outgoing call: rewrite `detail.callee` or `preventDefault()` (reference `onBeforeCallDialing`).
 * @event {CcHangupRequestEvent} cc-hangup-request - Cancelable, before the agent hangs up: `preventDefault()` vetoes (reference `onBeforeCallHangup`).
 *
 * @csspart base - The card around everything.
 * @csspart header - The top bar with the agent's status and actions.
 * @csspart status - The status label, time in status, break reason (and code with `show-status-code`).
 * @csspart missed - The latest missed call, with Call back and Dismiss.
 * @csspart actions - The agent action buttons (Log in, Ready, Break, Go offline).
 * @csspart break - The break reason and the Break button.
 * @csspart go-offline - The Go offline button.
 * @csspart call-panel - The current call: party, timer, controls.
 * @csspart timer - The running call timer.
 * @csspart call-origin - Where the call comes from: queue name, who transferred it.
 * @csspart answer-button - The Answer button.
 * @csspart hangup-button - The Hang up button ("Decline" while the call rings).
 * @csspart dialpad - The `<cc-dialpad>`.
 * @csspart after-call - The after-call work panel.
 * @csspart error - The latest error, until its condition ends, the next command succeeds, or it is dismissed.
 * @csspart notice - "Connection restored", or the prompt to enable a ringtone the browser blocked.
 * @csspart config-error - The configuration error panel.
 * @csspart caller-id - CTI only: the caller ID picker above the dialpad (label, select, refresh).
 * @csspart transfer - The transfer / consult target field and its buttons.
 * @csspart transfer-targets - CTI only: the agents offered for transfer and consult (their count, refresh, errors).
 * @csspart conference-button - The Conference button of a consultation.
 * @csspart recent-calls - The collapsible recent calls list (a `<details>`): the CTI API's, or without one the calls kept in this browser.
 * @csspart my-work - The collapsible figures of the agent's day (a `<details>`), with `history`.
 * @csspart devices - The devices panel (a `<details>`): microphone, speaker, ringer, level meter, echo test.
 * @csspart microphone-select - The microphone choice (also `speaker-select`, `ringer-select`).
 * @csspart level-meter - The microphone level (`role="meter"`).
 * @csspart echo-test-button - Echo test / Stop echo test.
 * @csspart devices-message - What is wrong with the microphone and what to do.
 * @csspart call-quality - During a call: the line quality bars and MOS (`data-level` good, poor, bad).
 * @csspart call-quality-warning - The warning while the line is poor or bad.
 *
 * @cssstate unconfigured - No phone: `server` or `sip-uri` is missing.
 * @cssstate config-error - A configuration value is invalid.
 * @cssstate unregistered - Status -1; likewise registering (0), offline (1), break (2), ready (3), after-call (5), ringing (6), dialing (8), talking (9, 10, 11), held (12), consult-dialing (16), consulting (17), consult-switched (18), conference (19), monitoring (21).
 * @cssstate on-call - A call leg exists (ringing, dialing, connected).
 * @cssstate muted - The microphone is muted.
 * @cssstate consult - A consultation leg exists.
 *
 * @cssproperty --cc-primary-color - Primary actions and focus rings. Default #2563eb.
 * @cssproperty --cc-danger-color - Hang up and errors. Default #dc2626.
 * @cssproperty --cc-success-color - Answer and Call. Default #15803d.
 * @cssproperty --cc-warning-color - Break and after-call status. Default #d97706.
 * @cssproperty --cc-font-family - Font stack.
 * @cssproperty --cc-radius - Corner radius of controls. Default 10px.
 * @cssproperty --cc-background - Card background. Default #fff.
 * @cssproperty --cc-surface - Header and key background. Default #f3f5f8.
 * @cssproperty --cc-text-color - Text. Default #111827.
 * @cssproperty --cc-muted-color - Secondary text. Default #4b5563.
 * @cssproperty --cc-border-color - Lines. Default #e2e6ec.
 * @cssproperty --cc-width - Width of the element. Default 320px, minimum 300px (nothing overflows down to it, in English or Chinese).
 */
export class CcWorkbench extends LitElement {
  static override styles = [themeStyles, controlsStyles, visuallyHiddenStyles, workbenchStyles];
  static override properties: PropertyDeclarations = {
    // Every config field (attribute, type) comes from the one schema in src/config.ts.
    ...configProperties,
    autoRegister: { type: Boolean, attribute: 'auto-register' },
    noHeader: { type: Boolean, attribute: 'no-header', reflect: true },
    showStatusCode: { type: Boolean, attribute: 'show-status-code' },
    ringtone: {},
    password: { attribute: false },
    credentials: { attribute: false },
    breakReasons: { attribute: false },
    phoneFactory: { attribute: false },
    announcement: { state: true, attribute: false },
    callerId: { state: true, attribute: false },
  };

  static {
    installPhoneMethods(this, {
      phone: (el) => el.phoneHost.ready,
      current: (el) => el.phoneHost.phone,
      callerId: (el) => el.callerId,
    });
    // The agent's-day methods live in its chunk (src/media/media.ts): each loads it first.
    for (const name of ['listDevices', 'setDevice', 'startEchoTest', 'stopEchoTest', 'checkNetwork', 'switchAccessPoint', 'getCallQuality'] as const) {
      Object.defineProperty(this.prototype, name, {
        value(this: CcWorkbench, ...args: never[]) {
          return this.loadMedia().then((media) => (media[name] as (...a: never[]) => unknown)(...args));
        },
        writable: true,
        configurable: true,
      });
    }
  }

  /** Registers as soon as the phone exists. */
  autoRegister = false;

  /** Hides the header (status and agent actions); drive the agent with the methods instead. */
  noHeader = false;

  /** Shows the numeric status code next to the status (for developers; agents see the label). */
  showStatusCode = false;

  /** The ringtone: '' the built-in one (Web Audio), a URL of a sound to loop, or 'off' (the page rings itself). */
  ringtone = '';

  /** SIP password. A property only: never an attribute, never rendered. */
  password: string | null = null;

  /** Async source of the password, asked at each registration; wins over `password`. */
  credentials: (() => Promise<{ password: string }>) | null = null;

  /** Break reasons offered next to the Break button; known keys get translated labels. */
  breakReasons: readonly string[] = DEFAULT_BREAK_REASONS;

  /**
   * How the element builds its phone from its config. Advanced: wrap `createPhone` or construct
   * `new Phone(config, internals)` (tests inject a fake SIP actor this way). When null, the
   * element loads the phone module after its first paint and uses its `createPhone`.
   */
  phoneFactory: ((config: PhoneConfig) => Phone) | null = null;

  private announcement = '';
  /** The caller ID chosen in `<cc-caller-id>`: what the dialpad and `call()` present. */
  private callerId = '';
  private readonly internals = this.attachInternals();
  private readonly localize = new CcLocalizeController(this);
  private readonly agent = new CcSelectController<ViewSource, AgentView>(this, (view) => view, IDLE_VIEW, sameView);
  private readonly messages = new CcMessagesController(this);
  /** Ringtone, notification, title flash and leave warning: loaded with the first phone, not in the first paint. */
  private alerts: CcAlertController | null = null;
  /** `click-to-dial` and `use-local-storage-to-call`: a chunk loaded the first time either is set. */
  private pageLinks: Promise<unknown> | null = null;
  /**
   * The call history and "my work" (src/history/): a chunk loaded once the agent is logged in,
   * with `history`; `true` once its elements are defined (`<cc-my-work>`, and
   * `<cc-recent-calls>` for a phone without a CTI API).
   */
  private history: Promise<void> | true | null = null;
  /**
   * The agent's day (src/media/: devices, call quality, network check): a chunk loaded once the
   * agent is logged in in the tab that holds the media, or by one of its methods; `mediaReady`
   * once loaded.
   */
  private media: Promise<CcMedia> | null = null;
  private mediaReady: CcMedia | null = null;
  /** Only the tab holding the media rings and asks before leaving; the agent's other tabs show the call. */
  private readonly alertSource = (): AlertSource => {
    const media = this.phoneHost.phone?.holdsMedia !== false;
    return {
      ringing: this.agent.value.code === STATUS.ringing ? this.announcement : null,
      onCall: media && this.agent.value.onCall,
      ringtone: media ? this.ringtone : 'off',
      ringSink: this.phoneHost.phone?.media?.ringSink?.() ?? '',
    };
  };
  private readonly phoneHost = new CcPhoneHostController(this, {
    attach: (phone) => this.attach(phone),
    error: (error) => this.report(error),
  });

  constructor() {
    super();
    new CcFocusController(this, FOCUS_FALLBACK);
  }

  /**
   * The phone behind the element: the one it created from its config, or one the page assigned
   * (then the page owns it, and the config no longer creates one).
   */
  get phone(): PhoneApi | null {
    return this.phoneHost.phone;
  }

  set phone(value: PhoneApi | null) {
    this.phoneHost.phone = value;
  }

  /** Binds the element to a phone while it is in a document: its view, its facts as DOM events. */
  private attach(phone: PhoneApi): () => void {
    this.agent.source = phone.views;
    this.announcement = '';
    if (phone.cti) {
      loadCtiElements().catch((error: unknown) =>
        this.report({ errorCode: ERROR.ctiFailed, errorMsg: `The CTI module failed to load: ${String(error)}`, command: 'configure' }),
      );
    }
    const unbindMessages = this.messages.bind(phone);
    // The ringtone, notification and leave warning come with the phone core (no download of their own).
    void loadPhone().then(({ CcAlertController }) => {
      this.alerts ??= new CcAlertController(this, this.alertSource);
      this.requestUpdate();
    });
    const unbind = phone.bindHost(this, {
      error: (error) => this.messages.report(error),
      incoming: (call) => {
        this.announcement = this.localize.t.message.incomingCall(partyText(call));
      },
    });
    this.mediaReady?.attach(phone);
    return () => {
      this.mediaReady?.attach(null);
      unbind();
      unbindMessages();
      if (this.agent.source === phone.views) this.agent.source = null;
    };
  }

  private report(error: CcErrorInfo): void {
    this.messages.report(error);
    fire(this, new CcErrorEvent(error));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (!this.agent.value.call) this.announcement = '';
  }

  private loadMedia(): Promise<CcMedia> {
    return (this.media ??= import('../../src/media/media.js').then(({ CcMedia }) => {
      const media = new CcMedia(this);
      media.attach(this.phoneHost.phone);
      this.mediaReady = media;
      this.requestUpdate();
      return media;
    }));
  }

  protected override updated(): void {
    if (this.agent.value.code > STATUS.offline && this.phoneHost.phone?.holdsMedia) void this.loadMedia();
    if (this.agent.value.code > STATUS.offline && (this.getAttribute('history') ?? 'off') !== 'off') {
      this.history ??= import('../../src/history/history.js').then(({ showHistory }) => {
        showHistory(this);
        this.history = true;
        this.requestUpdate();
      });
    }
    if ((this.clickToDial || this.useLocalStorageToCall) && !this.pageLinks) {
      this.pageLinks = import('../../src/controllers/page-links-controller.js').then(({ CcPageLinksController }) => {
        new CcPageLinksController(this, () => this.phoneHost.phone);
        this.requestUpdate();
      });
    }
    const states = this.internals.states;
    const wanted = new Set(
      this.phoneHost.issues.length > 0 ? ['config-error'] : this.phoneHost.phone ? this.agent.value.states : ['unconfigured'],
    );
    for (const name of [...states]) if (!wanted.has(name)) states.delete(name);
    for (const name of wanted) states.add(name);
  }

  protected override render(): TemplateResult {
    const t = this.localize.t;
    const name = this.displayName?.trim() || sipUserOf(this.sipUri ?? '');
    return html`
      <div part="base" class="base">
        ${this.phoneHost.audio}
        <div class="visually-hidden" aria-live="assertive" aria-atomic="true">${this.announcement}</div>
        ${this.noHeader
          ? nothing
          : html`<cc-agent-status
              exportparts="header, status, actions, break, go-offline, missed"
              lang=${this.localize.lang}
              .phone=${this.phoneHost.phone}
              .name=${name}
              .breakReasons=${this.breakReasons}
              ?show-code=${this.showStatusCode}
            ></cc-agent-status>`}
        ${this.renderError(t)}
        <div class="body">${this.renderBody(this.agent.value, t)}</div>
      </div>
    `;
  }

  private renderError(t: CcTranslation): TemplateResult | typeof nothing {
    const error = this.messages.error;
    if (this.alerts?.soundBlocked) {
      return html`<div part="notice" class="alert info" role="status">
        ${icon(ICON.alert)}<span class="alert-body">${t.message.soundBlocked}</span>
        <button class="btn" @click=${() => void this.alerts?.enableSound()}>${t.action.enableSound}</button>
      </div>`;
    }
    const warning = this.messages.warning;
    if (!error && warning) {
      return html`<div part="notice" class="alert info" role="status">
        ${icon(ICON.alert)}<span class="alert-body">${warning === 'page-frozen' ? t.message.pageFrozen : warning === 'state-forced' ? t.message.stateForced : t.message.mediaInterrupted}</span>
      </div>`;
    }
    if (!error) {
      return this.messages.reconnected
        ? html`<div part="notice" class="alert info" role="status">${icon(ICON.check)}<span class="alert-body">${t.message.reconnected}</span></div>`
        : nothing;
    }
    return html`
      <div part="error" class="alert" role="alert">
        ${icon(ICON.alert)}
        <div class="alert-body">
          <div class="alert-title"><span class="code">${error.errorCode}</span><span>${errorLabel(t, error.errorCode)}</span></div>
          <div class="alert-detail" title=${error.errorMsg}>${errorDetail(t, error)}</div>
        </div>
        <button class="icon-btn" aria-label=${t.action.dismiss} @click=${() => this.messages.dismiss()}>${icon(ICON.close)}</button>
      </div>
    `;
  }

  private renderBody(view: AgentView, t: CcTranslation): TemplateResult {
    const issues = this.phoneHost.issues;
    if (issues.length > 0) {
      return html`
        <div part="config-error" class="panel config-error" role="alert">
          ${icon(ICON.alert, 'panel-icon')}
          <h2 class="panel-title">${t.message.configErrorTitle} <span class="code">${ERROR.configInvalid}</span></h2>
          <ul class="issues">
            ${issues.map((issue) => html`<li>${t.message.badValue(issue.name, issue.value)}</li>`)}
          </ul>
          <p class="panel-text">${t.message.configErrorHint}</p>
        </div>
      `;
    }
    const phone = this.phoneHost.phone;
    if (!phone) {
      return html`
        <div class="panel">
          ${icon(ICON.phone, 'panel-icon')}
          <h2 class="panel-title">${t.message.notConfiguredTitle}</h2>
          <p class="panel-text">${t.message.notConfigured}</p>
        </div>
      `;
    }
    const lang = this.localize.lang;
    const { code, onCall } = view;
    const hint =
      code === STATUS.break ? t.message.breakHint : code === STATUS.unregistered || code === STATUS.offline ? t.message.loggedOutHint : '';
    const cti = phone.cti !== null;
    // The CTI parts stay in the DOM while hidden, so their lists and choices outlive a call.
    return html`
      ${onCall ? html`<cc-call-panel exportparts=${CALL_PARTS} lang=${lang} .phone=${phone}></cc-call-panel>` : nothing}
      ${this.mediaReady?.qualityView(onCall, phone, lang)}
      ${code === STATUS.afterCall ? html`<cc-after-call exportparts="after-call" lang=${lang} .phone=${phone}></cc-after-call>` : nothing}
      ${hint ? html`<p class="hint">${hint}</p>` : nothing}
      ${cti
        ? html`<cc-caller-id
            exportparts="caller-id"
            lang=${lang}
            ?hidden=${onCall || code < STATUS.break}
            .phone=${phone}
            @change=${this.onCallerId}
          ></cc-caller-id>`
        : nothing}
      ${onCall ? nothing : html`<cc-dialpad part="dialpad" lang=${lang} .phone=${phone} .callerId=${this.callerId}></cc-dialpad>`}
      ${cti || this.history === true
        ? html`<cc-recent-calls
            exportparts="recent-calls"
            lang=${lang}
            ?hidden=${onCall}
            .phone=${phone}
            @cc-number-pick=${this.onNumberPick}
          ></cc-recent-calls>`
        : nothing}
      ${this.history === true ? html`<cc-my-work exportparts="my-work" ?hidden=${onCall} .phone=${phone}></cc-my-work>` : nothing}
      ${this.mediaReady?.devicesView(phone, lang)}
    `;
  }

  private readonly onCallerId = (event: Event): void => {
    this.callerId = (event.target as CcCallerId).value;
  };

  /** A recent call was picked: its number goes to the dialpad, and focus to Call. */
  private readonly onNumberPick = (event: CcNumberPickEvent): void => {
    const pad = this.renderRoot.querySelector('cc-dialpad');
    if (!pad) return;
    pad.value = event.detail.number;
    void pad.focusCall();
  };
}

// The config fields (declared once, in src/config.ts) and the phone's commands (installed above).
export interface CcWorkbench extends ElementConfig, CcPhoneMethods, CcMediaMethods {}
