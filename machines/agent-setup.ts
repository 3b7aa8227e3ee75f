/**
 * The agent statechart's vocabulary: its types, actors, delays, guards and named actions. The
 * states live in agent-machine.ts (registration, service state) and call-states.ts (the calls).
 */
import { assign, emit, enqueueActions, fromCallback, fromPromise, sendTo, setup } from 'xstate';
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
  PendingRequest,
  SipCommand,
  StatusCode,
} from './agent-types.js';
import { eventCallId, hangupTypeOf, newCall, patch, sipCause, sipCodeOf } from './call-info.js';

export interface AgentInput {
  /** Timers; a field left out means "no timer" (manual after-call work, no ring timeout, manual answer). */
  readonly policy?: Partial<AgentPolicy>;
  /** True when a CTI backend must accept log-in, ready, break and log-out first. */
  readonly cti?: boolean;
  /** Clock for timestamps; tests pass a simulated one. Defaults to Date.now. */
  readonly now?: () => number;
}

/** The policy of a machine given none: no timer runs. Product defaults live in src/config.ts. */
export const NO_TIMERS: AgentPolicy = { afterCall: 'manual', ringTimeout: 0, autoAnswer: null };

type Ctx = AgentContext;
type Ev = AgentEvent;
/** Which call leg an action means: the customer call, the consult leg, or the one the event names. */
type Leg = 'call' | 'consult' | 'event';

function legId(context: Ctx, event: Ev, leg: Leg | undefined): string | null {
  if (leg === 'call') return context.call?.callId ?? null;
  if (leg === 'consult') return context.consult?.callId ?? null;
  if (leg === 'event') return eventCallId(event) ?? null;
  return null;
}

function requestId(event: Ev): string | undefined {
  const id = (event as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Pending requests for these commands (on this leg, when one is named). */
function matching(context: Ctx, commands: readonly CommandType[], callId: string | null): PendingRequest[] {
  return context.requests.filter((r) => commands.includes(r.command) && (callId === null || r.callId === null || r.callId === callId));
}

/** What a request learns when its call leg ends before the request completed. */
function endedError(request: PendingRequest): CcErrorInfo {
  const connecting = request.command === 'call.dial' || request.command === 'call.answer' || request.command === 'call.consult';
  return connecting
    ? { errorCode: ERROR.callFailed, errorMsg: 'The call ended before it was connected', command: request.command }
    : { errorCode: ERROR.callNotExisted, errorMsg: `The call ended before "${request.command}" completed`, command: request.command };
}

/** The part of `enqueueActions`' helper the request bookkeeping uses. */
interface Enqueue {
  assign(values: Partial<Ctx>): void;
  emit(event: AgentEmitted): void;
}

/** Reports an error to the host and fails the pending requests it answers. */
function raise(enqueue: Enqueue, context: Ctx, error: CcErrorInfo, answered: readonly PendingRequest[], id?: string): void {
  enqueue.assign({ lastError: error, requests: context.requests.filter((r) => !answered.includes(r)) });
  enqueue.emit({ type: 'error', error });
  for (const request of answered) enqueue.emit({ type: 'request.failed', id: request.id, error });
  if (id) enqueue.emit({ type: 'request.failed', id, error });
}

/** Where a raised error's pending requests are looked up. */
export interface Answers {
  readonly answers?: readonly CommandType[];
  readonly leg?: Leg;
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
  },
  delays: {
    afterCallDelay: ({ context }) => (context.policy.afterCall === 'manual' ? 0 : context.policy.afterCall * 1000),
    ringTimeout: ({ context }) => context.policy.ringTimeout * 1000,
    /** The shorter of the agent's auto-answer policy and what the PBX asked for (Call-Info answer-after). */
    autoAnswerDelay: ({ context }) =>
      Math.min(context.policy.autoAnswer ?? Infinity, context.call?.answerAfter ?? Infinity) * 1000,
  },
  guards: {
    isCurrentCall: ({ context, event }) => eventCallId(event) === context.call?.callId,
    isConsultCall: ({ context, event }) => context.consult !== null && eventCallId(event) === context.consult.callId,
    hasNoCall: ({ context }) => context.call === null,
    isAfterCallTimed: ({ context }) => context.policy.afterCall !== 'manual',
    hasRingTimeout: ({ context }) => context.policy.ringTimeout > 0,
    hasAutoAnswer: ({ context }) => context.policy.autoAnswer !== null || typeof context.call?.answerAfter === 'number',
    isFromAfterCall: ({ context }) => context.dialOrigin === 'afterCall',
    isTransferPending: ({ context }) => context.transferTarget !== null,
    isNotTransferPending: ({ context }) => context.transferTarget === null,
    isMuteUnchanged: ({ context, event }) => context.call !== null && context.call.muted === (event.type === 'call.mute'),
    usesCti: ({ context }) => context.cti,
    isAfterCallTimedWithCti: ({ context }) => context.cti && context.policy.afterCall !== 'manual',
    isCtiTo: ({ context }, params: { ops: readonly CtiOp[] }) => context.ctiChange !== null && params.ops.includes(context.ctiChange.op),
    isCtiFrom: ({ context }, params: { from: CtiChange['from'] }) => context.ctiChange?.from === params.from,
  },
  actions: {
    setStatus: enqueueActions(({ context, enqueue }, params: { code: StatusCode; force?: boolean }) => {
      if (params.code === context.code && !params.force) return;
      const lastCode = context.code;
      enqueue.assign({ code: params.code, lastCode });
      enqueue.emit({
        type: 'status',
        code: params.code,
        lastCode,
        context: { breakReason: context.breakReason, call: context.call, consult: context.consult },
      });
    }),

    // ---- Requests: the transition that completes or fails a command answers its id ----

    /** The command is complete as of this transition. */
    done: enqueueActions(({ event, enqueue }) => {
      const id = requestId(event);
      if (id) enqueue.emit({ type: 'request.done', id });
    }),
    /**
     * The command waits for a later fact on a call leg: `leg` names it; by default the customer
     * call for call commands, none for agent commands.
     */
    track: assign(({ context, event }, params?: { leg?: Leg }) => {
      const id = requestId(event);
      if (!id) return {};
      const leg = params?.leg ?? (event.type.startsWith('agent.') ? undefined : 'call');
      const request: PendingRequest = { id, command: event.type as CommandType, callId: legId(context, event, leg) };
      return { requests: [...context.requests, request] };
    }),
    /** Completes the pending requests for these commands; `result` names the leg they resolve with. */
    complete: enqueueActions(
      ({ context, event, enqueue }, params: { commands: readonly CommandType[]; leg?: Leg; result?: 'call' | 'consult' }) => {
        const done = matching(context, params.commands, legId(context, event, params.leg));
        if (done.length === 0) return;
        enqueue.assign({ requests: context.requests.filter((r) => !done.includes(r)) });
        const call = params.result ? (context[params.result] ?? undefined) : undefined;
        for (const request of done) enqueue.emit({ type: 'request.done', id: request.id, ...(call ? { call } : {}) });
      },
    ),
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

    // ---- Errors ----

    raiseError: enqueueActions(({ context, event, enqueue }, params: CcErrorInfo & Answers) => {
      const { answers = [], leg, ...error } = params;
      raise(enqueue, context, error, matching(context, answers, legId(context, event, leg)));
    }),
    /** An error whose message is `prefix: <SIP cause>`, carrying the SIP status when there is one. */
    raiseSipError: enqueueActions(
      ({ context, event, enqueue }, params: { errorCode: CcErrorInfo['errorCode']; prefix: string; command: string } & Answers) => {
        const sipCode = sipCodeOf(event);
        const error: CcErrorInfo = {
          errorCode: params.errorCode,
          errorMsg: `${params.prefix}: ${sipCause(event)}`,
          command: params.command,
          ...(sipCode === undefined ? {} : { sipCode }),
        };
        raise(enqueue, context, error, matching(context, params.answers ?? [], legId(context, event, params.leg)));
      },
    ),
    /** A command the current state does not accept (reference 9001). */
    rejectCommand: enqueueActions(({ context, event, enqueue }) => {
      const error: CcErrorInfo = {
        errorCode: ERROR.stateNotAllowed,
        errorMsg: `The current state (status ${context.code}) cannot perform "${event.type}"`,
        command: event.type,
      };
      raise(enqueue, context, error, [], requestId(event));
    }),
    raiseDtmfError: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sip.dtmf.failed') return;
      const error: CcErrorInfo = {
        errorCode: ERROR.dtmfFailed,
        errorMsg: `DTMF "${event.tone}" failed: ${event.cause}`,
        command: 'dtmf.send',
      };
      raise(enqueue, context, error, matching(context, ['dtmf.send'], event.callId));
    }),
    raiseCtiError: enqueueActions(({ context, event, enqueue }) => {
      const failure = (event as { error?: unknown }).error;
      const details = typeof failure === 'object' && failure !== null ? (failure as Partial<CcErrorInfo>) : {};
      const command = `agent.${context.ctiChange?.op ?? 'ready'}`;
      const error: CcErrorInfo = {
        errorCode: ERROR.ctiFailed,
        errorMsg: details.errorMsg ?? (failure instanceof Error ? failure.message : `CTI request failed: ${String(failure)}`),
        command,
        ...(details.apiName === undefined ? {} : { apiName: details.apiName }),
        ...(details.apiCode === undefined ? {} : { apiCode: details.apiCode }),
        ...(details.requestId === undefined ? {} : { requestId: details.requestId }),
      };
      raise(enqueue, context, error, matching(context, AGENT_CHANGES, null));
    }),

    // ---- Agent ----

    setPolicy: assign(({ context, event }) => ({ policy: event.type === 'config.policy' ? event.policy : context.policy })),
    setBreakReason: assign(({ event }, params?: { reason: string }) => ({
      breakReason: params?.reason ?? (event.type === 'agent.break' && event.reason ? event.reason : 'default'),
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
    emitUnregistered: emit({ type: 'unregistered' } as const),
    emitRegistrationFailed: emit(({ event }) => ({
      type: 'registrationFailed' as const,
      cause: event.type === 'sip.registration.failed' ? event.cause : 'unknown',
      ...(event.type === 'sip.registration.failed' && event.sipCode !== undefined ? { sipCode: event.sipCode } : {}),
    })),

    // ---- Call legs ----

    assignIncomingCall: assign(({ context, event }) => ({
      call:
        event.type === 'sip.call.incoming'
          ? newCall(context.now(), {
              callId: event.callId,
              sipCallId: event.callId,
              direction: 'inbound',
              caller: event.caller,
              callee: event.callee,
              remoteName: event.remoteName,
              internal: event.internal,
              answerAfter: event.answerAfter ?? null,
              jobId: event.jobId ?? '',
            })
          : context.call,
    })),
    emitIncoming: emit(({ context }) => ({ type: 'call.incoming' as const, call: context.call as CallInfo })),
    assignOutgoingCall: assign(({ context, event }, params: { origin: 'ready' | 'afterCall' }) => ({
      call:
        event.type === 'call.dial'
          ? newCall(context.now(), { callId: event.callId, direction: 'outbound', caller: '', callee: event.callee, progress: null })
          : context.call,
      dialOrigin: params.origin,
    })),
    assignConsult: assign(({ context, event }) => ({
      consult:
        event.type === 'call.consult'
          ? newCall(context.now(), { callId: event.callId, direction: 'outbound', caller: '', callee: event.target, progress: null })
          : context.consult,
    })),
    assignSipCallId: assign(({ context, event }) =>
      event.type === 'sip.call.created'
        ? {
            call: patch(context.call, event.callId, { sipCallId: event.sipCallId }),
            consult: patch(context.consult, event.callId, { sipCallId: event.sipCallId }),
          }
        : {},
    ),
    assignProgress: assign(({ context, event }) =>
      event.type === 'sip.call.progress'
        ? {
            call: patch(context.call, event.callId, { progress: event.sipCode }),
            consult: patch(context.consult, event.callId, { progress: event.sipCode }),
          }
        : {},
    ),
    emitDialing: emit(({ context, event }) => ({
      type: 'call.dialing' as const,
      call: (eventCallId(event) === context.consult?.callId ? context.consult : context.call) as CallInfo,
    })),
    markAnswered: assign(({ context }) => ({ call: context.call ? { ...context.call, answeredAt: context.now() } : null })),
    markConsultAnswered: assign(({ context }) => ({
      consult: context.consult ? { ...context.consult, answeredAt: context.now() } : null,
    })),
    assignReplacedParty: assign(({ context, event }) =>
      event.type === 'sip.call.replaced'
        ? { call: patch(context.call, event.callId, { caller: event.caller, remoteName: event.remoteName, internal: event.internal, muted: false }) }
        : {},
    ),
    emitEstablished: emit(({ context }) => ({ type: 'call.established' as const, call: context.call as CallInfo })),
    /** Ends the customer leg: hang-up hook, release hook, its pending requests failed, context cleared. */
    releaseCall: enqueueActions(({ context, event, enqueue }) => {
      const call = context.call;
      if (!call) return;
      const cause = event.type.startsWith('sip.') ? sipCause(event) : 'local hang-up';
      enqueue.emit({ type: 'call.hangup', hangupType: hangupTypeOf(call), call });
      enqueue.emit({ type: 'call.released', call, cause });
      failLeg(enqueue, context, call.callId);
      enqueue.assign({ call: null, transferTarget: null });
    }),
    releaseConsult: enqueueActions(({ context, event, enqueue }) => {
      const consult = context.consult;
      if (!consult) return;
      const cause = event.type.startsWith('sip.') ? sipCause(event) : 'local hang-up';
      enqueue.emit({ type: 'call.released', call: consult, cause });
      failLeg(enqueue, context, consult.callId);
      enqueue.assign({ consult: null });
    }),
    /** The customer left during a consultation: the consult leg becomes the agent's call. */
    promoteConsult: assign(({ context }) => ({ call: context.consult, consult: null, dialOrigin: 'ready' as const })),
    setMuted: assign(({ context, event }) =>
      event.type === 'sip.call.muted'
        ? {
            call: patch(context.call, event.callId, { muted: event.muted }),
            consult: patch(context.consult, event.callId, { muted: event.muted }),
          }
        : {},
    ),
    assignTransferTarget: assign(({ context, event }) => ({
      transferTarget: event.type === 'call.transfer' ? event.target : (context.consult?.callee ?? null),
    })),
    clearTransferTarget: assign({ transferTarget: null }),

    // ---- Commands to the SIP actor ----

    sipRegister: sendTo('sip', { type: 'sip.register' } satisfies SipCommand),
    sipUnregister: sendTo('sip', { type: 'sip.unregister' } satisfies SipCommand),
    sipAnswer: sendTo('sip', ({ context }) => ({ type: 'sip.answer', callId: context.call?.callId ?? '' }) satisfies SipCommand),
    sipReject: sendTo(
      'sip',
      ({ context, event }, params: { code: number; reason: string; incoming?: boolean }) =>
        ({
          type: 'sip.reject',
          callId: (params.incoming ? eventCallId(event) : context.call?.callId) ?? '',
          code: params.code,
          reason: params.reason,
        }) satisfies SipCommand,
    ),
    sipDial: sendTo('sip', ({ event }) => {
      if (event.type === 'call.consult') return { type: 'sip.call', callId: event.callId, target: event.target } satisfies SipCommand;
      if (event.type === 'call.dial') {
        return { type: 'sip.call', callId: event.callId, target: event.callee, ...(event.callerId ? { callerId: event.callerId } : {}) } satisfies SipCommand;
      }
      return { type: 'sip.call', callId: '', target: '' } satisfies SipCommand;
    }),
    sipTerminateCall: sendTo('sip', ({ context }) => ({ type: 'sip.terminate', callId: context.call?.callId ?? '' }) satisfies SipCommand),
    sipTerminateConsult: sendTo('sip', ({ context }) => ({ type: 'sip.terminate', callId: context.consult?.callId ?? '' }) satisfies SipCommand),
    sipHold: sendTo('sip', ({ context }) => ({ type: 'sip.hold', callId: context.call?.callId ?? '' }) satisfies SipCommand),
    sipUnhold: sendTo('sip', ({ context }) => ({ type: 'sip.unhold', callId: context.call?.callId ?? '' }) satisfies SipCommand),
    sipMute: enqueueActions(({ context, event, enqueue }) => {
      const muted = event.type === 'call.mute';
      for (const leg of [context.call, context.consult]) {
        if (leg) enqueue.sendTo('sip', { type: 'sip.mute', callId: leg.callId, muted } satisfies SipCommand);
      }
    }),
    sipDtmf: sendTo('sip', ({ context, event }, params: { leg: 'call' | 'consult' }) => ({
      type: 'sip.dtmf' as const,
      callId: context[params.leg]?.callId ?? '',
      digits: event.type === 'dtmf.send' ? event.digits : '',
    })),
    sipRefer: sendTo('sip', ({ context, event }) => ({
      type: 'sip.refer' as const,
      callId: context.call?.callId ?? '',
      target: event.type === 'call.transfer' ? event.target : '',
    })),
    sipReferReplaces: sendTo('sip', ({ context }) => ({
      type: 'sip.referReplaces' as const,
      callId: context.call?.callId ?? '',
      replacesCallId: context.consult?.callId ?? '',
    })),
  },
});

/** Service-state commands a CTI change answers. */
export const AGENT_CHANGES: readonly CommandType[] = ['agent.login', 'agent.ready', 'agent.break', 'agent.logout'];

/** Fails the requests still waiting on a leg that ended (the ones a success already answered are gone). */
function failLeg(enqueue: Enqueue, context: Ctx, callId: string): void {
  const waiting = context.requests.filter((r) => r.callId === callId);
  if (waiting.length === 0) return;
  enqueue.assign({ requests: context.requests.filter((r) => r.callId !== callId) });
  for (const request of waiting) enqueue.emit({ type: 'request.failed', id: request.id, error: endedError(request) });
}

/**
 * The first branch of every service-state command: with a CTI backend, ask it first
 * (`ctiPending`); the next branch is the plain transition.
 */
export function throughCti(op: CtiOp, from: CtiChange['from']) {
  return {
    guard: 'usesCti',
    target: 'ctiPending',
    actions: [{ type: 'startCtiChange', params: { op, from } }, 'track'],
  } as const;
}

export { STATUS };
