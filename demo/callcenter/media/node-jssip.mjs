// JsSIP in Node: the same library the workbench runs in the browser, with `ws` as its WebSocket
// and werift (a WebRTC stack in TypeScript) as its RTCPeerConnection. Used by the dev call
// center's queues (ACD) and by its simulated customers, so both speak real SIP and real WebRTC
// (ICE, DTLS-SRTP) to the workbench.
//
// Every peer connection made here gathers loopback candidates only (127.0.0.1, IPv4) and binds
// its UDP sockets to 127.0.0.1: the dev call center never touches another interface, inside a
// network namespace or not.
import { createRequire } from 'node:module';
import WebSocket from 'ws';

const require = createRequire(import.meta.url);
const werift = require('werift');

/** Audio codecs of every werift peer: PCMU (Chromium always offers it) and RFC 4733 events. */
export const AUDIO_CODECS = [
  new werift.RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
  new werift.RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, channels: 1, payloadType: 101 }),
];

/**
 * werift's RTCPeerConnection shaped the way JsSIP uses a browser's: `createOffer(null)` and
 * `createAnswer(null)` are accepted, the configuration JsSIP passes is merged into werift's,
 * and media stays on loopback.
 */
export class LoopbackPeerConnection extends werift.RTCPeerConnection {
  constructor(config = {}) {
    super({
      iceServers: config?.iceServers ?? [],
      iceTransportPolicy: config?.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
      codecs: { audio: AUDIO_CODECS },
      iceUseIpv4: true,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
    });
  }

  createOffer(options) {
    return super.createOffer(options ?? {});
  }

  createAnswer() {
    return super.createAnswer();
  }
}

/** The browser's `new RTCSessionDescription({ type, sdp })` (werift's takes `(sdp, type)`). */
class BrowserSessionDescription {
  constructor({ type, sdp } = {}) {
    this.type = type;
    this.sdp = sdp;
  }

  toJSON() {
    return { type: this.type, sdp: this.sdp };
  }
}

/**
 * Marks an RTP packet written to a werift track as an RFC 4733 telephone-event packet.
 * werift stamps every packet with the track's codec (PCMU here), in the track and again in the
 * sender, which would turn DTMF events into noise; the sender patch below sends marked packets
 * under the telephone-event payload type negotiated with that peer (Chromium picks its own
 * number, e.g. 126). The mark is a property of the packet object, which werift passes on as is.
 * @template {{ header: { payloadType: number } }} P
 * @param {P} rtp
 * @returns {P}
 */
export function asTelephoneEvent(rtp) {
  rtp.isTelephoneEvent = true;
  return rtp;
}

function patchSenderForTelephoneEvents() {
  const Sender = werift.RTCRtpSender.prototype;
  const prepareSend = Sender.prepareSend;
  Sender.prepareSend = function (params) {
    prepareSend.call(this, params);
    this.ccTelephoneEventCodec = params.codecs.find((c) => c.name.toLowerCase() === 'telephone-event' && c.clockRate === 8000);
  };
  const sendRtp = Sender.sendRtp;
  Sender.sendRtp = function (rtp) {
    const eventCodec = this.ccTelephoneEventCodec;
    if (!eventCodec || !this.codec || Buffer.isBuffer(rtp) || !rtp.isTelephoneEvent) return sendRtp.call(this, rtp);
    // werift reads `this.codec` only in the synchronous part of sendRtp (before its one await).
    const audioCodec = this.codec;
    this.codec = eventCodec;
    try {
      return sendRtp.call(this, rtp);
    } finally {
      this.codec = audioCodec;
    }
  };
}

/**
 * JsSIP's INVITE server transaction starts Timer H (32 s) when it sends a final non-2xx response
 * (486, 487 to a CANCEL, ...). When the ACK arrives it starts Timer I and destroys the
 * transaction but never clears Timer H, so every rejected or cancelled incoming call leaves a
 * 32 s timer that keeps a Node process alive (a browser does not care). RFC 3261 17.2.1: the ACK
 * ends the Completed state, so Timer H is cleared when Timer I fires.
 */
function clearTimerHOnAck() {
  const { InviteServerTransaction } = require('jssip/lib/Transactions.js');
  const proto = InviteServerTransaction?.prototype;
  if (!proto || typeof proto.timer_I !== 'function') throw new Error('JsSIP internals changed: InviteServerTransaction.timer_I is gone (keep jssip at 3.13)');
  const timerI = proto.timer_I;
  proto.timer_I = function () {
    clearTimeout(this.H);
    return timerI.call(this);
  };
}

let installed = false;

/**
 * Makes the globals JsSIP looks for (WebSocket, RTCPeerConnection, RTCSessionDescription, window) point at the Node
 * implementations, once per process, and returns the JsSIP module.
 * @returns {typeof import('jssip')}
 */
export function loadNodeJsSIP() {
  if (!installed) {
    installed = true;
    patchSenderForTelephoneEvents();
    clearTimerHOnAck();
    globalThis.window ??= globalThis;
    globalThis.WebSocket ??= WebSocket;
    globalThis.RTCPeerConnection = LoopbackPeerConnection;
    globalThis.MediaStream ??= werift.MediaStream;
    globalThis.RTCSessionDescription ??= BrowserSessionDescription;
  }
  return require('jssip');
}

/**
 * Stops a JsSIP UA (un-REGISTER, then the socket) and resolves once its socket is closed, or
 * after `timeoutMs`: JsSIP closes the socket up to 2 s after stop() while transactions are open.
 * @param {import('jssip').UA} ua
 * @param {number} [timeoutMs]
 * @returns {Promise<void>}
 */
export function stopUa(ua, timeoutMs = 3000) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    ua.once('disconnected', done);
    try {
      ua.stop();
    } catch {
      done();
    }
  });
}

export { werift };
