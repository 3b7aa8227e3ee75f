import { createActor, fromPromise } from 'xstate';
import type { Actor, SnapshotFrom } from 'xstate';
import { agentMachine } from '../machines/agent-machine.js';
import type { AgentMachine } from '../machines/agent-machine.js';
import { ERROR } from '../machines/agent-types.js';
import type {
  AgentCommandBody,
  AgentEmitted,
  AgentEvent,
  CallInfo,
  CcErrorInfo,
  CtiChange,
  StatusCode,
} from '../machines/agent-types.js';
import { PHONE_COMMANDS, SUPERVISOR_COMMANDS } from './compat/phone-methods.js';
import { CtiClient } from './cti/cti-client.js';
import { bindHostEvents } from './events/host-events.js';
import type { HostEventHooks } from './events/host-events.js';
import { DEFAULTS, policyOf, validateConfig } from './config.js';
import type { PhoneConfig } from './config.js';
import { CcError } from './errors.js';
import { sipUserOf } from './sip-uri.js';
import { acceptsCommand, selectView } from '../machines/agent-selectors.js';
import type { AgentView } from '../machines/agent-selectors.js';
import type { AgentPolicy } from '../machines/agent-types.js';
import type { EmittedOf, PublicConfig, ViewSource } from './phone-api.js';
import { createSipActor } from './sip/jssip-actor.js';
import type { SipSettings } from './sip/jssip-actor.js';
import type { JsSIP } from './sip/load-jssip.js';
import type { MediaPlug } from './sip/media-plug.js';

export type AgentActor = Actor<AgentMachine>;
export type AgentSnapshot = SnapshotFrom<AgentMachine>;

const DIGITS = /^[0-9*#A-Da-d]+$/;
const CALLEE = /^[^\s<>"]+$/;
/** What `X-CC-User-Data` may carry (a SIP header value with nothing to escape). */
const USER_DATA = /^[\w.:=,;-]{0,256}$/;

/** Milliseconds a dial or consult may take to be answered; a transfer to be accepted. */
const LONG = 120_000;
const TRANSFER = 90_000;

/** What another tab may ask this phone to do: its commands, nothing else (never destroy()). */
const RELAYED: ReadonlySet<string> = new Set([...PHONE_COMMANDS, ...SUPERVISOR_COMMANDS]);

let sequence = 0;
let requestSequence = 0;

const none = (): void => undefined;
/** The leg a dial, answer or consult connected. */
const connected = (done: { call?: CallInfo }): CallInfo => {
  if (!done.call) throw new Error('the statechart completed a call command without its leg');
  return done.call;
};
export function localCallId(): string {
  sequence += 1;
  return `cc-${Date.now().toString(36)}-${sequence}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Test and embedding hooks that are not part of the public configuration. */
export interface PhoneInternals {
  /** Replaces the SIP actor (unit tests use an in-memory fake). */
  readonly sipActor?: ReturnType<typeof createSipActor>;
  readonly loadJsSip?: () => Promise<JsSIP>;
  readonly now?: () => number;
  /** The statechart to run instead of the agent's (src/supervisor.ts adds monitoring), given the phone's CTI client. */
  readonly machine?: (cti: CtiClient | null) => AgentMachine;
}

/**
 * A headless agent softphone: the started agent statechart with its SIP actor, and the
 * reference-style command API. `<cc-workbench>` is a view over one of these (or, in a tab that
 * does not hold the agent's registration, over a `TabPhone` relaying to the tab that does).
 */
export class Phone {
  /** The running agent actor; elements select from its snapshots and send it commands. */
  readonly actor: AgentActor;
  /** The view model of each snapshot, what the elements subscribe to. */
  readonly views: ViewSource;
  /** This phone registers and plays the media itself (a `TabPhone` relays to another tab's). */
  readonly holdsMedia = true;
  /** Resolves once the phone was destroyed and its socket closed: nothing more reaches the registrar. */
  readonly closed: Promise<void>;
  /** Set while a command another tab gave runs: its hooks (dial / hang-up requests) ran in that tab. */
  private hooksRan = false;
  /** The configuration, without `password`, `credentials` and `ctiHeaders` (which may hold tokens). */
  readonly config: PublicConfig;
  /** What a number must match before it is dialled (`dialPattern`). */
  private readonly dialPattern: RegExp;
  /** The host's CTI API, when configured (`cti` or `ctiRequest`); null in SIP-only mode. */
  readonly cti: CtiClient | null;
  /** Runs before each dial: return the (possibly rewritten) callee, or false to veto. */
  onBeforeDial: PhoneConfig['onBeforeDial'];
  /** Runs before each hang-up: return false to veto. */
  onBeforeHangup: PhoneConfig['onBeforeHangup'];
  /** Where the remote audio plays: `audioElement`, else an element of the phone's own (not in the page). */
  readonly audio: HTMLAudioElement;
  /** The devices and call quality chunk (src/media/), once loaded: the call legs ask it for their microphone. */
  media: MediaPlug | null = null;
  private readonly hostErrorHandlers = new Set<(error: CcErrorInfo) => void>();
  /** Commands sent and not yet answered, by request id: destroy() rejects them. */
  private readonly waiting = new Map<string, (error: CcErrorInfo) => void>();

  constructor(config: PhoneConfig, internals: PhoneInternals = {}) {
    const issues = validateConfig(config);
    if (issues.length > 0) {
      throw new CcError({
        errorCode: ERROR.configInvalid,
        errorMsg: issues.map((i) => i.message).join('; '),
        command: 'createPhone',
      });
    }
    this.config = publicConfig(config);
    this.onBeforeDial = config.onBeforeDial ?? null;
    this.onBeforeHangup = config.onBeforeHangup ?? null;
    this.audio = config.audioElement ?? Phone.detachedAudio();
    const pattern =
      config.internalPattern instanceof RegExp ? config.internalPattern : new RegExp(config.internalPattern ?? DEFAULTS.internalPattern);
    this.dialPattern = dialPatternOf(config);
    const policy = policyOf(config);
    let closed = none;
    this.closed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const settings: SipSettings = {
      server: config.server,
      uri: config.sipUri.trim(),
      displayName: config.displayName ?? null,
      authorizationUser: config.authorizationUser ?? null,
      password: async () => {
        if (config.credentials) {
          const result = await config.credentials();
          if (!result || typeof result.password !== 'string') {
            throw new Error('credentials() did not return { password }');
          }
          return result.password;
        }
        if (typeof config.password === 'string') return config.password;
        throw new Error('no password: set the password property or a credentials function');
      },
      iceServers: config.iceServers ?? [],
      dtmfMode: config.dtmfMode ?? DEFAULTS.dtmfMode,
      iceGatheringTimeoutMs: config.iceGatheringTimeoutMs ?? DEFAULTS.iceGatheringTimeoutMs,
      noAnswerTimeout: Math.max(60, policy.ringTimeout + 10, (policy.autoAnswer ?? 0) + 10),
      isInternal: (user) => pattern.test(user),
      acceptAutoAnswer: config.acceptAutoAnswer === true,
      jobIdHeader: config.jobIdHeader ?? DEFAULTS.jobIdHeader,
      audioElement: () => this.audio,
      transferTimeoutMs: 60_000,
      media: () => this.media,
      contactUri: config.contactUri ?? null,
      instanceId: config.instanceId ?? null,
      closed: () => closed(),
      ...(internals.loadJsSip ? { loadJsSip: internals.loadJsSip } : {}),
    };
    this.cti = ctiClientOf(config);
    const cti = this.cti;
    const machine = (internals.machine?.(cti) ?? agentMachine).provide({
      actors: {
        sip: internals.sipActor ?? createSipActor(settings),
        cti: fromPromise<void, CtiChange>(({ input }) =>
          cti ? cti.change(input) : Promise.reject(new Error('no CTI API configured')),
        ),
      },
    });
    this.actor = createActor(machine, {
      input: { policy, cti: cti !== null, ...(internals.now ? { now: internals.now } : {}) },
    });
    this.actor.start();
    this.views = {
      getSnapshot: () => this.view,
      subscribe: (observer) => this.actor.subscribe((snapshot) => observer(selectView(snapshot))),
    };
    // A fake SIP actor (tests) has no registrar to tell: nothing of it is left to close.
    if (internals.sipActor) closed();
  }

  private static detachedAudio(): HTMLAudioElement {
    const audio = document.createElement('audio');
    audio.autoplay = true;
    return audio;
  }

  /** Listens to one kind of fact the phone reports; returns the unsubscribe function. */
  on<K extends AgentEmitted['type']>(type: K, handler: (event: EmittedOf<K>) => void): () => void {
    const sub = this.actor.on(type, handler as (event: AgentEmitted) => void);
    return () => sub.unsubscribe();
  }

  get snapshot(): AgentSnapshot {
    return this.actor.getSnapshot();
  }

  /** The view model of the current state (computed once per snapshot; what the elements render). */
  get view(): AgentView {
    return selectView(this.snapshot);
  }

  /** Current and previous status codes (reference `getStatusCode()`). */
  getStatusCode(): { code: StatusCode; lastCode: StatusCode } {
    const { code, lastCode } = this.snapshot.context;
    return { code, lastCode };
  }

  /** Registers with the SIP server; resolves when registered (status 1). */
  register(): Promise<void> {
    return this.command({ type: 'agent.register' }).then(none);
  }

  /** Unregisters and closes the SIP connection; resolves at status -1. */
  unregister(): Promise<void> {
    return this.command({ type: 'agent.unregister' }).then(none);
  }

  /** Logs in (status 1 -> 3). */
  logIn(): Promise<void> {
    return this.command({ type: 'agent.login' }).then(none);
  }

  /** Logs out (back to status 1, still registered). */
  logOut(): Promise<void> {
    return this.command({ type: 'agent.logout' }).then(none);
  }

  /** Becomes ready for calls (status 3). */
  ready(): Promise<void> {
    return this.command({ type: 'agent.ready' }).then(none);
  }

  /** Goes on break (status 2) with a reason for reporting; 'default' when none is given. */
  applyForBreak(reason?: string): Promise<void> {
    return this.command({ type: 'agent.break', ...(reason ? { reason } : {}) }).then(none);
  }

  /**
   * Places a call. Runs the before-dial hook (which may rewrite or veto the number), then
   * resolves with the call once it is answered, or rejects with the SIP cause. `callerId` is
   * the outbound number to present (one of `cti.listOutboundNumbers()`), when the PBX allows it.
   * `userData`: the host's data for the call (e.g. a ticket id), sent as `X-CC-User-Data` so the
   * call center keeps it with the call and its record, and reported on the call's events.
   */
  async call(callee: string, options: { callerId?: string; userData?: string } = {}): Promise<CallInfo> {
    let target = this.checkTarget(callee, 'call');
    // Refuse before asking the host, so a veto listener never sees an impossible dial.
    if (!this.hooksRan && this.accepts('call.dial')) target = await askBeforeDial(this.onBeforeDial, target, (info) => this.fail(info));
    const callerId = typeof options?.callerId === 'string' ? options.callerId.trim() : '';
    if (callerId && !CALLEE.test(callerId)) {
      throw this.fail({ errorCode: ERROR.invalidArgument, errorMsg: `callerId "${callerId}" is not a number or SIP URI`, command: 'call' });
    }
    const userData = options?.userData ?? '';
    if (typeof userData !== 'string' || !USER_DATA.test(userData)) {
      throw this.fail({ errorCode: ERROR.invalidArgument, errorMsg: `userData: up to 256 of A-Z a-z 0-9 _.:=,;-`, command: 'call' });
    }
    const body = { type: 'call.dial', callee: target, callId: localCallId(), ...(callerId ? { callerId } : {}), ...(userData ? { userData } : {}) } as const;
    return this.command(body, LONG).then(connected);
  }

  /** Answers the ringing call; resolves when media is connected. */
  answer(): Promise<CallInfo> {
    return this.command({ type: 'call.answer' }).then(connected);
  }

  /** Hangs up (or rejects a ringing call). The before-hang-up hook may veto. */
  async hangUp(): Promise<void> {
    if (!this.hooksRan && this.accepts('call.hangup')) await askBeforeHangup(this.onBeforeHangup, (info) => this.fail(info));
    return this.command({ type: 'call.hangup' }).then(none);
  }

  /** Holds the call; resolves when the PBX accepted the re-INVITE (status 12), rejects with 7003 when not. */
  hold(): Promise<void> {
    return this.command({ type: 'call.hold' }).then(none);
  }

  /** Resumes a held call; resolves when the PBX accepted the re-INVITE. */
  retrieve(): Promise<void> {
    return this.command({ type: 'call.retrieve' }).then(none);
  }

  /** Mutes the microphone for the call. */
  mute(): Promise<void> {
    return this.command({ type: 'call.mute' }).then(none);
  }

  /** Unmutes the microphone. */
  unmute(): Promise<void> {
    return this.command({ type: 'call.unmute' }).then(none);
  }

  /** Sends DTMF digits (0-9, *, #, A-D) on the active call; rejects with 7005 when they could not be sent. */
  async sendDtmf(digits: string): Promise<void> {
    const text = typeof digits === 'string' ? digits.trim() : String(digits);
    if (!DIGITS.test(text)) {
      throw this.fail({ errorCode: ERROR.invalidArgument, errorMsg: `"${text}" is not a DTMF string (0-9, *, #, A-D)`, command: 'sendDtmf' });
    }
    return this.command({ type: 'dtmf.send', digits: text }).then(none);
  }

  /** Blind transfer (REFER); resolves when the target accepted and the agent's call ended. */
  async transfer(target: string): Promise<void> {
    const to = this.checkTarget(target, 'transfer');
    return this.command({ type: 'call.transfer', target: to }, TRANSFER).then(none);
  }

  /** Holds the customer and calls the consult target; resolves with the consult leg when the target answers. */
  async consult(target: string): Promise<CallInfo> {
    const to = this.checkTarget(target, 'consult');
    return this.command({ type: 'call.consult', target: to, callId: localCallId() }, LONG).then(connected);
  }

  /** Completes the attended transfer (REFER with Replaces); both calls end for the agent. */
  completeTransfer(): Promise<void> {
    return this.command({ type: 'call.completeTransfer' }, TRANSFER).then(none);
  }

  /** Ends the consult call; resolves when the customer is resumed. */
  cancelConsult(): Promise<void> {
    return this.command({ type: 'call.cancelConsult' }).then(none);
  }

  /**
   * From a consultation (status 17 or 18): joins the customer and the consulted party in one call
   * (status 19), mixed in this browser, so it works with any PBX; resolves once mixed.
   */
  conference(): Promise<void> {
    return this.command({ type: 'call.conference' }).then(none);
  }

  /** During a consultation: talks to the other party, holding the current one (status 17 <-> 18). */
  swap(): Promise<void> {
    return this.command({ type: 'call.swap' }).then(none);
  }

  /** In a conference: hangs up `customer` or `consult`; the agent stays with the other. */
  dropParty(party: 'customer' | 'consult'): Promise<void> {
    if (party !== 'customer' && party !== 'consult') {
      throw this.fail({ errorCode: ERROR.invalidArgument, errorMsg: `dropParty: "${String(party)}" is not customer or consult`, command: 'dropParty' });
    }
    return this.command({ type: 'call.dropParty', party }).then(none);
  }

  /** Applies new policy values (after-call, ring timeout, auto-answer) to the running phone. */
  retune(policy: AgentPolicy): void {
    this.actor.send({ type: 'config.policy', policy });
  }

  /**
   * Runs a command another tab of the agent gave (`src/tabs/`): that tab already asked its page
   * (`cc-dial-request`, `cc-hangup-request`), so this one does not ask again.
   */
  relayed(name: string, args: readonly unknown[]): Promise<unknown> {
    const method = (this as unknown as Record<string, unknown>)[name];
    if (!RELAYED.has(name) || typeof method !== 'function') {
      return Promise.reject(new CcError({ errorCode: ERROR.invalidArgument, errorMsg: `${name} is not a command of this phone`, command: name }));
    }
    this.hooksRan = true;
    try {
      return Promise.resolve((method as (...a: unknown[]) => unknown).apply(this, [...args]));
    } catch (error) {
      return Promise.reject(error);
    } finally {
      this.hooksRan = false;
    }
  }

  /** Stops the phone: hangs up, unregisters, releases the microphone and the socket. */
  destroy(): void {
    this.actor.stop();
    const error: CcErrorInfo = { errorCode: ERROR.agentNotRegistered, errorMsg: 'The phone was destroyed', command: 'destroy' };
    for (const reject of [...this.waiting.values()]) reject(error);
  }

  /**
   * Dispatches this phone's facts as `cc-*` DOM events on `host` (what `<cc-workbench>` does with
   * its phone); returns what undoes it. Lives with the phone, so the event classes load with the
   * phone core, not with the elements' first paint.
   */
  bindHost(host: HTMLElement, hooks?: HostEventHooks): () => void {
    return bindHostEvents(host, this, hooks);
  }

  /** Binds the DOM events a kind of phone adds (supervisor phones: `cc-monitor-*`); returns what unbinds them. */
  hostEvents(_fire: (event: Event) => boolean): () => void {
    return none;
  }

  /** True when the current state accepts this command (not answered by 9001). */
  accepts(type: AgentEvent['type']): boolean {
    return acceptsCommand(this.snapshot, type);
  }

  /**
   * The number as it will be dialled (spaces, dashes, dots and parentheses removed), or null when
   * it does not match the dial pattern (`dial-pattern`). A SIP URI (`sip:user@host` or
   * `user@host`) passes as it is.
   */
  dialable(number: string): string | null {
    return dialableWith(this.dialPattern, number);
  }

  private checkTarget(target: string, command: string): string {
    const to = this.dialable(target);
    if (to === null) {
      throw this.fail({ errorCode: ERROR.invalidArgument, errorMsg: `${command}: "${String(target)}" is not a valid number`, command });
    }
    return to;
  }

  protected fail(info: CcErrorInfo): CcError {
    // Argument errors and vetoes never reach the statechart, so the host hears of them here.
    this.emitHostError(info);
    return new CcError(info);
  }

  /** Errors raised outside the statechart (bad arguments, vetoes); the element forwards them as cc-error. */
  onHostError(handler: (error: CcErrorInfo) => void): () => void {
    this.hostErrorHandlers.add(handler);
    return () => this.hostErrorHandlers.delete(handler);
  }

  private emitHostError(info: CcErrorInfo): void {
    for (const handler of this.hostErrorHandlers) handler(info);
  }

  /**
   * Sends one command with a fresh request id and settles when the statechart answers that id
   * (`request.done` / `request.failed`), or after `timeoutMs` (7020, which the statechart never
   * hears of, so the host is told here).
   */
  protected command(body: AgentCommandBody, timeoutMs = 30_000): Promise<Extract<AgentEmitted, { type: 'request.done' }>> {
    const id = `r${(requestSequence += 1)}`;
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void): void => {
        this.waiting.delete(id);
        done.unsubscribe();
        failed.unsubscribe();
        clearTimeout(timer);
        settle();
      };
      const done = this.actor.on('request.done', (event) => {
        if (event.id === id) finish(() => resolve(event));
      });
      const failed = this.actor.on('request.failed', (event) => {
        if (event.id === id) finish(() => reject(new CcError(event.error)));
      });
      const timer = setTimeout(() => {
        const error: CcErrorInfo = { errorCode: ERROR.timeout, errorMsg: `${body.type} did not complete within ${timeoutMs / 1000} s`, command: body.type };
        this.emitHostError(error);
        finish(() => reject(new CcError(error)));
      }, timeoutMs);
      this.waiting.set(id, (error) => finish(() => reject(new CcError(error))));
      this.actor.send({ ...body, id } as AgentEvent);
    });
  }
}

/** The CTI client a config asks for (`cti` or `ctiRequest`), or null in SIP-only mode. */
export function ctiClientOf(config: PhoneConfig): CtiClient | null {
  if (!config.cti && !config.ctiRequest) return null;
  return new CtiClient({
    url: config.cti ?? '',
    method: config.ctiMethod ?? DEFAULTS.ctiMethod,
    actionParam: config.ctiActionParam ?? DEFAULTS.ctiActionParam,
    headers: { ...config.ctiHeaders },
    params: { ...config.ctiParams },
    common: { ...config.ctiCommon },
    userId: config.ctiUserId ?? (sipUserOf(config.sipUri) || config.sipUri),
    timeoutMs: config.ctiTimeoutMs ?? DEFAULTS.ctiTimeoutMs,
    request: config.ctiRequest ?? null,
    withCredentials: config.ctiWithCredentials === true,
  });
}

/** The configuration a phone shows: without `password`, `credentials` and `ctiHeaders` (they may hold tokens). */
export function publicConfig(config: PhoneConfig): PublicConfig {
  // Secrets stay in the SIP settings' closure; the public config never carries them.
  const { password: _password, credentials: _credentials, ctiHeaders: _ctiHeaders, ...visible } = config;
  return Object.freeze(visible);
}

/**
 * Asks the page before a dial (the before-dial hook, `cc-dial-request`): the number to dial, or
 * throws `fail`'s error for the veto (7010).
 */
export async function askBeforeDial(hook: PhoneConfig['onBeforeDial'], target: string, fail: (info: CcErrorInfo) => Error): Promise<string> {
  if (!hook) return target;
  const decision = await hook(target);
  if (decision === false) throw fail({ errorCode: ERROR.dialVetoed, errorMsg: `The call to ${target} was cancelled by the host page`, command: 'call' });
  return decision.trim();
}

/** Asks the page before a hang-up (`cc-hangup-request`); throws `fail`'s error for the veto (7011). */
export async function askBeforeHangup(hook: PhoneConfig['onBeforeHangup'], fail: (info: CcErrorInfo) => Error): Promise<void> {
  if (hook && (await hook()) === false) throw fail({ errorCode: ERROR.hangupVetoed, errorMsg: 'The hang-up was cancelled by the host page', command: 'hangUp' });
}

/** The number as it will be dialled with `pattern` (see `Phone.dialable`), or null. */
export function dialableWith(pattern: RegExp, number: string): string | null {
  const text = typeof number === 'string' ? number.trim() : '';
  if (/^(?:sips?:)?[^\s<>"@]+@[^\s<>"@]+$/i.test(text)) return text;
  const digits = text.replace(/[\s().-]/g, '');
  return digits && pattern.test(digits) ? digits : null;
}

/** The `dialPattern` of a config as a regular expression (its default when absent). */
export const dialPatternOf = (config: Pick<PhoneConfig, 'dialPattern'>): RegExp =>
  config.dialPattern instanceof RegExp ? config.dialPattern : new RegExp(config.dialPattern ?? DEFAULTS.dialPattern);

/** Creates and starts a headless phone (no UI). Throws a CcError (7100) naming every bad option. */
export function createPhone(config: PhoneConfig): Phone {
  return new Phone(config);
}

/** Starts loading JsSIP in the background (elements call it after their first paint). */
export { loadJsSip as preloadSip } from './sip/load-jssip.js';
/** The workbench's ringtone, notification and leave warning, loaded with the phone core. */
export { CcAlertController } from './controllers/alert-controller.js';

export { acceptsCommand } from '../machines/agent-selectors.js';
