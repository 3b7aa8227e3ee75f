import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { STATUS } from '../../machines/agent-types.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { MediaProbe, packetsGrow, rtpCounters, sleep, waitFor } from '../support/e2e.js';
import { cti, customers, mountCtiAgent, queue, serverState } from '../support/center.js';
import type { CustomerView } from '../support/center.js';
import { EVENT_TYPES } from '../elements/helpers.js';

interface Agent {
  el: CcWorkbench;
  id: string;
  events: CustomEvent[];
  of(type: string): CustomEvent[];
  code(): number;
  /** The agent's own peer connections, from its answers (several workbenches share one page). */
  readonly connections: RTCPeerConnection[];
}

const mounted: HTMLElement[] = [];
let probe: MediaProbe | null = null;

/** A workbench in CTI mode against the dev call center, registered and logged in. */
async function readyAgent(id: string, attrs: Record<string, string> = {}): Promise<Agent> {
  const events: CustomEvent[] = [];
  const el = await mountCtiAgent(id, attrs, (el) => {
    mounted.push(el);
    for (const type of EVENT_TYPES) el.addEventListener(type, (e) => events.push(e as CustomEvent));
  });
  return { el, id, events, of: (type) => events.filter((e) => e.type === type), code: () => el.getStatusCode().code, connections: [] };
}

/** Answers for `agent` and records the peer connection its answer created (JsSIP makes it then). */
async function answer(agent: Agent): Promise<void> {
  const before = probe!.connections.length;
  await agent.el.answer();
  agent.connections.push(...probe!.connections.slice(before));
}

/** A customer calls `queueId`; `agent` rings (caller shown from P-Asserted-Identity) and answers. */
async function connectFromQueue(agent: Agent, from: string, queueId = 'sales'): Promise<CustomerView> {
  const customer = await customers.place(from, queueId);
  await customers.until(customer.id, (c) => c.state === 'queued' || c.state === 'talking', 'queued (182) with queue audio');
  await waitFor(() => agent.code() === STATUS.ringing, `${agent.id} ringing`, 15_000);
  expect(agent.of('cc-call-incoming').at(-1)!.detail.caller).to.equal(from);
  await answer(agent);
  expect(agent.code()).to.equal(STATUS.inboundTalk);
  return customers.until(customer.id, (c) => c.state === 'talking', 'talking');
}

/**
 * 1001 talks to a customer of the sales queue while 1002 is on break (so the queue offers the
 * call to 1001 only); then 1002 is ready again, to take a transfer.
 */
async function aliceOnCallBobReady(from: string): Promise<{ alice: Agent; bob: Agent; customer: CustomerView }> {
  const bob = await readyAgent('1002');
  await bob.el.applyForBreak('meeting');
  const alice = await readyAgent('1001');
  const customer = await connectFromQueue(alice, from);
  await bob.el.ready();
  await waitFor(async () => (await serverState('1002')) === 'Ready', '1002 ready');
  return { alice, bob, customer };
}

/** The customer hears the agent's fake microphone: Chromium's 400 Hz beep. */
async function customerHearsAgent(id: string): Promise<CustomerView> {
  return waitFor(async () => {
    const c = await customers.get(id, 2000);
    const f = c.audio?.received.analysis.dominantFrequencyHz ?? 0;
    return Math.abs(f - 400) <= 15 && (c.audio?.received.voicedPackets ?? 0) > 20 ? c : null;
  }, `customer ${id} hears the agent's 400 Hz microphone`, 10_000, 300);
}

describe('<cc-workbench> against the dev call center (queues, CTI, simulated customers)', () => {
  beforeEach(() => {
    probe = new MediaProbe().install();
  });

  afterEach(async () => {
    await customers.hangUpAll();
    for (const el of mounted.splice(0)) el.remove();
    await sleep(500);
    expect(probe!.liveTracks().length, 'microphone tracks left live').to.equal(0);
    probe!.uninstall();
    probe = null;
  });

  it('takes a sales call: rings, two-way audio, hold and DTMF seen by the customer, hang-up, after-call work, ready through CTI', async () => {
    const agent = await readyAgent('1001', { 'after-call': '2' });
    const customer = await connectFromQueue(agent, '13800000001');
    // Audio both ways: the agent's getStats and the customer's recording of the agent's microphone.
    await packetsGrow(agent.connections.at(-1), 'agent hears the customer');
    await customerHearsAgent(customer.id);
    // Hold: the call center holds the customer's leg, so the customer sees it; then resume.
    await agent.el.hold();
    expect(agent.code()).to.equal(STATUS.hold);
    await customers.until(customer.id, (c) => c.held && c.heldBy !== 'local', 'held by the other side');
    await agent.el.retrieve();
    await customers.until(customer.id, (c) => !c.held && c.holdCount >= 1, 'resumed');
    // DTMF from the workbench (RFC 4733) reaches the customer through the queue's bridge.
    await agent.el.sendDtmf('19#');
    await customers.until(customer.id, (c) => c.dtmfReceived.includes('19#'), 'DTMF 19# received', 15_000);
    // Hang-up by the agent: the customer's call ends; after-call work; ready again through CTI.
    await agent.el.hangUp();
    expect(agent.code()).to.equal(STATUS.afterCall);
    expect(agent.of('cc-call-hangup').at(-1)!.detail.type).to.equal('inbound');
    await customers.until(customer.id, (c) => c.state === 'ended', 'call ended for the customer');
    await waitFor(() => agent.code() === STATUS.ready, 'ready after 2 s of after-call work', 10_000);
    await waitFor(async () => (await serverState('1001')) === 'Ready', 'ready at the call center');
    // The call is in the agent's call detail records.
    const records = await cti<{ List: { CallingNumber: string; ContactType: string; CallDuration: number }[] }>('ListRecentCallDetailRecords', { UserId: '1001' });
    expect(records.List.some((r) => r.CallingNumber === '13800000001' && r.ContactType === 'Inbound')).to.equal(true);
  });

  it('keeps a second caller waiting while the only agent is busy and offers it once the agent is ready', async () => {
    const agent = await readyAgent('1001');
    const first = await connectFromQueue(agent, '13800000002');
    const second = await customers.place('13800000003', 'sales');
    await customers.until(second.id, (c) => c.state === 'queued', 'second caller queued');
    await sleep(2000);
    expect((await customers.get(second.id)).state).to.equal('queued');
    expect(agent.of('cc-call-incoming')).to.have.length(1);
    expect((await queue('sales')).waiting).to.equal(1);
    await customers.hangUp(first.id);
    await waitFor(() => agent.code() === STATUS.afterCall, 'after-call work (manual)');
    await sleep(1500);
    expect(agent.code(), 'not offered during after-call work').to.equal(STATUS.afterCall);
    await agent.el.ready();
    await waitFor(() => agent.code() === STATUS.ringing, 'the waiting caller is offered once ready', 15_000);
    expect(agent.of('cc-call-incoming').at(-1)!.detail.caller).to.equal('13800000003');
    await answer(agent);
    await customers.until(second.id, (c) => c.state === 'talking', 'second caller talking');
    expect((await queue('sales')).waiting).to.equal(0);
  });

  it('never offers a call to an agent on break', async () => {
    const agent = await readyAgent('1001');
    await agent.el.applyForBreak('lunch');
    expect(agent.code()).to.equal(STATUS.break);
    await waitFor(async () => (await serverState('1001')) === 'Break', 'on break at the call center');
    const customer = await customers.place('13800000004', 'sales');
    await customers.until(customer.id, (c) => c.state === 'queued', 'queued');
    await sleep(3000);
    expect(agent.of('cc-call-incoming'), 'no call offered on break').to.have.length(0);
    expect(agent.code()).to.equal(STATUS.break);
    // The caller was kept, not lost: ready again, and it rings.
    await agent.el.ready();
    await waitFor(() => agent.code() === STATUS.ringing, 'rings once ready', 15_000);
    await answer(agent);
    await customers.until(customer.id, (c) => c.state === 'talking', 'talking');
  });

  it('blind-transfers a sales call from agent 1001 to agent 1002', async () => {
    const { alice, bob, customer } = await aliceOnCallBobReady('13800000005');
    // The transfer settles when the target answers, so it is awaited after 1002 answers.
    const transferring = alice.el.transfer('1002');
    await waitFor(() => bob.code() === STATUS.ringing, '1002 rings with the transferred call', 15_000);
    expect(bob.of('cc-call-incoming').at(-1)!.detail.caller).to.equal('13800000005');
    await answer(bob);
    await transferring;
    expect(alice.code()).to.equal(STATUS.afterCall);
    await packetsGrow(bob.connections.at(-1), '1002 hears the customer');
    const heard = await customerHearsAgent(customer.id);
    expect(heard.state).to.equal('talking');
  });

  it('consults agent 1002, then completes the transfer: 1002 talks to the customer', async () => {
    const { alice, bob, customer } = await aliceOnCallBobReady('13800000001');
    const consulting = alice.el.consult('1002');
    await waitFor(() => bob.code() === STATUS.ringing, '1002 rings with the consult call', 15_000);
    await answer(bob);
    await consulting;
    expect(alice.code()).to.equal(STATUS.consultTalking);
    expect(bob.code()).to.equal(STATUS.internalTalk);
    await customers.until(customer.id, (c) => c.held, 'customer held during the consultation');
    await alice.el.completeTransfer();
    await waitFor(() => alice.code() === STATUS.afterCall, '1001 released', 15_000);
    await waitFor(() => bob.code() === STATUS.inboundTalk, '1002 talks to the customer (status 9)', 15_000);
    expect(bob.of('cc-call-established').at(-1)!.detail.caller).to.equal('13800000001');
    await customers.until(customer.id, (c) => c.state === 'talking' && !c.held, 'customer resumed with 1002');
    // The INVITE with Replaces brought 1002 a new peer connection, created by its automatic answer.
    const bobPc = probe!.openConnections().at(-1);
    await packetsGrow(bobPc, '1002 hears the customer');
    const counters = await rtpCounters(bobPc);
    expect(counters.sent).to.be.greaterThan(0);
    await customerHearsAgent(customer.id);
  });

  it('dials for the CRM through the CTI API: MakeCall rings the softphone, which answers by itself, then the customer; HoldCall, RetrieveCall, ReleaseCall over HTTP', async () => {
    const agent = await readyAgent('1001', { 'accept-auto-answer': '' });
    const made = await cti<{ CallContext: { JobId: string; CallType: string } }>('MakeCall', { UserId: '1001', Callee: '13900000011' });
    const jobId = made.CallContext.JobId;
    expect(jobId).to.be.a('string').and.not.equal('');
    expect(made.CallContext.CallType).to.equal('OUTBOUND');
    // The call center calls the agent's softphone first (Call-Info answer-after=0), naming the
    // customer; with accept-auto-answer it answers without a click, then the customer is dialled.
    await waitFor(() => agent.code() === STATUS.inboundTalk, 'the softphone answered the call center by itself', 10_000);
    expect(agent.of('cc-call-incoming').at(-1)!.detail.caller).to.equal('13900000011');
    expect(agent.of('cc-call-incoming').at(-1)!.detail.jobId, 'the job id MakeCall answered, from X-CC-Job-Id').to.equal(jobId);
    const customer = await customers.find((c) => c.direction === 'incoming' && c.to === '13900000011' && c.state === 'talking', 'the dialled customer answers');
    await packetsGrow(probe!.openConnections().at(-1), 'agent hears the customer');
    await customerHearsAgent(customer.id);
    // The CRM holds and resumes the customer through the API; the customer's leg sees it.
    await cti('HoldCall', { UserId: '1001', JobId: jobId });
    await customers.until(customer.id, (c) => c.held && c.heldBy !== 'local', 'held by the call center');
    await cti('RetrieveCall', { UserId: '1001', JobId: jobId });
    await customers.until(customer.id, (c) => !c.held && c.holdCount >= 1, 'resumed');
    // Released through the API: both legs end; the workbench goes to after-call work.
    await cti('ReleaseCall', { UserId: '1001', JobId: jobId });
    await customers.until(customer.id, (c) => c.state === 'ended', 'ended for the customer');
    await waitFor(() => agent.code() === STATUS.afterCall, 'after-call work once the call center hangs up', 10_000);
    expect(agent.of('cc-call-hangup').at(-1)!.detail.type).to.equal('inbound');
    // The job is gone: a second release is refused with a reason.
    const refused = await cti('ReleaseCall', { UserId: '1001', JobId: jobId }).then(() => '', (e: Error) => e.message);
    expect(refused).to.match(/^ReleaseCall: \S+/);
  });

  it('blind-transfers through the CTI API: BlindTransfer hands the customer from 1001 to 1002', async () => {
    const { alice, bob, customer } = await aliceOnCallBobReady('13800000006');
    // The call center's id for the call came with the INVITE (X-CC-Job-Id -> detail.jobId).
    const jobId = alice.of('cc-call-incoming').at(-1)!.detail.jobId as string;
    expect(jobId).to.match(/^job-/);
    await cti('BlindTransfer', { UserId: '1001', JobId: jobId, Transferee: '1002' });
    await waitFor(() => bob.code() === STATUS.ringing, '1002 rings with the transferred call', 15_000);
    expect(bob.of('cc-call-incoming').at(-1)!.detail.caller).to.equal('13800000006');
    await answer(bob);
    await waitFor(() => alice.code() === STATUS.afterCall, '1001 released once 1002 answers', 15_000);
    await packetsGrow(bob.connections.at(-1), '1002 hears the customer');
    const heard = await customerHearsAgent(customer.id);
    expect(heard.state).to.equal('talking');
  });
});
