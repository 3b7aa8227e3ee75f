/**
 * The agent statechart's vocabulary: its types, actors, delays, guards and named actions. The
 * states live in agent-machine.ts (registration, service state) and call-states.ts (the
 * orchestration of the call legs, each one a machines/call-machine.ts actor).
 */
import { assign, emit, enqueueActions, fromCallback, fromPromise, sendTo, setup, stopChild } from 'xstate';
import { ERROR, STATUS } from './agent-types.js';
import type {
  AgentContext,
  AgentEmitted,
  AgentEvent,
  AgentPolicy,
  CallInfo,
  CcErrorInfo,
  CommandType,
  CtiChange,
  CtiOp,
  LegCommand,
  LegRef,
  PendingRequest,
  SipCommand,
  SipFact,
  StatusCode,
} from './agent-types.js';
import { NEVER, callMachine } from './call-machine.js';
import { eventCallId, hangupTypeOf, incomingCall, newCall, requestIdOf, sipCause, sipCodeOf, talkCode } from './call-info.js';

export interface AgentInput {
  /** Timers; a field left out means "no timer" (manual after-call work, no ring timeout, manual answer). */
  readonly policy?: Partial<AgentPolicy>;
  /** True when a CTI backend must accept log-in, ready, break and log-out first. */
  readonly cti?: boolean;
  /** Clock for timestamps; tests pass a simulated one. Defaults to Date.now. */
  readonly now?: () => number;
}

/** The policy of a machine given none: no timer runs. Product defaults live in src/config.ts. */
/** Missed calls the agent can see (AgentContext.missedCalls). */
export const MISSED_KEPT = 5;

export const NO_TIMERS: AgentPolicy = { afterCall: 'manual', ringTimeout: 0, autoAnswer: null };

/** Service-state commands a CTI change answers. */
export const AGENT_CHANGES: readonly CommandType[] = ['agent.login', 'agent.ready', 'agent.break', 'agent.logout'];

type Ctx = AgentContext;
type Role = 'call' | 'consult';

/** A leg's current info, or null without the leg. */
export function legInfo(leg: LegRef | null): CallInfo | null {
  return leg ? leg.getSnapshot().context.info : null;
}

/** True when the leg is in a state with this tag. */
function legIs(leg: LegRef | null, tag: 'ringing' | 'dialing' | 'connected' | 'holding' | 'held' | 'resuming'): boolean {
  return leg !== null && leg.getSnapshot().status === 'active' && leg.getSnapshot().hasTag(tag);
}

/** Request ids the agent gives its own commands to legs: their answers are not relayed to the host. */
const INTERNAL = 'agent:';
/** Id of the hold the agent asks for before a consultation: its failure ends that consultation. */
export const consultHoldId = (consultCallId: string): string => `${INTERNAL}consult-hold:${consultCallId}`;
/** Ids of the resumes a conference or a swap asks the legs for. */
const CONFERENCE_ID = `${INTERNAL}conference`;
const SWAP_ID = `${INTERNAL}swap`;
/** Id of a swap's hold of the talking party, naming the role resumed once it is held. */
const SWAP_HOLD = `${INTERNAL}swap-hold:`;

/** Both legs steady: connected, no hold or resume in flight. */
const steady = (leg: LegRef | null): boolean => legIs(leg, 'connected') && !legIs(leg, 'holding') && !legIs(leg, 'resuming');

/** Status of the calls: the consultation's while there is one, else the customer leg's. */
function callCode(context: Ctx): StatusCode | null {
  if (context.conference) return STATUS.conference;
  if (context.consult) {
    if (legIs(context.consult, 'dialing')) return STATUS.consultDialing;
    // Swapped back to the customer: the consulted party waits on hold (18).
    if (legIs(context.consult, 'held') && !legIs(context.call, 'held')) return STATUS.consultSwitched;
    if (legIs(context.consult, 'connected')) return STATUS.consultTalking;
  }
  const call = context.call;
  if (legIs(call, 'ringing')) return STATUS.ringing;
  if (legIs(call, 'dialing')) return STATUS.dialing;
  if (legIs(call, 'held')) return STATUS.hold;
  if (legIs(call, 'connected')) return talkCode(legInfo(call));
  return null;
}

/** Pending requests for these commands. */
export function matching(context: Ctx, commands: readonly CommandType[]): PendingRequest[] {
  return context.requests.filter((r) => commands.includes(r.command));
}

/** The part of `enqueueActions`' helper the request bookkeeping uses. */
export interface Enqueue {
  assign(values: Partial<Ctx>): void;
  emit(event: AgentEmitted): void;
}

/** Reports an error to the host and fails the pending requests it answers. */
export function raise(enqueue: Enqueue, context: Ctx, error: CcErrorInfo, answered: readonly PendingRequest[], id?: string): void {
  enqueue.assign({ lastError: error, requests: context.requests.filter((r) => !answered.includes(r)) });
  enqueue.emit({ type: 'error', error });
  for (const request of answered) enqueue.emit({ type: 'request.failed', id: request.id, error });
  if (id) enqueue.emit({ type: 'request.failed', id, error });
}

/** Which agent requests a raised error answers. */
export interface Answers {
  readonly answers?: readonly CommandType[];
}

export const agentSetup = setup({
  types: {
    context: {} as AgentContext,
    events: {} as AgentEvent,
    input: {} as AgentInput,
    emitted: {} as AgentEmitted,
  },
  actors: {
    sip: fromCallback<SipCommand>(() => () => undefined),
    /** Asks the CTI backend to accept a service-state change; `src/phone.ts` provides the real one. */
    cti: fromPromise<void, CtiChange>(async ({ input }) => {
      throw new Error(`no CTI backend for "${input.op}"`);
    }),
    leg: callMachine,
  },
  delays: {
    afterCallDelay: ({ context }) => (context.policy.afterCall === 'manual' ? NEVER : context.policy.afterCall * 1000),
  },
  guards: {
    hasNoCall: ({ context }) => context.call === null,
    hasConsult: ({ context }) => context.consult !== null,
    hasNoConsult: ({ context }) => context.consult === null,
    isConsultDialing: ({ context }) => legIs(context.consult, 'dialing'),
    isConsultConnected: ({ context }) => legIs(context.consult, 'connected'),
    /** The customer leg is connected and steady (talking or held, no hold or resume in flight). */
    canConsult: ({ context }) => legIs(context.call, 'connected') && !legIs(context.call, 'holding') && !legIs(context.call, 'resuming'),
    isNotTransferPending: ({ context }) => context.call === null || context.call.getSnapshot().context.transferTarget === null,
    /** The leg accepts the event as it stands (forwarded commands are refused with 9001 otherwise). */
    legCan: ({ context, event }, params: { role: Role }) => {
      const leg = context[params.role];
      return leg !== null && leg.getSnapshot().status === 'active' && leg.getSnapshot().can(event as LegCommand);
    },
    isLeg: ({ context, event }, params: { role: Role }) => eventCallId(event) !== undefined && legInfo(context[params.role])?.callId === eventCallId(event),
    wasMissed: ({ event }) => event.type === 'leg.ended' && event.output.missed,
    wasTransferred: ({ event }) => event.type === 'leg.ended' && event.output.transferred,
    wasConnected: ({ event }) => event.type === 'leg.ended' && (event.output.transferred || event.output.info.answeredAt !== null),
    isConsultHold: ({ context, event }) =>
      event.type === 'leg.request.failed' && context.consult !== null && event.id === consultHoldId(legInfo(context.consult)?.callId ?? ''),
    inConference: ({ context }) => context.conference === true,
    isForcedTo: ({ event }, params: { state: 'ready' | 'break' | 'offline' }) => event.type === 'sip.agent.state' && event.state === params.state,
    /** Customer and consulted party both connected and steady, the consultation not being transferred. */
    canJoin: ({ context }) => !context.conference && steady(context.call) && steady(context.consult),
    isConferenceResume: ({ event }) => (event.type === 'leg.request.done' || event.type === 'leg.request.failed') && event.id === CONFERENCE_ID,
    isSwapResume: ({ event }) => (event.type === 'leg.request.done' || event.type === 'leg.request.failed') && event.id === SWAP_ID,
    isSwapHold: ({ event }) => event.type === 'leg.request.done' && event.id.startsWith(SWAP_HOLD),
    /** Either request of a swap (its hold or its resume). */
    isSwapStep: ({ event }) => (event.type === 'leg.request.done' || event.type === 'leg.request.failed') && event.id.startsWith(SWAP_ID),
    isAfterCallTimed: ({ context }) => context.policy.afterCall !== 'manual',
    isFromAfterCall: ({ context }) => context.dialOrigin === 'afterCall',
    usesCti: ({ context }) => context.cti,
    isAfterCallTimedWithCti: ({ context }) => context.cti && context.policy.afterCall !== 'manual',
    isCtiTo: ({ context }, params: { ops: readonly CtiOp[] }) => context.ctiChange !== null && params.ops.includes(context.ctiChange.op),
    isCtiFrom: ({ context }, params: { from: CtiChange['from'] }) => context.ctiChange?.from === params.from,
  },
  actions: {
    /** Sets the status code (`params.code`, or the one the call legs' states give) and tells the host. */
    setStatus: enqueueActions(({ context, enqueue }, params?: { code: StatusCode; force?: boolean }) => {
      const code = params ? params.code : callCode(context);
      if (code === null || (code === context.code && !params?.force)) return;
      enqueue.assign({ code, lastCode: context.code, statusSince: context.now() });
      enqueue.emit({
        type: 'status',
        code,
        lastCode: context.code,
        context: { breakReason: context.breakReason, call: legInfo(context.call), consult: legInfo(context.consult), monitor: context.monitor ?? null },
      });
    }),

    // ---- Requests: the transition that completes or fails a command answers its id ----

    /** The command is complete as of this transition. */
    done: enqueueActions(({ event, enqueue }) => {
      const id = requestIdOf(event);
      if (id) enqueue.emit({ type: 'request.done', id });
    }),
    /** An agent command waits for a later fact (the registrar, the CTI backend). */
    track: assign(({ context, event }) => {
      const id = requestIdOf(event);
      return id ? { requests: [...context.requests, { id, command: event.type as CommandType }] } : {};
    }),
    complete: enqueueActions(({ context, enqueue }, params: { commands: readonly CommandType[] }) => {
      const done = matching(context, params.commands);
      if (done.length === 0) return;
      enqueue.assign({ requests: context.requests.filter((r) => !done.includes(r)) });
      for (const request of done) enqueue.emit({ type: 'request.done', id: request.id });
    }),
    /** Fails every pending request without telling the host (the registration is gone). */
    dropRequests: enqueueActions(({ context, enqueue }) => {
      if (context.requests.length === 0) return;
      enqueue.assign({ requests: [] });
      for (const request of context.requests) {
        const error: CcErrorInfo = {
          errorCode: ERROR.agentNotRegistered,
          errorMsg: `"${request.command}" did not complete: the phone is no longer registered`,
          command: request.command,
        };
        enqueue.emit({ type: 'request.failed', id: request.id, error });
      }
    }),
    /** A leg answered one of the commands it was given. */
    relayRequest: enqueueActions(({ event, enqueue }) => {
      if ((event.type === 'leg.request.done' || event.type === 'leg.request.failed') && event.id.startsWith(INTERNAL)) return;
      if (event.type === 'leg.request.done') enqueue.emit({ type: 'request.done', id: event.id, ...(event.call ? { call: event.call } : {}) });
      if (event.type === 'leg.request.failed') enqueue.emit({ type: 'request.failed', id: event.id, error: event.error });
    }),

    // ---- Errors ----

    /** An error whose message is `prefix: <SIP cause><suffix>`, carrying the SIP status when there is one. */
    raiseSipError: enqueueActions(
      ({ context, event, enqueue }, params: { errorCode: CcErrorInfo['errorCode']; prefix: string; suffix?: string; command: string } & Answers) => {
        const sipCode = sipCodeOf(event);
        const error: CcErrorInfo = {
          errorCode: params.errorCode,
          errorMsg: `${params.prefix}: ${sipCause(event)}${params.suffix ?? ''}`,
          command: params.command,
          ...(sipCode === undefined ? {} : { sipCode }),
        };
        raise(enqueue, context, error, matching(context, params.answers ?? []));
      },
    ),
    /** A leg's command for the agent failed (its leg.error already told the host): the agent requests it served fail too. */
    raiseLegError: enqueueActions(({ context, event, enqueue }, params: Answers) => {
      if (event.type !== 'leg.request.failed') return;
      const answered = matching(context, params.answers ?? []);
      enqueue.assign({ requests: context.requests.filter((r) => !answered.includes(r)) });
      for (const request of answered) enqueue.emit({ type: 'request.failed', id: request.id, error: event.error });
    }),
    /** A leg's error, told to the host. */
    relayError: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'leg.error') raise(enqueue, context, event.error, []);
    }),
    /** A command the current state does not accept (reference 9001). */
    rejectCommand: enqueueActions(({ context, event, enqueue }) => {
      const error: CcErrorInfo = {
        errorCode: ERROR.stateNotAllowed,
        errorMsg: `The current state (status ${context.code}) cannot perform "${event.type}"`,
        command: event.type,
      };
      raise(enqueue, context, error, [], requestIdOf(event));
    }),
    raiseCtiError: enqueueActions(({ context, event, enqueue }) => {
      const failure = (event as { error?: unknown }).error;
      const details = typeof failure === 'object' && failure !== null ? (failure as Partial<CcErrorInfo>) : {};
      const error: CcErrorInfo = {
        errorCode: ERROR.ctiFailed,
        errorMsg: details.errorMsg ?? (failure instanceof Error ? failure.message : `CTI request failed: ${String(failure)}`),
        command: `agent.${context.ctiChange?.op ?? 'ready'}`,
        ...(details.apiName === undefined ? {} : { apiName: details.apiName }),
        ...(details.apiCode === undefined ? {} : { apiCode: details.apiCode }),
        ...(details.requestId === undefined ? {} : { requestId: details.requestId }),
      };
      raise(enqueue, context, error, matching(context, AGENT_CHANGES));
    }),

    // ---- Agent ----

    setPolicy: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'config.policy') return;
      enqueue.assign({ policy: event.policy });
      for (const leg of [context.call, context.consult]) {
        if (leg) enqueue.sendTo(leg, { type: 'leg.policy', policy: event.policy } satisfies LegCommand);
      }
    }),
    setBreakReason: assign(({ event }, params?: { reason: string }) => ({
      breakReason:
        params?.reason ??
        (event.type === 'agent.break' && event.reason ? event.reason : event.type === 'sip.agent.state' && event.reason ? event.reason : 'default'),
    })),
    clearBreakReason: assign({ breakReason: null }),
    startCtiChange: assign(({ context, event }, params: { op: CtiOp; from: CtiChange['from']; reason?: string }) => ({
      ctiChange: {
        op: params.op,
        from: params.from,
        reason: params.reason ?? (event.type === 'agent.break' && event.reason ? event.reason : params.op === 'break' ? 'default' : null),
        previousBreakReason: context.breakReason,
      },
    })),
    clearCtiChange: assign({ ctiChange: null }),
    /** The break reason of a CTI break that succeeded, or the one a failed change left behind. */
    restoreCtiBreakReason: assign(({ context }) => ({
      breakReason: context.ctiChange?.op === 'break' ? context.ctiChange.reason : (context.ctiChange?.previousBreakReason ?? null),
    })),
    startAfterCall: assign(({ context }) => ({
      afterCallEndsAt: context.policy.afterCall === 'manual' ? null : context.now() + context.policy.afterCall * 1000,
    })),
    clearAfterCall: assign({ afterCallEndsAt: null }),
    emitRegistered: emit({ type: 'registered' } as const),
    emitWarning: emit(({ event }) => {
      const e = event as Extract<SipFact, { type: 'sip.warning' }>;
      return { type: 'warning' as const, warning: { code: e.code, message: e.cause, ...(e.callId ? { callId: e.callId } : {}) } };
    }),
    /** The call center changed the agent's state: the host and the agent hear who did it. */
    emitForced: emit(({ event }) => {
      const e = event as Extract<SipFact, { type: 'sip.agent.state' }>;
      return { type: 'warning' as const, warning: { code: 'state-forced' as const, message: `${e.by || 'The call center'} set the status to ${e.state}` } };
    }),
    emitUnregistered: emit({ type: 'unregistered' } as const),
    emitRegistrationFailed: emit(({ event }) => ({
      type: 'registrationFailed' as const,
      cause: event.type === 'sip.registration.failed' ? event.cause : 'unknown',
      ...(event.type === 'sip.registration.failed' && event.sipCode !== undefined ? { sipCode: event.sipCode } : {}),
    })),

    // ---- Call legs ----

    /** An INVITE arrived in ready: a leg for it, ringing. */
    spawnIncoming: assign(({ context, event, spawn }) => {
      if (event.type !== 'sip.call.incoming') return {};
      const info = incomingCall(context.now(), event);
      return { call: spawn('leg', { id: info.callId, input: { info, policy: context.policy, now: context.now } }), dialOrigin: 'ready' as const };
    }),
    emitIncoming: emit(({ context }) => ({ type: 'call.incoming' as const, call: legInfo(context.call) as CallInfo })),
    /** A dial (`call.dial`) or a consultation (`call.consult`): a leg that sends the INVITE. */
    spawnDial: assign(({ context, event, spawn }, params?: { origin: 'ready' | 'afterCall' }) => {
      if (event.type !== 'call.dial' && event.type !== 'call.consult') return {};
      const consult = event.type === 'call.consult';
      const target = consult ? event.target : event.callee;
      const userData = consult ? '' : (event.userData ?? '');
      const info = newCall(context.now(), { callId: event.callId, direction: 'outbound', caller: '', callee: target, progress: null, userData });
      const id = requestIdOf(event);
      const leg = spawn('leg', {
        id: event.callId,
        input: {
          info,
          policy: context.policy,
          now: context.now,
          dial: { target, ...(!consult && event.callerId ? { callerId: event.callerId } : {}), ...(userData ? { userData } : {}) },
          ...(id ? { request: { id, command: event.type } } : {}),
        },
      });
      return consult ? { consult: leg } : { call: leg, dialOrigin: params?.origin ?? 'ready' };
    }),
    /** Sends the event on to a leg (with its request id: the leg answers it). */
    forward: sendTo(
      ({ context }, params: { role: Role }) => context[params.role] as LegRef,
      ({ event }) => event as LegCommand,
    ),
    /** A SIP fact goes to the leg it names. */
    forwardFact: enqueueActions(({ context, event, enqueue }) => {
      const callId = eventCallId(event);
      for (const leg of [context.call, context.consult]) {
        if (leg && legInfo(leg)?.callId === callId) enqueue.sendTo(leg, event as LegCommand);
      }
    }),
    /** Mute follows the agent: every leg; the customer leg answers the request. */
    forwardMute: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'call.mute' && event.type !== 'call.unmute') return;
      if (context.call) enqueue.sendTo(context.call, event);
      if (context.consult) enqueue.sendTo(context.consult, { type: event.type });
    }),
    /** Holds the customer before the consultation rings (only when talking: a held customer stays held). */
    holdForConsult: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'call.consult' || !context.call || legIs(context.call, 'held')) return;
      enqueue.sendTo(context.call, { type: 'call.hold', id: consultHoldId(event.callId) } satisfies LegCommand);
    }),
    /** Ends the consultation and resumes the customer; `id` goes with the resume (cancelConsult answers then). */
    endConsult: enqueueActions(({ context, event, enqueue }, params: { answerWithResume: boolean }) => {
      if (context.consult) enqueue.sendTo(context.consult, { type: 'call.hangup' } satisfies LegCommand);
      const call = context.call;
      if (!call) return;
      const id = params.answerWithResume ? requestIdOf(event) : undefined;
      const resume: LegCommand = { type: 'call.retrieve', ...(id ? { id } : {}) };
      if (call.getSnapshot().can(resume)) enqueue.sendTo(call, resume);
      else if (id) enqueue.emit({ type: 'request.done', id });
    }),
    /** The customer's hold failed before the consultation: that consultation ends with the error. */
    abortConsult: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'leg.request.failed' || !context.consult) return;
      enqueue.sendTo(context.consult, { type: 'leg.abort', error: event.error } satisfies LegCommand);
    }),
    referReplaces: sendTo(
      ({ context }) => context.call as LegRef,
      ({ context, event }): LegCommand => ({
        type: 'leg.referReplaces',
        replacesCallId: legInfo(context.consult)?.callId ?? '',
        target: legInfo(context.consult)?.callee ?? '',
        ...(requestIdOf(event) ? { id: requestIdOf(event) } : {}),
      }),
    ),
    /** Resumes whichever party is on hold, then (`mixConference`) asks the adapter to mix both calls. */
    joinConference: enqueueActions(({ context, enqueue }) => {
      const held = [context.call, context.consult].filter((leg): leg is LegRef => legIs(leg, 'held'));
      for (const leg of held) enqueue.sendTo(leg, { type: 'call.retrieve', id: CONFERENCE_ID } satisfies LegCommand);
      if (held.length === 0) enqueue.raise({ type: 'leg.request.done', id: CONFERENCE_ID });
    }),
    mixConference: enqueueActions(({ context, enqueue }) => {
      if (![context.call, context.consult].every(steady) || legIs(context.call, 'held') || legIs(context.consult, 'held')) return;
      const ids = [legInfo(context.call)?.callId ?? '', legInfo(context.consult)?.callId ?? ''] as const;
      enqueue.sendTo('sip', { type: 'sip.conference', callIds: ids } satisfies SipCommand);
    }),
    /**
     * Holds the party the agent talks to, then (resumeSwapped) resumes the other (17 <-> 18): the
     * swap is done when both are, so a conference or transfer right after it finds both steady.
     */
    swapLegs: enqueueActions(({ context, enqueue }) => {
      const consultHeld = legIs(context.consult, 'held');
      const [hold, resume] = consultHeld ? [context.call, context.consult] : [context.consult, context.call];
      if (hold && !legIs(hold, 'held')) enqueue.sendTo(hold, { type: 'call.hold', id: SWAP_HOLD + (consultHeld ? 'consult' : 'call') } satisfies LegCommand);
      else if (resume) enqueue.sendTo(resume, { type: 'call.retrieve', id: SWAP_ID } satisfies LegCommand);
    }),
    resumeSwapped: enqueueActions(({ context, event, enqueue }) => {
      const leg = event.type === 'leg.request.done' ? context[event.id.slice(SWAP_HOLD.length) as 'call' | 'consult'] : null;
      if (leg) enqueue.sendTo(leg, { type: 'call.retrieve', id: SWAP_ID } satisfies LegCommand);
    }),
    dropParty: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'call.dropParty') return;
      const leg = event.party === 'customer' ? context.call : context.consult;
      const id = requestIdOf(event);
      if (leg) enqueue.sendTo(leg, { type: 'call.hangup', ...(id ? { id } : {}) } satisfies LegCommand);
    }),
    /** A leg reported a call event: the host hears of it with the leg's info. */
    emitLegEvent: enqueueActions(({ context, event, enqueue }) => {
      const leg = [context.call, context.consult].find((l) => l && legInfo(l)?.callId === eventCallId(event));
      const call = legInfo(leg ?? null);
      if (!call) return;
      if (event.type === 'leg.dialing') enqueue.emit({ type: 'call.dialing', call });
      else if (event.type === 'leg.established' && leg === context.call) enqueue.emit({ type: 'call.established', call });
      else if (event.type === 'leg.replaced') enqueue.emit({ type: 'call.established', call });
    }),
    /**
     * A leg ended: the host hears of it (the customer leg also with its hang-up type) and the
     * agent lets it go, also when it ends after the agent left the call (a consultation after a
     * completed transfer).
     */
    releaseLeg: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'leg.ended') return;
      const { info, cause, missed } = event.output;
      const customer = legInfo(context.call)?.callId === info.callId;
      if (customer) enqueue.emit({ type: 'call.hangup', hangupType: hangupTypeOf(info), call: info });
      enqueue.emit({ type: 'call.released', call: info, cause, missed });
      if (missed) enqueue.assign({ missedCalls: [info, ...context.missedCalls].slice(0, MISSED_KEPT) });
      if (customer) enqueue.assign({ call: null });
      else if (legInfo(context.consult)?.callId === info.callId) enqueue.assign({ consult: null });
      // A party of the conference left: the other call goes on without the mixing.
      if (context.conference) {
        enqueue.assign({ conference: false });
        enqueue.sendTo('sip', { type: 'sip.conference.end' } satisfies SipCommand);
      }
      enqueue(stopChild(info.callId));
    }),
    /** Ends the consultation leg (the attended transfer made it useless); it reports its end later. */
    hangUpConsult: enqueueActions(({ context, enqueue }) => {
      if (context.consult) enqueue.sendTo(context.consult, { type: 'call.hangup' } satisfies LegCommand);
    }),
    /** The customer left during a consultation: the consult leg becomes the agent's call. */
    promoteConsult: assign(({ context }) => ({ call: context.consult, consult: null, dialOrigin: 'ready' as const })),

    sipRegister: sendTo('sip', { type: 'sip.register' } satisfies SipCommand),
    sipUnregister: sendTo('sip', { type: 'sip.unregister' } satisfies SipCommand),
    sipReject: sendTo(
      'sip',
      ({ event }, params: { code: number; reason: string }) =>
        ({ type: 'sip.reject', callId: eventCallId(event) ?? '', code: params.code, reason: params.reason }) satisfies SipCommand,
    ),
  },
});

/**
 * The first branch of every service-state command: with a CTI backend, ask it first
 * (`ctiPending`); the next branch is the plain transition.
 */
/**
 * What a supervisor's change at the call center does to an agent not on a call and not waiting
 * for the CTI API (`sip.agent.state`): the status follows, with a `state-forced` warning.
 */
export const FORCED = [
  { guard: { type: 'isForcedTo', params: { state: 'break' } }, target: 'onBreak', actions: ['setBreakReason', 'emitForced'] },
  { guard: { type: 'isForcedTo', params: { state: 'ready' } }, target: 'ready', actions: 'emitForced' },
  { guard: { type: 'isForcedTo', params: { state: 'offline' } }, target: 'loggedOut', actions: 'emitForced' },
] as const;

export function throughCti(op: CtiOp, from: CtiChange['from']) {
  return {
    guard: 'usesCti',
    target: 'ctiPending',
    actions: [{ type: 'startCtiChange', params: { op, from } }, 'track'],
  } as const;
}

export { STATUS };
