// The sending side of one ACD call leg: a werift track whose packets come from several sources in
// turn (queue / hold audio, the other leg's RTP, DTMF the ACD generates). The ACD never decodes
// audio: PCMU payloads pass through unchanged; only sequence numbers and timestamps are rewritten
// so the far end sees one continuous stream across source switches (a jitter buffer that sees the
// timestamp jump by the other leg's random offset would otherwise drop or stretch audio).
import { randomInt } from 'node:crypto';
import { asTelephoneEvent, createRtpHeader, werift } from '../media/node-jssip.mjs';
import { digitToEvent, encodeTelephoneEvent } from '../media/dtmf.mjs';

const FRAME_SAMPLES = 160; // 20 ms of PCMU at 8 kHz
const FRAME_MS = 20;

/**
 * @typedef {{ header: { timestamp: number, marker?: boolean, payloadType: number }, payload: Buffer }} RtpLike
 */

export class RtpOut {
  constructor() {
    /** The track JsSIP sends (hand `stream` to `ua.call` / `answer` as `mediaStream`). */
    this.track = new werift.MediaStreamTrack({ kind: 'audio' });
    this.stream = new werift.MediaStream([this.track]);
    /** Last sequence number written. */
    this.seq = randomInt(0xffff);
    /** RTP timestamp of the last audio packet written. */
    this.ts = randomInt(0x7fffffff);
    /** @type {string|null} */
    this.source = null;
    this.tsOffset = 0;
    /** Audio packets written. */
    this.audioPackets = 0;
    /** Telephone-event packets written (relayed or generated). */
    this.eventPackets = 0;
    this.closed = false;
    /** @type {Promise<void>} */
    this.dtmfChain = Promise.resolve();
  }

  /**
   * Writes a packet received from `sourceId` (another leg, or the prompt), mapping its timestamp
   * onto this stream's timeline. A new source continues 20 ms after the last packet written.
   * @param {RtpLike} rtp
   * @param {string} sourceId
   * @param {boolean} isEvent an RFC 4733 packet (sent under this leg's telephone-event payload type)
   */
  relay(rtp, sourceId, isEvent) {
    if (this.closed) return;
    const h = rtp.header;
    let marker = Boolean(h.marker);
    if (sourceId !== this.source) {
      this.source = sourceId;
      this.tsOffset = (this.ts + FRAME_SAMPLES - h.timestamp) >>> 0;
      if (!isEvent) marker = true;
    }
    const ts = (h.timestamp + this.tsOffset) >>> 0;
    if (!isEvent) this.ts = ts;
    this.#write(rtp.payload, ts, marker, isEvent);
  }

  /**
   * Queues RFC 4733 events for `digits` (generated here, e.g. for DTMF an agent sent as SIP INFO).
   * Audio from the current source keeps flowing in between. Resolves when the last end packet
   * is written (or the leg closed).
   * @param {string} digits
   * @param {{ durationMs?: number, gapMs?: number }} [opts]
   */
  sendDtmf(digits, { durationMs = 160, gapMs = 80 } = {}) {
    const frames = Math.max(2, Math.min(100, Math.round(durationMs / FRAME_MS)));
    const gap = Math.max(20, Math.min(1000, gapMs));
    for (const d of String(digits)) {
      const event = digitToEvent(d);
      if (event < 0) continue;
      this.dtmfChain = this.dtmfChain.then(async () => {
        const start = (this.ts + FRAME_SAMPLES) >>> 0;
        for (let i = 1; i <= frames && !this.closed; i++) {
          this.#write(encodeTelephoneEvent({ event, duration: i * FRAME_SAMPLES }), start, i === 1, true);
          await sleep(FRAME_MS);
        }
        for (let i = 0; i < 3 && !this.closed; i++) {
          this.#write(encodeTelephoneEvent({ event, end: true, duration: frames * FRAME_SAMPLES }), start, false, true);
        }
        if (!this.closed) await sleep(gap);
      });
    }
    return this.dtmfChain;
  }

  /** Stops the track; later writes are ignored. */
  close() {
    this.closed = true;
    try {
      this.track.stop();
    } catch {
      // already stopped
    }
  }

  /** @param {Buffer} payload @param {number} ts @param {boolean} marker @param {boolean} isEvent */
  #write(payload, ts, marker, isEvent) {
    if (this.closed || this.track.stopped) return;
    this.seq = (this.seq + 1) & 0xffff;
    // A fresh packet: werift's sender rewrites the header of what it is given in place, and the
    // received packet may still be read by other subscribers.
    // createRtpHeader: werift's fields without its slow constructor (a packet every 20 ms per leg).
    const header = createRtpHeader({ payloadType: isEvent ? 101 : 0, sequenceNumber: this.seq, timestamp: ts, marker, ssrc: 1 });
    const packet = new werift.RtpPacket(header, Buffer.from(payload));
    if (isEvent) this.eventPackets++;
    else this.audioPackets++;
    this.track.writeRtp(isEvent ? asTelephoneEvent(packet) : packet);
  }
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
