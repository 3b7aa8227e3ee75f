/**
 * Supervisor monitoring against the dev call center, with real media: the customer sends 440 Hz
 * (the simulated customer's tone), the agent's microphone is 1200 Hz and the supervisor's
 * 1800 Hz; each party's received audio is analysed to prove who hears whom in each mode.
 */
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import type { CcError } from '../../src/errors.js';
import { MediaProbe, sleep, waitFor } from '../support/e2e.js';
import { centerEnv, centerUser, cti, ctiHeaders, customers, mountCtiAgent } from '../support/center.js';
import type { CustomerView } from '../support/center.js';
import '../../src/supervisor.js';
import type { SupervisorPhone } from '../../src/supervisor.js';
import type { CcAgentBoard } from '../../elements/agent-board/agent-board.js';
import { button } from '../elements/helpers.js';
import { HEARD, SILENT, heardShares, installToneMicrophone, setTone, untilHeard } from '../support/tones.js';

const CUSTOMER = 440;
const AGENT = 1200;
const SUPERVISOR = 1800;
const ALL = [CUSTOMER, AGENT, SUPERVISOR];

let probe: MediaProbe;
const mounted: HTMLElement[] = [];
const events: CustomEvent[] = [];

async function agentOnCall(from: string): Promise<{ agent: CcWorkbench; customer: CustomerView; agentPc: RTCPeerConnection }> {
  setTone(AGENT);
  const agent = await mountCtiAgent('1001', {}, (el) => mounted.push(el));
  const before = probe.connections.length;
  const placed = await customers.place(from, 'sales');
  await waitFor(() => agent.getStatusCode().code === STATUS.ringing, '1001 ringing', 15_000);
  await agent.answer();
  const customer = await customers.until(placed.id, (c) => c.state === 'talking', 'talking');
  const agentPc = probe.connections[before] as RTCPeerConnection;
  return { agent, customer, agentPc };
}

/**
 * The supervisor's workbench: registered, not logged in to any queue; `supervisor` loads
 * monitoring. `viaCti` false: no CTI API, so it monitors by the default feature codes.
 */
async function supervisor(user = '1009', viaCti = true): Promise<CcWorkbench> {
  setTone(SUPERVISOR);
  const account = centerUser(user);
  const el = document.createElement('cc-workbench') as CcWorkbench;
  for (const type of ['cc-monitor-start', 'cc-monitor-change', 'cc-monitor-end', 'cc-error']) el.addEventListener(type, (e) => events.push(e as CustomEvent));
  el.password = account.password;
  if (viaCti) el.ctiHeaders = await ctiHeaders(user);
  const all: Record<string, string> = { lang: 'en', supervisor: '', ...(viaCti ? { cti: centerEnv().cti } : {}), server: centerEnv().wsUrl, 'sip-uri': account.uri };
  for (const [k, v] of Object.entries(all)) el.setAttribute(k, v);
  document.body.append(el);
  mounted.push(el);
  await el.register();
  return el;
}

/** What the customer heard in the last 1.5 s, as shares of the three tones. */
async function customerHears(id: string): Promise<Record<string, number>> {
  const response = await fetch(`/api/customers/${encodeURIComponent(id)}?lastMs=1500&tones=${AGENT},${SUPERVISOR}`);
  const body = (await response.json()) as CustomerView;
  return body.audio?.received.analysis.tones ?? {};
}

const live = (pc: RTCPeerConnection) => pc.connectionState !== 'closed';

// Every test: tone microphones; afterwards no call, no live microphone, no open peer connection.
beforeEach(() => {
  probe = new MediaProbe().install();
  installToneMicrophone(probe);
  events.length = 0;
});

afterEach(async () => {
  await customers.hangUpAll();
  for (const el of mounted.splice(0)) el.remove();
  await sleep(600);
  expect(probe.liveTracks().length, 'microphone tracks left live').to.equal(0);
  expect(probe.connections.filter(live).length, 'peer connections left open').to.equal(0);
  probe.uninstall();
});

describe('supervisor monitoring through the CTI API (dev call center, real media)', () => {
  it('listen, whisper, barge on one call, then intercept: each party hears exactly what the mode allows', async () => {
    const { agent, customer, agentPc } = await agentOnCall('13800000021');
    const sup = await supervisor();
    const before = probe.connections.length;
    const info = await sup.monitor('1001', 'listen');
    expect(info).to.include({ agent: '1001', mode: 'listen', via: 'cti' });
    expect(sup.getStatusCode().code).to.equal(STATUS.monitoring);
    expect(events.filter((e) => e.type === 'cc-monitor-start').map((e) => e.detail.mode)).to.deep.equal(['listen']);
    const supPc = probe.connections[before] as RTCPeerConnection;

    // listen: the supervisor hears customer and agent; nobody hears the supervisor.
    await untilHeard(() => heardShares(supPc, ALL), (s) => s[CUSTOMER]! > HEARD && s[AGENT]! > HEARD, 'supervisor hears customer and agent');
    await untilHeard(() => customerHears(customer.id), (t) => (t[String(SUPERVISOR)] ?? 1) < SILENT, 'customer does not hear the supervisor');
    await untilHeard(() => heardShares(agentPc, ALL), (s) => s[SUPERVISOR]! < SILENT && s[CUSTOMER]! > HEARD, 'agent hears the customer, not the supervisor');

    // whisper: the agent hears the supervisor, the customer does not; same SIP call.
    await sup.changeMonitorMode('whisper');
    expect(events.at(-1)!.type).to.equal('cc-monitor-change');
    expect(events.at(-1)!.detail.mode).to.equal('whisper');
    await untilHeard(() => heardShares(agentPc, ALL), (s) => s[SUPERVISOR]! > HEARD, 'agent hears the supervisor');
    await untilHeard(() => customerHears(customer.id), (t) => (t[String(SUPERVISOR)] ?? 1) < SILENT, 'customer still does not hear the supervisor');

    // barge: everyone hears everyone.
    await sup.changeMonitorMode('barge');
    await untilHeard(() => customerHears(customer.id), (t) => (t[String(SUPERVISOR)] ?? 0) > HEARD && (t[String(AGENT)] ?? 0) > HEARD, 'customer hears supervisor and agent');
    await untilHeard(() => heardShares(agentPc, ALL), (s) => s[SUPERVISOR]! > HEARD && s[CUSTOMER]! > HEARD, 'agent hears supervisor and customer');
    await untilHeard(() => heardShares(supPc, ALL), (s) => s[CUSTOMER]! > HEARD && s[AGENT]! > HEARD, 'supervisor hears both');
    expect(probe.connections.length - before, 'one monitoring call for all three modes').to.equal(1);

    // intercept: the agent's leg ends (after-call work), customer and supervisor hear each other.
    const call = await sup.intercept();
    expect(call.callId).to.be.a('string');
    await waitFor(() => agent.getStatusCode().code === STATUS.afterCall, 'agent in after-call work');
    expect(sup.getStatusCode().code).to.equal(STATUS.inboundTalk);
    expect(events.filter((e) => e.type === 'cc-monitor-end').map((e) => e.detail.reason)).to.deep.equal(['intercepted']);
    await untilHeard(() => heardShares(supPc, ALL), (s) => s[CUSTOMER]! > HEARD && s[AGENT]! < SILENT, 'supervisor hears the customer only');
    await untilHeard(() => customerHears(customer.id), (t) => (t[String(SUPERVISOR)] ?? 0) > HEARD && (t[String(AGENT)] ?? 1) < SILENT, 'customer hears the supervisor only');
    expect(live(agentPc)).to.equal(false);
    await sup.hangUp();
    await customers.until(customer.id, (c) => c.state === 'ended', 'customer call ended');
    expect(sup.getStatusCode().code).to.equal(STATUS.afterCall);
  });

  it('the customer hanging up ends the monitoring cleanly; a later intercept is refused', async () => {
    const { agent, customer } = await agentOnCall('13800000022');
    const sup = await supervisor();
    await sup.monitor('1001', 'listen');
    await customers.hangUp(customer.id);
    await waitFor(() => sup.getStatusCode().code === STATUS.offline, 'supervisor back to where it started (offline, 1)');
    expect(events.filter((e) => e.type === 'cc-monitor-end')).to.have.length(1);
    await waitFor(() => agent.getStatusCode().code === STATUS.afterCall, 'agent in after-call work');
    const refused = (await sup.intercept().catch((e: CcError) => e)) as CcError;
    expect(refused.errorCode).to.equal(ERROR.stateNotAllowed);
    // And the call center itself refuses an intercept of a call that is gone.
    const direct = await cti('InterceptCall', { UserId: '1009', InterceptedUserId: '1001' }).catch((e: Error) => e);
    expect(String(direct)).to.match(/InvalidState|NotExists|AgentNotTalking/);
  });

  it('the agent hanging up ends the monitoring cleanly, the supervisor back where it started', async () => {
    const { agent, customer } = await agentOnCall('13800000027');
    const sup = await supervisor();
    await sup.monitor('1001', 'whisper');
    await agent.hangUp();
    await waitFor(() => sup.getStatusCode().code === STATUS.offline, 'supervisor back to offline (1)');
    expect(events.filter((e) => e.type === 'cc-monitor-end')).to.have.length(1);
    expect(agent.getStatusCode().code).to.equal(STATUS.afterCall);
    await customers.until(customer.id, (c) => c.state === 'ended', 'customer call ended');
  });

  it('refuses: monitoring an agent who is not in a call, and an agent without the supervisor role (hears nothing)', async () => {
    setTone(AGENT);
    await mountCtiAgent('1001', {}, (el) => mounted.push(el));
    const sup = await supervisor();
    const before = probe.connections.length;
    const notTalking = (await sup.monitor('1001', 'listen').catch((e: CcError) => e)) as CcError;
    expect(notTalking.errorCode).to.equal(ERROR.monitorFailed);
    expect(notTalking.errorMsg).to.match(/AgentNotTalking|not talking|not in a call/i);
    expect(sup.getStatusCode().code).to.equal(STATUS.offline);

    // 1002 is an agent: the same API is refused with 403, and no call reaches it.
    const customer = await customers.place('13800000023', 'sales');
    await waitFor(() => (mounted[0] as CcWorkbench).getStatusCode().code === STATUS.ringing, '1001 ringing', 15_000);
    await (mounted[0] as CcWorkbench).answer();
    await customers.until(customer.id, (c) => c.state === 'talking', 'talking');
    const intruder = await supervisor('1002');
    const forbidden = (await intruder.monitor('1001', 'listen').catch((e: CcError) => e)) as CcError;
    expect(forbidden.errorCode).to.equal(ERROR.monitorFailed);
    expect(forbidden.apiCode).to.match(/Forbidden/);
    await sleep(1500);
    expect(probe.connections.length - before, 'only the agent call has a peer connection').to.equal(1);
    expect(intruder.getStatusCode().code).to.equal(STATUS.offline);
  });
});

describe('supervisor monitoring by SIP feature codes (dev call center, real media)', () => {

  it('*222 + extension listens; DTMF 6 barges on the same call; *225 intercepts', async () => {
    const { agent, customer, agentPc } = await agentOnCall('13800000024');
    const sup = await supervisor('1009', false);
    const before = probe.connections.length;
    const info = await sup.monitor('1001', 'listen');
    expect(info).to.include({ agent: '1001', mode: 'listen', via: 'codes' });
    const supPc = probe.connections[before] as RTCPeerConnection;
    await untilHeard(() => heardShares(supPc, ALL), (s) => s[CUSTOMER]! > HEARD && s[AGENT]! > HEARD, 'supervisor hears customer and agent');
    await untilHeard(() => customerHears(customer.id), (t) => (t[String(SUPERVISOR)] ?? 1) < SILENT, 'customer does not hear the supervisor');
    await sup.changeMonitorMode('whisper');
    await untilHeard(() => heardShares(agentPc, ALL), (s) => s[SUPERVISOR]! > HEARD, 'agent hears the whisper');
    await untilHeard(() => customerHears(customer.id), (t) => (t[String(SUPERVISOR)] ?? 1) < SILENT, 'customer does not hear the whisper');
    await sup.changeMonitorMode('barge');
    await untilHeard(() => customerHears(customer.id), (t) => (t[String(SUPERVISOR)] ?? 0) > HEARD, 'customer hears the barging supervisor');
    expect(probe.connections.length - before, 'one call for the three modes').to.equal(1);
    await sup.intercept();
    await waitFor(() => agent.getStatusCode().code === STATUS.afterCall, 'agent in after-call work');
    expect(sup.getStatusCode().code).to.equal(STATUS.outboundTalk);
    const interceptPc = probe.connections.at(-1) as RTCPeerConnection;
    await untilHeard(() => heardShares(interceptPc, ALL), (s) => s[CUSTOMER]! > HEARD && s[AGENT]! < SILENT, 'supervisor talks with the customer');
    await untilHeard(() => customerHears(customer.id), (t) => (t[String(SUPERVISOR)] ?? 0) > HEARD && (t[String(AGENT)] ?? 1) < SILENT, 'customer hears the supervisor only');
    await sup.hangUp();
    await customers.until(customer.id, (c) => c.state === 'ended', 'customer call ended');
  });

  it('an agent dialling a monitor code gets 403 and hears nothing', async () => {
    await agentOnCall('13800000025');
    const intruder = await supervisor('1002', false);
    const before = probe.connections.length;
    const refused = (await intruder.monitor('1001', 'listen').catch((e: CcError) => e)) as CcError;
    expect(refused.errorCode).to.equal(ERROR.monitorFailed);
    expect(refused.sipCode).to.equal(403);
    const pc = probe.connections[before];
    // The INVITE had an offer (one peer connection) but no answer: no audio ever arrived.
    expect(pc?.remoteDescription ?? null).to.equal(null);
    expect(intruder.getStatusCode().code).to.equal(STATUS.offline);
  });
});

/** Clicks the board's button once it is there and not busy (a request of the same kind still running disables it). */
async function press(board: HTMLElement, name: string): Promise<void> {
  const ready = await waitFor(() => {
    try {
      const b = button(board, name);
      return b.getAttribute('aria-disabled') === 'true' ? null : b;
    } catch {
      return null;
    }
  }, `the board's "${name}" button`, 10_000);
  ready.click();
}

describe('the supervisor board drives the floor (dev call center, pushed events)', () => {
  it('Listen from the board monitors; Force break / Make ready reach the agent at once (NOTIFY), with a notice', async () => {
    const { agent, customer } = await agentOnCall('13800000026');
    const warnings: CustomEvent[] = [];
    agent.addEventListener('cc-warning', (e) => warnings.push(e as CustomEvent));
    const sup = await supervisor();
    const board = document.createElement('cc-agent-board') as CcAgentBoard;
    board.setAttribute('lang', 'en');
    board.eventsHeaders = await ctiHeaders('1009');
    board.setAttribute('events', '/api/events');
    // The `supervisor` attribute made it a SupervisorPhone.
    board.phone = sup.phone as SupervisorPhone | null;
    document.body.append(board);
    mounted.push(board);
    await press(board, 'Listen to Alice (1001)');
    await waitFor(() => sup.getStatusCode().code === STATUS.monitoring, 'supervisor monitoring');
    await waitFor(() => button(board, 'Whisper to Alice (1001)').getAttribute('aria-pressed') === 'false' && button(board, 'Listen to Alice (1001)').getAttribute('aria-pressed') === 'true', 'Listen pressed');
    await press(board, 'Stop monitoring Alice (1001)');
    await waitFor(() => sup.getStatusCode().code === STATUS.offline, 'monitoring stopped');
    await customers.hangUp(customer.id);
    await waitFor(() => agent.getStatusCode().code === STATUS.afterCall, 'agent in after-call work');
    await agent.ready();
    await press(board, 'Force break for Alice (1001)');
    await waitFor(() => agent.getStatusCode().code === STATUS.break, "the agent's workbench on break", 10_000);
    expect(warnings.at(-1)?.detail.code).to.equal('state-forced');
    expect(agent.shadowRoot?.textContent ?? '').to.include('Your supervisor changed your status.');
    await press(board, 'Make Alice (1001) ready');
    await waitFor(() => agent.getStatusCode().code === STATUS.ready, "the agent's workbench ready again", 10_000);
  });
});
