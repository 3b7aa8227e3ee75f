import { expect } from '@open-wc/testing';
import { createActor, fromCallback } from 'xstate';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { AgentEmitted, AgentEvent, SipCommand, SipFact } from '../../machines/agent-types.js';
import { acceptsCommand, selectView } from '../../machines/agent-selectors.js';
import { DEFAULT_MONITOR_CODES, createMonitoringMachine, parseMonitorHeader } from '../../machines/monitoring.js';
import type { MonitorCodes } from '../../machines/monitoring.js';

type Ev = AgentEvent;

/** A CTI API that records calls; each call waits until the test settles it. */
function fakeCti() {
  const calls: { api: string; params: Record<string, unknown>; resolve: () => void; reject: (e: unknown) => void }[] = [];
  const cti = (api: string, params: Record<string, unknown>) =>
    new Promise<unknown>((resolve, reject) => calls.push({ api, params, resolve: () => resolve({}), reject }));
  return { calls, cti };
}

function harness(options: { codes?: MonitorCodes | null; cti?: ReturnType<typeof fakeCti>['cti'] | null } = {}) {
  const commands: SipCommand[] = [];
  const emitted: AgentEmitted[] = [];
  const machine = createMonitoringMachine({ codes: options.codes ?? null, cti: options.cti ?? null }).provide({
    actors: { sip: fromCallback<SipCommand>(({ receive }) => receive((c) => commands.push(c))) },
  });
  const actor = createActor(machine, { input: {} });
  actor.on('*', (e) => emitted.push(e as AgentEmitted));
  actor.start();
  const send = (...events: Ev[]) => events.forEach((e) => actor.send(e));
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { actor, commands, emitted, send, tick, snapshot: () => actor.getSnapshot() };
}

const READY: Ev[] = [{ type: 'agent.register' }, { type: 'sip.registered' }, { type: 'agent.login' }];
const monitorInvite = (callId = 'm1', mode = 'listen'): SipFact => ({
  type: 'sip.call.incoming',
  callId,
  caller: '13800000001',
  callee: '1009',
  remoteName: '',
  internal: false,
  jobId: 'job-1',
  monitor: `${mode};job=job-1;agent=1001`,
});
/** A CTI session in listen mode: MonitorCall accepted, the call center's call answered and connected. */
async function listening(h: ReturnType<typeof harness>, calls: ReturnType<typeof fakeCti>['calls'], from: Ev[] = READY, mode: 'listen' | 'barge' = 'listen') {
  h.send(...from, { type: 'call.monitor', agent: '1001', mode, callId: 'x' });
  calls[0]?.resolve();
  h.send(monitorInvite('m1', mode));
  await h.tick();
  h.send({ type: 'sip.call.confirmed', callId: 'm1' });
}
const codesOf = (h: ReturnType<typeof harness>) => h.commands.filter((c) => c.type !== 'sip.register');

describe('monitoring statechart: CTI path', () => {
  it('MonitorCall, then the call center call is answered at once: status 21 listening, monitor start', async () => {
    const { calls, cti } = fakeCti();
    const h = harness({ cti });
    h.send(...READY, { type: 'call.monitor', agent: '1001', mode: 'listen', callId: 'x', id: 'r1' });
    expect(h.snapshot().context.code).to.equal(STATUS.monitoring);
    expect(calls.map((c) => [c.api, c.params])).to.deep.equal([['MonitorCall', { TargetUserId: '1001' }]]);
    calls[0]?.resolve();
    await h.tick();
    h.send(monitorInvite());
    // Answered at once (a zero delay: the leg's auto-answer timer).
    await h.tick();
    expect(codesOf(h)).to.deep.include({ type: 'sip.answer', callId: 'm1' });
    expect(h.emitted.some((e) => e.type === 'request.done')).to.equal(false);
    h.send({ type: 'sip.call.confirmed', callId: 'm1' });
    expect(h.snapshot().hasTag('listen')).to.equal(true);
    expect(selectView(h.snapshot()).monitor).to.deep.equal({ agent: '1001', mode: 'listen', jobId: 'job-1', via: 'cti' });
    expect(h.emitted).to.deep.include({ type: 'request.done', id: 'r1', call: selectView(h.snapshot()).call ?? undefined });
    expect(h.emitted.find((e) => e.type === 'monitor')).to.deep.include({ phase: 'start' });
    // No customer-call events for the monitoring call.
    expect(h.emitted.some((e) => e.type === 'call.incoming' || e.type === 'call.established')).to.equal(false);
  });

  it('switches mode on the same call through Coach / BargeInCall, then ends back in ready', async () => {
    const { calls, cti } = fakeCti();
    const h = harness({ cti });
    await listening(h, calls);
    h.send({ type: 'call.monitorMode', mode: 'whisper', id: 'r2' });
    expect(calls[1]?.api).to.equal('Coach');
    expect(calls[1]?.params).to.deep.equal({ CoachedUserId: '1001' });
    expect(h.snapshot().hasTag('whisper')).to.equal(false);
    calls[1]?.resolve();
    await h.tick();
    expect(h.snapshot().hasTag('whisper')).to.equal(true);
    expect(h.emitted).to.deep.include({ type: 'request.done', id: 'r2' });
    h.send({ type: 'call.monitorMode', mode: 'barge' });
    expect(calls[2]?.api).to.equal('BargeInCall');
    calls[2]?.resolve();
    await h.tick();
    expect(h.snapshot().context.monitor?.mode).to.equal('barge');
    // Only one SIP call for the whole session.
    expect(codesOf(h).filter((c) => c.type === 'sip.answer')).to.have.length(1);
    h.send({ type: 'sip.call.ended', callId: 'm1', cause: 'BYE', originator: 'remote' });
    expect(h.snapshot().context.code).to.equal(STATUS.ready);
    expect(h.snapshot().context.monitor).to.equal(null);
    const end = h.emitted.filter((e) => e.type === 'monitor').at(-1);
    expect(end).to.deep.include({ phase: 'end' });
  });

  it('a refused mode change keeps the mode and reports 7008 with the CTI error', async () => {
    const { calls, cti } = fakeCti();
    const h = harness({ cti });
    await listening(h, calls);
    h.send({ type: 'call.monitorMode', mode: 'barge', id: 'r3' });
    calls[1]?.reject({ errorCode: 7200, errorMsg: 'BargeInCall refused', apiName: 'BargeInCall', apiCode: 'Forbidden', requestId: 'q1' });
    await h.tick();
    expect(h.snapshot().hasTag('listen')).to.equal(true);
    const failed = h.emitted.find((e) => e.type === 'request.failed');
    expect(failed).to.deep.include({ id: 'r3' });
    expect(failed && 'error' in failed ? failed.error.errorCode : 0).to.equal(ERROR.monitorFailed);
    expect(failed && 'error' in failed ? failed.error.apiName : '').to.equal('BargeInCall');
  });

  it('MonitorCall refused: 7008 naming the API, back to ready, no SIP call answered', async () => {
    const { calls, cti } = fakeCti();
    const h = harness({ cti });
    h.send(...READY, { type: 'call.monitor', agent: '1001', mode: 'listen', callId: 'x', id: 'r1' });
    calls[0]?.reject({ errorCode: 7200, errorMsg: 'MonitorCall failed: 409 InvalidState.AgentNotTalking', apiName: 'MonitorCall', apiCode: 'InvalidState.AgentNotTalking' });
    await h.tick();
    expect(h.snapshot().context.code).to.equal(STATUS.ready);
    const failed = h.emitted.find((e) => e.type === 'request.failed');
    expect(failed && 'error' in failed ? failed.error.errorMsg : '').to.match(/Monitoring 1001 failed: .*AgentNotTalking/);
    expect(h.emitted.some((e) => e.type === 'monitor')).to.equal(false);
  });

  it('intercept: InterceptCall makes the monitoring call the supervisor call (status 9), hang-up -> after-call work', async () => {
    const { calls, cti } = fakeCti();
    const h = harness({ cti });
    await listening(h, calls);
    h.send({ type: 'call.intercept', callId: 'y', id: 'r4' });
    expect(calls[1]?.api).to.equal('InterceptCall');
    expect(calls[1]?.params).to.deep.equal({ InterceptedUserId: '1001' });
    calls[1]?.resolve();
    await h.tick();
    expect(h.snapshot().context.code).to.equal(STATUS.inboundTalk);
    expect(h.emitted).to.deep.include({ type: 'request.done', id: 'r4', call: selectView(h.snapshot()).call ?? undefined });
    expect(h.emitted.filter((e) => e.type === 'monitor').at(-1)).to.deep.include({ phase: 'end', reason: 'intercepted' });
    expect(acceptsCommand(h.snapshot(), 'call.hold')).to.equal(true);
    h.send({ type: 'sip.call.ended', callId: 'm1', cause: 'BYE', originator: 'remote' });
    expect(h.snapshot().context.code).to.equal(STATUS.afterCall);
  });

  it('commands outside their state get 9001; another call while monitoring gets 486', async () => {
    const { calls, cti } = fakeCti();
    const h = harness({ cti });
    h.send(...READY, { type: 'call.monitorMode', mode: 'barge', id: 'a' }, { type: 'call.intercept', callId: 'z', id: 'b' });
    const refused = h.emitted.filter((e) => e.type === 'request.failed').map((e) => ('error' in e ? e.error.errorCode : 0));
    expect(refused).to.deep.equal([ERROR.stateNotAllowed, ERROR.stateNotAllowed]);
    h.send({ type: 'call.monitor', agent: '1001', mode: 'listen', callId: 'x' });
    calls[0]?.resolve();
    h.send(monitorInvite());
    await h.tick();
    h.send({ type: 'sip.call.confirmed', callId: 'm1' });
    h.send({ type: 'call.hold', id: 'c' }, { type: 'call.dial', callee: '123', callId: 'd', id: 'd' });
    expect(h.emitted.filter((e) => e.type === 'request.failed').map((e) => ('error' in e ? e.error.errorCode : 0))).to.deep.equal([
      ERROR.stateNotAllowed,
      ERROR.stateNotAllowed,
      ERROR.stateNotAllowed,
      ERROR.stateNotAllowed,
    ]);
    h.send({ type: 'sip.call.incoming', callId: 'c2', caller: '138', callee: '1009', remoteName: '', internal: false });
    expect(h.commands).to.deep.include({ type: 'sip.reject', callId: 'c2', code: 486, reason: 'Busy Here' });
    expect(h.snapshot().context.code).to.equal(STATUS.monitoring);
  });

  it('returns to the break it started from', async () => {
    const { calls, cti } = fakeCti();
    const h = harness({ cti });
    await listening(h, calls, [...READY, { type: 'agent.break', reason: 'lunch' }], 'barge');
    expect(h.snapshot().hasTag('barge')).to.equal(true);
    h.send({ type: 'call.hangup', id: 'h' });
    expect(h.commands).to.deep.include({ type: 'sip.terminate', callId: 'm1' });
    h.send({ type: 'sip.call.ended', callId: 'm1', cause: 'BYE', originator: 'local' });
    expect(h.snapshot().context.code).to.equal(STATUS.break);
    expect(h.snapshot().context.breakReason).to.equal('lunch');
  });

  it('a stray monitoring INVITE in ready is refused, not rung as a customer call', () => {
    const h = harness({ cti: fakeCti().cti });
    h.send(...READY, monitorInvite('late'));
    expect(h.commands).to.deep.include({ type: 'sip.reject', callId: 'late', code: 486, reason: 'Busy Here' });
    expect(h.snapshot().context.code).to.equal(STATUS.ready);
  });
});

describe('monitoring statechart: feature codes', () => {
  it('dials *222 + extension, switches mode with DTMF on the same call, ends back in ready', () => {
    const h = harness({ codes: DEFAULT_MONITOR_CODES });
    h.send(...READY, { type: 'call.monitor', agent: '1001', mode: 'listen', callId: 'm1', id: 'r1' });
    expect(codesOf(h)).to.deep.include({ type: 'sip.call', callId: 'm1', target: '*2221001' });
    h.send({ type: 'sip.call.created', callId: 'm1', sipCallId: 's1' });
    expect(h.emitted.some((e) => e.type === 'call.dialing')).to.equal(false);
    h.send({ type: 'sip.call.confirmed', callId: 'm1' });
    expect(h.snapshot().context.monitor).to.deep.equal({ agent: '1001', mode: 'listen', jobId: '', via: 'codes' });
    h.send({ type: 'call.monitorMode', mode: 'whisper', id: 'r2' });
    expect(codesOf(h)).to.deep.include({ type: 'sip.dtmf', callId: 'm1', digits: '5' });
    h.send({ type: 'sip.dtmf.sent', callId: 'm1', tone: '5' });
    expect(h.snapshot().hasTag('whisper')).to.equal(true);
    expect(h.emitted).to.deep.include({ type: 'request.done', id: 'r2' });
    h.send({ type: 'sip.call.ended', callId: 'm1', cause: 'BYE', originator: 'remote' });
    expect(h.snapshot().context.code).to.equal(STATUS.ready);
  });

  it('a 403 from the PBX: 7008 with sipCode 403, no call events, back to ready', () => {
    const h = harness({ codes: DEFAULT_MONITOR_CODES });
    h.send(...READY, { type: 'call.monitor', agent: '1001', mode: 'barge', callId: 'm1', id: 'r1' });
    expect(codesOf(h)).to.deep.include({ type: 'sip.call', callId: 'm1', target: '*2241001' });
    h.send({ type: 'sip.call.failed', callId: 'm1', cause: 'Forbidden', sipCode: 403 });
    const failed = h.emitted.find((e) => e.type === 'request.failed');
    expect(failed && 'error' in failed ? failed.error : null).to.deep.include({ errorCode: ERROR.monitorFailed, sipCode: 403 });
    expect(h.emitted.filter((e) => e.type === 'error')).to.have.length(1);
    expect(h.emitted.some((e) => e.type === 'call.released' || e.type === 'call.hangup')).to.equal(false);
    expect(h.snapshot().context.code).to.equal(STATUS.ready);
  });

  it('intercept: the monitoring call ends, the intercept code is dialled and becomes the call', () => {
    const h = harness({ codes: { ...DEFAULT_MONITOR_CODES, intercept: '*9' } });
    h.send(...READY, { type: 'call.monitor', agent: '1001', mode: 'listen', callId: 'm1' }, { type: 'sip.call.confirmed', callId: 'm1' });
    h.send({ type: 'call.intercept', callId: 'i1', id: 'r5' });
    expect(codesOf(h)).to.deep.include({ type: 'sip.terminate', callId: 'm1' });
    h.send({ type: 'sip.call.ended', callId: 'm1', cause: 'BYE', originator: 'local' });
    const dial = codesOf(h).find((c) => c.type === 'sip.call' && c.target === '*91001');
    expect(dial).to.not.equal(undefined);
    expect(h.snapshot().context.code).to.equal(STATUS.dialing);
    h.send({ type: 'sip.call.confirmed', callId: dial && 'callId' in dial ? dial.callId : '' });
    expect(h.snapshot().context.code).to.equal(STATUS.outboundTalk);
    expect(h.emitted.some((e) => e.type === 'request.done' && e.id === 'r5')).to.equal(true);
  });
});

describe('X-CC-Monitor header', () => {
  it('reads mode, job and agent; refuses other modes', () => {
    expect(parseMonitorHeader('whisper;job=J-1;agent=1001')).to.deep.equal({ mode: 'whisper', jobId: 'J-1', agent: '1001' });
    expect(parseMonitorHeader('intercept;job=J')).to.equal(null);
    expect(parseMonitorHeader('')).to.equal(null);
  });
});
