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

const ONE_BYTE_EXTENSIONS = 0xbede;
const TWO_BYTE_EXTENSIONS = 0x1000;

/**
 * An RTP header with werift's defaults and own properties (same names, same order), made without
 * werift's constructor, which defines each of its 15 fields with Object.defineProperty: a
 * measurable share of the dev call center's CPU at a packet every 20 ms per peer.
 * @param {Partial<import('werift').RtpHeader>} [props]
 * @returns {import('werift').RtpHeader}
 */
export function createRtpHeader(props) {
  const h = Object.create(werift.RtpHeader.prototype);
  h.version = 2;
  h.padding = false;
  h.paddingSize = 0;
  h.extension = false;
  h.marker = false;
  h.payloadOffset = 0;
  h.payloadType = 0;
  h.sequenceNumber = 0;
  h.timestamp = 0;
  h.ssrc = 0;
  h.csrcLength = 0;
  h.csrc = [];
  h.extensionProfile = ONE_BYTE_EXTENSIONS;
  h.extensionLength = undefined;
  h.extensions = [];
  return props ? Object.assign(h, props) : h;
}

/** werift's own RTP header code, kept for the test that compares the fast versions with it. */
export const weriftRtpReference = {
  deSerialize: werift.RtpHeader.deSerialize,
  serialize: werift.RtpHeader.prototype.serialize,
};

/**
 * werift 0.24 parses and writes RTP headers bit by bit through strings (`getBit` turns a byte
 * into an array of '0' / '1'), up to three times per packet received (SRTP, RtpPacket, the clone
 * each track gets): the same results with byte arithmetic, and headers made by createRtpHeader.
 * test/callcenter/capacity-rtp.test.mjs checks them against werift's own on varied packets.
 */
function speedUpRtpHeaders() {
  const { RtpHeader, RtpPacket } = werift;
  RtpHeader.deSerialize = function deSerialize(/** @type {Buffer} */ raw) {
    const h = createRtpHeader();
    const first = raw[0];
    h.version = first >> 6;
    h.padding = (first & 0x20) !== 0;
    h.extension = (first & 0x10) !== 0;
    h.csrcLength = first & 0x0f;
    h.marker = (raw[1] & 0x80) !== 0;
    h.payloadType = raw[1] & 0x7f;
    h.sequenceNumber = raw.readUInt16BE(2);
    h.timestamp = raw.readUInt32BE(4);
    h.ssrc = raw.readUInt32BE(8);
    let offset = 12;
    for (let i = 0; i < h.csrcLength; i++, offset += 4) h.csrc.push(raw.readUInt32BE(offset));
    if (h.extension) {
      h.extensionProfile = raw.readUInt16BE(offset);
      const length = raw.readUInt16BE(offset + 2) * 4;
      h.extensionLength = length;
      offset += 4;
      const end = offset + length;
      if (h.extensionProfile === ONE_BYTE_EXTENSIONS) {
        while (offset < end) {
          if (raw[offset] === 0) {
            offset++;
            continue;
          }
          const id = raw[offset] >> 4;
          const len = (raw[offset] & 0x0f) + 1;
          offset++;
          if (id === 0xf) break;
          h.extensions.push({ id, payload: raw.subarray(offset, offset + len) });
          offset += len;
        }
      } else if (h.extensionProfile === TWO_BYTE_EXTENSIONS) {
        while (offset < end) {
          if (raw[offset] === 0) {
            offset++;
            continue;
          }
          const id = raw[offset];
          const len = raw[offset + 1];
          offset += 2;
          h.extensions.push({ id, payload: raw.subarray(offset, offset + len) });
          offset += len;
        }
      } else {
        h.extensions.push({ id: 0, payload: raw.subarray(offset, offset + length) });
        offset += h.extensions[0].payload.length;
      }
    }
    h.payloadOffset = offset;
    if (h.padding) h.paddingSize = raw[raw.length - 1];
    return h;
  };
  RtpHeader.prototype.serialize = function serialize(/** @type {number} */ size) {
    const buf = Buffer.alloc(size);
    if (this.extensions.length > 0) this.extension = true;
    buf[0] = ((this.version & 0x03) << 6) | (this.padding ? 0x20 : 0) | (this.extension ? 0x10 : 0) | (this.csrc.length & 0x0f);
    buf[1] = (this.marker ? 0x80 : 0) | (this.payloadType & 0x7f);
    buf.writeUInt16BE(this.sequenceNumber, 2);
    buf.writeUInt32BE(this.timestamp, 4);
    buf.writeUInt32BE(this.ssrc, 8);
    let offset = 12;
    for (const csrc of this.csrc) {
      buf.writeUInt32BE(csrc, offset);
      offset += 4;
    }
    if (this.extension) {
      const extensionHeaderAt = offset;
      buf.writeUInt16BE(this.extensionProfile, offset);
      offset += 4;
      const start = offset;
      if (this.extensionProfile === ONE_BYTE_EXTENSIONS) {
        for (const e of this.extensions) {
          buf.writeUInt8((e.id << 4) | (e.payload.length - 1), offset++);
          e.payload.copy(buf, offset);
          offset += e.payload.length;
        }
      } else if (this.extensionProfile === TWO_BYTE_EXTENSIONS) {
        for (const e of this.extensions) {
          buf.writeUInt8(e.id, offset++);
          buf.writeUInt8(e.payload.length, offset++);
          e.payload.copy(buf, offset);
          offset += e.payload.length;
        }
      } else {
        const length = this.extensions[0].payload.length;
        if (length % 4 !== 0) throw new Error();
        this.extensions[0].payload.copy(buf, offset);
        offset += length;
      }
      const written = offset - start;
      const rounded = Math.trunc((written + 3) / 4) * 4;
      buf.writeUInt16BE(Math.trunc(rounded / 4), extensionHeaderAt + 2);
      offset += rounded - written; // Buffer.alloc zero-filled the padding
    }
    this.payloadOffset = offset;
    return buf;
  };
  RtpPacket.prototype.clone = function clone() {
    return new RtpPacket(createRtpHeader({ ...this.header }), this.payload);
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
    speedUpRtpHeaders();
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
