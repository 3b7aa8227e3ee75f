/**
 * Live call quality: `CcCallQuality` over peer connections whose getStats() is scripted, and
 * `<cc-call-quality>` over a fake source. The real thing (Chromium, Kamailio, packet loss on
 * loopback) is test/e2e/call-quality.test.ts.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../elements/call-quality/cc-call-quality.js';
import type { CcCallQualityIndicator } from '../../elements/call-quality/call-quality.js';
import { CcCallQuality, CcCallQualityEvent } from '../../src/media/call-quality.js';
import type { CcCallQualityState } from '../../src/media/call-quality.js';
import type { PhoneApi } from '../../src/phone-api.js';
import { destroyFakePhones, fakePhone, part, ringPhone, settle, shadow } from './helpers.js';

/** What one interval of a scripted line carries. */
interface Interval {
  received: number;
  lost?: number;
  jitterMs?: number;
  /** RTCP round trip (remote-inbound-rtp); `pairRttMs` is ICE's (the selected candidate pair). */
  rttMs?: number;
  pairRttMs?: number;
}

const CLEAN: Interval = { received: 100, lost: 0, jitterMs: 3, rttMs: 20 };
const LOSSY: Interval = { received: 90, lost: 10, jitterMs: 3, rttMs: 20 };
const AWFUL: Interval = { received: 70, lost: 30, jitterMs: 3, rttMs: 20 };
const SILENT: Interval = { received: 0 };

/**
 * A peer connection whose getStats() reports cumulative counters: each call adds the next
 * interval of `script`, as Chromium's counters grow between two reads. Past the script's end a
 * read never answers (so a test sees exactly the script), unless `repeat`: then the last repeats.
 */
function scriptedPc(script: Interval[], repeat: boolean) {
  let calls = 0;
  let received = 0;
  let lost = 0;
  const pc = {
    async getStats(): Promise<RTCStatsReport> {
      if (!repeat && calls >= script.length) return new Promise<RTCStatsReport>(() => undefined);
      const i = script[Math.min(calls, script.length - 1)]!;
      calls += 1;
      received += i.received;
      lost += i.lost ?? 0;
      const report = new Map<string, Record<string, unknown>>([
        ['IT01A1', { id: 'IT01A1', type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost, jitter: (i.jitterMs ?? 0) / 1000 }],
        ['T01', { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' }],
        ['CP0', { id: 'CP0', type: 'candidate-pair', state: 'failed', currentRoundTripTime: 9 }],
      ]);
      if (i.pairRttMs !== undefined) report.set('CP1', { id: 'CP1', type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: i.pairRttMs / 1000 });
      if (i.rttMs !== undefined) report.set('RI1', { id: 'RI1', type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: i.rttMs / 1000 });
      return report as unknown as RTCStatsReport;
    },
  };
  return { pc: pc as unknown as RTCPeerConnection, reads: () => calls };
}

/** A leg of workbench call `callId` over a scripted line; `end()` ends it. */
function scriptedLeg(script: Interval[], callId = 'w-1', repeat = false) {
  const { pc, reads } = scriptedPc(script, repeat);
  let end = () => undefined as void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  return { leg: { callId, pc, ended }, reads, end };
}

const INTERVAL = 15;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A host element and a CcCallQuality on it, reading every 15 ms; the phone's view says w-1 is SIP Call-ID sip-1. */
function measure() {
  const host = document.createElement('div');
  document.body.append(host);
  const events: CcCallQualityEvent[] = [];
  // Heard on the document: the event bubbles out of the host.
  const listener = (e: CcCallQualityEvent) => void (e.target === host && events.push(e));
  document.addEventListener('cc-call-quality', listener);
  const view = { call: { callId: 'w-1', sipCallId: 'sip-1' }, consult: null };
  const phone = { view } as unknown as PhoneApi;
  const quality = new CcCallQuality(host, { intervalMs: INTERVAL, phone: () => phone });
  const levels = () => events.map((e) => e.detail.level);
  const stop = () => document.removeEventListener('cc-call-quality', listener);
  return { host, quality, events, levels, stop };
}

const made: Array<{ quality: CcCallQuality; host: HTMLElement; stop(): void }> = [];
function measured() {
  const m = measure();
  made.push(m);
  return m;
}

describe('CcCallQuality', () => {
  afterEach(() => {
    for (const { quality, host, stop } of made.splice(0)) {
      quality.dispose();
      stop();
      host.remove();
    }
  });

  it('fires nothing on a clean line and sums the call up for cc-call-released', async () => {
    const { quality, levels } = measured();
    const { leg, reads, end } = scriptedLeg([CLEAN, CLEAN, CLEAN, CLEAN]);
    quality.leg(leg);
    await waitUntil(() => reads() === 4, 'four reads');
    expect(quality.current()).to.deep.include({ callId: 'sip-1', level: 'good' });
    expect(quality.current()!.figures).to.deep.equal({ lossPercent: 0, jitterMs: 3, rttMs: 20, mos: 4.39 });
    end();
    await sleep(0);
    expect(quality.current(), 'no call being measured').to.equal(null);
    const summary = quality.released('w-1')!.quality;
    expect(levels()).to.deep.equal([]);
    expect(summary).to.deep.equal({
      samples: 4,
      mos: { avg: 4.39, min: 4.39 },
      lossPercent: 0,
      jitterMs: { avg: 3, max: 3 },
      rttMs: { avg: 20, max: 20 },
      worstLevel: 'good',
    });
    expect(quality.released('w-1'), 'given once').to.equal(undefined);
  });

  it('does not warn for lossy intervals between clean ones', async () => {
    const { quality, levels } = measured();
    const { leg, reads } = scriptedLeg([CLEAN, LOSSY, CLEAN, LOSSY, CLEAN, AWFUL]);
    quality.leg(leg);
    await waitUntil(() => reads() === 6, 'six reads');
    await sleep(0);
    expect(levels()).to.deep.equal([]);
    expect(quality.current()!.level).to.equal('good');
  });

  it('warns (cc-call-quality, bubbling and composed, with the SIP Call-ID) after two lossy intervals in a row', async () => {
    const { quality, events, host } = measured();
    const { leg, reads } = scriptedLeg([CLEAN, LOSSY, LOSSY]);
    let firedAt = 0;
    host.addEventListener('cc-call-quality', () => (firedAt = reads()));
    quality.leg(leg);
    await waitUntil(() => events.length > 0, 'the warning');
    expect(firedAt, 'fired at the second lossy read').to.equal(3);
    const [event] = events;
    expect(event).to.be.instanceOf(CcCallQualityEvent);
    expect(event!.target === host, 'dispatched on the host').to.equal(true);
    expect(event!.bubbles && event!.composed).to.equal(true);
    expect(event!.detail).to.deep.equal({ callId: 'sip-1', level: 'poor', figures: { lossPercent: 10, jitterMs: 3, rttMs: 20, mos: 3.37 } });
    expect(quality.current()).to.deep.equal(event!.detail);
  });

  it('goes back to good only after two clean intervals, and to bad only when two intervals are bad', async () => {
    const { quality, levels } = measured();
    const { leg, reads, end } = scriptedLeg([LOSSY, LOSSY, AWFUL, LOSSY, AWFUL, AWFUL, CLEAN, AWFUL, CLEAN, CLEAN]);
    quality.leg(leg);
    await waitUntil(() => reads() === 10, 'ten reads');
    await sleep(0);
    expect(levels()).to.deep.equal(['poor', 'bad', 'good']);
    end();
    await sleep(0);
    const summary = quality.released('w-1')!.quality;
    expect(summary.worstLevel).to.equal('bad');
    expect(summary.samples).to.equal(10);
    expect(summary.mos.min).to.equal(2.09);
    // 10 + 10 + 30 + 10 + 30 + 30 + 0 + 30 + 0 + 0 lost of 1000 sent.
    expect(summary.lossPercent, 'lost over the whole call').to.equal(15);
  });

  it('goes from good to the milder of two different bad-side intervals', async () => {
    const { quality, levels } = measured();
    const { leg, reads } = scriptedLeg([CLEAN, AWFUL, LOSSY]);
    quality.leg(leg);
    await waitUntil(() => reads() === 3, 'three reads');
    await sleep(0);
    expect(levels()).to.deep.equal(['poor']);
  });

  it('does not count intervals without packets (on hold, ringing): silence neither breaks a run nor makes a sample', async () => {
    const { quality, levels } = measured();
    const { leg, reads, end } = scriptedLeg([LOSSY, SILENT, SILENT, LOSSY]);
    quality.leg(leg);
    await waitUntil(() => reads() === 4, 'four reads');
    await sleep(0);
    expect(levels()).to.deep.equal(['poor']);
    end();
    await sleep(0);
    expect(quality.released('w-1')!.quality.samples).to.equal(2);
  });

  it('takes the round trip from the selected candidate pair when RTCP has none', async () => {
    const { quality } = measured();
    const { leg, reads } = scriptedLeg([{ received: 50, pairRttMs: 8 }]);
    quality.leg(leg);
    await waitUntil(() => reads() === 1, 'one read');
    await sleep(0);
    expect(quality.current()!.figures.rttMs).to.equal(8);
  });

  it('gives no summary for a call without audio, and stops reading its legs when released', async () => {
    const { quality } = measured();
    const { leg, reads } = scriptedLeg([SILENT], 'w-1', true);
    quality.leg(leg);
    await waitUntil(() => reads() >= 2, 'two reads');
    expect(quality.released('w-1')).to.equal(undefined);
    const after = reads();
    await sleep(INTERVAL * 4);
    expect(reads()).to.equal(after);
  });

  it('reads no leg of any call after dispose()', async () => {
    const { quality } = measured();
    const first = scriptedLeg([CLEAN, CLEAN]);
    const second = scriptedLeg([LOSSY], 'w-1', true);
    quality.leg(first.leg);
    await waitUntil(() => first.reads() === 2, 'first leg read');
    first.end();
    quality.leg(second.leg);
    await waitUntil(() => second.reads() >= 2, 'second leg read');
    quality.dispose();
    const reads = second.reads();
    await sleep(INTERVAL * 4);
    expect(second.reads(), 'reads after dispose').to.equal(reads);
    expect(quality.current()).to.equal(null);
  });

  it('sums up both legs of one call', async () => {
    const { quality } = measured();
    const first = scriptedLeg([CLEAN, CLEAN]);
    const second = scriptedLeg([LOSSY]);
    quality.leg(first.leg);
    await waitUntil(() => first.reads() === 2, 'first leg read');
    first.end();
    quality.leg(second.leg);
    await waitUntil(() => second.reads() === 1, 'second leg read');
    await sleep(0);
    const summary = quality.released('w-1')!.quality;
    expect(summary.samples).to.equal(3);
    expect(summary.lossPercent).to.equal(3.3);
  });

  it('names the call by the workbench id when the phone does not know it', async () => {
    const { quality } = measured();
    const { leg, reads } = scriptedLeg([CLEAN], 'other');
    quality.leg(leg);
    await waitUntil(() => reads() === 1, 'one read');
    await sleep(0);
    expect(quality.current()!.callId).to.equal('other');
  });
});

/** A source the test sets by hand. */
function fakeSource(initial: CcCallQualityState | null = null) {
  let state = initial;
  const observers = new Set<(s: CcCallQualityState | null) => void>();
  return {
    getSnapshot: () => state,
    subscribe(observer: (s: CcCallQualityState | null) => void) {
      observers.add(observer);
      return { unsubscribe: () => void observers.delete(observer) };
    },
    set(next: CcCallQualityState | null) {
      state = next;
      for (const o of observers) o(state);
    },
  };
}

const GOOD: CcCallQualityState = { callId: 'sip-1', level: 'good', figures: { lossPercent: 0, jitterMs: 2.5, rttMs: 12, mos: 4.39 } };
const POOR: CcCallQualityState = { callId: 'sip-1', level: 'poor', figures: { lossPercent: 9.8, jitterMs: 4, rttMs: null, mos: 3.41 } };
const BAD: CcCallQualityState = { callId: 'sip-1', level: 'bad', figures: { lossPercent: 20, jitterMs: 4, rttMs: 30, mos: 2.7 } };

describe('<cc-call-quality>', () => {
  afterEach(destroyFakePhones);

  it('renders nothing without a measure', async () => {
    const el = await fixture<CcCallQualityIndicator>(html`<cc-call-quality lang="en" .source=${fakeSource()}></cc-call-quality>`);
    // Booleans, not elements: a failed assertion on an element cannot be sent to the runner.
    expect(shadow(el).querySelector('[part]') === null).to.equal(true);
  });

  it('shows three bars and the MOS of a good line, with the figures as its title, and no warning', async () => {
    const el = await fixture<CcCallQualityIndicator>(html`<cc-call-quality lang="en" .source=${fakeSource(GOOD)}></cc-call-quality>`);
    const meter = part(el, 'meter')!;
    expect(meter.dataset['level']).to.equal('good');
    expect(meter.getAttribute('role')).to.equal('img');
    expect(meter.getAttribute('aria-label')).to.equal('Line quality: good (MOS 4.4)');
    expect(meter.textContent!.trim()).to.equal('MOS 4.4');
    expect(meter.title).to.equal('Packet loss 0 % · jitter 2.5 ms · round trip 12 ms');
    const warning = part(el, 'warning')!;
    expect(warning.getAttribute('role')).to.equal('status');
    expect(warning.textContent).to.equal('');
    expect(warning.getBoundingClientRect().height, 'an empty region takes no room').to.equal(0);
    expect(getComputedStyle(warning).display, 'but stays in the accessibility tree').to.not.equal('none');
    await expect(el).to.be.accessible();
  });

  it('warns in the live region when the line turns poor, then bad, and clears it when good again', async () => {
    const source = fakeSource(GOOD);
    const el = await fixture<CcCallQualityIndicator>(html`<cc-call-quality lang="en" .source=${source}></cc-call-quality>`);
    const region = part(el, 'warning')!;
    source.set(POOR);
    await settle(el);
    expect(part(el, 'warning') === region, 'the same live region').to.equal(true);
    expect(region.textContent).to.equal('The line is poor: the customer may hear you badly. Speak slowly and check your network.');
    expect(region.getBoundingClientRect().height).to.be.above(0);
    expect(part(el, 'meter')!.title).to.equal('Packet loss 9.8 % · jitter 4 ms · round trip – ms');
    await expect(el).to.be.accessible();
    source.set(BAD);
    await settle(el);
    expect(region.textContent).to.equal('The line is bad: the customer may not hear you. Offer to call back if it goes on.');
    expect(part(el, 'meter')!.dataset['level']).to.equal('bad');
    source.set(GOOD);
    await settle(el);
    expect(region.textContent).to.equal('');
  });

  it('speaks Chinese under lang="zh-CN"', async () => {
    const el = await fixture<CcCallQualityIndicator>(html`<cc-call-quality lang="zh-CN" .source=${fakeSource(POOR)}></cc-call-quality>`);
    expect(part(el, 'meter')!.getAttribute('aria-label')).to.equal('通话质量：较差（MOS 3.4）');
    expect(part(el, 'warning')!.textContent).to.equal('线路质量较差：客户可能听不清您的声音。请放慢语速，并检查网络。');
    expect(part(el, 'meter')!.title).to.equal('丢包 9.8% · 抖动 4 毫秒 · 往返时延 – 毫秒');
  });

  it("shows nothing while its phone has no call, and the measure once the phone's call rings", async () => {
    const { phone, sip } = fakePhone();
    await phone.register();
    await phone.logIn();
    const el = await fixture<CcCallQualityIndicator>(html`<cc-call-quality lang="en" .phone=${phone} .source=${fakeSource(POOR)}></cc-call-quality>`);
    expect(part(el, 'meter') === null, 'no call').to.equal(true);
    await ringPhone(phone, sip);
    await settle(el);
    expect(part(el, 'meter')!.dataset['level']).to.equal('poor');
  });

  it('follows another source when it is given one', async () => {
    const el = await fixture<CcCallQualityIndicator>(html`<cc-call-quality lang="en" .source=${fakeSource(GOOD)}></cc-call-quality>`);
    el.source = fakeSource(BAD);
    await settle(el);
    expect(part(el, 'meter')!.dataset['level']).to.equal('bad');
  });
});
