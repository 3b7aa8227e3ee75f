import { ERROR } from '../../machines/agent-types.js';
import { CcError } from '../errors.js';

/** How long the echo test waits for its own audio to come back. */
const ECHO_TIMEOUT_MS = 6000;

/** A running echo test (see `echoTest`). */
export interface CcEchoTest {
  /** The audio as it came back through WebRTC; null until it arrived. */
  readonly stream: () => MediaStream | null;
  /** Resolves once the returned audio carries energy; rejects with 7020 when none came back in time. */
  readonly started: Promise<void>;
  /** Sends another microphone track (a switch of device while the test runs). */
  readonly replace: (track: MediaStreamTrack) => Promise<void>;
  /** Plays the returned audio on `sinkId` ('' = the default output). */
  readonly sink: (sinkId: string) => Promise<void>;
  /** Closes both peer connections and the returned stream; the microphone track stays its owner's. */
  readonly stop: () => void;
}

/**
 * The agent hears themself: the microphone goes through a pair of peer connections in this page
 * (no ICE servers, host candidates only) and back out of `sinkId`, so the test covers the
 * browser's WebRTC audio path as a call uses it, with no PBX feature. It never owns the
 * microphone track (`CcDevices` does, for the level meter too).
 */
export function echoTest(track: MediaStreamTrack, sinkId: string): CcEchoTest {
  const audio = new Audio();
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  let stream: MediaStream | null = null;
  let stopped = false;
  const relay = (to: RTCPeerConnection) => (e: RTCPeerConnectionIceEvent) => {
    if (e.candidate) void to.addIceCandidate(e.candidate).catch(() => undefined);
  };
  a.onicecandidate = relay(b);
  b.onicecandidate = relay(a);
  b.ontrack = (e) => {
    stream = audio.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    void audio.play().catch(() => undefined);
  };
  const sender = a.addTrack(track, new MediaStream([track]));
  const sink = async (id: string) => {
    if (audio.sinkId !== id) await audio.setSinkId(id).catch(() => undefined);
  };
  const energy = async () => {
    let sum = 0;
    (await b.getStats()).forEach((r: { type: string; totalAudioEnergy?: number }) => {
      if (r.type === 'inbound-rtp') sum += r.totalAudioEnergy ?? 0;
    });
    return sum;
  };
  const start = async () => {
    await sink(sinkId);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    for (const deadline = Date.now() + ECHO_TIMEOUT_MS; !stopped && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      if ((await energy()) > 0) return;
    }
    throw new CcError({ errorCode: ERROR.timeout, errorMsg: stopped ? 'Echo test stopped' : 'Echo test: no audio came back' });
  };
  return {
    stream: () => stream,
    started: start(),
    replace: (t) => sender.replaceTrack(t),
    sink,
    stop() {
      stopped = true;
      audio.pause();
      audio.srcObject = null;
      stream?.getTracks().forEach((t) => t.stop());
      a.close();
      b.close();
    },
  };
}
