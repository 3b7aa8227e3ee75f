// RFC 4733 telephone events (DTMF carried in RTP): payload encoding, the payload types a remote
// SDP negotiated for them, and a receiver that turns the packet stream of each event (a start
// packet, updates with a growing duration, three end packets that share one timestamp) into
// exactly one digit. Node built-ins only; werift packets are plain objects here.

/** Event codes 0-15 of RFC 4733 section 3.2, as the digits people type. */
export const DTMF_DIGITS = '0123456789*#ABCD';

/** Volume (-dBm0, 0..63) every event sent from here carries; 10 is what common phones send. */
export const DEFAULT_EVENT_VOLUME = 10;

/**
 * @param {string} digit one of 0-9 * # A-D (a-d accepted)
 * @returns {number} the RFC 4733 event code, or -1 when `digit` is not a DTMF digit
 */
export function digitToEvent(digit) {
  return typeof digit === 'string' && digit.length === 1 ? DTMF_DIGITS.indexOf(digit.toUpperCase()) : -1;
}

/**
 * @param {number} event
 * @returns {string|null} the digit of an event code 0-15, null for other events (flash, tones)
 */
export function eventToDigit(event) {
  return Number.isInteger(event) && event >= 0 && event < DTMF_DIGITS.length ? DTMF_DIGITS[event] : null;
}

/**
 * Whether every character of `digits` is a DTMF digit (and there is at least one).
 * @param {unknown} digits
 * @returns {digits is string}
 */
export function isDtmfString(digits) {
  return typeof digits === 'string' && digits.length > 0 && [...digits].every((d) => digitToEvent(d) >= 0);
}

/**
 * The 4-byte payload of one telephone-event packet (RFC 4733 section 2.3).
 * @param {{ event: number, end?: boolean, volume?: number, duration: number }} e
 *   duration in timestamp units (8 kHz: 160 per 20 ms), clamped to 16 bits
 * @returns {Buffer}
 */
export function encodeTelephoneEvent({ event, end = false, volume = DEFAULT_EVENT_VOLUME, duration }) {
  const payload = Buffer.alloc(4);
  payload[0] = event & 0xff;
  payload[1] = (end ? 0x80 : 0) | (volume & 0x3f);
  payload.writeUInt16BE(Math.max(0, Math.min(0xffff, Math.round(duration))), 2);
  return payload;
}

/**
 * @typedef {object} TelephoneEvent
 * @property {number} event     event code
 * @property {string|null} digit the DTMF digit, null for non-DTMF events
 * @property {boolean} end      E bit
 * @property {number} volume
 * @property {number} duration  timestamp units
 */

/**
 * @param {Buffer|Uint8Array} payload
 * @returns {TelephoneEvent|null} null when the payload is too short to be an event
 */
export function decodeTelephoneEvent(payload) {
  if (!payload || payload.length < 4) return null;
  const event = payload[0];
  return {
    event,
    digit: eventToDigit(event),
    end: (payload[1] & 0x80) !== 0,
    volume: payload[1] & 0x3f,
    duration: (payload[2] << 8) | payload[3],
  };
}

/**
 * Payload types a session description maps to `telephone-event/8000` (Chromium offers 126 with
 * PCMU at 8 kHz, werift peers use 101; the number is whatever the SDP says).
 * @param {string|undefined|null} sdp
 * @returns {number[]}
 */
export function telephoneEventPayloadTypes(sdp) {
  if (!sdp) return [];
  const types = [];
  for (const m of sdp.matchAll(/^a=rtpmap:(\d+)\s+telephone-event\/8000\b/gim)) types.push(Number(m[1]));
  return types;
}

/**
 * @typedef {object} ReceivedDigit
 * @property {string} digit
 * @property {number} event
 * @property {number} at          ms epoch of the first packet of the event
 * @property {number} rtpTimestamp event start timestamp (identifies the event)
 * @property {number} durationMs  last duration reported (final once `ended`)
 * @property {boolean} ended      an end packet (E bit) arrived
 * @property {'rfc4733'|'info'} via
 */

/**
 * Turns incoming RTP packets into DTMF digits, once per event: every packet of one event carries
 * the event's start timestamp, so the first packet with a new timestamp (start, update or, when
 * the others were lost, end packet) yields the digit and later ones only update its duration.
 * Packets are recognised as events by payload type, taken from the remote SDP.
 *
 * @param {{ payloadTypes?: number[] | (() => number[]), onDigit?: (d: ReceivedDigit) => void,
 *           maxDigits?: number, now?: () => number }} [options]
 *   payloadTypes: fixed list or a getter (read per packet, so it may change after a re-INVITE);
 *   defaults to [101]. maxDigits bounds the log (oldest dropped; `digits` keeps counting).
 */
export function createDtmfReceiver({ payloadTypes = [101], onDigit, maxDigits = 256, now = Date.now } = {}) {
  const readTypes = typeof payloadTypes === 'function' ? payloadTypes : () => payloadTypes;
  /** @type {ReceivedDigit[]} */
  const log = [];
  /** Start timestamps of the last events, newest last; an event is looked up here by timestamp. */
  /** @type {ReceivedDigit[]} */
  const recent = [];
  let digits = '';
  let packets = 0;

  return {
    /** Every digit received, in order (bounded to the last `maxDigits`). */
    log,
    /** Number of telephone-event packets seen. */
    get packets() {
      return packets;
    },
    /** The digits received so far as one string (the last 1024). */
    get digits() {
      return digits;
    },
    /**
     * Whether `rtp` is a telephone-event packet of this session.
     * @param {{ header: { payloadType: number } }} rtp
     */
    isEvent(rtp) {
      return readTypes().includes(rtp.header.payloadType);
    },
    /**
     * Feeds one received packet. Returns true when it was a telephone-event packet (consumed),
     * false when it is audio for someone else.
     * @param {{ header: { payloadType: number, timestamp: number }, payload: Buffer }} rtp
     */
    handle(rtp) {
      if (!readTypes().includes(rtp.header.payloadType)) return false;
      packets++;
      const e = decodeTelephoneEvent(rtp.payload);
      if (!e || e.digit === null) return true;
      const ts = rtp.header.timestamp >>> 0;
      let entry = recent.find((r) => r.rtpTimestamp === ts && r.event === e.event);
      if (!entry) {
        entry = { digit: e.digit, event: e.event, at: now(), rtpTimestamp: ts, durationMs: 0, ended: false, via: 'rfc4733' };
        recent.push(entry);
        if (recent.length > 16) recent.shift();
        this.add(entry);
      }
      entry.durationMs = Math.max(entry.durationMs, Math.round(e.duration / 8));
      if (e.end) entry.ended = true;
      return true;
    },
    /**
     * Records a digit that arrived another way (a SIP INFO `application/dtmf-relay`).
     * @param {ReceivedDigit} entry
     */
    add(entry) {
      log.push(entry);
      if (log.length > maxDigits) log.shift();
      digits = (digits + entry.digit).slice(-1024);
      onDigit?.(entry);
    },
  };
}
