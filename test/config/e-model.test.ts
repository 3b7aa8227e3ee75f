/**
 * The simplified ITU-T G.107 E-model of src/media/e-model.ts against figures worked out by hand
 * from the standard's equations (7-1, 7-29, B-4) and G.109's rating bands.
 */
import { expect } from '@open-wc/testing';
import { delayImpairment, lossImpairment, mosOf, mosOfR, R_DEFAULT, rOf } from '../../src/media/e-model.js';
import { levelOf, QUALITY_THRESHOLDS } from '../../src/media/call-quality.js';

const close = (actual: number, expected: number, delta = 0.005) => expect(actual).to.be.closeTo(expected, delta);

describe('the E-model (ITU-T G.107, simplified)', () => {
  it('maps R to MOS with G.107 eq. B-4 (R 93.2 -> 4.41, the G.109 band edges 80/70/60/50)', () => {
    close(mosOfR(R_DEFAULT), 4.41);
    close(mosOfR(80), 4.024);
    close(mosOfR(70), 3.597);
    close(mosOfR(60), 3.1);
    close(mosOfR(50), 2.575);
  });

  it('bounds MOS to 1..4.5 outside 0..100 and just above 0', () => {
    expect(mosOfR(-20)).to.equal(1);
    expect(mosOfR(0)).to.equal(1);
    expect(mosOfR(5)).to.equal(1);
    expect(mosOfR(100)).to.equal(1 + 3.5);
    expect(mosOfR(120)).to.equal(4.5);
  });

  it('charges delay 0.024 d below 177.3 ms and 0.11 (d - 177.3) more above', () => {
    close(delayImpairment(0), 0);
    close(delayImpairment(100), 2.4);
    close(delayImpairment(177.3), 4.2552);
    close(delayImpairment(200), 7.297);
  });

  it('charges random loss as G.711 with PLC (Ie 0, Bpl 25.1): 95 Ppl / (Ppl + 25.1)', () => {
    close(lossImpairment(0), 0);
    close(lossImpairment(10), 27.0655);
    close(lossImpairment(100), 75.9393);
    close(lossImpairment(-3), 0);
  });

  it('takes RTT / 2 + 2 x jitter + a 20 ms frame as the one-way delay', () => {
    close(rOf({ lossPercent: 0, jitterMs: 0, rttMs: 0 }), 92.72);
    close(rOf({ lossPercent: 0, jitterMs: 0, rttMs: null }), 92.72);
    close(rOf({ lossPercent: 0, jitterMs: 50, rttMs: 600 }), 93.2 - delayImpairment(300 + 100 + 20));
  });

  it('rates a clean line 4.40, loss 10 % 3.39, loss 15 % 2.95, a 2 s round trip 1', () => {
    expect(mosOf({ lossPercent: 0, jitterMs: 0, rttMs: 0 })).to.equal(4.4);
    expect(mosOf({ lossPercent: 1, jitterMs: 5, rttMs: 40 })).to.equal(4.3);
    expect(mosOf({ lossPercent: 10, jitterMs: 0, rttMs: 0 })).to.equal(3.39);
    expect(mosOf({ lossPercent: 15, jitterMs: 0, rttMs: 0 })).to.equal(2.95);
    expect(mosOf({ lossPercent: 3, jitterMs: 20, rttMs: 100 })).to.equal(4.04);
    expect(mosOf({ lossPercent: 0, jitterMs: 0, rttMs: 2000 })).to.equal(1);
  });
});

describe('the level of one interval', () => {
  const clean = { lossPercent: 0, jitterMs: 2, rttMs: 10, mos: 4.4 };

  it('is good on a clean line and below every threshold', () => {
    expect(levelOf(clean)).to.equal('good');
    expect(levelOf({ lossPercent: 4.9, jitterMs: 29.9, rttMs: 399, mos: 3.6 })).to.equal('good');
    expect(levelOf({ ...clean, rttMs: null })).to.equal('good');
  });

  it('is poor from MOS < 3.6, loss >= 5 %, jitter >= 30 ms or RTT >= 400 ms', () => {
    const { poor } = QUALITY_THRESHOLDS;
    expect(levelOf({ ...clean, mos: 3.59 })).to.equal('poor');
    expect(levelOf({ ...clean, lossPercent: poor.lossPercent })).to.equal('poor');
    expect(levelOf({ ...clean, jitterMs: poor.jitterMs })).to.equal('poor');
    expect(levelOf({ ...clean, rttMs: poor.rttMs })).to.equal('poor');
  });

  it('is bad from MOS < 3.1, loss >= 15 %, jitter >= 60 ms or RTT >= 800 ms', () => {
    const { bad } = QUALITY_THRESHOLDS;
    expect(levelOf({ ...clean, mos: 3.09 })).to.equal('bad');
    expect(levelOf({ ...clean, lossPercent: bad.lossPercent })).to.equal('bad');
    expect(levelOf({ ...clean, jitterMs: bad.jitterMs })).to.equal('bad');
    expect(levelOf({ ...clean, rttMs: bad.rttMs })).to.equal('bad');
  });
});
