// The faster RTP header code the dev call center installs into werift (media/node-jssip.mjs,
// for its capacity: bench/capacity.mjs) against werift's own, on varied packets: plain audio,
// marker, contributing sources, one-byte and two-byte header extensions, padding.
//   node --test test/callcenter/capacity-rtp.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRtpHeader, loadNodeJsSIP, werift, weriftRtpReference } from '../../demo/callcenter/media/node-jssip.mjs';

loadNodeJsSIP();

/** A deterministic pseudo-random sequence (the cases must be the same on every run). */
function random(seed = 7) {
  let x = seed;
  return (/** @type {number} */ n) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
}

/** @param {ReturnType<typeof random>} r */
function headerProps(r) {
  const profile = [0xbede, 0x1000][r(2)];
  const extensions = Array.from({ length: r(4) }, () => {
    const len = profile === 0xbede ? 1 + r(16) : r(20);
    return { id: profile === 0xbede ? 1 + r(14) : 1 + r(255), payload: Buffer.from(Array.from({ length: len }, () => r(256))) };
  });
  return {
    marker: r(2) === 1,
    payloadType: r(128),
    sequenceNumber: r(0x10000),
    timestamp: r(0x7fffffff) * 2 + r(2),
    ssrc: r(0x7fffffff) * 2 + r(2),
    csrc: Array.from({ length: r(4) }, () => r(0x7fffffff)),
    extensionProfile: profile,
    extensions,
  };
}

/** A deep copy that keeps payloads Buffers (structuredClone makes them plain Uint8Arrays). */
const copy = (/** @type {ReturnType<typeof headerProps>} */ p) => ({ ...p, csrc: [...p.csrc], extensions: p.extensions.map((e) => ({ id: e.id, payload: Buffer.from(e.payload) })) });

/** Own enumerable fields, payload buffers as arrays, for deepEqual. */
const plain = (/** @type {any} */ h) => JSON.parse(JSON.stringify({ ...h, extensions: h.extensions.map((/** @type {any} */ e) => ({ id: e.id, payload: [...e.payload] })) }));

describe('RTP headers in the dev call center (werift, made faster)', () => {
  it('makes headers with the same fields, defaults and prototype as werift\'s constructor', () => {
    const props = { payloadType: 0, sequenceNumber: 9, timestamp: 160, ssrc: 42, marker: true };
    const fast = createRtpHeader(props);
    const slow = new werift.RtpHeader(props);
    assert.deepEqual(Object.keys(fast), Object.keys(slow));
    assert.deepEqual(plain(fast), plain(slow));
    assert.ok(fast instanceof werift.RtpHeader);
  });

  it('serialises 500 varied headers byte for byte as werift does', () => {
    const r = random();
    for (let i = 0; i < 500; i++) {
      const props = headerProps(r);
      const expected = weriftRtpReference.serialize.call(new werift.RtpHeader(copy(props)), new werift.RtpHeader(copy(props)).serializeSize);
      const actual = createRtpHeader(copy(props)).serialize(new werift.RtpHeader(copy(props)).serializeSize);
      assert.deepEqual([...actual], [...expected], `case ${i}: ${JSON.stringify(props)}`);
    }
  });

  it('parses 500 varied packets (with padding) into the same header as werift does', () => {
    const r = random(11);
    for (let i = 0; i < 500; i++) {
      const props = headerProps(r);
      const header = new werift.RtpHeader(copy(props));
      let raw = Buffer.concat([header.serialize(header.serializeSize), Buffer.alloc(20 + r(100), 0x55)]);
      if (r(3) === 0) {
        raw[0] |= 0x20;
        const pad = 1 + r(8);
        raw = Buffer.concat([raw, Buffer.alloc(pad - 1), Buffer.from([pad])]);
      }
      assert.deepEqual(plain(werift.RtpHeader.deSerialize(raw)), plain(weriftRtpReference.deSerialize(raw)), `case ${i}`);
    }
  });

  it('round-trips an RTP packet and clones it into an independent header', () => {
    const packet = new werift.RtpPacket(createRtpHeader({ payloadType: 0, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, marker: true }), Buffer.alloc(160, 0xff));
    const back = werift.RtpPacket.deSerialize(packet.serialize());
    assert.deepEqual(plain(back.header), plain({ ...packet.header, payloadOffset: 12 }));
    assert.deepEqual([...back.payload], [...packet.payload]);
    const copy = back.clone();
    copy.header.sequenceNumber = 1;
    assert.equal(back.header.sequenceNumber, 65535);
    assert.ok(copy.header instanceof werift.RtpHeader);
  });
});
