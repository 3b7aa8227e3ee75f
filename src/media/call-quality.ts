/**
 * Live call quality: every call leg's getStats() read every few seconds into packet loss, jitter,
 * round-trip time and an estimated MOS (./e-model.ts); a level for the agent (`good`, `poor`,
 * `bad`) that changes only after two intervals agree; `cc-call-quality` on the host when it
 * changes; a summary per call for the `cc-call-released` detail.
 */
import type { MediaLeg } from '../sip/media-plug.js';
import type { PhoneApi } from '../phone-api.js';
import type { CcMediaPart, CcQualityFigures } from './media-types.js';
import { mosOf } from './e-model.js';

/** How the line sounds: `poor` and `bad` show the warning in the call panel. */
export type CcQualityLevel = 'good' | 'poor' | 'bad';

const SEVERITY: Readonly<Record<CcQualityLevel, number>> = { good: 0, poor: 1, bad: 2 };
const LEVELS: readonly CcQualityLevel[] = ['good', 'poor', 'bad'];

/**
 * The thresholds of one interval, from the worst figure. MOS: G.109 (R 60..70, MOS 3.1..3.6: "many
 * users dissatisfied"; below: "nearly all"); loss, jitter and RTT each on their own, so a line
 * that the E-model still rates fine but that an agent hears breaking up is named too.
 */
export const QUALITY_THRESHOLDS = {
  poor: { mos: 3.6, lossPercent: 5, jitterMs: 30, rttMs: 400 },
  bad: { mos: 3.1, lossPercent: 15, jitterMs: 60, rttMs: 800 },
} as const;

/** Intervals in a row that must agree before the level changes (either way): no flapping. */
const AGREE = 2;
/** Ended calls kept for `released()` at most (a replaced leg's call may never be released). */
const KEPT = 8;

/** The level of one interval's figures. */
export function levelOf(f: CcQualityFigures): CcQualityLevel {
  const over = (t: (typeof QUALITY_THRESHOLDS)['poor' | 'bad']): boolean =>
    f.mos < t.mos || f.lossPercent >= t.lossPercent || f.jitterMs >= t.jitterMs || (f.rttMs ?? 0) >= t.rttMs;
  return over(QUALITY_THRESHOLDS.bad) ? 'bad' : over(QUALITY_THRESHOLDS.poor) ? 'poor' : 'good';
}

/** A call's quality now: what `getCallQuality()` returns and `<cc-call-quality>` shows. */
export interface CcCallQualityState {
  /** The SIP Call-ID, as in the other call events' `detail.callId`. */
  readonly callId: string;
  readonly level: CcQualityLevel;
  /** The last interval's figures. */
  readonly figures: CcQualityFigures;
}

/** The detail of `cc-call-quality`. */
export type CcCallQualityDetail = CcCallQualityState;

/**
 * The level of a call's audio changed (never fired for a call that stays `good`). `figures` are
 * those of the interval that confirmed the change; for the figures of every interval, read
 * `getCallQuality()`.
 */
export class CcCallQualityEvent extends CustomEvent<CcCallQualityDetail> {
  static readonly eventName = 'cc-call-quality';

  constructor(detail: CcCallQualityDetail) {
    super(CcCallQualityEvent.eventName, { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'cc-call-quality': CcCallQualityEvent;
  }
}

/** A whole call, spread into `cc-call-released` as `detail.quality`. */
export interface CcQualitySummary {
  /** Intervals that carried audio (intervals without any packet, e.g. on hold, do not count). */
  readonly samples: number;
  readonly mos: { readonly avg: number; readonly min: number };
  /** Inbound packets lost over the whole call, percent of expected. */
  readonly lossPercent: number;
  readonly jitterMs: { readonly avg: number; readonly max: number };
  /** Null when no round-trip time was ever measured. */
  readonly rttMs: { readonly avg: number; readonly max: number } | null;
  /** The worst level the call reached (the warning's level, after the two-interval rule). */
  readonly worstLevel: CcQualityLevel;
}

export interface CcCallQualityOptions {
  /** Milliseconds between two getStats() reads (default 2000). */
  readonly intervalMs?: number;
  /** The phone whose calls are measured (default: the host's `phone` property, as `<cc-workbench>` has). */
  readonly phone?: () => PhoneApi | null;
}

/** Counters of the inbound audio at one read. */
interface Counters {
  readonly lost: number;
  readonly received: number;
}

/** What is kept per call (every leg of one workbench call id adds to it). */
interface CallRecord {
  readonly callId: string;
  sipCallId: string;
  level: CcQualityLevel;
  /** The levels of the last intervals, newest last. */
  recent: CcQualityLevel[];
  worst: CcQualityLevel;
  /** Legs being read now, and how to stop each. */
  readonly legs: Set<() => void>;
  /** Every interval that carried audio (a 1 h call at 2 s: 1800 small objects). */
  readonly samples: CcQualityFigures[];
  lost: number;
  expected: number;
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Inbound audio counters, jitter (s) and round-trip time (s) of one getStats() report. */
function readStats(report: RTCStatsReport): Counters & { jitter: number; rtt: number | null } {
  let lost = 0;
  let received = 0;
  let jitter = 0;
  let remoteRtt: number | null = null;
  let nominatedRtt: number | null = null;
  let selectedPair = '';
  const pairs = new Map<string, number>();
  report.forEach((s: Record<string, unknown>) => {
    const audio = s['kind'] === 'audio' || s['mediaType'] === 'audio';
    const num = (key: string): number | null => (typeof s[key] === 'number' ? (s[key] as number) : null);
    if (s['type'] === 'inbound-rtp' && audio) {
      lost += num('packetsLost') ?? 0;
      received += num('packetsReceived') ?? 0;
      jitter = Math.max(jitter, num('jitter') ?? 0);
    } else if (s['type'] === 'remote-inbound-rtp' && audio) {
      remoteRtt = num('roundTripTime') ?? remoteRtt;
    } else if (s['type'] === 'transport' && typeof s['selectedCandidatePairId'] === 'string') {
      selectedPair = s['selectedCandidatePairId'];
    } else if (s['type'] === 'candidate-pair') {
      const rtt = num('currentRoundTripTime');
      if (rtt !== null) pairs.set(String(s['id']), rtt);
      if (rtt !== null && s['nominated'] === true && s['state'] === 'succeeded') nominatedRtt = rtt;
    }
  });
  // RTCP's round trip (the far end's receiver reports) is the media path's; ICE's is the fallback.
  return { lost: Math.max(0, lost), received, jitter, rtt: remoteRtt ?? pairs.get(selectedPair) ?? nominatedRtt };
}

/**
 * Measures the audio of every call leg the phone reports (`Phone.media.leg`). Built once per
 * workbench by the media chunk; `<cc-call-quality>` shows `current()`.
 */
export class CcCallQuality implements CcMediaPart {
  private readonly intervalMs: number;
  private readonly phone: () => PhoneApi | null;
  private readonly calls = new Map<string, CallRecord>();
  private readonly stops = new Set<() => void>();
  private readonly observers = new Set<(state: CcCallQualityState | null) => void>();

  constructor(
    /** Where `cc-call-quality` is dispatched (the workbench). */
    private readonly host: HTMLElement,
    options: CcCallQualityOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 2000;
    this.phone = options.phone ?? (() => (host as HTMLElement & { phone?: PhoneApi | null }).phone ?? null);
  }

  /** Starts reading a leg's stats every interval until the leg ends (or `released`, `dispose`). */
  leg(leg: MediaLeg): void {
    let record = this.calls.get(leg.callId);
    if (!record) {
      record = { callId: leg.callId, sipCallId: leg.callId, level: 'good', recent: [], worst: 'good', legs: new Set(), samples: [], lost: 0, expected: 0 };
      this.calls.set(leg.callId, record);
      this.forgetOld();
    }
    const call = record;
    this.resolveCallId(call);
    // A new peer connection counts from zero.
    let last: Counters = { lost: 0, received: 0 };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      this.stops.delete(stop);
      call.legs.delete(stop);
      this.notify();
    };
    const poll = async (): Promise<void> => {
      const report = await leg.pc.getStats().catch(() => null);
      if (stopped) return;
      if (report) {
        const now = readStats(report);
        this.sample(call, now, last);
        last = now;
      }
      timer = setTimeout(() => void poll(), this.intervalMs);
    };
    this.stops.add(stop);
    call.legs.add(stop);
    timer = setTimeout(() => void poll(), this.intervalMs);
    void leg.ended.then(stop);
  }

  /** `{ quality }` for the `cc-call-released` detail of `callId` (the workbench's id), once; undefined when no interval carried audio. */
  released(callId: string): { quality: CcQualitySummary } | undefined {
    const call = this.calls.get(callId);
    if (!call) return undefined;
    for (const stop of [...call.legs]) stop();
    this.calls.delete(callId);
    this.notify();
    const all = call.samples;
    const n = all.length;
    if (n === 0) return undefined;
    const sum = (of: (f: CcQualityFigures) => number, list = all): number => list.reduce((total, f) => total + of(f), 0);
    const rtts = all.filter((f) => f.rttMs !== null);
    return {
      quality: {
        samples: n,
        mos: { avg: round(sum((f) => f.mos) / n, 2), min: Math.min(...all.map((f) => f.mos)) },
        lossPercent: round((100 * call.lost) / call.expected),
        jitterMs: { avg: round(sum((f) => f.jitterMs) / n), max: Math.max(...all.map((f) => f.jitterMs)) },
        rttMs: rtts.length > 0 ? { avg: Math.round(sum((f) => f.rttMs ?? 0, rtts) / rtts.length), max: Math.max(...rtts.map((f) => f.rttMs ?? 0)) } : null,
        worstLevel: call.worst,
      },
    };
  }

  /** The quality of the call being measured now (the customer call first); null before its first interval or without a call. */
  current(): CcCallQualityState | null {
    const live = [...this.calls.values()].filter((c) => c.legs.size > 0 && c.samples.length > 0);
    const main = this.phone()?.view.call?.callId;
    const call = live.find((c) => c.callId === main) ?? live.at(-1);
    return call ? { callId: call.sipCallId, level: call.level, figures: call.samples.at(-1)! } : null;
  }

  /** `current()`, for a selector controller. */
  getSnapshot(): CcCallQualityState | null {
    return this.current();
  }

  /** Calls `observer` with `current()` after every interval and every start or end of a leg. */
  subscribe(observer: (state: CcCallQualityState | null) => void): { unsubscribe(): void } {
    this.observers.add(observer);
    return { unsubscribe: () => void this.observers.delete(observer) };
  }

  /** Stops every timer; nothing more is measured or fired. */
  dispose(): void {
    for (const stop of [...this.stops]) stop();
    this.calls.clear();
    this.observers.clear();
  }

  private sample(call: CallRecord, now: Counters & { jitter: number; rtt: number | null }, last: Counters): void {
    this.resolveCallId(call);
    const lost = Math.max(0, now.lost - last.lost);
    const received = Math.max(0, now.received - last.received);
    // No packet at all (ringing, on hold, media interrupted: the workbench warns of that itself).
    if (lost + received === 0) return;
    // RTCP reports come every few seconds: an interval without one keeps the last round trip.
    const rttMs = now.rtt === null ? (call.samples.at(-1)?.rttMs ?? null) : Math.round(now.rtt * 1000);
    const line = { lossPercent: round((100 * lost) / (lost + received)), jitterMs: round(now.jitter * 1000), rttMs };
    const figures: CcQualityFigures = { ...line, mos: mosOf(line) };
    call.samples.push(figures);
    call.lost += lost;
    call.expected += lost + received;
    call.recent = [...call.recent, levelOf(figures)].slice(-AGREE);
    const next = this.nextLevel(call);
    if (next !== call.level) {
      call.level = next;
      if (SEVERITY[next] > SEVERITY[call.worst]) call.worst = next;
      this.host.dispatchEvent(new CcCallQualityEvent({ callId: call.sipCallId, level: next, figures }));
    }
    this.notify();
  }

  /** Worse only when the last intervals all were worse (then the mildest of them); better likewise. */
  private nextLevel(call: CallRecord): CcQualityLevel {
    if (call.recent.length < AGREE) return call.level;
    const severities = call.recent.map((l) => SEVERITY[l]);
    const now = SEVERITY[call.level];
    if (severities.every((s) => s > now)) return LEVELS[Math.min(...severities)]!;
    if (severities.every((s) => s < now)) return LEVELS[Math.max(...severities)]!;
    return call.level;
  }

  /** The SIP Call-ID of the call, from the phone's view while the call is in it. */
  private resolveCallId(call: CallRecord): void {
    const view = this.phone()?.view;
    const info = [view?.call, view?.consult].find((c) => c?.callId === call.callId);
    if (info?.sipCallId) call.sipCallId = info.sipCallId;
  }

  private forgetOld(): void {
    for (const [id, call] of this.calls) {
      if (this.calls.size <= KEPT) return;
      if (call.legs.size === 0) this.calls.delete(id);
    }
  }

  private notify(): void {
    const state = this.current();
    for (const observer of this.observers) observer(state);
  }
}
