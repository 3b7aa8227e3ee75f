import { ERROR } from '../../machines/agent-types.js';
import type { CcErrorInfo } from '../../machines/agent-types.js';
import { CcError } from '../errors.js';
import type { MediaLeg } from '../sip/media-plug.js';
import { echoTest } from './echo-test.js';
import type { CcEchoTest } from './echo-test.js';
import type { CcDevice, CcDeviceKind, CcDeviceList, CcMediaPart } from './media-types.js';

/** Why the device in use changed: the agent chose it, it was unplugged, or the chosen one came back. */
export type CcDeviceChangeReason = 'chosen' | 'unplugged' | 'plugged';

export interface CcDeviceChangeDetail {
  readonly kind: CcDeviceKind;
  /** The device now in use ('' = the browser's default). */
  readonly deviceId: string;
  readonly label: string;
  readonly reason: CcDeviceChangeReason;
}

/** The device in use for a kind changed (a choice, or a headset unplugged / plugged back). */
export class CcDeviceChangeEvent extends CustomEvent<CcDeviceChangeDetail> {
  static readonly eventName = 'cc-device-change';

  constructor(detail: CcDeviceChangeDetail) {
    super(CcDeviceChangeEvent.eventName, { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface HTMLElementEventMap {
    'cc-device-change': CcDeviceChangeEvent;
  }
}

/** Why the microphone cannot be used: the browser or the system blocks it, there is none, it does not start. */
export type CcMicProblem = 'denied' | 'missing' | 'busy';

/** What `attach()` needs of a phone: where its calls play (a relaying tab's phone has none). */
export interface CcDevicesPhone {
  readonly audio?: HTMLAudioElement;
}

type Choice = Record<CcDeviceKind, string>;

const KINDS: readonly CcDeviceKind[] = ['microphone', 'speaker', 'ringer'];
const NONE: Choice = { microphone: '', speaker: '', ringer: '' };

/** The browser's pseudo devices that mean "the default": the choice '' stands for them. */
const isPseudo = (id: string) => id === 'default' || id === 'communications';

/** A sender that sends a capture device's track (a conference mix has no deviceId and is left alone). */
const micSender = (s: RTCRtpSender) => s.track?.kind === 'audio' && s.track.getSettings().deviceId !== undefined;

function problemOf(error: unknown): CcMicProblem {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  return 'busy';
}

/**
 * The agent's devices: which microphone calls send, where calls and the ringtone play, chosen
 * per browser (localStorage under the storage key) and kept through hot-plugging. Plugs into a
 * phone's call legs (`audio()`, `leg()`, `ringSink()`; src/sip/media-plug.ts); also the level
 * meter and the echo test of `<cc-devices>`. The microphone opens for the meter only while
 * someone watches it (`watchLevel()`) or an echo test runs.
 */
export class CcDevices implements CcMediaPart {
  /** The last reason the microphone could not be used; null once it worked. */
  problem: CcMicProblem | null = null;
  private chosen: Choice;
  /** What is in use: the choice while it is plugged in, else '' (the default). */
  private readonly using: Choice;
  private phone: CcDevicesPhone | null = null;
  /** Live call legs' peer connections, with the microphone tracks this object put into them. */
  private readonly legs = new Map<RTCPeerConnection, MediaStreamTrack[]>();
  private readonly watched = new WeakSet<MediaStreamTrack>();
  private readonly listeners = new Set<() => void>();
  /** Device lists and switches run one after the other: two hot-plug events must not race. */
  private queue: Promise<unknown> = Promise.resolve();
  private labels = new Map<string, string>();
  private present: Set<string> | null = null;
  /** The meter's microphone, open while watched or while the echo test runs. */
  private mic: { track: MediaStreamTrack; ctx: AudioContext; node: MediaStreamAudioSourceNode; analyser: AnalyserNode } | null = null;
  private micOpening: Promise<MediaStreamTrack> | null = null;
  private watchers = 0;
  private echo: CcEchoTest | null = null;
  private echoRelease: () => void = () => undefined;
  private disposed = false;

  constructor(
    private readonly host: HTMLElement,
    private readonly storageKey: string,
  ) {
    this.chosen = { ...NONE, ...this.load() };
    this.using = { ...this.chosen };
    navigator.mediaDevices?.addEventListener('devicechange', this.onDeviceChange);
    host.addEventListener('cc-error', this.onError);
    this.onDeviceChange();
  }

  /** The phone whose calls play on the chosen speaker and whose live legs switch microphones. */
  attach(phone: CcDevicesPhone | null): void {
    this.phone = phone;
    void this.sinkAll();
  }

  /** getUserMedia's audio for a call: the microphone in use, falling back to the default one if it is gone by then. */
  audio(): MediaTrackConstraints | boolean {
    const id = this.using.microphone;
    // Chromium ignores an `ideal` deviceId when another microphone is open, so `exact` while the
    // device is listed (`using` falls back to '' on unplug); `ideal` while nothing is known yet.
    return id ? { deviceId: this.present ? { exact: id } : { ideal: id } } : true;
  }

  /** Where the ringtone plays ('' = the default output). */
  ringSink(): string {
    return this.using.ringer;
  }

  /** A call leg: its microphone follows the device switches until it ends. */
  leg(leg: MediaLeg): void {
    const pc = leg.pc;
    this.legs.set(pc, []);
    // The call opened the microphone: the first time in this page, device ids are listed from now on.
    if (!this.present) this.onDeviceChange();
    const watch = () => pc.getSenders().forEach((s) => s.track && this.watchEnded(s.track));
    pc.addEventListener('signalingstatechange', watch);
    watch();
    void leg.ended.then(() => {
      this.legs.get(pc)?.forEach((t) => t.stop());
      this.legs.delete(pc);
    });
  }

  /** The devices the browser lists and the choices (labels need the microphone permission). */
  list(): Promise<CcDeviceList> {
    return this.serial(async () => {
      const all = await this.enumerate();
      const of = (kind: MediaDeviceKind): CcDevice[] =>
        all.filter((d) => d.kind === kind && !isPseudo(d.deviceId)).map(({ deviceId, label }) => ({ deviceId, label }));
      return { microphones: of('audioinput'), speakers: of('audiooutput'), chosen: { ...this.chosen } };
    });
  }

  /**
   * Chooses a device ('' or 'default': the browser's default) and remembers it in this browser.
   * A microphone switch reaches the live calls (their mute state kept) and the meter; a speaker
   * switch the calls' audio and the echo test. Rejects with 7101 for an unknown id, 8001 when the
   * microphone cannot be opened.
   */
  set(kind: CcDeviceKind, deviceId: string): Promise<void> {
    return this.serial(async () => {
      if (!KINDS.includes(kind)) throw new CcError({ errorCode: ERROR.invalidArgument, errorMsg: `setDevice: unknown device kind "${String(kind)}" (microphone, speaker, ringer)` });
      const id = isPseudo(deviceId) ? '' : String(deviceId ?? '');
      if (id) {
        const all = await this.enumerate();
        const want: MediaDeviceKind = kind === 'microphone' ? 'audioinput' : 'audiooutput';
        if (!all.some((d) => d.kind === want && d.deviceId === id)) {
          throw new CcError({ errorCode: ERROR.invalidArgument, errorMsg: `setDevice: no ${kind} with deviceId "${id}" in this browser` });
        }
      }
      await this.apply(kind, id, 'chosen');
      this.chosen = { ...this.chosen, [kind]: id };
      try {
        localStorage.setItem(this.storageKey, JSON.stringify(this.chosen));
      } catch {
        // Storage may be off (private mode, quota): the choice holds for this page.
      }
      this.notify();
    });
  }

  /** The microphone level, 0..1 (-60..0 dBFS), while the meter's microphone is open (else 0). */
  level(): number {
    const mic = this.mic;
    if (!mic) return 0;
    const samples = new Float32Array(mic.analyser.fftSize);
    mic.analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    // -60..0 dBFS: a speaking voice fills about half of it, as on a mixing desk.
    const db = 10 * Math.log10(sum / samples.length || 1e-12);
    return Math.min(1, Math.max(0, (db + 60) / 60));
  }

  /**
   * Opens the meter's microphone until the returned function is called (the device panel, while
   * open). Rejects with 8001 when the microphone cannot be opened (see `problem`).
   */
  async watchLevel(): Promise<() => void> {
    this.watchers += 1;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      this.watchers -= 1;
      this.closeMicIfUnused();
    };
    try {
      await this.openMic();
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  /** True while an echo test runs. */
  get echoing(): boolean {
    return this.echo !== null;
  }

  /** The audio the echo test got back through WebRTC (null when none runs). */
  echoStream(): MediaStream | null {
    return this.echo?.stream() ?? null;
  }

  /**
   * The agent hears themself through a loopback pair of peer connections on the chosen speaker;
   * resolves once the audio came back. Rejects with 8001 (no microphone) or 7020 (nothing came back).
   */
  async startEchoTest(): Promise<void> {
    if (this.echo) return;
    // The echo test watches the meter's microphone like an open panel does.
    const release = await this.watchLevel();
    const echo = echoTest(this.mic!.track, this.using.speaker);
    this.echo = echo;
    this.echoRelease = release;
    this.notify();
    try {
      await echo.started;
    } catch (error) {
      if (this.echo === echo) this.stopEchoTest();
      throw error;
    }
  }

  /** Ends the echo test: both peer connections and, unless the meter is watched, the microphone. */
  stopEchoTest(): void {
    const echo = this.echo;
    if (!echo) return;
    this.echo = null;
    echo.stop();
    this.echoRelease();
    this.notify();
  }

  /** Calls `listener` after each change of the choices, the devices in use, the problem or the echo test. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Releases every microphone track, peer connection and listener it holds. */
  dispose(): void {
    this.disposed = true;
    navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    this.host.removeEventListener('cc-error', this.onError);
    this.stopEchoTest();
    this.watchers = 0;
    this.closeMicIfUnused();
    for (const tracks of this.legs.values()) tracks.forEach((t) => t.stop());
    this.legs.clear();
    this.listeners.clear();
  }

  private load(): Partial<Choice> {
    try {
      const saved = JSON.parse(localStorage.getItem(this.storageKey) ?? '{}') as Record<string, unknown>;
      return Object.fromEntries(KINDS.filter((k) => typeof saved[k] === 'string').map((k) => [k, saved[k] as string]));
    } catch {
      return {};
    }
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private async enumerate(): Promise<MediaDeviceInfo[]> {
    const all = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
    // Before the microphone permission the ids are blank: which devices are plugged in is unknown then.
    this.present = all.some((d) => d.kind !== 'videoinput' && !d.deviceId) ? null : new Set(all.map((d) => d.deviceId));
    this.labels = new Map(all.map((d) => [d.deviceId, d.label]));
    return all;
  }

  /** Makes `deviceId` the one in use for `kind` and tells the host. */
  private async apply(kind: CcDeviceKind, deviceId: string, reason: CcDeviceChangeReason): Promise<void> {
    if (kind === 'microphone') await this.switchMic(deviceId);
    this.using[kind] = deviceId;
    if (kind === 'speaker') await this.sinkAll();
    this.host.dispatchEvent(new CcDeviceChangeEvent({ kind, deviceId, label: this.labels.get(deviceId || 'default') ?? '', reason }));
    this.notify();
  }

  /** Opens `deviceId` ('' = the default); a failure is a 8001 error and a `problem`. */
  private async capture(deviceId: string): Promise<MediaStreamTrack> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true, video: false });
      const track = stream.getAudioTracks()[0]!;
      this.setProblem(null);
      if (this.disposed) track.stop();
      return track;
    } catch (error) {
      this.setProblem(problemOf(error));
      const { name = 'Error', message = String(error) } = error as { name?: string; message?: string };
      throw new CcError({ errorCode: ERROR.getUserMediaFailed, errorMsg: `Microphone unavailable (${name}): ${message}` });
    }
  }

  private setProblem(problem: CcMicProblem | null): void {
    if (this.problem === problem) return;
    this.problem = problem;
    this.notify();
  }

  /**
   * Every live leg's microphone and the meter's get a track of `deviceId`: replaceTrack keeps the
   * call (no renegotiation), `enabled` carries the mute over, the old track is stopped.
   */
  private async switchMic(deviceId: string): Promise<void> {
    const senders = [...this.legs].flatMap(([pc, owned]) => (pc.signalingState === 'closed' ? [] : pc.getSenders().filter(micSender).map((s) => [s, owned] as const)));
    if (senders.length === 0 && !this.mic) return;
    const fresh = await this.capture(deviceId);
    let first = true;
    const next = () => (first ? ((first = false), fresh) : fresh.clone());
    for (const [sender, owned] of senders) {
      const old = sender.track;
      const track = next();
      track.enabled = old?.enabled ?? true;
      this.watchEnded(track);
      await sender.replaceTrack(track);
      owned.push(track);
      old?.stop();
    }
    if (this.mic) await this.meterOn(next());
    if (first) fresh.stop();
  }

  private watchEnded(track: MediaStreamTrack): void {
    if (this.watched.has(track)) return;
    this.watched.add(track);
    // The device went away under a live track (a headset unplugged): Chromium ends the track,
    // sometimes before devicechange arrives.
    track.addEventListener('ended', () => {
      void this.serial(async () => {
        await this.refresh();
        const dead = [...this.legs.keys()].some((pc) => pc.signalingState !== 'closed' && pc.getSenders().some((s) => micSender(s) && s.track?.readyState === 'ended'));
        if (dead && !this.disposed) await this.apply('microphone', this.using.microphone, 'unplugged');
      }).catch(() => undefined);
    });
  }

  /** Compares the choices with the devices plugged in and switches what changed. */
  private async refresh(): Promise<void> {
    await this.enumerate();
    if (!this.present) return;
    for (const kind of KINDS) {
      const chosen = this.chosen[kind];
      const next = chosen && this.present.has(chosen) ? chosen : '';
      if (next !== this.using[kind] && !this.disposed) await this.apply(kind, next, next ? 'plugged' : 'unplugged');
    }
  }

  private readonly onDeviceChange = (): void => {
    void this.serial(() => this.refresh()).catch(() => undefined);
  };

  /** A call could not open the microphone (8001): ask once more, to tell denied from missing. */
  private readonly onError = (event: Event): void => {
    if ((event as CustomEvent<CcErrorInfo>).detail?.errorCode !== ERROR.getUserMediaFailed || this.disposed) return;
    void this.capture(this.using.microphone).then(
      (track) => track.stop(),
      () => undefined,
    );
  };

  private async sinkAll(): Promise<void> {
    const id = this.using.speaker;
    const audio = this.phone?.audio;
    if (audio && audio.sinkId !== id) await audio.setSinkId(id).catch(() => undefined);
    await this.echo?.sink(id);
  }

  private openMic(): Promise<MediaStreamTrack> {
    if (this.mic) return Promise.resolve(this.mic.track);
    this.micOpening ??= this.capture(this.using.microphone)
      .then(async (track) => {
        await this.meterOn(track);
        return track;
      })
      .finally(() => (this.micOpening = null));
    return this.micOpening;
  }

  /** The meter (and a running echo test) listen to `track` from now on; the previous one is stopped. */
  private async meterOn(track: MediaStreamTrack): Promise<void> {
    const old = this.mic;
    const ctx = old?.ctx ?? new AudioContext();
    const analyser = old?.analyser ?? new AnalyserNode(ctx, { fftSize: 1024 });
    old?.node.disconnect();
    const node = ctx.createMediaStreamSource(new MediaStream([track]));
    node.connect(analyser);
    this.mic = { track, ctx, node, analyser };
    await this.echo?.replace(track);
    old?.track.stop();
    // Opened by a click in the panel, but an AudioContext may still start suspended.
    void ctx.resume().catch(() => undefined);
    this.closeMicIfUnused();
  }

  private closeMicIfUnused(): void {
    const mic = this.mic;
    if (!mic || (this.watchers > 0 && !this.disposed)) return;
    this.mic = null;
    mic.node.disconnect();
    mic.track.stop();
    void mic.ctx.close().catch(() => undefined);
  }
}
