// Real audio for the dev call center's Node peers (simulated customers, queue music): G.711
// µ-law, sources that send 20 ms PCMU packets into a werift track (a tone, a beep pattern or a
// looping melody) and inject RFC 4733 DTMF events, and a recorder that keeps a bounded window of
// what a peer receives and analyses it (level, dominant frequency, beep bursts), so a test can
// assert two-way audio with a real browser on the other end.
//
// PCMU at 8 kHz only: Chromium always offers it, and it is what node-jssip.mjs negotiates.
import fs from 'node:fs';
import { werift, asTelephoneEvent, createRtpHeader } from './node-jssip.mjs';
import { createDtmfReceiver, digitToEvent, encodeTelephoneEvent, isDtmfString } from './dtmf.mjs';

export const SAMPLE_RATE = 8000;
/** Samples (= RTP timestamp units) in one 20 ms packet. */
export const FRAME_SAMPLES = 160;
export const FRAME_MS = 20;
export const PCMU_PAYLOAD_TYPE = 0;
const PCMA_PAYLOAD_TYPE = 8;
/** The payload type event packets are built with; the sender rewrites it to the negotiated one. */
const EVENT_PAYLOAD_TYPE = 101;
/** A 20 ms frame counts as "active" (not silence) above this RMS, in full scale (-40 dBFS). */
export const ACTIVE_RMS = 0.01;
/** At most this many frames are sent in one timer tick to catch up after a stalled event loop. */
const MAX_CATCH_UP_FRAMES = 5;

// ---------------------------------------------------------------------------------------------
// G.711 µ-law (ITU-T G.711, the classic Sun reference algorithm)

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/**
 * @param {number} sample 16-bit signed PCM
 * @returns {number} µ-law byte
 */
export function linearToMuLaw(sample) {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  if (s > MULAW_CLIP) s = MULAW_CLIP;
  s += MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/**
 * @param {number} byte µ-law byte
 * @returns {number} 16-bit signed PCM
 */
export function muLawToLinear(byte) {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return u & 0x80 && magnitude ? -magnitude : magnitude;
}

const MULAW_DECODE = Int16Array.from({ length: 256 }, (_, b) => muLawToLinear(b));

/**
 * G.711 A-law byte to PCM (decoding only: a browser might send PCMA if the SDP allowed it).
 * @param {number} byte
 */
function aLawToLinear(byte) {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  magnitude += exponent === 0 ? 8 : 0x108;
  if (exponent > 1) magnitude <<= exponent - 1;
  return a & 0x80 ? magnitude : -magnitude;
}
const ALAW_DECODE = Int16Array.from({ length: 256 }, (_, b) => aLawToLinear(b));

/**
 * @param {ArrayLike<number>} pcm 16-bit signed samples
 * @returns {Buffer} one µ-law byte per sample
 */
export function encodePcmu(pcm) {
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = linearToMuLaw(pcm[i]);
  return out;
}

/**
 * @param {Uint8Array} payload µ-law bytes
 * @returns {Int16Array}
 */
export function decodePcmu(payload) {
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = MULAW_DECODE[payload[i]];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Generators: each returns the next 20 ms of 16-bit PCM, phase-continuous across frames.

/**
 * @typedef {{ frequency: number, ms: number, frequency2?: number }} Note
 *   frequency 0 is a rest; frequency2 adds a second simultaneous tone (a dual-tone chord)
 */

/** Queue music: a slow rising and falling two-tone chime loop with rests (about 2.4 s). */
export const DEFAULT_PROMPT = Object.freeze(/** @type {Note[]} */ ([
  { frequency: 523.25, frequency2: 659.25, ms: 300 },
  { frequency: 0, ms: 100 },
  { frequency: 659.25, frequency2: 783.99, ms: 300 },
  { frequency: 0, ms: 100 },
  { frequency: 783.99, frequency2: 1046.5, ms: 400 },
  { frequency: 0, ms: 200 },
  { frequency: 587.33, frequency2: 698.46, ms: 300 },
  { frequency: 0, ms: 100 },
  { frequency: 493.88, frequency2: 587.33, ms: 400 },
  { frequency: 0, ms: 200 },
]));

/**
 * @param {{ frequency: number, amplitude: number, onMs?: number, offMs?: number }} o
 * @returns {() => Int16Array}
 */
function toneGenerator({ frequency, amplitude, onMs, offMs }) {
  const peak = amplitude * 32767;
  const step = (2 * Math.PI * frequency) / SAMPLE_RATE;
  const period = onMs && offMs ? Math.round(((onMs + offMs) * SAMPLE_RATE) / 1000) : 0;
  const on = period ? Math.round(((onMs ?? 0) * SAMPLE_RATE) / 1000) : 0;
  let n = 0;
  return () => {
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++, n++) {
      if (period && n % period >= on) continue;
      frame[i] = Math.round(peak * Math.sin(step * n));
    }
    if (n > 1e9) n = period ? n % period : n % SAMPLE_RATE; // keep the phase exact; 1e9 is 35 h
    return frame;
  };
}

/**
 * @param {{ notes: readonly Note[], amplitude: number }} o
 * @returns {() => Int16Array}
 */
function melodyGenerator({ notes, amplitude }) {
  const fade = 80; // 10 ms attack and release, so notes do not click
  const spans = notes.map((note) => ({ ...note, samples: Math.max(FRAME_SAMPLES / 4, Math.round((note.ms * SAMPLE_RATE) / 1000)) }));
  let index = 0;
  let pos = 0;
  return () => {
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const note = spans[index];
      if (note.frequency > 0) {
        const env = Math.min(1, pos / fade, (note.samples - pos) / fade);
        const t = pos / SAMPLE_RATE;
        let v = Math.sin(2 * Math.PI * note.frequency * t);
        if (note.frequency2) v = (v + Math.sin(2 * Math.PI * note.frequency2 * t)) / 2;
        frame[i] = Math.round(amplitude * 32767 * env * v);
      }
      if (++pos >= note.samples) {
        pos = 0;
        index = (index + 1) % spans.length;
      }
    }
    return frame;
  };
}

// ---------------------------------------------------------------------------------------------
// Audio source

/**
 * @typedef {object} AudioSourceOptions
 * @property {'tone'|'prompt'|'silence'} [kind] default 'tone'
 * @property {number} [frequency]  tone frequency in Hz (default 440)
 * @property {number} [amplitude]  0..1 of full scale (default 0.3, about -10 dBFS)
 * @property {{ onMs: number, offMs: number }} [pattern] tone only: beep on/off instead of a steady tone
 * @property {readonly Note[]} [notes] prompt only: the melody to loop (default DEFAULT_PROMPT)
 * @property {number} [ssrc]       werift's sender replaces it with its own; kept for completeness
 */

/**
 * @typedef {object} AudioSource
 * @property {'tone'|'prompt'|'silence'} kind
 * @property {import('werift').MediaStreamTrack} track  hand `stream` to JsSIP (`mediaStream`)
 * @property {import('werift').MediaStream} stream
 * @property {() => void} start        begin sending (idempotent)
 * @property {() => void} stop         stop for good: timer cleared, pending DTMF rejected
 * @property {(paused: boolean) => void} setPaused  send nothing while paused (e.g. held by the
 *   remote side); time, and so the RTP timestamp, keeps running
 * @property {boolean} running
 * @property {boolean} paused
 * @property {number} packetsSent     audio and event packets written to the track
 * @property {number} eventPacketsSent
 * @property {(digits: string, options?: { durationMs?: number, gapMs?: number }) => Promise<void>} sendDtmf
 *   queues RFC 4733 events; resolves once the last end packet was written
 */

/**
 * A werift audio track fed with generated PCMU, 20 ms per packet, paced by a timer against the
 * monotonic clock (a late tick sends the frames that are due, up to a bound; longer stalls skip
 * time rather than burst). The first packet after start or resume carries the marker bit.
 * A track disabled by JsSIP (`track.enabled = false` on local hold) sends nothing.
 * @param {AudioSourceOptions} [options]
 * @returns {AudioSource}
 */
export function createAudioSource(options = {}) {
  const kind = options.kind ?? 'tone';
  const amplitude = options.amplitude ?? 0.3;
  /** @type {() => Int16Array} */
  let next;
  if (kind === 'tone') next = toneGenerator({ frequency: options.frequency ?? 440, amplitude, ...options.pattern });
  else if (kind === 'prompt') next = melodyGenerator({ notes: options.notes?.length ? options.notes : DEFAULT_PROMPT, amplitude });
  else if (kind === 'silence') next = () => new Int16Array(FRAME_SAMPLES);
  else throw new TypeError(`createAudioSource: unknown kind "${kind}"`);

  const track = new werift.MediaStreamTrack({ kind: 'audio' });
  const stream = new werift.MediaStream([track]);
  const ssrc = options.ssrc ?? (Math.random() * 0xffffffff) >>> 0;
  let seq = (Math.random() * 0xffff) | 0;
  const baseTimestamp = (Math.random() * 0xffffffff) >>> 0;
  /** Frames of media time elapsed since start; the RTP timestamp is derived from it. */
  let frame = 0;
  let startedAt = 0;
  /** @type {NodeJS.Timeout|null} */
  let timer = null;
  let stopped = false;
  let paused = false;
  let marker = true;
  let packetsSent = 0;
  let eventPacketsSent = 0;

  /**
   * @typedef {{ event: number, frames: number, gapFrames: number, sent: number, endSent: number,
   *             startTimestamp: number, resolve?: () => void, reject?: (e: Error) => void }} PendingEvent
   */
  /** @type {PendingEvent[]} */
  const events = [];
  let gapLeft = 0;

  const timestampOf = (/** @type {number} */ f) => (baseTimestamp + f * FRAME_SAMPLES) >>> 0;

  /** @param {number} payloadType @param {number} timestamp @param {Buffer} payload @param {boolean} mark */
  function packet(payloadType, timestamp, payload, mark) {
    seq = (seq + 1) & 0xffff;
    return new werift.RtpPacket(createRtpHeader({ payloadType, sequenceNumber: seq, timestamp, ssrc, marker: mark }), payload);
  }

  /** Sends what belongs to media frame `f`: the next event packet, or 20 ms of audio. */
  function sendFrame(/** @type {number} */ f) {
    const pcm = next(); // advance the generator even when nothing is sent, so time stays honest
    if (paused || track.enabled === false || track.stopped) {
      marker = true;
      return;
    }
    const current = events[0];
    if (current && gapLeft === 0) {
      if (current.sent === 0) current.startTimestamp = timestampOf(f);
      let payload;
      let mark = false;
      if (current.sent < current.frames) {
        current.sent++;
        mark = current.sent === 1; // RFC 4733 2.5.1.2: marker on the first packet of an event
        payload = encodeTelephoneEvent({ event: current.event, duration: current.sent * FRAME_SAMPLES });
      } else {
        current.endSent++;
        payload = encodeTelephoneEvent({ event: current.event, end: true, duration: current.frames * FRAME_SAMPLES });
      }
      track.writeRtp(asTelephoneEvent(packet(EVENT_PAYLOAD_TYPE, current.startTimestamp, payload, mark)));
      packetsSent++;
      eventPacketsSent++;
      if (current.endSent === 3) {
        // RFC 4733 2.5.1.4: the final packet is sent three times
        events.shift();
        gapLeft = current.gapFrames;
        current.resolve?.();
      }
      marker = true;
      return;
    }
    if (gapLeft > 0) gapLeft--;
    track.writeRtp(packet(PCMU_PAYLOAD_TYPE, timestampOf(f), encodePcmu(pcm), marker));
    marker = false;
    packetsSent++;
  }

  function tick() {
    const due = Math.floor((performance.now() - startedAt) / FRAME_MS) + 1;
    if (due - frame > MAX_CATCH_UP_FRAMES) {
      // a long stall: drop the missed media time instead of bursting it out
      const skip = due - frame - 1;
      for (let i = 0; i < skip; i++) next();
      frame += skip;
      marker = true;
    }
    while (frame < due) sendFrame(frame++);
  }

  return {
    kind,
    track,
    stream,
    start() {
      if (stopped || timer) return;
      startedAt = performance.now() - frame * FRAME_MS;
      tick();
      timer = setInterval(tick, FRAME_MS);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      for (const e of events.splice(0)) e.reject?.(new Error('audio source stopped'));
      track.stop();
    },
    setPaused(value) {
      paused = Boolean(value);
    },
    get running() {
      return timer !== null;
    },
    get paused() {
      return paused;
    },
    get packetsSent() {
      return packetsSent;
    },
    get eventPacketsSent() {
      return eventPacketsSent;
    },
    sendDtmf(digits, { durationMs = 160, gapMs = 80 } = {}) {
      if (!isDtmfString(digits)) return Promise.reject(new TypeError(`sendDtmf: "${digits}" is not a string of DTMF digits (0-9 * # A-D)`));
      if (stopped) return Promise.reject(new Error('audio source stopped'));
      if (events.length + digits.length > 64) return Promise.reject(new Error('sendDtmf: more than 64 digits queued'));
      const frames = Math.max(2, Math.min(300, Math.round(durationMs / FRAME_MS)));
      const gapFrames = Math.max(2, Math.min(100, Math.round(gapMs / FRAME_MS)));
      /** @type {Promise<void>|undefined} */
      let last;
      for (const d of digits) {
        /** @type {PendingEvent} */
        const e = { event: digitToEvent(d), frames, gapFrames, sent: 0, endSent: 0, startTimestamp: 0 };
        last = new Promise((resolve, reject) => {
          e.resolve = resolve;
          e.reject = reject;
        });
        last.catch(() => {}); // only the last digit's promise is returned; the others must not go unhandled
        events.push(e);
      }
      return /** @type {Promise<void>} */ (last);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Recorder and analysis

/**
 * @typedef {object} AudioAnalysis
 * @property {number} durationMs          audio analysed (the recorder's bounded window, or `lastMs`)
 * @property {number} rms                 0..1 of full scale, over the whole window
 * @property {number} peak                0..1
 * @property {number} activeRatio         share of 20 ms frames above ACTIVE_RMS
 * @property {number|null} dominantFrequencyHz strongest frequency of the active parts, null if silent
 * @property {{ count: number, medianLengthMs: number|null, medianIntervalMs: number|null }} bursts
 *   runs of active frames (a beeping source gives one per beep)
 * @property {Record<string, number>} tones for each requested frequency, the share (0..1) of the
 *   active frames' energy within ±`toleranceHz` of it
 */

/**
 * @typedef {object} Recorder
 * @property {number} packets           RTP packets received (audio + events + other)
 * @property {number} audioPackets      PCMU/PCMA packets
 * @property {number} voicedPackets     audio packets above ACTIVE_RMS
 * @property {number} eventPackets      telephone-event packets
 * @property {number} bytes             payload bytes received
 * @property {number|null} firstPacketAt ms epoch
 * @property {number|null} lastPacketAt
 * @property {number|null} lastVoiceAt   ms epoch of the last audio packet above ACTIVE_RMS
 * @property {number} gaps              times more than `gapMs` passed between two received packets
 *   (by arrival, monotonic clock): a stall a listener hears
 * @property {number} longestGapMs      longest time between two received packets
 * @property {() => void} resetGaps     restarts `gaps` and `longestGapMs` (e.g. after setup)
 * @property {Record<number, number>} payloadTypes packets per payload type
 * @property {import('./dtmf.mjs').ReceivedDigit[]} eventsLog DTMF digits received (bounded)
 * @property {string} digits
 * @property {Int16Array} samples decoded PCM of the last `maxSeconds`, in order (a copy)
 * @property {(digit: import('./dtmf.mjs').ReceivedDigit) => void} addDigit records a digit that
 *   came another way (SIP INFO)
 * @property {() => void} stop        unsubscribes; the data stays readable
 * @property {(path?: string) => Buffer} toWav 16-bit mono 8 kHz WAV of `samples` (written to `path` if given)
 * @property {(o?: { lastMs?: number, frequencies?: number[], toleranceHz?: number }) => AudioAnalysis} analyse
 */

/**
 * Records what arrives on a received werift track: PCMU (and PCMA) decoded into a ring buffer of
 * the last `maxSeconds` (gaps in the RTP timestamps, e.g. a hold or a DTMF event, become
 * silence, up to 10 s each), RFC 4733 events turned into digits. Memory: 2 bytes per sample,
 * 960 KB for the default 60 s.
 * @param {{ onReceiveRtp: { subscribe: (cb: (rtp: import('werift').RtpPacket) => void) => { unSubscribe: () => void } | void } } | null} track
 *   null creates a recorder to `feed()` by hand
 * @param {{ maxSeconds?: number, telephoneEventPayloadTypes?: number[] | (() => number[]),
 *           onDigit?: (d: import('./dtmf.mjs').ReceivedDigit) => void, onPacket?: (rtp: import('werift').RtpPacket) => void,
 *           gapMs?: number }} [options] gapMs: an arrival gap longer than this counts in `gaps` (default 60)
 * @returns {Recorder & { feed: (rtp: import('werift').RtpPacket) => void }}
 */
export function createRecorder(track, { maxSeconds = 60, telephoneEventPayloadTypes = [101], onDigit, onPacket, gapMs = 60 } = {}) {
  const capacity = Math.max(FRAME_SAMPLES, Math.round(maxSeconds * SAMPLE_RATE));
  const ring = new Int16Array(capacity);
  let written = 0; // total samples ever written; ring position = written % capacity
  const dtmf = createDtmfReceiver({ payloadTypes: telephoneEventPayloadTypes, onDigit });
  /** @type {number|null} */
  let lastSsrc = null;
  /** @type {number|null} */
  let expectedTimestamp = null;

  const stats = {
    packets: 0,
    audioPackets: 0,
    voicedPackets: 0,
    eventPackets: 0,
    bytes: 0,
    /** @type {number|null} */ firstPacketAt: null,
    /** @type {number|null} */ lastPacketAt: null,
    /** @type {number|null} */ lastVoiceAt: null,
    /** @type {Record<number, number>} */ payloadTypes: {},
    gaps: 0,
    longestGapMs: 0,
  };
  /** performance.now() of the last packet; -1: none since the start or resetGaps() */
  let lastArrival = -1;

  function writeSilence(/** @type {number} */ n) {
    n = Math.min(n, capacity);
    for (let i = 0; i < n; i++) ring[(written + i) % capacity] = 0;
    written += n;
  }

  function writeSamples(/** @type {Int16Array} */ pcm) {
    for (let i = 0; i < pcm.length; i++) ring[(written + i) % capacity] = pcm[i];
    written += pcm.length;
  }

  /** @param {import('werift').RtpPacket} rtp */
  function feed(rtp) {
    const now = Date.now();
    const arrival = performance.now();
    if (lastArrival >= 0) {
      const gap = arrival - lastArrival;
      if (gap > gapMs) stats.gaps++;
      if (gap > stats.longestGapMs) stats.longestGapMs = gap;
    }
    lastArrival = arrival;
    const { header, payload } = rtp;
    stats.packets++;
    stats.bytes += payload.length;
    stats.firstPacketAt ??= now;
    stats.lastPacketAt = now;
    stats.payloadTypes[header.payloadType] = (stats.payloadTypes[header.payloadType] ?? 0) + 1;
    onPacket?.(rtp);
    if (dtmf.handle(rtp)) {
      stats.eventPackets++;
      return;
    }
    const table = header.payloadType === PCMU_PAYLOAD_TYPE ? MULAW_DECODE : header.payloadType === PCMA_PAYLOAD_TYPE ? ALAW_DECODE : null;
    if (!table) return;
    const pcm = new Int16Array(payload.length);
    let sum = 0;
    for (let i = 0; i < payload.length; i++) {
      pcm[i] = table[payload[i]];
      sum += pcm[i] * pcm[i];
    }
    const ts = header.timestamp >>> 0;
    if (lastSsrc === header.ssrc && expectedTimestamp !== null) {
      const gap = (ts - expectedTimestamp) >>> 0; // modulo 2^32
      if (gap > 0 && gap <= 10 * SAMPLE_RATE) writeSilence(gap);
      else if (gap !== 0 && gap < 0x80000000) {
        /* a jump of more than 10 s: a discontinuity, not silence worth storing */
      } else if (gap !== 0) return; // late or duplicate packet (negative gap): already covered
    }
    lastSsrc = header.ssrc;
    expectedTimestamp = (ts + pcm.length) >>> 0;
    writeSamples(pcm);
    stats.audioPackets++;
    if (pcm.length && Math.sqrt(sum / pcm.length) / 32768 >= ACTIVE_RMS) {
      stats.voicedPackets++;
      stats.lastVoiceAt = now;
    }
  }

  const subscription = /** @type {{ unSubscribe: () => void } | undefined} */ (track?.onReceiveRtp.subscribe(feed) || undefined);

  function samples(/** @type {number} */ lastSamples = capacity) {
    const n = Math.min(written, capacity, lastSamples);
    const out = new Int16Array(n);
    const start = written - n;
    for (let i = 0; i < n; i++) out[i] = ring[(start + i) % capacity];
    return out;
  }

  return {
    get packets() { return stats.packets; },
    get audioPackets() { return stats.audioPackets; },
    get voicedPackets() { return stats.voicedPackets; },
    get eventPackets() { return stats.eventPackets; },
    get bytes() { return stats.bytes; },
    get firstPacketAt() { return stats.firstPacketAt; },
    get lastPacketAt() { return stats.lastPacketAt; },
    get lastVoiceAt() { return stats.lastVoiceAt; },
    get gaps() { return stats.gaps; },
    get longestGapMs() { return stats.longestGapMs; },
    resetGaps() {
      stats.gaps = 0;
      stats.longestGapMs = 0;
      lastArrival = -1;
    },
    get payloadTypes() { return { ...stats.payloadTypes }; },
    get eventsLog() { return dtmf.log; },
    get digits() { return dtmf.digits; },
    get samples() { return samples(); },
    addDigit(d) { dtmf.add(d); },
    feed,
    stop() {
      subscription?.unSubscribe();
    },
    toWav(path) {
      const wav = pcmToWav(samples());
      if (path) fs.writeFileSync(path, wav);
      return wav;
    },
    analyse({ lastMs, frequencies = [], toleranceHz = 25 } = {}) {
      return analysePcm(samples(lastMs ? Math.round((lastMs * SAMPLE_RATE) / 1000) : capacity), { frequencies, toleranceHz });
    },
  };
}

/**
 * @param {Int16Array} pcm 8 kHz mono
 * @returns {Buffer} a RIFF/WAVE file, 16-bit PCM
 */
export function pcmToWav(pcm) {
  const data = pcm.length * 2;
  const wav = Buffer.alloc(44 + data);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + data, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(SAMPLE_RATE, 24);
  wav.writeUInt32LE(SAMPLE_RATE * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(data, 40);
  for (let i = 0; i < pcm.length; i++) wav.writeInt16LE(pcm[i], 44 + i * 2);
  return wav;
}

const FFT_SIZE = 1024; // 128 ms at 8 kHz, 7.8 Hz per bin
const MAX_FFT_WINDOWS = 200;

/** In-place iterative radix-2 FFT. */
function fft(/** @type {Float64Array} */ re, /** @type {Float64Array} */ im) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const ar = re[i + k + len / 2];
        const ai = im[i + k + len / 2];
        const tr = ar * wr - ai * wi;
        const ti = ar * wi + ai * wr;
        re[i + k + len / 2] = re[i + k] - tr;
        im[i + k + len / 2] = im[i + k] - ti;
        re[i + k] += tr;
        im[i + k] += ti;
      }
    }
  }
}

const median = (/** @type {number[]} */ xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * Level, activity, beep bursts and the dominant frequency of 8 kHz PCM. The spectrum is the
 * average of Hann-windowed 1024-point FFTs over the windows that hold active audio (so a 20 ms
 * beep every 500 ms still shows its pitch), refined by parabolic interpolation.
 * @param {Int16Array} pcm
 * @param {{ frequencies?: number[], toleranceHz?: number }} [o]
 * @returns {AudioAnalysis}
 */
export function analysePcm(pcm, { frequencies = [], toleranceHz = 25 } = {}) {
  const frames = Math.floor(pcm.length / FRAME_SAMPLES);
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < pcm.length; i++) {
    sum += pcm[i] * pcm[i];
    peak = Math.max(peak, Math.abs(pcm[i]));
  }
  /** @type {boolean[]} */
  const active = [];
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let i = f * FRAME_SAMPLES; i < (f + 1) * FRAME_SAMPLES; i++) s += pcm[i] * pcm[i];
    active.push(Math.sqrt(s / FRAME_SAMPLES) / 32768 >= ACTIVE_RMS);
  }
  /** @type {number[]} */
  const starts = [];
  /** @type {number[]} */
  const lengths = [];
  for (let f = 0; f < frames; f++) {
    if (!active[f]) continue;
    if (f === 0 || !active[f - 1]) {
      starts.push(f);
      lengths.push(0);
    }
    lengths[lengths.length - 1]++;
  }
  const intervals = starts.slice(1).map((s, i) => (s - starts[i]) * FRAME_MS);

  // Spectrum of the windows that contain active frames.
  const spectrum = new Float64Array(FFT_SIZE / 2);
  const hann = Float64Array.from({ length: FFT_SIZE }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (FFT_SIZE - 1)));
  /** @type {number[]} */
  const windowStarts = [];
  for (let start = 0; start + FFT_SIZE <= pcm.length; start += FFT_SIZE / 2) {
    const first = Math.floor(start / FRAME_SAMPLES);
    const last = Math.floor((start + FFT_SIZE - 1) / FRAME_SAMPLES);
    for (let f = first; f <= last && f < frames; f++) {
      if (active[f]) {
        windowStarts.push(start);
        break;
      }
    }
  }
  const stride = Math.max(1, Math.ceil(windowStarts.length / MAX_FFT_WINDOWS));
  const re = new Float64Array(FFT_SIZE);
  const im = new Float64Array(FFT_SIZE);
  let used = 0;
  for (let w = 0; w < windowStarts.length; w += stride) {
    for (let i = 0; i < FFT_SIZE; i++) {
      re[i] = pcm[windowStarts[w] + i] * hann[i];
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < FFT_SIZE / 2; k++) spectrum[k] += re[k] * re[k] + im[k] * im[k];
    used++;
  }
  const binHz = SAMPLE_RATE / FFT_SIZE;
  let dominantFrequencyHz = null;
  if (used) {
    let best = -1;
    for (let k = Math.ceil(50 / binHz); k < FFT_SIZE / 2 - 1; k++) if (best < 0 || spectrum[k] > spectrum[best]) best = k;
    if (best > 0 && spectrum[best] > 0) {
      const [a, b, c] = [spectrum[best - 1], spectrum[best], spectrum[best + 1]].map((v) => Math.log(v + 1e-12));
      const denom = a - 2 * b + c;
      const offset = denom !== 0 ? (0.5 * (a - c)) / denom : 0;
      dominantFrequencyHz = Math.round((best + Math.max(-0.5, Math.min(0.5, offset))) * binHz * 10) / 10;
    }
  }
  /** @type {Record<string, number>} */
  const tones = {};
  let total = 0;
  for (let k = 1; k < FFT_SIZE / 2; k++) total += spectrum[k];
  for (const f of frequencies) {
    let band = 0;
    for (let k = Math.max(1, Math.floor((f - toleranceHz) / binHz)); k <= Math.ceil((f + toleranceHz) / binHz) && k < FFT_SIZE / 2; k++) band += spectrum[k];
    tones[String(f)] = total > 0 ? Math.round((band / total) * 1000) / 1000 : 0;
  }

  return {
    durationMs: Math.round((pcm.length * 1000) / SAMPLE_RATE),
    rms: pcm.length ? Math.sqrt(sum / pcm.length) / 32768 : 0,
    peak: peak / 32768,
    activeRatio: frames ? active.filter(Boolean).length / frames : 0,
    dominantFrequencyHz,
    bursts: { count: starts.length, medianLengthMs: lengths.length ? /** @type {number} */ (median(lengths)) * FRAME_MS : null, medianIntervalMs: median(intervals) },
    tones,
  };
}
