import type { RTCSession } from 'jssip/lib/RTCSession';
import { sendReinvite } from './reinvite-hold.js';
import type { SessionInternals } from './reinvite-hold.js';

/** No audio this long while both sides should send: the call ends (the last line of defence). */
export const MEDIA_LOST_MS = 30_000;
/** No audio this long: the agent is told and ICE restarts. */
const MEDIA_GAP_MS = 4_000;
/** How often the received packets are counted. */
const POLL_MS = 1_000;
/** Pause between ICE restarts while the audio stays away. */
const RESTART_EVERY_MS = 6_000;
/** Re-offers tried when the far end answers 491 (both sides re-offered at once) or another offer is under way. */
const REOFFER_TRIES = 4;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends a re-INVITE on an established session with the same media (and the same hold state), or
 * with new ICE credentials (`iceRestart`). Its Contact goes out over the current connection, so
 * the proxy's connection alias and the far end's remote target point at that connection again:
 * after a WebSocket reconnection, the far end's BYE, REFER and re-INVITE reach this agent.
 * On 491 Request Pending (glare, both sides re-offering after the same outage) it waits as
 * RFC 3261 section 14.1 says (2.1-4 s when this side started the dialog, else up to 2 s) and
 * tries again. Resolves true when the far end accepted an offer.
 */
export async function reoffer(session: RTCSession, iceRestart: boolean): Promise<boolean> {
  const s = session as unknown as SessionInternals;
  for (let attempt = 0; attempt < REOFFER_TRIES; attempt++) {
    if (s.isEnded()) return false;
    if (!s.isEstablished() || !s.isReadyToReOffer()) {
      await sleep(1000);
      continue;
    }
    const refused = await sendReinvite(s, iceRestart ? { rtcOfferConstraints: { iceRestart: true } } : {});
    if (!refused) return true;
    if (refused.status_code !== 491) return false;
    await sleep((s.direction === 'outgoing' ? 2100 : 0) + Math.random() * (s.direction === 'outgoing' ? 1900 : 2000));
  }
  return false;
}

/** True when the negotiated media says the far end sends audio to us (neither side holds). */
function expectsAudio(pc: RTCPeerConnection): boolean {
  const held = /a=(sendonly|recvonly|inactive)/;
  const local = pc.currentLocalDescription?.sdp;
  const remote = pc.currentRemoteDescription?.sdp;
  return !!local && !!remote && !held.test(local) && !held.test(remote);
}

async function packetsReceived(pc: RTCPeerConnection): Promise<number> {
  let n = 0;
  (await pc.getStats()).forEach((r: { type: string; kind?: string; packetsReceived?: number }) => {
    if (r.type === 'inbound-rtp' && r.kind === 'audio') n += r.packetsReceived ?? 0;
  });
  return n;
}

export type MediaReport = 'interrupted' | 'restored' | 'lost';

/**
 * Watches an established call's audio. When nothing arrives for MEDIA_GAP_MS although both
 * sides send (a network change, a lost path, ICE failed), it reports `interrupted` and restarts
 * ICE with a re-INVITE, again every RESTART_EVERY_MS while the audio stays away and at once when
 * ICE fails; `restored` when packets arrive again; `lost` after MEDIA_LOST_MS without audio, after
 * which the caller ends the call. Held calls (either side) are not watched. Returns the stop function.
 */
export function guardMedia(session: RTCSession, report: (what: MediaReport) => void): () => void {
  const pc = session.connection;
  if (!pc) return () => undefined;
  let lastPackets = -1;
  let lastAudioAt = performance.now();
  let interrupted = false;
  let restartedAt = 0;
  let polling = false;
  const restart = (): void => {
    restartedAt = performance.now();
    void reoffer(session, true);
  };
  const onIceState = (): void => {
    if (pc.iceConnectionState === 'failed' && performance.now() - restartedAt > 1000) restart();
  };
  pc.addEventListener('iceconnectionstatechange', onIceState);
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    void packetsReceived(pc)
      .then((packets) => {
        const now = performance.now();
        if (packets !== lastPackets || !expectsAudio(pc)) {
          lastPackets = packets;
          lastAudioAt = now;
          if (interrupted) {
            interrupted = false;
            report('restored');
          }
          return;
        }
        const silent = now - lastAudioAt;
        if (silent >= MEDIA_LOST_MS) {
          stop();
          report('lost');
          return;
        }
        if (silent >= MEDIA_GAP_MS && !interrupted) {
          interrupted = true;
          report('interrupted');
        }
        if (interrupted && now - restartedAt >= RESTART_EVERY_MS) restart();
      })
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  }, POLL_MS);
  const stop = (): void => {
    clearInterval(timer);
    pc.removeEventListener('iceconnectionstatechange', onIceState);
  };
  return stop;
}
