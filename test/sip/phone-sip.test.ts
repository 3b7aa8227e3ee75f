import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createPhone } from '../../src/phone.js';
import type { Phone } from '../../src/phone.js';
import type { PhoneConfig } from '../../src/config.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { AgentEmitted } from '../../machines/agent-types.js';
import { MediaProbe, StalledGathering, openPeer, packetsGrow, rtpCounters, sipEnv, sleep, testUser, waitFor } from '../support/e2e.js';
import type { OpenPeer } from '../support/e2e.js';

function makePhone(user = '1001', password?: string, extra: Partial<PhoneConfig> = {}): { phone: Phone; facts: AgentEmitted[] } {
  const account = testUser(user);
  const phone = createPhone({
    ...extra,
    server: sipEnv().wsUrl,
    sipUri: account.uri,
    password: password ?? account.password,
    displayName: account.displayName,
    afterCall: 'manual',
  });
  const facts: AgentEmitted[] = [];
  phone.actor.on('*', (e) => facts.push(e as AgentEmitted));
  return { phone, facts };
}

describe('SIP adapter against Kamailio (headless createPhone)', () => {
  let phone: Phone | null = null;
  let peer: OpenPeer | null = null;
  let probe: MediaProbe | null = null;

  afterEach(async () => {
    phone?.destroy();
    peer?.close();
    probe?.uninstall();
    phone = null;
    peer = null;
    probe = null;
    await sleep(100);
  });

  it('registers with the right password and unregisters', async () => {
    const made = makePhone('1001');
    phone = made.phone;
    await phone.register();
    expect(phone.getStatusCode()).to.deep.equal({ code: STATUS.offline, lastCode: STATUS.registering });
    expect(made.facts.map((f) => f.type)).to.include('registered');
    await phone.unregister();
    expect(phone.getStatusCode().code).to.equal(STATUS.unregistered);
    expect(made.facts.map((f) => f.type)).to.include('unregistered');
  });

  it('rejects register() with the SIP cause on a wrong password and stays unregistered', async () => {
    const made = makePhone('1001', 'wrong-password');
    phone = made.phone;
    const error = await phone.register().then(
      () => null,
      (e: unknown) => e as { errorCode: number; errorMsg: string; sipCode?: number },
    );
    expect(error?.errorCode).to.equal(ERROR.registrationFailed);
    expect(error?.errorMsg).to.match(/Authentication Error|401|403/);
    expect(phone.getStatusCode().code).to.equal(STATUS.unregistered);
    expect(made.facts.some((f) => f.type === 'registrationFailed')).to.equal(true);
  });

  it('takes an inbound call with two-way audio, hold without packets, resume, and releases media', async () => {
    probe = new MediaProbe().install();
    const made = makePhone('1001');
    phone = made.phone;
    await phone.register();
    await phone.logIn();
    peer = await openPeer('13800000001');
    const customerCall = peer.peer.call(testUser('1001').uri);
    await waitFor(() => phone!.getStatusCode().code === STATUS.ringing, 'agent ringing');
    const incoming = made.facts.find((f) => f.type === 'call.incoming');
    expect(incoming?.type === 'call.incoming' && incoming.call).to.include({ caller: '13800000001', callee: '1001', direction: 'inbound' });

    const call = await phone.answer();
    expect(call.answeredAt).to.be.a('number');
    expect(phone.getStatusCode().code).to.equal(STATUS.inboundTalk);
    await customerCall.confirmed;
    const agentPc = probe.latest();
    await packetsGrow(agentPc, 'agent receives audio');
    await packetsGrow(customerCall.session.connection, 'customer receives audio');

    await phone.hold();
    expect(phone.getStatusCode().code).to.equal(STATUS.hold);
    await sleep(300); // packets already in flight
    const heldStart = (await rtpCounters(agentPc)).received;
    await sleep(1000);
    const heldEnd = (await rtpCounters(agentPc)).received;
    expect(heldEnd - heldStart, 'packets received while held').to.be.lessThan(3);

    await phone.retrieve();
    expect(phone.getStatusCode().code).to.equal(STATUS.inboundTalk);
    await packetsGrow(agentPc, 'agent receives audio after resume');

    customerCall.session.terminate();
    await waitFor(() => phone!.getStatusCode().code === STATUS.afterCall, 'after-call work');
    const hangup = made.facts.find((f) => f.type === 'call.hangup');
    expect(hangup?.type === 'call.hangup' && hangup.hangupType).to.equal('inbound');
    await waitFor(() => probe!.liveTracks().length === 0, 'microphone released');
    await waitFor(() => probe!.openConnections().length === 0, 'peer connection closed');
  });

  it('rolls hold back and stays in the call when the re-INVITE is refused', async () => {
    probe = new MediaProbe().install();
    const made = makePhone('1001');
    phone = made.phone;
    await phone.register();
    await phone.logIn();
    peer = await openPeer('13800000002', (p) => {
      p.rejectReinviteWith = 488;
    });
    const customerCall = peer.peer.call(testUser('1001').uri);
    await waitFor(() => phone!.getStatusCode().code === STATUS.ringing, 'agent ringing');
    await phone.answer();
    await customerCall.confirmed;
    await packetsGrow(probe.latest(), 'agent receives audio before hold');

    const statuses: number[] = [];
    const offStatus = phone.on('status', ({ code }) => statuses.push(code));
    const error = await phone.hold().then(
      () => null,
      (e: unknown) => e as { errorCode: number; errorMsg: string },
    );
    expect(error?.errorCode).to.equal(ERROR.holdFailed);
    expect(error?.errorMsg).to.contain('488');
    expect(phone.getStatusCode().code).to.equal(STATUS.inboundTalk);
    expect(phone.view.hold).to.equal('none');
    expect(phone.view.connected).to.equal(true);
    // Status 12 never showed: the PBX refused, so the hold never happened.
    expect(statuses).to.deep.equal([]);
    offStatus();
    await packetsGrow(probe.latest(), 'audio still flows after the refused hold');
    await packetsGrow(customerCall.session.connection, 'customer still hears the agent');

    peer.peer.rejectReinviteWith = null;
    await phone.hold();
    expect(phone.getStatusCode().code).to.equal(STATUS.hold);
    await phone.hangUp();
    expect(phone.getStatusCode().code).to.equal(STATUS.afterCall);
    await customerCall.ended;
  });

  it('re-registers by itself after the SIP server restarts and still receives calls', async () => {
    const made = makePhone('1001');
    phone = made.phone;
    await phone.register();
    await phone.logIn();
    await executeServerCommand('sip-server-restart');
    await waitFor(
      () => made.facts.some((f) => f.type === 'error' && f.error.errorCode === ERROR.connectionLost),
      'connection-lost error',
    );
    // Still ready: a dropped socket is not a status change for the agent.
    expect(phone.getStatusCode().code).to.equal(STATUS.ready);
    peer = await openPeer('13800000001');
    // JsSIP retries after 2 s; the call reaches the agent once the new REGISTER went through.
    let reached = false;
    for (let attempt = 0; attempt < 10 && !reached; attempt++) {
      const call = peer.peer.call(testUser('1001').uri);
      reached = await Promise.race([
        waitFor(() => phone!.getStatusCode().code === STATUS.ringing, 'ringing', 3000).then(() => true, () => false),
        call.ended.then(() => false),
      ]);
      if (!reached) await sleep(500);
    }
    expect(reached, 'a call reached the re-registered agent').to.equal(true);
    await phone.hangUp();
  });

  it('registers through the next configured server when the first does not answer', async () => {
    // A port nothing listens on: the first server refuses the WebSocket at once.
    const dead = 'ws://127.0.0.1:9';
    const made = makePhone('1001', undefined, { server: `${dead} ${sipEnv().wsUrl}` });
    phone = made.phone;
    // JsSIP waits its recovery interval (2 s, randomised) before it tries the next server.
    await phone.register();
    expect(phone.getStatusCode().code).to.equal(STATUS.offline);
    await phone.logIn();
    peer = await openPeer('13800000001');
    peer.peer.call(testUser('1001').uri);
    await waitFor(() => phone!.getStatusCode().code === STATUS.ringing, 'a call through the second server');
    await phone.hangUp();
  });

  it('answers within the ICE gathering cap when gathering stalls (slow STUN server)', async () => {
    // Stalled gathering first, the probe on top: both wrap RTCPeerConnection.
    const stalled = new StalledGathering().install(30_000);
    probe = new MediaProbe().install();
    try {
      const made = makePhone('1001', undefined, { iceServers: [{ urls: sipEnv().silentStun }], iceGatheringTimeoutMs: 1000 });
      phone = made.phone;
      await phone.register();
      await phone.logIn();
      peer = await openPeer('13800000001');
      const call = peer.peer.call(testUser('1001').uri);
      await waitFor(() => phone!.getStatusCode().code === STATUS.ringing, 'agent ringing');
      void phone.answer();
      // Without the cap JsSIP would hold the 200 OK until gathering ends (30 s here).
      await waitFor(() => call.events.includes('confirmed'), 'the customer receives the answer', 10_000);
      const pc = probe.latest()!;
      expect(pc.iceGatheringState, 'gathering still stalled when the answer went out').to.equal('gathering');
      await packetsGrow(pc, 'audio over the candidates gathered so far');
      await phone.hangUp();
    } finally {
      probe.uninstall();
      probe = null;
      stalled.uninstall();
    }
  });
});
