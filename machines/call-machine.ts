/**
 * One call leg: an incoming call ringing and being answered, or a dial, then the connected call
 * with its in-flight steps (holding, resuming). The agent statechart spawns one per leg (the
 * customer call, a consultation, later conference and monitoring legs) and forwards it the SIP
 * facts and commands that concern it; the leg sends its SIP commands to the `sip` actor and
 * reports to the agent (`leg.*`). Every state that waits on the network is a state.
 */
import { assign, enqueueActions, sendParent, sendTo, setup } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { ERROR } from './agent-types.js';
import type {
  AgentPolicy,
  CallInfo,
  CcErrorInfo,
  CommandType,
  LegCommand,
  LegOutput,
  LegReport,
  PendingRequest,
  SipCommand,
  SipFact,
} from './agent-types.js';
import { requestIdOf, sipCause, sipCodeOf } from './call-info.js';

export interface LegInput {
  readonly info: CallInfo;
  readonly policy: AgentPolicy;
  readonly now: () => number;
  /** An outgoing leg: what to dial; the leg sends the INVITE when it starts. */
  readonly dial?: { readonly target: string; readonly callerId?: string; readonly userData?: string };
  /** The command that created the leg (a dial or a consultation), answered when it connects or fails. */
  readonly request?: PendingRequest;
}

export interface LegContext {
  readonly info: CallInfo;
  readonly policy: AgentPolicy;
  readonly now: () => number;
  readonly dial: LegInput['dial'] | null;
  /** Commands with an id waiting for a fact on this leg. */
  readonly requests: readonly PendingRequest[];
  /** Target of a REFER in flight (blind or attended transfer). */
  readonly transferTarget: string | null;
  readonly cause: string;
  readonly missed: boolean;
  readonly transferred: boolean;
}

type LegEvent = LegCommand | SipFact;

/** The longest delay setTimeout takes (2^31 - 1 ms); longer ones fire at once. */
export const NEVER = 2 ** 31 - 1;

/** What a request learns when its leg ends before the request completed. */
function endedError(request: PendingRequest): CcErrorInfo {
  const connecting = request.command === 'call.dial' || request.command === 'call.answer' || request.command === 'call.consult';
  return connecting
    ? { errorCode: ERROR.callFailed, errorMsg: 'The call ended before it was connected', command: request.command }
    : { errorCode: ERROR.callNotExisted, errorMsg: `The call ended before "${request.command}" completed`, command: request.command };
}

/** The agent's SIP actor, which every leg talks to. */
const sip = ({ system }: { system: { get(id: string): unknown } }) => system.get('sip') as AnyActorRef;

/** The part of `enqueueActions`' helper that failing requests uses. */
interface Enqueue {
  assign(values: Partial<LegContext>): void;
  sendParent(event: LegReport): void;
}

/** Tells the agent of an error and fails the pending requests it answers. */
function fail(enqueue: Enqueue, context: LegContext, error: CcErrorInfo, commands: readonly CommandType[], toHost = true): void {
  const answered = context.requests.filter((r) => commands.includes(r.command));
  enqueue.assign({ requests: context.requests.filter((r) => !answered.includes(r)) });
  if (toHost) enqueue.sendParent({ type: 'leg.error', error });
  for (const request of answered) enqueue.sendParent({ type: 'leg.request.failed', id: request.id, error });
}

/** The command a leg event stands for in request bookkeeping. */
function commandOf(event: LegEvent): CommandType {
  return event.type === 'leg.referReplaces' ? 'call.completeTransfer' : (event.type as CommandType);
}

export const callSetup = setup({
  types: {
    context: {} as LegContext,
    events: {} as LegEvent,
    input: {} as LegInput,
    output: {} as LegOutput,
  },
  // A timer that does not apply waits NEVER (about 24.8 days, the longest setTimeout) instead of
  // firing at once for nothing; leaving the state clears it.
  delays: {
    ringTimeout: ({ context }) => (context.policy.ringTimeout > 0 ? context.policy.ringTimeout * 1000 : NEVER),
    /** The shorter of the agent's auto-answer policy and what the PBX asked for (Call-Info answer-after). */
    autoAnswerDelay: ({ context }) => Math.min(context.policy.autoAnswer ?? Infinity, context.info.answerAfter ?? Infinity, NEVER / 1000) * 1000,
  },
  guards: {
    isMine: ({ context, event }) => (event as { callId?: string }).callId === context.info.callId,
    hasRingTimeout: ({ context }) => context.policy.ringTimeout > 0,
    hasAutoAnswer: ({ context }) => context.policy.autoAnswer !== null || typeof context.info.answerAfter === 'number',
    isOutgoing: ({ context }) => context.dial !== null,
    isMuteUnchanged: ({ context, event }) => context.info.muted === (event.type === 'call.mute'),
    isNotTransferPending: ({ context }) => context.transferTarget === null,
    /** The PBX stopped offering the call because nobody answered (its CANCEL says `Reason: SIP ;cause=480`, or 408). */
    isNoAnswer: ({ context, event }) =>
      event.type === 'sip.call.failed' && event.callId === context.info.callId && (event.sipCode === 480 || event.sipCode === 408),
  },
  actions: {
    /** Reports to the agent; by default that the leg changed (state or info), so the status and the views follow. */
    report: sendParent(({ context }, params?: { type: 'leg.dialing' | 'leg.established' | 'leg.replaced' }): LegReport => ({
      type: params?.type ?? 'leg.changed',
      callId: context.info.callId,
    })),
    /** The command is complete as of this transition. */
    done: enqueueActions(({ event, enqueue }) => {
      const id = requestIdOf(event);
      if (id) enqueue.sendParent({ type: 'leg.request.done', id } satisfies LegReport);
    }),
    track: assign(({ context, event }) => {
      const id = requestIdOf(event);
      return id ? { requests: [...context.requests, { id, command: commandOf(event) }] } : {};
    }),
    /** Completes the pending requests for these commands; `withCall` resolves them with this leg. */
    complete: enqueueActions(({ context, enqueue }, params: { commands: readonly CommandType[]; withCall?: boolean }) => {
      const done = context.requests.filter((r) => params.commands.includes(r.command));
      if (done.length === 0) return;
      enqueue.assign({ requests: context.requests.filter((r) => !done.includes(r)) });
      for (const request of done) {
        enqueue.sendParent({ type: 'leg.request.done', id: request.id, ...(params.withCall ? { call: context.info } : {}) } satisfies LegReport);
      }
    }),
    /** Reports an error to the host (through the agent) and fails the pending requests it answers (by default: its command's). */
    raise: enqueueActions(
      ({ context, event, enqueue }, params: { errorCode: CcErrorInfo['errorCode']; prefix: string; command: string; answers?: readonly CommandType[] }) => {
        const sipCode = sipCodeOf(event);
        const cause = sipCause(event);
        // An answer that fails for want of a microphone is the reference's 8001.
        const media = params.command === 'call.answer' && /media|microphone|getusermedia/i.test(cause);
        const error: CcErrorInfo = {
          errorCode: media ? ERROR.getUserMediaFailed : params.errorCode,
          errorMsg: `${params.prefix}: ${cause}`,
          command: params.command,
          ...(sipCode === undefined ? {} : { sipCode }),
        };
        fail(enqueue, context, error, params.answers ?? [params.command as CommandType]);
      },
    ),
    raiseDtmfError: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sip.dtmf.failed') return;
      fail(enqueue, context, { errorCode: ERROR.dtmfFailed, errorMsg: `DTMF "${event.tone}" failed: ${event.cause}`, command: 'dtmf.send' }, ['dtmf.send']);
    }),
    /** The agent ended this leg with an error (a consultation whose customer could not be held). */
    failAll: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'leg.abort') fail(enqueue, context, event.error, context.requests.map((r) => r.command), false);
    }),
    setPolicy: assign(({ context, event }) => ({ policy: event.type === 'leg.policy' ? event.policy : context.policy })),
    setCause: assign(({ event }, params?: { cause?: string; missed?: boolean; transferred?: boolean }) => ({
      cause: params?.cause ?? (event.type.startsWith('sip.') ? sipCause(event) : 'local hang-up'),
      missed: params?.missed ?? false,
      transferred: params?.transferred ?? false,
    })),
    assignSipCallId: assign(({ context, event }) => (event.type === 'sip.call.created' ? { info: { ...context.info, sipCallId: event.sipCallId } } : {})),
    assignProgress: assign(({ context, event }) => (event.type === 'sip.call.progress' ? { info: { ...context.info, progress: event.sipCode } } : {})),
    markAnswered: assign(({ context }) => ({ info: { ...context.info, answeredAt: context.now() } })),
    setMuted: assign(({ context, event }) => (event.type === 'sip.call.muted' ? { info: { ...context.info, muted: event.muted } } : {})),
    assignReplacedParty: assign(({ context, event }) =>
      event.type === 'sip.call.replaced'
        ? { info: { ...context.info, caller: event.caller, remoteName: event.remoteName, internal: event.internal, muted: false } }
        : {},
    ),
    assignTransferTarget: assign(({ event }) => ({
      transferTarget: event.type === 'call.transfer' || event.type === 'leg.referReplaces' ? event.target : null,
    })),
    clearTransferTarget: assign({ transferTarget: null }),
    // ---- SIP commands for this leg ----
    sipDial: sendTo(
      sip,
      ({ context }): SipCommand => ({
        type: 'sip.call',
        callId: context.info.callId,
        target: context.dial?.target ?? '',
        ...(context.dial?.callerId ? { callerId: context.dial.callerId } : {}),
        ...(context.dial?.userData ? { userData: context.dial.userData } : {}),
      }),
    ),
    sipAnswer: sendTo(sip, ({ context }): SipCommand => ({ type: 'sip.answer', callId: context.info.callId })),
    sipReject: sendTo(
      sip,
      ({ context }, params: { code: number; reason: string }): SipCommand => ({ type: 'sip.reject', callId: context.info.callId, ...params }),
    ),
    sipTerminate: sendTo(sip, ({ context }): SipCommand => ({ type: 'sip.terminate', callId: context.info.callId })),
    sipHold: sendTo(sip, ({ context }): SipCommand => ({ type: 'sip.hold', callId: context.info.callId })),
    sipUnhold: sendTo(sip, ({ context }): SipCommand => ({ type: 'sip.unhold', callId: context.info.callId })),
    sipMute: sendTo(
      sip,
      ({ context, event }): SipCommand => ({ type: 'sip.mute', callId: context.info.callId, muted: event.type === 'call.mute' }),
    ),
    sipDtmf: sendTo(
      sip,
      ({ context, event }): SipCommand => ({ type: 'sip.dtmf', callId: context.info.callId, digits: event.type === 'dtmf.send' ? event.digits : '' }),
    ),
    sipRefer: sendTo(
      sip,
      ({ context, event }): SipCommand =>
        event.type === 'leg.referReplaces'
          ? { type: 'sip.referReplaces', callId: context.info.callId, replacesCallId: event.replacesCallId }
          : { type: 'sip.refer', callId: context.info.callId, target: event.type === 'call.transfer' ? event.target : '' },
    ),
  },
});

/** The end of a leg: its pending requests fail, and the agent hears why it ended. */
const ended = callSetup.createStateConfig({
  type: 'final',
  entry: enqueueActions(({ context, enqueue }) => {
    enqueue.assign({ requests: [] });
    for (const request of context.requests) {
      enqueue.sendParent({ type: 'leg.request.failed', id: request.id, error: endedError(request) } satisfies LegReport);
    }
    const output: LegOutput = { info: context.info, cause: context.cause, missed: context.missed, transferred: context.transferred };
    enqueue.sendParent({ type: 'leg.ended', callId: context.info.callId, output } satisfies LegReport);
  }),
});

const hangUp = { target: 'ended', actions: ['sipTerminate', 'done', 'setCause'] } as const;
const remoteEnd = { guard: 'isMine', target: 'ended', actions: 'setCause' } as const;

export const callMachine = callSetup.createMachine({
  id: 'leg',
  context: ({ input }) => ({
    info: input.info,
    policy: input.policy,
    now: input.now,
    dial: input.dial ?? null,
    requests: input.request ? [input.request] : [],
    transferTarget: null,
    cause: '',
    missed: false,
    transferred: false,
  }),
  initial: 'starting',
  on: {
    'leg.policy': { actions: 'setPolicy' },
    'leg.abort': { target: '.ended', actions: ['failAll', 'sipTerminate', { type: 'setCause', params: { cause: 'aborted' } }] },
  },
  states: {
    starting: { always: [{ guard: 'isOutgoing', target: 'dialing' }, { target: 'ringing' }] },
    ringing: {
      tags: ['ringing'],
      entry: 'report',
      after: {
        ringTimeout: {
          guard: 'hasRingTimeout',
          target: 'ended',
          actions: [
            { type: 'sipReject', params: { code: 480, reason: 'Temporarily Unavailable' } },
            { type: 'setCause', params: { cause: 'no answer', missed: true } },
          ],
        },
        autoAnswerDelay: { guard: 'hasAutoAnswer', target: 'answering', actions: 'sipAnswer' },
      },
      on: {
        'call.answer': { target: 'answering', actions: ['sipAnswer', 'track'] },
        'call.hangup': {
          target: 'ended',
          actions: [{ type: 'sipReject', params: { code: 603, reason: 'Decline' } }, 'done', 'setCause'],
        },
        'sip.call.ended': remoteEnd,
        // The queue's ring time ran out before ours: the same missed call as our own ring timeout.
        'sip.call.failed': [{ guard: 'isNoAnswer', target: 'ended', actions: { type: 'setCause', params: { cause: 'no answer', missed: true } } }, remoteEnd],
      },
    },
    answering: {
      tags: ['ringing'],
      on: {
        'sip.call.confirmed': {
          guard: 'isMine',
          target: 'connected',
          actions: ['markAnswered', { type: 'report', params: { type: 'leg.established' } }, { type: 'complete', params: { commands: ['call.answer'], withCall: true } }],
        },
        'call.hangup': hangUp,
        'sip.call.ended': remoteEnd,
        'sip.call.failed': {
          guard: 'isMine',
          target: 'ended',
          actions: [
            { type: 'raise', params: { errorCode: ERROR.callFailed, prefix: 'Answer failed', command: 'call.answer' } },
            'setCause',
          ],
        },
      },
    },
    dialing: {
      tags: ['dialing'],
      entry: ['sipDial', 'report'],
      on: {
        'sip.call.created': { guard: 'isMine', actions: ['assignSipCallId', { type: 'report', params: { type: 'leg.dialing' } }, 'report'] },
        'sip.call.progress': { guard: 'isMine', actions: ['assignProgress', 'report'] },
        'sip.call.confirmed': {
          guard: 'isMine',
          target: 'connected',
          actions: [
            'markAnswered',
            { type: 'report', params: { type: 'leg.established' } },
            { type: 'complete', params: { commands: ['call.dial', 'call.consult'], withCall: true } },
          ],
        },
        'sip.call.failed': {
          guard: 'isMine',
          target: 'ended',
          actions: [
            { type: 'raise', params: { errorCode: ERROR.callFailed, prefix: 'Call failed', command: 'call.dial', answers: ['call.dial', 'call.consult'] } },
            'setCause',
          ],
        },
        'sip.call.ended': remoteEnd,
        'call.hangup': hangUp,
      },
    },
    connected: {
      tags: ['connected'],
      initial: 'talking',
      on: {
        'call.mute': [{ guard: 'isMuteUnchanged', actions: 'done' }, { actions: ['sipMute', 'track'] }],
        'call.unmute': [{ guard: 'isMuteUnchanged', actions: 'done' }, { actions: ['sipMute', 'track'] }],
        'sip.call.muted': { guard: 'isMine', actions: ['setMuted', { type: 'complete', params: { commands: ['call.mute', 'call.unmute'] } }, 'report'] },
        'sip.dtmf.sent': { guard: 'isMine', actions: { type: 'complete', params: { commands: ['dtmf.send'] } } },
        'sip.dtmf.failed': { guard: 'isMine', actions: 'raiseDtmfError' },
        'sip.call.ended': remoteEnd,
        'call.hangup': hangUp,
        // The far end of an attended transfer: the transferee replaced the dialog; a new party.
        'sip.call.replaced': {
          guard: 'isMine',
          target: '.talking',
          actions: ['assignReplacedParty', { type: 'report', params: { type: 'leg.replaced' } }],
        },
        'call.transfer': { guard: 'isNotTransferPending', actions: ['assignTransferTarget', 'sipRefer', 'track', 'report'] },
        'leg.referReplaces': { guard: 'isNotTransferPending', actions: ['assignTransferTarget', 'sipRefer', 'track', 'report'] },
        'sip.transfer.succeeded': {
          guard: 'isMine',
          target: 'ended',
          actions: [
            { type: 'complete', params: { commands: ['call.transfer', 'call.completeTransfer'] } },
            'sipTerminate',
            { type: 'setCause', params: { cause: 'transferred', transferred: true } },
          ],
        },
        'sip.transfer.failed': {
          guard: 'isMine',
          actions: [
            'clearTransferTarget',
            {
              type: 'raise',
              params: { errorCode: ERROR.transferFailed, prefix: 'Transfer failed', command: 'call.transfer', answers: ['call.transfer', 'call.completeTransfer'] },
            },
            'report',
          ],
        },
      },
      states: {
        talking: {
          entry: 'report',
          on: {
            'call.hold': { target: 'holding', actions: ['sipHold', 'track'] },
            'dtmf.send': { actions: ['sipDtmf', 'track'] },
          },
        },
        /** The re-INVITE with sendonly is out: still talking for the agent until the PBX accepts. */
        holding: {
          tags: ['holding'],
          entry: 'report',
          on: {
            'sip.call.held': { guard: 'isMine', target: 'held', actions: { type: 'complete', params: { commands: ['call.hold'] } } },
            'sip.call.hold.failed': {
              guard: 'isMine',
              target: 'talking',
              actions: { type: 'raise', params: { errorCode: ERROR.holdFailed, prefix: 'Hold failed', command: 'call.hold' } },
            },
          },
        },
        held: {
          tags: ['held'],
          entry: 'report',
          on: { 'call.retrieve': { target: 'resuming', actions: ['sipUnhold', 'track'] } },
        },
        /** The re-INVITE with sendrecv is out: still on hold until the PBX accepts. */
        resuming: {
          tags: ['held', 'resuming'],
          entry: 'report',
          on: {
            'sip.call.resumed': { guard: 'isMine', target: 'talking', actions: { type: 'complete', params: { commands: ['call.retrieve'] } } },
            'sip.call.resume.failed': {
              guard: 'isMine',
              target: 'held',
              actions: { type: 'raise', params: { errorCode: ERROR.holdFailed, prefix: 'Resume failed', command: 'call.retrieve' } },
            },
          },
        },
      },
    },
    ended,
  },
  output: ({ context }) => ({ info: context.info, cause: context.cause, missed: context.missed, transferred: context.transferred }),
});

export type CallMachine = typeof callMachine;
