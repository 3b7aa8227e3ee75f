/**
 * The agent's-day chunk (src/media/): devices, call quality, network check. Types only; the
 * chunk's entry is src/media/media.ts, loaded by `<cc-workbench>` once the agent is logged in
 * (or at the first call of one of its methods).
 */
import type { MediaLeg } from '../sip/media-plug.js';

/** What a device choice applies to: the call's microphone, where calls play, where the ringtone plays. */
export type CcDeviceKind = 'microphone' | 'speaker' | 'ringer';

/** One device as the browser lists it (labels appear once the microphone was allowed). */
export interface CcDevice {
  readonly deviceId: string;
  readonly label: string;
}

/** `listDevices()`: what can be chosen, and what is chosen ('' = the browser's default). */
export interface CcDeviceList {
  readonly microphones: readonly CcDevice[];
  readonly speakers: readonly CcDevice[];
  readonly chosen: Readonly<Record<CcDeviceKind, string>>;
}

/** `checkNetwork()`'s result: what a host shows before the agent takes calls. */
export interface CcNetworkCheck {
  readonly ok: boolean;
  readonly websocket: { readonly ok: boolean; readonly server: string; readonly ms: number | null; readonly error: string };
  readonly ice: {
    readonly ok: boolean;
    readonly ms: number | null;
    /** Candidates gathered by type (host, srflx, relay, prflx). */
    readonly candidates: Readonly<Record<string, number>>;
    /** TURN servers configured: a relay candidate was gathered (null when none is configured). */
    readonly relay: boolean | null;
    readonly error: string;
  };
}

/** A figure set of one call's audio, from getStats(). */
export interface CcQualityFigures {
  /** Inbound packets lost, percent of expected, over the last interval (summary: whole call). */
  readonly lossPercent: number;
  readonly jitterMs: number;
  /** Round-trip time (RTCP / ICE), ms; null before the first measure. */
  readonly rttMs: number | null;
  /** Estimated MOS, 1..4.5 (ITU-T G.107 E-model, simplified). */
  readonly mos: number;
}

/** The parts of the chunk a phone's call legs use (see src/sip/media-plug.ts). */
export interface CcMediaPart {
  leg?(leg: MediaLeg): void;
  dispose(): void;
}

/**
 * The agent's-day methods of `<cc-workbench>`: each loads the chunk first (it needs no phone:
 * `checkNetwork()` works before registering).
 */
export interface CcMediaMethods {
  /** The microphones and speakers the browser offers, and the ones chosen. */
  listDevices(): Promise<CcDeviceList>;
  /** Chooses a device ('' = the browser's default); remembered in this browser. A call in progress switches at once. */
  setDevice(kind: CcDeviceKind, deviceId: string): Promise<void>;
  /** Plays the microphone back through a local WebRTC loop; resolves once the audio comes back. */
  startEchoTest(): Promise<void>;
  stopEchoTest(): Promise<void>;
  /** The pre-call check: the SIP WebSocket, ICE candidates (and a TURN relay when configured). */
  checkNetwork(): Promise<CcNetworkCheck>;
  /** Moves to another of the `access-points` by name, without a reload. */
  switchAccessPoint(name: string): Promise<void>;
  /** The live call quality of the current call, null without one. */
  getCallQuality(): Promise<{ readonly callId: string; readonly level: string; readonly figures: CcQualityFigures } | null>;
}
