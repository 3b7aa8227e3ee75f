/**
 * The phone-sdk facade (reference 002, npm `phone-sdk` 0.2.6): its `agent` object (`connect`,
 * `checkIn`, ..., `disconnectCall`) and its 23 `on*` events with their payloads, over one
 * `<cc-workbench>` that holds the registration, the media, the ring and the after-call work.
 *
 * The reference's methods return nothing and report every result as an event ("调用结果服务端会以
 * 事件的形式另行通知"); ours do the same and also return a promise (marked handled) for code that
 * awaits. The Vue `<phone-bar>` is a custom element of the same name, so `Vue.use(phoneBar)`
 * needs no Vue in this bundle. Decisions where the reference is silent: docs/migration-phone-sdk.md.
 */
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import type { AgentView } from '../../machines/agent-selectors.js';
import type { CallInfo } from '../../machines/agent-types.js';
import type { CtiClient } from '../cti/cti-client.js';
import type { CcCallDetail } from '../events/call-detail.js';
import type { PhoneApi } from '../phone-api.js';
import {
  CcFacadeError,
  NOT_APPLICABLE,
  callHook,
  command,
  createWorkbench,
  developmentError,
  errorInfo,
  listen,
  loadWorkbench,
  loginDetails,
  ctiTransport,
  revokeToken,
  signIn,
} from './facade-core.js';
import type { AttributeValue, LoginDetails } from './facade-core.js';

/** The reference's vendor keys; ours is the only one this facade serves. */
export const VENDOR_TYPE = Object.freeze({ CC_WORKBENCH: 'cc-workbench' });

/** The reference's 23 events, in the document's order (`onConnect` is named by `connect`). */
export const EVENTS = [
  'onConnect',
  'onCheckIn',
  'onCheckOut',
  'onCallInRing',
  'onCallOutRing',
  'onThreePartCallInRing',
  'onThreePartCallOutRing',
  'onCallout',
  'onInCall',
  'onCallIn',
  'onCallOut',
  'onIdle',
  'onDisconnect',
  'onDialOver',
  'onThreePart',
  'onPause',
  'onRestore',
  'onHold',
  'onRetrieve',
  'onGetOrgAgtgrps',
  'onGetAgtGroups',
  'onAllAgtInfo',
  'onGetAgentRights',
] as const;

/** Events cc-workbench adds (documented as additions). */
export const EXTENSION_EVENTS = ['onError', 'onStatusChange'] as const;

export type PhoneSdkEventName = (typeof EVENTS)[number] | (typeof EXTENSION_EVENTS)[number];

/** `checkInfo`, `pauseInfo`, `restoreInfo`, `holdInfo`: the reference's fields, plus our error code on failure. */
export interface ResultInfo {
  readonly result: boolean;
  readonly message: string;
  /** cc-workbench's error code when `result` is false (an addition). */
  readonly code?: number | string;
}

/** `ringInfo` of `onCallInRing` (and of `<phone-bar>`'s `ring`). */
export interface RingInfo {
  /** The caller's number. */
  readonly phoneNumber: string;
  /** The caller's area code: '' (no number-to-area lookup here). */
  readonly area: string;
  /** The ringing extension: this agent's. */
  readonly agentId: string;
  /** Additions: the call's ids and queue. */
  readonly callId: string;
  readonly jobId: string;
  readonly queue: string;
}

/** `callInfo` of the call events: our call description plus the reference-style `phoneNumber` and `agentId`. */
export interface PhoneSdkCallInfo extends CcCallDetail {
  /** The other party's number: the caller of an incoming call, the callee of an outgoing one. */
  readonly phoneNumber: string;
  readonly agentId: string;
}

/** A skill group of `onGetAgtGroups` / `onGetOrgAgtgrps`. */
export interface GroupInfo {
  readonly groupId: string;
  readonly groupName: string;
}

/** An agent of `onAllAgtInfo`. */
export interface AgentInfo {
  /** The extension, what `listen(agentId)` and `pause(agentId)` take. */
  readonly agentId: string;
  readonly userId: string;
  readonly agentName: string;
  /** Offline, Ready, Break, Ringing, Talking or ACW. */
  readonly state: string;
  readonly registered: boolean;
}

/** `onError` (an addition): every failure of a method, and the workbench's own connection problems. */
export interface ErrorInfo {
  readonly method: string;
  readonly errorCode: number | string;
  readonly errorMsg: string;
}

/** Options of `new Agent(vendorType, options)` (an addition). */
export interface AgentOptions {
  /** Where the workbench goes, shown; without it the facade appends a hidden one to document.body (the API has no UI). */
  readonly container?: Element | null;
  /** More `<cc-workbench>` attributes, e.g. `{ 'after-call': 'manual', lang: 'zh-CN' }`. */
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

/** Rights of `onGetAgentRights`: the methods the signed-in role may use. */
export const AGENT_RIGHTS = ['checkIn', 'checkOut', 'dialout', 'transGroupDTMF', 'hangup', 'pause', 'restore', 'hold', 'retrieve', 'dialTrans'] as const;
export const SUPERVISOR_RIGHTS = [...AGENT_RIGHTS, 'listen', 'joinTalk', 'disconnectCall', 'logoutAgent'] as const;

type Handler = (...args: never[]) => unknown;
type ResultEvent = 'onConnect' | 'onCheckIn' | 'onCheckOut' | 'onPause' | 'onRestore' | 'onHold' | 'onRetrieve' | 'onDialOver' | null;

/** Our status codes (README "Status codes"); the facade may not import the statechart. */
const OFFLINE = 1;
const BREAK = 2;
const READY = 3;
const AFTER_CALL = 5;
const HOLD = 12;
const TALK = new Set([9, 10, 11]);
const CONFERENCE = 19;
const ON_CALL = new Set([6, 8, 9, 10, 11, 12, 16, 17, 18, 19, 21]);
/** Errors of a dial whose call leg existed: its release reports them (`onDialOver` once). */
const REPORTED_BY_RELEASE = new Set<number | string>([7002, 6008]);
const DTMF = /^[0-9*#A-Da-d]+$/;
const INVALID = 7101;
const NOT_CONNECTED = 6001;

const SDK = 'agent';
const bare = (id: string): string => id.replace(/^sips?:/i, '').split('@')[0] ?? id;
const invalid = (method: string, argument: string, why: string): CcFacadeError =>
  new CcFacadeError(INVALID, `${SDK}.${method}(${argument}): ${argument} ${why}`);
const ok = (message = ''): ResultInfo => ({ result: true, message });

function text(method: string, argument: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(method, argument, `must be a non-empty string (got ${value === '' ? 'an empty string' : typeof value})`);
  return value.trim();
}

/** The CTI API's URL from the reference's "server address": a bare origin means the dev call center's path. */
export function ctiUrlOf(url: unknown): string {
  if (url === undefined || url === null || (typeof url === 'string' && url.trim() === '')) return `${location.origin}/api/ccc`;
  if (typeof url !== 'string') throw invalid('connect', 'url', `must be the CTI server's address, a string (got ${typeof url})`);
  let parsed: URL;
  try {
    parsed = new URL(url.trim(), location.href);
  } catch {
    throw invalid('connect', 'url', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid('connect', 'url', `"${url}" is not an http(s) URL of the CTI API`);
  return parsed.pathname === '/' && !parsed.search ? `${parsed.origin}/api/ccc` : parsed.href.replace(/\/+$/, '');
}

type Json = Record<string, unknown>;
const listOf = (data: unknown): Json[] => {
  const list = (data as Json | null)?.['List'];
  return Array.isArray(list) ? (list as Json[]) : [];
};
const str = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/**
 * The reference's `agent`: `new Agent(VENDOR_TYPE.CC_WORKBENCH)`, or the ready instance `agent`.
 * Each method returns nothing the reference's callers use: its result comes as an event; ours
 * also returns a promise that settles with it.
 */
export default class Agent {
  /** Vue plugin: `Vue.use(Agent)` (or `Vue.use(phoneBar)`) makes `<phone-bar>` known to Vue. */
  static install(app: unknown): void {
    phoneBar.install(app);
  }

  readonly vendorType: string;
  private readonly options: AgentOptions;
  private readonly handlers = new Map<string, Set<Handler>>();
  private el: CcWorkbench | null = null;
  private details: LoginDetails | null = null;
  private ctiUrl = '';
  private token = '';
  private connected = false;
  private generation = 0;
  private unbind: (() => void) | null = null;
  private viewSubscription: { unsubscribe(): void } | null = null;
  /** Customer legs (by call id) whose end was announced: their release is `onDisconnect`. */
  private readonly customerLegs = new Set<string>();
  /** Outgoing legs whose ring was announced (`onCallOutRing` once per leg). */
  private readonly rang = new Set<string>();
  private lastCall: PhoneSdkCallInfo | null = null;
  #monitorQueue: Promise<unknown> = Promise.resolve();

  constructor(vendorType: string = VENDOR_TYPE.CC_WORKBENCH, options: AgentOptions = {}) {
    if (typeof vendorType !== 'string') throw developmentError(`new Agent(vendorType): vendorType must be a string such as VENDOR_TYPE.CC_WORKBENCH`);
    this.vendorType = vendorType;
    this.options = options ?? {};
  }

  /** The `<cc-workbench>` behind this agent once `connect` made it (an addition). */
  get workbench(): CcWorkbench | null {
    return this.el;
  }

  /** Subscribes `handler` to the event `name` (one of the 23, or `onError` / `onStatusChange`). */
  on(name: PhoneSdkEventName, handler: Handler): this {
    if (!(EVENTS as readonly string[]).includes(name) && !(EXTENSION_EVENTS as readonly string[]).includes(name)) {
      throw developmentError(`${SDK}.on(name): "${String(name)}" is not a phone-sdk event (${EVENTS.join(', ')}; additions: ${EXTENSION_EVENTS.join(', ')})`);
    }
    if (typeof handler !== 'function') throw developmentError(`${SDK}.on('${name}', handler): handler must be a function`);
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler);
    return this;
  }

  /** Removes a handler `on` added (an addition: the reference documents no way to unsubscribe). */
  off(name: PhoneSdkEventName, handler: Handler): this {
    this.handlers.get(name)?.delete(handler);
    return this;
  }

  /**
   * Signs in to the CTI API at `url` as `userCode`, mounts the workbench with the SIP settings of
   * GetLoginDetails and registers (`password` is the CTI and the SIP password). `onConnect`, then
   * the lists (`onGetAgtGroups`, `onGetOrgAgtgrps`, `onAllAgtInfo`, `onGetAgentRights`).
   */
  connect(userCode: string, password: string, url?: string): Promise<void> {
    return this.#run('connect', 'onConnect', async () => {
      if (this.vendorType !== VENDOR_TYPE.CC_WORKBENCH) {
        throw new CcFacadeError(
          NOT_APPLICABLE,
          `${SDK}.connect() is not applicable with cc-workbench: vendorType "${this.vendorType}" is another vendor's softphone bar; use VENDOR_TYPE.CC_WORKBENCH`,
        );
      }
      const user = text('connect', 'userCode', userCode);
      if (typeof password !== 'string' || password === '') throw invalid('connect', 'password', 'must be a non-empty string');
      const ctiUrl = ctiUrlOf(url);
      await this.disconnect();
      const generation = this.generation;
      const current = (): void => {
        if (generation !== this.generation) throw new CcFacadeError(7020, `${SDK}.connect(): a later connect() or disconnect() replaced this one`);
      };
      await loadWorkbench();
      const token = await signIn(ctiUrl, user, password);
      if (generation !== this.generation) void revokeToken(ctiUrl, token);
      current();
      this.ctiUrl = ctiUrl;
      this.token = token;
      let el: CcWorkbench;
      let details: LoginDetails;
      try {
        current();
        const headers = { Authorization: `Bearer ${token}` };
        details = await loginDetails(ctiTransport(ctiUrl, headers));
        current();
        this.details = details;
        el = createWorkbench(
          this.options.container ?? document.body,
          {
            hidden: !this.options.container,
            cti: ctiUrl,
            'cti-method': 'post',
            'cti-action-param': 'action',
            supervisor: details.role === 'supervisor',
            ...(details.displayName ? { 'display-name': details.displayName } : {}),
            ...this.options.attributes,
            // Last: the phone is made from the attributes once these two complete them.
            server: details.sipServerUrl,
            'sip-uri': details.sipUri,
          },
          { password, ctiHeaders: headers },
        );
        this.el = el;
        this.#bind(el);
        await el.register();
        current();
      } catch (error) {
        // Nothing half-connected stays: no workbench, no live token.
        if (generation === this.generation) await this.disconnect();
        throw error;
      }
      this.connected = true;
      this.#emit('onConnect', ok());
      void this.#announceLists(el, details);
    });
  }

  /**
   * Signs in to the CTI server (status 3, ready). `groupIds`: skill groups separated by commas;
   * without it, all the agent's groups. A CTI API without `SignInGroup` takes all groups.
   */
  checkIn(groupIds?: string): Promise<void> {
    return this.#run('checkIn', 'onCheckIn', async () => {
      const ids = groupIdsOf(groupIds);
      const el = this.#workbenchFor('checkIn');
      if (ids.length > 0) {
        try {
          await this.#cti('checkIn').call('SignInGroup', { SignedSkillGroupIdList: JSON.stringify(ids) });
        } catch (error) {
          if (!unknownAction(error)) throw error;
          console.info(`cc-workbench phone-sdk: the CTI API has no SignInGroup; ${SDK}.checkIn() signs in to all the agent's groups`);
        }
      }
      await el.logIn();
    });
  }

  /** Signs out of the CTI server (status 1); the SIP registration stays. */
  checkOut(): Promise<void> {
    return this.#run('checkOut', 'onCheckOut', () => this.#workbenchFor('checkOut').logOut());
  }

  /** Dials `phoneNumber`: `onCallout`, `onCallOutRing`, then `onCallOut` + `onInCall`, or `onDialOver(message)`. */
  dialout(phoneNumber: string): Promise<void> {
    return command(
      async () => {
        const number = text('dialout', 'phoneNumber', phoneNumber);
        await this.#workbenchFor('dialout').call(number);
      },
      (error) => this.#failed('dialout', REPORTED_BY_RELEASE.has(errorInfo(error).errorCode) ? null : 'onDialOver', error),
    );
  }

  /** Sends `group` as DTMF digits on the call (the heading "DTMF:拨号"). */
  transGroupDTMF(group: string): Promise<void> {
    return this.#run('transGroupDTMF', null, async () => {
      const digits = text('transGroupDTMF', 'group', group);
      if (!DTMF.test(digits)) throw invalid('transGroupDTMF', 'group', `"${digits}" is not DTMF digits (0-9, *, #, A-D)`);
      await this.#workbenchFor('transGroupDTMF').sendDtmf(digits);
    });
  }

  /** Hangs up (declines a ringing call; ends a monitoring session). */
  hangup(): Promise<void> {
    return this.#run('hangup', null, () => this.#workbenchFor('hangup').hangUp());
  }

  /** Answers the ringing call (an addition: the reference has no answer method). */
  answer(): Promise<void> {
    return this.#run('answer', null, () => this.#workbenchFor('answer').answer());
  }

  /** Break (status 2); with another agent's id, a supervisor puts that agent on break. */
  pause(agentId?: string | Agent): Promise<void> {
    return this.#run('pause', 'onPause', async () => {
      const other = this.#otherAgent('pause', agentId);
      const el = this.#workbenchFor('pause');
      if (other) {
        await this.#cti('pause').call('TakeBreak', { UserId: other, BreakCode: 'supervisor' });
        this.#emit('onPause', ok(`agent ${other} paused`));
      } else {
        await el.applyForBreak();
      }
    });
  }

  /** Back to ready (from break or after-call work); with another agent's id, a supervisor makes that agent ready. */
  restore(agentId?: string | Agent): Promise<void> {
    return this.#run('restore', 'onRestore', async () => {
      const other = this.#otherAgent('restore', agentId);
      const el = this.#workbenchFor('restore');
      if (other) {
        await this.#cti('restore').call('ReadyForService', { UserId: other });
        this.#emit('onRestore', ok(`agent ${other} restored`));
      } else {
        await el.ready();
      }
    });
  }

  /** Holds the customer (music on hold); `onHold` once the PBX accepted. */
  hold(): Promise<void> {
    return this.#run('hold', 'onHold', () => this.#workbenchFor('hold').hold());
  }

  /** Resumes the held customer; `onRetrieve`. */
  retrieve(): Promise<void> {
    return this.#run('retrieve', 'onRetrieve', () => this.#workbenchFor('retrieve').retrieve());
  }

  /** Blind transfer of the call to `phoneNumber` (an extension or a number); the agent leaves the call. */
  dialTrans(phoneNumber: string): Promise<void> {
    return this.#run('dialTrans', 'onDialOver', async () => {
      const target = text('dialTrans', 'phoneNumber', phoneNumber);
      await this.#workbenchFor('dialTrans').transfer(target);
    });
  }

  /** Supervisor: listens to the call of agent `agentId` (status 21). */
  listen(agentId: string): Promise<void> {
    return this.#run('listen', null, async () => {
      const target = text('listen', 'agentId', agentId);
      const el = this.#supervisorFor('listen');
      await this.#monitorStep(() => el.monitor(target, 'listen'));
    });
  }

  /** Supervisor: forced log-out of agent `agentId` (after its call, when it is on one). */
  logoutAgent(agentId: string): Promise<void> {
    return this.#run('logoutAgent', null, async () => {
      const target = text('logoutAgent', 'agentId', agentId);
      const el = this.#workbenchFor('logoutAgent');
      if (this.#isSelf(target)) await el.logOut();
      else await this.#cti('logoutAgent').call('SignOutGroup', { UserId: target });
    });
  }

  /** Supervisor: barges in on the call of `agentId` (customer, agent and supervisor talk); `onThreePart`. */
  joinTalk(agentId: string): Promise<void> {
    return this.#run('joinTalk', null, async () => {
      const target = text('joinTalk', 'agentId', agentId);
      const el = this.#supervisorFor('joinTalk');
      await this.#monitorStep(() => (this.#monitoring(el, target) ? el.changeMonitorMode('barge') : el.monitor(target, 'barge')));
    });
  }

  /** Supervisor: takes the customer of `agentId` over; that agent's call ends (after-call work). */
  disconnectCall(agentId: string): Promise<void> {
    return this.#run('disconnectCall', null, async () => {
      const target = text('disconnectCall', 'agentId', agentId);
      const el = this.#supervisorFor('disconnectCall');
      await this.#monitorStep(async () => {
        // Ours intercepts an answered monitoring call: listen first when not monitoring that agent.
        if (!this.#monitoring(el, target)) await el.monitor(target, 'listen');
        await el.intercept();
      });
    });
  }

  /** Ends the connection (an addition): removes the workbench (its phone unregisters) and revokes the CTI token. */
  async disconnect(): Promise<void> {
    this.generation += 1;
    this.connected = false;
    this.unbind?.();
    this.unbind = null;
    this.viewSubscription?.unsubscribe();
    this.viewSubscription = null;
    this.el?.remove();
    this.el = null;
    this.details = null;
    this.customerLegs.clear();
    this.rang.clear();
    const { token, ctiUrl } = this;
    this.token = '';
    if (token) await revokeToken(ctiUrl, token);
  }

  /**
   * Runs the monitoring steps one after another: the reference's callers do not wait for a method
   * (it has no callback), so a `joinTalk` right after `listen` must wait until the monitoring call
   * is set up, which the workbench shows (status 21) a moment before it takes a mode change.
   */
  #monitorStep(step: () => Promise<unknown>): Promise<unknown> {
    const run = this.#monitorQueue.then(step);
    this.#monitorQueue = run.catch(() => undefined);
    return run;
  }

  #emit(name: PhoneSdkEventName, ...args: unknown[]): void {
    for (const handler of [...(this.handlers.get(name) ?? [])]) callHook({ [name]: handler }, name, ...args);
  }

  /** Runs a method the reference's way: a failure is its result event with `result: false`, and `onError`. */
  #run(method: string, resultEvent: ResultEvent, body: () => Promise<unknown>): Promise<void> {
    return command(async () => {
      await body();
    }, (error) => this.#failed(method, resultEvent, error));
  }

  #failed(method: string, resultEvent: ResultEvent, error: unknown): void {
    const { errorCode, errorMsg } = errorInfo(error);
    if (resultEvent === 'onDialOver') this.#emit('onDialOver', errorMsg);
    else if (resultEvent) this.#emit(resultEvent, { result: false, message: errorMsg, code: errorCode } satisfies ResultInfo);
    this.#emit('onError', { method, errorCode, errorMsg } satisfies ErrorInfo);
  }

  #workbenchFor(method: string): CcWorkbench {
    if (!this.el || !this.connected) throw new CcFacadeError(NOT_CONNECTED, `${SDK}.${method}(): not connected; call ${SDK}.connect(userCode, password, url) first`);
    return this.el;
  }

  #supervisorFor(method: string): CcWorkbench {
    const el = this.#workbenchFor(method);
    if (this.details?.role !== 'supervisor') {
      throw new CcFacadeError(7008, `${SDK}.${method}(): ${this.details?.userId ?? 'this user'} is not a supervisor (role "${this.details?.role ?? ''}")`);
    }
    return el;
  }

  #cti(method: string): CtiClient {
    const cti = this.#workbenchFor(method).phone?.cti;
    if (!cti) throw new CcFacadeError(NOT_CONNECTED, `${SDK}.${method}(): the workbench has no CTI client yet`);
    return cti;
  }

  #isSelf(agentId: string): boolean {
    const me = this.details;
    return !!me && (bare(agentId) === bare(me.userId) || bare(agentId) === me.extension);
  }

  /** The other agent a pause/restore names, or null for the agent itself (none, '', its own id, or the example's `agent`). */
  #otherAgent(method: string, agentId: unknown): string | null {
    if (agentId === undefined || agentId === null || agentId === '' || agentId === this) return null;
    if (typeof agentId !== 'string') throw invalid(method, 'agentId', `must be an agent's id (a string) or left out for yourself (got ${typeof agentId})`);
    return this.#isSelf(agentId) ? null : text(method, 'agentId', agentId);
  }

  #monitoring(el: CcWorkbench, agentId: string): boolean {
    const monitor = el.phone?.view.monitor;
    return !!monitor && bare(monitor.agent) === bare(agentId);
  }

  #callInfo(detail: CcCallDetail): PhoneSdkCallInfo {
    return {
      ...detail,
      phoneNumber: detail.direction === 'inbound' ? detail.caller : detail.callee,
      agentId: this.details?.extension || bare(this.details?.userId ?? ''),
    };
  }

  #isConsult(callId: string): boolean {
    const consult = this.el?.phone?.view.consult;
    return !!consult && (consult.sipCallId ?? consult.callId) === callId;
  }

  /** The workbench's facts as the reference's events. */
  #bind(el: CcWorkbench): void {
    const watch = (phone: PhoneApi): void => {
      this.viewSubscription?.unsubscribe();
      this.viewSubscription = phone.views.subscribe((view) => this.#onView(view));
    };
    const stop = listen(el, {
      'cc-init': (event) => watch(event.detail.phone),
      'cc-call-incoming': (event) => {
        const d = event.detail;
        this.#emit('onCallInRing', {
          phoneNumber: d.caller,
          area: '',
          agentId: this.details?.extension || bare(this.details?.userId ?? ''),
          callId: d.callId,
          jobId: d.jobId,
          queue: d.queue,
        } satisfies RingInfo);
      },
      'cc-call-dialing': (event) => {
        if (!this.#isConsult(event.detail.callId)) this.#emit('onCallout', this.#callInfo(event.detail));
      },
      'cc-call-established': (event) => {
        const info = this.#callInfo(event.detail);
        this.#emit('onInCall', info);
        this.#emit(info.direction === 'inbound' ? 'onCallIn' : 'onCallOut', info);
      },
      'cc-call-hangup': (event) => {
        this.customerLegs.add(event.detail.callId);
      },
      'cc-call-released': (event) => {
        const d = event.detail;
        this.rang.delete(d.callContext.callId);
        if (!this.customerLegs.delete(d.callId)) return;
        const info = this.#callInfo(d);
        this.lastCall = info;
        this.#emit('onDisconnect', info);
        if (d.direction === 'outbound' && !d.callContext.answeredAt) this.#emit('onDialOver', d.cause);
      },
      'cc-status-change': (event) => this.#onStatus(event.detail.code, event.detail.lastCode, event.detail.context.breakReason ?? ''),
      'cc-monitor-start': (event) => {
        if (event.detail.mode === 'barge') this.#emit('onThreePart', 'barge');
      },
      'cc-monitor-change': (event) => {
        if (event.detail.mode === 'barge') this.#emit('onThreePart', 'barge');
      },
      'cc-error': (event) => {
        // Method failures are reported by the method; these come from no method.
        const { errorCode, errorMsg } = event.detail;
        if (this.connected && (errorCode === 7001 || errorCode === 7006 || errorCode === 7007)) this.#emit('onError', { method: '', errorCode, errorMsg } satisfies ErrorInfo);
      },
    });
    this.unbind = stop;
    if (el.phone) watch(el.phone);
  }

  /** Status changes as the reference's state events, whoever caused them (a method, the timer, a supervisor). */
  #onStatus(code: number, lastCode: number, breakReason: string): void {
    this.#emit('onStatusChange', { code, lastCode });
    if (code === READY && lastCode <= OFFLINE) this.#emit('onCheckIn', ok());
    if (code === OFFLINE && lastCode >= BREAK) this.#emit('onCheckOut', ok());
    if (code === BREAK) this.#emit('onPause', ok(breakReason));
    if (code === READY && (lastCode === BREAK || lastCode === AFTER_CALL)) this.#emit('onRestore', ok());
    if (code === HOLD) this.#emit('onHold', ok());
    if (lastCode === HOLD && TALK.has(code)) this.#emit('onRetrieve', ok());
    if (code === CONFERENCE) this.#emit('onThreePart', 'conference');
    if (ON_CALL.has(code) && !ON_CALL.has(lastCode)) this.lastCall = null;
    if (ON_CALL.has(lastCode) && !ON_CALL.has(code)) this.#emit('onIdle', this.lastCall);
  }

  /** The outgoing legs' 180/183 (the view model's `progress`): the reference's out-ring events. */
  #onView(view: AgentView): void {
    const ring = (leg: CallInfo | null, name: 'onCallOutRing' | 'onThreePartCallOutRing'): void => {
      if (!leg || leg.direction !== 'outbound' || (leg.progress !== 180 && leg.progress !== 183) || this.rang.has(leg.callId)) return;
      this.rang.add(leg.callId);
      this.#emit(name, { phoneNumber: leg.callee, callId: leg.sipCallId ?? leg.callId, progress: leg.progress });
    };
    ring(view.call, 'onCallOutRing');
    ring(view.consult, 'onThreePartCallOutRing');
  }

  /** The lists the reference sends after connecting; a list that fails is empty, with `onError`. */
  async #announceLists(el: CcWorkbench, details: LoginDetails): Promise<void> {
    const cti = el.phone?.cti;
    const list = async (method: string, apiName: string): Promise<Json[]> => {
      if (!cti) return [];
      try {
        return listOf(await cti.call(apiName, { PageNumber: 1, PageSize: 100 }));
      } catch (error) {
        if (!unknownAction(error)) this.#failed(method, null, error);
        throw error;
      }
    };
    const groups = (rows: Json[]): GroupInfo[] => rows.map((g) => ({ groupId: str(g['SkillGroupId']), groupName: str(g['SkillGroupName']) }));
    const own = await list('onGetAgtGroups', 'ListSkillLevelsOfUser').catch(() => []);
    if (this.el !== el) return;
    this.#emit('onGetAgtGroups', groups(own));
    // Groups to transfer to: all of the call center's (ListSkillGroups), else the agent's own.
    const all = await list('onGetOrgAgtgrps', 'ListSkillGroups').catch(() => own);
    if (this.el !== el) return;
    this.#emit('onGetOrgAgtgrps', groups(all));
    const agents = await list('onAllAgtInfo', 'ListRealtimeAgentStates').catch(() => []);
    if (this.el !== el) return;
    this.#emit(
      'onAllAgtInfo',
      agents.map(
        (a): AgentInfo => ({
          agentId: str(a['Extension']) || bare(str(a['AgentId'])),
          userId: str(a['AgentId']),
          agentName: str(a['AgentName']),
          state: str(a['State']),
          registered: a['Registered'] === true,
        }),
      ),
    );
    this.#emit('onGetAgentRights', [...(details.role === 'supervisor' ? SUPERVISOR_RIGHTS : AGENT_RIGHTS)]);
  }
}

function groupIdsOf(groupIds: unknown): string[] {
  if (groupIds === undefined || groupIds === null) return [];
  const parts = Array.isArray(groupIds) ? groupIds : typeof groupIds === 'string' ? groupIds.split(',') : null;
  if (!parts || parts.some((p) => typeof p !== 'string')) {
    throw invalid('checkIn', 'groupIds', `must be skill-group ids separated by commas, a string (got ${typeof groupIds})`);
  }
  return (parts as string[]).map((p) => p.trim()).filter(Boolean);
}

/** A CTI API that does not know the action (the dev call center's 404 `InvalidAction.NotFound`). */
function unknownAction(error: unknown): boolean {
  const apiCode = error && typeof error === 'object' && 'apiCode' in error ? String((error as { apiCode: unknown }).apiCode) : '';
  return apiCode === 'InvalidAction.NotFound' || apiCode === 'Http404';
}

/**
 * `<phone-bar vendor-type user url :password>`: the reference's Vue component as a custom element
 * with our workbench inside (shown). It connects once `user`, `password` and `url` are set
 * (`url` may be empty: the page's own CTI API); the agent checks in with the workbench's Log in
 * button. `ring` fires on each incoming call; the event carries the `ringInfo` fields itself (so
 * a Vue handler reads `ringInfo.phoneNumber` as with the reference) and as `detail`.
 */
export class CcPhoneBar extends HTMLElement {
  static readonly observedAttributes = ['vendor-type', 'user', 'url', 'password'];
  /** The `agent` behind this bar (after it connected once). */
  agent: Agent | null = null;
  private secret = '';
  private running = '';
  private scheduled = false;

  get vendorType(): string {
    return this.getAttribute('vendor-type') ?? VENDOR_TYPE.CC_WORKBENCH;
  }
  set vendorType(value: string) {
    this.setAttribute('vendor-type', value);
  }
  get user(): string {
    return this.getAttribute('user') ?? '';
  }
  set user(value: string) {
    this.setAttribute('user', value);
  }
  get url(): string {
    return this.getAttribute('url') ?? '';
  }
  set url(value: string) {
    this.setAttribute('url', value);
  }
  /** A property, never rendered (Vue 3 sets it so); a `password` attribute (Vue 2) is read and removed. */
  get password(): string {
    return this.secret;
  }
  set password(value: string) {
    this.secret = typeof value === 'string' ? value : '';
    this.schedule();
  }

  connectedCallback(): void {
    this.schedule();
  }

  disconnectedCallback(): void {
    // A move (removed and inserted in one task) keeps the connection and its call.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.running = '';
      void this.agent?.disconnect();
    });
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (name === 'password' && value !== null) {
      this.secret = value;
      this.removeAttribute('password');
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.start();
    });
  }

  private start(): void {
    const key = JSON.stringify([this.vendorType, this.user, this.url, this.secret]);
    if (!this.isConnected || !this.user || !this.secret || key === this.running) return;
    this.running = key;
    void this.agent?.disconnect();
    const agent = new Agent(this.vendorType, { container: this });
    agent.on('onCallInRing', (ringInfo: RingInfo) => {
      this.dispatchEvent(Object.assign(new CustomEvent<RingInfo>('ring', { detail: ringInfo }), ringInfo));
    });
    this.agent = agent;
    void agent.connect(this.user, this.secret, this.url);
  }
}

interface VueConfig {
  ignoredElements?: (string | RegExp)[];
  compilerOptions?: { isCustomElement?: (tag: string) => boolean };
}

/** Custom elements Vue must leave to the browser. */
const ELEMENTS = ['phone-bar', 'cc-workbench'];

/** Defines `<phone-bar>` unless the page has it. */
export function definePhoneBar(): void {
  if (!customElements.get('phone-bar')) customElements.define('phone-bar', CcPhoneBar);
}

/**
 * The reference's `import phoneBar from 'phone-sdk'; Vue.use(phoneBar)`, without Vue in this
 * bundle: `<phone-bar>` is a custom element, so the plugin only tells Vue to leave it to the
 * browser (Vue 2 `config.ignoredElements`, Vue 3 `config.compilerOptions.isCustomElement`).
 */
export const phoneBar = {
  install(app: unknown): void {
    const config = (app as { config?: VueConfig } | null)?.config;
    if (!config || typeof config !== 'object') throw developmentError('phoneBar.install(app): app must be a Vue app (Vue 3) or the Vue constructor (Vue 2)');
    if (Array.isArray(config.ignoredElements)) {
      for (const tag of ELEMENTS) if (!config.ignoredElements.includes(tag)) config.ignoredElements.push(tag);
    }
    if (config.compilerOptions && typeof config.compilerOptions === 'object') {
      const previous = config.compilerOptions.isCustomElement;
      config.compilerOptions.isCustomElement = (tag) => ELEMENTS.includes(tag) || previous?.(tag) === true;
    }
    definePhoneBar();
  },
};

/** The ready instance the reference's snippets call `agent`. */
export const agent = new Agent(VENDOR_TYPE.CC_WORKBENCH);

declare global {
  interface Window {
    /** The classic script's global (the reference documents none): `PhoneSdk.agent`, `new PhoneSdk.Agent()`. */
    PhoneSdk?: { Agent: typeof Agent; VENDOR_TYPE: typeof VENDOR_TYPE; agent: Agent; phoneBar: typeof phoneBar };
  }
  interface HTMLElementTagNameMap {
    'phone-bar': CcPhoneBar;
  }
}

definePhoneBar();
window.PhoneSdk ??= { Agent, VENDOR_TYPE, agent, phoneBar };
