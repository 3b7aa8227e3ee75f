/**
 * Facade of reference 003, the Emic JsSIP phonebar (npm `jssip-emicnet/dist/phonebar`, SDK 1.x):
 * the object `phonebar` (also the module's default export and `window.phonebar`) and the bare
 * global functions the reference's examples call (`getUser(...)`, `answerPBXCall(...)`, ...).
 * It runs a page written for Emic's cloud against any SIP PBX with a CTI API, through one
 * `<cc-workbench>` driven by its public API only.
 *
 * The Emic SDK has no UI: the workbench is mounted out of sight (it holds the registration,
 * the media and the ring tone) unless the page gives a container with `phonebar.config()`.
 * Declarations (what each reference row does here): ./emic-phonebar-declarations.ts; the
 * migration page: docs/migration-emic-phonebar.md.
 */
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import type { CallInfo, StatusCode } from '../../machines/agent-types.js';
import type { CtiResponse } from '../cti/cti-client.js';
import type { CcCallDetail } from '../events/call-detail.js';
import { CcFacadeError, callHook, command, createWorkbench, ctiTransport, errorInfo, listen, loadWorkbench, loginDetails, notApplicable, requireFunctions, revokeToken, signIn } from './facade-core.js';
import type { LoginDetails } from './facade-core.js';

const SDK = 'phonebar';

/** The callbacks of `init(params, eventCallback)`, as the reference names them. */
export const CALLBACKS = ['register', 'callEvent', 'kickedOffLine', 'statusChanged', 'repCallStatus'] as const;
/** The `type` values `callEvent(type, data)` receives. */
export const CALL_EVENT_TYPES = ['callinResponse', 'calloutResponse', 'callinFaildResponse', 'newPBXCall', 'cancelPBXCall', 'answeredPBXCall', 'endPBXCall'] as const;
/** The functions the reference's examples call without `phonebar.` (defined on `window` unless the page has its own). */
export const BARE_GLOBALS = ['getUser', 'getUser2', 'answerPBXCall', 'transferPBXCall', 'terminate', 'changeStaus', 'checkLogin', 'checkSeatState', 'webApiHandler'] as const;

export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/** `callEvent`'s data: `c` the ccNumber, `n` the other party, `a`/`r` status codes, `callTime`. */
export interface EmicCallData {
  c: string;
  n?: string;
  a?: number | string;
  r?: number | string;
  callTime?: number;
}

export interface EmicError {
  code: number;
  info: string;
}

export interface EmicUserInfo {
  inGroups: { id: string; eid: string; name: string }[];
  userData: { displayname: string; eid: string; number: string; role: string };
}

export type GetUserCallback = (err: EmicError | null, data?: EmicUserInfo) => void;

export interface EmicInitParams {
  un?: string | number;
  pwd?: string | number;
  switchnumber?: string | number;
  gid?: string | number;
  remoteAudio?: string;
  socketUri?: string;
}

export interface EmicEventCallback {
  register?: (data: { code: number; info: string; data: Record<string, unknown> }) => void;
  callEvent?: (type: CallEventType, data: EmicCallData) => void;
  kickedOffLine?: (data: { r: 895 | 897 | 898 }, sameData?: { r: 895 | 897 | 898 }) => void;
  statusChanged?: (data: { status: 0 | 1 | 2 }) => void;
  repCallStatus?: (data: { caller: string; ccNumber: string; callee: string; callTime: number; endTime: number | '' }) => void;
}

export type MonitorCallback = (result: 0 | 1) => void;

export interface TransferResult {
  type: 'transferCallSuccess' | 'transferCallFaield';
  data: Record<string, unknown>;
  /** The reference's table also shows `callback(type, data)`: `res == 'transferCallSuccess'` holds. */
  toString(): string;
}

export interface WebApiResult {
  status: number;
  info?: string;
  returnData?: unknown;
}

/** cc-workbench additions (`phonebar.config()`): where the Emic SDK had its cloud's defaults. */
export interface PhonebarSettings {
  /** The CTI API (sign-in, GetLoginDetails, lists); default `${location.origin}/api/ccc`. */
  cti: string;
  /** The supervisor's live stream for `repCallStatus`; default `/api/events` on the CTI API's origin. */
  events: string;
  /** Where to show the workbench; default none: mounted out of sight, as the Emic SDK has no UI. */
  container: Element | null;
  /** Seconds of after-call work, or `manual`; default 0: back to idle at once, as at Emic. */
  afterCall: number | 'manual';
  /** Seconds the registration may stay lost (reconnecting) before `kickedOffLine` 897; default 20. */
  registrationTimeoutSeconds: number;
}

export interface EmicPhonebar {
  getUser(un: string | number, pwd: string | number, switchnumber: string | number, callback: GetUserCallback): Promise<EmicUserInfo | null>;
  getUser2(params: EmicInitParams & { callintype?: string | number; number?: string | number }, callback: GetUserCallback): Promise<EmicUserInfo | null>;
  init(params: EmicInitParams, eventCallback: EmicEventCallback): boolean;
  answerPBXCall(ccNumber?: string): Promise<void>;
  transferPBXCall(gid: string | number, transNumber: string | number, ccNumber?: string, callback?: (res: TransferResult, data?: Record<string, unknown>) => void): Promise<void>;
  call(number: string | number, callNumType?: string): 2 | 3 | string;
  sendDTMF(tone: string | number): Promise<void>;
  terminate(ccNumber?: string): Promise<void>;
  hold(ccNumber?: string): Promise<void>;
  unhold(ccNumber?: string): Promise<void>;
  logout(callback?: (data: { code: number; info: string; data: Record<string, unknown> }) => void): Promise<void>;
  changeStaus(status: 1 | 2): Promise<void>;
  checkLogin(): 0 | 1;
  checkSeatState(): 0 | 1 | 2 | 3 | 4 | 5;
  webApiHandler(functionName: string, webParam: Record<string, unknown>): Promise<WebApiResult>;
  startCallMonitor(ccNumber: string, monitorcb?: MonitorCallback): Promise<void>;
  stopCallMonitor(ccNumber: string, monitorcb?: MonitorCallback): Promise<void>;
  joinFromMonitor(ccNumber: string, monitorcb?: MonitorCallback): Promise<void>;
  exitJoinMonitor(ccNumber: string, monitorcb?: MonitorCallback): Promise<void>;
  endCallMonitor(ccNumber: string, monitorcb?: MonitorCallback): Promise<void>;
  terminateCall(ccNumber: string, monitorcb?: MonitorCallback): Promise<void>;
  checkMonitorState(): { status: 0 | 1 | 2; ccNumber: string };
  log(...args: unknown[]): void;
  // ---- cc-workbench additions ----
  /** The object `checkMonitorState()` returns, kept current (the vendor's demo reads it). */
  readonly monitorStatus: { status: 0 | 1 | 2; ccNumber: string };
  /** Settings the Emic SDK took from its cloud; call before `init`. Returns the current settings. */
  config(settings?: Partial<PhonebarSettings>): PhonebarSettings;
  /** The mounted `<cc-workbench>` (after `init`), or null. */
  readonly workbench: CcWorkbench | null;
  /** Failures the reference has no channel for (hold refused, DTMF failed, ...): `{ errorCode, errorMsg, method }`. */
  onerror: ((error: { errorCode: number | string; errorMsg: string; method: string }) => void) | null;
}

declare global {
  interface Window {
    phonebar?: EmicPhonebar;
  }
}

/** One agent signed in by getUser or init: the token and the SIP settings live only in memory. */
interface Account {
  readonly token: string;
  readonly details: LoginDetails;
  readonly groups: EmicUserInfo['inGroups'];
}

/** A call leg as the Emic callbacks see it. */
interface Leg {
  readonly cc: string;
  readonly n: string;
  readonly outbound: boolean;
  readonly internal: boolean;
  /** callinResponse / calloutResponse 200 was sent: the page has the ccNumber. */
  responded: boolean;
}

/** One `init()` until logout or a kick. */
interface Session {
  readonly id: string;
  readonly un: string;
  readonly at: number;
  readonly callbacks: EmicEventCallback;
  el: CcWorkbench | null;
  supervisor: boolean;
  registered: boolean;
  ending: boolean;
  seatClass: 0 | 1 | 2;
  token: string;
  readonly legs: Map<string, Leg>;
  /** The leg of the latest `call()`, for its failure before any response. */
  dialing: Leg | null;
  lostTimer: ReturnType<typeof setTimeout> | null;
  /** When the monitoring call connected, and whether the supervisor ended it (endPBXCall's r). */
  monitorSince: number;
  monitorStopped: boolean;
  stop: (() => void)[];
}

const STATUS_UNREGISTERED: StatusCode = -1;

/** Our status as Emic's `checkSeatState()`: 0 offline, 1 idle, 2 busy, 3 ringing, 4 talking, 5 hold. */
function seatOf(code: StatusCode, supervisor: boolean, idleAfterCall: boolean): 0 | 1 | 2 | 3 | 4 | 5 {
  if (code === 1 && supervisor) return 1;
  if (code <= 1) return 0;
  if (code === 2) return 2;
  if (code === 3) return 1;
  if (code === 5) return idleAfterCall ? 1 : 2;
  if (code === 6 || code === 8) return 3;
  // Consult dialing and talking: the customer is on hold.
  if (code === 12 || code === 16 || code === 17) return 5;
  return 4;
}

/** Emic's `statusChanged` class (0 offline, 1 online, 2 busy); null while in a call (no change). */
function classOf(code: StatusCode, supervisor: boolean, idleAfterCall: boolean): 0 | 1 | 2 | null {
  const seat = seatOf(code, supervisor, idleAfterCall);
  return seat <= 2 ? (seat as 0 | 1 | 2) : null;
}

/** The call's id the Emic callbacks and methods use: the call center's job id, else the SIP Call-ID. */
function ccOf(call: Pick<CallInfo, 'jobId' | 'sipCallId' | 'callId'> | Pick<CcCallDetail, 'jobId' | 'callId'>): string {
  return call.jobId || ('sipCallId' in call && call.sipCallId) || call.callId;
}

/** Emic's call failure code from a SIP status: its "busy" is 503; others pass through. */
function emicFailure(error: unknown): number {
  const e = error as { sipCode?: number; errorCode?: number | string };
  if (e?.sipCode === 486 || e?.sipCode === 600) return 503;
  return e?.sipCode ?? (typeof e?.errorCode === 'number' ? e.errorCode : 7002);
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
const bare = (id: string): string => id.replace(/^sips?:/i, '').split('@')[0] ?? id;

/** The getUser error of a failed sign-in or GetLoginDetails (codes of the reference's table). */
function userError(error: unknown): EmicError {
  const { errorMsg } = errorInfo(error);
  if (/Unauthorized\.Credentials/.test(errorMsg)) return { code: 50003, info: `wrong extension or password (${errorMsg})` };
  if (/sign-in at .* failed/.test(errorMsg)) return { code: 50002, info: `the CTI API could not be reached (${errorMsg})` };
  if (/GetLoginDetails/.test(errorMsg)) return { code: 50005, info: errorMsg };
  return { code: 50000, info: errorMsg };
}

const CHANNEL = 'cc-emic-phonebar';
const MARKER = 'cc-emic-phonebar.login.';

/**
 * A phonebar of its own (the module's `phonebar` is one). Several in one page behave like
 * several pages: a second `init` of the same account takes over (the first gets 895).
 */
export function createPhonebar(): EmicPhonebar {
  const settings: PhonebarSettings = {
    cti: `${location.origin}/api/ccc`,
    events: '',
    container: null,
    afterCall: 0,
    registrationTimeoutSeconds: 20,
  };
  const accounts = new Map<string, Account>();
  const monitorStatus: { status: 0 | 1 | 2; ccNumber: string } = { status: 0, ccNumber: '' };
  let session: Session | null = null;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;

  const idleAfterCall = (): boolean => settings.afterCall === 0;
  const code = (): StatusCode => session?.el?.getStatusCode().code ?? STATUS_UNREGISTERED;
  const currentCall = (): CallInfo | null => session?.el?.phone?.view.call ?? null;

  const report = (method: string) => (error: unknown) => {
    const info = errorInfo(error);
    console.warn(`[phonebar] ${method} failed: ${info.errorMsg} (${info.errorCode})`);
    callHook(self as unknown as Record<string, unknown>, 'onerror', { ...info, method });
  };

  /** The workbench of the running session, or the reference's "not logged in" failure. */
  const workbench = (method: string): CcWorkbench => {
    const el = session?.el;
    if (!el || session?.ending) throw new CcFacadeError(6001, `phonebar.${method}(): not logged in (call phonebar.init() first)`);
    return el;
  };

  /** A ccNumber that names another call than the current one is the caller's mistake. */
  const checkCc = (method: string, ccNumber: unknown): void => {
    if (ccNumber === undefined || ccNumber === null || ccNumber === '') return;
    const call = currentCall();
    if (call && String(ccNumber) !== ccOf(call)) {
      throw new CcFacadeError(7101, `phonebar.${method}(ccNumber): "${String(ccNumber)}" does not name the current call ("${ccOf(call)}")`);
    }
  };

  const callEvent = (s: Session, type: CallEventType, data: EmicCallData): void => callHook(s.callbacks as Record<string, unknown>, 'callEvent', type, data);

  // ---------- accounts ----------

  /** Signs `un` in (token, GetLoginDetails, skill groups), or reuses the account getUser signed in. */
  async function account(un: string, pwd: string): Promise<Account> {
    const known = accounts.get(un);
    if (known) return known;
    const token = await signIn(settings.cti, un, pwd);
    const request = ctiTransport(settings.cti, { Authorization: `Bearer ${token}` });
    const details = await loginDetails(request);
    const skills = await request('ListSkillLevelsOfUser', { PageSize: 100 }).catch(() => null);
    const list = (skills as CtiResponse<{ List?: Record<string, unknown>[] }> | null)?.Data?.List ?? [];
    const eid = text(details.data['InstanceId']);
    const groups: Account['groups'] = list.map((g) => ({ id: bare(text(g['SkillGroupId'])), eid, name: text(g['SkillGroupName']) }));
    const signedIn: Account = { token, details, groups };
    accounts.set(un, signedIn);
    return signedIn;
  }

  /** The token of the signed-in account `un`, or a fresh one (`fresh`: revoke it after use). */
  async function tokenFor(un: string, pwd: string): Promise<{ token: string; fresh: boolean }> {
    if (session && session.un === un && session.token) return { token: session.token, fresh: false };
    const known = accounts.get(un);
    if (known) return { token: known.token, fresh: false };
    return { token: await signIn(settings.cti, un, pwd), fresh: true };
  }

  function revoke(token: string): void {
    if (!token) return;
    void revokeToken(settings.cti, token);
  }

  // ---------- getUser ----------

  /** Development errors are thrown at once, as the reference's; everything else reaches `callback`. */
  function getUser(un: unknown, pwd: unknown, switchnumber: unknown, callback: unknown): Promise<EmicUserInfo | null> {
    requireFunctions({ callback }, ['callback']);
    if (typeof callback !== 'function') throw new TypeError('phonebar.getUser(un, pwd, switchnumber, callback): callback must be a function');
    return fetchUser(un, pwd, switchnumber, callback);
  }

  async function fetchUser(un: unknown, pwd: unknown, switchnumber: unknown, callback: unknown): Promise<EmicUserInfo | null> {
    const answer = (err: EmicError | null, data?: EmicUserInfo): EmicUserInfo | null => {
      callHook({ callback }, 'callback', err, data);
      return data ?? null;
    };
    const missing = (['un', 'pwd', 'switchnumber'] as const).find((_, i) => text([un, pwd, switchnumber][i]) === '');
    if (missing) return answer({ code: 50001, info: `parameter error: ${missing} is required` });
    try {
      // A new getUser signs in afresh; the token it replaces is revoked unless a session uses it.
      const replaced = accounts.get(text(un));
      accounts.delete(text(un));
      if (replaced && replaced.token !== session?.token) revoke(replaced.token);
      const { details, groups } = await account(text(un), text(pwd));
      const userData = { displayname: details.displayName, eid: text(details.data['InstanceId']), number: details.extension || bare(details.userId), role: details.role };
      // What the reference keeps there (webApiHandler reads it); never the password or the token.
      localStorage.setItem('userData', JSON.stringify(userData));
      return answer(null, { inGroups: groups, userData });
    } catch (error) {
      return answer(userError(error));
    }
  }

  function getUser2(params: unknown, callback: unknown): Promise<EmicUserInfo | null> {
    requireFunctions({ callback }, ['callback']);
    if (typeof callback !== 'function') throw new TypeError('phonebar.getUser2(params, callback): callback must be a function');
    const p = (params && typeof params === 'object' ? params : {}) as Record<string, unknown>;
    const type = text(p['callintype']);
    const refuse = (info: string): Promise<null> => {
      callHook({ callback }, 'callback', { code: 50001, info });
      return Promise.resolve(null);
    };
    if (type === '4' || type === '5') {
      const what = type === '5' ? 'a SIP desk phone' : 'a callback phone';
      return refuse(`callintype ${type} (${what}) is not applicable with cc-workbench: the agent's phone is this browser (callintype 2)`);
    }
    if (type !== '' && type !== '2') return refuse(`parameter error: callintype must be 2, 4 or 5, not "${type}"`);
    return fetchUser(p['un'], p['pwd'], p['switchnumber'], callback);
  }

  // ---------- init and its session ----------

  function init(params: unknown, eventCallback: unknown): boolean {
    const p = (params && typeof params === 'object' ? params : {}) as EmicInitParams;
    const callbacks = (eventCallback && typeof eventCallback === 'object' ? eventCallback : {}) as EmicEventCallback;
    requireFunctions(callbacks as Record<string, unknown>, CALLBACKS);
    const missing = (['un', 'pwd', 'switchnumber', 'gid'] as const).filter((k) => text(p[k]) === '');
    if (missing.length) {
      console.error(`[phonebar] init: missing ${missing.join(', ')}; no registration was started`);
      return false;
    }
    for (const name of ['register', 'callEvent', 'kickedOffLine'] as const) {
      if (!callbacks[name]) console.warn(`[phonebar] init: eventCallback.${name} is missing; its notifications are lost`);
    }
    const previous = session;
    const s: Session = {
      id: crypto.randomUUID(),
      un: text(p.un),
      at: Date.now(),
      callbacks,
      el: null,
      supervisor: false,
      registered: false,
      ending: false,
      seatClass: 0,
      token: '',
      legs: new Map(),
      dialing: null,
      lostTimer: null,
      monitorSince: 0,
      monitorStopped: false,
      stop: [],
    };
    session = s;
    void (async () => {
      if (previous) await teardown(previous);
      await start(s, p);
    })();
    return true;
  }

  async function start(s: Session, p: EmicInitParams): Promise<void> {
    const registerResult = (code: number, info: string, data: Record<string, unknown> = {}) =>
      callHook(s.callbacks as Record<string, unknown>, 'register', { code, info, data });
    try {
      const { token, details } = await account(s.un, text(p.pwd));
      if (s.ending) return;
      s.token = token;
      s.supervisor = details.role === 'supervisor';
      claimLogin(s);
      await loadWorkbench();
      if (s.ending) return;
      const visible = settings.container;
      const el = createWorkbench(
        visible ?? document.body,
        {
          cti: settings.cti,
          'after-call': String(settings.afterCall),
          supervisor: s.supervisor,
          'display-name': details.displayName || null,
          // The reference's socketUri, else the SIP server the CTI API names.
          server: text(p.socketUri) || details.sipServerUrl,
          'sip-uri': details.sipUri,
        },
        { password: text(p.pwd), ctiHeaders: { Authorization: `Bearer ${token}` } },
      );
      if (!visible) el.style.display = 'none';
      s.el = el;
      watch(s, el);
      await el.register();
      if (s.ending) return;
      s.registered = true;
      // The phone exists once registered (the element creates it when configured).
      watchProgress(s, el);
      playIn(s, el, text(p.remoteAudio));
      if (!s.supervisor) {
        await signInGroup(el, text(p.gid));
        await el.logIn();
      }
      if (s.ending) return;
      if (s.supervisor && s.callbacks.repCallStatus) s.stop.push(followCalls(s));
      registerResult(200, '', { uri: details.sipUri, server: el.getAttribute('server') ?? '' });
    } catch (error) {
      if (s.ending) return;
      const e = error as { sipCode?: number };
      const info = errorInfo(error);
      registerResult(typeof e.sipCode === 'number' ? e.sipCode : typeof info.errorCode === 'number' ? info.errorCode : 500, info.errorMsg);
      await teardown(s);
    }
  }

  /**
   * The skill group of `init({ gid })`: the agent takes queue calls from it only (CTI SignInGroup,
   * before ReadyForService). 0 is Emic's "in no particular group": all the agent's groups.
   */
  async function signInGroup(el: CcWorkbench, gid: string): Promise<void> {
    const cti = el.phone?.cti;
    if (gid === '0' || !cti) return;
    try {
      await cti.call('SignInGroup', { SignedSkillGroupIdList: [gid] });
    } catch (error) {
      if ((error as { apiCode?: string }).apiCode !== 'InvalidAction.NotFound') throw error;
      console.warn(`[phonebar] init: the CTI API has no SignInGroup; gid ${gid} is ignored and the agent takes calls from all its groups`);
    }
  }

  /** Ends a session: its call, its registration, its element and its token. Never asks the CTI API. */
  async function teardown(s: Session): Promise<void> {
    s.ending = true;
    if (s.lostTimer) clearTimeout(s.lostTimer);
    const el = s.el;
    if (el) {
      if (el.phone?.view.onCall) await el.hangUp().catch(() => undefined);
      await el.unregister().catch(() => undefined);
    }
    for (const stop of s.stop.splice(0)) stop();
    el?.remove();
    s.el = null;
    revoke(s.token);
    if (accounts.get(s.un)?.token === s.token) accounts.delete(s.un);
    Object.assign(monitorStatus, { status: 0, ccNumber: '' });
    if (session === s) session = null;
  }

  /** Emic's server took the account offline: the page hears why, after the softphone is gone. */
  async function kick(s: Session, r: 895 | 897 | 898): Promise<void> {
    if (s.ending) return;
    await teardown(s);
    callHook(s.callbacks as Record<string, unknown>, 'kickedOffLine', { r }, { r });
  }

  // ---------- 895: another login of the same account (pages of this browser) ----------

  function claimLogin(s: Session): void {
    const claim = { type: 'login', un: s.un, id: s.id, at: s.at };
    try {
      localStorage.setItem(MARKER + s.un, JSON.stringify(claim));
    } catch {
      // Storage may be refused (private mode); the channel still tells the open pages.
    }
    channel?.postMessage(claim);
  }

  /** Whether a login claim is newer than the session's own: the newer login wins. */
  const supersedes = (claim: { un?: unknown; id?: unknown; at?: unknown }, s: Session): boolean =>
    claim.un === s.un && claim.id !== s.id && typeof claim.at === 'number' && (claim.at > s.at || (claim.at === s.at && String(claim.id) > s.id));

  channel?.addEventListener('message', (event: MessageEvent<{ type?: string; un?: unknown; id?: unknown; at?: unknown }>) => {
    const s = session;
    if (s && event.data?.type === 'login' && supersedes(event.data, s)) void kick(s, 895);
  });
  // A page that goes away for good leaves no live token behind (the reference has no logout on unload).
  addEventListener('pagehide', (event) => {
    if (!event.persisted && session) revoke(session.token);
  });
  // A page back from the back-forward cache missed the channel's messages: the marker tells.
  addEventListener('pageshow', (event) => {
    const s = session;
    if (!s || !event.persisted) return;
    try {
      const claim = JSON.parse(localStorage.getItem(MARKER + s.un) ?? 'null') as { un?: unknown; id?: unknown; at?: unknown } | null;
      if (claim && supersedes(claim, s)) void kick(s, 895);
    } catch {
      // An unreadable marker is no evidence of another login.
    }
  });

  // ---------- the workbench's events as Emic callbacks ----------

  function watch(s: Session, el: CcWorkbench): void {
    const hooks = s.callbacks as Record<string, unknown>;
    const lost = (): void => {
      if (s.lostTimer || s.ending) return;
      s.lostTimer = setTimeout(() => void kick(s, 897), settings.registrationTimeoutSeconds * 1000);
    };
    s.stop.push(
      listen(el, {
        'cc-status-change': (event) => {
          const next = classOf(event.detail.code, s.supervisor, idleAfterCall());
          if (next === null || next === s.seatClass) return;
          s.seatClass = next;
          callHook(hooks, 'statusChanged', { status: next });
        },
        'cc-registered': () => {
          if (s.lostTimer) clearTimeout(s.lostTimer);
          s.lostTimer = null;
        },
        'cc-registration-failed': (event) => {
          if (!s.registered) return;
          const refused = event.detail.sipCode === 401 || event.detail.sipCode === 403 || event.detail.sipCode === 404;
          void kick(s, refused ? 898 : 897);
        },
        'cc-error': (event) => {
          const { errorCode, apiCode } = event.detail as { errorCode: number; apiCode?: string };
          if (errorCode === 7006 && s.registered) lost();
          if (errorCode === 7200 && apiCode?.startsWith('Unauthorized')) void kick(s, 898);
        },
        'cc-warning': (event) => {
          if (event.detail.code !== 'state-forced') return;
          // A forced log-out: the status is offline (1) once the event's transition is done.
          queueMicrotask(() => {
            if (/offline$/.test(event.detail.message) || el.getStatusCode().code === 1) void kick(s, 898);
          });
        },
        'cc-call-incoming': (event) => {
          const leg: Leg = { cc: ccOf(event.detail), n: event.detail.caller, outbound: false, internal: event.detail.internal, responded: true };
          s.legs.set(event.detail.callContext.callId, leg);
          callEvent(s, 'newPBXCall', { c: leg.cc, n: leg.n });
        },
        'cc-call-dialing': (event) => {
          const leg: Leg = { cc: ccOf(event.detail), n: event.detail.callee, outbound: true, internal: event.detail.internal, responded: false };
          s.legs.set(event.detail.callContext.callId, leg);
          s.dialing = leg;
        },
        'cc-call-established': (event) => {
          const leg = s.legs.get(event.detail.callContext.callId);
          if (!leg) return;
          respond(s, leg);
          callEvent(s, 'answeredPBXCall', { c: leg.cc, n: leg.n });
        },
        'cc-call-released': (event) => {
          const leg = s.legs.get(event.detail.callContext.callId);
          if (!leg) return;
          s.legs.delete(event.detail.callContext.callId);
          if (s.dialing === leg) s.dialing = null;
          const answeredAt = event.detail.callContext.answeredAt;
          if (answeredAt !== null) {
            const byAgent = event.detail.cause === 'local hang-up' || event.detail.cause === 'transferred';
            callEvent(s, 'endPBXCall', { c: leg.cc, callTime: Math.round((Date.now() - answeredAt) / 1000), r: byAgent ? '26' : '25' });
          } else if (!leg.outbound) {
            callEvent(s, 'cancelPBXCall', { c: leg.cc, n: leg.n });
          } else if (leg.responded) {
            // callinFaildResponse is the reference's "the callee did not answer in time".
            const unanswered = event.detail.cause !== 'local hang-up' && !/busy|reject|decline/i.test(event.detail.cause);
            if (leg.internal && unanswered) callEvent(s, 'callinFaildResponse', { c: leg.cc, n: leg.n, a: 408, r: 408 });
            callEvent(s, 'endPBXCall', { c: leg.cc, callTime: Date.now(), r: '20' });
          }
        },
        'cc-monitor-start': (event) => {
          s.monitorSince = Date.now();
          s.monitorStopped = false;
          Object.assign(monitorStatus, { status: event.detail.mode === 'barge' ? 2 : 1, ccNumber: event.detail.jobId || monitorStatus.ccNumber });
          callEvent(s, 'answeredPBXCall', { c: monitorStatus.ccNumber, n: event.detail.agent });
        },
        'cc-monitor-change': (event) => {
          monitorStatus.status = event.detail.mode === 'barge' ? 2 : 1;
        },
        'cc-monitor-end': (event) => {
          const c = monitorStatus.ccNumber || event.detail.jobId;
          Object.assign(monitorStatus, { status: 0, ccNumber: '' });
          callEvent(s, 'endPBXCall', { c, callTime: Math.round((Date.now() - s.monitorSince) / 1000), r: s.monitorStopped ? '26' : '25' });
        },
      }),
    );
  }

  /** The outbound call's first provisional answer (180/183) is Emic's "the server took the call". */
  /**
   * The reference's `remoteAudio`: the id of the page's `<audio>` that plays the call (one with
   * that id is added when the page has none). The workbench's own output is muted and each stream
   * it is given (at every call, hold, conference) goes to the page's element, whose volume the page
   * then controls.
   */
  function playIn(s: Session, el: CcWorkbench, id: string): void {
    const own = el.phone?.config.audioElement;
    if (!id || !own) return;
    let page = document.getElementById(id);
    if (page && !(page instanceof HTMLAudioElement)) throw new CcFacadeError(7101, `phonebar.init({ remoteAudio }): #${id} is a <${page.localName}>, not an <audio>`);
    if (!page) {
      page = document.createElement('audio');
      page.id = id;
      document.body.append(page);
    }
    const audio = page as HTMLAudioElement;
    const follow = (): void => {
      audio.srcObject = own.srcObject;
      if (audio.srcObject) void audio.play().catch(() => undefined);
    };
    // Setting srcObject runs the media element's load algorithm: `loadstart` or `emptied`.
    own.addEventListener('loadstart', follow);
    own.addEventListener('emptied', follow);
    own.muted = true;
    follow();
    s.stop.push(() => {
      own.removeEventListener('loadstart', follow);
      own.removeEventListener('emptied', follow);
      own.muted = false;
      audio.srcObject = null;
    });
  }

  function watchProgress(s: Session, el: CcWorkbench): void {
    const views = el.phone?.views;
    if (!views) return;
    const subscription = views.subscribe((view) => {
      const call = view.call;
      if (!call || call.direction !== 'outbound' || !call.progress) return;
      const leg = s.legs.get(call.callId);
      if (leg) respond(s, leg);
    });
    s.stop.push(() => subscription.unsubscribe());
  }

  function respond(s: Session, leg: Leg): void {
    if (leg.responded) return;
    leg.responded = true;
    callEvent(s, leg.internal ? 'callinResponse' : 'calloutResponse', { a: 200, r: 200, c: leg.cc, n: leg.n });
  }

  // ---------- repCallStatus: the supervisor's view of every agent's call ----------

  /** Reads the call center's live stream and tells each call's start and end; returns its stop. */
  function followCalls(s: Session): () => void {
    const abort = new AbortController();
    const url = settings.events || new URL('/api/events', new URL(settings.cti, location.href)).href;
    const calls = new Map<string, { caller: string; ccNumber: string; callee: string; callTime: number }>();
    let seeded = false;
    const snapshot = (data: { time?: number; agents?: { agentId: string; call: { jobId: string; caller: string } | null }[] }): void => {
      const now = Math.floor((data.time ?? Date.now()) / 1000);
      const seen = new Set<string>();
      for (const agent of data.agents ?? []) {
        if (!agent.call?.jobId) continue;
        seen.add(agent.call.jobId);
        if (calls.has(agent.call.jobId)) continue;
        const started = { caller: agent.agentId, ccNumber: agent.call.jobId, callee: agent.call.caller, callTime: now };
        calls.set(agent.call.jobId, started);
        // Calls that began before the supervisor signed in are not told (as the reference says).
        if (seeded) callHook(s.callbacks as Record<string, unknown>, 'repCallStatus', { ...started, endTime: '' });
      }
      for (const [jobId, started] of calls) {
        if (seen.has(jobId)) continue;
        calls.delete(jobId);
        callHook(s.callbacks as Record<string, unknown>, 'repCallStatus', { ...started, endTime: now });
      }
      seeded = true;
    };
    const read = async (): Promise<void> => {
      for (let delay = 1000; !abort.signal.aborted; delay = Math.min(delay * 2, 30_000)) {
        try {
          const response = await fetch(url, { headers: { Authorization: `Bearer ${s.token}`, Accept: 'text/event-stream' }, signal: abort.signal });
          if (response.status === 401 || response.status === 403) {
            console.warn(`[phonebar] repCallStatus: ${url} refused the supervisor (HTTP ${response.status})`);
            return;
          }
          if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
          delay = 1000;
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const lines = buffer.slice(0, end).split('\n');
              buffer = buffer.slice(end + 2);
              if (!lines.includes('event: snapshot')) continue;
              snapshot(JSON.parse(lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')) as Parameters<typeof snapshot>[0]);
            }
          }
        } catch (error) {
          if (abort.signal.aborted) return;
          console.warn(`[phonebar] repCallStatus: ${url}: ${error instanceof Error ? error.message : String(error)}; again in ${delay / 1000} s`);
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    };
    void read();
    return () => abort.abort();
  }

  // ---------- monitoring (supervisors) ----------

  /** The agent whose call `ccNumber` is, as the call center lists its agents. */
  async function agentOf(el: CcWorkbench, ccNumber: string): Promise<string> {
    const cti = el.phone?.cti;
    if (!cti) throw new CcFacadeError(7008, 'monitoring needs the CTI API');
    const data = await cti.call<{ List?: Record<string, unknown>[] }>('ListRealtimeAgentStates', { PageSize: 100 });
    const row = (data?.List ?? []).find((a) => text(a['CallId']) === ccNumber);
    if (!row) throw new CcFacadeError(7008, `no agent is on the call "${ccNumber}" (ListRealtimeAgentStates)`);
    return text(row['Extension']) || bare(text(row['AgentId']));
  }

  /** A monitor command: `monitorcb(0)` when `run` succeeds, else `monitorcb(1)` and the error channel. */
  function monitorCommand(method: string, ccNumber: unknown, monitorcb: unknown, run: ((el: CcWorkbench, cc: string) => Promise<unknown>) | null): Promise<void> {
    requireFunctions({ monitorcb }, ['monitorcb']);
    const done = (result: 0 | 1) => callHook({ monitorcb }, 'monitorcb', result);
    return command(
      async () => {
        // What only Emic's platform does fails the same whatever the state: no login needed to learn it.
        if (!run) {
          await notApplicable(SDK, method, "the call center never cuts an agent's call off (by design); to take the customer over, monitor the call and intercept it (phonebar.workbench.intercept()), or ask the agent to hang up");
          return;
        }
        if (typeof ccNumber !== 'string' && typeof ccNumber !== 'number') throw new CcFacadeError(7101, `phonebar.${method}(ccNumber, monitorcb): ccNumber must be a string`);
        const el = workbench(method);
        await run(el, String(ccNumber));
        done(0);
      },
      (error) => {
        done(1);
        report(method)(error);
      },
    );
  }

  /** The supervisor monitors `ccNumber` now (status 21), else the monitor command fails. */
  const monitoring = (method: string, cc: string): void => {
    if (code() !== 21 || (monitorStatus.ccNumber && monitorStatus.ccNumber !== cc)) {
      throw new CcFacadeError(9001, `phonebar.${method}(): not monitoring the call "${cc}"`);
    }
  };

  // ---------- the object ----------

  const self: EmicPhonebar = {
    getUser: (un, pwd, switchnumber, callback) => getUser(un, pwd, switchnumber, callback),
    getUser2: (params, callback) => getUser2(params, callback),
    init: (params, eventCallback) => init(params, eventCallback),

    answerPBXCall(ccNumber) {
      return command(async () => {
        checkCc('answerPBXCall', ccNumber);
        await workbench('answerPBXCall').answer();
      }, report('answerPBXCall'));
    },

    transferPBXCall(gid, transNumber, ccNumber, callback) {
      requireFunctions({ callback }, ['callback']);
      const answer = (type: TransferResult['type'], data: Record<string, unknown>) => {
        const res: TransferResult = { type, data, toString: () => type };
        callHook({ callback }, 'callback', res, data);
      };
      return command(
        async () => {
          const target = text(transNumber) || text(gid);
          if (!target) throw new CcFacadeError(7101, 'phonebar.transferPBXCall(gid, transNumber, ccNumber): transNumber (or gid) is required');
          checkCc('transferPBXCall', ccNumber);
          const el = workbench('transferPBXCall');
          const cc = ccOf(currentCall() ?? { jobId: '', callId: text(ccNumber) });
          await el.transfer(target);
          answer('transferCallSuccess', { c: cc, transNumber: target });
        },
        (error) => {
          const info = errorInfo(error);
          answer('transferCallFaield', { code: info.errorCode, info: info.errorMsg });
          report('transferPBXCall')(error);
        },
      );
    },

    call(number, callNumType) {
      if ((typeof number !== 'string' && typeof number !== 'number') || text(number).trim() === '') {
        throw new CcFacadeError(7101, 'phonebar.call(number): number must be a non-empty string');
      }
      const callee = text(number).trim();
      if (callNumType !== undefined && callNumType !== null) {
        // The documented failure shape: the "decrypted" text comes back and nothing is dialled.
        report('call')(new CcFacadeError(7102, `phonebar.call(number, callNumType) is not applicable with cc-workbench: the encryption is a scheme agreed with Emic (AES-128 with a key from Java's SHA1PRNG); pass the plain number`));
        return callee;
      }
      const internal = new RegExp(session?.el?.getAttribute('internal-pattern') || '^\\d{3,5}$').test(callee);
      const s = session;
      void command(
        async () => {
          await workbench('call').call(callee);
        },
        (error) => {
          // A call that failed before the call center took it: the page still hears the result.
          const leg = s?.dialing;
          if (s && (!leg || !leg.responded)) {
            const r = emicFailure(error);
            callEvent(s, internal ? 'callinResponse' : 'calloutResponse', { a: r, r, c: leg?.cc ?? '', n: callee });
          }
          report('call')(error);
        },
      );
      return internal ? 3 : 2;
    },

    sendDTMF(tone) {
      return command(async () => {
        const digits = text(tone);
        if (!/^[0-9*#A-Da-d]+$/.test(digits)) throw new CcFacadeError(7101, `phonebar.sendDTMF(string): "${digits}" is not a DTMF tone (0-9, *, #, A-D)`);
        await workbench('sendDTMF').sendDtmf(digits);
      }, report('sendDTMF'));
    },

    terminate(ccNumber) {
      return command(async () => {
        checkCc('terminate', ccNumber);
        await workbench('terminate').hangUp();
      }, report('terminate'));
    },

    hold(ccNumber) {
      return command(async () => {
        checkCc('hold', ccNumber);
        await workbench('hold').hold();
      }, report('hold'));
    },

    unhold(ccNumber) {
      return command(async () => {
        checkCc('unhold', ccNumber);
        await workbench('unhold').retrieve();
      }, report('unhold'));
    },

    logout(callback) {
      requireFunctions({ callback }, ['callback']);
      const answer = (code: number, info: string) => callHook({ callback }, 'callback', { code, info, data: {} });
      return command(
        async () => {
          const s = session;
          if (s && !s.ending) {
            const el = s.el;
            if (el?.phone?.view.onCall) await el.hangUp();
            // The agent leaves the call center's queues before the softphone goes.
            if (el && !s.supervisor && el.getStatusCode().code > 1) await el.logOut();
            await teardown(s);
          }
          answer(200, '');
        },
        (error) => {
          const info = errorInfo(error);
          answer(typeof info.errorCode === 'number' ? info.errorCode : 500, info.errorMsg);
          report('logout')(error);
          // Logging out ends the session even when the call center did not answer.
          if (session) void teardown(session);
        },
      );
    },

    changeStaus(status) {
      return command(async () => {
        if (Number(status) !== 1 && Number(status) !== 2) throw new CcFacadeError(7101, `phonebar.changeStaus(status): status must be 1 (idle) or 2 (busy), not ${String(status)}`);
        const el = workbench('changeStaus');
        await (Number(status) === 1 ? el.ready() : el.applyForBreak());
      }, report('changeStaus'));
    },

    checkLogin() {
      const c = code();
      return c > 1 || (c === 1 && session?.supervisor === true) ? 1 : 0;
    },

    checkSeatState() {
      return seatOf(code(), session?.supervisor === true, idleAfterCall());
    },

    async webApiHandler(functionName, webParam) {
      if (functionName !== 'getGroups' && functionName !== 'searchEpMembers') {
        return { status: 50001, info: `functionName must be "getGroups" or "searchEpMembers", not "${text(functionName)}"` };
      }
      const p = (webParam && typeof webParam === 'object' ? webParam : {}) as Record<string, unknown>;
      let stored: { eid?: unknown } | null = null;
      try {
        stored = JSON.parse(localStorage.getItem('userData') ?? 'null') as { eid?: unknown } | null;
      } catch {
        stored = null;
      }
      if (!stored) return { status: 50001, info: 'localStorage.userData is empty: call getUser first' };
      if (p['eid'] !== undefined && text(p['eid']) !== text(stored.eid)) return { status: 50008, info: `eid "${text(p['eid'])}" does not exist` };
      let fresh = '';
      try {
        const signedIn = await tokenFor(text(p['un']), text(p['pwd']));
        if (signedIn.fresh) fresh = signedIn.token;
        const request = ctiTransport(settings.cti, { Authorization: `Bearer ${signedIn.token}` });
        const data = async <T>(api: string, params: Record<string, unknown>): Promise<T> => {
          const envelope = (await request(api, params)) as CtiResponse<T>;
          if (envelope.Code !== 'OK') throw new CcFacadeError(7200, `${api}: ${envelope.Code} ${envelope.Message ?? ''}`.trim());
          return envelope.Data as T;
        };
        type Agents = { TotalCount?: number; List?: Record<string, unknown>[] };
        if (functionName === 'getGroups') {
          const eid = text(stored.eid);
          // ListSkillGroups where the CTI API has it; else every group some agent belongs to.
          const envelope = (await request('ListSkillGroups', { PageSize: 100 })) as CtiResponse<{ List?: Record<string, unknown>[] }>;
          if (envelope.Code === 'OK') {
            return { status: 200, returnData: (envelope.Data?.List ?? []).map((g) => ({ id: bare(text(g['SkillGroupId'])), eid, name: text(g['SkillGroupName']) })) };
          }
          const groups = new Map<string, string>();
          for (const agent of (await data<Agents>('ListRealtimeAgentStates', { PageSize: 100 })).List ?? []) {
            const ids = (agent['SkillGroupIdList'] ?? []) as unknown[];
            const names = (agent['SkillGroupNameList'] ?? []) as unknown[];
            ids.forEach((id, i) => groups.set(bare(text(id)), text(names[i]) || bare(text(id))));
          }
          return { status: 200, returnData: [...groups].map(([id, name]) => ({ id, eid, name })) };
        }
        const size = Number(p['length']) > 0 ? Math.min(Number(p['length']), 100) : 20;
        const agents = await data<Agents>('ListRealtimeAgentStates', { SkillGroupId: text(p['searchGid']), PageSize: size });
        const kefuStatus = (state: string): 0 | 1 | 2 => (state === 'Offline' ? 0 : state === 'Ready' ? 1 : 2);
        return {
          status: 200,
          returnData: {
            recordsTotal: agents.TotalCount ?? agents.List?.length ?? 0,
            data: (agents.List ?? []).map((a) => ({
              displayName: text(a['AgentName']),
              displayname: text(a['AgentName']),
              number: text(a['Extension']),
              kefuStatus: kefuStatus(text(a['State'])),
            })),
          },
        };
      } catch (error) {
        const info = errorInfo(error);
        return { status: /Unauthorized|Parameter/.test(info.errorMsg) ? 50001 : 50000, info: info.errorMsg };
      } finally {
        revoke(fresh);
      }
    },

    startCallMonitor(ccNumber, monitorcb) {
      return monitorCommand('startCallMonitor', ccNumber, monitorcb, async (el, cc) => {
        const agent = await agentOf(el, cc);
        monitorStatus.ccNumber = cc;
        try {
          await el.monitor(agent, 'listen');
        } catch (error) {
          if (code() !== 21) monitorStatus.ccNumber = '';
          throw error;
        }
      });
    },
    stopCallMonitor(ccNumber, monitorcb) {
      return monitorCommand('stopCallMonitor', ccNumber, monitorcb, async (el, cc) => {
        monitoring('stopCallMonitor', cc);
        if (session) session.monitorStopped = true;
        await el.hangUp();
      });
    },
    joinFromMonitor(ccNumber, monitorcb) {
      return monitorCommand('joinFromMonitor', ccNumber, monitorcb, async (el, cc) => {
        monitoring('joinFromMonitor', cc);
        await el.changeMonitorMode('barge');
      });
    },
    exitJoinMonitor(ccNumber, monitorcb) {
      return monitorCommand('exitJoinMonitor', ccNumber, monitorcb, async (el, cc) => {
        monitoring('exitJoinMonitor', cc);
        if (monitorStatus.status !== 2) throw new CcFacadeError(9001, 'phonebar.exitJoinMonitor(): not in a three-way call (joinFromMonitor first)');
        // Back to listening: the call goes on, the supervisor leaves it with stopCallMonitor.
        await el.changeMonitorMode('listen');
      });
    },
    endCallMonitor(ccNumber, monitorcb) {
      return monitorCommand('endCallMonitor', ccNumber, monitorcb, null);
    },
    terminateCall(ccNumber, monitorcb) {
      return monitorCommand('terminateCall', ccNumber, monitorcb, null);
    },

    checkMonitorState() {
      return monitorStatus;
    },

    log(...args) {
      console.log('[phonebar]', ...args);
    },

    monitorStatus,
    config(next = {}) {
      if (next.container !== undefined && next.container !== null && !(next.container instanceof Element)) throw new TypeError('phonebar.config({ container }): container must be an Element or null');
      if (next.afterCall !== undefined && next.afterCall !== 'manual' && !(Number.isFinite(next.afterCall) && next.afterCall >= 0)) {
        throw new TypeError('phonebar.config({ afterCall }): afterCall must be seconds >= 0 or "manual"');
      }
      if (next.registrationTimeoutSeconds !== undefined && !(next.registrationTimeoutSeconds > 0)) {
        throw new TypeError('phonebar.config({ registrationTimeoutSeconds }): must be a number of seconds > 0');
      }
      Object.assign(settings, next);
      return { ...settings };
    },
    get workbench() {
      return session?.el ?? null;
    },
    onerror: null,
  };
  return self;
}

/** The page's phonebar (`window.phonebar`, and the module's default export). */
export const phonebar = createPhonebar();
export default phonebar;

window.phonebar = phonebar;
for (const name of BARE_GLOBALS) {
  const global = window as unknown as Record<string, unknown>;
  // A page's own function of that name wins: the bare names are only for the reference's examples.
  if (!(name in global)) global[name] = phonebar[name];
}
