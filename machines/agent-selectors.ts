/**
 * Everything derived from an agent snapshot, in one place: the view model elements render, the
 * commands the current state accepts, the host's custom-state names and the status tone.
 * `Phone`, every element and `cc-dialpad` read state through these functions; each is computed
 * once per snapshot. Type imports only: this module adds nothing of XState to a bundle.
 */
import type { SnapshotFrom } from 'xstate';
import type { AgentMachine } from './agent-machine.js';
import { AGENT_COMMANDS, STATUS } from './agent-types.js';
import type { AgentEvent, CallInfo, LegRef, MonitorInfo, StatusCode } from './agent-types.js';

export type AgentSnapshot = SnapshotFrom<AgentMachine>;
export type CommandType = AgentEvent['type'];

/**
 * True when the snapshot's state handles the command itself, rather than the root-level refusal
 * (error 9001). It reads only the snapshot, so it costs a bundle nothing of XState.
 */
export function acceptsCommand(snapshot: AgentSnapshot, type: CommandType): boolean {
  const event = { type } as AgentEvent;
  const transitions = snapshot.machine.getTransitionData(snapshot as never, event as never) ?? [];
  return transitions.some(
    (t) => !(t.actions ?? []).some((a) => (typeof a === 'string' ? a : (a as { type?: string })?.type) === 'rejectCommand'),
  );
}

/** Commands people give through the UI (all but unregister); `AgentView.accepted` holds those the state takes. */
export const UI_COMMANDS = AGENT_COMMANDS.filter((c): c is Exclude<(typeof AGENT_COMMANDS)[number], 'agent.unregister'> => c !== 'agent.unregister');
export type UiCommand = (typeof UI_COMMANDS)[number];

/** Agent-status commands: while a CTI change is pending their buttons stay as they were, busy. */
const AGENT_COMMANDS_OF_UI: ReadonlySet<UiCommand> = new Set([
  'agent.register',
  'agent.login',
  'agent.logout',
  'agent.ready',
  'agent.break',
]);

/** Where a call leg's hold stands; `holding` and `resuming` wait for the far end's answer. */
export type HoldState = 'none' | 'holding' | 'held' | 'resuming';

/** Colour family of the status dot. */
export type Tone = 'ready' | 'away' | 'busy' | 'off';

/** Custom state of the host for each status code (`:state(ringing)`). */
export const STATE_NAME: Readonly<Record<StatusCode, string>> = {
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
  18: 'consult-switched',
  19: 'conference',
  21: 'monitoring',
};

export function toneOf(code: StatusCode): Tone {
  if (code === STATUS.ready) return 'ready';
  if (code === STATUS.break || code === STATUS.afterCall) return 'away';
  if (code <= STATUS.offline) return 'off';
  return 'busy';
}

/** Everything a view reads from the agent state. */
export interface AgentView {
  readonly code: StatusCode;
  readonly lastCode: StatusCode;
  readonly breakReason: string | null;
  /** The customer call (first leg). */
  readonly call: CallInfo | null;
  /** The consult leg during an attended transfer. */
  readonly consult: CallInfo | null;
  /** Hold of the customer leg, in-flight steps included. */
  readonly hold: HoldState;
  /** Blind- or attended-transfer target while the REFER is pending. */
  readonly transferTarget: string | null;
  readonly afterCallEndsAt: number | null;
  /** Epoch ms of the last status change (time in status). */
  readonly statusSince: number;
  /** Unanswered calls, newest first. */
  readonly missedCalls: readonly CallInfo[];
  /** A supervisor's monitoring session (status 21). */
  readonly monitor: MonitorInfo | null;
  readonly afterCallSeconds: number | 'manual';
  /** A call leg exists (ringing, dialing, connected, monitoring). */
  readonly onCall: boolean;
  /** The customer leg is connected (talking, held, consulting). */
  readonly connected: boolean;
  /** A service-state change waits for the CTI backend; agent commands show as before it, busy. */
  readonly ctiPending: boolean;
  /** UI commands the state accepts (agent commands: those before a pending CTI change). */
  readonly accepted: ReadonlySet<UiCommand>;
  readonly tone: Tone;
  /** The host's custom states (`:state(x)`) for this view, besides configuration ones. */
  readonly states: readonly string[];
  readonly now: () => number;
}

const NONE: ReadonlySet<UiCommand> = new Set();

export const IDLE_VIEW: AgentView = {
  code: STATUS.unregistered,
  lastCode: STATUS.unregistered,
  breakReason: null,
  call: null,
  consult: null,
  hold: 'none',
  transferTarget: null,
  afterCallEndsAt: null,
  statusSince: 0,
  missedCalls: [],
  monitor: null,
  afterCallSeconds: 'manual',
  onCall: false,
  connected: false,
  ctiPending: false,
  accepted: NONE,
  tone: 'off',
  states: [],
  now: Date.now,
};

type LegSnapshot = ReturnType<LegRef['getSnapshot']>;

function holdOf(leg: LegSnapshot | null): HoldState {
  if (!leg) return 'none';
  if (leg.hasTag('holding')) return 'holding';
  if (leg.hasTag('resuming')) return 'resuming';
  if (leg.hasTag('held')) return 'held';
  return 'none';
}

/** The snapshot the agent was in before a pending CTI change, for its agent-command buttons. */
function beforeCti(snapshot: AgentSnapshot): AgentSnapshot | null {
  const from = snapshot.context.ctiChange?.from;
  if (!from) return null;
  return snapshot.machine.resolveState({ value: { registered: from }, context: snapshot.context }) as AgentSnapshot;
}

function acceptedOf(snapshot: AgentSnapshot, ctiPending: boolean): ReadonlySet<UiCommand> {
  const before = ctiPending ? beforeCti(snapshot) : null;
  const accepted = new Set<UiCommand>();
  for (const command of UI_COMMANDS) {
    const source = before && AGENT_COMMANDS_OF_UI.has(command) ? before : snapshot;
    if (acceptsCommand(source, command)) accepted.add(command);
  }
  return accepted;
}

/** Views by agent snapshot, with the leg snapshots each was computed from. */
const views = new WeakMap<AgentSnapshot, { readonly legs: readonly (LegSnapshot | null)[]; readonly view: AgentView }>();

/**
 * The view model of a snapshot, computed once per snapshot and call-leg snapshots. Each leg is
 * an actor of its own (machines/call-machine.ts): a leg that changes tells the agent
 * (`leg.changed`), whose observers then hear of it, sometimes with the same agent snapshot.
 */
export function selectView(snapshot: AgentSnapshot): AgentView {
  const c = snapshot.context;
  const leg = c.call?.getSnapshot() ?? null;
  const consultLeg = c.consult?.getSnapshot() ?? null;
  const cached = views.get(snapshot);
  if (cached && cached.legs[0] === leg && cached.legs[1] === consultLeg) return cached.view;
  const call = leg?.context.info ?? null;
  const onCall = snapshot.hasTag('onCall');
  const ctiPending = snapshot.hasTag('ctiPending');
  const hold = holdOf(leg);
  const states = [STATE_NAME[c.code]];
  if (onCall) states.push('on-call');
  if (hold === 'holding' || hold === 'resuming') states.push(hold);
  if (call?.muted) states.push('muted');
  if (c.consult) states.push('consult');
  const view: AgentView = {
    code: c.code,
    lastCode: c.lastCode,
    breakReason: c.breakReason,
    call,
    consult: consultLeg?.context.info ?? null,
    hold,
    transferTarget: leg?.context.transferTarget ?? null,
    afterCallEndsAt: c.afterCallEndsAt,
    statusSince: c.statusSince,
    missedCalls: c.missedCalls,
    monitor: c.monitor ?? null,
    afterCallSeconds: c.policy.afterCall,
    onCall,
    connected: leg?.hasTag('connected') === true,
    ctiPending,
    accepted: acceptedOf(snapshot, ctiPending),
    tone: toneOf(c.code),
    states,
    now: c.now,
  };
  views.set(snapshot, { legs: [leg, consultLeg], view });
  return view;
}

/** True when the view's state accepts the command. */
export function can(view: AgentView, command: UiCommand): boolean {
  return view.accepted.has(command);
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** Equality for selector controllers: a new snapshot with the same view renders nothing. */
export function sameView(a: AgentView, b: AgentView): boolean {
  return (Object.keys(a) as (keyof AgentView)[]).every((key) => {
    const x = a[key];
    const y = b[key];
    if (x instanceof Set && y instanceof Set) return sameSet(x, y);
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => v === y[i]);
    return Object.is(x, y);
  });
}

/** Remote party of a call: display name and number. */
export function partyOf(call: CallInfo): { name: string; number: string } {
  return { name: call.remoteName, number: call.direction === 'inbound' ? call.caller : call.callee };
}

/** The remote party in one line: "Alice Chen (13800000000)", or whichever of the two is known. */
export function partyText(call: CallInfo): string {
  const { name, number } = partyOf(call);
  return name && number ? `${name} (${number})` : name || number;
}
