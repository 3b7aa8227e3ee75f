/**
 * The call part of the agent statechart: an incoming call ringing and being answered, a dial,
 * and a connected call with its in-flight steps (holding, resuming) and the consult leg.
 * Every state that waits on the network is a state: status 12 means the PBX accepted the hold.
 */
import { and } from 'xstate';
import { agentSetup } from './agent-setup.js';
import { ERROR, STATUS } from './agent-types.js';
import { sipCause, talkCode } from './call-info.js';

const CONNECTING = ['call.dial', 'call.consult'] as const;
const TRANSFERS = ['call.transfer', 'call.completeTransfer'] as const;

/** Ends the consult leg and asks the PBX to resume the customer. */
const END_CONSULT = ['sipTerminateConsult', 'releaseConsult', 'sipUnhold'] as const;

export const ringing = agentSetup.createStateConfig({
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
    'call.answer': { target: 'answering', actions: ['sipAnswer', 'track'] },
    'call.hangup': {
      target: 'ready',
      actions: [{ type: 'sipReject', params: { code: 603, reason: 'Decline' } }, 'done', 'releaseCall'],
    },
    'sip.call.ended': { guard: 'isCurrentCall', target: 'ready', actions: 'releaseCall' },
    'sip.call.failed': { guard: 'isCurrentCall', target: 'ready', actions: 'releaseCall' },
  },
});

export const answering = agentSetup.createStateConfig({
  tags: ['onCall'],
  on: {
    'sip.call.confirmed': {
      guard: 'isCurrentCall',
      target: 'inCall.talking',
      actions: ['markAnswered', 'emitEstablished', { type: 'complete', params: { commands: ['call.answer'], result: 'call' } }],
    },
    'call.hangup': { target: 'ready', actions: ['sipTerminateCall', 'done', 'releaseCall'] },
    'sip.call.ended': { guard: 'isCurrentCall', target: 'ready', actions: 'releaseCall' },
    'sip.call.failed': {
      guard: 'isCurrentCall',
      target: 'ready',
      actions: [
        {
          type: 'raiseError',
          params: ({ event }) => ({
            errorCode: /media|microphone|getusermedia/i.test(sipCause(event)) ? ERROR.getUserMediaFailed : ERROR.callFailed,
            errorMsg: `Answer failed: ${sipCause(event)}`,
            command: 'call.answer',
            answers: ['call.answer'],
          }),
        },
        'releaseCall',
      ],
    },
  },
});

export const dialing = agentSetup.createStateConfig({
  tags: ['onCall'],
  entry: { type: 'setStatus', params: { code: STATUS.dialing } },
  on: {
    'sip.call.created': { actions: ['assignSipCallId', 'emitDialing'] },
    'sip.call.progress': { actions: 'assignProgress' },
    'sip.call.confirmed': {
      guard: 'isCurrentCall',
      target: 'inCall.talking',
      actions: ['markAnswered', 'emitEstablished', { type: 'complete', params: { commands: CONNECTING, leg: 'event', result: 'call' } }],
    },
    'sip.call.failed': {
      guard: 'isCurrentCall',
      target: 'dialFailed',
      actions: [
        {
          type: 'raiseSipError',
          params: { errorCode: ERROR.callFailed, prefix: 'Call failed', command: 'call.dial', answers: CONNECTING, leg: 'event' },
        },
        'releaseCall',
      ],
    },
    'sip.call.ended': { guard: 'isCurrentCall', target: 'dialFailed', actions: 'releaseCall' },
    'call.hangup': { target: 'dialFailed', actions: ['sipTerminateCall', 'done', 'releaseCall'] },
  },
});

/** Transient: returns to where the dial started (ready or after-call work). */
export const dialFailed = agentSetup.createStateConfig({
  always: [{ guard: 'isFromAfterCall', target: 'afterCall' }, { target: 'ready' }],
});

export const inCall = agentSetup.createStateConfig({
  tags: ['onCall', 'connected'],
  on: {
    'call.mute': [{ guard: 'isMuteUnchanged', actions: 'done' }, { actions: ['sipMute', 'track'] }],
    'call.unmute': [{ guard: 'isMuteUnchanged', actions: 'done' }, { actions: ['sipMute', 'track'] }],
    'sip.call.muted': { actions: ['setMuted', { type: 'complete', params: { commands: ['call.mute', 'call.unmute'], leg: 'event' } }] },
    'sip.call.progress': { actions: 'assignProgress' },
    'sip.dtmf.sent': { actions: { type: 'complete', params: { commands: ['dtmf.send'], leg: 'event' } } },
    'sip.dtmf.failed': { actions: 'raiseDtmfError' },
    'sip.call.ended': { guard: 'isCurrentCall', target: 'afterCall', actions: 'releaseCall' },
    'call.hangup': { target: 'afterCall', actions: ['sipTerminateCall', 'done', 'releaseCall'] },
    // Attended transfer, seen from its target: the transferee replaced the consult call.
    // Talking is entered again so the status follows the new party (11 -> 9).
    'sip.call.replaced': { guard: 'isCurrentCall', target: '.talking', actions: ['assignReplacedParty', 'emitEstablished'] },
    // Blind transfer, from talking or held; the consult states refuse it (9001).
    'call.transfer': {
      guard: 'isNotTransferPending',
      actions: ['assignTransferTarget', 'sipRefer', 'track'],
    },
    'sip.transfer.succeeded': {
      guard: 'isCurrentCall',
      target: 'afterCall',
      actions: [{ type: 'complete', params: { commands: TRANSFERS, leg: 'event' } }, 'sipTerminateCall', 'releaseCall'],
    },
    'sip.transfer.failed': {
      guard: 'isCurrentCall',
      actions: [
        'clearTransferTarget',
        {
          type: 'raiseSipError',
          params: { errorCode: ERROR.transferFailed, prefix: 'Transfer failed', command: 'call.transfer', answers: TRANSFERS, leg: 'event' },
        },
      ],
    },
  },
  initial: 'talking',
  states: {
    talking: {
      entry: { type: 'setStatus', params: ({ context }) => ({ code: talkCode(context.call) }) },
      on: {
        'call.hold': { target: 'holding', actions: ['sipHold', 'track'] },
        'dtmf.send': { actions: [{ type: 'sipDtmf', params: { leg: 'call' } }, 'track'] },
        'call.consult': {
          guard: 'isNotTransferPending',
          target: 'consultDialing',
          actions: ['assignConsult', 'sipHold', 'sipDial', { type: 'track', params: { leg: 'event' } }],
        },
      },
    },
    /** The re-INVITE with sendonly is out; the status stays a talk code until the PBX accepts it. */
    holding: {
      tags: ['holding'],
      on: {
        'sip.call.held': { guard: 'isCurrentCall', target: 'held', actions: { type: 'complete', params: { commands: ['call.hold'], leg: 'event' } } },
        'sip.call.hold.failed': {
          guard: 'isCurrentCall',
          target: 'talking',
          actions: {
            type: 'raiseSipError',
            params: { errorCode: ERROR.holdFailed, prefix: 'Hold failed', command: 'call.hold', answers: ['call.hold'], leg: 'event' },
          },
        },
      },
    },
    held: {
      tags: ['held'],
      entry: { type: 'setStatus', params: { code: STATUS.hold } },
      on: {
        'call.retrieve': { target: 'resuming', actions: ['sipUnhold', 'track'] },
        'call.consult': {
          guard: 'isNotTransferPending',
          target: 'consultDialing',
          actions: ['assignConsult', 'sipDial', { type: 'track', params: { leg: 'event' } }],
        },
      },
    },
    /** The re-INVITE with sendrecv is out (after Resume, or after a consultation): still on hold until accepted. */
    resuming: {
      tags: ['held', 'resuming'],
      entry: { type: 'setStatus', params: { code: STATUS.hold } },
      on: {
        'sip.call.resumed': {
          guard: 'isCurrentCall',
          target: 'talking',
          actions: { type: 'complete', params: { commands: ['call.retrieve', 'call.cancelConsult'], leg: 'event' } },
        },
        'sip.call.resume.failed': {
          guard: 'isCurrentCall',
          target: 'held',
          actions: {
            type: 'raiseSipError',
            params: {
              errorCode: ERROR.holdFailed,
              prefix: 'Resume failed',
              command: 'call.retrieve',
              answers: ['call.retrieve', 'call.cancelConsult'],
              leg: 'event',
            },
          },
        },
      },
    },
    consultDialing: {
      entry: { type: 'setStatus', params: { code: STATUS.consultDialing } },
      on: {
        'call.transfer': { actions: 'rejectCommand' },
        'sip.call.created': { actions: ['assignSipCallId', 'emitDialing'] },
        'sip.call.confirmed': {
          guard: 'isConsultCall',
          target: 'consultTalking',
          actions: ['markConsultAnswered', { type: 'complete', params: { commands: ['call.consult'], leg: 'event', result: 'consult' } }],
        },
        'sip.call.failed': {
          guard: 'isConsultCall',
          target: 'held',
          actions: [
            {
              type: 'raiseSipError',
              params: { errorCode: ERROR.callFailed, prefix: 'Consult call failed', command: 'call.consult', answers: ['call.consult'], leg: 'event' },
            },
            'releaseConsult',
          ],
        },
        'sip.call.ended': [
          { guard: 'isConsultCall', target: 'held', actions: 'releaseConsult' },
          // The customer left while the consult call rings: it becomes the agent's only call.
          { guard: 'isCurrentCall', target: '#agent.registered.dialing', actions: ['releaseCall', 'promoteConsult'] },
        ],
        'sip.call.hold.failed': {
          guard: 'isCurrentCall',
          target: 'talking',
          actions: [
            {
              type: 'raiseSipError',
              params: { errorCode: ERROR.holdFailed, prefix: 'Hold before consult failed', command: 'call.consult', answers: ['call.consult'], leg: 'consult' },
            },
            'sipTerminateConsult',
            'releaseConsult',
          ],
        },
        'call.cancelConsult': { target: 'resuming', actions: [...END_CONSULT, 'track'] },
        'call.retrieve': { target: 'resuming', actions: [...END_CONSULT, 'track'] },
        'call.hangup': { target: 'resuming', actions: [...END_CONSULT, 'done'] },
      },
    },
    consultTalking: {
      entry: { type: 'setStatus', params: { code: STATUS.consultTalking } },
      on: {
        'call.transfer': { actions: 'rejectCommand' },
        'dtmf.send': { actions: [{ type: 'sipDtmf', params: { leg: 'consult' } }, { type: 'track', params: { leg: 'consult' } }] },
        'call.completeTransfer': {
          guard: 'isNotTransferPending',
          actions: ['assignTransferTarget', 'sipReferReplaces', 'track'],
        },
        'call.cancelConsult': {
          guard: 'isNotTransferPending',
          target: 'resuming',
          actions: [...END_CONSULT, 'track'],
        },
        'call.hangup': { guard: 'isNotTransferPending', target: 'resuming', actions: [...END_CONSULT, 'done'] },
        'sip.call.ended': [
          // The transfer target dropped the consult leg because it took over the customer (Replaces).
          { guard: and(['isTransferPending', 'isConsultCall']), actions: [] },
          { guard: 'isConsultCall', target: 'held', actions: 'releaseConsult' },
          { guard: 'isCurrentCall', target: 'talking', actions: ['releaseCall', 'promoteConsult'] },
        ],
        'sip.transfer.succeeded': {
          guard: 'isCurrentCall',
          target: '#agent.registered.afterCall',
          actions: [
            { type: 'complete', params: { commands: TRANSFERS, leg: 'event' } },
            'sipTerminateConsult',
            'sipTerminateCall',
            'releaseConsult',
            'releaseCall',
          ],
        },
        'sip.transfer.failed': {
          guard: 'isCurrentCall',
          actions: [
            'clearTransferTarget',
            {
              type: 'raiseSipError',
              params: { errorCode: ERROR.transferFailed, prefix: 'Transfer failed', command: 'call.completeTransfer', answers: TRANSFERS, leg: 'event' },
            },
          ],
        },
      },
    },
  },
});


