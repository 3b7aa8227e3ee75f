'use strict';
// MD5 (RFC 1321) of a string's UTF-8 bytes, as lowercase hex: what JsSIP's digest authentication
// computes, as one loop over the standard tables instead of JsSIP's 64 unrolled steps (8 KB of
// source). Characters outside the BMP are hashed as UTF-8 (4 bytes), which is what servers do;
// JsSIP's own encoder gave each surrogate half 3 bytes. test/sip/md5-lite.test.mjs compares both.
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);

module.exports = function calculateMD5(text) {
  const bytes = new TextEncoder().encode(text);
  // Message, a 0x80 byte, zero padding, and the length in bits: whole 64-byte blocks.
  const words = new Int32Array((((bytes.length + 8) >>> 6) + 1) * 16);
  bytes.forEach((byte, i) => (words[i >> 2] |= byte << ((i % 4) * 8)));
  words[bytes.length >> 2] |= 0x80 << ((bytes.length % 4) * 8);
  words[words.length - 2] = bytes.length * 8;
  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let block = 0; block < words.length; block += 16) {
    let [a, b, c, d] = state;
    for (let i = 0; i < 64; i++) {
      const round = i >> 4;
      const f = [(b & c) | (~b & d), (d & b) | (~d & c), b ^ c ^ d, c ^ (b | ~d)][round];
      const g = [i, 5 * i + 1, 3 * i + 5, 7 * i][round] % 16;
      const sum = (a + f + K[i] + words[block + g]) | 0;
      const shift = SHIFTS[round * 4 + (i % 4)];
      [a, d, c] = [d, c, b];
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
    }
    [a, b, c, d].forEach((v, j) => (state[j] = (state[j] + v) | 0));
  }
  return state.map((v) => [0, 8, 16, 24].map((s) => ((v >>> s) & 0xff).toString(16).padStart(2, '0')).join('')).join('');
};
