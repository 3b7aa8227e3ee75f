// Early media for JsSIP 3.13 incoming sessions, which have no `progress()` with SDP: a queued
// caller gets `182 Queued` carrying the SDP answer of a peer connection the ACD made itself,
// and later `200 OK` carrying the very same SDP from the very same peer (no renegotiation, and
// RFC 3261 13.2.1 / RFC 6337 3.1: the 2xx answer must not differ from the one in the 1xx).
//
// Two small, local interventions in JsSIP's incoming-call path, both checked at run time:
//  - the automatic `180 Ringing` init_incoming() sends right after 'newRTCSession' is held back
//    (its Contact header is kept for the 182), so the caller sees 182 Queued, not "ringing";
//  - answer() builds its RTCPeerConnection synchronously with `new RTCPeerConnection()`; for that
//    one call the global hands back the early-media peer, whose setRemoteDescription /
//    createAnswer / setLocalDescription replay the negotiation already done (once each).
import { LoopbackPeerConnection } from '../media/node-jssip.mjs';

const GATHER_TIMEOUT_MS = 5000;

/**
 * Call synchronously from the UA's 'newRTCSession' handler (before JsSIP replies 180): holds back
 * the automatic 180 and returns what the 182 needs.
 * @param {any} request JsSIP IncomingRequest of the initial INVITE
 * @returns {{ sendProvisional: (status: number, reason: string, sdp?: string) => void }}
 */
export function holdBackRinging(request) {
  const reply = request.reply.bind(request);
  /** @type {string[]|null} */
  let contactHeaders = null;
  request.reply = (/** @type {number} */ code, /** @type {any[]} */ ...rest) => {
    if (code === 180 && contactHeaders === null) {
      contactHeaders = Array.isArray(rest[1]) ? rest[1] : [];
      return;
    }
    return reply(code, ...rest);
  };
  return {
    sendProvisional(status, reason, sdp) {
      const headers = contactHeaders ?? [];
      if (sdp) reply(status, reason, [...headers, 'Content-Type: application/sdp'], sdp);
      else reply(status, reason, headers);
    },
  };
}

/**
 * Answers the caller's SDP offer with a new loopback peer that sends `stream`, and resolves with
 * the peer and its complete SDP answer (all candidates gathered).
 * @param {string} offerSdp
 * @param {import('werift').MediaStream} stream
 * @param {(pc: LoopbackPeerConnection) => void} [onPeer] called before the offer is applied
 *   (subscribe to onTrack there)
 */
export async function answerEarly(offerSdp, stream, onPeer) {
  const pc = new LoopbackPeerConnection();
  try {
    onPeer?.(pc);
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
    const until = Date.now() + GATHER_TIMEOUT_MS;
    while (pc.iceGatheringState !== 'complete' && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error('early media: no local description');
    return { pc, sdp };
  } catch (e) {
    await pc.close().catch(() => {});
    throw e;
  }
}

/**
 * Sends 200 OK for an incoming session whose media was negotiated by answerEarly(), reusing
 * that peer and SDP. Throws if JsSIP did not take the peer (its internals changed).
 * @param {any} session JsSIP RTCSession (incoming, waiting for answer)
 * @param {LoopbackPeerConnection} pc
 * @param {string} offerSdp
 * @param {{ extraHeaders?: string[] }} [opts]
 */
export function answerWithPeer(session, pc, offerSdp, { extraHeaders = [] } = {}) {
  const { setRemoteDescription, createAnswer, setLocalDescription } = pc;
  const answerSdp = pc.localDescription?.sdp;
  const p = /** @type {any} */ (pc);
  p.setRemoteDescription = async (/** @type {any} */ desc) => {
    p.setRemoteDescription = setRemoteDescription;
    if (desc?.type === 'offer' && desc.sdp === offerSdp) return;
    return setRemoteDescription.call(pc, desc);
  };
  p.createAnswer = async () => {
    p.createAnswer = createAnswer;
    return { type: 'answer', sdp: answerSdp };
  };
  p.setLocalDescription = async (/** @type {any} */ desc) => {
    p.setLocalDescription = setLocalDescription;
    if (desc?.sdp === answerSdp) return;
    return setLocalDescription.call(pc, desc);
  };
  const Global = globalThis.RTCPeerConnection;
  globalThis.RTCPeerConnection = /** @type {any} */ (function EarlyMediaPeer() {
    return pc;
  });
  const restore = () => {
    p.setRemoteDescription = setRemoteDescription;
    p.createAnswer = createAnswer;
    p.setLocalDescription = setLocalDescription;
  };
  try {
    session.answer({ mediaConstraints: { audio: false, video: false }, extraHeaders });
  } catch (e) {
    restore();
    throw e;
  } finally {
    globalThis.RTCPeerConnection = Global;
  }
  if (session.connection !== pc) {
    restore();
    throw new Error('early media: JsSIP answer() did not use the early-media peer connection');
  }
}
