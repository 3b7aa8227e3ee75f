import { expect } from '@open-wc/testing';
import { createActor, fromCallback, fromPromise, SimulatedClock } from 'xstate';
import { AGENT_COMMANDS, agentMachine } from '../../machines/agent-machine.js';
import { callMachine } from '../../machines/call-machine.js';
import type { AgentInput } from '../../machines/agent-machine.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { AgentEmitted, AgentEvent, CtiChange, SipCommand, SipFact } from '../../machines/agent-types.js';
import { acceptsCommand, selectView } from '../../machines/agent-selectors.js';
import type { AgentSnapshot } from '../../machines/agent-selectors.js';

type Ev = AgentEvent;

const incoming = (callId = 'c1', caller = '13800000001'): SipFact => ({
  type: 'sip.call.incoming',
  callId,
  caller,
  callee: '1001',
  remoteName: 'Customer',
  internal: /^\d{3,5}$/.test(caller),
});
const confirmed = (callId = 'c1'): SipFact => ({ type: 'sip.call.confirmed', callId });
const ended = (callId = 'c1', originator: 'local' | 'remote' = 'remote'): SipFact => ({
  type: 'sip.call.ended',
  callId,
  cause: 'BYE',
  originator,
});

const REGISTERED: Ev[] = [{ type: 'agent.register' }, { type: 'sip.registered' }];
const READY: Ev[] = [...REGISTERED, { type: 'agent.login' }];
const RINGING: Ev[] = [...READY, incoming()];
const TALKING_IN: Ev[] = [...RINGING, { type: 'call.answer' }, confirmed()];
const DIALING: Ev[] = [...READY, { type: 'call.dial', callee: '13800000002', callId: 'c1' }];
const TALKING_OUT: Ev[] = [...DIALING, confirmed()];
const HOLDING: Ev[] = [...TALKING_IN, { type: 'call.hold' }];
const HELD: Ev[] = [...HOLDING, { type: 'sip.call.held', callId: 'c1' }];
// The consultation holds the customer first; the PBX accepts that hold.
const CONSULT_DIALING: Ev[] = [...TALKING_IN, { type: 'call.consult', target: '1002', callId: 'c2' }, { type: 'sip.call.held', callId: 'c1' }];
const CONSULT_TALKING: Ev[] = [...CONSULT_DIALING, confirmed('c2')];
const AFTER_CALL: Ev[] = [...TALKING_IN, ended()];

/** Folds events through a running agent (its call legs are actors of their own). */
function reach(events: Ev[], input: AgentInput = {}) {
  const h = harness(input);
  h.send(...events);
  return h.actor.getSnapshot();
}

/** The customer call's info as the views see it. */
const callOf = (s: AgentSnapshot) => selectView(s).call;
/** The state of the customer leg (machines/call-machine.ts), e.g. { connected: 'talking' }. */
const legState = (s: AgentSnapshot) => s.context.call?.getSnapshot().value ?? null;

/** An actor with an in-memory SIP side: records the commands the chart sends, lets tests push facts. */
function harness(input: AgentInput = {}, clock?: SimulatedClock, quietCti = false) {
  const commands: SipCommand[] = [];
  const emitted: AgentEmitted[] = [];
  const machine = agentMachine.provide({
    actors: {
      sip: fromCallback<SipCommand>(({ receive }) => {
        receive((command) => commands.push(command));
      }),
      // The walk sends the CTI backend's answers itself.
      ...(quietCti ? { cti: fromPromise<void, CtiChange>(() => new Promise<void>(() => undefined)) } : {}),
    },
  });
  const actor = createActor(machine, { input, ...(clock ? { clock } : {}) });
  actor.on('*', (e) => emitted.push(e as AgentEmitted));
  actor.start();
  const send = (...events: Ev[]) => events.forEach((e) => actor.send(e));
  return { actor, commands, emitted, send };
}

describe('agent statechart: status codes (pure transitions)', () => {
  const table: Array<[string, Ev[], number]> = [
    ['starts unregistered', [], STATUS.unregistered],
    ['register -> registering', [{ type: 'agent.register' }], STATUS.registering],
    ['registered -> offline', REGISTERED, STATUS.offline],
    ['registration failure -> unregistered', [{ type: 'agent.register' }, { type: 'sip.registration.failed', cause: 'Rejected', sipCode: 403 }], STATUS.unregistered],
    ['log in -> ready', READY, STATUS.ready],
    ['ready -> break', [...READY, { type: 'agent.break', reason: 'lunch' }], STATUS.break],
    ['break -> ready', [...READY, { type: 'agent.break' }, { type: 'agent.ready' }], STATUS.ready],
    ['ready -> log out', [...READY, { type: 'agent.logout' }], STATUS.offline],
    ['break -> log out', [...READY, { type: 'agent.break' }, { type: 'agent.logout' }], STATUS.offline],
    ['after-call -> log out', [...AFTER_CALL, { type: 'agent.logout' }], STATUS.offline],
    ['ready + INVITE -> ringing', RINGING, STATUS.ringing],
    ['answer keeps ringing until confirmed', [...RINGING, { type: 'call.answer' }], STATUS.ringing],
    ['answered external call -> inbound talk', TALKING_IN, STATUS.inboundTalk],
    ['answered agent call -> internal talk', [...READY, incoming('c1', '1002'), { type: 'call.answer' }, confirmed()], STATUS.internalTalk],
    ['caller cancels while ringing -> ready', [...RINGING, ended()], STATUS.ready],
    ['agent rejects while ringing -> ready', [...RINGING, { type: 'call.hangup' }], STATUS.ready],
    ['remote hang-up -> after-call work', AFTER_CALL, STATUS.afterCall],
    ['local hang-up -> after-call work', [...TALKING_IN, { type: 'call.hangup' }], STATUS.afterCall],
    ['after-call -> ready', [...AFTER_CALL, { type: 'agent.ready' }], STATUS.ready],
    ['dial -> dialing', DIALING, STATUS.dialing],
    ['dial answered -> outbound talk', TALKING_OUT, STATUS.outboundTalk],
    ['dial to an agent answered -> internal talk', [...READY, { type: 'call.dial', callee: '1002', callId: 'c1' }, confirmed()], STATUS.outboundTalk],
    ['dial failure from ready -> ready', [...DIALING, { type: 'sip.call.failed', callId: 'c1', cause: 'Busy', sipCode: 486 }], STATUS.ready],
    ['dial failure from after-call -> after-call', [...AFTER_CALL, { type: 'call.dial', callee: '404', callId: 'c9' }, { type: 'sip.call.failed', callId: 'c9', cause: 'Not Found', sipCode: 404 }], STATUS.afterCall],
    ['cancel dialing -> ready', [...DIALING, { type: 'call.hangup' }], STATUS.ready],
    ['hold asked: still talking until the PBX accepts', HOLDING, STATUS.inboundTalk],
    ['hold accepted', HELD, STATUS.hold],
    ['hold refused -> still talking', [...HOLDING, { type: 'sip.call.hold.failed', callId: 'c1', cause: 're-INVITE answered 488', sipCode: 488 }], STATUS.inboundTalk],
    ['resume asked: still held until the PBX accepts', [...HELD, { type: 'call.retrieve' }], STATUS.hold],
    ['resume accepted', [...HELD, { type: 'call.retrieve' }, { type: 'sip.call.resumed', callId: 'c1' }], STATUS.inboundTalk],
    ['resume refused -> rolled back to hold', [...HELD, { type: 'call.retrieve' }, { type: 'sip.call.resume.failed', callId: 'c1', cause: 'x' }], STATUS.hold],
    ['hang-up while held -> after-call', [...HELD, ended()], STATUS.afterCall],
    ['consult -> consult dialing', CONSULT_DIALING, STATUS.consultDialing],
    ['consult answered -> consult talking', CONSULT_TALKING, STATUS.consultTalking],
    ['consult target refuses -> customer stays held', [...CONSULT_DIALING, { type: 'sip.call.failed', callId: 'c2', cause: 'Busy', sipCode: 486 }], STATUS.hold],
    ['cancel consult -> held until the customer is resumed', [...CONSULT_TALKING, { type: 'call.cancelConsult' }], STATUS.hold],
    ['cancel consult, customer resumed -> talk', [...CONSULT_TALKING, { type: 'call.cancelConsult' }, { type: 'sip.call.resumed', callId: 'c1' }], STATUS.inboundTalk],
    ['cancel consult while it rings, customer resumed -> talk', [...CONSULT_DIALING, { type: 'call.cancelConsult' }, { type: 'sip.call.resumed', callId: 'c1' }], STATUS.inboundTalk],
    ['complete transfer pending keeps consult talking', [...CONSULT_TALKING, { type: 'call.completeTransfer' }], STATUS.consultTalking],
    ['complete transfer, target takes over (consult leg ends first)', [...CONSULT_TALKING, { type: 'call.completeTransfer' }, ended('c2'), { type: 'sip.transfer.succeeded', callId: 'c1' }], STATUS.afterCall],
    ['complete transfer refused -> stays consulting', [...CONSULT_TALKING, { type: 'call.completeTransfer' }, { type: 'sip.transfer.failed', callId: 'c1', cause: 'x' }], STATUS.consultTalking],
    ['consulted agent hangs up -> customer held', [...CONSULT_TALKING, ended('c2')], STATUS.hold],
    ['customer leaves during consult -> consult becomes the call', [...CONSULT_TALKING, ended('c1')], STATUS.outboundTalk],
    ['blind transfer pending stays talking', [...TALKING_IN, { type: 'call.transfer', target: '1003' }], STATUS.inboundTalk],
    ['blind transfer accepted -> after-call', [...TALKING_IN, { type: 'call.transfer', target: '1003' }, { type: 'sip.transfer.succeeded', callId: 'c1' }], STATUS.afterCall],
    ['blind transfer from hold accepted -> after-call', [...HELD, { type: 'call.transfer', target: '1003' }, { type: 'sip.transfer.succeeded', callId: 'c1' }], STATUS.afterCall],
    ['blind transfer failed -> still talking', [...TALKING_IN, { type: 'call.transfer', target: '1003' }, { type: 'sip.transfer.failed', callId: 'c1', cause: 'x' }], STATUS.inboundTalk],
    ['unregister from offline', [...REGISTERED, { type: 'agent.unregister' }], STATUS.unregistered],
    ['a fact about another call is ignored', [...TALKING_IN, ended('other')], STATUS.inboundTalk],
  ];
  for (const [name, events, code] of table) {
    it(`${name}: status ${code}`, () => {
      expect(reach(events).context.code).to.equal(code);
    });
  }

  it('keeps the break reason and the previous code', () => {
    const s = reach([...READY, { type: 'agent.break', reason: 'lunch' }]);
    expect(s.context.breakReason).to.equal('lunch');
    expect(s.context.lastCode).to.equal(STATUS.ready);
  });

  it('names the SIP cause when a dial fails', () => {
    const s = reach([...DIALING, { type: 'sip.call.failed', callId: 'c1', cause: 'Busy', sipCode: 486 }]);
    expect(s.context.lastError?.errorCode).to.equal(ERROR.callFailed);
    expect(s.context.lastError?.errorMsg).to.contain('Busy').and.to.contain('486');
    expect(s.context.lastError?.sipCode).to.equal(486);
  });
});

describe('agent statechart: emitted facts and SIP commands', () => {
  it('emits status events with code and lastCode in order', () => {
    const h = harness();
    h.send(...READY);
    const statuses = h.emitted.filter((e) => e.type === 'status').map((e) => e.type === 'status' && [e.code, e.lastCode]);
    expect(statuses).to.deep.equal([
      [STATUS.registering, STATUS.unregistered],
      [STATUS.offline, STATUS.registering],
      [STATUS.ready, STATUS.offline],
    ]);
  });

  it('emits the incoming call, establishment, hang-up type and release in order', () => {
    const h = harness();
    h.send(...TALKING_IN, ended());
    const kinds = h.emitted.filter((e) => e.type !== 'status').map((e) => (e.type === 'call.hangup' ? `hangup:${e.hangupType}` : e.type));
    expect(kinds).to.deep.equal(['registered', 'call.incoming', 'call.established', 'hangup:inbound', 'call.released']);
    expect(h.commands.map((c) => c.type)).to.deep.equal(['sip.register', 'sip.answer']);
  });

  it('follows an INVITE with Replaces: the consult call from 1002 becomes the customer call (11 -> 9)', () => {
    const h = harness();
    h.send(...READY, incoming('c1', '1002'), { type: 'call.answer' }, confirmed());
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.internalTalk);
    h.emitted.length = 0;
    h.send({ type: 'sip.call.replaced', callId: 'c1', caller: '13800000001', remoteName: 'Customer', internal: false });
    const snapshot = h.actor.getSnapshot();
    expect(legState(snapshot)).to.deep.equal({ connected: 'talking' });
    expect(callOf(snapshot)?.caller).to.equal('13800000001');
    expect(h.emitted.map((e) => (e.type === 'status' ? `status:${e.lastCode}->${e.code}` : e.type))).to.deep.equal([
      'call.established',
      `status:${STATUS.internalTalk}->${STATUS.inboundTalk}`,
    ]);
    // A replacement for some other leg changes nothing.
    h.send({ type: 'sip.call.replaced', callId: 'other', caller: '13800000002', remoteName: '', internal: false });
    expect(callOf(h.actor.getSnapshot())?.caller).to.equal('13800000001');
  });

  it('reports the four hang-up types of the reference hook', () => {
    const types = (events: Ev[]) => {
      const h = harness();
      h.send(...events);
      return h.emitted.flatMap((e) => (e.type === 'call.hangup' ? [e.hangupType] : []));
    };
    expect(types([...RINGING, ended()])).to.deep.equal(['ringing']);
    expect(types([...DIALING, { type: 'call.hangup' }])).to.deep.equal(['dialing']);
    expect(types([...TALKING_IN, { type: 'call.hangup' }])).to.deep.equal(['inbound']);
    expect(types([...TALKING_OUT, ended()])).to.deep.equal(['outbound']);
  });

  it('rejects an INVITE with 486 on break and 480 while logged out', () => {
    const h = harness();
    h.send(...REGISTERED, incoming('x1'));
    h.send({ type: 'agent.login' }, { type: 'agent.break' }, incoming('x2'));
    const rejects = h.commands.filter((c) => c.type === 'sip.reject');
    expect(rejects).to.deep.equal([
      { type: 'sip.reject', callId: 'x1', code: 480, reason: 'Temporarily Unavailable' },
      { type: 'sip.reject', callId: 'x2', code: 486, reason: 'Busy Here' },
    ]);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.break);
  });

  it('rejects a second INVITE with 486 during a call and keeps the first', () => {
    const h = harness();
    h.send(...TALKING_IN, incoming('c2'));
    expect(h.commands.at(-1)).to.deep.equal({ type: 'sip.reject', callId: 'c2', code: 486, reason: 'Busy Here' });
    expect(callOf(h.actor.getSnapshot())?.callId).to.equal('c1');
  });

  it('holds the customer and dials the target on consult, then REFERs with Replaces', () => {
    const h = harness();
    h.send(...CONSULT_TALKING, { type: 'call.completeTransfer' });
    expect(h.commands.slice(-3)).to.deep.equal([
      { type: 'sip.hold', callId: 'c1' },
      { type: 'sip.call', callId: 'c2', target: '1002' },
      { type: 'sip.referReplaces', callId: 'c1', replacesCallId: 'c2' },
    ]);
  });

  it('ends the consult leg and resumes the customer on cancel', () => {
    const h = harness();
    h.send(...CONSULT_TALKING, { type: 'call.cancelConsult' });
    expect(h.commands.slice(-2)).to.deep.equal([
      { type: 'sip.terminate', callId: 'c2' },
      { type: 'sip.unhold', callId: 'c1' },
    ]);
  });

  it('sends DTMF to the consult leg while consulting', () => {
    const h = harness();
    h.send(...CONSULT_TALKING, { type: 'dtmf.send', digits: '12#' });
    expect(h.commands.at(-1)).to.deep.equal({ type: 'sip.dtmf', callId: 'c2', digits: '12#' });
  });

  it('mutes every live leg and records the confirmation', () => {
    const h = harness();
    h.send(...TALKING_IN, { type: 'call.mute' }, { type: 'sip.call.muted', callId: 'c1', muted: true });
    expect(h.commands.at(-1)).to.deep.equal({ type: 'sip.mute', callId: 'c1', muted: true });
    expect(callOf(h.actor.getSnapshot())?.muted).to.equal(true);
  });

  it('emits an error with the command name when hold is refused', () => {
    const h = harness();
    h.send(...HOLDING, { type: 'sip.call.hold.failed', callId: 'c1', cause: 're-INVITE answered 488', sipCode: 488 });
    const error = h.emitted.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error).to.include({ errorCode: ERROR.holdFailed, command: 'call.hold' });
  });
});

describe('agent statechart: service states through a CTI backend', () => {
  /** An actor whose CTI requests wait until the test settles them. */
  function ctiHarness(input: AgentInput = {}, clock?: SimulatedClock) {
    const requests: { change: CtiChange; resolve: () => void; reject: (e: unknown) => void }[] = [];
    const machine = agentMachine.provide({
      actors: {
        sip: fromCallback<SipCommand>(({ receive }) => receive((c) => commands.push(c))),
        cti: fromPromise<void, CtiChange>(
          ({ input: change }) => new Promise<void>((resolve, reject) => requests.push({ change, resolve, reject })),
        ),
      },
    });
    const commands: SipCommand[] = [];
    const emitted: AgentEmitted[] = [];
    const actor = createActor(machine, { input: { ...input, cti: true }, ...(clock ? { clock } : {}) });
    actor.on('*', (e) => emitted.push(e as AgentEmitted));
    actor.start();
    const send = (...events: Ev[]) => events.forEach((e) => actor.send(e));
    const settle = async (outcome: 'ok' | unknown) => {
      const request = requests.at(-1);
      if (!request) throw new Error('no CTI request pending');
      if (outcome === 'ok') request.resolve();
      else request.reject(outcome);
      await new Promise((r) => setTimeout(r, 0));
    };
    return { actor, commands, emitted, requests, send, settle };
  }

  it('logs in only when the backend accepts: status stays 1 until then', async () => {
    const h = ctiHarness();
    h.send(...REGISTERED, { type: 'agent.login' });
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.offline);
    expect(h.requests.map((r) => r.change)).to.deep.equal([{ op: 'login', from: 'loggedOut', reason: null, previousBreakReason: null }]);
    await h.settle('ok');
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ready);
  });

  it('stays ready and reports 7200 with the API name, code and request id when TakeBreak fails', async () => {
    const h = ctiHarness();
    h.send(...REGISTERED, { type: 'agent.login' });
    await h.settle('ok');
    h.emitted.length = 0;
    h.send({ type: 'agent.break', reason: 'lunch' });
    await h.settle({ errorMsg: 'TakeBreak failed: Forbidden.NotAuthorized', apiName: 'TakeBreak', apiCode: 'Forbidden.NotAuthorized', requestId: 'r-1' });
    const s = h.actor.getSnapshot();
    expect(s.context.code).to.equal(STATUS.ready);
    expect(s.context.ctiChange).to.equal(null);
    expect(h.emitted.filter((e) => e.type === 'status')).to.deep.equal([]);
    const error = h.emitted.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error).to.deep.equal({
      errorCode: ERROR.ctiFailed,
      errorMsg: 'TakeBreak failed: Forbidden.NotAuthorized',
      command: 'agent.break',
      apiName: 'TakeBreak',
      apiCode: 'Forbidden.NotAuthorized',
      requestId: 'r-1',
    });
  });

  it('goes on break with the reason once TakeBreak succeeds, and back to break (reason kept) when ReadyForService fails', async () => {
    const h = ctiHarness();
    h.send(...REGISTERED, { type: 'agent.login' });
    await h.settle('ok');
    h.send({ type: 'agent.break', reason: 'lunch' });
    await h.settle('ok');
    expect(h.actor.getSnapshot().context).to.include({ code: STATUS.break, breakReason: 'lunch' });
    h.send({ type: 'agent.ready' });
    await h.settle(new Error('network down'));
    expect(h.actor.getSnapshot().context).to.include({ code: STATUS.break, breakReason: 'lunch' });
  });

  it('refuses other commands with 9001 and rejects calls with 486 while a break or log-out is pending', async () => {
    const h = ctiHarness();
    h.send(...REGISTERED, { type: 'agent.login' });
    h.send({ type: 'agent.ready' });
    expect(h.emitted.some((e) => e.type === 'error' && e.error.errorCode === ERROR.stateNotAllowed && e.error.command === 'agent.ready')).to.equal(true);
    await h.settle('ok');
    h.send({ type: 'agent.break', reason: 'meal' }, incoming('x1'));
    expect(h.commands.at(-1)).to.deep.equal({ type: 'sip.reject', callId: 'x1', code: 486, reason: 'Busy Here' });
    expect(h.requests).to.have.length(2);
  });

  it('rings instead of 486 when the call center offers a call before answering the ready / log-in request', async () => {
    const h = ctiHarness();
    h.send(...REGISTERED, { type: 'agent.login', id: 'r1' }, incoming('x1'));
    expect(h.commands.filter((c) => c.type === 'sip.reject')).to.deep.equal([]);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ringing);
    expect(h.emitted.some((e) => e.type === 'request.done' && e.id === 'r1')).to.equal(true);
    expect(h.emitted.some((e) => e.type === 'call.incoming')).to.equal(true);
    // The late HTTP answer changes nothing; the call goes on.
    await h.settle('ok');
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ringing);
    h.send({ type: 'call.answer' }, confirmed('x1'));
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.inboundTalk);
    // From a break, going ready the same way leaves no break reason behind.
    const b = ctiHarness();
    b.send(...REGISTERED, { type: 'agent.login' });
    await b.settle('ok');
    b.send({ type: 'agent.break', reason: 'meal' });
    await b.settle('ok');
    b.send({ type: 'agent.ready' }, incoming('x2'));
    expect(b.actor.getSnapshot().context).to.include({ code: STATUS.ringing, breakReason: null });
  });

  it('asks ReadyForService when after-call work times out, and goes on break "missed" through TakeBreak after a ring timeout', async () => {
    const clock = new SimulatedClock();
    const h = ctiHarness({ policy: { afterCall: 10, ringTimeout: 20 } }, clock);
    h.send(...REGISTERED, { type: 'agent.login' });
    await h.settle('ok');
    h.send(incoming(), { type: 'call.answer' }, confirmed(), ended());
    clock.increment(10_000);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.afterCall);
    expect(h.requests.at(-1)?.change).to.include({ op: 'ready', from: 'afterCall' });
    await h.settle('ok');
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ready);
    h.send(incoming('c2'));
    clock.increment(20_000);
    expect(h.requests.at(-1)?.change).to.include({ op: 'break', from: 'ready', reason: 'missed' });
    await h.settle('ok');
    expect(h.actor.getSnapshot().context).to.include({ code: STATUS.break, breakReason: 'missed' });
  });
});

describe('agent statechart: timers (simulated clock)', () => {
  it('returns from after-call work to ready after `afterCall` seconds', () => {
    const clock = new SimulatedClock();
    const h = harness({ policy: { afterCall: 15 }, now: () => clock.now() }, clock);
    h.send(...AFTER_CALL);
    expect(h.actor.getSnapshot().context.afterCallEndsAt).to.equal(clock.now() + 15_000);
    clock.increment(14_999);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.afterCall);
    clock.increment(1);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ready);
  });

  it('stays in after-call work when afterCall is manual', () => {
    const clock = new SimulatedClock();
    const h = harness({ policy: { afterCall: 'manual' } }, clock);
    h.send(...AFTER_CALL);
    clock.increment(3_600_000);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.afterCall);
    h.send({ type: 'agent.ready' });
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ready);
  });

  it('rejects an unanswered call after the ring timeout and goes on break "missed"', () => {
    const clock = new SimulatedClock();
    const h = harness({ policy: { ringTimeout: 30 } }, clock);
    h.send(...RINGING);
    clock.increment(29_999);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ringing);
    clock.increment(1);
    const s = h.actor.getSnapshot();
    expect(s.context.code).to.equal(STATUS.break);
    expect(s.context.breakReason).to.equal('missed');
    expect(h.commands.at(-1)).to.deep.equal({ type: 'sip.reject', callId: 'c1', code: 480, reason: 'Temporarily Unavailable' });
    expect(h.emitted.some((e) => e.type === 'call.hangup' && e.hangupType === 'ringing')).to.equal(true);
  });

  it('treats the queue giving up first (CANCEL with Reason cause 480) as a missed call: break "missed", kept for the agent to see', () => {
    const clock = new SimulatedClock();
    const h = harness({ policy: { ringTimeout: 30 } }, clock);
    h.send(...RINGING);
    clock.increment(15_000);
    const before = Date.now(); // the harness's status clock is the host's (AgentInput.now)
    h.send({ type: 'sip.call.failed', callId: 'c1', cause: 'Canceled', sipCode: 480 });
    const s = h.actor.getSnapshot();
    expect(s.context).to.include({ code: STATUS.break, breakReason: 'missed' });
    expect(s.context.missedCalls.map((c) => c.caller)).to.deep.equal(['13800000001']);
    expect(s.context.statusSince).to.be.at.least(before);
    const released = h.emitted.find((e) => e.type === 'call.released');
    expect(released).to.include({ missed: true, cause: 'no answer' });
    // Our own timer does not fire on top of it; a caller who hangs up (plain CANCEL) is not a missed call.
    clock.increment(30_000);
    expect(h.commands.filter((c) => c.type === 'sip.reject')).to.deep.equal([]);
    const other = harness({ policy: { ringTimeout: 30 } }, clock);
    other.send(...RINGING, { type: 'sip.call.failed', callId: 'c1', cause: 'Canceled' });
    expect(other.actor.getSnapshot().context).to.include({ code: STATUS.ready });
    expect(other.actor.getSnapshot().context.missedCalls).to.deep.equal([]);
    expect(other.emitted.find((e) => e.type === 'call.released')).to.include({ missed: false });
  });

  it('says "registered" again when the registration came back after the connection dropped', () => {
    const h = harness();
    h.send(...READY);
    const registered = () => h.emitted.filter((e) => e.type === 'registered').length;
    const before = registered();
    h.send({ type: 'sip.disconnected', cause: 'WebSocket closed' });
    expect(h.emitted.at(-1)).to.deep.include({ type: 'error' });
    h.send({ type: 'sip.registered' });
    expect(registered()).to.equal(before + 1);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ready);
  });

  it('answers after the seconds a server-initiated INVITE asks for (Call-Info answer-after), sooner than the policy', () => {
    const clock = new SimulatedClock();
    const h = harness({ policy: { autoAnswer: 10 } }, clock);
    h.send(...READY, { ...incoming(), answerAfter: 2 } as SipFact);
    clock.increment(1_999);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ringing);
    clock.increment(1);
    expect(h.commands.at(-1)).to.deep.equal({ type: 'sip.answer', callId: 'c1' });
    // Without the request (and without a policy) the call keeps ringing.
    const plain = harness({ policy: { ringTimeout: 0 } }, clock);
    plain.send(...READY, incoming('c2'));
    clock.increment(60_000);
    expect(plain.actor.getSnapshot().context.code).to.equal(STATUS.ringing);
  });

  it("keeps the call center's job id of an incoming call in the call and its events ('' without one)", () => {
    const h = harness();
    h.send(...READY, { ...incoming(), jobId: 'job-42' } as SipFact);
    expect(callOf(h.actor.getSnapshot())?.jobId).to.equal('job-42');
    const offered = h.emitted.find((e): e is Extract<AgentEmitted, { type: 'call.incoming' }> => e.type === 'call.incoming');
    expect(offered?.call.jobId).to.equal('job-42');
    const plain = harness();
    plain.send(...READY, incoming('c2'));
    expect(callOf(plain.actor.getSnapshot())?.jobId).to.equal('');
  });

  it('never times out ringing when ringTimeout is 0', () => {
    const clock = new SimulatedClock();
    const h = harness({ policy: { ringTimeout: 0 } }, clock);
    h.send(...RINGING);
    clock.increment(600_000);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ringing);
  });

  it('answers automatically after `autoAnswer` seconds', () => {
    const clock = new SimulatedClock();
    const h = harness({ policy: { autoAnswer: 3 } }, clock);
    h.send(...RINGING);
    clock.increment(2_999);
    expect(h.commands.some((c) => c.type === 'sip.answer')).to.equal(false);
    clock.increment(1);
    expect(h.commands.at(-1)).to.deep.equal({ type: 'sip.answer', callId: 'c1' });
    h.send(confirmed());
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.inboundTalk);
  });

  it('takes new timer values from config.policy', () => {
    const clock = new SimulatedClock();
    const h = harness({ policy: { afterCall: 15 } }, clock);
    h.send({ type: 'config.policy', policy: { afterCall: 2, ringTimeout: 30, autoAnswer: null } }, ...AFTER_CALL);
    clock.increment(2_000);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ready);
  });
});

/** Every event the model walk may try: commands plus the SIP facts, with fixed call ids. */
const WALK_EVENTS: Ev[] = [
  { type: 'agent.register' },
  { type: 'agent.unregister' },
  { type: 'agent.login' },
  { type: 'agent.logout' },
  { type: 'agent.ready' },
  { type: 'agent.break', reason: 'rest' },
  { type: 'call.dial', callee: '13800000002', callId: 'c1' },
  { type: 'call.answer' },
  { type: 'call.hangup' },
  { type: 'call.hold' },
  { type: 'call.retrieve' },
  { type: 'call.consult', target: '1002', callId: 'c2' },
  { type: 'call.completeTransfer' },
  { type: 'call.cancelConsult' },
  { type: 'call.conference' },
  { type: 'call.swap' },
  { type: 'call.dropParty', party: 'consult' },
  { type: 'call.transfer', target: '1003' },
  { type: 'sip.registered' },
  { type: 'sip.registration.failed', cause: 'Rejected', sipCode: 403 },
  incoming('c1'),
  confirmed('c1'),
  confirmed('c2'),
  ended('c1'),
  ended('c2'),
  { type: 'sip.call.failed', callId: 'c1', cause: 'Busy', sipCode: 486 },
  { type: 'sip.transfer.succeeded', callId: 'c1' },
  { type: 'sip.call.held', callId: 'c1' },
  { type: 'sip.call.resumed', callId: 'c1' },
  { type: 'sip.call.hold.failed', callId: 'c1', cause: 'Not Acceptable Here', sipCode: 488 },
  { type: 'sip.call.resume.failed', callId: 'c1', cause: 'Not Acceptable Here', sipCode: 488 },
  { type: 'sip.registration.lapsed' },
  { type: 'sip.conference.started' },
  { type: 'sip.conference.failed', cause: 'no audio' },
  { type: 'sip.agent.state', state: 'break', reason: 'supervisor', by: '1009' },
];

/** A reachable state: the events that lead there from the start, and the agent's snapshot there. */
interface WalkPath {
  readonly events: Ev[];
  readonly state: AgentSnapshot;
}

/** The agent's state value, and each leg's, whether a transfer is pending and the conference identify a state. */
function stateKey(s: AgentSnapshot): string {
  const leg = (ref: AgentSnapshot['context']['call']) => (ref ? [ref.getSnapshot().value, ref.getSnapshot().context.transferTarget !== null] : null);
  // A conference is a context flag on the same state values: it counts as a state of its own.
  return JSON.stringify([s.value, leg(s.context.call), leg(s.context.consult), s.context.conference === true]);
}

/**
 * Breadth-first walk of every state reachable with WALK_EVENTS, on running actors (the call legs
 * are spawned actors, which a pure graph traversal does not run). With a CTI backend, its
 * answers are events too. Bounded: at most 400 states.
 */
function walk(input: AgentInput = {}): WalkPath[] {
  const events = input.cti
    ? [...WALK_EVENTS, { type: 'xstate.done.actor.cti' } as unknown as Ev, { type: 'xstate.error.actor.cti', error: new Error('x') } as unknown as Ev]
    : WALK_EVENTS;
  const start = harness(input, undefined, true);
  const found = new Map<string, WalkPath>([[stateKey(start.actor.getSnapshot()), { events: [], state: start.actor.getSnapshot() }]]);
  const queue = [...found.values()];
  while (queue.length > 0 && found.size < 400) {
    const path = queue.shift()!;
    for (const event of events) {
      // The CTI backend answers only a pending request (an unhandled error event is logged).
      if (event.type.startsWith('xstate.') && !path.state.hasTag('ctiPending')) continue;
      const h = harness(input, undefined, true);
      h.send(...path.events, event);
      // Left running: acceptsCommand() asks the live legs.
      const state = h.actor.getSnapshot();
      const key = stateKey(state);
      if (found.has(key)) continue;
      const next = { events: [...path.events, event], state };
      found.set(key, next);
      queue.push(next);
    }
  }
  return [...found.values()];
}

/** A harness that went through a walk path's events. */
function replay(path: WalkPath) {
  const h = harness({}, undefined, true);
  h.send(...path.events);
  return h;
}

/**
 * Atomic states of the agent and of a call leg, without transient ones (`always`) and without the
 * leg's final state, which the agent never holds (it lets the leg go when the leg reports its end).
 */
function atomicStateIds(): string[] {
  const ids: string[] = [];
  const visit = (node: { id: string; type: string; always?: unknown[]; states: Record<string, unknown> }) => {
    const children = Object.values(node.states) as (typeof node)[];
    if (children.length === 0) {
      if ((!node.always || node.always.length === 0) && node.type !== 'final') ids.push(node.id);
      return;
    }
    children.forEach(visit);
  };
  visit(agentMachine.root as never);
  visit(callMachine.root as never);
  return ids;
}

/** Ids of the requests waiting in the agent and in its call legs. */
function pendingIds(s: AgentSnapshot): string[] {
  const legs = [s.context.call, s.context.consult].flatMap((leg) => (leg ? leg.getSnapshot().context.requests : []));
  return [...s.context.requests, ...legs].map((r) => r.id);
}

/** The state nodes a snapshot is in, the call legs' included. */
function nodesOf(s: AgentSnapshot): string[] {
  const legs = [s.context.call, s.context.consult].flatMap((leg) => (leg ? leg.getSnapshot()._nodes : []));
  return [...s._nodes, ...legs].map((node) => node.id);
}

describe('agent statechart: model-based walk', () => {
  it('reaches every state from the initial state', () => {
    const reached = new Set<string>();
    for (const path of [...walk(), ...walk({ cti: true })]) {
      for (const id of nodesOf(path.state)) reached.add(id);
    }
    const missing = atomicStateIds().filter((id) => !reached.has(id));
    expect(missing).to.deep.equal([]);
    expect(atomicStateIds().length).to.be.greaterThan(15);
  });

  it('answers every command a state does not accept with 9001 and changes nothing', () => {
    let refusals = 0;
    for (const path of walk()) {
      for (const type of AGENT_COMMANDS) {
        const h = replay(path);
        const before = h.actor.getSnapshot();
        if (acceptsCommand(before as AgentSnapshot, type as Ev['type'])) continue;
        const command = WALK_EVENTS.find((e) => e.type === type) ?? ({ type } as Ev);
        h.emitted.length = 0;
        h.commands.length = 0;
        h.actor.send(command);
        const after = h.actor.getSnapshot();
        const errors = h.emitted.filter((e) => e.type === 'error');
        expect(errors.length, `${type} in ${JSON.stringify(before.value)}`).to.equal(1);
        expect(errors[0]?.type === 'error' && errors[0].error.errorCode).to.equal(ERROR.stateNotAllowed);
        expect(after.value).to.deep.equal(before.value);
        expect(after.context.code).to.equal(before.context.code);
        expect(h.commands, `${type} sent SIP commands`).to.deep.equal([]);
        refusals += 1;
      }
    }
    // Most commands are refused in most states; a regression that accepts everything must fail.
    expect(refusals).to.be.greaterThan(150);
  });

  it('accepts each command in at least one reachable state', () => {
    const accepted = new Set<string>();
    for (const path of walk()) {
      for (const type of AGENT_COMMANDS) {
        if (acceptsCommand(path.state as AgentSnapshot, type as Ev['type'])) accepted.add(type);
      }
    }
    expect([...AGENT_COMMANDS].filter((t) => !accepted.has(t))).to.deep.equal([]);
  });
});

describe('agent statechart: the statechart says when a command is done', () => {
  type Answer = { id: string; outcome: 'done' | 'failed'; errorCode?: number; call?: string };
  const answers = (h: ReturnType<typeof harness>): Answer[] =>
    h.emitted.flatMap((e): Answer[] => {
      if (e.type === 'request.done') return [{ id: e.id, outcome: 'done', ...(e.call ? { call: e.call.callId } : {}) }];
      if (e.type === 'request.failed') return [{ id: e.id, outcome: 'failed', errorCode: e.error.errorCode }];
      return [];
    });

  it('answers a hold only when the PBX accepted it: status 12 comes with request.done', () => {
    const h = harness();
    h.send(...TALKING_IN);
    h.emitted.length = 0;
    h.send({ type: 'call.hold', id: 'h1' });
    expect(answers(h)).to.deep.equal([]);
    expect(h.emitted.filter((e) => e.type === 'status')).to.deep.equal([]);
    expect(selectView(h.actor.getSnapshot()).hold).to.equal('holding');
    h.send({ type: 'sip.call.held', callId: 'c1' });
    expect(answers(h)).to.deep.equal([{ id: 'h1', outcome: 'done' }]);
    expect(h.emitted.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.code)).to.deep.equal([STATUS.hold]);
  });

  it('never shows status 12 for a hold the far end refused, and fails it with 7003', () => {
    const h = harness();
    h.send(...TALKING_IN);
    h.emitted.length = 0;
    h.send({ type: 'call.hold', id: 'h1' }, { type: 'sip.call.hold.failed', callId: 'c1', cause: 'Not Acceptable Here', sipCode: 488 });
    expect(h.emitted.some((e) => e.type === 'status' && e.code === STATUS.hold)).to.equal(false);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.inboundTalk);
    expect(selectView(h.actor.getSnapshot()).hold).to.equal('none');
    expect(answers(h)).to.deep.equal([{ id: 'h1', outcome: 'failed', errorCode: ERROR.holdFailed }]);
    const error = h.emitted.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error.errorMsg).to.equal('Hold failed: Not Acceptable Here (SIP 488)');
  });

  it('raises 7005 naming the digit and the cause when DTMF fails, and fails that request', () => {
    const h = harness();
    h.send(...TALKING_IN);
    h.emitted.length = 0;
    h.send({ type: 'dtmf.send', digits: '5', id: 'd1' }, { type: 'sip.dtmf.failed', callId: 'c1', tone: '5', cause: 'no RTCDTMFSender' });
    const error = h.emitted.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error).to.deep.equal({ errorCode: ERROR.dtmfFailed, errorMsg: 'DTMF "5" failed: no RTCDTMFSender', command: 'dtmf.send' });
    expect(answers(h)).to.deep.equal([{ id: 'd1', outcome: 'failed', errorCode: ERROR.dtmfFailed }]);
  });

  it('resolves a dial with the connected leg, and fails the pending dial when the agent hangs up', () => {
    const h = harness();
    h.send(...READY, { type: 'call.dial', callee: '13800000002', callId: 'c1', id: 'd1' });
    expect(answers(h)).to.deep.equal([]);
    h.send(confirmed('c1'));
    expect(answers(h)).to.deep.equal([{ id: 'd1', outcome: 'done', call: 'c1' }]);
    const g = harness();
    g.send(...READY, { type: 'call.dial', callee: '13800000002', callId: 'c1', id: 'd2' }, { type: 'call.hangup', id: 'x' });
    expect(answers(g)).to.deep.equal([
      { id: 'x', outcome: 'done' },
      { id: 'd2', outcome: 'failed', errorCode: ERROR.callFailed },
    ]);
  });

  it('fails a pending hold with 6008 when the customer hangs up first', () => {
    const h = harness();
    h.send(...TALKING_IN, { type: 'call.hold', id: 'h1' }, ended());
    expect(answers(h)).to.deep.equal([{ id: 'h1', outcome: 'failed', errorCode: ERROR.callNotExisted }]);
    expect(pendingIds(h.actor.getSnapshot())).to.deep.equal([]);
  });

  it('completes a cancelled consultation when the customer is resumed', () => {
    const h = harness();
    h.send(...CONSULT_TALKING, { type: 'call.cancelConsult', id: 'k1' });
    expect(answers(h)).to.deep.equal([]);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.hold);
    h.send({ type: 'sip.call.resumed', callId: 'c1' });
    expect(answers(h)).to.deep.equal([{ id: 'k1', outcome: 'done' }]);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.inboundTalk);
  });

  it('answers the CTI change that completes or fails a log-in', async () => {
    const results: string[] = [];
    for (const outcome of ['ok', 'fail'] as const) {
      const machine = agentMachine.provide({
        actors: { cti: fromPromise<void, CtiChange>(async () => (outcome === 'ok' ? undefined : Promise.reject(new Error('down')))) },
      });
      const actor = createActor(machine, { input: { cti: true } });
      actor.on('request.done', (e) => results.push(`${e.id}:done`));
      actor.on('request.failed', (e) => results.push(`${e.id}:${e.error.errorCode}`));
      actor.start();
      actor.send({ type: 'agent.register' });
      actor.send({ type: 'sip.registered' });
      actor.send({ type: 'agent.login', id: outcome });
      await new Promise((r) => setTimeout(r, 0));
      actor.stop();
    }
    expect(results).to.deep.equal(['ok:done', `fail:${ERROR.ctiFailed}`]);
  });

  it('answers every command with an id in every reachable state: at once, or kept pending for a later fact', () => {
    let pending = 0;
    for (const path of walk()) {
      for (const type of AGENT_COMMANDS) {
        const h = replay(path);
        h.emitted.length = 0;
        const command = WALK_EVENTS.find((e) => e.type === type) ?? ({ type } as Ev);
        h.actor.send({ ...command, id: 'q' } as Ev);
        const answered = answers(h).filter((a) => a.id === 'q');
        const waiting = pendingIds(h.actor.getSnapshot()).filter((id) => id === 'q');
        expect(answered.length + waiting.length, `${type} in ${JSON.stringify(path.state.value)}`).to.equal(1);
        pending += waiting.length;
      }
    }
    expect(pending).to.be.greaterThan(10);
  });
});

describe('agent statechart: every SIP fact has a handler', () => {
  // Adding a fact type to SipFact without listing it here fails type-checking (`satisfies`);
  // listing it without a handler in some state fails the test below.
  const FACTS = {
    'sip.registered': true,
    'sip.unregistered': true,
    'sip.registration.failed': true,
    'sip.disconnected': true,
    'sip.registration.lapsed': true,
    'sip.warning': true,
    'sip.media.lost': true,
    'sip.call.incoming': true,
    'sip.call.created': true,
    'sip.call.progress': true,
    'sip.call.confirmed': true,
    'sip.call.failed': true,
    'sip.call.ended': true,
    'sip.call.held': true,
    'sip.call.resumed': true,
    'sip.call.hold.failed': true,
    'sip.call.resume.failed': true,
    'sip.call.muted': true,
    'sip.call.replaced': true,
    'sip.dtmf.sent': true,
    'sip.dtmf.failed': true,
    'sip.transfer.succeeded': true,
    'sip.transfer.failed': true,
    'sip.conference.started': true,
    'sip.conference.failed': true,
    'sip.agent.state': true,
  } as const satisfies Record<SipFact['type'], true>;

  it('handles each fact type the SIP adapter can send in at least one state', () => {
    const handled = new Set<string>();
    const visit = (node: { on: Record<string, unknown>; states: Record<string, unknown> }): void => {
      // Exact handlers only: the agent's 'sip.call.*' forwarding to the legs handles nothing itself.
      for (const type of Object.keys(node.on)) if (!type.endsWith('*')) handled.add(type);
      Object.values(node.states).forEach((child) => visit(child as typeof node));
    };
    visit(agentMachine.root as never);
    visit(callMachine.root as never);
    expect(Object.keys(FACTS).filter((type) => !handled.has(type))).to.deep.equal([]);
  });
});


describe('agent statechart: one call machine per leg', () => {
  it('runs the customer call and the consultation as two leg actors, each in its own state', () => {
    const h = harness();
    h.send(...CONSULT_TALKING);
    const s = h.actor.getSnapshot();
    expect(s.context.call?.getSnapshot().value).to.deep.equal({ connected: 'held' });
    expect(s.context.consult?.getSnapshot().value).to.deep.equal({ connected: 'talking' });
    expect(Object.keys(s.children).sort()).to.deep.equal(['c1', 'c2', 'sip']);
    h.send({ type: 'call.cancelConsult' }, { type: 'sip.call.resumed', callId: 'c1' }, ended('c1'));
    // Ended legs are let go: no actor left behind after the call.
    expect(Object.keys(h.actor.getSnapshot().children)).to.deep.equal(['sip']);
  });

  it('ends the consultation when the PBX refuses to hold the customer for it (7003), the customer still talking', () => {
    const h = harness();
    h.send(...TALKING_IN);
    h.emitted.length = 0;
    h.send({ type: 'call.consult', target: '1002', callId: 'c2', id: 'k1' });
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.consultDialing);
    h.send({ type: 'sip.call.hold.failed', callId: 'c1', cause: 'Not Acceptable Here', sipCode: 488 });
    const s = h.actor.getSnapshot();
    expect(s.context.code).to.equal(STATUS.inboundTalk);
    expect(s.context.consult).to.equal(null);
    expect(h.commands.at(-1)).to.deep.equal({ type: 'sip.terminate', callId: 'c2' });
    const failed = h.emitted.find((e): e is Extract<AgentEmitted, { type: 'request.failed' }> => e.type === 'request.failed');
    expect(failed).to.deep.include({ id: 'k1' });
    expect(failed?.error.errorCode).to.equal(ERROR.holdFailed);
    expect(h.emitted.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.error.errorCode)).to.deep.equal([ERROR.holdFailed]);
  });
});

describe('agent statechart: attended transfer across two legs', () => {
  for (const order of ['consult leg ends first', 'transfer confirmed first'] as const) {
    it(`completes with status 17 -> 5, both legs let go (${order})`, () => {
      const h = harness();
      h.send(...CONSULT_TALKING);
      h.emitted.length = 0;
      h.send({ type: 'call.completeTransfer', id: 't1' });
      const confirmed: Ev = { type: 'sip.transfer.succeeded', callId: 'c1' };
      if (order === 'consult leg ends first') h.send(ended('c2'), confirmed);
      else h.send(confirmed, ended('c2', 'local'));
      const s = h.actor.getSnapshot();
      expect(h.emitted.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.code)).to.deep.equal([STATUS.afterCall]);
      expect(h.emitted.some((e) => e.type === 'request.done' && e.id === 't1')).to.equal(true);
      expect(h.emitted.filter((e) => e.type === 'call.released').map((e) => e.type === 'call.released' && e.call.callId).sort()).to.deep.equal(['c1', 'c2']);
      expect(s.context.code).to.equal(STATUS.afterCall);
      expect(Object.keys(s.children)).to.deep.equal(['sip']);
      expect(h.commands.filter((c) => c.type === 'sip.referReplaces')).to.deep.equal([{ type: 'sip.referReplaces', callId: 'c1', replacesCallId: 'c2' }]);
    });
  }
});

describe('agent statechart: recovery facts', () => {
  it('is not ready (status 0) while a registration that lapsed in a frozen tab is renewed, then ready again', () => {
    const h = harness();
    h.send(...READY);
    h.emitted.length = 0;
    h.send({ type: 'sip.registration.lapsed' });
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.registering);
    // No call is offered meanwhile: the registrar does not know the agent.
    h.send(incoming('c9'));
    expect(h.commands.at(-1)).to.deep.include({ type: 'sip.reject', callId: 'c9', code: 486 });
    h.send({ type: 'sip.registered' });
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ready);
    expect(h.emitted.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.code)).to.deep.equal([STATUS.registering, STATUS.ready]);
    expect(h.emitted.filter((e) => e.type === 'registered').length).to.equal(1);
  });

  it('keeps a break through a lapsed registration (only ready depends on it)', () => {
    const h = harness();
    h.send(...READY, { type: 'agent.break', reason: 'lunch' }, { type: 'sip.registration.lapsed' });
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.break);
  });

  it('passes warnings to the host and raises 7007 when the adapter ends a call without audio', () => {
    const h = harness();
    h.send(...TALKING_IN);
    h.emitted.length = 0;
    h.send({ type: 'sip.warning', code: 'media-interrupted', cause: 'no audio arriving; restarting ICE', callId: 'c1' });
    expect(h.emitted).to.deep.include({ type: 'warning', warning: { code: 'media-interrupted', message: 'no audio arriving; restarting ICE', callId: 'c1' } });
    h.send({ type: 'sip.media.lost', callId: 'c1', cause: 'no audio for 30 s' }, { type: 'sip.call.ended', callId: 'c1', cause: 'no audio for 30 s', originator: 'system' });
    const error = h.emitted.find((e): e is Extract<AgentEmitted, { type: 'error' }> => e.type === 'error');
    expect(error?.error.errorCode).to.equal(ERROR.mediaLost);
    expect(error?.error.errorMsg).to.equal('Call ended: no audio for 30 s');
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.afterCall);
  });
});

describe('agent statechart: swap and conference (status 18, 19)', () => {
  const resumed = (callId: string): Ev => ({ type: 'sip.call.resumed', callId });
  const held = (callId: string): Ev => ({ type: 'sip.call.held', callId });

  it('swap holds the consulted party, then resumes the customer (18), and back (17); done when both are', () => {
    const h = harness();
    const done = (id: string) => h.emitted.some((e) => e.type === 'request.done' && e.id === id);
    h.send(...CONSULT_TALKING, { type: 'call.swap', id: 's1' });
    expect(h.commands).to.deep.include({ type: 'sip.hold', callId: 'c2' });
    // The customer is resumed only once the consulted party is held: never both talking.
    expect(h.commands).to.not.deep.include({ type: 'sip.unhold', callId: 'c1' });
    h.send(held('c2'));
    expect(h.commands).to.deep.include({ type: 'sip.unhold', callId: 'c1' });
    expect(done('s1')).to.equal(false);
    h.send(resumed('c1'));
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.consultSwitched);
    expect(done('s1')).to.equal(true);
    h.send({ type: 'call.swap', id: 's2' });
    // Back: while the customer's hold is still out, the swap is not done and a conference is refused.
    h.send(held('c1'));
    expect(done('s2')).to.equal(false);
    h.send({ type: 'call.conference', id: 'early' });
    expect(h.emitted.some((e) => e.type === 'request.failed' && e.id === 'early')).to.equal(true);
    h.send(resumed('c2'));
    expect(done('s2')).to.equal(true);
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.consultTalking);
  });

  it('a swap whose hold is refused fails and resumes nothing', () => {
    const h = harness();
    h.send(...CONSULT_TALKING, { type: 'call.swap', id: 's1' }, { type: 'sip.call.hold.failed', callId: 'c2', cause: '488 Not Acceptable Here' });
    expect(h.emitted.some((e) => e.type === 'request.failed' && e.id === 's1')).to.equal(true);
    expect(h.commands).to.not.deep.include({ type: 'sip.unhold', callId: 'c1' });
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.consultTalking);
  });

  it('conference resumes the held customer, then asks the adapter to mix; 19 once mixed', () => {
    const h = harness();
    h.send(...CONSULT_TALKING, { type: 'call.conference', id: 'k' });
    expect(h.commands).to.deep.include({ type: 'sip.unhold', callId: 'c1' });
    expect(h.commands.some((c) => c.type === 'sip.conference')).to.equal(false);
    h.send(resumed('c1'));
    expect(h.commands).to.deep.include({ type: 'sip.conference', callIds: ['c1', 'c2'] });
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.consultTalking);
    h.send({ type: 'sip.conference.started' });
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.conference);
    expect(h.emitted.some((e) => e.type === 'request.done' && e.id === 'k')).to.equal(true);
    // Hold and transfer are not conference commands.
    h.send({ type: 'call.hold', id: 'x' });
    expect(h.emitted.find((e) => e.type === 'request.failed' && e.id === 'x')).to.not.equal(undefined);
  });

  it('dropping the consulted party stops the mix; the customer call goes on (status 9)', () => {
    const h = harness();
    h.send(...CONSULT_TALKING, { type: 'call.conference' }, resumed('c1'), { type: 'sip.conference.started' });
    h.send({ type: 'call.dropParty', party: 'consult', id: 'd' });
    expect(h.commands).to.deep.include({ type: 'sip.terminate', callId: 'c2' });
    h.send(ended('c2', 'local'));
    expect(h.commands).to.deep.include({ type: 'sip.conference.end' });
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.inboundTalk);
  });

  it('dropping the customer keeps the consulted party as the call; hang-up in a conference ends both', () => {
    const h = harness();
    h.send(...CONSULT_TALKING, { type: 'call.conference' }, resumed('c1'), { type: 'sip.conference.started' });
    h.send({ type: 'call.dropParty', party: 'customer' }, ended('c1', 'local'));
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.outboundTalk);
    const g = harness();
    g.send(...CONSULT_TALKING, { type: 'call.conference' }, resumed('c1'), { type: 'sip.conference.started' }, { type: 'call.hangup' });
    expect(g.commands).to.deep.include({ type: 'sip.terminate', callId: 'c1' });
    expect(g.commands).to.deep.include({ type: 'sip.terminate', callId: 'c2' });
  });

  it('a mix that fails answers the conference with an error; the consultation goes on', () => {
    const h = harness();
    h.send(...CONSULT_TALKING, { type: 'call.conference', id: 'k' }, resumed('c1'), { type: 'sip.conference.failed', cause: 'no audio' });
    const failed = h.emitted.find((e) => e.type === 'request.failed' && e.id === 'k');
    expect(failed && 'error' in failed ? failed.error.errorMsg : '').to.equal('Conference failed: no audio');
    expect(h.actor.getSnapshot().context.conference ?? false).to.equal(false);
    expect(acceptsCommand(h.actor.getSnapshot(), 'call.completeTransfer')).to.equal(true);
  });
});

describe('agent statechart: a supervisor changes the agent at the call center (sip.agent.state)', () => {
  const forced = (state: 'ready' | 'break' | 'offline', reason = ''): Ev => ({ type: 'sip.agent.state', state, reason, by: '1009' });

  it('ready -> break with the reason, -> ready, -> logged out; each with a state-forced warning', () => {
    const h = harness();
    h.send(...READY, forced('break', 'supervisor'));
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.break);
    expect(h.actor.getSnapshot().context.breakReason).to.equal('supervisor');
    h.send(forced('ready'));
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.ready);
    h.send(forced('offline'));
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.offline);
    expect(h.emitted.filter((e) => e.type === 'warning').map((e) => (e.type === 'warning' ? e.warning.code : ''))).to.deep.equal([
      'state-forced',
      'state-forced',
      'state-forced',
    ]);
  });

  it('never touches a call, nor a change waiting for the CTI API', () => {
    const h = harness();
    h.send(...TALKING_IN, forced('break'));
    expect(h.actor.getSnapshot().context.code).to.equal(STATUS.inboundTalk);
    const c = harness({ cti: true }, undefined, true);
    c.send(...REGISTERED, { type: 'agent.login', id: 'l' }, forced('offline'));
    expect(c.actor.getSnapshot().hasTag('ctiPending')).to.equal(true);
  });
});
