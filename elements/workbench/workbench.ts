import { html, LitElement, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { AgentEvent, AgentPolicy, CallInfo, CcErrorInfo, StatusCode } from '../../machines/agent-types.js';
import {
  checkCtiActionParam,
  checkCtiMethod,
  checkCtiUrl,
  checkDtmfMode,
  checkJobIdHeader,
  checkServer,
  checkSipUri,
  parseIceServers,
  parseSeconds,
} from '../../src/config.js';
import type { CtiRequestFunction } from '../../src/cti/cti-client.js';
import type { ConfigIssue, PhoneConfig } from '../../src/config.js';
import { CcClockController } from '../../src/controllers/clock-controller.js';
import { CcLocalizeController } from '../../src/controllers/localize-controller.js';
import { CcSelectController } from '../../src/controllers/select-controller.js';
import { CcError } from '../../src/errors.js';
import { callDetailOf } from '../../src/events/call-detail.js';
import { CcCallDialingEvent } from '../../src/events/cc-call-dialing-event.js';
import { CcCallEstablishedEvent } from '../../src/events/cc-call-established-event.js';
import { CcCallHangupEvent } from '../../src/events/cc-call-hangup-event.js';
import { CcCallIncomingEvent } from '../../src/events/cc-call-incoming-event.js';
import { CcCallReleasedEvent } from '../../src/events/cc-call-released-event.js';
import { CcDialRequestEvent } from '../../src/events/cc-dial-request-event.js';
import { CcErrorEvent } from '../../src/events/cc-error-event.js';
import { CcHangupRequestEvent } from '../../src/events/cc-hangup-request-event.js';
import { CcInitEvent } from '../../src/events/cc-init-event.js';
import { CcRegisteredEvent } from '../../src/events/cc-registered-event.js';
import { CcRegistrationFailedEvent } from '../../src/events/cc-registration-failed-event.js';
import { CcStatusChangeEvent } from '../../src/events/cc-status-change-event.js';
import { CcUnregisteredEvent } from '../../src/events/cc-unregistered-event.js';
import type { CcTranslation } from '../../src/localize/en.js';
import { breakReasonLabel, errorLabel } from '../../src/localize/localize.js';
import { acceptsCommand } from '../../src/accepts.js';
import { loadPhone } from '../../src/load-phone.js';
import type { PhoneModule } from '../../src/load-phone.js';
import type { AgentActor, AgentSnapshot, Phone } from '../../src/phone.js';
import { ICON, icon } from '../dialpad/icons.js';
import { formatDuration } from './format.js';
import type { CcWorkbenchCti } from './workbench-cti.js';
import { themeStyles } from '../theme.styles.js';
import { visuallyHiddenStyles } from '../visually-hidden.styles.js';
import { workbenchStyles } from './workbench.styles.js';

/** Commands whose buttons the workbench shows; their bit in `WorkbenchView.accepted` is their index. */
const COMMANDS = [
  'agent.register',
  'agent.login',
  'agent.logout',
  'agent.ready',
  'agent.break',
  'call.answer',
  'call.hangup',
  'call.hold',
  'call.retrieve',
  'call.mute',
  'call.transfer',
  'call.consult',
  'call.completeTransfer',
  'call.cancelConsult',
] as const satisfies readonly AgentEvent['type'][];
type UiCommand = (typeof COMMANDS)[number];
/** `WorkbenchView.accepted` bits of the agent-status commands (COMMANDS[0..4]). */
const AGENT_BITS = 0b11111;

/** The CTI parts load with the first phone that has a CTI API; SIP-only pages never fetch them. */
let ctiModule: Promise<typeof import('./workbench-cti.js')> | null = null;

/** Default break reasons; each is a key of the translations' `breakReason` table. */
export const DEFAULT_BREAK_REASONS: readonly string[] = ['rest', 'meal', 'meeting', 'training'];

/** Custom state of the host for each status code (`:state(ringing)`). */
const STATE_NAME: Readonly<Record<StatusCode, string>> = {
  [-1]: 'unregistered',
  0: 'registering',
  1: 'offline',
  2: 'break',
  3: 'ready',
  5: 'after-call',
  6: 'ringing',
  8: 'dialing',
  9: 'talking',
  10: 'talking',
  11: 'talking',
  12: 'held',
  16: 'consult-dialing',
  17: 'consulting',
  21: 'monitoring',
};

/**
 * Dispatches from the host. Kept outside the class: the manifest analyzer would otherwise list
 * every `dispatchEvent(new X(variable))` as an event named after the variable; the class JSDoc's
 * `@event` tags are the documented list.
 */
function fire(host: EventTarget, event: Event): void {
  host.dispatchEvent(event);
}

/** Where focus goes when the focused control disappears, best first. */
const FOCUS_FALLBACK = [
  '[part~="answer-button"]',
  '[part~="hangup-button"]',
  '.after-call button',
  '.actions button',
  'cc-dialpad',
  'button',
];

/** Colour family of the status dot. */
function toneOf(code: StatusCode): string {
  if (code === STATUS.ready) return 'ready';
  if (code === STATUS.break || code === STATUS.afterCall) return 'away';
  if (code <= STATUS.offline) return 'off';
  return 'busy';
}

/** Everything the template reads from the agent state. */
interface WorkbenchView {
  readonly code: StatusCode;
  readonly breakReason: string | null;
  readonly call: CallInfo | null;
  readonly consult: CallInfo | null;
  readonly transferTarget: string | null;
  readonly afterCallEndsAt: number | null;
  readonly afterCallSeconds: number | 'manual';
  readonly onCall: boolean;
  readonly connected: boolean;
  /** A service-state change waits for the CTI backend. */
  readonly ctiPending: boolean;
  /** Bit i set when the state accepts COMMANDS[i]. */
  readonly accepted: number;
  readonly now: () => number;
}

const IDLE_VIEW: WorkbenchView = {
  code: STATUS.unregistered,
  breakReason: null,
  call: null,
  consult: null,
  transferTarget: null,
  afterCallEndsAt: null,
  afterCallSeconds: 'manual',
  onCall: false,
  connected: false,
  ctiPending: false,
  accepted: 0,
  now: Date.now,
};

function selectView(snapshot: AgentSnapshot): WorkbenchView {
  const c = snapshot.context;
  let accepted = 0;
  COMMANDS.forEach((command, i) => {
    if (acceptsCommand(snapshot, command)) accepted |= 1 << i;
  });
  return {
    code: c.code,
    breakReason: c.breakReason,
    call: c.call,
    consult: c.consult,
    transferTarget: c.transferTarget,
    afterCallEndsAt: c.afterCallEndsAt,
    afterCallSeconds: c.policy.afterCall,
    onCall: snapshot.hasTag('onCall'),
    connected: snapshot.hasTag('connected'),
    ctiPending: snapshot.hasTag('ctiPending'),
    accepted,
    now: c.now,
  };
}

function sameView(a: WorkbenchView, b: WorkbenchView): boolean {
  return (Object.keys(a) as (keyof WorkbenchView)[]).every((key) => Object.is(a[key], b[key]));
}

function can(view: WorkbenchView, command: UiCommand): boolean {
  return (view.accepted & (1 << COMMANDS.indexOf(command))) !== 0;
}

function userPart(uri: string): string {
  return uri.replace(/^sips?:/i, '').split('@')[0] ?? '';
}

/** Remote party of a call: display name and number. */
function partyOf(call: CallInfo): { name: string; number: string } {
  return { name: call.remoteName, number: call.direction === 'inbound' ? call.caller : call.callee };
}

function initials(name: string): string {
  if (!/\p{L}/u.test(name)) return '';
  // Words that start with a letter only: "Alice (1001)" -> "A", "Jane Doe" -> "JD".
  return name
    .trim()
    .split(/\s+/)
    .filter((word) => /^\p{L}/u.test(word))
    .slice(0, 2)
    .map((word) => word.charAt(0))
    .join('')
    .toUpperCase();
}

function text(value: string | null | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * @summary A call-center agent softphone (WebRTC over SIP) in one tag: agent status, dialpad,
 * call controls, transfer and consultation, after-call work.
 *
 * Configure it with attributes (`server`, `sip-uri`, ...) and the `password` or `credentials`
 * property; drive it with the buttons or with the same methods as the headless `Phone`
 * (`register()`, `logIn()`, `call()`, `answer()`, `hangUp()`, ...), each returning the phone's
 * promise. A bad attribute value never throws: it fires `cc-error` (7100, naming the attribute
 * and the value) and shows a configuration error panel.
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
 * @event {CcDialRequestEvent} cc-dial-request - Cancelable, before each outgoing call: rewrite `detail.callee` or `preventDefault()` (reference `onBeforeCallDialing`).
 * @event {CcHangupRequestEvent} cc-hangup-request - Cancelable, before the agent hangs up: `preventDefault()` vetoes (reference `onBeforeCallHangup`).
 *
 * @csspart base - The card around everything.
 * @csspart header - The top bar with the agent's status and actions.
 * @csspart status - The status label and code.
 * @csspart actions - The agent action buttons (Log in, Ready, Break, Go offline).
 * @csspart call-panel - The current call: party, timer, controls.
 * @csspart timer - The running call timer.
 * @csspart answer-button - The Answer button.
 * @csspart hangup-button - The Hang up button.
 * @csspart dialpad - The `<cc-dialpad>`.
 * @csspart after-call - The after-call work panel.
 * @csspart error - The latest error (dismissable).
 * @csspart config-error - The configuration error panel.
 * @csspart caller-id - CTI only: the caller ID picker above the dialpad (label, select, refresh).
 * @csspart transfer-targets - CTI only: the agents offered for transfer and consult (their count, refresh, errors).
 * @csspart recent-calls - CTI only: the collapsible recent calls list (a `<details>`).
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
 * @cssproperty --cc-width - Width of the element. Default 320px.
 */
export class CcWorkbench extends LitElement {
  static override styles = [themeStyles, visuallyHiddenStyles, workbenchStyles];

  /** ws:// or wss:// URL of the SIP WebSocket server. */
  @property() server: string | null = null;

  /** The agent's SIP URI, e.g. `sip:1001@pbx.example.com`. */
  @property({ attribute: 'sip-uri' }) sipUri: string | null = null;

  /** Name shown to called parties and in the header. */
  @property({ attribute: 'display-name' }) displayName: string | null = null;

  /** Authorization user, when it differs from the SIP URI's user part. */
  @property({ attribute: 'authorization-user' }) authorizationUser: string | null = null;

  /** ICE servers as JSON, e.g. `[{"urls":"stun:stun.example.com"}]`. */
  @property({ attribute: 'ice-servers' }) iceServers: string | null = null;

  /** Registers as soon as the phone exists. */
  @property({ type: Boolean, attribute: 'auto-register' }) autoRegister = false;

  /** Seconds of ringing before a call is answered automatically; absent = answer by hand. */
  @property({ attribute: 'auto-answer' }) autoAnswer: string | null = null;

  /**
   * Answers calls whose INVITE asks for it (`Call-Info: ...;answer-after=N`, sent by PBXs and
   * CTI click-to-dial such as MakeCall). Only behind a PBX that strips it from outside callers.
   */
  @property({ type: Boolean, attribute: 'accept-auto-answer' }) acceptAutoAnswer = false;

  /** Seconds of after-call work before the agent is ready again, or `manual`. Default 15. */
  @property({ attribute: 'after-call' }) afterCall: string | null = null;

  /** Seconds an unanswered call rings before the agent is put on break. Default 30; 0 = never. */
  @property({ attribute: 'ring-timeout' }) ringTimeout: string | null = null;

  /** Hides the header (status and agent actions); drive the agent with the methods instead. */
  @property({ type: Boolean, attribute: 'no-header', reflect: true }) noHeader = false;

  /** DTMF transport: `rfc4733` (default) or `info`. */
  @property({ attribute: 'dtmf-mode' }) dtmfMode: string | null = null;

  /** Regular expression matching other agents' extensions (internal calls, status 11). */
  @property({ attribute: 'internal-pattern' }) internalPattern: string | null = null;

  /**
   * URL or path of the host's CTI API (reference `ajaxOrigin` + `ajaxPath`). When set, log-in,
   * ready, break and log-out go through it (ReadyForService, TakeBreak, SignOutGroup) and the
   * workbench shows caller IDs (ListOutboundNumbersOfUser), transfer targets
   * (ListRealtimeAgentStates) and recent calls (ListRecentCallDetailRecords) from it. A failed
   * list request shows an inline error and fires `cc-error` 7200 with `apiName` and `requestId`.
   */
  @property() cti: string | null = null;

  /** HTTP method of CTI requests: `post` (default, form field `request`) or `get`. */
  @property({ attribute: 'cti-method' }) ctiMethod: string | null = null;

  /** SIP header of an incoming INVITE naming the call center's id for the call (`jobId` of call events). Default `X-CC-Job-Id`. */
  @property({ attribute: 'job-id-header' }) jobIdHeader: string | null = null;

  /** Query parameter that names the CTI API (default `action`). */
  @property({ attribute: 'cti-action-param' }) ctiActionParam: string | null = null;

  /** Custom CTI transport `(apiName, params) => Promise<response>` (reference `apiAxiosFunc`). */
  @property({ attribute: false }) ctiRequest: CtiRequestFunction | null = null;

  /** Extra headers of CTI requests (reference `ajaxHeaders`). Never rendered. */
  @property({ attribute: false }) ctiHeaders: Record<string, string> | null = null;

  /** Extra parameters of CTI requests (reference `ajaxOtherParams`). */
  @property({ attribute: false }) ctiParams: Record<string, string> | null = null;

  /** Parameters added to every CTI API call, e.g. `{ InstanceId: 'cc-1' }`. */
  @property({ attribute: false }) ctiCommon: Record<string, unknown> | null = null;

  /** SIP password. A property only: never an attribute, never rendered. */
  @property({ attribute: false }) password: string | null = null;

  /** Async source of the password, asked at each registration; wins over `password`. */
  @property({ attribute: false }) credentials: (() => Promise<{ password: string }>) | null = null;

  /** Break reasons offered next to the Break button; known keys get translated labels. */
  @property({ attribute: false }) breakReasons: readonly string[] = DEFAULT_BREAK_REASONS;

  /**
   * How the element builds its phone from the attributes. Advanced: wrap `createPhone` or
   * construct `new Phone(config, internals)` (tests inject a fake SIP actor this way). When null,
   * the element loads the phone module after its first paint and uses its `createPhone`.
   */
  @property({ attribute: false }) phoneFactory: ((config: PhoneConfig) => Phone) | null = null;

  @state() private configIssues: readonly ConfigIssue[] = [];
  @state() private lastError: CcErrorInfo | null = null;
  @state() private announcement = '';
  @state() private target = '';
  @state() private chosenReason = '';
  @state() private keypadOpen = false;

  /** The CTI parts, once their module loaded for a phone with a CTI API. */
  private ctiParts: CcWorkbenchCti | null = null;
  /** Agent-command bits before the pending CTI change, so its buttons stay (busy) until it settles. */
  private agentBitsBeforeCti = 0;

  private currentPhone: Phone | null = null;
  private ownsPhone = false;
  /** True when the host page assigned `phone`: attributes then no longer build one. */
  private hostPhone = false;
  private phoneModule: PhoneModule | null = null;
  private phoneLoading: Promise<void> | null = null;
  private unbinders: (() => void)[] = [];
  private configDirty = true;
  private recreateAfterCall = false;
  private connectionKey = '';
  /** Bumped when a CTI object property changes, so the phone is rebuilt with it. */
  private ctiObjectsVersion = 0;
  private policyKey = '';
  private reportedIssues = '';
  private retireTimer: ReturnType<typeof setTimeout> | null = null;
  private preloaded = false;
  private hadFocus = false;

  private readonly internals: ElementInternals;
  private readonly audio: HTMLAudioElement;
  private readonly localize = new CcLocalizeController(this);
  private readonly agent = new CcSelectController<AgentActor, WorkbenchView>(this, selectView, IDLE_VIEW, sameView);
  private readonly clock = new CcClockController(this);

  constructor() {
    super();
    this.internals = this.attachInternals();
    this.audio = document.createElement('audio');
    this.audio.autoplay = true;
  }

  /**
   * The phone behind the element: the one it created from its attributes, or one the page
   * assigned (then the page owns it, and attributes no longer create one).
   */
  get phone(): Phone | null {
    return this.currentPhone;
  }

  set phone(value: Phone | null) {
    const next = value ?? null;
    if (next === this.currentPhone) return;
    this.hostPhone = next !== null;
    this.adopt(next, false);
    this.connectionKey = '';
    this.policyKey = '';
    this.configDirty = next === null;
  }

  // ---- The phone's command API, re-exposed on the element ----

  /** Registers with the SIP server (status 1). */
  register(): Promise<void> {
    return this.withPhone((p) => p.register());
  }

  /** Unregisters and closes the connection (status -1). */
  unregister(): Promise<void> {
    return this.withPhone((p) => p.unregister());
  }

  /** Logs in: status 1 to 3. */
  logIn(): Promise<void> {
    return this.withPhone((p) => p.logIn());
  }

  /** Logs out: back to status 1. */
  logOut(): Promise<void> {
    return this.withPhone((p) => p.logOut());
  }

  /** Becomes ready for calls (status 3). */
  ready(): Promise<void> {
    return this.withPhone((p) => p.ready());
  }

  /** Goes on break (status 2) with a reason for reporting ('default' when omitted). */
  applyForBreak(reason?: string): Promise<void> {
    return this.withPhone((p) => p.applyForBreak(reason));
  }

  /**
   * Calls a number or SIP URI; `cc-dial-request` may rewrite or veto it. Resolves when answered.
   * With a CTI API, `callerId` defaults to the caller ID chosen in the workbench.
   */
  call(callee: string, options: { callerId?: string } = {}): Promise<CallInfo> {
    return this.withPhone((p) => {
      const callerId = options.callerId ?? this.ctiParts?.callerId ?? '';
      return p.call(callee, callerId ? { callerId } : {});
    });
  }

  /** Answers the ringing call. */
  answer(): Promise<CallInfo> {
    return this.withPhone((p) => p.answer());
  }

  /** Hangs up, or declines a ringing call; `cc-hangup-request` may veto. */
  hangUp(): Promise<void> {
    return this.withPhone((p) => p.hangUp());
  }

  /** Puts the call on hold. */
  hold(): Promise<void> {
    return this.withPhone((p) => p.hold());
  }

  /** Resumes a held call. */
  retrieve(): Promise<void> {
    return this.withPhone((p) => p.retrieve());
  }

  /** Mutes the microphone. */
  mute(): Promise<void> {
    return this.withPhone((p) => p.mute());
  }

  /** Unmutes the microphone. */
  unmute(): Promise<void> {
    return this.withPhone((p) => p.unmute());
  }

  /** Sends DTMF digits (0-9, *, #, A-D) on the connected call. */
  sendDtmf(digits: string): Promise<void> {
    return this.withPhone((p) => p.sendDtmf(digits));
  }

  /** Blind transfer to a number or extension. */
  transfer(target: string): Promise<void> {
    return this.withPhone((p) => p.transfer(target));
  }

  /** Holds the customer and calls `target` for a consultation. */
  consult(target: string): Promise<CallInfo> {
    return this.withPhone((p) => p.consult(target));
  }

  /** Hands the customer over to the consulted party. */
  completeTransfer(): Promise<void> {
    return this.withPhone((p) => p.completeTransfer());
  }

  /** Ends the consultation and resumes the customer. */
  cancelConsult(): Promise<void> {
    return this.withPhone((p) => p.cancelConsult());
  }

  /** Current and previous status codes; -1/-1 while there is no phone. */
  getStatusCode(): { code: StatusCode; lastCode: StatusCode } {
    return this.currentPhone?.getStatusCode() ?? { code: STATUS.unregistered, lastCode: STATUS.unregistered };
  }

  // ---- Lifecycle ----

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.retireTimer !== null) {
      clearTimeout(this.retireTimer);
      this.retireTimer = null;
    }
    if (this.currentPhone && this.unbinders.length === 0) this.bind(this.currentPhone);
    if (!this.currentPhone && !this.hostPhone) {
      this.configDirty = true;
      this.requestUpdate();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Moving the element (removed and inserted in the same task) must not drop a live call.
    this.retireTimer = setTimeout(() => {
      this.retireTimer = null;
      if (this.isConnected) return;
      if (this.ownsPhone) {
        this.adopt(null, false);
        this.connectionKey = '';
        this.policyKey = '';
      } else {
        this.unbind();
      }
    }, 0);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.hadFocus = this.shadowRoot?.activeElement != null;
    const view = this.agent.value;
    if (this.recreateAfterCall && !view.onCall) {
      this.recreateAfterCall = false;
      this.configDirty = true;
    }
    const configChanged = (
      [
        'server',
        'sipUri',
        'displayName',
        'authorizationUser',
        'iceServers',
        'dtmfMode',
        'internalPattern',
        'autoAnswer',
        'afterCall',
        'ringTimeout',
        'acceptAutoAnswer',
        'jobIdHeader',
        'phoneFactory',
        'cti',
        'ctiMethod',
        'ctiActionParam',
        'ctiRequest',
        'ctiHeaders',
        'ctiParams',
        'ctiCommon',
      ] as const
    ).some((name) => changed.has(name));
    if ((['ctiRequest', 'ctiHeaders', 'ctiParams', 'ctiCommon'] as const).some((name) => changed.has(name))) this.ctiObjectsVersion += 1;
    if (configChanged || this.configDirty) {
      this.configDirty = false;
      this.configure();
    }
    const current = this.agent.value;
    this.clock.running = current.onCall || current.afterCallEndsAt !== null;
    if (!current.connected) this.keypadOpen = false;
    if (!current.call) this.announcement = '';
    if (!current.ctiPending) this.agentBitsBeforeCti = current.accepted & AGENT_BITS;
    this.ctiParts?.sync({ loggedIn: current.code >= STATUS.break, transferOpen: this.transferOpen(current) });
  }

  protected override updated(): void {
    this.syncStates();
    // The focused button may be gone (Answer once answered): keep keyboard users inside the phone.
    const active = this.shadowRoot?.activeElement;
    if (this.hadFocus && (!active || !active.isConnected)) {
      const root = this.shadowRoot;
      const next = FOCUS_FALLBACK.map((selector) => root?.querySelector<HTMLElement>(selector)).find(Boolean);
      next?.focus();
    }
    if (this.currentPhone && !this.preloaded) {
      this.preloaded = true;
      // JsSIP is parsed after the first paint, so the softphone shows before the SIP stack loads.
      setTimeout(() => void this.phoneModule?.preloadSip().catch(() => undefined), 0);
    }
  }

  // ---- Configuration ----

  /** Reads the attributes into a phone configuration, collecting every bad value. */
  private readConfig(): { config: PhoneConfig | null; issues: ConfigIssue[] } {
    const issues: ConfigIssue[] = [];
    const add = (issue: ConfigIssue | null): void => {
      if (issue) issues.push(issue);
    };
    const seconds = (name: string, raw: string | null, allowManual: boolean): number | 'manual' | undefined => {
      if (!text(raw)) return undefined;
      const parsed = parseSeconds(name, raw ?? '', allowManual);
      if ('issue' in parsed) {
        add(parsed.issue);
        return undefined;
      }
      return parsed.value;
    };
    const server = text(this.server);
    const sipUri = text(this.sipUri);
    if (server) add(checkServer(server));
    if (sipUri) add(checkSipUri(sipUri));
    let iceServers: RTCIceServer[] | undefined;
    if (text(this.iceServers)) {
      const parsed = parseIceServers(this.iceServers ?? '');
      if ('issue' in parsed) add(parsed.issue);
      else iceServers = parsed.value;
    }
    const autoAnswer = seconds('auto-answer', this.autoAnswer, false);
    const afterCall = seconds('after-call', this.afterCall, true);
    const ringTimeout = seconds('ring-timeout', this.ringTimeout, false);
    const dtmfMode = text(this.dtmfMode);
    if (dtmfMode) add(checkDtmfMode(dtmfMode));
    const pattern = text(this.internalPattern);
    if (pattern) {
      try {
        new RegExp(pattern);
      } catch {
        add({ name: 'internal-pattern', value: pattern, message: `internal-pattern="${pattern}" is not a valid regular expression` });
      }
    }
    const jobIdHeader = text(this.jobIdHeader);
    if (jobIdHeader) add(checkJobIdHeader(jobIdHeader));
    const cti = text(this.cti);
    if (cti) add(checkCtiUrl(cti));
    const ctiMethod = text(this.ctiMethod).toLowerCase();
    if (ctiMethod) add(checkCtiMethod(ctiMethod));
    const ctiActionParam = text(this.ctiActionParam);
    if (ctiActionParam) add(checkCtiActionParam(ctiActionParam));
    if (issues.length > 0 || !server || !sipUri) return { config: null, issues };
    const config: PhoneConfig = {
      server,
      sipUri,
      displayName: text(this.displayName) || null,
      authorizationUser: text(this.authorizationUser) || null,
      credentials: () => this.resolveCredentials(),
      audioElement: this.audio,
      ...(iceServers ? { iceServers } : {}),
      ...(typeof autoAnswer === 'number' ? { autoAnswer } : {}),
      ...(afterCall !== undefined ? { afterCall } : {}),
      ...(typeof ringTimeout === 'number' ? { ringTimeout } : {}),
      ...(dtmfMode ? { dtmfMode: dtmfMode as 'rfc4733' | 'info' } : {}),
      ...(pattern ? { internalPattern: pattern } : {}),
      ...(this.acceptAutoAnswer ? { acceptAutoAnswer: true } : {}),
      ...(jobIdHeader ? { jobIdHeader } : {}),
      ...(cti ? { cti } : {}),
      ...(ctiMethod ? { ctiMethod: ctiMethod as 'get' | 'post' } : {}),
      ...(ctiActionParam ? { ctiActionParam } : {}),
      ...(this.ctiRequest ? { ctiRequest: this.ctiRequest } : {}),
      ...(this.ctiHeaders ? { ctiHeaders: this.ctiHeaders } : {}),
      ...(this.ctiParams ? { ctiParams: this.ctiParams } : {}),
      ...(this.ctiCommon ? { ctiCommon: this.ctiCommon } : {}),
    };
    return { config, issues };
  }

  /** Installed as the phone's before-dial hook: the page may veto or rewrite the number. */
  private readonly dialRequest = (callee: string): string | false => {
    const event = new CcDialRequestEvent(callee);
    fire(this, event);
    return event.defaultPrevented ? false : String(event.detail.callee);
  };

  /** Installed as the phone's before-hang-up hook: the page may veto. */
  private readonly hangupRequest = (): boolean => {
    const call = this.currentPhone?.snapshot.context.call ?? null;
    const event = new CcHangupRequestEvent({ callId: call ? (call.sipCallId ?? call.callId) : '', callContext: call });
    fire(this, event);
    return !event.defaultPrevented;
  };

  private async resolveCredentials(): Promise<{ password: string }> {
    if (this.credentials) return this.credentials();
    if (typeof this.password === 'string') return { password: this.password };
    throw new Error('no password: set the password property or a credentials function');
  }

  /** Applies the attributes: reports bad values, creates, recreates or retunes the phone. */
  private configure(): void {
    if (this.hostPhone) return;
    const { config, issues } = this.readConfig();
    const issuesText = issues.map((i) => i.message).join('; ');
    if (issuesText !== this.reportedIssues) {
      this.reportedIssues = issuesText;
      if (issuesText) {
        fire(this, new CcErrorEvent({ errorCode: ERROR.configInvalid, errorMsg: issuesText, command: 'configure' }));
      }
    }
    this.configIssues = issues;
    const onCall = this.agent.value.onCall;
    if (!config) {
      if (onCall) this.recreateAfterCall = true;
      else this.retire();
      return;
    }
    const policy: AgentPolicy = {
      afterCall: config.afterCall ?? 15,
      ringTimeout: config.ringTimeout ?? 30,
      autoAnswer: config.autoAnswer ?? null,
    };
    const connectionKey = JSON.stringify([
      config.server,
      config.sipUri,
      config.displayName,
      config.authorizationUser,
      config.iceServers,
      config.dtmfMode,
      config.internalPattern,
      config.acceptAutoAnswer,
      config.jobIdHeader,
      config.cti,
      config.ctiMethod,
      config.ctiActionParam,
      this.ctiObjectsVersion,
    ]);
    const phone = this.currentPhone;
    if (phone && connectionKey === this.connectionKey) {
      this.applyPolicy(phone, policy);
      return;
    }
    if (phone && onCall) {
      // Never drop a live call for a new server or account: switch once the call is over.
      this.applyPolicy(phone, policy);
      this.recreateAfterCall = true;
      return;
    }
    const factory = this.phoneFactory ?? this.phoneModule?.createPhone ?? null;
    if (!factory) {
      // First use: fetch the phone module (after the first paint), then configure again.
      const pending = loadPhone().then(
        (module) => {
          this.phoneModule = module;
          if (this.phoneLoading === pending) {
            this.phoneLoading = null;
            this.configure();
          }
        },
        (error: unknown) => {
          this.phoneLoading = null;
          this.reportError({ errorCode: ERROR.configInvalid, errorMsg: `The phone module failed to load: ${String(error)}`, command: 'configure' });
        },
      );
      this.phoneLoading = pending;
      return;
    }
    this.retire();
    let created: Phone;
    try {
      created = factory(config);
    } catch (error) {
      const info: CcErrorInfo =
        error instanceof CcError
          ? error.toJSON()
          : { errorCode: ERROR.configInvalid, errorMsg: String(error), command: 'configure' };
      this.configIssues = [{ name: 'configuration', value: '', message: info.errorMsg }];
      fire(this, new CcErrorEvent(info));
      return;
    }
    this.connectionKey = connectionKey;
    this.policyKey = JSON.stringify(policy);
    this.adopt(created, true);
    fire(this, new CcInitEvent({ phone: created }));
    if (this.autoRegister) created.register().catch(() => undefined);
  }

  private applyPolicy(phone: Phone, policy: AgentPolicy): void {
    const key = JSON.stringify(policy);
    if (key === this.policyKey) return;
    this.policyKey = key;
    phone.actor.send({ type: 'config.policy', policy });
  }

  /** Drops the phone the element created (never one the page assigned). */
  private retire(): void {
    if (this.ownsPhone) this.adopt(null, false);
    this.connectionKey = '';
    this.policyKey = '';
  }

  private adopt(phone: Phone | null, owned: boolean): void {
    const previous = this.currentPhone;
    const ownedPrevious = this.ownsPhone;
    if (previous === phone) return;
    this.unbind();
    this.currentPhone = phone;
    this.ownsPhone = owned && phone !== null;
    this.agent.actor = phone?.actor ?? null;
    if (previous && ownedPrevious) previous.destroy();
    if (phone && this.isConnected) this.bind(phone);
    this.announcement = '';
    this.ctiParts?.dispose();
    this.ctiParts = null;
    const client = phone?.cti;
    if (phone && client) {
      ctiModule ??= import('./workbench-cti.js');
      ctiModule.then(
        ({ CcWorkbenchCti }) => {
          if (this.currentPhone !== phone || this.ctiParts) return;
          this.ctiParts = new CcWorkbenchCti(this, phone, client, this.fillNumber);
          this.requestUpdate();
        },
        (error: unknown) => {
          ctiModule = null;
          this.reportError({ errorCode: ERROR.ctiFailed, errorMsg: `The CTI module failed to load: ${String(error)}`, command: 'configure' });
        },
      );
    }
    this.requestUpdate();
  }

  /** A recent call was picked: its number goes to the dialpad, and focus to Call. */
  private readonly fillNumber = (number: string): void => {
    const pad = this.renderRoot.querySelector('cc-dialpad');
    if (!pad) return;
    pad.value = number;
    void pad.focusCall();
  };

  /** True when the transfer/consult target field is shown. */
  private transferOpen(view: WorkbenchView): boolean {
    return view.connected && !this.keypadOpen && (can(view, 'call.transfer') || can(view, 'call.consult'));
  }

  /** Maps the phone's facts to DOM events on the host. */
  private bind(phone: Phone): void {
    const sipUri = phone.config.sipUri;
    const agentUser = userPart(sipUri);
    const offHostError = phone.onHostError((error) => this.reportError(error));
    // A phone the page built with its own hooks keeps them; otherwise the element's requests apply.
    if (!phone.onBeforeDial) phone.onBeforeDial = this.dialRequest;
    if (!phone.onBeforeHangup) phone.onBeforeHangup = this.hangupRequest;
    this.unbinders = [
      phone.on('status', ({ code, lastCode, context }) => fire(this, new CcStatusChangeEvent({ code, lastCode, context }))),
      phone.on('registered', () => fire(this, new CcRegisteredEvent({ sipUri }))),
      phone.on('unregistered', () => fire(this, new CcUnregisteredEvent({ sipUri }))),
      phone.on('registrationFailed', ({ cause, sipCode }) =>
        fire(this, new CcRegistrationFailedEvent({ cause, ...(sipCode === undefined ? {} : { sipCode }) })),
      ),
      phone.on('call.incoming', ({ call }) => {
        const { name, number } = partyOf(call);
        this.announcement = this.localize.t.message.incomingCall(name && number ? `${name} (${number})` : name || number);
        fire(this, new CcCallIncomingEvent(callDetailOf(call, agentUser)));
      }),
      phone.on('call.dialing', ({ call }) => fire(this, new CcCallDialingEvent(callDetailOf(call, agentUser)))),
      phone.on('call.established', ({ call }) => fire(this, new CcCallEstablishedEvent(callDetailOf(call, agentUser)))),
      phone.on('call.released', ({ call, cause }) =>
        fire(this, new CcCallReleasedEvent({ ...callDetailOf(call, agentUser), cause })),
      ),
      phone.on('call.hangup', ({ hangupType, call }) =>
        fire(this, new CcCallHangupEvent({ type: hangupType, callId: call.sipCallId ?? call.callId })),
      ),
      phone.on('error', ({ error }) => this.reportError(error)),
      () => {
        offHostError();
        if (phone.onBeforeDial === this.dialRequest) phone.onBeforeDial = null;
        if (phone.onBeforeHangup === this.hangupRequest) phone.onBeforeHangup = null;
      },
    ];
  }

  private unbind(): void {
    for (const off of this.unbinders) off();
    this.unbinders = [];
  }

  private reportError(error: CcErrorInfo): void {
    this.lastError = error;
    fire(this, new CcErrorEvent(error));
  }

  private async withPhone<T>(command: (phone: Phone) => Promise<T>): Promise<T> {
    // The phone is created in the first update, once its module has loaded: a command given right
    // after insertion waits for both.
    if (!this.currentPhone && this.isUpdatePending) await this.updateComplete;
    if (!this.currentPhone && this.phoneLoading) await this.phoneLoading;
    const phone = this.currentPhone;
    if (!phone) throw new CcError({ errorCode: ERROR.configInvalid, errorMsg: this.whyNoPhone(), command: 'phone' });
    return command(phone);
  }

  private whyNoPhone(): string {
    if (this.configIssues.length > 0) return this.configIssues.map((i) => i.message).join('; ');
    if (!text(this.server)) return 'The server attribute is missing: set it to the ws:// or wss:// URL of the SIP server';
    if (!text(this.sipUri)) return 'The sip-uri attribute is missing: set it to the agent\'s SIP URI (sip:user@domain)';
    return 'cc-workbench has no phone: it is not connected to a document';
  }

  /** Runs a button's command; failures already reached the page as error facts (cc-error). */
  private run(command: (phone: Phone) => Promise<unknown>): void {
    const phone = this.currentPhone;
    if (!phone) return;
    // Failures reach the page as cc-error through the phone's error facts and host errors.
    command(phone).catch(() => undefined);
  }

  private syncStates(): void {
    const states = this.internals.states;
    const view = this.agent.value;
    const wanted = new Set<string>();
    if (this.configIssues.length > 0) wanted.add('config-error');
    else if (this.currentPhone) {
      wanted.add(STATE_NAME[view.code]);
      if (view.onCall) wanted.add('on-call');
      if (view.call?.muted) wanted.add('muted');
      if (view.consult) wanted.add('consult');
    } else wanted.add('unconfigured');
    for (const name of [...states]) if (!wanted.has(name)) states.delete(name);
    for (const name of wanted) states.add(name);
  }

  /** Runs an agent-status command unless a CTI change is still pending. */
  private runAgent(command: (phone: Phone) => Promise<unknown>): void {
    if (!this.agent.value.ctiPending) this.run(command);
  }

  /** The view whose agent-command bits the status buttons follow: during a CTI change, the ones before it. */
  private agentView(view: WorkbenchView): WorkbenchView {
    return view.ctiPending ? { ...view, accepted: (view.accepted & ~AGENT_BITS) | this.agentBitsBeforeCti } : view;
  }

  // ---- Event handlers ----

  // While a CTI change is pending the status buttons stay, aria-disabled: a second click is ignored.
  private readonly onLogIn = (): void =>
    this.runAgent(async (p) => {
      if (p.snapshot.context.code === STATUS.unregistered) await p.register();
      await p.logIn();
    });

  private readonly onReady = (): void => this.runAgent((p) => p.ready());
  private readonly onBreak = (): void => this.runAgent((p) => p.applyForBreak(this.selectedReason() || undefined));
  private readonly onLogOut = (): void => this.runAgent((p) => p.logOut());
  private readonly onAnswer = (): void => this.run((p) => p.answer());
  private readonly onHangUp = (): void => this.run((p) => p.hangUp());
  private readonly onHold = (): void => this.run((p) => p.hold());
  private readonly onRetrieve = (): void => this.run((p) => p.retrieve());
  private readonly onMute = (): void => this.run((p) => p.mute());
  private readonly onUnmute = (): void => this.run((p) => p.unmute());
  private readonly onCompleteTransfer = (): void => this.run((p) => p.completeTransfer());
  private readonly onCancelConsult = (): void => this.run((p) => p.cancelConsult());
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
  private readonly onDismissError = (): void => {
    this.lastError = null;
  };
  private readonly onReasonChange = (event: Event): void => {
    this.chosenReason = (event.target as HTMLSelectElement).value;
  };
  private readonly onTargetInput = (event: Event): void => {
    this.target = (event.target as HTMLInputElement).value;
  };

  /** The reason picked in the list, or the first one (also after the page replaced the list). */
  private selectedReason(): string {
    return this.breakReasons.includes(this.chosenReason) ? this.chosenReason : (this.breakReasons[0] ?? '');
  }

  // ---- Rendering ----

  protected override render(): TemplateResult {
    const t = this.localize.t;
    const view = this.agent.value;
    return html`
      <div part="base" class="base">
        ${this.audio}
        <div class="visually-hidden" aria-live="assertive" aria-atomic="true">${this.announcement}</div>
        ${this.noHeader ? nothing : this.renderHeader(view, t)} ${this.renderError(t)}
        <div class="body">${this.renderBody(view, t)}</div>
      </div>
    `;
  }

  private renderHeader(view: WorkbenchView, t: CcTranslation): TemplateResult {
    const name = text(this.displayName) || userPart(text(this.sipUri));
    const letters = initials(name);
    const reason =
      view.code === STATUS.break && view.breakReason && view.breakReason !== 'default'
        ? breakReasonLabel(t, view.breakReason)
        : '';
    return html`
      <header part="header" class="header">
        <div class="identity">
          <span class="avatar" aria-hidden="true">${letters || icon(ICON.phone)}</span>
          <div class="who">
            <span class="name">${name}</span>
            <span part="status" class="status" data-tone=${toneOf(view.code)}>
              <span class="dot" aria-hidden="true"></span>
              <span class="status-label">${t.status[view.code]}</span>
              ${reason ? html`<span class="reason">${reason}</span>` : nothing}
              <span class="status-code">${view.code}</span>
            </span>
          </div>
        </div>
        ${this.currentPhone ? this.renderAgentActions(view, t) : nothing}
      </header>
    `;
  }

  private renderAgentActions(current: WorkbenchView, t: CcTranslation): TemplateResult | typeof nothing {
    const view = this.agentView(current);
    const busy = current.ctiPending;
    // aria-disabled rather than disabled: a disabled button drops keyboard focus to <body>.
    const off = busy ? 'true' : nothing;
    const canLogIn = can(view, 'agent.register') || can(view, 'agent.login');
    const canReady = can(view, 'agent.ready') && view.code !== STATUS.afterCall;
    const canBreak = can(view, 'agent.break') && view.code !== STATUS.break;
    const canLogOut = can(view, 'agent.logout');
    if (!canLogIn && !canReady && !canBreak && !canLogOut) return nothing;
    const chosen = this.selectedReason();
    return html`
      <div part="actions" class="actions" role="group" aria-label=${t.label.agentActions} aria-busy=${busy ? 'true' : 'false'}>
        ${canLogIn ? html`<button class="btn primary" aria-disabled=${off} @click=${this.onLogIn}>${t.action.logIn}</button>` : nothing}
        ${canReady ? html`<button class="btn primary" aria-disabled=${off} @click=${this.onReady}>${t.action.ready}</button>` : nothing}
        ${canBreak
          ? html`<span class="break">
              <select aria-label=${t.label.breakReason} aria-disabled=${off} @change=${this.onReasonChange}>
                ${this.breakReasons.map(
                  (reason) =>
                    html`<option value=${reason} ?selected=${reason === chosen}>${breakReasonLabel(t, reason)}</option>`,
                )}
              </select>
              <button class="btn" aria-disabled=${off} @click=${this.onBreak}>${t.action.break}</button>
            </span>`
          : nothing}
        ${canLogOut
          ? html`<button class="btn ghost" aria-disabled=${off} @click=${this.onLogOut}>${t.action.goOffline}</button>`
          : nothing}
      </div>
    `;
  }

  private renderError(t: CcTranslation): TemplateResult | typeof nothing {
    const error = this.lastError;
    if (!error) return nothing;
    return html`
      <div part="error" class="alert" role="alert">
        ${icon(ICON.alert)}
        <div class="alert-body">
          <div class="alert-title">
            <span class="code">${error.errorCode}</span><span>${errorLabel(t, error.errorCode)}</span>
          </div>
          <div class="alert-detail">${error.errorMsg}</div>
        </div>
        <button class="icon-btn" aria-label=${t.action.dismiss} @click=${this.onDismissError}>${icon(ICON.close)}</button>
      </div>
    `;
  }

  private renderBody(view: WorkbenchView, t: CcTranslation): TemplateResult {
    if (this.configIssues.length > 0) {
      return html`
        <div part="config-error" class="panel config-error" role="alert">
          ${icon(ICON.alert, 'panel-icon')}
          <h2 class="panel-title">${t.message.configErrorTitle} <span class="code">${ERROR.configInvalid}</span></h2>
          <ul class="issues">
            ${this.configIssues.map((issue) => html`<li>${t.message.badValue(issue.name, issue.value)}</li>`)}
          </ul>
          <p class="panel-text">${t.message.configErrorHint}</p>
        </div>
      `;
    }
    if (!this.currentPhone) {
      return html`
        <div class="panel">
          ${icon(ICON.phone, 'panel-icon')}
          <h2 class="panel-title">${t.message.notConfiguredTitle}</h2>
          <p class="panel-text">${t.message.notConfigured}</p>
        </div>
      `;
    }
    const hint =
      view.code === STATUS.break
        ? t.message.breakHint
        : view.code === STATUS.unregistered || view.code === STATUS.offline
          ? t.message.loggedOutHint
          : '';
    const cti = this.ctiParts;
    return html`
      ${view.onCall ? this.renderCall(view, t) : nothing}
      ${view.code === STATUS.afterCall ? this.renderAfterCall(view, t) : nothing}
      ${hint ? html`<p class="hint">${hint}</p>` : nothing}
      ${view.onCall
        ? nothing
        : html`${cti && view.code >= STATUS.break ? cti.renderCallerId(t) : nothing}${this.renderDialpad()}${cti
            ? cti.renderRecentCalls(t)
            : nothing}`}
    `;
  }

  private renderDialpad(): TemplateResult {
    return html`<cc-dialpad
      part="dialpad"
      lang=${this.localize.lang}
      .phone=${this.currentPhone}
      .callerId=${this.ctiParts?.callerId ?? ''}
    ></cc-dialpad>`;
  }

  private renderCall(view: WorkbenchView, t: CcTranslation): TemplateResult {
    const call = view.call;
    const party = call ? partyOf(call) : { name: '', number: '' };
    const title = party.name || party.number || t.label.unknownParty;
    const since = call ? (call.answeredAt ?? call.startedAt) : null;
    const ringing = view.code === STATUS.ringing;
    return html`
      <section part="call-panel" class="call" ?data-ringing=${ringing} aria-labelledby="call-party">
        <div class="call-head">
          <span class="call-state">${t.status[view.code]}</span>
          ${since === null
            ? nothing
            : html`<span part="timer" class="timer" role="timer" aria-label=${t.label.duration}
                >${formatDuration(view.now() - since)}</span
              >`}
        </div>
        <div class="party">
          <span class="avatar big" aria-hidden="true">${initials(party.name) || icon(ICON.phone)}</span>
          <div class="party-name" id="call-party">${title}</div>
          ${party.name && party.number ? html`<div class="party-number">${party.number}</div>` : nothing}
          ${call?.held && view.consult
            ? html`<div class="badge held">${icon(ICON.pause)}${t.status[STATUS.hold]}</div>`
            : nothing}
          ${call?.muted ? html`<div class="badge">${icon(ICON.micOff)}${t.label.muted}</div>` : nothing}
        </div>
        ${view.consult ? this.renderConsult(view, view.consult, t) : nothing}
        ${view.transferTarget && !view.consult
          ? html`<p class="note">${t.message.transferring(view.transferTarget)}</p>`
          : nothing}
        ${view.connected ? this.renderControls(view, t) : nothing}
        ${view.connected && this.keypadOpen ? this.renderDialpad() : nothing}
        <div class="call-actions">
          ${can(view, 'call.answer')
            ? html`<button part="answer-button" class="btn success big" @click=${this.onAnswer}>
                ${icon(ICON.phone)}${t.action.answer}
              </button>`
            : nothing}
          ${can(view, 'call.hangup')
            ? html`<button part="hangup-button" class="btn danger big" @click=${this.onHangUp}>
                ${icon(ICON.phone, 'icon hangup')}${t.action.hangUp}
              </button>`
            : nothing}
        </div>
      </section>
    `;
  }

  private renderControls(view: WorkbenchView, t: CcTranslation): TemplateResult {
    const muted = view.call?.muted === true;
    const canTransfer = can(view, 'call.transfer');
    const canConsult = can(view, 'call.consult');
    const empty = !this.target.trim();
    return html`
      <div class="controls" role="group" aria-label=${t.label.callControls}>
        ${can(view, 'call.mute')
          ? muted
            ? html`<button class="tile on" @click=${this.onUnmute}>${icon(ICON.micOff)}${t.action.unmute}</button>`
            : html`<button class="tile" @click=${this.onMute}>${icon(ICON.mic)}${t.action.mute}</button>`
          : nothing}
        ${can(view, 'call.hold')
          ? html`<button class="tile" @click=${this.onHold}>${icon(ICON.pause)}${t.action.hold}</button>`
          : can(view, 'call.retrieve') && !view.consult
            ? html`<button class="tile on" @click=${this.onRetrieve}>${icon(ICON.play)}${t.action.resume}</button>`
            : nothing}
        <button class="tile ${this.keypadOpen ? 'on' : ''}" aria-expanded=${this.keypadOpen} @click=${this.onToggleKeypad}>
          ${icon(ICON.keypad)}${t.action.keypad}
        </button>
      </div>
      ${(canTransfer || canConsult) && !this.keypadOpen
        ? html`<div class="transfer">
            <label class="field-label" for="transfer-target">${t.label.transferTarget}</label>
            <input
              id="transfer-target"
              type="tel"
              autocomplete="off"
              list=${this.ctiParts ? 'transfer-targets' : nothing}
              placeholder=${t.label.transferPlaceholder}
              .value=${this.target}
              @input=${this.onTargetInput}
            />
            ${this.ctiParts ? this.ctiParts.renderTransferTargets(t) : nothing}
            <div class="transfer-row">
              ${canTransfer
                ? html`<button class="btn" ?disabled=${empty} @click=${this.onTransfer}>
                    ${icon(ICON.transfer)}${t.action.transfer}
                  </button>`
                : nothing}
              ${canConsult
                ? html`<button class="btn" ?disabled=${empty} @click=${this.onConsult}>
                    ${icon(ICON.consult)}${t.action.consult}
                  </button>`
                : nothing}
            </div>
          </div>`
        : nothing}
    `;
  }

  private renderConsult(view: WorkbenchView, consult: CallInfo, t: CcTranslation): TemplateResult {
    const since = consult.answeredAt ?? consult.startedAt;
    return html`
      <div class="consult" role="group" aria-label=${t.label.consultLeg}>
        <div class="consult-info">
          <span class="avatar small" aria-hidden="true">${icon(ICON.consult)}</span>
          <span class="consult-party">${consult.remoteName || consult.callee}</span>
          <span class="consult-time">${formatDuration(view.now() - since)}</span>
        </div>
        <div class="consult-actions">
          ${can(view, 'call.completeTransfer')
            ? html`<button class="btn primary" @click=${this.onCompleteTransfer}>${t.action.completeTransfer}</button>`
            : nothing}
          ${can(view, 'call.cancelConsult')
            ? html`<button class="btn" @click=${this.onCancelConsult}>${t.action.cancelConsult}</button>`
            : nothing}
        </div>
      </div>
    `;
  }

  private renderAfterCall(view: WorkbenchView, t: CcTranslation): TemplateResult {
    const remaining =
      view.afterCallEndsAt === null ? null : Math.max(0, Math.ceil((view.afterCallEndsAt - view.now()) / 1000));
    const total = typeof view.afterCallSeconds === 'number' ? view.afterCallSeconds : 0;
    const share = remaining === null || total <= 0 ? 0 : Math.min(1, remaining / total);
    return html`
      <section part="after-call" class="after-call" aria-labelledby="after-call-title">
        <h2 class="after-call-title" id="after-call-title">${t.message.afterCallTitle}</h2>
        <p class="countdown">
          ${remaining === null ? t.message.afterCallManual : t.message.afterCallCountdown(remaining)}
        </p>
        ${remaining === null
          ? nothing
          : html`<div class="progress" aria-hidden="true"><span style="inline-size: ${share * 100}%"></span></div>`}
        ${can(this.agentView(view), 'agent.ready')
          ? html`<button
              class="btn primary block"
              aria-disabled=${view.ctiPending ? 'true' : nothing}
              aria-busy=${view.ctiPending ? 'true' : 'false'}
              @click=${this.onReady}
            >
              ${t.action.ready}
            </button>`
          : nothing}
      </section>
    `;
  }
}
