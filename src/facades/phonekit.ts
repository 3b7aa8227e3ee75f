/**
 * PhoneKit (reference 004, "电话工具包 JS SDK") on cc-workbench: `window.PhoneKit` with
 * `initial`, `login`, `logout`, `ready`, `pause`, `callOut`, `hangup`, `bridge`, `holdCall`,
 * `retrieveCall`, each answering `callback({ statusCode, statusMsg })` ("00000" = success), and
 * the callbacks `onCallEvent`, `onStatusEvent` and `onConnEvent` with the reference's fields.
 *
 * `initial` signs in to the CTI API with `agentNo` / `pwd`, reads GetLoginDetails and mounts a
 * `<cc-workbench>`: in place of the reference's UI bar (`<iframe id="pbFrame">`) when the page has
 * one, else hidden (a page without the bar uses the SDK alone). `login({ phoneType: 3 })` registers
 * it and logs in. Everything goes through the element's public API (README). Row by row:
 * `phonekit-declarations.ts` and docs/migration-phonekit.md.
 */
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import type { AgentView } from '../../machines/agent-selectors.js';
import type { CcCallDetail } from '../events/call-detail.js';
import type { CcCallReleasedDetail } from '../events/cc-call-released-event.js';
import type { CcStatusChangeDetail } from '../events/cc-status-change-event.js';
import type { PhoneApi } from '../phone-api.js';
import { CcFacadeError, CcSignInError, callHook, command, createWorkbench, ctiTransport, developmentError, errorInfo, listen, loadWorkbench, loginDetails, notApplicable, requireFunctions, revokeToken, signIn } from './facade-core.js';

const OK = '00000';

/** The reference's callbacks, in `initial`'s params. */
export const HOOKS = ['onStatusEvent', 'onCallEvent', 'onConnEvent'] as const;
export const CALL_EVENT_NAMES = ['initiated', 'ringing', 'answered', 'completed', 'failed'] as const;
export const STATUS_EVENT_NAMES = ['login', 'pause', 'ready', 'autoReady', 'completed'] as const;
/** `onStatusEvent` names we add (declared as extensions). */
export const EXTENSION_STATUS_EVENT_NAMES = ['logout'] as const;
export const CONN_EVENTS = ['connected', 'disconnected', 'connect_fail', 'auth_fail', 'auth_succ'] as const;
export const FAILED_CAUSES = ['failed', 'no-answer', 'canceled', 'time-out'] as const;

export type PhoneKitCallEventName = (typeof CALL_EVENT_NAMES)[number];
export type PhoneKitStatusEventName = (typeof STATUS_EVENT_NAMES)[number] | (typeof EXTENSION_STATUS_EVENT_NAMES)[number];
export type PhoneKitConnEvent = (typeof CONN_EVENTS)[number];
export type PhoneKitFailedCause = (typeof FAILED_CAUSES)[number];

/** What every method's callback gets. */
export interface PhoneKitResponse<D = undefined> {
  /** `"00000"` on success; else our error code as a string (README "Error codes"). */
  readonly statusCode: string;
  readonly statusMsg: string;
  readonly data?: D;
}

export type PhoneKitCallback<D = undefined> = (resp: PhoneKitResponse<D>) => void;

/** `initial`'s `resp.data`. */
export interface PhoneKitInitialData {
  /** Always 3 (WebPhone): the browser softphone is the agent's device. */
  readonly phoneType: number;
  /** The call center's view of the agent: 0 logged out, 1 ready, 2 not ready. */
  readonly workStatus: 0 | 1 | 2;
  readonly pstnNumber: string;
  /** The agent's extension. */
  readonly sipNumber: string;
  /** Never returned: the page already has it, and the CTI API never hands out SIP passwords. */
  readonly sipPwd: string;
  /** The SIP WebSocket URL the softphone registers at. */
  readonly wsAddr: string;
}

/** `onCallEvent(data)`. */
export interface PhoneKitCallEvent {
  readonly eventName: PhoneKitCallEventName;
  readonly appSid: string;
  readonly agentNo: string;
  readonly agentNumber: string;
  /** The call center's id for the call (job id); the SIP Call-ID for a call the agent dialled. */
  readonly conversationSid: string;
  /** The SIP Call-ID of the agent's leg. */
  readonly callSid: string;
  readonly failedCause: PhoneKitFailedCause | '';
  /** The reference's only value, `time-limit`, has no counterpart: always ''. */
  readonly completedCause: '';
  /** 1 dialled inbound, 3 dialled outbound, 4 click-to-call (a CTI MakeCall leg); 2 never. */
  readonly callType: '1' | '2' | '3' | '4';
  /** 1 calling the user, 2 calling the agent, 3 transfer, 5 consultation out; 4 never (Q4-11). */
  readonly callSubtype: '1' | '2' | '3' | '4' | '5';
  readonly callState: 'idle' | 'ringing' | 'connected';
  readonly userNumber: string;
  /** 2 for a Chinese mobile number, else 1. */
  readonly userNumberType: '1' | '2';
  readonly userArea: string;
  /** `"1"` on `answered`, '' otherwise. */
  readonly isBridged: '' | '1';
  readonly coAgentNo: string;
  readonly userData: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

/** `onStatusEvent(data)`. */
export interface PhoneKitStatusEvent {
  readonly eventName: PhoneKitStatusEventName;
  readonly appSid: string;
  readonly agentNo: string;
  /** `offline` only with our `logout` event. */
  readonly workStatus: 'ready' | 'pause' | 'offline';
  readonly pauseCause: string;
  /** Seconds of after-call work when `pauseCause` is `wrapup` (0 when it ends only by `ready()`); else 0. */
  readonly wrapupTime: number;
  readonly readyCause: string;
  readonly timestamp: number;
}

export interface PhoneKitInitialParams {
  /** The CTI API (URL or path); default `<page origin>/api/ccc`. */
  readonly url?: string;
  readonly appSid?: string;
  readonly agentNo: string | number;
  readonly pwd: string;
  /** Accepted and ignored (the vendor's scheme is undocumented). */
  readonly encryptNumber?: string | boolean;
  readonly onStatusEvent?: (data: PhoneKitStatusEvent) => void;
  readonly onCallEvent?: (data: PhoneKitCallEvent) => void;
  readonly onConnEvent?: (connEvent: PhoneKitConnEvent) => void;
  /** cc-workbench extension: where the workbench goes (an element or a selector). */
  readonly container?: Element | string | null;
  /** cc-workbench extension: after-call work in seconds, or 'manual' (default 15). */
  readonly afterCall?: number | 'manual';
}

export interface PhoneKitLoginParams {
  /** 1 SIP phone, 2 PSTN phone (both not applicable), 3 WebPhone. */
  readonly phoneType: number | string;
  /** 1 ready (default), 2 not ready. */
  readonly workStatus?: number | string;
}

export interface PhoneKitPauseParams {
  readonly pauseCause?: string;
}

export interface PhoneKitCallOutParams {
  readonly userNumber: string | number;
  /** Up to 256 letters, digits or -_.:=,; (carried as `X-CC-User-Data`). */
  readonly userData?: string;
}

export interface PhoneKitDtmfParams {
  readonly digits: string;
}

export interface PhoneKitTransferParams {
  /** An agent number or a phone number. */
  readonly target: string | number;
}

/** `window.PhoneKit`. Every method also returns a promise (already handled: ignoring it is fine). */
export interface PhoneKitApi {
  initial(params: PhoneKitInitialParams, callback?: PhoneKitCallback<PhoneKitInitialData>): Promise<PhoneKitInitialData>;
  login(params: PhoneKitLoginParams, callback?: PhoneKitCallback): Promise<void>;
  logout(callback?: PhoneKitCallback): Promise<void>;
  ready(callback?: PhoneKitCallback): Promise<void>;
  pause(params?: PhoneKitPauseParams | PhoneKitCallback, callback?: PhoneKitCallback): Promise<void>;
  callOut(params: PhoneKitCallOutParams, callback?: PhoneKitCallback): Promise<void>;
  hangup(callback?: PhoneKitCallback): Promise<void>;
  bridge(callback?: PhoneKitCallback): Promise<void>;
  holdCall(callback?: PhoneKitCallback): Promise<void>;
  retrieveCall(callback?: PhoneKitCallback): Promise<void>;
  /** Extension: DTMF on the call. */
  sendDTMF(params: PhoneKitDtmfParams, callback?: PhoneKitCallback): Promise<void>;
  /** Extension: blind transfer. */
  transfer(params: PhoneKitTransferParams, callback?: PhoneKitCallback): Promise<void>;
  /** Extension: removes the workbench and revokes the CTI token. */
  destroy(): Promise<void>;
  /** Extension: the `<cc-workbench>`, null before `initial`. */
  readonly workbench: CcWorkbench | null;
}

declare global {
  interface Window {
    PhoneKit?: PhoneKitApi;
  }
}

type Json = Record<string, unknown>;

/** A bad argument: 7101 naming the method and the argument. */
function invalid(method: string, message: string): CcFacadeError {
  return new CcFacadeError(7101, `PhoneKit.${method}(): ${message}`);
}

function paramsOf(method: string, params: unknown, required: boolean): Json {
  if (params === undefined || params === null) {
    if (required) throw invalid(method, 'params (an object) is required');
    return {};
  }
  if (typeof params !== 'object' || Array.isArray(params)) throw invalid(method, `params must be an object, got ${typeof params}`);
  return params as Json;
}

/** A string parameter (numbers accepted: agent and phone numbers are often numbers in host code). */
function textOf(method: string, params: Json, name: string, required: boolean): string {
  const value = params[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw invalid(method, `params.${name} is required`);
    return '';
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw invalid(method, `params.${name} must be a string, got ${typeof value}`);
  return value.trim();
}

function checkCallback(method: string, callback: unknown): void {
  if (callback !== undefined && callback !== null && typeof callback !== 'function') throw developmentError(`PhoneKit.${method}(): callback must be a function`);
}

/** Calls the page's callback; one that throws must not break the facade. */
function reply<D>(callback: unknown, resp: PhoneKitResponse<D>): void {
  callHook({ callback }, 'callback', resp);
}

function failure(error: unknown): PhoneKitResponse<never> {
  const { errorCode, errorMsg } = errorInfo(error);
  return { statusCode: String(errorCode), statusMsg: errorMsg };
}

/**
 * Runs a method the reference's way: the callback hears the result ("00000" or our error code);
 * the promise is returned too, handled, so code that ignores it gets no unhandled rejection.
 */
function run<T, D = undefined>(callback: unknown, work: () => Promise<T>, dataOf?: (value: T) => D): Promise<T> {
  return command(
    async () => {
      const value = await work();
      reply<D>(callback, { statusCode: OK, statusMsg: 'success', ...(dataOf ? { data: dataOf(value) } : {}) });
      return value;
    },
    (error) => reply(callback, failure(error)),
  );
}

/** The reference's `userNumberType`: 2 for a Chinese mobile number, else 1 (fixed line). */
function numberType(number: string): '1' | '2' {
  return /^(\+?86)?1[3-9]\d{9}$/.test(number.replace(/[\s-]/g, '')) ? '2' : '1';
}

/** `failedCause` from the release's cause (README: "local hang-up" or the SIP cause) and `missed`. */
function failedCauseOf(cause: string, missed: boolean): PhoneKitFailedCause {
  if (missed || /no answer|\b480\b/i.test(cause)) return 'no-answer';
  if (/local hang-up|cancel|\b487\b/i.test(cause)) return 'canceled';
  if (/time-?out|expires|\b408\b/i.test(cause)) return 'time-out';
  return 'failed';
}

/** The call center's UserState as `initial`'s `workStatus`. */
function workStatusOf(userState: unknown): 0 | 1 | 2 {
  if (userState === 'READY') return 1;
  if (userState === 'OFFLINE' || userState === undefined || userState === null || userState === '') return 0;
  return 2;
}

/** What PhoneKit calls the agent's work status, by our status code; null during calls (it does not change then). */
type Work = 'offline' | 'ready' | 'pause' | 'wrapup';
function workOf(code: number): Work | null {
  if (code <= 1) return 'offline';
  if (code === 2) return 'pause';
  if (code === 3) return 'ready';
  if (code === 5) return 'wrapup';
  return null;
}

/**
 * The CTI sign-in, told apart the way `onConnEvent` needs: unreachable (`connect_fail`) or
 * refused (`connected`, then `auth_fail`).
 */
async function signInReporting(ctiUrl: string, agentNo: string, pwd: string, conn: (event: PhoneKitConnEvent) => void): Promise<string> {
  let token: string;
  try {
    token = await signIn(ctiUrl, agentNo, pwd);
  } catch (error) {
    if (error instanceof CcSignInError && error.reason === 'refused') {
      conn('connected');
      conn('auth_fail');
      throw new CcFacadeError(7200, `PhoneKit.initial(): the CTI server refused agent ${agentNo}: ${error.errorMsg}`);
    }
    conn('connect_fail');
    throw new CcFacadeError(7200, `PhoneKit.initial(): the CTI server could not be reached (${errorInfo(error).errorMsg})`);
  }
  conn('connected');
  conn('auth_succ');
  return token;
}

/** One call leg as PhoneKit reports it; keyed by the workbench's own id for the leg (stable from dial to end). */
interface Leg {
  detail: CcCallDetail;
  readonly callType: PhoneKitCallEvent['callType'];
  readonly callSubtype: PhoneKitCallEvent['callSubtype'];
  readonly userNumber: string;
  coAgentNo: string;
  rang: boolean;
  answered: boolean;
}

interface Mount {
  readonly container: Element;
  readonly visible: boolean;
  /** Undoes what mounting changed in the page (the bar's iframe hidden, our slot added). */
  readonly restore: () => void;
}

/** Where the workbench goes: the page's choice, else the reference's UI bar iframe, else hidden in <body>. */
async function mountPoint(container: unknown): Promise<Mount> {
  if (document.readyState === 'loading') await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
  if (container !== undefined && container !== null) {
    const found = typeof container === 'string' ? document.querySelector(container) : container instanceof Element ? container : null;
    if (!found) throw invalid('initial', `params.container must be an element or a selector of one (got ${String(container).slice(0, 60)})`);
    return { container: found, visible: true, restore: () => undefined };
  }
  const frame = document.getElementById('pbFrame');
  if (frame instanceof HTMLIFrameElement) {
    // The vendor's template.html is the bar's UI; ours is the workbench, shown where the bar was.
    const slot = document.createElement('div');
    slot.className = 'phonekit-bar';
    frame.before(slot);
    const wasHidden = frame.hidden;
    frame.hidden = true;
    return {
      container: slot,
      visible: true,
      restore: () => {
        slot.remove();
        frame.hidden = wasHidden;
      },
    };
  }
  return { container: document.body, visible: false, restore: () => undefined };
}

/** Resolves with the element's phone once it exists (the phone module loads after the first paint). */
function phoneOf(el: CcWorkbench, timeoutMs: number): Promise<PhoneApi> {
  if (el.phone) return Promise.resolve(el.phone);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new CcFacadeError(7100, `PhoneKit.initial(): the workbench created no phone within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const stop = listen(el, {
      'cc-init': (event) => {
        clearTimeout(timer);
        stop();
        resolve(event.detail.phone);
      },
      'cc-error': (event) => {
        if (event.detail.errorCode !== 7100) return;
        clearTimeout(timer);
        stop();
        reject(new CcFacadeError(7100, `PhoneKit.initial(): ${event.detail.errorMsg}`));
      },
    });
  });
}

/** One `initial()`: its workbench, its callbacks and what the events need to remember. */
class CcPhoneKitSession {
  readonly started: Promise<PhoneKitInitialData>;
  el: CcWorkbench | null = null;
  private readonly hooks: Json;
  private readonly appSid: string;
  private readonly agentNo: string;
  private readonly ctiUrl: string;
  private extension = '';
  private token = '';
  private closed = false;
  private mount: Mount | null = null;
  private readonly offs: (() => void)[] = [];
  private viewsOff: (() => void) | null = null;
  private readonly legs = new Map<string, Leg>();
  private work: Work = 'offline';
  private pauseCause = '';
  private afterCallEndsAt: number | null = null;
  private loggingIn = false;
  private readyAsked = false;
  private pauseAsked = false;
  private connectionLost = false;

  /** `previous`: ends the session this one replaces, before this one signs in. */
  constructor(params: Json, pwd: string, previous: () => Promise<void>) {
    this.hooks = { onStatusEvent: params['onStatusEvent'], onCallEvent: params['onCallEvent'], onConnEvent: params['onConnEvent'] };
    this.appSid = textOf('initial', params, 'appSid', false);
    this.agentNo = textOf('initial', params, 'agentNo', true);
    const url = textOf('initial', params, 'url', false);
    if (/^wss?:/i.test(url)) throw invalid('initial', `params.url must be the CTI API's http(s) URL or path, got ${url}`);
    this.ctiUrl = url || `${location.origin}/api/ccc`;
    const afterCall = params['afterCall'];
    if (afterCall !== undefined && afterCall !== 'manual' && !(typeof afterCall === 'number' && Number.isInteger(afterCall) && afterCall >= 0)) {
      throw invalid('initial', `params.afterCall must be whole seconds or "manual", got ${JSON.stringify(afterCall)}`);
    }
    if (params['encryptNumber'] === true || params['encryptNumber'] === 'true') {
      console.warn('PhoneKit.initial(): encryptNumber is not supported by cc-workbench (the vendor\'s scheme is not documented); numbers are used as given');
    }
    this.started = this.start(pwd, params['container'], afterCall as number | 'manual' | undefined, previous);
  }

  private async start(pwd: string, container: unknown, afterCall: number | 'manual' | undefined, previous: () => Promise<void>): Promise<PhoneKitInitialData> {
    const loading = loadWorkbench();
    // Awaited below; until then its failure must not count as unhandled.
    loading.catch(() => undefined);
    await previous();
    const token = await signInReporting(this.ctiUrl, this.agentNo, pwd, (event) => this.conn(event));
    if (this.closed) void revokeToken(this.ctiUrl, token);
    else this.token = token;
    const headers = { Authorization: `Bearer ${token}` };
    const common = this.appSid ? { InstanceId: this.appSid } : {};
    const details = await loginDetails(ctiTransport(this.ctiUrl, headers), { ...common, UserId: this.agentNo });
    this.extension = details.extension || this.agentNo;
    await loading;
    const mount = await mountPoint(container);
    if (this.closed) {
      mount.restore();
      throw new CcFacadeError(7100, 'PhoneKit.initial(): replaced by a later initial() or destroy()');
    }
    this.mount = mount;
    // Properties before attributes (facade-core createWorkbench): the token must be there when the phone is built.
    const el = createWorkbench(
      mount.container,
      {
        cti: this.ctiUrl,
        'display-name': details.displayName || null,
        'after-call': afterCall === undefined ? null : String(afterCall),
        hidden: !mount.visible,
        server: details.sipServerUrl,
        'sip-uri': details.sipUri,
      },
      { password: pwd, ctiHeaders: headers, ctiCommon: common },
    );
    this.el = el;
    this.bind(el);
    const phone = await phoneOf(el, 15_000);
    // bind() watches each phone the element creates (cc-init); this one may have come first.
    if (!this.viewsOff) this.watch(phone);
    return {
      phoneType: 3,
      workStatus: workStatusOf(details.data['UserState']),
      pstnNumber: '',
      sipNumber: this.extension,
      sipPwd: '',
      wsAddr: details.sipServerUrl,
    };
  }

  /** The element, once `initial` succeeded; `method` names the caller in the error. */
  async workbench(method: string): Promise<CcWorkbench> {
    try {
      await this.started;
    } catch (error) {
      throw new CcFacadeError(7100, `PhoneKit.${method}(): PhoneKit.initial() failed: ${errorInfo(error).errorMsg}`);
    }
    if (this.closed || !this.el) throw new CcFacadeError(7100, `PhoneKit.${method}(): PhoneKit was destroyed; call PhoneKit.initial() again`);
    return this.el;
  }

  async login(params: Json): Promise<void> {
    const raw = params['phoneType'];
    const phoneType = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (phoneType === undefined || phoneType === null) throw invalid('login', 'params.phoneType is required (3: WebPhone)');
    if (phoneType !== 1 && phoneType !== 2 && phoneType !== 3) throw invalid('login', `params.phoneType must be 1, 2 or 3, got ${JSON.stringify(raw)}`);
    const rawWork = params['workStatus'];
    const workStatus = rawWork === undefined || rawWork === null || rawWork === '' ? 1 : typeof rawWork === 'string' ? Number(rawWork) : rawWork;
    if (workStatus !== 1 && workStatus !== 2) throw invalid('login', `params.workStatus must be 1 (ready) or 2 (not ready), got ${JSON.stringify(rawWork)}`);
    if (phoneType === 1) {
      await notApplicable('PhoneKit', 'login', 'phoneType 1 (an external SIP phone) needs the vendor\'s platform to ring that phone for the agent; the agent\'s device is the browser softphone: use phoneType 3');
    }
    if (phoneType === 2) {
      await notApplicable('PhoneKit', 'login', 'phoneType 2 (a PSTN phone bound to the agent) needs the vendor\'s platform to call that number; the agent\'s device is the browser softphone: use phoneType 3');
    }
    const el = await this.workbench('login');
    this.loggingIn = true;
    try {
      if (el.getStatusCode().code < 1) await el.register();
      await el.logIn();
      if (workStatus === 2) await el.applyForBreak();
    } finally {
      this.loggingIn = false;
    }
    const code = el.getStatusCode().code;
    this.status('login', code === 3 ? 'ready' : 'pause', { pauseCause: code === 3 ? '' : this.pauseCause });
  }

  async ready(): Promise<void> {
    const el = await this.workbench('ready');
    this.readyAsked = true;
    try {
      await el.ready();
    } finally {
      this.readyAsked = false;
    }
  }

  async pause(pauseCause: string): Promise<void> {
    const el = await this.workbench('pause');
    this.pauseAsked = true;
    try {
      await el.applyForBreak(pauseCause || undefined);
    } finally {
      this.pauseAsked = false;
    }
  }

  /** Resolves once the call is placed (its INVITE went out); how it ends comes as `onCallEvent`. */
  async callOut(userNumber: string, userData: string): Promise<void> {
    const el = await this.workbench('callOut');
    let stop = (): void => undefined;
    const placed = new Promise<void>((resolve) => {
      stop = listen(el, { 'cc-call-dialing': () => resolve() });
    });
    const calling = el.call(userNumber, userData ? { userData } : {});
    // Failures after the INVITE went out are the call's `failed` event, not the callback's.
    calling.catch(() => undefined);
    try {
      await Promise.race([placed, calling.then(() => undefined)]);
    } finally {
      stop();
    }
  }

  async transfer(target: string): Promise<void> {
    const el = await this.workbench('transfer');
    const call = el.phone?.view.call;
    const leg = call ? this.legs.get(call.callId) : undefined;
    const before = leg?.coAgentNo;
    if (leg) leg.coAgentNo = target;
    try {
      await el.transfer(target);
    } catch (error) {
      if (leg && before !== undefined) leg.coAgentNo = before;
      throw error;
    }
  }

  /** Ends this session: listeners off, the element removed (its phone unregisters), the token revoked. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.offs.splice(0)) off();
    this.viewsOff?.();
    this.viewsOff = null;
    const el = this.el;
    const phone = el?.phone ?? null;
    el?.remove();
    this.mount?.restore();
    this.el = null;
    if (this.token) void revokeToken(this.ctiUrl, this.token);
    this.token = '';
    // The element destroys its phone a task after it left the page; wait for the registrar to be told.
    if (phone) await Promise.race([phone.closed, new Promise((resolve) => setTimeout(resolve, 3000))]);
  }

  private conn(event: PhoneKitConnEvent): void {
    if (!this.closed) callHook(this.hooks, 'onConnEvent', event);
  }

  private bind(el: CcWorkbench): void {
    // Leaving the page ends the CTI token (not when the page only goes into the back-forward cache).
    const pagehide = (event: PageTransitionEvent): void => {
      if (!event.persisted && this.token) void revokeToken(this.ctiUrl, this.token);
    };
    addEventListener('pagehide', pagehide);
    this.offs.push(() => removeEventListener('pagehide', pagehide));
    this.offs.push(
      listen(el, {
        'cc-init': (event) => this.watch(event.detail.phone),
        'cc-status-change': (event) => this.onStatus(event.detail),
        'cc-call-incoming': (event) => this.onIncoming(event.detail),
        'cc-call-dialing': (event) => this.onDialing(event.detail),
        'cc-call-established': (event) => this.onEstablished(event.detail),
        'cc-call-released': (event) => this.onReleased(event.detail),
        'cc-registered': () => {
          if (!this.connectionLost) return;
          this.connectionLost = false;
          this.conn('connected');
          this.conn('auth_succ');
        },
        'cc-registration-failed': (event) => {
          const code = event.detail.sipCode;
          this.conn(code === 401 || code === 403 ? 'auth_fail' : 'connect_fail');
        },
        'cc-error': (event) => {
          if (event.detail.errorCode !== 7006 || this.connectionLost) return;
          this.connectionLost = true;
          this.conn('disconnected');
        },
      }),
    );
  }

  /** The outgoing "ringing" (180/183) is only in the phone's view model (`call.progress`). */
  private watch(phone: PhoneApi): void {
    this.viewsOff?.();
    const subscription = phone.views.subscribe((view) => this.onView(view));
    this.viewsOff = () => subscription.unsubscribe();
  }

  private onView(view: AgentView): void {
    for (const call of [view.call, view.consult]) {
      if (!call || call.direction !== 'outbound' || (call.progress !== 180 && call.progress !== 183)) continue;
      const leg = this.legs.get(call.callId);
      if (!leg || leg.rang || leg.answered) continue;
      leg.rang = true;
      this.callEvent('ringing', leg);
    }
  }

  private onIncoming(detail: CcCallDetail): void {
    const info = detail.callContext;
    const leg: Leg = {
      detail,
      // A CTI MakeCall rings the agent's softphone first, asking it to answer by itself: click-to-call.
      callType: info.answerAfter !== undefined && info.answerAfter !== null ? '4' : '1',
      callSubtype: detail.referredBy ? '3' : '2',
      userNumber: detail.caller,
      coAgentNo: detail.referredBy || (detail.internal ? detail.caller : ''),
      rang: true,
      answered: false,
    };
    this.legs.set(info.callId, leg);
    this.callEvent('ringing', leg);
  }

  private onDialing(detail: CcCallDetail): void {
    const id = detail.callContext.callId;
    const view = this.el?.phone?.view;
    // A second leg while the customer's call exists is a consultation.
    const consult = view?.consult?.callId === id || (!!view?.call && view.call.callId !== id);
    const leg: Leg = {
      detail,
      callType: '3',
      callSubtype: consult ? '5' : '1',
      userNumber: detail.callee,
      coAgentNo: consult ? detail.callee : '',
      rang: false,
      answered: false,
    };
    this.legs.set(id, leg);
    this.callEvent('initiated', leg);
    // A 180 that came before this event was handled still counts.
    const now = this.el?.phone?.view;
    if (now) this.onView(now);
  }

  /** A leg the facade did not see start (an attended transfer's replacement call): described from its detail. */
  private legOf(detail: CcCallDetail): Leg {
    const known = this.legs.get(detail.callContext.callId);
    if (known) {
      known.detail = detail;
      return known;
    }
    const inbound = detail.direction === 'inbound';
    const leg: Leg = {
      detail,
      callType: inbound ? '1' : '3',
      callSubtype: inbound ? (detail.referredBy ? '3' : '2') : '1',
      userNumber: inbound ? detail.caller : detail.callee,
      coAgentNo: detail.referredBy,
      rang: true,
      answered: false,
    };
    this.legs.set(detail.callContext.callId, leg);
    return leg;
  }

  private onEstablished(detail: CcCallDetail): void {
    const leg = this.legOf(detail);
    leg.answered = true;
    this.callEvent('answered', leg);
  }

  private onReleased(detail: CcCallReleasedDetail): void {
    const leg = this.legOf(detail);
    this.legs.delete(detail.callContext.callId);
    if (leg.answered || detail.callContext.answeredAt !== null) this.callEvent('completed', leg);
    else this.callEvent('failed', leg, failedCauseOf(detail.cause, detail.missed));
  }

  private callEvent(eventName: PhoneKitCallEventName, leg: Leg, failedCause: PhoneKitFailedCause | '' = ''): void {
    const d = leg.detail;
    const data: PhoneKitCallEvent = {
      eventName,
      appSid: this.appSid,
      agentNo: this.agentNo,
      agentNumber: this.extension,
      conversationSid: d.jobId || d.callId,
      callSid: d.callId,
      failedCause,
      completedCause: '',
      callType: leg.callType,
      callSubtype: leg.callSubtype,
      callState: eventName === 'answered' ? 'connected' : eventName === 'completed' || eventName === 'failed' ? 'idle' : 'ringing',
      userNumber: leg.userNumber,
      userNumberType: numberType(leg.userNumber),
      userArea: '',
      isBridged: eventName === 'answered' ? '1' : '',
      coAgentNo: leg.coAgentNo,
      userData: d.userData || d.callContext.userData || '',
      timestamp: Date.now(),
    };
    callHook(this.hooks, 'onCallEvent', data);
  }

  private status(eventName: PhoneKitStatusEventName, workStatus: PhoneKitStatusEvent['workStatus'], fields: Partial<Pick<PhoneKitStatusEvent, 'pauseCause' | 'wrapupTime' | 'readyCause'>> = {}): void {
    const data: PhoneKitStatusEvent = {
      eventName,
      appSid: this.appSid,
      agentNo: this.agentNo,
      workStatus,
      pauseCause: fields.pauseCause ?? '',
      wrapupTime: fields.wrapupTime ?? 0,
      readyCause: fields.readyCause ?? '',
      timestamp: Date.now(),
    };
    callHook(this.hooks, 'onStatusEvent', data);
  }

  /** PhoneKit's work status changes only outside calls: ringing, dialling and talking leave it as it was. */
  private onStatus({ code, context }: CcStatusChangeDetail): void {
    const work = workOf(code);
    if (work === null) return;
    const before = this.work;
    const beforeCause = this.pauseCause;
    const view = this.el?.phone?.view;
    this.work = work;
    if (work === 'pause') this.pauseCause = context.breakReason ?? '';
    if (work === 'wrapup') this.afterCallEndsAt = view?.afterCallEndsAt ?? null;
    // login() reports its own outcome once done.
    if (this.loggingIn) return;
    switch (work) {
      case 'wrapup': {
        const seconds = view?.afterCallSeconds;
        this.status('completed', 'pause', { pauseCause: 'wrapup', wrapupTime: typeof seconds === 'number' ? seconds : 0 });
        return;
      }
      case 'ready': {
        if (before === 'ready' && !this.readyAsked) return;
        // The after-call timer ended it (through the CTI API, so a little after the planned end), not ready().
        const ends = this.afterCallEndsAt;
        if (before === 'wrapup' && !this.readyAsked && ends !== null && Date.now() >= ends - 1000) this.status('autoReady', 'ready', { readyCause: 'wrapup' });
        else this.status('ready', 'ready');
        return;
      }
      case 'pause':
        if (before === 'pause' && beforeCause === this.pauseCause && !this.pauseAsked) return;
        this.status('pause', 'pause', { pauseCause: this.pauseCause });
        return;
      case 'offline':
        if (before !== 'offline') this.status('logout', 'offline');
        return;
    }
  }
}

let session: CcPhoneKitSession | null = null;

function current(method: string): CcPhoneKitSession {
  if (!session) throw new CcFacadeError(7100, `PhoneKit.${method}(): call PhoneKit.initial() first`);
  return session;
}

/** A method taking only a callback that runs one workbench command. */
function simple(method: string, act: (el: CcWorkbench) => Promise<unknown>): (callback?: PhoneKitCallback) => Promise<void> {
  return (callback) => {
    checkCallback(method, callback);
    return run(callback, async () => {
      await act(await current(method).workbench(method));
    });
  };
}

/** `window.PhoneKit`: the reference's object (one per page, as the reference's). */
export const PhoneKit: PhoneKitApi = {
  initial(params, callback) {
    checkCallback('initial', callback);
    // A callback of the wrong type is a development error: thrown, as the reference would.
    if (params && typeof params === 'object') requireFunctions(params as unknown as Json, HOOKS);
    return run(
      callback,
      async () => {
        const config = paramsOf('initial', params, true);
        const pwd = config['pwd'];
        if (typeof pwd !== 'string' || pwd === '') throw invalid('initial', 'params.pwd (the agent\'s password) is required');
        // Set before the first await: a page may call login() right after initial(), without waiting.
        const previous = session;
        const next = new CcPhoneKitSession(config, pwd, () => previous?.close() ?? Promise.resolve());
        session = next;
        try {
          return await next.started;
        } catch (error) {
          await next.close();
          throw error;
        }
      },
      (data: PhoneKitInitialData) => data,
    );
  },

  login(params, callback) {
    checkCallback('login', callback);
    return run(callback, () => current('login').login(paramsOf('login', params, true)));
  },

  logout: simple('logout', (el) => el.logOut().then(() => el.unregister())),

  ready(callback) {
    checkCallback('ready', callback);
    return run(callback, () => current('ready').ready());
  },

  pause(params, callback) {
    // The reference's signature is pause(params, callback); a page may pass only the callback.
    const [given, answer] = typeof params === 'function' && callback === undefined ? [undefined, params] : [params, callback];
    checkCallback('pause', answer);
    return run(answer, () => current('pause').pause(textOf('pause', paramsOf('pause', given, false), 'pauseCause', false)));
  },

  callOut(params, callback) {
    checkCallback('callOut', callback);
    return run(callback, async () => {
      const config = paramsOf('callOut', params, true);
      const userNumber = textOf('callOut', config, 'userNumber', true);
      const userData = config['userData'];
      if (userData !== undefined && userData !== null && typeof userData !== 'string') throw invalid('callOut', `params.userData must be a string, got ${typeof userData}`);
      await current('callOut').callOut(userNumber, userData ?? '');
    });
  },

  hangup: simple('hangup', (el) => el.hangUp()),
  bridge: simple('bridge', (el) => el.answer()),
  holdCall: simple('holdCall', (el) => el.hold()),
  retrieveCall: simple('retrieveCall', (el) => el.retrieve()),

  sendDTMF(params, callback) {
    checkCallback('sendDTMF', callback);
    return run(callback, async () => {
      const digits = textOf('sendDTMF', paramsOf('sendDTMF', params, true), 'digits', true);
      await (await current('sendDTMF').workbench('sendDTMF')).sendDtmf(digits);
    });
  },

  transfer(params, callback) {
    checkCallback('transfer', callback);
    return run(callback, () => current('transfer').transfer(textOf('transfer', paramsOf('transfer', params, true), 'target', true)));
  },

  async destroy() {
    const ending = session;
    session = null;
    await ending?.close();
  },

  get workbench() {
    return session?.el ?? null;
  },
};

// The reference's page calls `PhoneKit.xxx` on the global once the script ran.
window.PhoneKit = PhoneKit;
