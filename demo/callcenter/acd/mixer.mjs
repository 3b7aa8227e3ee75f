// Three-party audio for a supervisor monitoring a queue call. The ACD's legs are PCMU (G.711
// µ-law, 8 kHz, 20 ms frames); a two-party call only relays packets (rtp-out.mjs), but with a
// third party each listener needs its own mix: decode each speaker's frame, sum what the mode
// lets that listener hear, encode. Only calls with a monitor pay for this; the pure functions
// below are what the unit tests check (test/callcenter/mixer.test.mjs).
import { linearToMuLaw, muLawToLinear } from '../media/audio.mjs';

/** Samples in one 20 ms PCMU frame. */
export const FRAME_SAMPLES = 160;
const FRAME_MS = 20;
/** Frames kept per speaker: enough for network jitter, little enough to keep the delay low. */
const MAX_QUEUED_FRAMES = 4;

/** @typedef {'customer'|'agent'|'supervisor'} Party */
/** @typedef {import('./monitor-modes.mjs').MonitorMode} MonitorMode */

export { MONITOR_MODES } from './monitor-modes.mjs';

/** Who hears whom in each mode: listener -> speakers. The one table the mixer and the README follow. */
export const HEARS = /** @type {Readonly<Record<MonitorMode, Readonly<Record<Party, readonly Party[]>>>>} */ (Object.freeze({
  // The supervisor hears both; nobody hears the supervisor.
  listen: Object.freeze({ customer: ['agent'], agent: ['customer'], supervisor: ['customer', 'agent'] }),
  // Coaching: the agent hears the supervisor, the customer does not.
  whisper: Object.freeze({ customer: ['agent'], agent: ['customer', 'supervisor'], supervisor: ['customer', 'agent'] }),
  // Everyone hears the other two.
  barge: Object.freeze({ customer: ['agent', 'supervisor'], agent: ['customer', 'supervisor'], supervisor: ['customer', 'agent'] }),
}));

// Lookup tables (256 and 65536 entries): per-sample work is two array reads, no branches.
const DECODE = Int16Array.from({ length: 256 }, (_, b) => muLawToLinear(b));
const ENCODE = Uint8Array.from({ length: 65536 }, (_, i) => linearToMuLaw(i - 32768));

/**
 * G.711 µ-law bytes to 16-bit PCM.
 * @param {Uint8Array} payload
 * @returns {Int16Array}
 */
export function decodeMuLaw(payload) {
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = DECODE[payload[i]];
  return out;
}

/**
 * 16-bit PCM (or any numbers; clipped to 16 bits) to G.711 µ-law bytes.
 * @param {ArrayLike<number>} pcm
 * @returns {Buffer}
 */
export function encodeMuLaw(pcm) {
  const out = Buffer.allocUnsafe(pcm.length);
  for (let i = 0; i < pcm.length; i++) {
    const s = pcm[i] > 32767 ? 32767 : pcm[i] < -32768 ? -32768 : pcm[i] | 0;
    out[i] = ENCODE[s + 32768];
  }
  return out;
}

/**
 * Sums frames sample by sample, clipped to 16 bits; a missing frame (null) is silence.
 * @param {Array<Int16Array|null|undefined>} frames
 * @param {number} [length] default: the first frame's length, else one 20 ms frame
 * @returns {Int16Array}
 */
export function mixFrames(frames, length = frames.find(Boolean)?.length ?? FRAME_SAMPLES) {
  const sum = new Int32Array(length);
  for (const f of frames) {
    if (!f) continue;
    const n = Math.min(length, f.length);
    for (let i = 0; i < n; i++) sum[i] += f[i];
  }
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) out[i] = sum[i] > 32767 ? 32767 : sum[i] < -32768 ? -32768 : sum[i];
  return out;
}

/**
 * One listener's frame: the µ-law mix of the speakers `mode` lets `listener` hear.
 * @param {MonitorMode} mode
 * @param {Party} listener
 * @param {Partial<Record<Party, Int16Array|null>>} frames this tick's decoded frame of each speaker
 * @returns {Buffer}
 */
export function mixFor(mode, listener, frames) {
  const length = frames.customer?.length ?? frames.agent?.length ?? frames.supervisor?.length ?? FRAME_SAMPLES;
  return encodeMuLaw(mixFrames(HEARS[mode][listener].map((p) => frames[p] ?? null), length));
}

/**
 * The clocked mixer of one monitored call: speakers push their PCMU payloads as they arrive, and
 * every 20 ms (catching up from a monotonic clock, so timer drift does not slow the audio down)
 * it takes one frame per speaker and hands each listener its mix.
 */
export class MonitorMixer {
  /**
   * @param {{ mode: MonitorMode, send: (listener: Party, payload: Buffer) => void,
   *           now?: () => number }} o  send: called once per listener and frame
   */
  constructor({ mode, send, now = () => performance.now() }) {
    /** @type {MonitorMode} */
    this.mode = mode;
    this.send = send;
    this.now = now;
    /** @type {Record<Party, Int16Array[]>} */
    this.queues = { customer: [], agent: [], supervisor: [] };
    /** Frames mixed so far (for the CPU figure). */
    this.frames = 0;
    /** @type {NodeJS.Timeout|null} */
    this.timer = null;
    this.started = 0;
  }

  /**
   * A PCMU payload that arrived from `speaker`. Older frames are dropped beyond a small bound.
   * @param {Party} speaker @param {Uint8Array} payload
   */
  push(speaker, payload) {
    const q = this.queues[speaker];
    q.push(decodeMuLaw(payload));
    if (q.length > MAX_QUEUED_FRAMES) q.splice(0, q.length - MAX_QUEUED_FRAMES);
  }

  /** Mixes one frame for every listener. */
  tick() {
    /** @type {Record<Party, Int16Array|null>} */
    const frames = {
      customer: this.queues.customer.shift() ?? null,
      agent: this.queues.agent.shift() ?? null,
      supervisor: this.queues.supervisor.shift() ?? null,
    };
    this.frames++;
    for (const listener of /** @type {Party[]} */ (['customer', 'agent', 'supervisor'])) {
      this.send(listener, mixFor(this.mode, listener, frames));
    }
  }

  start() {
    if (this.timer) return;
    this.started = this.now();
    const run = () => {
      const due = Math.floor((this.now() - this.started) / FRAME_MS);
      // After a stall (a busy event loop) send at most a few frames at once, not a burst.
      if (due - this.frames > MAX_QUEUED_FRAMES) this.frames = due - MAX_QUEUED_FRAMES;
      while (this.frames < due) this.tick();
    };
    this.timer = setInterval(run, FRAME_MS / 2);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
