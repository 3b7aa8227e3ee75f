// The agent's devices (src/media/devices.ts, src/media/echo-test.ts) and <cc-devices>, on
// Chromium's fake devices: three microphones ("Fake Default Audio Input", "Fake Audio Input 1",
// "Fake Audio Input 2") that beep, three outputs. No SIP: a call leg here is a loopback pair of
// peer connections that sends a microphone track, as a call's does.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../elements/devices/cc-devices.js';
import type { CcDevicesElement } from '../../elements/devices/devices.js';
import { ERROR } from '../../machines/agent-types.js';
import { CcDeviceChangeEvent, CcDevices } from '../../src/media/devices.js';
import type { CcDeviceChangeDetail } from '../../src/media/devices.js';
import type { CcDeviceList } from '../../src/media/media-types.js';
import { MediaProbe, sleep } from '../support/e2e.js';
import { accessibleName, shadow } from './helpers.js';

let sequence = 0;
const keys: string[] = [];
const made: CcDevices[] = [];
let probe: MediaProbe;

function storageKey(): string {
  const key = `cc-workbench:devices:test${Date.now().toString(36)}${(sequence += 1)}@devices.test`;
  keys.push(key);
  return key;
}

function devices(host: HTMLElement = document.body, key = storageKey()): { devices: CcDevices; changes: CcDeviceChangeDetail[] } {
  const changes: CcDeviceChangeDetail[] = [];
  host.addEventListener(CcDeviceChangeEvent.eventName, (e) => changes.push(e.detail));
  const d = new CcDevices(host, key);
  made.push(d);
  return { devices: d, changes };
}

/** A live "call leg": a loopback pair whose first end sends a microphone opened with the plug's constraints. */
async function fakeLeg(d: CcDevices) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: d.audio(), video: false });
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
  let end: () => void = () => undefined;
  d.leg({ callId: 'leg-1', pc: a, ended: new Promise<void>((r) => (end = r)) });
  const sender = a.addTrack(stream.getAudioTracks()[0]!, stream);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  return {
    sender,
    received: async () => {
      let n = 0;
      (await b.getStats()).forEach((r: { type: string; packetsReceived?: number }) => r.type === 'inbound-rtp' && (n += r.packetsReceived ?? 0));
      return n;
    },
    close() {
      end();
      a.close();
      b.close();
      stream.getTracks().forEach((t) => t.stop());
    },
  };
}

/** The loudest RMS of `stream` over `ms`, read with an AnalyserNode. */
async function loudness(stream: MediaStream, ms = 2500): Promise<number> {
  const ctx = new AudioContext();
  const analyser = new AnalyserNode(ctx, { fftSize: 1024 });
  ctx.createMediaStreamSource(stream).connect(analyser);
  await ctx.resume();
  const samples = new Float32Array(analyser.fftSize);
  let max = 0;
  for (const end = Date.now() + ms; Date.now() < end; await sleep(40)) {
    analyser.getFloatTimeDomainData(samples);
    max = Math.max(max, Math.sqrt(samples.reduce((s, x) => s + x * x, 0) / samples.length));
  }
  await ctx.close();
  return max;
}

async function panel(d: CcDevices, lang = 'en'): Promise<CcDevicesElement> {
  const el = await fixture<CcDevicesElement>(html`<cc-devices lang=${lang} .source=${d}></cc-devices>`);
  return el;
}

async function openPanel(el: CcDevicesElement): Promise<HTMLDetailsElement> {
  const details = shadow(el).querySelector('details')!;
  details.open = true;
  await waitUntil(() => shadow(el).querySelectorAll('select[name=microphone] option').length > 2, 'microphones listed', { timeout: 5000 });
  return details;
}

/** A label's own text, without its select's options. */
const labelText = (l: Element) => [...l.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();

const meterValue = (el: CcDevicesElement) => Number(shadow(el).querySelector('[role=meter]')!.getAttribute('aria-valuenow'));

describe('CcDevices and <cc-devices>', () => {
  beforeEach(() => {
    probe = new MediaProbe().install();
  });
  afterEach(async () => {
    for (const d of made.splice(0)) d.dispose();
    document.querySelectorAll('cc-devices').forEach((el) => el.remove());
    for (const key of keys.splice(0)) localStorage.removeItem(key);
    probe.uninstall();
  });

  it('lists the fake microphones and speakers, chooses one and remembers it in this browser', async () => {
    const key = storageKey();
    const { devices: d, changes } = devices(document.body, key);
    const list = await d.list();
    expect(list.microphones.length, 'fake microphones besides the default').to.be.at.least(2);
    expect(list.speakers.length).to.be.at.least(2);
    expect(list.chosen).to.deep.equal({ microphone: '', speaker: '', ringer: '' });
    const mic = list.microphones[1]!;
    const out = list.speakers[1]!;
    await d.set('microphone', mic.deviceId);
    await d.set('ringer', out.deviceId);
    expect(changes.map((c) => [c.kind, c.deviceId, c.reason])).to.deep.equal([
      ['microphone', mic.deviceId, 'chosen'],
      ['ringer', out.deviceId, 'chosen'],
    ]);
    expect(changes[0]!.label).to.equal(mic.label);
    expect(d.ringSink()).to.equal(out.deviceId);

    // A call's microphone follows the choice.
    const stream = await navigator.mediaDevices.getUserMedia({ audio: d.audio() });
    expect(stream.getAudioTracks()[0]!.label).to.equal(mic.label);
    stream.getTracks().forEach((t) => t.stop());

    // Another workbench of this browser (a reload) starts with it.
    const again = devices(document.body, key).devices;
    expect((await again.list()).chosen).to.deep.equal({ microphone: mic.deviceId, speaker: '', ringer: out.deviceId });
    expect(again.ringSink()).to.equal(out.deviceId);
    // The default again.
    await again.set('microphone', '');
    expect(again.audio()).to.equal(true);
    expect(JSON.parse(localStorage.getItem(key)!)).to.deep.equal({ microphone: '', speaker: '', ringer: out.deviceId });
  });

  it('plays calls on the chosen speaker', async () => {
    const { devices: d } = devices();
    const audio = new Audio();
    d.attach({ audio });
    const out = (await d.list()).speakers[1]!;
    await d.set('speaker', out.deviceId);
    expect(audio.sinkId).to.equal(out.deviceId);
    await d.set('speaker', '');
    expect(audio.sinkId).to.equal('');
  });

  it('rejects an unknown device with 7101 naming the kind and the id, and keeps the choice', async () => {
    const { devices: d, changes } = devices();
    const error = await d.set('microphone', 'no-such-mic').then(
      () => null,
      (e: { errorCode: number; errorMsg: string }) => e,
    );
    expect(error?.errorCode).to.equal(ERROR.invalidArgument);
    expect(error?.errorMsg).to.contain('microphone').and.contain('no-such-mic');
    const speaker = await d.set('speaker', 'gone-speaker').catch((e: { errorMsg: string }) => e.errorMsg);
    expect(speaker).to.contain('speaker').and.contain('gone-speaker');
    expect((await d.list()).chosen.microphone).to.equal('');
    expect(changes).to.have.length(0);
  });

  it('labels the panel in English and in Chinese, and is accessible', async () => {
    const { devices: d } = devices();
    const en = await panel(d);
    await openPanel(en);
    const root = shadow(en);
    expect(root.querySelector('summary')!.textContent).to.contain('Devices');
    expect([...root.querySelectorAll('label')].map(labelText)).to.deep.equal(['Microphone', 'Speaker', 'Ringer']);
    expect(root.querySelector('select[name=microphone] option')!.textContent).to.equal('System default');
    expect(root.querySelector('[role=meter]')!.getAttribute('aria-label')).to.equal('Microphone level');
    expect(accessibleName(root.querySelector('button')!)).to.equal('Echo test');
    await expect(en).to.be.accessible();

    const zh = await panel(d, 'zh-CN');
    await openPanel(zh);
    const zr = shadow(zh);
    expect(zr.querySelector('summary')!.textContent).to.contain('设备');
    expect([...zr.querySelectorAll('label')].map(labelText)).to.deep.equal(['麦克风', '扬声器', '振铃设备']);
    expect(zr.querySelector('[role=meter]')!.getAttribute('aria-label')).to.equal('麦克风音量');
    expect(accessibleName(zr.querySelector('button')!)).to.equal('回声测试');
    await expect(zh).to.be.accessible();
  });

  it('chooses a device from the panel', async () => {
    const { devices: d, changes } = devices();
    const el = await panel(d);
    await openPanel(el);
    const select = shadow(el).querySelector<HTMLSelectElement>('select[name=microphone]')!;
    select.value = select.options[2]!.value;
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => changes.length === 1, 'a cc-device-change');
    expect(changes[0]).to.include({ kind: 'microphone', deviceId: select.options[2]!.value, reason: 'chosen' });
    expect((await d.list()).chosen.microphone).to.equal(select.options[2]!.value);
  });

  it('moves the level meter with the fake microphone\'s beep, and closes the microphone with the panel', async () => {
    const { devices: d } = devices();
    const el = await panel(d);
    expect(probe.tracks, 'no microphone while the panel is closed').to.have.length(0);
    const details = await openPanel(el);
    const seen: number[] = [];
    for (const end = Date.now() + 2500; Date.now() < end; await sleep(50)) seen.push(meterValue(el));
    expect(Math.max(...seen), 'the beep').to.be.above(10);
    expect(Math.min(...seen), 'the silence between beeps').to.be.below(5);
    expect(probe.liveTracks()).to.have.length(1);
    details.open = false;
    await waitUntil(() => probe.liveTracks().length === 0, 'the microphone closed with the panel');
    expect(d.level()).to.equal(0);
  });

  it('echo test: the microphone comes back through WebRTC, and stopping it leaves nothing open', async () => {
    const { devices: d } = devices();
    const el = await panel(d);
    const button = shadow(el).querySelector('button')!;
    button.click();
    await waitUntil(() => d.echoStream(), 'the echo test connected', { timeout: 8000 });
    await waitUntil(() => accessibleName(shadow(el).querySelector('button')!) === 'Stop echo test', 'the button stops the test');
    expect(await loudness(d.echoStream()!), 'energy of the audio that came back').to.be.above(0.02);
    expect(probe.openConnections()).to.have.length(2);
    shadow(el).querySelector('button')!.click();
    await el.updateComplete;
    expect(accessibleName(shadow(el).querySelector('button')!)).to.equal('Echo test');
    expect(probe.liveTracks(), 'microphone left open').to.have.length(0);
    expect(probe.openConnections(), 'peer connections left open').to.have.length(0);
  });

  it('startEchoTest() resolves once audio came back; dispose() releases the test and the meter', async () => {
    const { devices: d } = devices();
    const release = await d.watchLevel();
    await d.startEchoTest();
    expect(d.echoing).to.equal(true);
    expect(probe.liveTracks(), 'one microphone for the meter and the test').to.have.length(1);
    d.dispose();
    release();
    expect(probe.liveTracks()).to.have.length(0);
    expect(probe.openConnections()).to.have.length(0);
  });

  it('switches a live leg to a newly chosen microphone: same connection, mute kept, old track stopped', async () => {
    const { devices: d } = devices();
    const leg = await fakeLeg(d);
    try {
      const before = leg.sender.track!;
      before.enabled = false;
      const mic = (await d.list()).microphones[1]!;
      await d.set('microphone', mic.deviceId);
      const after = leg.sender.track!;
      expect(after).to.not.equal(before);
      expect(after.label).to.equal(mic.label);
      expect(after.enabled, 'still muted').to.equal(false);
      expect(before.readyState, 'the old microphone released').to.equal('ended');
      const n = await leg.received();
      await waitUntil(async () => (await leg.received()) > n + 20, 'the far end still receives');
    } finally {
      leg.close();
    }
    await sleep(50);
    expect(probe.liveTracks(), 'the switched track ends with the leg').to.have.length(0);
  });

  it('hot-plug: an unplugged microphone falls back to the default mid-call, and the chosen one comes back when plugged in', async () => {
    const { devices: d, changes } = devices();
    const list: CcDeviceList = await d.list();
    const mic = list.microphones[1]!;
    await d.set('microphone', mic.deviceId);
    const leg = await fakeLeg(d);
    const enumerate = navigator.mediaDevices.enumerateDevices;
    try {
      expect(leg.sender.track!.label).to.equal(mic.label);
      navigator.mediaDevices.enumerateDevices = async () => (await enumerate.call(navigator.mediaDevices)).filter((x) => x.deviceId !== mic.deviceId);
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      await waitUntil(() => changes.length === 2, 'switched to the default');
      expect(changes[1]).to.deep.include({ kind: 'microphone', deviceId: '', reason: 'unplugged' });
      expect(leg.sender.track!.label).to.equal('Fake Default Audio Input');
      expect(d.audio(), 'the next call takes the default').to.equal(true);
      expect((await d.list()).chosen.microphone, 'the choice is kept').to.equal(mic.deviceId);

      navigator.mediaDevices.enumerateDevices = enumerate;
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      await waitUntil(() => changes.length === 3, 'switched back');
      expect(changes[2]).to.deep.include({ kind: 'microphone', deviceId: mic.deviceId, reason: 'plugged' });
      expect(leg.sender.track!.label).to.equal(mic.label);
      const n = await leg.received();
      await waitUntil(async () => (await leg.received()) > n + 20, 'the far end still receives');
    } finally {
      navigator.mediaDevices.enumerateDevices = enumerate;
      leg.close();
    }
  });

  it('hot-plug: a microphone track that ends under a live leg is replaced', async () => {
    const { devices: d, changes } = devices();
    const leg = await fakeLeg(d);
    try {
      const before = leg.sender.track!;
      before.stop();
      // Chromium fires 'ended' only when the device goes away, never for stop().
      before.dispatchEvent(new Event('ended'));
      await waitUntil(() => leg.sender.track !== before, 'a fresh microphone');
      expect(leg.sender.track!.readyState).to.equal('live');
      expect(changes.at(-1)).to.deep.include({ kind: 'microphone', deviceId: '', reason: 'unplugged' });
    } finally {
      leg.close();
    }
  });

  for (const [name, problem, en, zh] of [
    ['NotAllowedError', 'denied', /blocked: allow it/, /麦克风被禁止/],
    ['NotFoundError', 'missing', /No microphone found/, /未找到麦克风/],
  ] as const) {
    it(`a ${problem} microphone: 8001, and the panel says what to do in both languages`, async () => {
      const real = navigator.mediaDevices.getUserMedia;
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no', name));
      try {
        const { devices: d } = devices();
        const error = await d.watchLevel().then(
          () => null,
          (e: { errorCode: number; errorMsg: string }) => e,
        );
        expect(error?.errorCode).to.equal(ERROR.getUserMediaFailed);
        expect(error?.errorMsg).to.contain(name);
        expect(d.problem).to.equal(problem);
        const el = await panel(d);
        shadow(el).querySelector('details')!.open = true;
        await waitUntil(() => shadow(el).querySelector('[role=alert]'), 'the message');
        expect(shadow(el).querySelector('[role=alert]')!.textContent).to.match(en);
        const zhEl = await panel(d, 'zh-CN');
        expect(shadow(zhEl).querySelector('[role=alert]')!.textContent).to.match(zh);
        expect(await d.startEchoTest().catch((e: { errorCode: number }) => e.errorCode)).to.equal(ERROR.getUserMediaFailed);
        expect(d.echoing).to.equal(false);
      } finally {
        navigator.mediaDevices.getUserMedia = real;
      }
    });
  }

  it('a call that could not open the microphone (cc-error 8001 on the host) shows why in the panel', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const { devices: d } = devices(host);
    const real = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
    try {
      host.dispatchEvent(new CustomEvent('cc-error', { detail: { errorCode: 8001, errorMsg: 'getUserMedia failed' } }));
      await waitUntil(() => d.problem === 'denied', 'the problem found');
    } finally {
      navigator.mediaDevices.getUserMedia = real;
      host.remove();
    }
  });
});
