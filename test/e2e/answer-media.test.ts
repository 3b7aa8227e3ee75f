/**
 * The microphone of an inbound call opens while the call rings (so the answer does not wait for
 * it) and never outlives the call: through Kamailio, with Chromium's fake devices. How fast the
 * answer is goes into the bench (answer -> first RTP), never into these tests.
 */
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import { packetsGrow, rtpCounters, sleep, testUser, waitFor } from '../support/e2e.js';
import { cleanUp, mountAgent, peer, probe, readyAgent, startProbe } from '../support/e2e-agents.js';
import type { Agent } from '../support/e2e-agents.js';

const CUSTOMER = '13800000001';

/** The customer calls `agent`; resolves once the agent rings with its microphone open. */
async function ringWithMicrophone(agent: Agent, customerUser = CUSTOMER) {
  const customer = await peer(customerUser);
  const call = customer.peer.call(testUser(agent.el.getAttribute('sip-uri')!.slice(4).split('@')[0]!).uri);
  await waitFor(() => agent.code() === STATUS.ringing, 'agent ringing');
  const mic = await waitFor(() => probe!.liveTracks()[0], 'the microphone opened while ringing');
  return { customer, call, mic };
}

/** Waits until the microphone track has been stopped. */
const released = (mic: MediaStreamTrack, after: string) => waitFor(() => mic.readyState === 'ended', `microphone released after ${after}`);

describe('the microphone of an inbound call', () => {
  beforeEach(startProbe);
  afterEach(cleanUp);

  it('opens while the call rings, sends nothing before the answer, and is the one the answered call sends', async () => {
    const agent = await readyAgent('1001');
    const { call, mic } = await ringWithMicrophone(agent);
    expect(mic.kind).to.equal('audio');
    await sleep(500);
    expect(probe!.connections.length, 'no peer connection before the answer').to.equal(0);
    expect((await rtpCounters(call.session.connection)).received, 'audio the customer received before the answer').to.equal(0);

    await agent.el.answer();
    await call.confirmed;
    const sender = probe!.latest()!.getSenders().find((s) => s.track?.kind === 'audio');
    expect(sender?.track, 'the answered call sends the microphone opened while ringing').to.equal(mic);
    expect(probe!.tracks.length, 'no second microphone').to.equal(1);
    await packetsGrow(call.session.connection, 'customer hears the agent');
    await packetsGrow(probe!.latest(), 'agent hears the customer');

    await agent.el.hangUp();
    await call.ended;
    await released(mic, 'the hang-up');
  });

  it('stays closed for a call the agent refuses at once (logged out: 480)', async () => {
    const agent = await mountAgent('1001');
    await agent.el.register();
    expect(agent.code()).to.equal(STATUS.offline);
    const customer = await peer(CUSTOMER);
    const end = await customer.peer.call(testUser('1001').uri).ended;
    expect(end.cause).to.equal('Unavailable');
    await sleep(300);
    expect(probe!.tracks, 'microphones opened').to.have.length(0);
  });

  it('is released when the caller cancels', async () => {
    const agent = await readyAgent('1001');
    const { call, mic } = await ringWithMicrophone(agent);
    call.session.terminate();
    await waitFor(() => agent.code() === STATUS.ready, 'ready again');
    await released(mic, 'a CANCEL');
    expect(probe!.connections.length).to.equal(0);
  });

  it('is released when the agent declines', async () => {
    const agent = await readyAgent('1001');
    const { call, mic } = await ringWithMicrophone(agent);
    await agent.el.hangUp();
    await call.ended;
    await released(mic, 'declining');
  });

  it('is released when the call rings out (ring-timeout)', async () => {
    const agent = await readyAgent('1001', { 'ring-timeout': '1' });
    const { call, mic } = await ringWithMicrophone(agent);
    await call.ended;
    await waitFor(() => agent.code() === STATUS.break, 'missed call: break');
    await released(mic, 'the ring timeout');
  });

  it('is released when another device of the agent answers', async () => {
    const agent = await readyAgent('1001');
    // The same extension registered a second time: Kamailio forks the INVITE to both.
    const desk = await peer('1001');
    const ringingDesk = desk.peer.nextIncoming();
    const { call, mic } = await ringWithMicrophone(agent);
    desk.peer.answer(await ringingDesk);
    await call.confirmed;
    await waitFor(() => agent.code() !== STATUS.ringing, 'the workbench stops ringing');
    await released(mic, 'the call was answered elsewhere');
    expect(probe!.connections.length).to.equal(0);
  });

  it('is released when the phone is destroyed while the call rings', async () => {
    const agent = await readyAgent('1001');
    const { call, mic } = await ringWithMicrophone(agent);
    agent.el.remove();
    await call.ended;
    await released(mic, 'the element was removed');
  });

  it('is asked for again at the answer when it was unplugged while ringing', async () => {
    const agent = await readyAgent('1001');
    const { call, mic } = await ringWithMicrophone(agent);
    mic.stop();
    await agent.el.answer();
    await call.confirmed;
    expect(probe!.tracks.length, 'a fresh microphone').to.equal(2);
    const sender = probe!.latest()!.getSenders().find((s) => s.track?.kind === 'audio');
    expect(sender?.track).to.equal(probe!.tracks[1]);
    await packetsGrow(call.session.connection, 'customer hears the agent');
    await agent.el.hangUp();
  });

  it('denied while ringing: no error until the answer, which fails with 8001', async () => {
    const probed = navigator.mediaDevices.getUserMedia;
    const asked: MediaStreamConstraints[] = [];
    navigator.mediaDevices.getUserMedia = (constraints?: MediaStreamConstraints) => {
      asked.push(constraints ?? {});
      return Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    };
    try {
      const agent = await readyAgent('1001');
      const customer = await peer(CUSTOMER);
      const call = customer.peer.call(testUser('1001').uri);
      await waitFor(() => agent.code() === STATUS.ringing, 'agent ringing');
      await waitFor(() => asked.length === 1, 'the microphone asked for while ringing');
      await sleep(500);
      expect(agent.of('cc-error'), 'no error while ringing').to.have.length(0);
      expect(agent.code()).to.equal(STATUS.ringing);

      const failure = await agent.el.answer().then(
        () => null,
        (e: { errorCode: number; errorMsg: string }) => e,
      );
      expect(failure?.errorCode).to.equal(ERROR.getUserMediaFailed);
      expect(failure?.errorMsg).to.match(/media/i);
      // Asked while ringing and again at the answer; the devices chunk may ask once more after the
      // 8001 to tell a blocked microphone from a missing one.
      expect(asked.length, 'asked again at the answer').to.be.at.least(2);
      const error = agent.of('cc-error').at(-1)!.detail as { errorCode: number };
      expect(error.errorCode).to.equal(ERROR.getUserMediaFailed);
      const end = await call.ended;
      expect(end.originator).to.equal('remote');
    } finally {
      navigator.mediaDevices.getUserMedia = probed;
    }
  });

  it('is the one auto-answer sends', async () => {
    const agent = await readyAgent('1001', { 'auto-answer': '0' });
    const customer = await peer(CUSTOMER);
    const call = customer.peer.call(testUser('1001').uri);
    await call.confirmed;
    await waitFor(() => agent.code() === STATUS.inboundTalk, 'answered by itself');
    expect(probe!.tracks.length, 'one microphone').to.equal(1);
    await packetsGrow(call.session.connection, 'customer hears the agent');
    call.session.terminate();
    await released(probe!.tracks[0]!, 'the hang-up');
  });
});
