import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { CcWarningInfo } from '../../machines/agent-types.js';
import { createPhone } from '../../src/phone.js';
import type { Phone } from '../../src/phone.js';
import { packetsGrow, rtpCounters, sipEnv, sleep, testUser, waitFor } from '../support/e2e.js';
import { cleanUp, connectInbound, probe, readyAgent, startProbe } from '../support/e2e-agents.js';
import type { Agent } from '../support/e2e-agents.js';

/** The text of the element's banner (part "error" or "notice"), '' when none. */
function banner(agent: Agent): string {
  return agent.el.shadowRoot?.querySelector('[part="error"], [part="notice"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

const warnings = (agent: Agent): string[] => agent.of('cc-warning').map((e) => (e.detail as CcWarningInfo).code);

describe('never drop a call: recovery through Kamailio', () => {
  beforeEach(startProbe);
  afterEach(async () => {
    await executeServerCommand('udp-block', { on: false });
    await cleanUp();
  });

  it("the customer's BYE reaches the agent after the server closed the agent's WebSocket mid-call", async () => {
    const agent = await readyAgent('1001');
    const { call } = await connectInbound(agent);
    const pc = probe!.latest();
    await executeServerCommand('sip-ws-close', { user: '1001' });
    await waitFor(() => agent.of('cc-error').some((e) => (e.detail as { errorCode: number }).errorCode === ERROR.connectionLost), 'connection-lost error');
    expect(banner(agent)).to.contain('Connection lost, reconnecting');
    expect(agent.code(), 'the call goes on').to.equal(STATUS.inboundTalk);
    await packetsGrow(pc, 'audio keeps flowing without signalling');
    // JsSIP reconnects after 2-3 s (randomised backoff), registers again, and the workbench
    // re-INVITEs the customer over the new connection.
    await waitFor(() => agent.of('cc-registered').length === 2, 'registered again', 15_000);
    await waitFor(() => call.events.includes('reinvite'), 'the customer received the target refresh', 10_000);
    expect(banner(agent)).to.contain('Connection restored');
    await packetsGrow(pc, 'audio after the refresh');
    const hungUpAt = performance.now();
    call.session.terminate();
    await waitFor(() => agent.code() === STATUS.afterCall, "the customer's hang-up reached the agent", 5000);
    await executeServerCommand('figure', { text: `ws.close mid-call: the customer's BYE ended the agent's call ${Math.round(performance.now() - hungUpAt)} ms after the hang-up` });
    const released = agent.of('cc-call-released').at(-1)?.detail as { cause: string };
    expect(released.cause).to.not.contain('no audio');
  });

  it('keeps the call through a SIP server restart; hold, resume and the far end hang-up work afterwards', async () => {
    // Both parties lose their connection here, so the customer is a phone of ours too (each side
    // refreshes its dialog; a media gateway on UDP keeps its address and needs none).
    const agent = await readyAgent('1001');
    const customer: Phone = createPhone({ server: sipEnv().wsUrl, sipUri: testUser('13800000001').uri, password: testUser('13800000001').password, afterCall: 0 });
    try {
      await customer.register();
      await customer.logIn();
      const dialing = customer.call('1001');
      await waitFor(() => agent.code() === STATUS.ringing, 'agent ringing');
      await agent.el.answer();
      await dialing;
      // The customer's connection came first (its offer), the agent's with the answer.
      const agentPc = probe!.latest();
      const pcs = probe!.connections.slice(-2);
      await packetsGrow(probe!.latest(), 'audio before the restart');
      await executeServerCommand('sip-server-restart');
      await waitFor(() => agent.of('cc-registered').length === 2, 'agent registered again', 20_000);
      for (const pc of pcs) await packetsGrow(pc, 'audio through the restart');
      expect(agent.code()).to.equal(STATUS.inboundTalk);
      // Hold goes to the customer over both new connections once both refreshed their dialog.
      await waitFor(async () => agent.el.hold().then(() => true, () => false), 'hold accepted after the restart', 20_000, 1000);
      expect(agent.code()).to.equal(STATUS.hold);
      await agent.el.retrieve();
      expect(agent.code()).to.equal(STATUS.inboundTalk);
      await packetsGrow(agentPc, 'audio after resume');
      await customer.hangUp();
      await waitFor(() => agent.code() === STATUS.afterCall, "the customer's hang-up reached the agent", 5000);
    } finally {
      customer.destroy();
    }
  });

  it('restarts ICE when the media path goes away and hears the customer within 3 s of its return', async () => {
    const agent = await readyAgent('1001');
    const { call } = await connectInbound(agent);
    const pc = probe!.latest()!;
    await executeServerCommand('udp-block', { on: true });
    await waitFor(() => warnings(agent).includes('media-interrupted'), 'media-interrupted warning', 10_000);
    expect(banner(agent)).to.contain('No audio from the other party');
    // The workbench restarted ICE (a re-INVITE with new credentials) while the path was gone.
    await waitFor(() => call.events.includes('reinvite'), 'an ICE-restart re-INVITE at the customer', 10_000);
    expect(agent.code()).to.equal(STATUS.inboundTalk);
    await sleep(2000);
    const before = (await rtpCounters(pc)).received;
    await executeServerCommand('udp-block', { on: false });
    const back = performance.now();
    await waitFor(async () => (await rtpCounters(pc)).received > before + 10, 'audio again after the path came back', 3000);
    const seconds = (performance.now() - back) / 1000;
    await executeServerCommand('figure', { text: `ICE restart: audio back ${seconds.toFixed(2)} s after the media path returned` });
    expect(seconds).to.be.below(3);
    await waitFor(() => warnings(agent).includes('media-restored'), 'media-restored warning', 5000);
    expect(banner(agent)).to.not.contain('No audio');
    await packetsGrow(call.session.connection, 'the customer hears the agent again');
    await agent.el.hangUp();
  });

  it('ends a call whose audio stayed away for 30 s with error 7007 instead of keeping it forever', async function () {
    this.timeout(90_000);
    const agent = await readyAgent('1001');
    const { call } = await connectInbound(agent);
    await executeServerCommand('udp-block', { on: true });
    await waitFor(() => agent.code() === STATUS.afterCall, 'the call ended by the media watchdog', 45_000, 250);
    const error = agent.of('cc-error').at(-1)?.detail as { errorCode: number; errorMsg: string };
    expect(error.errorCode).to.equal(ERROR.mediaLost);
    expect(error.errorMsg).to.contain('no audio for 30 s');
    const released = agent.of('cc-call-released').at(-1)?.detail as { cause: string };
    expect(released.cause).to.contain('no audio for 30 s');
    // The BYE went over SIP (TCP), so the customer's call ended too.
    const ended = await call.ended;
    expect(ended.originator).to.equal('remote');
  });

  it('warns and registers again at once after its tab was frozen, and stays ready', async function () {
    this.timeout(60_000);
    const account = testUser('1002');
    const { before, after } = await executeServerCommand<
      { before: number; after: { warnings: string[]; registers: number; statuses: number[]; code: number; banner: string } },
      { agent: { server: string; sipUri: string; password: string }; ms: number; afterMs: number }
    >('page-freeze', { agent: { server: sipEnv().wsUrl, sipUri: account.uri, password: account.password }, ms: 12_000, afterMs: 6000 });
    expect(before).to.equal(STATUS.ready);
    expect(after.warnings, JSON.stringify(after)).to.deep.equal(['page-frozen']);
    // Chromium closed the frozen tab's WebSocket: the workbench reconnected and registered again
    // (one REGISTER to sign in, at least one after the sleep), and the agent is still ready.
    expect(after.registers, JSON.stringify(after)).to.be.at.least(2);
    expect(after.banner).to.contain('This tab was asleep');
    expect(after.code).to.equal(STATUS.ready);
  });
});
