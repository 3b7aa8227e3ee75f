// The ACD's three-party mixer (demo/callcenter/acd/mixer.mjs): G.711 µ-law both ways, sums with
// clipping, and who hears whom in each monitor mode, checked on tones of known frequencies.
//
//   node --test test/callcenter/mixer.test.mjs
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysePcm, decodePcmu, encodePcmu } from '../../demo/callcenter/media/audio.mjs';
import { decodeMuLaw, encodeMuLaw, FRAME_SAMPLES, HEARS, mixFor, mixFrames, MonitorMixer } from '../../demo/callcenter/acd/mixer.mjs';

const FREQ = { customer: 400, agent: 1200, supervisor: 2000 };

/** @param {number} f @param {number} [n] @param {number} [amp] */
function tone(f, n = FRAME_SAMPLES * 10, amp = 0.3) {
  return Int16Array.from({ length: n }, (_, i) => Math.round(amp * 32767 * Math.sin((2 * Math.PI * f * i) / 8000)));
}

/** @param {Int16Array} pcm */
function shares(pcm) {
  return analysePcm(pcm, { frequencies: Object.values(FREQ) }).tones;
}

describe('µ-law', () => {
  it('decodes every byte like the reference decoder and encodes like the reference encoder', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(decodeMuLaw(all), decodePcmu(all));
    const pcm = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    assert.deepEqual(encodeMuLaw(pcm), encodePcmu(pcm));
  });

  it('round-trips a tone within µ-law precision and clips out-of-range input', () => {
    const t = tone(1000, 160);
    const back = decodeMuLaw(encodeMuLaw(t));
    for (let i = 0; i < t.length; i++) assert.ok(Math.abs(back[i] - t[i]) <= Math.abs(t[i]) / 16 + 8, `sample ${i}`);
    assert.deepEqual([...decodeMuLaw(encodeMuLaw([100000, -100000]))], [32124, -32124]);
  });
});

describe('mixFrames', () => {
  it('sums frames, treats a missing frame as silence and clips to 16 bits', () => {
    const a = Int16Array.from([1000, 30000, -30000, 5]);
    const b = Int16Array.from([-500, 10000, -10000, 0]);
    assert.deepEqual([...mixFrames([a, null, b], 4)], [500, 32767, -32768, 5]);
    assert.deepEqual([...mixFrames([], 3)], [0, 0, 0]);
  });
});

describe('mixFor (who hears whom)', () => {
  const frames = { customer: tone(FREQ.customer), agent: tone(FREQ.agent), supervisor: tone(FREQ.supervisor) };
  /** @param {'listen'|'whisper'|'barge'} mode @param {'customer'|'agent'|'supervisor'} listener */
  const heard = (mode, listener) => {
    const s = shares(decodeMuLaw(mixFor(mode, listener, frames)));
    return Object.entries(FREQ).filter(([, f]) => s[String(f)] > 0.2).map(([p]) => p).sort();
  };
  for (const mode of /** @type {const} */ (['listen', 'whisper', 'barge'])) {
    for (const listener of /** @type {const} */ (['customer', 'agent', 'supervisor'])) {
      it(`${mode}: the ${listener} hears ${HEARS[mode][listener].join(' and ')}`, () => {
        assert.deepEqual(heard(mode, listener), [...HEARS[mode][listener]].sort());
      });
    }
  }

  it('never lets the customer hear the supervisor except in barge, nor anyone hear themselves', () => {
    assert.deepEqual(HEARS.listen.customer, ['agent']);
    assert.deepEqual(HEARS.whisper.customer, ['agent']);
    assert.ok(!HEARS.listen.agent.includes('supervisor'));
    for (const mode of /** @type {const} */ (['listen', 'whisper', 'barge'])) {
      for (const p of /** @type {const} */ (['customer', 'agent', 'supervisor'])) assert.ok(!HEARS[mode][p].includes(p));
    }
  });
});

describe('MonitorMixer', () => {
  it('sends one frame per listener per tick, follows a mode change, and bounds each queue', () => {
    /** @type {Array<[string, Buffer]>} */
    const sent = [];
    const mixer = new MonitorMixer({ mode: 'listen', send: (l, p) => sent.push([l, p]) });
    const frame = (/** @type {number} */ f) => encodeMuLaw(tone(f, FRAME_SAMPLES));
    mixer.push('customer', frame(FREQ.customer));
    mixer.push('agent', frame(FREQ.agent));
    mixer.push('supervisor', frame(FREQ.supervisor));
    mixer.tick();
    assert.deepEqual(sent.map(([l]) => l), ['customer', 'agent', 'supervisor']);
    const pcm = (/** @type {number} */ f) => tone(f, FRAME_SAMPLES);
    assert.deepEqual(sent[0][1], encodeMuLaw(mixFrames([decodeMuLaw(frame(FREQ.agent))])), 'listen: the customer hears the agent only');
    assert.deepEqual(sent[1][1], encodeMuLaw(decodeMuLaw(frame(FREQ.customer))), 'listen: the agent hears the customer only');
    assert.deepEqual(
      sent[2][1],
      encodeMuLaw(mixFrames([decodeMuLaw(frame(FREQ.customer)), decodeMuLaw(frame(FREQ.agent))])),
      'listen: the supervisor hears both',
    );
    assert.notDeepEqual(sent[2][1], encodeMuLaw(pcm(FREQ.agent)));
    mixer.mode = 'whisper';
    mixer.push('agent', frame(FREQ.agent));
    mixer.push('supervisor', frame(FREQ.supervisor));
    sent.length = 0;
    mixer.tick();
    assert.deepEqual(sent[1][1], frame(FREQ.supervisor), 'whisper: the agent hears the supervisor (the customer is silent this tick)');
    assert.deepEqual(sent[0][1], frame(FREQ.agent), 'whisper: the customer hears the agent, not the supervisor');
    for (let i = 0; i < 20; i++) mixer.push('customer', frame(FREQ.customer));
    assert.ok(mixer.queues.customer.length <= 4, 'a speaker queue stays bounded');
    assert.equal(mixer.frames, 2);
  });

  it('clocks frames from its time source, catching up after a late timer', async () => {
    let now = 0;
    let count = 0;
    const mixer = new MonitorMixer({ mode: 'barge', send: () => count++, now: () => now });
    mixer.start();
    now = 60;
    await new Promise((r) => setTimeout(r, 30));
    mixer.stop();
    assert.equal(mixer.frames, 3, 'three 20 ms frames due after 60 ms');
    assert.equal(count, 9, 'three listeners each');
  });
});
