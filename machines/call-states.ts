/**
 * The agent on a call: the orchestration across call legs. Each leg (the customer call, a
 * consultation) is a machines/call-machine.ts actor that owns its state (ringing, dialing,
 * talking, holding, held, resuming) and its info; this state forwards the commands that a leg
 * accepts, starts and ends the consultation, completes the attended transfer, derives the status
 * from the legs (status 12 only once the PBX accepted the hold) and, when the customer leg ends,
 * moves the agent on (after-call work, ready, or a `missed` break after a ring timeout).
 */
import { and, assign, not } from 'xstate';
import { ERROR } from './agent-types.js';
import { agentSetup } from './agent-setup.js';

const CALL = { role: 'call' } as const;
const CONSULT = { role: 'consult' } as const;
/** A command the customer leg accepts, while there is no consultation. */
const toCustomer = { guard: and(['hasNoConsult', { type: 'legCan', params: CALL }]), actions: { type: 'forward', params: CALL } } as const;

export const onCall = agentSetup.createStateConfig({
  tags: ['onCall'],
  entry: 'setStatus',
  on: {
    'leg.changed': { actions: 'setStatus' },
    'leg.ended': [
      // The customer left during a consultation: the consult leg becomes the agent's call.
      // The attended transfer succeeded: both calls end for the agent.
      {
        guard: and([{ type: 'isLeg', params: CALL }, 'wasTransferred']),
        target: 'afterCall',
        actions: ['releaseLeg', 'hangUpConsult'],
      },
      {
        guard: and([{ type: 'isLeg', params: CALL }, 'hasConsult']),
        actions: ['releaseLeg', 'promoteConsult', 'setStatus'],
      },
      {
        guard: and([{ type: 'isLeg', params: CALL }, 'wasMissed', 'usesCti']),
        target: 'ctiPending',
        actions: ['releaseLeg', { type: 'startCtiChange', params: { op: 'break', from: 'ready', reason: 'missed' } }],
      },
      {
        guard: and([{ type: 'isLeg', params: CALL }, 'wasMissed']),
        target: 'onBreak',
        actions: ['releaseLeg', { type: 'setBreakReason', params: { reason: 'missed' } }],
      },
      { guard: and([{ type: 'isLeg', params: CALL }, 'wasConnected']), target: 'afterCall', actions: 'releaseLeg' },
      { guard: and([{ type: 'isLeg', params: CALL }, 'isFromAfterCall']), target: 'afterCall', actions: 'releaseLeg' },
      { guard: { type: 'isLeg', params: CALL }, target: 'ready', actions: 'releaseLeg' },
      // The transfer target dropped the consultation because it took the customer over (Replaces):
      // the status stays 17 until the transfer is confirmed.
      { guard: and([{ type: 'isLeg', params: CONSULT }, not('isNotTransferPending')]), actions: 'releaseLeg' },
      { guard: { type: 'isLeg', params: CONSULT }, actions: ['releaseLeg', 'setStatus'] },
    ],
    // The customer could not be held for the consultation: that consultation ends.
    'leg.request.failed': [
      { guard: 'isConsultHold', actions: 'abortConsult' },
      // A party of a conference or a swap could not be resumed: the command fails with the leg's error.
      {
        guard: 'isConferenceResume',
        actions: { type: 'raiseLegError', params: { answers: ['call.conference'] } },
      },
      { guard: 'isSwapStep', actions: [{ type: 'raiseLegError', params: { answers: ['call.swap'] } }, 'setStatus'] },
      { actions: 'relayRequest' },
    ],
    // Both parties talk again: the adapter mixes them; the resumed party of a swap: done.
    'leg.request.done': [
      { guard: 'isConferenceResume', actions: 'mixConference' },
      { guard: 'isSwapHold', actions: 'resumeSwapped' },
      { guard: 'isSwapResume', actions: [{ type: 'complete', params: { commands: ['call.swap'] } }, 'setStatus'] },
      { actions: 'relayRequest' },
    ],
    // The adapter's answer counts only while both calls are there (a late answer changes nothing).
    'sip.conference.started': { guard: and(['hasConsult', not('inConference')]), actions: [assign({ conference: true }), { type: 'complete', params: { commands: ['call.conference'] } }, 'setStatus'] },
    'sip.conference.failed': {
      actions: { type: 'raiseSipError', params: { errorCode: ERROR.callFailed, prefix: 'Conference failed', command: 'call.conference', answers: ['call.conference'] } },
    },
    'call.conference': { guard: and(['canJoin', 'isNotTransferPending']), actions: ['track', 'joinConference'] },
    'call.swap': { guard: and(['canJoin', 'isNotTransferPending']), actions: ['track', 'swapLegs'] },
    'call.dropParty': { guard: 'inConference', actions: 'dropParty' },

    'call.answer': toCustomer,
    'call.hold': { ...toCustomer, guard: and(['hasNoConsult', { type: 'legCan', params: CALL }]) },
    'call.transfer': toCustomer,
    'call.retrieve': [
      // Resume during a ringing consultation: it ends and the customer comes back.
      { guard: and(['isConsultDialing', 'isNotTransferPending']), actions: { type: 'endConsult', params: { answerWithResume: true } } },
      toCustomer,
    ],
    'call.hangup': [
      // Hanging up a conference ends both calls (the agent's browser is the bridge).
      { guard: 'inConference', actions: ['hangUpConsult', { type: 'forward', params: CALL }] },
      // Hanging up a consultation ends it and resumes the customer (not during a transfer).
      { guard: and(['hasConsult', 'isNotTransferPending']), actions: [{ type: 'endConsult', params: { answerWithResume: false } }, 'done'] },
      toCustomer,
    ],
    'call.mute': { guard: { type: 'legCan', params: CALL }, actions: 'forwardMute' },
    'call.unmute': { guard: { type: 'legCan', params: CALL }, actions: 'forwardMute' },
    'dtmf.send': [
      { guard: and(['isConsultConnected', { type: 'legCan', params: CONSULT }]), actions: { type: 'forward', params: CONSULT } },
      toCustomer,
    ],
    // Holds the customer first when talking; a customer already on hold stays on hold.
    'call.consult': {
      guard: and(['hasNoConsult', 'canConsult', 'isNotTransferPending']),
      actions: ['holdForConsult', 'spawnDial', 'setStatus'],
    },
    'call.cancelConsult': {
      guard: and(['hasConsult', 'isNotTransferPending']),
      actions: { type: 'endConsult', params: { answerWithResume: true } },
    },
    'call.completeTransfer': { guard: and(['isConsultConnected', 'isNotTransferPending']), actions: 'referReplaces' },
  },
});
