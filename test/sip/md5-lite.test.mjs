// The bundle's MD5 (src/sip/lite/md5.cjs) against RFC 1321's test suite and JsSIP's own
// calculateMD5, which it replaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';

const require = createRequire(import.meta.url);
const md5 = require('../../src/sip/lite/md5.cjs');
const jssip = require('jssip/lib/Utils.js').calculateMD5;

test('RFC 1321 A.5 test suite', () => {
  const suite = {
    '': 'd41d8cd98f00b204e9800998ecf8427e',
    a: '0cc175b9c0f1b6a831c399e269772661',
    abc: '900150983cd24fb0d6963f7d28e17f72',
    'message digest': 'f96b697d7cb7938d525a2f31aaf161d0',
    abcdefghijklmnopqrstuvwxyz: 'c3fcd3d76192e4007dfb496cca67e13b',
    ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789: 'd174ab98d277d9f5a5611c2c9f419d9f',
    '12345678901234567890123456789012345678901234567890123456789012345678901234567890': '57edf4a22be3c955ac49da2e2107b67a',
  };
  for (const [input, digest] of Object.entries(suite)) assert.equal(md5(input), digest, JSON.stringify(input));
});

test("the same digests as JsSIP's calculateMD5 and Node's crypto, at every length around the block edges and for non-ASCII text", () => {
  const texts = [];
  for (let n = 0; n < 200; n++) texts.push('x'.repeat(n));
  texts.push('1001:pbx.test:secret', 'REGISTER:sip:pbx.test', '坐席:呼叫中心:密码', 'café:naïve', 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n');
  for (const text of texts) {
    const expected = createHash('md5').update(text, 'utf8').digest('hex');
    assert.equal(md5(text), expected, `${text.length}: ${text.slice(0, 20)}`);
    assert.equal(jssip(text), expected, `JsSIP agrees on ${text.slice(0, 20)}`);
  }
  // Outside the BMP the bundle hashes real UTF-8, as servers do; JsSIP's encoder did not.
  assert.equal(md5('密码😀'), createHash('md5').update('密码😀', 'utf8').digest('hex'));
});
