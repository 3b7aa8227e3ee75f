import { and, assign, emit, enqueueActions, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import type { AnyEventObject } from 'xstate';
import { ERROR, STATUS } from './agent-types.js';
import type {
  AgentContext,
  AgentEmitted,
  AgentEvent,
  AgentPolicy,
  CallInfo,
  CcErrorInfo,
  CtiChange,
  CtiOp,
  HangupType,
  SipCommand,
  StatusCode,
} from './agent-types.js';

export interface AgentInput {
  readonly policy?: Partial<AgentPolicy>;
  /** True when a CTI backend must accept log-in, ready, break and log-out first. */
  readonly cti?: boolean;
  /** Clock for timestamps; tests pass a simulated one. Defaults to Date.now. */
  readonly now?: () => number;
}

export const DEFAULT_POLICY: AgentPolicy = { afterCall: 15, ringTimeout: 30, autoAnswer: null };

type Ctx = AgentContext;

/**
 * The first branch of every service-state command: with a CTI backend, ask it first
 * (`ctiPending`); the next branch is the plain transition.
 */
function throughCti(op: CtiOp, from: CtiChange['from']) {
  return { guard: 'usesCti', target: 'ctiPending', actions: { type: 'startCtiChange', params: { op, from } } } as const;
}

/** The phone command each CTI change answers, so its promise settles with the CTI error. */
const CTI_COMMANDS: Record<CtiOp, string> = { login: 'logIn', ready: 'ready', break: 'applyForBreak', logout: 'logOut' };

function newCall(
  ctx: Ctx,
  init: Pick<CallInfo, 'callId' | 'direction' | 'caller' | 'callee'> & Partial<CallInfo>,
): CallInfo {
  return {
    sipCallId: null,
    remoteName: '',
    internal: false,
    startedAt: ctx.now(),
    answeredAt: null,
    muted: false,
    held: false,
    ...init,
  };
}

/** Status code of a connected call: inbound 9, outbound 10, agent-to-agent 11. */
export function talkCode(call: CallInfo | null): StatusCode {
  if (!call) return STATUS.inboundTalk;
  if (call.internal) return STATUS.internalTalk;
  return call.direction === 'inbound' ? STATUS.inboundTalk : STATUS.outboundTalk;
}

function hangupTypeOf(call: CallInfo): HangupType {
  if (call.answeredAt === null) return call.direction === 'inbound' ? 'ringing' : 'dialing';
  return call.direction;
}

function patch(call: CallInfo | null, callId: string, change: Partial<CallInfo>): CallInfo | null {
  return call && call.callId === callId ? { ...call, ...change } : call;
}

function eventCallId(event: AnyEventObject): string | undefined {
  return typeof event['callId'] === 'string' ? (event['callId'] as string) : undefined;
}

function sipCodeOf(event: AnyEventObject): number | undefined {
  return typeof event['sipCode'] === 'number' ? (event['sipCode'] as number) : undefined;
}

function sipCause(event: AnyEventObject): string {
  const cause = typeof event['cause'] === 'string' ? event['cause'] : 'unknown cause';
  const code = typeof event['sipCode'] === 'number' ? ` (SIP ${event['sipCode']})` : '';
  return `${cause}${code}`;
}

const COMMAND_TYPES = new Set<string>([
  'agent.register',
  'agent.unregister',
  'agent.login',
  'agent.logout',
  'agent.ready',
  'agent.break',
  'call.dial',
  'call.answer',
  'call.hangup',
  'call.hold',
  'call.retrieve',
  'call.mute',
  'call.unmute',
  'dtmf.send',
  'call.transfer',
  'call.consult',
  'call.completeTransfer',
  'call.cancelConsult',
]);

/** Every command a person or script can send; used by tests and by `acceptsCommand`. */
export const AGENT_COMMANDS: readonly string[] = [...COMMAND_TYPES];

/**
 * The agent statechart. Pure: the SIP side is the invoked `sip` actor, a no-op here, which
 * `src/phone.ts` replaces with the JsSIP adapter through `.provide()`.
 */
export const agentMachine = setup({
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
    isConsultCall: ({ context, event }) =>
      context.consult !== null && eventCallId(event) === context.consult.callId,
    hasNoCall: ({ context }) => context.call === null,
    isAfterCallTimed: ({ context }) => context.policy.afterCall !== 'manual',
    hasRingTimeout: ({ context }) => context.policy.ringTimeout > 0,
    hasAutoAnswer: ({ context }) => context.policy.autoAnswer !== null || typeof context.call?.answerAfter === 'number',
    isFromAfterCall: ({ context }) => context.dialOrigin === 'afterCall',
    isTransferPending: ({ context }) => context.transferTarget !== null,
    isNotTransferPending: ({ context }) => context.transferTarget === null,
    isCallHeld: ({ context }) => context.call?.held === true,
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
    raiseError: enqueueActions(({ enqueue }, params: CcErrorInfo) => {
      enqueue.assign({ lastError: params });
      enqueue.emit({ type: 'error', error: params });
    }),
    /** An error whose message is `prefix: <SIP cause>`, carrying the SIP status when there is one. */
    raiseSipError: enqueueActions(
      ({ event, enqueue }, params: { errorCode: CcErrorInfo['errorCode']; prefix: string; command: string }) => {
        const sipCode = sipCodeOf(event);
        const error: CcErrorInfo = {
          errorCode: params.errorCode,
          errorMsg: `${params.prefix}: ${sipCause(event)}`,
          command: params.command,
          ...(sipCode === undefined ? {} : { sipCode }),
        };
        enqueue.assign({ lastError: error });
        enqueue.emit({ type: 'error', error });
      },
    ),
    rejectCommand: enqueueActions(({ context, event, enqueue }) => {
      const error: CcErrorInfo = {
        errorCode: ERROR.stateNotAllowed,
        errorMsg: `The current state (status ${context.code}) cannot perform "${event.type}"`,
        command: event.type,
      };
      enqueue.assign({ lastError: error });
      enqueue.emit({ type: 'error', error });
    }),
    setPolicy: assign(({ context, event }) => ({
      policy: event.type === 'config.policy' ? event.policy : context.policy,
    })),
    setBreakReason: assign(({ event }, params?: { reason: string }) => ({
      breakReason: params?.reason ?? (event.type === 'agent.break' && event.reason ? event.reason : 'default'),
    })),
    clearBreakReason: assign({ breakReason: null }),
    startCtiChange: assign(({ context, event }, params: { op: CtiOp; from: CtiChange['from']; reason?: string }) => ({
      ctiChange: {
        op: params.op,
        from: params.from,
        reason:
          params.reason ?? (event.type === 'agent.break' && event.reason ? event.reason : params.op === 'break' ? 'default' : null),
        previousBreakReason: context.breakReason,
      },
    })),
    clearCtiChange: assign({ ctiChange: null }),
    /** The break reason of a CTI break that succeeded, or the one a failed change left behind. */
    restoreCtiBreakReason: assign(({ context }) => ({
      breakReason: context.ctiChange?.op === 'break' ? context.ctiChange.reason : (context.ctiChange?.previousBreakReason ?? null),
    })),
    raiseCtiError: enqueueActions(({ context, event, enqueue }) => {
      const failure = (event as { error?: unknown }).error;
      const details = typeof failure === 'object' && failure !== null ? (failure as Partial<CcErrorInfo>) : {};
      const op = context.ctiChange?.op ?? 'ready';
      const error: CcErrorInfo = {
        errorCode: ERROR.ctiFailed,
        errorMsg: details.errorMsg ?? (failure instanceof Error ? failure.message : `CTI request failed: ${String(failure)}`),
        command: CTI_COMMANDS[op],
        ...(details.apiName === undefined ? {} : { apiName: details.apiName }),
        ...(details.apiCode === undefined ? {} : { apiCode: details.apiCode }),
        ...(details.requestId === undefined ? {} : { requestId: details.requestId }),
      };
      enqueue.assign({ lastError: error });
      enqueue.emit({ type: 'error', error });
    }),
    sipRegister: sendTo('sip', { type: 'sip.register' } satisfies SipCommand),
    sipUnregister: sendTo('sip', { type: 'sip.unregister' } satisfies SipCommand),
    emitRegistered: emit({ type: 'registered' } as const),
    emitUnregistered: emit({ type: 'unregistered' } as const),
    emitRegistrationFailed: emit(({ event }) => ({
      type: 'registrationFailed' as const,
      cause: event.type === 'sip.registration.failed' ? event.cause : 'unknown',
      ...(event.type === 'sip.registration.failed' && event.sipCode !== undefined ? { sipCode: event.sipCode } : {}),
    })),
    assignIncomingCall: assign(({ context, event }) => ({
      call:
        event.type === 'sip.call.incoming'
          ? newCall(context, {
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
          ? newCall(context, { callId: event.callId, direction: 'outbound', caller: '', callee: event.callee })
          : context.call,
      dialOrigin: params.origin,
    })),
    assignSipCallId: assign(({ context, event }) =>
      event.type === 'sip.call.created'
        ? {
            call: patch(context.call, event.callId, { sipCallId: event.sipCallId }),
            consult: patch(context.consult, event.callId, { sipCallId: event.sipCallId }),
          }
        : {},
    ),
    emitDialing: emit(({ context, event }) => ({
      type: 'call.dialing' as const,
      call: (eventCallId(event) === context.consult?.callId ? context.consult : context.call) as CallInfo,
    })),
    markAnswered: assign(({ context }) => ({
      call: context.call ? { ...context.call, answeredAt: context.now() } : null,
    })),
    assignReplacedParty: assign(({ context, event }) =>
      event.type === 'sip.call.replaced'
        ? {
            call: patch(context.call, event.callId, {
              caller: event.caller,
              remoteName: event.remoteName,
              internal: event.internal,
              muted: false,
              held: false,
            }),
          }
        : {},
    ),
    emitEstablished: emit(({ context }) => ({ type: 'call.established' as const, call: context.call as CallInfo })),
    /** Ends the customer leg from the agent's side of the model: hang-up hook, release hook, cleared context. */
    releaseCall: enqueueActions(({ context, event, enqueue }) => {
      const call = context.call;
      if (!call) return;
      const cause = event.type.startsWith('sip.') ? sipCause(event) : 'local hang-up';
      enqueue.emit({ type: 'call.hangup', hangupType: hangupTypeOf(call), call });
      enqueue.emit({ type: 'call.released', call, cause });
      enqueue.assign({ call: null, transferTarget: null });
    }),
    releaseConsult: enqueueActions(({ context, event, enqueue }) => {
      const consult = context.consult;
      if (!consult) return;
      const cause = event.type.startsWith('sip.') ? sipCause(event) : 'local hang-up';
      enqueue.emit({ type: 'call.released', call: consult, cause });
      enqueue.assign({ consult: null });
    }),
    /** The customer left during a consultation: the consult leg becomes the agent's call. */
    promoteConsult: assign(({ context }) => ({ call: context.consult, consult: null, dialOrigin: 'ready' as const })),
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
        return {
          type: 'sip.call',
          callId: event.callId,
          target: event.callee,
          ...(event.callerId ? { callerId: event.callerId } : {}),
        } satisfies SipCommand;
      }
      return { type: 'sip.call', callId: '', target: '' } satisfies SipCommand;
    }),
    sipTerminateCall: sendTo('sip', ({ context }) => ({ type: 'sip.terminate', callId: context.call?.callId ?? '' }) satisfies SipCommand),
    sipTerminateConsult: sendTo(
      'sip',
      ({ context }) => ({ type: 'sip.terminate', callId: context.consult?.callId ?? '' }) satisfies SipCommand,
    ),
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
    assignTransferTarget: assign(({ context, event }) => ({
      transferTarget: event.type === 'call.transfer' ? event.target : (context.consult?.callee ?? null),
    })),
    clearTransferTarget: assign({ transferTarget: null }),
    assignConsult: assign(({ context, event }) => ({
      consult:
        event.type === 'call.consult'
          ? newCall(context, { callId: event.callId, direction: 'outbound', caller: '', callee: event.target })
          : context.consult,
    })),
    markConsultAnswered: assign(({ context }) => ({
      consult: context.consult ? { ...context.consult, answeredAt: context.now() } : null,
    })),
    setHeld: assign(({ context, event }, params: { held: boolean }) => ({
      call: patch(context.call, eventCallId(event) ?? context.call?.callId ?? '', { held: params.held }),
    })),
    setMuted: assign(({ context, event }) =>
      event.type === 'sip.call.muted'
        ? {
            call: patch(context.call, event.callId, { muted: event.muted }),
            consult: patch(context.consult, event.callId, { muted: event.muted }),
          }
        : {},
    ),
    startAfterCall: assign(({ context }) => ({
      afterCallEndsAt: context.policy.afterCall === 'manual' ? null : context.now() + context.policy.afterCall * 1000,
    })),
    clearAfterCall: assign({ afterCallEndsAt: null }),
    /** Leaves every call leg when the registration goes away for good. */
    sipTerminateAll: enqueueActions(({ context, enqueue }) => {
      for (const leg of [context.call, context.consult]) {
        if (leg) enqueue.sendTo('sip', { type: 'sip.terminate', callId: leg.callId } satisfies SipCommand);
      }
    }),
  },
}).createMachine({
  id: 'agent',
  context: ({ input }) => ({
    policy: { ...DEFAULT_POLICY, ...input.policy },
    cti: input.cti === true,
    ctiChange: null,
    code: STATUS.unregistered,
    lastCode: STATUS.unregistered,
    breakReason: null,
    call: null,
    consult: null,
    transferTarget: null,
    afterCallEndsAt: null,
    dialOrigin: 'ready',
    lastError: null,
    now: input.now ?? Date.now,
  }),
  invoke: { id: 'sip', src: 'sip' },
  initial: 'unregistered',
  on: {
    'config.policy': { actions: 'setPolicy' },
    // A command no state accepts is answered, never dropped (reference error 9001).
    'agent.*': { actions: 'rejectCommand' },
    'call.*': { actions: 'rejectCommand' },
    'dtmf.*': { actions: 'rejectCommand' },
  },
  states: {
    unregistered: {
      entry: ['clearBreakReason', { type: 'setStatus', params: { code: STATUS.unregistered } }],
      on: { 'agent.register': 'registering' },
    },
    registering: {
      entry: [{ type: 'setStatus', params: { code: STATUS.registering } }, 'sipRegister'],
      on: {
        'sip.registered': { target: 'registered', actions: 'emitRegistered' },
        'sip.registration.failed': {
          target: 'unregistered',
          actions: [
            'emitRegistrationFailed',
            { type: 'raiseSipError', params: { errorCode: ERROR.registrationFailed, prefix: 'Registration failed', command: 'register' } },
          ],
        },
        'agent.unregister': { target: 'unregistered', actions: ['sipUnregister', 'emitUnregistered'] },
      },
    },
    registered: {
      initial: 'loggedOut',
      on: {
        'agent.unregister': {
          guard: 'hasNoCall',
          target: 'unregistered',
          actions: ['sipUnregister', 'emitUnregistered'],
        },
        'sip.unregistered': {
          guard: 'hasNoCall',
          target: 'unregistered',
          actions: 'emitUnregistered',
        },
        'sip.registration.failed': [
          {
            guard: 'hasNoCall',
            target: 'unregistered',
            actions: [
              'emitRegistrationFailed',
              { type: 'raiseSipError', params: { errorCode: ERROR.registrationFailed, prefix: 'Re-registration failed', command: 'register' } },
            ],
          },
          {
            actions: { type: 'raiseSipError', params: { errorCode: ERROR.registrationFailed, prefix: 'Re-registration failed during a call', command: 'register' } },
          },
        ],
        'sip.disconnected': {
          actions: {
            type: 'raiseError',
            params: ({ event }) => ({
              errorCode: ERROR.connectionLost,
              errorMsg: `SIP connection lost: ${sipCause(event)}; reconnecting`,
              command: 'register',
            }),
          },
        },
        // Busy everywhere except `ready` (and 480 while logged out): reference table, "接听" only at 3.
        'sip.call.incoming': {
          actions: { type: 'sipReject', params: { code: 486, reason: 'Busy Here', incoming: true } },
        },
      },
      states: {
        loggedOut: {
          entry: ['clearBreakReason', { type: 'setStatus', params: { code: STATUS.offline } }],
          on: {
            'agent.login': [
              throughCti('login', 'loggedOut'),
              { target: 'ready' },
            ],
            'sip.call.incoming': {
              actions: {
                type: 'sipReject',
                params: { code: 480, reason: 'Temporarily Unavailable', incoming: true },
              },
            },
          },
        },
        // The break reason is cleared on entering ready or logged-out, not on leaving the break,
        // so a CTI change that fails can return to the break with its reason.
        onBreak: {
          entry: { type: 'setStatus', params: { code: STATUS.break } },
          on: {
            'agent.ready': [
              throughCti('ready', 'onBreak'),
              { target: 'ready' },
            ],
            'agent.logout': [
              throughCti('logout', 'onBreak'),
              { target: 'loggedOut' },
            ],
            'agent.break': {
              actions: ['setBreakReason', { type: 'setStatus', params: { code: STATUS.break, force: true } }],
            },
          },
        },
        ready: {
          tags: ['available'],
          entry: ['clearBreakReason', { type: 'setStatus', params: { code: STATUS.ready } }],
          on: {
            'agent.break': [
              throughCti('break', 'ready'),
              { target: 'onBreak', actions: 'setBreakReason' },
            ],
            'agent.logout': [
              throughCti('logout', 'ready'),
              { target: 'loggedOut' },
            ],
            'call.dial': {
              target: 'dialing',
              actions: [{ type: 'assignOutgoingCall', params: { origin: 'ready' } }, 'sipDial'],
            },
            'sip.call.incoming': { target: 'ringing', actions: ['assignIncomingCall', 'emitIncoming'] },
            'sip.monitor.started': 'monitoring',
          },
        },
        afterCall: {
          entry: ['startAfterCall', { type: 'setStatus', params: { code: STATUS.afterCall } }],
          exit: 'clearAfterCall',
          after: {
            afterCallDelay: [
              {
                guard: 'isAfterCallTimedWithCti',
                target: 'ctiPending',
                actions: { type: 'startCtiChange', params: { op: 'ready', from: 'afterCall' } },
              },
              { guard: 'isAfterCallTimed', target: 'ready' },
            ],
          },
          on: {
            'agent.ready': [
              throughCti('ready', 'afterCall'),
              { target: 'ready' },
            ],
            'agent.break': [
              throughCti('break', 'afterCall'),
              { target: 'onBreak', actions: 'setBreakReason' },
            ],
            'agent.logout': [
              throughCti('logout', 'afterCall'),
              { target: 'loggedOut' },
            ],
            'call.dial': {
              target: 'dialing',
              actions: [{ type: 'assignOutgoingCall', params: { origin: 'afterCall' } }, 'sipDial'],
            },
          },
        },
        /**
         * The CTI backend is asked to accept a service-state change. The status code stays what
         * it was until it answers: on success the agent moves on, on failure (error 7200 naming
         * the API, its code and request id) the agent stays where it was. Incoming calls get 486.
         */
        ctiPending: {
          tags: ['ctiPending'],
          invoke: {
            id: 'cti',
            src: 'cti',
            input: ({ context }) => context.ctiChange as CtiChange,
            // Transition actions run after this state's exit, so the change is cleared last.
            onDone: [
              { guard: { type: 'isCtiTo', params: { ops: ['login', 'ready'] } }, target: 'ready', actions: 'clearCtiChange' },
              {
                guard: { type: 'isCtiTo', params: { ops: ['break'] } },
                target: 'onBreak',
                actions: ['restoreCtiBreakReason', 'clearCtiChange'],
              },
              { target: 'loggedOut', actions: 'clearCtiChange' },
            ],
            onError: [
              { guard: { type: 'isCtiFrom', params: { from: 'ready' } }, target: 'ready', actions: ['raiseCtiError', 'clearCtiChange'] },
              {
                guard: { type: 'isCtiFrom', params: { from: 'onBreak' } },
                target: 'onBreak',
                actions: ['raiseCtiError', 'restoreCtiBreakReason', 'clearCtiChange'],
              },
              {
                guard: { type: 'isCtiFrom', params: { from: 'afterCall' } },
                target: 'afterCall',
                actions: ['raiseCtiError', 'clearCtiChange'],
              },
              { target: 'loggedOut', actions: ['raiseCtiError', 'clearCtiChange'] },
            ],
          },
        },
        monitoring: {
          tags: ['onCall'],
          entry: { type: 'setStatus', params: { code: STATUS.monitoring } },
          on: {
            'sip.monitor.ended': 'ready',
            'call.hangup': 'ready',
          },
        },
        ringing: {
          tags: ['onCall'],
          entry: { type: 'setStatus', params: { code: STATUS.ringing } },
          after: {
            ringTimeout: [
              {
                guard: and(['hasRingTimeout', 'usesCti']),
                target: 'ctiPending',
                actions: [
                  { type: 'sipReject', params: { code: 480, reason: 'Temporarily Unavailable' } },
                  'releaseCall',
                  { type: 'startCtiChange', params: { op: 'break', from: 'ready', reason: 'missed' } },
                ],
              },
              {
                guard: 'hasRingTimeout',
                target: 'onBreak',
                actions: [
                  { type: 'sipReject', params: { code: 480, reason: 'Temporarily Unavailable' } },
                  'releaseCall',
                  { type: 'setBreakReason', params: { reason: 'missed' } },
                ],
              },
            ],
            autoAnswerDelay: { guard: 'hasAutoAnswer', target: 'answering', actions: 'sipAnswer' },
          },
          on: {
            'call.answer': { target: 'answering', actions: 'sipAnswer' },
            'call.hangup': {
              target: 'ready',
              actions: [{ type: 'sipReject', params: { code: 603, reason: 'Decline' } }, 'releaseCall'],
            },
            'sip.call.ended': { guard: 'isCurrentCall', target: 'ready', actions: 'releaseCall' },
            'sip.call.failed': { guard: 'isCurrentCall', target: 'ready', actions: 'releaseCall' },
          },
        },
        answering: {
          tags: ['onCall'],
          on: {
            'sip.call.confirmed': {
              guard: 'isCurrentCall',
              target: 'inCall.talking',
              actions: ['markAnswered', 'emitEstablished'],
            },
            'call.hangup': { target: 'ready', actions: ['sipTerminateCall', 'releaseCall'] },
            'sip.call.ended': { guard: 'isCurrentCall', target: 'ready', actions: 'releaseCall' },
            'sip.call.failed': {
              guard: 'isCurrentCall',
              target: 'ready',
              actions: [
                {
                  type: 'raiseError',
                  params: ({ event }) => ({
                    errorCode: /media|microphone|getusermedia/i.test(sipCause(event))
                      ? ERROR.getUserMediaFailed
                      : ERROR.callFailed,
                    errorMsg: `Answer failed: ${sipCause(event)}`,
                    command: 'answer',
                  }),
                },
                'releaseCall',
              ],
            },
          },
        },
        dialing: {
          tags: ['onCall'],
          entry: { type: 'setStatus', params: { code: STATUS.dialing } },
          on: {
            'sip.call.created': { actions: ['assignSipCallId', 'emitDialing'] },
            'sip.call.confirmed': {
              guard: 'isCurrentCall',
              target: 'inCall.talking',
              actions: ['markAnswered', 'emitEstablished'],
            },
            'sip.call.failed': [
              {
                guard: 'isCurrentCall',
                target: 'dialFailed',
                actions: [
                  { type: 'raiseSipError', params: { errorCode: ERROR.callFailed, prefix: 'Call failed', command: 'call' } },
                  'releaseCall',
                ],
              },
            ],
            'sip.call.ended': { guard: 'isCurrentCall', target: 'dialFailed', actions: 'releaseCall' },
            'call.hangup': { target: 'dialFailed', actions: ['sipTerminateCall', 'releaseCall'] },
          },
        },
        /** Transient: returns to where the dial started (ready or after-call work). */
        dialFailed: {
          always: [{ guard: 'isFromAfterCall', target: 'afterCall' }, { target: 'ready' }],
        },
        inCall: {
          tags: ['onCall', 'connected'],
          on: {
            'call.mute': { actions: 'sipMute' },
            'call.unmute': { actions: 'sipMute' },
            'sip.call.muted': { actions: 'setMuted' },
            'sip.call.held': { guard: 'isCurrentCall', actions: { type: 'setHeld', params: { held: true } } },
            'sip.call.resumed': { guard: 'isCurrentCall', actions: { type: 'setHeld', params: { held: false } } },
            'sip.call.ended': { guard: 'isCurrentCall', target: 'afterCall', actions: 'releaseCall' },
            'call.hangup': { target: 'afterCall', actions: ['sipTerminateCall', 'releaseCall'] },
            // Attended transfer, seen from its target: the transferee replaced the consult call.
            // Talking is entered again so the status follows the new party (11 -> 9).
            'sip.call.replaced': {
              guard: 'isCurrentCall',
              target: '.talking',
              actions: ['assignReplacedParty', 'emitEstablished'],
            },
            // Blind transfer, from talking or held; the consult states refuse it (9001).
            'call.transfer': { guard: 'isNotTransferPending', actions: ['assignTransferTarget', 'sipRefer'] },
            'sip.transfer.succeeded': {
              guard: 'isCurrentCall',
              target: 'afterCall',
              actions: ['sipTerminateCall', 'releaseCall'],
            },
            'sip.transfer.failed': {
              guard: 'isCurrentCall',
              actions: [
                'clearTransferTarget',
                { type: 'raiseSipError', params: { errorCode: ERROR.transferFailed, prefix: 'Transfer failed', command: 'transfer' } },
              ],
            },
          },
          initial: 'talking',
          states: {
            talking: {
              entry: { type: 'setStatus', params: ({ context }) => ({ code: talkCode(context.call) }) },
              on: {
                'call.hold': { target: 'held', actions: 'sipHold' },
                'dtmf.send': { actions: { type: 'sipDtmf', params: { leg: 'call' } } },
                'call.consult': {
                  guard: 'isNotTransferPending',
                  target: 'consultDialing',
                  actions: ['assignConsult', 'sipHold', 'sipDial'],
                },
                'sip.call.resume.failed': {
                  guard: 'isCurrentCall',
                  target: 'held',
                  actions: { type: 'raiseSipError', params: { errorCode: ERROR.holdFailed, prefix: 'Resume failed', command: 'retrieve' } },
                },
              },
            },
            held: {
              entry: { type: 'setStatus', params: { code: STATUS.hold } },
              on: {
                'call.retrieve': { target: 'talking', actions: 'sipUnhold' },
                'call.consult': {
                  guard: 'isNotTransferPending',
                  target: 'consultDialing',
                  actions: ['assignConsult', 'sipDial'],
                },
                'sip.call.hold.failed': {
                  guard: 'isCurrentCall',
                  target: 'talking',
                  actions: { type: 'raiseSipError', params: { errorCode: ERROR.holdFailed, prefix: 'Hold failed', command: 'hold' } },
                },
              },
            },
            consultDialing: {
              entry: { type: 'setStatus', params: { code: STATUS.consultDialing } },
              on: {
                'call.transfer': { actions: 'rejectCommand' },
                'sip.call.created': { actions: ['assignSipCallId', 'emitDialing'] },
                'sip.call.confirmed': { guard: 'isConsultCall', target: 'consultTalking', actions: 'markConsultAnswered' },
                'sip.call.failed': {
                  guard: 'isConsultCall',
                  target: 'held',
                  actions: [
                    { type: 'raiseSipError', params: { errorCode: ERROR.callFailed, prefix: 'Consult call failed', command: 'consult' } },
                    'releaseConsult',
                  ],
                },
                'sip.call.ended': [
                  { guard: 'isConsultCall', target: 'held', actions: 'releaseConsult' },
                  // The customer left while the consult call rings: it becomes the agent's only call.
                  {
                    guard: 'isCurrentCall',
                    target: '#agent.registered.dialing',
                    actions: ['releaseCall', 'promoteConsult'],
                  },
                ],
                'sip.call.hold.failed': {
                  guard: 'isCurrentCall',
                  target: 'talking',
                  actions: [
                    'sipTerminateConsult',
                    'releaseConsult',
                    { type: 'raiseSipError', params: { errorCode: ERROR.holdFailed, prefix: 'Hold before consult failed', command: 'consult' } },
                  ],
                },
                'call.cancelConsult': { target: 'talking', actions: ['sipTerminateConsult', 'releaseConsult', 'sipUnhold'] },
                'call.retrieve': { target: 'talking', actions: ['sipTerminateConsult', 'releaseConsult', 'sipUnhold'] },
                'call.hangup': { target: 'talking', actions: ['sipTerminateConsult', 'releaseConsult', 'sipUnhold'] },
              },
            },
            consultTalking: {
              entry: { type: 'setStatus', params: { code: STATUS.consultTalking } },
              on: {
                'call.transfer': { actions: 'rejectCommand' },
                'dtmf.send': { actions: { type: 'sipDtmf', params: { leg: 'consult' } } },
                'call.completeTransfer': {
                  guard: 'isNotTransferPending',
                  actions: ['assignTransferTarget', 'sipReferReplaces'],
                },
                'call.cancelConsult': {
                  guard: 'isNotTransferPending',
                  target: 'talking',
                  actions: ['sipTerminateConsult', 'releaseConsult', 'sipUnhold'],
                },
                'call.hangup': {
                  guard: 'isNotTransferPending',
                  target: 'talking',
                  actions: ['sipTerminateConsult', 'releaseConsult', 'sipUnhold'],
                },
                'sip.call.ended': [
                  // The transfer target dropped the consult leg because it took over the customer (Replaces).
                  { guard: and(['isTransferPending', 'isConsultCall']), actions: [] },
                  { guard: 'isConsultCall', target: 'held', actions: 'releaseConsult' },
                  {
                    guard: 'isCurrentCall',
                    target: 'talking',
                    actions: ['releaseCall', 'promoteConsult'],
                  },
                ],
                'sip.transfer.succeeded': {
                  guard: 'isCurrentCall',
                  target: '#agent.registered.afterCall',
                  actions: ['sipTerminateConsult', 'sipTerminateCall', 'releaseConsult', 'releaseCall'],
                },
                'sip.transfer.failed': [
                  {
                    guard: 'isCurrentCall',
                    actions: [
                      'clearTransferTarget',
                      { type: 'raiseSipError', params: { errorCode: ERROR.transferFailed, prefix: 'Transfer failed', command: 'completeTransfer' } },
                    ],
                  },
                ],
              },
            },
          },
        },
      },
    },
  },
});

export type AgentMachine = typeof agentMachine;
