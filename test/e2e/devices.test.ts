/**
 * The agent's devices on real calls through Kamailio, with Chromium's fake microphones: a switch
 * of microphone mid-call (chosen, or a headset unplugged) keeps the call and the customer keeps
 * hearing the agent; mute survives it; a denied microphone gives 8001 and the panel says what to do.
 */
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import '../../elements/devices/cc-devices.js';
import type { CcDevicesElement } from '../../elements/devices/devices.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import { CcDeviceChangeEvent, CcDevices } from '../../src/media/devices.js';
import type { CcDeviceChangeDetail } from '../../src/media/devices.js';
import type { Phone } from '../../src/phone.js';
import { packetsGrow, sleep, testUser, waitFor } from '../support/e2e.js';
import { cleanUp, connectInbound, peer, probe, readyAgent, startProbe } from '../support/e2e-agents.js';
import type { Agent } from '../support/e2e-agents.js';

const CUSTOMER = '13800000001';
/** Where `<cc-workbench>` remembers the devices (src/media/media.ts): one choice per browser. */
const STORAGE_KEY = 'cc-workbench:devices';

/**
 * A ready agent whose workbench loaded its devices chunk (through `listDevices()`, as a host
 * would): the `CcDevices` behind its `<cc-devices>` panel, and the `cc-device-change` events.
 */
async function agentWithDevices(user = '1001') {
  const agent = await readyAgent(user);
  const changes: CcDeviceChangeDetail[] = [];
  agent.el.addEventListener(CcDeviceChangeEvent.eventName, (e) => changes.push(e.detail));
  await agent.el.listDevices();
  const panel = await waitFor(() => agent.el.shadowRoot!.querySelector<CcDevicesElement>('cc-devices'), 'the devices panel');
  const devices = panel.source!;
  expect(devices).to.be.instanceOf(CcDevices);
  expect((agent.el.phone as Phone).media, 'the workbench plugged its devices into the phone').to.not.equal(null);
  return { agent, devices, changes };
}

const micSender = () => probe!.latest()!.getSenders().find((s) => s.track?.kind === 'audio')!;

const playing = new WeakSet<RTCPeerConnection>();

/**
 * The audio energy the customer's side has received so far (inbound-rtp totalAudioEnergy).
 * Chromium measures it only for audio that plays, so the customer's side plays it.
 */
async function energyAt(pc: RTCPeerConnection): Promise<number> {
  if (!playing.has(pc)) {
    playing.add(pc);
    const audio = new Audio();
    audio.srcObject = new MediaStream(pc.getReceivers().map((r) => r.track));
    await audio.play();
  }
  let energy = 0;
  (await pc.getStats()).forEach((r: { type: string; kind?: string; totalAudioEnergy?: number }) => {
    if (r.type === 'inbound-rtp' && r.kind === 'audio') energy += r.totalAudioEnergy ?? 0;
  });
  return energy;
}

/** Waits until the customer hears more of the agent (the fake microphone beeps about once a second). */
async function customerHears(pc: RTCPeerConnection, what: string): Promise<void> {
  const start = await energyAt(pc);
  await waitFor(async () => (await energyAt(pc)) > start + 1e-4, `${what}: audio energy rising at the customer`, 6000, 100);
}

/** Waits until a whole 1.2 s passes without audio energy at the customer (a mute takes a moment to reach the far end). */
async function customerHearsNothing(pc: RTCPeerConnection, what: string): Promise<void> {
  await waitFor(
    async () => {
      const start = await energyAt(pc);
      await sleep(1200);
      return (await energyAt(pc)) - start < 1e-4;
    },
    `${what}: no audio energy at the customer`,
    8000,
    0,
  );
}

async function stillTalking(agent: Agent): Promise<void> {
  expect(agent.code(), 'the call is still up').to.equal(STATUS.inboundTalk);
  expect(agent.of('cc-call-hangup'), 'no hang-up').to.have.length(0);
}

describe('devices on calls through Kamailio', () => {
  beforeEach(startProbe);
  beforeEach(() => localStorage.removeItem(STORAGE_KEY));
  afterEach(async () => {
    document.querySelectorAll('cc-devices').forEach((el) => el.remove());
    await cleanUp();
    localStorage.removeItem(STORAGE_KEY);
  });

  it('a call sends the chosen microphone', async () => {
    const { agent } = await agentWithDevices();
    const mic = (await agent.el.listDevices()).microphones[1]!;
    await agent.el.setDevice('microphone', mic.deviceId);
    const { call } = await connectInbound(agent);
    expect(micSender().track!.label).to.equal(mic.label);
    await customerHears(call.session.connection, 'the chosen microphone');
  });

  it('switching the microphone mid-call keeps the call, the customer keeps hearing the agent, and mute survives it', async () => {
    const { agent, changes } = await agentWithDevices();
    const { call } = await connectInbound(agent);
    const customerPc = call.session.connection;
    const connection = probe!.latest();
    const before = micSender().track!;
    expect(before.label).to.equal('Fake Default Audio Input');
    await customerHears(customerPc, 'before the switch');

    const [, one, two] = [undefined, ...(await agent.el.listDevices()).microphones];
    await agent.el.setDevice('microphone', one!.deviceId);
    expect(micSender().track!.label).to.equal(one!.label);
    expect(before.readyState, 'the old microphone released').to.equal('ended');
    expect(probe!.latest(), 'the same peer connection').to.equal(connection);
    expect(changes.at(-1)).to.deep.include({ kind: 'microphone', deviceId: one!.deviceId, reason: 'chosen' });
    await packetsGrow(customerPc, 'customer still receives after the switch');
    await customerHears(customerPc, 'after the switch');
    await stillTalking(agent);

    await agent.el.mute();
    await customerHearsNothing(customerPc, 'muted');
    await agent.el.setDevice('microphone', two!.deviceId);
    expect(micSender().track!.label).to.equal(two!.label);
    expect(micSender().track!.enabled, 'still muted after the switch').to.equal(false);
    const muted = await energyAt(customerPc);
    await sleep(2500);
    expect((await energyAt(customerPc)) - muted, 'the customer hears nothing while muted, after the switch').to.be.below(1e-4);
    await agent.el.unmute();
    expect(micSender().track!.enabled).to.equal(true);
    await customerHears(customerPc, 'after unmute');
    await stillTalking(agent);

    await agent.el.hangUp();
    await call.ended;
  });

  it('a headset unplugged mid-call: the call goes on with the default microphone, and back when plugged in', async () => {
    const { agent, changes } = await agentWithDevices();
    const mic = (await agent.el.listDevices()).microphones[1]!;
    await agent.el.setDevice('microphone', mic.deviceId);
    const { call } = await connectInbound(agent);
    const customerPc = call.session.connection;
    expect(micSender().track!.label).to.equal(mic.label);
    const enumerate = navigator.mediaDevices.enumerateDevices;
    try {
      navigator.mediaDevices.enumerateDevices = async () => (await enumerate.call(navigator.mediaDevices)).filter((d) => d.deviceId !== mic.deviceId);
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      await waitFor(() => changes.at(-1)?.reason === 'unplugged', 'switched to the default');
      expect(micSender().track!.label).to.equal('Fake Default Audio Input');
      await customerHears(customerPc, 'on the default microphone');
      await stillTalking(agent);

      navigator.mediaDevices.enumerateDevices = enumerate;
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      await waitFor(() => changes.at(-1)?.reason === 'plugged', 'switched back');
      expect(micSender().track!.label).to.equal(mic.label);
      await customerHears(customerPc, 'on the headset again');
      await stillTalking(agent);
    } finally {
      navigator.mediaDevices.enumerateDevices = enumerate;
    }
    await agent.el.hangUp();
    await call.ended;
  });

  it('a denied microphone: answering fails with 8001 and the devices panel says what to do', async () => {
    const { agent, devices } = await agentWithDevices();
    const real = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    try {
      const customer = await peer(CUSTOMER);
      const call = customer.peer.call(testUser('1001').uri);
      await waitFor(() => agent.code() === STATUS.ringing, 'agent ringing');
      const failure = await agent.el.answer().then(
        () => null,
        (e: { errorCode: number; errorMsg: string }) => e,
      );
      expect(failure?.errorCode).to.equal(ERROR.getUserMediaFailed);
      expect(agent.of('cc-error').at(-1)!.detail.errorCode).to.equal(ERROR.getUserMediaFailed);
      await waitFor(() => devices.problem === 'denied', 'the devices see why');
      // The workbench's own panel says what to do, in the workbench's language.
      const panel = agent.el.shadowRoot!.querySelector<CcDevicesElement>('cc-devices')!;
      const message = () => panel.shadowRoot!.querySelector('[part=devices-message][role=alert]')?.textContent ?? '';
      await waitFor(() => /Microphone blocked: allow it/.test(message()), 'the English message');
      agent.el.setAttribute('lang', 'zh-CN');
      await waitFor(() => message().includes('麦克风被禁止'), 'the Chinese message');
      await call.ended;
    } finally {
      navigator.mediaDevices.getUserMedia = real;
    }
  });
});
