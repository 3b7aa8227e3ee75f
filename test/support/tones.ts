/**
 * Who hears whom, in the browser: each call's microphone is a sine tone chosen by the test
 * (customer, agent and supervisor each their own), and what a peer connection receives is
 * analysed with Web Audio. Used by the monitoring and conference tests.
 */
import type { MediaProbe } from './e2e.js';
import { sleep, waitFor } from './e2e.js';

let context: AudioContext | null = null;
let nextHz = 1200;

/** The tone the next getUserMedia call (the next answer or dial) sends. */
export function setTone(hz: number): void {
  nextHz = hz;
}

/**
 * Replaces the microphone with tones (after `probe.install()`): each getUserMedia gets a new
 * oscillator at the current `setTone` frequency; its track counts as a microphone track for the
 * probe's leak check, and stopping it stops the oscillator.
 */
export function installToneMicrophone(probe: MediaProbe): void {
  context ??= new AudioContext();
  const ctx = context;
  navigator.mediaDevices.getUserMedia = async () => {
    const oscillator = ctx.createOscillator();
    oscillator.frequency.value = nextHz;
    const gain = ctx.createGain();
    gain.gain.value = 0.3;
    const destination = ctx.createMediaStreamDestination();
    oscillator.connect(gain).connect(destination);
    oscillator.start();
    const track = destination.stream.getAudioTracks()[0] as MediaStreamTrack;
    const stop = track.stop.bind(track);
    track.stop = () => {
      stop();
      oscillator.stop();
      oscillator.disconnect();
    };
    probe.tracks.push(track);
    return destination.stream;
  };
}

/**
 * The share (0..1) of each frequency (±25 Hz) in what `pc` receives (or in a stream, e.g. what an
 * audio element plays), over `ms` of audio: a tone that is heard has a large share, one that is
 * not stays near 0.
 */
export async function heardShares(from: RTCPeerConnection | MediaStream, frequencies: readonly number[], ms = 1200): Promise<Record<number, number>> {
  context ??= new AudioContext();
  const ctx = context;
  const track = from instanceof MediaStream ? from.getAudioTracks()[0] : from.getReceivers().find((r) => r.track.kind === 'audio')?.track;
  if (!track) throw new Error('no audio track to analyse');
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 8192;
  analyser.smoothingTimeConstant = 0;
  source.connect(analyser);
  const bins = new Float32Array(analyser.frequencyBinCount);
  const power = new Float64Array(analyser.frequencyBinCount);
  const rounds = Math.max(1, Math.round(ms / 100));
  for (let i = 0; i < rounds; i++) {
    await sleep(100);
    analyser.getFloatFrequencyData(bins);
    for (let k = 0; k < bins.length; k++) power[k] = (power[k] ?? 0) + 10 ** ((bins[k] ?? -200) / 10);
  }
  source.disconnect();
  const binHz = ctx.sampleRate / analyser.fftSize;
  let total = 0;
  for (let k = Math.ceil(100 / binHz); k < power.length; k++) total += power[k] ?? 0;
  const shares: Record<number, number> = {};
  for (const f of frequencies) {
    let band = 0;
    for (let k = Math.floor((f - 25) / binHz); k <= Math.ceil((f + 25) / binHz); k++) band += power[k] ?? 0;
    shares[f] = total > 0 ? Math.round((band / total) * 1000) / 1000 : 0;
  }
  return shares;
}

/** Heard: at least this share of the received audio. */
export const HEARD = 0.08;
/** Not heard: at most this share (codec noise, the mixer's other parties). */
export const SILENT = 0.02;

/** Waits until `check` holds for what `read` returns (mixing and jitter buffers take a moment); the failure shows the last reading. */
export async function untilHeard<T>(read: () => Promise<T>, check: (v: T) => boolean, what: string, timeoutMs = 12_000): Promise<T> {
  let last: T | null = null;
  try {
    return await waitFor(async () => {
      last = await read();
      return check(last) ? last : null;
    }, what, timeoutMs, 200);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last)}`);
  }
}
