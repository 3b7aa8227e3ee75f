/**
 * Live call quality on a real call: a customer (JsSIP peer in this page) calls the agent's
 * workbench through Kamailio, Chromium with its fake microphone on both ends, the media straight
 * over loopback. The workbench measures with its own media chunk (loaded at log-in; the test
 * only looks at the legs its plug is given). With real random loss on the agent's receiving port (iptables, see
 * test/support/packet-loss.mjs) the warning comes and the call's summary tells of it; without
 * loss, nothing is fired and the summary is clean.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/define.js';
import type { CcCallQualityEvent, CcQualitySummary } from '../../src/media/call-quality.js';
import type { Phone } from '../../src/phone.js';
import type { MediaLeg, MediaPlug } from '../../src/sip/media-plug.js';
import { waitFor } from '../support/e2e.js';
import { cleanUp, connectInbound, readyAgent, startProbe } from '../support/e2e-agents.js';
import type { Agent } from '../support/e2e-agents.js';

/** Of the packets to the agent's port: well over the 5 % threshold, a MOS near 3.2. */
const LOSS_PERCENT = 12;

interface PacketLoss {
  ports: number[];
  dropped: number;
}
const packetLoss = (payload: { port?: number; percent?: number; clear?: boolean }) =>
  executeServerCommand<PacketLoss, typeof payload>('packet-loss', payload);

/** The UDP port the agent's side of `pc` receives media on (its selected candidate pair's local candidate). */
async function localMediaPort(pc: RTCPeerConnection): Promise<number> {
  return waitFor(async () => {
    const stats = await pc.getStats();
    let pairId = '';
    stats.forEach((s: { type: string; selectedCandidatePairId?: string }) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = stats.get(pairId) as { localCandidateId?: string } | undefined;
    const local = stats.get(pair?.localCandidateId ?? '') as { port?: number } | undefined;
    return local?.port ?? 0;
  }, 'the selected candidate pair of the agent');
}

/** A ready agent, its workbench's media plug (wrapped to see the legs it is given), and what it reports. */
async function measuredAgent() {
  const agent = await readyAgent('1001');
  const phone = agent.el.phone as Phone;
  const own = await waitFor(() => phone.media, 'the workbench plugged its media chunk in at log-in');
  const legs: MediaLeg[] = [];
  const plug: MediaPlug = {
    ...own,
    leg: (leg) => {
      legs.push(leg);
      own.leg!(leg);
    },
  };
  phone.media = plug;
  const events: CcCallQualityEvent[] = [];
  agent.el.addEventListener('cc-call-quality', (e) => events.push(e));
  const quality = { current: () => agent.el.getCallQuality() };
  return { agent, quality, legs, plug, phone, events };
}

/** Hangs up and returns the quality summary of the call's cc-call-released. */
async function hangUpForSummary(agent: Agent): Promise<CcQualitySummary | undefined> {
  const before = agent.of('cc-call-released').length;
  await agent.el.hangUp();
  const released = await waitFor(() => agent.of('cc-call-released')[before], 'cc-call-released');
  return (released.detail as { quality?: CcQualitySummary }).quality;
}

describe('live call quality through Kamailio', () => {
  beforeEach(startProbe);
  afterEach(async () => {
    await cleanUp();
  });
  // Whatever happened in a test, no loss rule outlives it.
  afterEach(() => packetLoss({ clear: true }));

  it('warns (cc-call-quality poor or bad) under real packet loss, and the cc-call-released detail sums it up', async () => {
    const { agent, quality, legs, plug, phone, events } = await measuredAgent();
    await connectInbound(agent);
    expect(legs, 'the phone gave the plug the call leg').to.have.length(1);
    const port = await localMediaPort(legs[0]!.pc);
    let dropped = 0;
    try {
      await packetLoss({ port, percent: LOSS_PERCENT });
      const warning = await waitFor(() => events.find((e) => e.detail.level !== 'good'), 'a quality warning', 20_000);
      const established = agent.of('cc-call-established').at(-1)!;
      expect(warning.detail.callId, 'the SIP Call-ID, as the other call events').to.equal(established.detail.callId);
      expect(warning.detail.figures.lossPercent, 'loss measured').to.be.at.least(5);
      expect(warning.detail.figures.mos).to.be.below(3.9);
      expect((await quality.current())?.level).to.be.oneOf(['poor', 'bad']);
      // One more interval under loss, however slow the machine (each interval gives new figures).
      await waitFor(async () => (await quality.current())?.figures !== warning.detail.figures, 'one more measured interval', 15_000);
    } finally {
      dropped = (await packetLoss({ port, percent: 0 })).dropped;
    }
    expect(dropped, 'packets the rule dropped').to.be.above(10);
    expect(phone.media, 'the plug stayed the phone\'s').to.equal(plug);
    const summary = await hangUpForSummary(agent);
    await executeServerCommand('figure', { text: `call quality with ${LOSS_PERCENT} % loss (${dropped} dropped): ${JSON.stringify(summary)}` });
    expect(summary, 'cc-call-released detail.quality').to.not.equal(undefined);
    expect(summary!.worstLevel).to.be.oneOf(['poor', 'bad']);
    expect(summary!.lossPercent).to.be.above(2);
    expect(summary!.samples).to.be.at.least(3);
    expect(summary!.mos.min).to.be.below(3.6);
    expect(summary!.mos.min).to.be.at.most(summary!.mos.avg);
    expect(await quality.current(), 'nothing measured after the call').to.equal(null);
  });

  it('fires nothing on a clean line, and the cc-call-released detail has a clean summary', async () => {
    const { agent, quality, legs, events } = await measuredAgent();
    await connectInbound(agent);
    expect(legs).to.have.length(1);
    await waitFor(() => events.length > 0 || agent.el.shadowRoot!.querySelector('cc-call-quality')?.shadowRoot?.querySelector('[part~="meter"]'), 'the first measure shown', 10_000);
    // Four intervals measured (each gives new figures), however slow the machine.
    const seen = new Set<unknown>();
    await waitFor(async () => {
      const current = await quality.current();
      if (current) seen.add(current.figures);
      return seen.size >= 4;
    }, 'four measured intervals', 30_000);
    const now = await quality.current();
    expect(now!.level).to.equal('good');
    expect(now!.figures.rttMs, 'a round trip measured').to.be.a('number');
    const summary = await hangUpForSummary(agent);
    await executeServerCommand('figure', { text: `call quality without loss: ${JSON.stringify(summary)}` });
    expect(events.map((e) => e.detail.level), 'cc-call-quality events').to.deep.equal([]);
    expect(summary).to.not.equal(undefined);
    expect(summary!.worstLevel).to.equal('good');
    expect(summary!.lossPercent).to.equal(0);
    expect(summary!.samples).to.be.at.least(4);
    expect(summary!.mos.min).to.be.at.least(4);
    expect(summary!.rttMs, 'round trip over loopback').to.not.equal(null);
    expect(summary!.rttMs!.max).to.be.below(100);
  });
});
