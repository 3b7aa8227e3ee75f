import { html, LitElement, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { CcClockController } from '../../src/controllers/clock-controller.js';
import { CcLocalizeController } from '../../src/controllers/localize-controller.js';
import { controlsStyles } from '../controls.styles.js';
import { formatDuration } from '../format.js';
import { themeStyles } from '../theme.styles.js';
import { visuallyHiddenStyles } from '../visually-hidden.styles.js';
import { agentBoardStyles } from './agent-board.styles.js';
import { boardTexts } from './board-texts.js';
import type { BoardAction, BoardTexts } from './board-texts.js';

export type MonitorMode = 'listen' | 'whisper' | 'barge';
const MODES: readonly MonitorMode[] = ['listen', 'whisper', 'barge'];

/** A supervisor monitoring an agent's call (the call center's view, `call.monitor` of a snapshot). */
export interface BoardCallMonitor {
  readonly supervisorId: string;
  /** `intercept` while an intercepting supervisor's leg is being answered. */
  readonly mode: MonitorMode | 'intercept';
}

/** An agent's current call, when the call center reports it. */
export interface BoardCall {
  readonly jobId: string;
  readonly caller: string;
  readonly queue: string;
  readonly direction: string;
  /** Epoch ms (call-center clock) the agent started talking; 0 while it rings. */
  readonly since: number;
  readonly monitor: BoardCallMonitor | null;
}

/** One agent as the call center's `snapshot` event describes it (demo/callcenter/live-events.mjs). */
export interface BoardAgent {
  readonly agentId: string;
  readonly name: string;
  /** `offline`, `ready`, `break`, `ringing`, `talking` or `afterCall`. */
  readonly state: string;
  readonly breakReason: string | null;
  /** Epoch ms (call-center clock) of the last state change. */
  readonly stateSince: number;
  /** False: logged in, but no registered softphone (it cannot take calls). */
  readonly registered: boolean;
  readonly queues: readonly string[];
  readonly call?: BoardCall | null;
  /** A supervisor's break or log-out that starts when the agent's call ends. */
  readonly pendingState?: BoardPendingState | null;
}

/** A change of state a supervisor asked for, waiting for the agent's call to end. */
export interface BoardPendingState {
  /** `break` or `offline`. */
  readonly state: string;
  readonly breakReason: string | null;
  /** The supervisor who asked. */
  readonly by: string;
}

/** A `snapshot` event of the stream. `queues` is passed on as received (the board does not show them). */
export interface BoardSnapshot {
  readonly time: number;
  readonly agents: readonly BoardAgent[];
  readonly queues: readonly unknown[];
}

/** The supervisor's monitoring session, as the phone reports it. */
export interface BoardMonitor {
  readonly agent: string;
  readonly mode: MonitorMode;
}

/**
 * What the board needs of a phone (`Phone` of src/phone.ts, the supervisor's own): a narrow type,
 * so the board neither imports the phone nor depends on more of it than it calls.
 */
export interface BoardPhone {
  monitor(agentId: string, mode: MonitorMode): Promise<unknown>;
  changeMonitorMode(mode: MonitorMode): Promise<unknown>;
  intercept(): Promise<unknown>;
  /** Ends the monitoring. */
  hangUp(): Promise<unknown>;
  readonly cti: { call(apiName: string, params: Record<string, unknown>): Promise<unknown> } | null;
  /**
   * The phone's facts the board follows: `status` (`{ code, context }`; 21 with `context.monitor`
   * `{ agent, mode }` while monitoring) and `monitor` (`{ phase: start | change | end, monitor }`,
   * also a mode change within status 21). `unknown`: the board checks what it reads, and any
   * phone's `on` (generic over its own facts) fits this type.
   */
  on(type: 'status' | 'monitor', handler: (event: unknown) => void): () => void;
}

/** Where the live stream stands; `idle` = no `events` URL (a host sets `agents` itself). */
export type BoardConnection = 'idle' | 'connecting' | 'live' | 'lost' | 'stopped' | 'refused';

/** The board received a snapshot from its stream (the page may show the queues it carries). */
export class CcBoardSnapshotEvent extends CustomEvent<BoardSnapshot> {
  static readonly eventName = 'cc-board-snapshot';

  constructor(detail: BoardSnapshot) {
    super(CcBoardSnapshotEvent.eventName, { bubbles: true, composed: true, detail });
  }
}

/** Status 21 of the phone: monitoring. */
const MONITORING = 21;
/** Reconnections in a row before the board stops trying (about 2.5 minutes with the default delay). */
const MAX_RECONNECTS = 8;
/** The first reconnection delay unless the stream's `retry:` says otherwise; doubled each time. */
const DEFAULT_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;
/** How long the status line says "Connection restored" before "Live". */
const RESTORED_MS = 5000;
/** Agents in a call come first: they are the ones a supervisor monitors. */
const STATE_RANK: Readonly<Record<string, number>> = { talking: 0, ringing: 1 };
const TONE: Readonly<Record<string, string>> = {
  ready: 'ready',
  break: 'away',
  afterCall: 'away',
  ringing: 'busy',
  talking: 'busy',
};
const byId = new Intl.Collator('en', { numeric: true });

type RecordOf = Record<string, unknown>;
const isRecord = (value: unknown): value is RecordOf => typeof value === 'object' && value !== null;
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const isMode = (value: unknown): value is MonitorMode => MODES.includes(value as MonitorMode);
const isCallMode = (value: unknown): value is BoardCallMonitor['mode'] => value === 'intercept' || isMode(value);
/** States with a call: the agent's state changes wait for its end. */
const IN_CALL: ReadonlySet<string> = new Set(['ringing', 'talking']);

/** The monitoring session a phone fact names, or null. */
function monitorOf(raw: unknown): BoardMonitor | null {
  return isRecord(raw) && text(raw['agent']) && isMode(raw['mode']) ? { agent: text(raw['agent']), mode: raw['mode'] } : null;
}

function toCall(raw: unknown): BoardCall | null {
  if (!isRecord(raw)) return null;
  const m = raw['monitor'];
  return {
    jobId: text(raw['jobId']),
    caller: text(raw['caller']),
    queue: text(raw['queue']),
    direction: text(raw['direction']),
    since: num(raw['since']),
    monitor: isRecord(m) && isCallMode(m['mode']) ? { supervisorId: text(m['supervisorId']), mode: m['mode'] } : null,
  };
}

function toAgent(raw: unknown): BoardAgent | null {
  if (!isRecord(raw) || !text(raw['agentId'])) return null;
  const queues = raw['queues'];
  const pending = raw['pendingState'];
  return {
    agentId: text(raw['agentId']),
    name: text(raw['name']),
    state: text(raw['state']) || 'offline',
    breakReason: text(raw['breakReason']) || null,
    stateSince: num(raw['stateSince']),
    registered: raw['registered'] !== false,
    queues: Array.isArray(queues) ? queues.map(text).filter(Boolean) : [],
    call: toCall(raw['call']),
    pendingState:
      isRecord(pending) && text(pending['state'])
        ? { state: text(pending['state']), breakReason: text(pending['breakReason']) || null, by: text(pending['by']) }
        : null,
  };
}

/** The snapshot in a `snapshot` event's data, or null when it is not one (then it is ignored). */
function toSnapshot(data: string): BoardSnapshot | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(raw) || !Array.isArray(raw['agents'])) return null;
  const queues = raw['queues'];
  return {
    time: num(raw['time']),
    agents: raw['agents'].map(toAgent).filter((a): a is BoardAgent => a !== null),
    queues: Array.isArray(queues) ? queues : [],
  };
}

/**
 * Reads a Server-Sent Events body (the WHATWG format: `event:`, `data:`, `retry:`, comments)
 * until it ends. Small on purpose: `id:` / Last-Event-ID are not needed, each snapshot is whole.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (type: string, data: string) => void,
  onRetry: (ms: number) => void = () => undefined,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let type = '';
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    // A character split across two chunks waits for its second half (stream: true).
    buffer += decoder.decode(value, { stream: true });
    // A CR at the end may be half of a CRLF whose LF is in the next chunk.
    const complete = buffer.endsWith('\r') ? buffer.slice(0, -1) : buffer;
    const lines = complete.split(/\r\n|\r|\n/);
    buffer = (lines.pop() ?? '') + buffer.slice(complete.length);
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) onEvent(type || 'message', data.join('\n'));
        type = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const raw = colon < 0 ? '' : line.slice(colon + 1);
      const value = raw.startsWith(' ') ? raw.slice(1) : raw;
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
    }
  }
}

/** The agent as buttons and messages name it: "Alice (1001)", or the name and id, or the id. */
function whoOf(agent: BoardAgent): string {
  const name = agent.name.trim();
  if (!name) return agent.agentId;
  return name.includes(agent.agentId) ? name : `${name} (${agent.agentId})`;
}

/** What a refusal says: `errorMsg (errorCode)` of a CcError, else the error's message. */
function detailOf(error: unknown): string {
  if (isRecord(error)) {
    const message = text(error['errorMsg']) || (error instanceof Error ? error.message : '');
    const code = text(error['errorCode']);
    if (message) return code ? `${message} (${code})` : message;
  }
  return String(error);
}

interface BoardError {
  readonly action: BoardAction;
  readonly who: string;
  readonly detail: string;
}

/**
 * @summary A supervisor's live list of agents: state, time in state, current call, who monitors
 * it, and the supervisor's actions (listen, whisper, barge in, intercept; force break, make
 * ready, log out).
 *
 * The list comes from the call center's Server-Sent Events stream at `events` (a full `snapshot`
 * on connect and after every change; read with fetch, so `eventsHeaders` can carry a token), or
 * from the `agents` property a host sets itself (then leave `events` out). A lost stream is
 * reconnected with a doubling delay (the stream's `retry:` first, up to 30 s), 8 times in a row at
 * most; then the status line offers Reconnect. Time in state ticks once a second while the list
 * is live, and stops while the stream is down.
 *
 * Actions need `phone` (the supervisor's own, e.g. `workbench.phone`): Listen / Whisper / Barge in
 * on an agent in a call start monitoring it (`phone.monitor`); on the agent being monitored they
 * switch the mode (`phone.changeMonitorMode`; the current one `aria-pressed`), with Intercept
 * (`phone.intercept`) and Stop (`phone.hangUp`). With the phone's CTI API, a logged-in agent also
 * has Break (TakeBreak, `BreakCode` `supervisor`), Ready (ReadyForService) and Log out
 * (SignOutGroup, after a confirmation in the row). On an agent in a call, the call center may
 * defer a break or log-out to the call's end (the agent's `pendingState`, shown under its state);
 * Ready is offered then to call it off. A refused action shows in the error line.
 * The board fires no monitoring events: those are the phone's (`<cc-workbench>`'s).
 *
 * @attr {string} events - URL of the call center's Server-Sent Events stream (`snapshot` events with `{ time, agents, queues }`).
 * @attr {string} lang - `en` or `zh-CN`; default follows the nearest `lang` ancestor, then the document.
 * @prop {Record<string, string> | null} eventsHeaders - Headers of the stream request, e.g. `{ Authorization: 'Bearer …' }`; never rendered. A new object reconnects.
 * @prop {BoardAgent[] | null} agents - The agents shown: the stream's latest, or set by the host instead of `events`.
 * @prop {BoardPhone | null} phone - The supervisor's phone (`workbench.phone`); without it the board shows no actions.
 *
 * @event {CcBoardSnapshotEvent} cc-board-snapshot - A snapshot arrived on the stream; `detail` is `{ time, agents, queues }`.
 *
 * @csspart base - The card around everything.
 * @csspart table - The `<table>` of agents (inside a horizontally scrolling region).
 * @csspart row - One agent's row.
 * @csspart state - The state badge (tone dot, label, break reason).
 * @csspart time - The time in state.
 * @csspart call - The current call: caller and queue.
 * @csspart monitor - Who monitors the call, and how.
 * @csspart actions - The action buttons of a row.
 * @csspart confirm - The log-out confirmation in a row.
 * @csspart empty - The loading or "No agents" row.
 * @csspart error - The latest refused action (role alert), with Dismiss.
 * @csspart connection - The status line of the live stream, with Reconnect when it stopped.
 *
 * @cssstate connecting - The stream is being opened, no snapshot yet.
 * @cssstate live - The stream delivers snapshots.
 * @cssstate lost - The stream broke off; reconnecting.
 * @cssstate stopped - Reconnecting gave up (Reconnect restarts it).
 * @cssstate refused - The stream was refused (HTTP 401 or 403).
 *
 * @cssproperty --cc-success-color - The ready dot.
 * @cssproperty --cc-warning-color - The break and after-call dot.
 * @cssproperty --cc-danger-color - The in-call dot, Log out and the error line.
 * @cssproperty --cc-primary-color - The pressed monitor mode and focus rings.
 */
export class CcAgentBoard extends LitElement {
  static override styles = [themeStyles, controlsStyles, visuallyHiddenStyles, agentBoardStyles];
  static override properties: PropertyDeclarations = {
    events: {},
    eventsHeaders: { attribute: false },
    agents: { attribute: false },
    phone: { attribute: false },
    connection: { state: true, attribute: false },
    monitoring: { state: true, attribute: false },
    pending: { state: true, attribute: false },
    error: { state: true, attribute: false },
    confirming: { state: true, attribute: false },
  };

  /** URL of the Server-Sent Events stream; '' = none. */
  events = '';
  /** Headers of the stream request (a token); a new object reconnects. */
  eventsHeaders: Record<string, string> | null = null;
  /** The agents shown: the stream's latest, or the host's. */
  agents: readonly BoardAgent[] | null = null;
  /** The supervisor's phone; null = no actions. */
  phone: BoardPhone | null = null;

  private connection: BoardConnection = 'idle';
  /** Whom the supervisor's phone monitors, and how (its `status` / `monitor` facts). */
  private monitoring: BoardMonitor | null = null;
  /** Requests running: `phone` (one phone, one command at a time) or `cti:<agentId>`. */
  private pending: ReadonlySet<string> = new Set();
  private error: BoardError | null = null;
  /** The agent whose log-out waits for confirmation. */
  private confirming: string | null = null;

  private readonly localize = new CcLocalizeController(this);
  private readonly clock = new CcClockController(this);
  private readonly internals = this.attachInternals();
  /** Call-center clock minus ours, from the last snapshot: times in state count from its clock. */
  private clockOffset = 0;
  private refusedStatus = 0;
  private restoredUntil = 0;
  /** The current stream delivered before: a snapshot after a break in it means "restored". */
  private wasLive = false;
  /** The stream's URL and headers the current connection (or its last attempt) was made for. */
  private streamFor: { readonly url: string; readonly headers: Record<string, string> | null } | null = null;
  private stream: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private retryMs = DEFAULT_RETRY_MS;
  private offPhone: (() => void)[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    this.listenPhone();
    addEventListener('online', this.onOnline);
    // A board moved in the DOM opens its stream again at the next update.
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.onOnline);
    this.unlistenPhone();
    this.stopStream();
    this.streamFor = null;
    this.connection = 'idle';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('phone')) this.listenPhone();
    this.syncStream();
    const ticking = this.connection === 'live' || this.connection === 'idle';
    this.clock.running = ticking && (this.agents?.length ?? 0) > 0;
  }

  protected override updated(): void {
    const states = this.internals.states;
    for (const name of [...states]) if (name !== this.connection) states.delete(name);
    if (this.connection !== 'idle') states.add(this.connection);
  }

  /** Opens the stream again after it stopped or was refused (what Reconnect does). */
  reconnect(): void {
    if (!this.streamFor) return;
    this.stopStream();
    this.failures = 0;
    this.connection = 'connecting';
    this.openStream();
  }

  // ---- The stream ----

  /** Opens, reopens or closes the stream when its URL or headers changed. */
  private syncStream(): void {
    const url = this.isConnected ? this.events.trim() : '';
    const previous = this.streamFor;
    if (previous ? previous.url === url && previous.headers === this.eventsHeaders : !url) return;
    this.stopStream();
    // Agents of another call center (or of none) are not shown as this one's.
    if (previous && previous.url !== url) this.agents = null;
    this.streamFor = url ? { url, headers: this.eventsHeaders } : null;
    this.failures = 0;
    this.wasLive = false;
    this.connection = url ? 'connecting' : 'idle';
    if (url) this.openStream();
  }

  private openStream(): void {
    const target = this.streamFor;
    if (!target) return;
    const controller = new AbortController();
    this.stream = controller;
    void this.readStream(target.url, target.headers, controller.signal);
  }

  private stopStream(): void {
    this.stream?.abort();
    this.stream = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async readStream(url: string, headers: Record<string, string> | null, signal: AbortSignal): Promise<void> {
    let status = 0;
    try {
      const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, cache: 'no-store', signal });
      status = response.status;
      if (response.ok && response.body) {
        await readEventStream(
          response.body,
          (type, data) => {
            if (type === 'snapshot' && !signal.aborted) this.onSnapshot(data);
          },
          (ms) => (this.retryMs = ms),
        );
      }
    } catch {
      // Unreachable, or the stream broke off: the same as a stream that ended, below.
    }
    if (signal.aborted) return;
    this.stream = null;
    if (status === 401 || status === 403) {
      // A token that is refused now is refused again: wait for new headers or Reconnect.
      this.refusedStatus = status;
      this.connection = 'refused';
      return;
    }
    this.failures += 1;
    if (this.failures > MAX_RECONNECTS) {
      this.connection = 'stopped';
      return;
    }
    this.connection = 'lost';
    const delay = Math.min(MAX_RETRY_MS, Math.max(1, this.retryMs) * 2 ** (this.failures - 1));
    // Jitter, so that every supervisor page does not come back in the same millisecond.
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.openStream();
    }, delay * (0.5 + Math.random() / 2));
  }

  private onSnapshot(data: string): void {
    const snapshot = toSnapshot(data);
    if (!snapshot) return;
    this.clockOffset = snapshot.time > 0 ? snapshot.time - Date.now() : 0;
    this.agents = snapshot.agents;
    if (this.wasLive && this.connection !== 'live') this.restoredUntil = Date.now() + RESTORED_MS;
    this.wasLive = true;
    this.failures = 0;
    this.connection = 'live';
    const event = new CcBoardSnapshotEvent(snapshot);
    this.dispatchEvent(event);
  }

  /** The network is back: no need to wait for the next attempt, or for a click on Reconnect. */
  private readonly onOnline = (): void => {
    if (this.connection === 'stopped' || this.connection === 'lost') this.reconnect();
  };

  // ---- The phone ----

  private listenPhone(): void {
    this.unlistenPhone();
    const phone = this.phone;
    if (!phone || !this.isConnected) return;
    this.offPhone = [
      phone.on('status', (event) => {
        if (!isRecord(event)) return;
        const context = event['context'];
        const monitor = isRecord(context) ? monitorOf(context['monitor']) : null;
        this.monitoring = event['code'] === MONITORING ? (monitor ?? this.monitoring) : null;
      }),
      // A mode change within status 21 is no status change: the phone tells it as a monitor fact.
      phone.on('monitor', (event) => {
        if (!isRecord(event)) return;
        this.monitoring = event['phase'] === 'end' ? null : (monitorOf(event['monitor']) ?? this.monitoring);
      }),
    ];
  }

  private unlistenPhone(): void {
    for (const off of this.offPhone.splice(0)) off();
  }

  /** Runs one request of a row; a refusal goes to the error line. Returns when it is over. */
  private async run(key: string, agent: BoardAgent, action: BoardAction, command: (phone: BoardPhone) => Promise<unknown>): Promise<void> {
    const phone = this.phone;
    if (!phone || this.pending.has(key)) return;
    const hadFocus = this.shadowRoot?.activeElement != null;
    this.error = null;
    this.pending = new Set([...this.pending, key]);
    try {
      await command(phone);
    } catch (error) {
      this.error = { action, who: whoOf(agent), detail: detailOf(error) };
    } finally {
      const rest = new Set(this.pending);
      rest.delete(key);
      this.pending = rest;
    }
    if (hadFocus) await this.keepFocusIn(agent.agentId);
  }

  /** When the focused button went away with the request (Stop, Intercept), focus stays in its row. */
  private async keepFocusIn(agentId: string, selector = 'button:not(:disabled)'): Promise<void> {
    await this.updateComplete;
    const root = this.shadowRoot;
    if (!root || root.activeElement) return;
    const row = root.querySelector(`tr[data-agent="${CSS.escape(agentId)}"]`);
    (row?.querySelector<HTMLElement>(selector) ?? root.querySelector<HTMLElement>('.scroll'))?.focus();
  }

  private readonly onAction = (event: Event): void => {
    const button = event.currentTarget as HTMLButtonElement;
    if (button.getAttribute('aria-disabled') === 'true') return;
    const agent = this.agents?.find((a) => a.agentId === button.dataset['agent']);
    const action = button.dataset['action'];
    if (!agent || !action) return;
    const id = agent.agentId;
    const mine = this.monitoring?.agent === id ? this.monitoring : null;
    if (isMode(action)) {
      if (mine?.mode === action) return;
      void this.run('phone', agent, action, (p) => (mine ? p.changeMonitorMode(action) : p.monitor(id, action)));
    } else if (action === 'intercept') {
      void this.run('phone', agent, action, (p) => p.intercept());
    } else if (action === 'stop') {
      void this.run('phone', agent, action, (p) => p.hangUp());
    } else if (action === 'forceBreak') {
      void this.run(`cti:${id}`, agent, action, (p) => this.cti(p).call('TakeBreak', { UserId: id, BreakCode: 'supervisor' }));
    } else if (action === 'ready') {
      void this.run(`cti:${id}`, agent, action, (p) => this.cti(p).call('ReadyForService', { UserId: id }));
    } else if (action === 'logOut') {
      this.confirming = id;
      void this.keepFocusIn(id, '[data-action="cancelLogOut"]');
    } else if (action === 'confirmLogOut') {
      this.confirming = null;
      void this.run(`cti:${id}`, agent, 'logOut', (p) => this.cti(p).call('SignOutGroup', { UserId: id }));
    } else if (action === 'cancelLogOut') {
      this.cancelLogOut(id);
    }
  };

  private cti(phone: BoardPhone): NonNullable<BoardPhone['cti']> {
    if (!phone.cti) throw new Error('the phone has no CTI API');
    return phone.cti;
  }

  private cancelLogOut(agentId: string): void {
    this.confirming = null;
    void this.keepFocusIn(agentId, '[data-action="logOut"]');
  }

  private readonly onConfirmKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.confirming) {
      event.stopPropagation();
      this.cancelLogOut(this.confirming);
    }
  };

  // ---- Rendering ----

  protected override render(): TemplateResult {
    const t = boardTexts(this.localize.lang);
    const actions = this.phone !== null;
    const columns = actions ? 6 : 5;
    const agents = [...(this.agents ?? [])].sort(
      (a, b) => (STATE_RANK[a.state] ?? 9) - (STATE_RANK[b.state] ?? 9) || byId.compare(a.agentId, b.agentId),
    );
    const waiting = this.agents === null && this.connection !== 'idle' && this.connection !== 'refused' && this.connection !== 'stopped';
    return html`
      <div part="base" class="base" lang=${t.lang}>
        <div class="scroll" role="region" aria-label=${t.caption} tabindex="0">
          <table part="table">
            <caption class="visually-hidden">${t.caption}</caption>
            <thead>
              <tr>
                <th scope="col">${t.column.agent}</th>
                <th scope="col">${t.column.state}</th>
                <th scope="col">${t.column.time}</th>
                <th scope="col">${t.column.call}</th>
                <th scope="col">${t.column.monitor}</th>
                ${actions ? html`<th scope="col">${t.column.actions}</th>` : nothing}
              </tr>
            </thead>
            <tbody>
              ${agents.length > 0
                ? repeat(agents, (a) => a.agentId, (a) => this.renderRow(t, a, actions))
                : html`<tr><td part="empty" class="empty" colspan=${columns}>${waiting ? t.loading : t.empty}</td></tr>`}
            </tbody>
          </table>
        </div>
        <div part="error" class="error ${this.error ? 'shown' : ''}" role="alert">
          ${this.error
            ? html`<span class="error-text">${t.failed(t.name[this.error.action](this.error.who), this.error.detail)}</span>
                <button type="button" class="btn ghost" aria-label=${t.dismissError} @click=${this.onDismiss}>${t.label.dismiss}</button>`
            : nothing}
        </div>
        ${this.renderConnection(t)}
      </div>
    `;
  }

  private renderConnection(t: BoardTexts): TemplateResult | typeof nothing {
    const c = this.connection;
    if (c === 'idle') return nothing;
    const message =
      c === 'live'
        ? Date.now() < this.restoredUntil
          ? t.connection.restored
          : t.connection.live
        : c === 'refused'
          ? t.connection.refused(this.refusedStatus)
          : t.connection[c];
    return html`
      <div class="footer">
        <p part="connection" class="connection" role="status" data-state=${c}><span class="dot" aria-hidden="true"></span>${message}</p>
        ${c === 'stopped' || c === 'refused'
          ? html`<button type="button" class="btn" @click=${() => this.reconnect()}>${t.label.reconnect}</button>`
          : nothing}
      </div>
    `;
  }

  private renderRow(t: BoardTexts, agent: BoardAgent, actions: boolean): TemplateResult {
    const id = agent.agentId;
    const name = agent.name.trim();
    const reason = agent.state === 'break' && agent.breakReason ? (t.breakReason[agent.breakReason] ?? agent.breakReason) : '';
    const call = agent.call ?? null;
    const pending = agent.pendingState ?? null;
    const since = agent.stateSince > 0 ? formatDuration(Date.now() + this.clockOffset - agent.stateSince) : '';
    return html`
      <tr part="row" data-agent=${id} data-state=${agent.state}>
        <th scope="row" class="agent">
          <span class="name">${name || id}</span>
          ${name && !name.includes(id) ? html`<span class="id">${id}</span>` : nothing}
        </th>
        <td>
          <span part="state" class="state" data-tone=${TONE[agent.state] ?? 'off'}>
            <span class="dot" aria-hidden="true"></span>
            <span class="label">${t.state[agent.state] ?? agent.state}</span>
            ${reason ? html`<span class="reason">${reason}</span>` : nothing}
          </span>
          ${pending ? html`<span class="note pending">${t.pending(pending.state, pending.by)}</span>` : nothing}
          ${!agent.registered && agent.state !== 'offline' ? html`<span class="note">${t.noSoftphone}</span>` : nothing}
        </td>
        <td part="time" class="time">${since}</td>
        <td part="call" class="call">
          ${call
            ? html`<span class="caller">${call.caller}</span> ${call.queue ? html`<span class="queue">${call.queue}</span>` : nothing}`
            : nothing}
        </td>
        <td part="monitor" class="monitor">
          ${call?.monitor ? t.monitoredBy(call.monitor.supervisorId, t.mode[call.monitor.mode]) : nothing}
        </td>
        ${actions ? html`<td part="actions" class="actions">${this.renderActions(t, agent)}</td>` : nothing}
      </tr>
    `;
  }

  private renderActions(t: BoardTexts, agent: BoardAgent): TemplateResult {
    const id = agent.agentId;
    const who = whoOf(agent);
    const mine = this.monitoring?.agent === id ? this.monitoring : null;
    // One phone monitors one call: another agent's call waits until this monitoring ends.
    const elsewhere = this.monitoring !== null && !mine;
    const phoneBusy = this.pending.has('phone') ? 'true' : nothing;
    const ctiBusy = this.pending.has(`cti:${id}`) ? 'true' : nothing;
    const button = (action: BoardAction, busy: 'true' | typeof nothing, className = 'btn', pressed?: boolean): TemplateResult =>
      html`<button
        type="button"
        class=${className}
        data-agent=${id}
        data-action=${action}
        aria-label=${t.name[action](who)}
        aria-pressed=${pressed === undefined ? nothing : String(pressed)}
        aria-disabled=${busy}
        ?disabled=${elsewhere && (isMode(action) || action === 'intercept' || action === 'stop')}
        @click=${this.onAction}
      >
        ${t.label[action]}
      </button>`;
    // A page may hand over an agent's phone (no supervisor module): then there is nothing to monitor with.
    const canMonitor = typeof this.phone?.monitor === 'function';
    const monitors = canMonitor && (mine !== null || agent.state === 'talking');
    const loggedIn = agent.state !== 'offline' && this.phone?.cti != null;
    return html`
      <div class="action-row">
        ${monitors
          ? html`<span class="group">${MODES.map((mode) => button(mode, phoneBusy, 'btn mode', mine ? mine.mode === mode : undefined))}</span>`
          : nothing}
        ${mine ? html`<span class="group">${button('intercept', phoneBusy)}${button('stop', phoneBusy, 'btn ghost')}</span>` : nothing}
        ${loggedIn ? this.renderStateActions(t, agent, who, ctiBusy, button) : nothing}
      </div>
    `;
  }

  private renderStateActions(
    t: BoardTexts,
    agent: BoardAgent,
    who: string,
    busy: 'true' | typeof nothing,
    button: (action: BoardAction, busy: 'true' | typeof nothing, className?: string) => TemplateResult,
  ): TemplateResult {
    const id = agent.agentId;
    if (this.confirming === id) {
      return html`<span part="confirm" class="group confirm" @keydown=${this.onConfirmKey}>
        <span class="question">${t.confirmQuestion(who)}</span>
        <button type="button" class="btn danger" data-agent=${id} data-action="confirmLogOut" aria-label=${t.name.confirmLogOut(who)} @click=${this.onAction}>
          ${t.label.confirmLogOut}
        </button>
        <button type="button" class="btn" data-agent=${id} data-action="cancelLogOut" aria-label=${t.name.cancelLogOut(who)} @click=${this.onAction}>
          ${t.label.cancel}
        </button>
      </span>`;
    }
    // In a call, a supervisor's break or log-out waits for its end (the call center's pendingState);
    // Ready then calls that off, and means nothing otherwise.
    const pending = agent.pendingState?.state ?? null;
    const inCall = IN_CALL.has(agent.state);
    return html`<span class="group">
      ${agent.state !== 'break' && pending !== 'break' ? button('forceBreak', busy) : nothing}
      ${agent.state !== 'ready' && (!inCall || pending) ? button('ready', busy) : nothing}
      ${pending !== 'offline' ? button('logOut', busy, 'btn ghost danger-text') : nothing}
    </span>`;
  }

  private readonly onDismiss = (): void => {
    this.error = null;
    void this.updateComplete.then(() => this.shadowRoot?.querySelector<HTMLElement>('.scroll')?.focus());
  };
}
