/**
 * The two sides of one agent's tabs (src/tabs/tab-seat.ts elects the leader), over a
 * BroadcastChannel of the same origin:
 * - `lead()`, in the leader tab: sends its phone's view (on every change) and every fact it
 *   emits, runs the commands other tabs relay (once per request id) and answers them;
 * - `TabPhone`, in the other tabs: a phone for the elements and the host events whose state is
 *   the leader's, whose facts are the leader's, and whose commands run in the leader after this
 *   tab's page was asked (`cc-dial-request`, `cc-hangup-request`).
 *
 * A chunk of its own: a page with one tab per agent never loads it.
 */
import { IDLE_VIEW, sameView } from '../../machines/agent-selectors.js';
import type { AgentView } from '../../machines/agent-selectors.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { AgentEmitted, AgentPolicy, CallInfo, CcErrorInfo, StatusCode } from '../../machines/agent-types.js';
import { PHONE_COMMANDS, SUPERVISOR_COMMANDS } from '../compat/phone-methods.js';
import type { PhoneConfig } from '../config.js';
import { CcError } from '../errors.js';
import { bindMonitorEvents } from '../events/cc-monitor-event.js';
import { bindHostEvents } from '../events/host-events.js';
import type { HostEventHooks } from '../events/host-events.js';
import type { EmittedOf, PhoneApi, PublicConfig, ViewSource } from '../phone-api.js';
import { askBeforeDial, askBeforeHangup, ctiClientOf, dialableWith, dialPatternOf, publicConfig } from '../phone.js';
import type { Phone } from '../phone.js';
import { channelName } from './tab-seat.js';

/** Messages on the channel. Followers: hello, cmd. Leader: leader, view, fact, res, bye. */
type TabMessage =
  | { readonly t: 'hello' }
  | { readonly t: 'cmd'; readonly id: string; readonly name: string; readonly args: readonly unknown[] }
  | { readonly t: 'leader' }
  | { readonly t: 'bye' }
  | { readonly t: 'view'; readonly view: PortableView }
  | { readonly t: 'fact'; readonly fact: AgentEmitted }
  | { readonly t: 'res'; readonly id: string; readonly ok: true; readonly value: unknown }
  | { readonly t: 'res'; readonly id: string; readonly ok: false; readonly error: CcErrorInfo };

/** A view without its clock function (structured clone refuses functions). */
type PortableView = Omit<AgentView, 'now'>;

/** Commands a relayed request may name; nothing else of the phone is reachable from another tab. */
const COMMANDS: ReadonlySet<string> = new Set([...PHONE_COMMANDS, ...SUPERVISOR_COMMANDS]);
/** Answers kept for requests a follower may send again after a leader change. */
const KEPT_ANSWERS = 200;
/** A follower asks for the state again until a leader answers, at most HELLOS times in a row. */
const HELLO_MS = 500;
const HELLOS = 60;
/** Milliseconds a relayed command may take (the leader's own timeouts come first). */
const RELAY_TIMEOUT_MS = 150_000;

const portable = (view: AgentView): PortableView => {
  const { now: _now, ...rest } = view;
  return rest;
};

const errorInfo = (error: unknown, command: string): CcErrorInfo =>
  error instanceof CcError
    ? error.toJSON()
    : { errorCode: ERROR.timeout, errorMsg: error instanceof Error ? error.message : String(error), command };

/**
 * The leader's side: serves `phone` to the agent's other tabs on `channel` until the returned
 * function is called (the phone is replaced or destroyed), which also tells them it left.
 */
export function lead(channel: BroadcastChannel, phone: Phone): () => void {
  const post = (message: TabMessage): void => channel.postMessage(message);
  let sent: AgentView | null = null;
  const sendView = (view: AgentView, again = false): void => {
    if (!again && sent && sameView(sent, view)) return;
    sent = view;
    post({ t: 'view', view: portable(view) });
  };
  /** Answers by request id: a command sent again (after a leader change) runs once. */
  const answers = new Map<string, Promise<TabMessage>>();
  const run = (id: string, name: string, args: readonly unknown[]): void => {
    let answer = answers.get(id);
    if (!answer) {
      answer = (COMMANDS.has(name) ? phone.relayed(name, args) : Promise.reject(new Error(`${name} is not a command`))).then(
        (value): TabMessage => ({ t: 'res', id, ok: true, value }),
        (error: unknown): TabMessage => ({ t: 'res', id, ok: false, error: errorInfo(error, name) }),
      );
      answers.set(id, answer);
      if (answers.size > KEPT_ANSWERS) answers.delete(answers.keys().next().value as string);
    }
    void answer.then(post);
  };
  channel.onmessage = ({ data }: MessageEvent<TabMessage>) => {
    if (data?.t === 'hello') sendView(phone.view, true);
    else if (data?.t === 'cmd' && typeof data.id === 'string' && Array.isArray(data.args)) run(data.id, String(data.name), data.args);
  };
  const views = phone.views.subscribe((view) => sendView(view));
  const facts = phone.actor.on('*', (fact) => post({ t: 'fact', fact: fact as AgentEmitted }));
  // Errors raised outside the statechart (a timeout, a bad argument): every tab shows them too.
  const hostErrors = phone.onHostError((error) => post({ t: 'fact', fact: { type: 'error', error } }));
  const bye = (): void => post({ t: 'bye' });
  addEventListener('pagehide', bye);
  post({ t: 'leader' });
  sendView(phone.view, true);
  return () => {
    removeEventListener('pagehide', bye);
    views.unsubscribe();
    facts.unsubscribe();
    hostErrors();
    channel.onmessage = null;
    bye();
  };
}

interface Pending {
  readonly name: string;
  readonly args: readonly unknown[];
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: CcError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

let requestSequence = 0;
const tabId = Math.random().toString(36).slice(2, 8);

/**
 * A phone whose registration and media are in another tab of the same agent: it shows that
 * tab's state and facts, and relays every command there (waiting while no tab leads, e.g. during
 * a hand-over). Commands keep their promise shape: resolved with the leader's value, rejected
 * with its `{ errorCode, errorMsg }`.
 */
export class TabPhone implements Omit<PhoneApi, (typeof PHONE_COMMANDS)[number]> {
  readonly holdsMedia = false;
  readonly config: PublicConfig;
  readonly cti;
  readonly closed = Promise.resolve();
  readonly views: ViewSource;
  onBeforeDial: PhoneConfig['onBeforeDial'] = null;
  onBeforeHangup: PhoneConfig['onBeforeHangup'] = null;
  /** The leader's last view; the idle view while no tab leads. */
  view: AgentView = IDLE_VIEW;
  /** The last view a leader sent (kept when it left): what the next leader restores. */
  lastLeaderView: AgentView | null = null;
  private readonly channel: BroadcastChannel;
  private readonly dialPattern: RegExp;
  private readonly observers = new Set<(view: AgentView) => void>();
  private readonly handlers = new Map<string, Set<(event: AgentEmitted) => void>>();
  private readonly hostErrorHandlers = new Set<(error: CcErrorInfo) => void>();
  private readonly pending = new Map<string, Pending>();
  private hello: ReturnType<typeof setInterval> | null = null;
  private destroyed = false;

  constructor(config: PhoneConfig, key: string) {
    this.config = publicConfig(config);
    this.cti = ctiClientOf(config);
    this.dialPattern = dialPatternOf(config);
    this.views = {
      getSnapshot: () => this.view,
      subscribe: (observer) => {
        this.observers.add(observer);
        return { unsubscribe: () => this.observers.delete(observer) };
      },
    };
    const names = config.supervisor ? [...PHONE_COMMANDS, ...SUPERVISOR_COMMANDS] : PHONE_COMMANDS;
    for (const name of names) {
      if (name === 'call' || name === 'hangUp') continue;
      Object.defineProperty(this, name, { value: (...args: unknown[]) => this.relay(name, args), configurable: true });
    }
    this.channel = new BroadcastChannel(channelName(key));
    this.channel.onmessage = ({ data }: MessageEvent<TabMessage>) => this.receive(data);
    this.askState();
  }

  /** Places a call through the leader once this tab's page agreed (`cc-dial-request`). */
  async call(callee: string, options: { callerId?: string; userData?: string } = {}): Promise<CallInfo> {
    let target = dialableWith(this.dialPattern, callee);
    if (target === null) throw this.fail({ errorCode: ERROR.invalidArgument, errorMsg: `call: "${String(callee)}" is not a valid number`, command: 'call' });
    if (this.view.accepted.has('call.dial')) target = await askBeforeDial(this.onBeforeDial, target, (info) => this.fail(info));
    return this.relay('call', [target, options]) as Promise<CallInfo>;
  }

  /** Hangs up through the leader once this tab's page agreed (`cc-hangup-request`). */
  async hangUp(): Promise<void> {
    if (this.view.accepted.has('call.hangup')) await askBeforeHangup(this.onBeforeHangup, (info) => this.fail(info));
    await this.relay('hangUp', []);
  }

  on<K extends AgentEmitted['type']>(type: K, handler: (event: EmittedOf<K>) => void): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    const h = handler as (event: AgentEmitted) => void;
    set.add(h);
    return () => set.delete(h);
  }

  onHostError(handler: (error: CcErrorInfo) => void): () => void {
    this.hostErrorHandlers.add(handler);
    return () => this.hostErrorHandlers.delete(handler);
  }

  bindHost(host: HTMLElement, hooks?: HostEventHooks): () => void {
    return bindHostEvents(host, this as unknown as PhoneApi, hooks);
  }

  hostEvents(fire: (event: Event) => boolean): () => void {
    return this.config.supervisor ? bindMonitorEvents(this, fire) : () => undefined;
  }

  dialable(number: string): string | null {
    return dialableWith(this.dialPattern, number);
  }

  getStatusCode(): { code: StatusCode; lastCode: StatusCode } {
    return { code: this.view.code, lastCode: this.view.lastCode };
  }

  /**
   * This tab took over from a leader that went away: brings the agent back on `phone` where that
   * leader had it (registered, logged in, on break with its reason). False when there is nothing
   * to restore (no leader was seen registered).
   */
  restore(phone: PhoneApi): boolean {
    const view = this.lastLeaderView;
    if (!view || view.code < STATUS.offline) return false;
    void (async () => {
      try {
        await phone.register();
        if (view.code < STATUS.break) return;
        await phone.logIn();
        if (view.code === STATUS.break) await phone.applyForBreak(view.breakReason ?? undefined);
      } catch {
        // Each failure reached the page as cc-error; the agent sees where it stands.
      }
    })();
    return true;
  }

  /** The leader's policy is the leader's page's: a follower's attributes do not change it. */
  retune(_policy: AgentPolicy): void {}

  /**
   * Stops showing the leader. Commands still waiting stay on the channel until answered or timed
   * out: when this tab itself becomes the leader, its new phone runs them.
   */
  destroy(): void {
    this.destroyed = true;
    this.stopAsking();
    this.observers.clear();
    this.handlers.clear();
    if (this.pending.size === 0) this.channel.close();
  }

  private relay(name: string, args: readonly unknown[]): Promise<unknown> {
    const id = `${tabId}-${(requestSequence += 1)}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error: CcErrorInfo = { errorCode: ERROR.timeout, errorMsg: `${name}: no tab of this agent answered within ${RELAY_TIMEOUT_MS / 1000} s`, command: name };
        this.settle(id, () => reject(this.fail(error)));
      }, RELAY_TIMEOUT_MS);
      this.pending.set(id, { name, args, resolve, reject, timer });
      this.post({ t: 'cmd', id, name, args });
    });
  }

  private settle(id: string, done: () => void): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    done();
    if (this.destroyed && this.pending.size === 0) this.channel.close();
  }

  private receive(data: TabMessage): void {
    switch (data?.t) {
      case 'leader':
        // A new leader: ask for its state, and send it what the last one did not answer.
        this.askState();
        for (const [id, { name, args }] of this.pending) this.post({ t: 'cmd', id, name, args });
        return;
      case 'bye':
        this.show(IDLE_VIEW);
        this.askState();
        return;
      case 'view':
        this.stopAsking();
        this.lastLeaderView = { ...data.view, now: Date.now };
        this.show(this.lastLeaderView);
        return;
      case 'fact':
        for (const handler of [...(this.handlers.get(data.fact.type) ?? [])]) handler(data.fact);
        return;
      case 'res': {
        const entry = this.pending.get(data.id);
        if (!entry) return;
        this.settle(data.id, () => (data.ok ? entry.resolve(data.value) : entry.reject(new CcError(data.error))));
        return;
      }
      default:
    }
  }

  private show(view: AgentView): void {
    if (this.destroyed) return;
    this.view = view;
    for (const observer of [...this.observers]) observer(view);
  }

  /** Says hello until a leader sends its state (it may be loading its side of the relay). */
  private askState(): void {
    if (this.destroyed || this.hello) return;
    let left = HELLOS;
    this.post({ t: 'hello' });
    this.hello = setInterval(() => {
      if ((left -= 1) <= 0) this.stopAsking();
      else this.post({ t: 'hello' });
    }, HELLO_MS);
  }

  private stopAsking(): void {
    if (this.hello) clearInterval(this.hello);
    this.hello = null;
  }

  private post(message: TabMessage): void {
    this.channel.postMessage(message);
  }

  private fail(info: CcErrorInfo): CcError {
    for (const handler of this.hostErrorHandlers) handler(info);
    return new CcError(info);
  }
}

// The relayed commands, installed in the constructor.
export interface TabPhone extends Omit<Pick<Phone, (typeof PHONE_COMMANDS)[number]>, 'call' | 'hangUp'> {}
