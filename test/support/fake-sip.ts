import { fromCallback } from 'xstate';
import type { CallbackActorLogic } from 'xstate';
import type { SipCommand, SipFact } from '../../machines/agent-types.js';

export interface FakeSipOptions {
  /**
   * Answer commands the way a healthy PBX would, one microtask later: register -> registered,
   * call -> created (the remote side rings until the test pushes `sip.call.confirmed`),
   * answer -> confirmed, hold/unhold -> held/resumed, mute -> muted, dtmf -> sent,
   * refer -> transfer succeeded. Default false: only `push()` produces facts.
   */
  readonly autoRespond?: boolean;
}

export interface FakeSip {
  /** Use as `new Phone(config, { sipActor: fake.actor })` or `agentMachine.provide({ actors: { sip: fake.actor } })`. */
  readonly actor: CallbackActorLogic<SipCommand>;
  /** Every command the statechart sent, in order. */
  readonly commands: SipCommand[];
  /** Delivers a fact to the statechart, as the JsSIP adapter would. Throws when no actor runs. */
  push(fact: SipFact): void;
  /** The latest command of one type. */
  last<K extends SipCommand['type']>(type: K): Extract<SipCommand, { type: K }> | undefined;
  /** True while a statechart has the fake invoked. */
  readonly running: boolean;
}

/** An in-memory SIP side for unit tests: records commands, lets the test push facts. */
export function createFakeSip(options: FakeSipOptions = {}): FakeSip {
  const commands: SipCommand[] = [];
  let sendBack: ((fact: SipFact) => void) | null = null;

  const push = (fact: SipFact): void => {
    if (!sendBack) throw new Error(`fake SIP is not running: cannot push ${fact.type}`);
    sendBack(fact);
  };
  const later = (fact: SipFact): void => {
    queueMicrotask(() => {
      if (sendBack) sendBack(fact);
    });
  };

  const respond = (command: SipCommand): void => {
    switch (command.type) {
      case 'sip.register':
        later({ type: 'sip.registered' });
        break;
      case 'sip.call':
        later({ type: 'sip.call.created', callId: command.callId, sipCallId: `sip-${command.callId}` });
        break;
      case 'sip.answer':
        later({ type: 'sip.call.confirmed', callId: command.callId });
        break;
      case 'sip.hold':
        later({ type: 'sip.call.held', callId: command.callId });
        break;
      case 'sip.unhold':
        later({ type: 'sip.call.resumed', callId: command.callId });
        break;
      case 'sip.mute':
        later({ type: 'sip.call.muted', callId: command.callId, muted: command.muted });
        break;
      case 'sip.dtmf':
        for (const tone of command.digits) later({ type: 'sip.dtmf.sent', callId: command.callId, tone });
        break;
      case 'sip.refer':
      case 'sip.referReplaces':
        later({ type: 'sip.transfer.succeeded', callId: command.callId });
        break;
      default:
        break;
    }
  };

  const actor = fromCallback<SipCommand>(({ sendBack: send, receive }) => {
    const deliver = (fact: SipFact): void => send(fact);
    sendBack = deliver;
    receive((command) => {
      commands.push(command);
      if (options.autoRespond) respond(command);
    });
    return () => {
      if (sendBack === deliver) sendBack = null;
    };
  });

  return {
    actor,
    commands,
    push,
    last: <K extends SipCommand['type']>(type: K) =>
      commands.filter((c): c is Extract<SipCommand, { type: K }> => c.type === type).at(-1),
    get running() {
      return sendBack !== null;
    },
  };
}
