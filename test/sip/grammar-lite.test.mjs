// The bundle's JsSIP grammar (src/sip/lite/grammar.cjs) against JsSIP's own PEG.js parser: for
// every rule JsSIP starts from, the same result (deep, same classes) or the same -1 / the same
// exception, on SIP values as Kamailio, the dev call center and RFC 3261/4475 write them and on
// thousands of mutations of those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';

const require = createRequire(import.meta.url);
const lite = require('../../src/sip/lite/grammar.cjs');
const jssip = require('jssip/lib/Grammar');

const corpus = {
  SIP_URI: [
    'sip:1001@127.0.0.1',
    'sip:1001@2b7hl8i8mnbu.invalid;transport=ws',
    'sip:alice@example.com;transport=WS;ob',
    'sips:agent@pbx.example.com:5061',
    'sip:alice:secret@atlanta.com;transport=tcp',
    'sip:+8613800000001@127.0.0.1;user=phone',
    'sip:%61lice@atlanta.com;maddr=239.255.255.1;ttl=15',
    'sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com',
    'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
    'sip:[2001:db8::10]:5070',
    'sip:user@[::ffff:192.0.2.1];lr',
    'sip:user@[1:2:3:4:5:6:7:8]',
    'sip:1002@127.0.0.1?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2',
    'sip:host.example.com.',
    'sip:127.0.0.1:5060;r2=on;lr=on;nat=yes',
    'sip:u@h;transport=tlsx',
    'sip:u@h;lrx',
    'tel:+8613800000001',
    'sip:',
    'sip:u@256.1.1.1',
  ],
  Name_Addr_Header: [
    '"Customer" <sip:13800000001@pstn>;party=calling;screen=yes',
    '<sip:+8613800000001@127.0.0.1;user=phone>',
    'Alice Smith <sip:alice@atlanta.com>',
    '"张三" <sip:zhangsan@example.cn>',
    '"a \\"quoted\\" name" <sip:a@b>',
    'sip:a@b',
  ],
  From: [
    '"1001" <sip:1001@127.0.0.1>;tag=4r3t2l1',
    '<sip:13800000001@127.0.0.1>',
    'sip:+8613800000001@pstn.example.com;user=phone;tag=x',
    'Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    '"张三" <sip:zhangsan@example.cn>;tag=1;x-extra="v"',
    'Anonymous <sip:anonymous@anonymous.invalid>;TAG=Ab9',
    '<sips:alice@[2001:db8::1]:5061;transport=tls>;tag=1',
    'sip:alice@atlanta.com;tag=1;other',
    '"unterminated <sip:a@b>',
  ],
  To: ['<sip:1002@127.0.0.1>', '"Sales" <sip:sales@127.0.0.1>;tag=as6151ad25', 'sip:1001@127.0.0.1'],
  Refer_To: [
    '<sip:1002@127.0.0.1>',
    '<sip:1002@127.0.0.1?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>',
    'sip:1003@127.0.0.1;method=INVITE',
  ],
  Contact: [
    '<sip:1001@2b7hl8i8mnbu.invalid;transport=ws;ob>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:8d5f2e3c-4b5a-4c8e-9a1f-0e2d3c4b5a69>";expires=600',
    '<sip:1001@127.0.0.1:53422;transport=ws;alias=127.0.0.1~53422~5>;expires=3600;received="sip:127.0.0.1:53422;transport=ws"',
    '"Agent" <sips:agent@example.com>;q=0.7;expires=30, <sip:agent@10.0.0.1>;q=1',
    'sip:bob@192.0.2.4',
    '<sip:a@b>;expires=abc',
    '<sip:a@b>, <sip:c@d>;q=0.123',
    '*',
  ],
  Record_Route: [
    '<sip:127.0.0.1:8080;transport=ws;r2=on;lr=on;nat=yes>,<sip:127.0.0.1;r2=on;lr=on;nat=yes>',
    '<sip:127.0.0.1:5066;lr>',
    '<sip:proxy.example.com;lr>;foo=bar',
  ],
  Via: [
    'SIP/2.0/WSS 2b7hl8i8mnbu.invalid;branch=z9hG4bK2830157',
    'SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bK12f8.2a3f;rport=53422;received=127.0.0.1',
    'SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK-1;alias',
    'SIP/2.0/UDP host.example.com;maddr=10.0.0.1;ttl=16;branch=x;rport',
    'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds , SIP/2.0/UDP 10.0.0.1:5070;branch=y',
    'SIP/2.0/TCP 1.2.3.4;received=::1;rport=',
  ],
  WWW_Authenticate: [
    'Digest realm="127.0.0.1", nonce="Y2FsbGNlbnRlcg==", qop="auth", algorithm=MD5',
    'Digest realm="example.com", domain="sip:example.com", nonce="abc", opaque="xyz", stale=FALSE, algorithm=MD5, qop="auth,auth-int"',
    'Digest realm="atlanta.com", domain="sip:ss1.carrier.com sip:ss2.carrier.com /path", qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=true',
    'Digest realm="x", nonce="y", algorithm=MD5-sess',
    'Digest realm="x",nonce="y",qop="auth"',
    'Basic realm="x"',
  ],
  Proxy_Authenticate: ['Digest realm="127.0.0.1", nonce="5f8e2a1b0c", qop="auth"'],
  Call_ID: ['a84b4c76e66710@pc33.atlanta.com', '3848276298220188511@atlanta.example.com', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', 'x@y@z'],
  CSeq: ['1 INVITE', '314159 REGISTER', '2 FOO', '3 INVITEX', '4  BYE'],
  Content_Length: ['0', '1024', 'x'],
  Content_Type: ['application/sdp', 'message/sipfrag;version=2.0', 'text/plain; charset="utf-8"', 'application/dtmf-relay', 'textual/plain'],
  Max_Forwards: ['70', '0'],
  Session_Expires: ['90;refresher=uac', '1800', '90;refresher=UAS;x=1'],
  Event: ['refer', 'refer;id=93809824', 'presence.winfo', 'talk'],
  Subscription_State: ['active;expires=60', 'terminated;reason=noresource', 'pending;retry_after=5', 'terminated;reason=custom'],
  Replaces: ['abc@host;to-tag=1;from-tag=2', 'x;early-only', 'abc;TO-TAG=1'],
  Request_Response: [
    'INVITE sip:1001@2b7hl8i8mnbu.invalid;transport=ws SIP/2.0',
    'ACK sip:1001@127.0.0.1 SIP/2.0',
    'NOTIFY sip:1001@127.0.0.1;transport=ws SIP/2.0',
    'INFO sip:a@b SIP/2.0',
    'MESSAGE tel:+1 SIP/2.0',
    'REFERX sip:a@b SIP/2.0',
    'SIP/2.0 200 OK',
    'SIP/2.0 182 Queued',
    'SIP/2.0 486 Busy Here',
    'SIP/2.0 603 拒绝',
    'SIP/2.0 200',
    'SIP/3.14 100 Trying',
  ],
  Status_Line: ['SIP/2.0 200 OK', 'SIP/2.0 100 Trying', 'SIP/2.0 503 Service Unavailable'],
  host: ['example.com', '127.0.0.1', '[::1]', '1.2.3.4.5', 'EXAMPLE.COM', '-bad'],
  quoted_string: ['"1001"', '"a\\"b"', '"bad', ' "sws"'],
  uuid: ['8d5f2e3c-4b5a-4c8e-9a1f-0e2d3c4b5a69', '8d5f2e3c-4b5a-4c8e-9a1f', 'not-a-uuid'],
  absoluteURI: ['ws://127.0.0.1:5066/ws', 'wss://pbx.example.com/ws', 'wss://pbx.example.com', 'http://x', 'ws://[::1]:8080/', 'ws://user@host/', 'mailto:a@b', '1ws://x'],
};

function outcome(parse, value, rule) {
  try {
    return { value: parse(value, rule) };
  } catch (error) {
    return { error: error.constructor.name };
  }
}

function compare(rule, value) {
  const expected = outcome(jssip.parse.bind(jssip), value, rule);
  const actual = outcome(lite.parse, value, rule);
  if (!isDeepStrictEqual(actual, expected)) {
    assert.fail(`${rule} ${JSON.stringify(value)}:\n  lite   ${JSON.stringify(actual)}\n  JsSIP  ${JSON.stringify(expected)}`);
  }
  return expected;
}

/** A small seeded generator, so a failure names a mutation that can be replayed. */
function random(seed) {
  let s = seed >>> 0;
  return (n) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % n;
  };
}

const ALPHABET = [...'aZ09.:;,=@<>"\\ \t%-_+*?&/[]()!~\'`$#{}|^'].concat(['\r\n ', '%41', '%zz', '::', 'é', '张']);

function mutate(value, rnd) {
  const at = rnd(value.length + 1);
  switch (rnd(4)) {
    case 0:
      return value.slice(0, at) + value.slice(at + 1);
    case 1:
      return value.slice(0, at) + ALPHABET[rnd(ALPHABET.length)] + value.slice(at);
    case 2:
      return value.slice(0, at) + ALPHABET[rnd(ALPHABET.length)] + value.slice(at + 1);
    default: {
      const end = at + rnd(8);
      return value.slice(0, at) + value.slice(at, end).toUpperCase() + value.slice(at, end) + value.slice(end);
    }
  }
}

for (const [rule, values] of Object.entries(corpus)) {
  test(`${rule}: the same result as JsSIP's parser`, () => {
    let parsed = 0;
    for (const value of values) if (compare(rule, value) !== -1) parsed++;
    // The corpus holds values that parse, not only ones both parsers refuse.
    assert.ok(parsed > 0, `no ${rule} value of the corpus parsed`);
  });

  test(`${rule}: the same result on 300 mutations of each value`, () => {
    const rnd = random(rule.length * 7919);
    let accepted = 0;
    let total = 0;
    for (const value of values) {
      for (let i = 0; i < 300; i++) {
        let mutated = mutate(value, rnd);
        if (rnd(3) === 0) mutated = mutate(mutated, rnd);
        const result = compare(rule, mutated);
        total++;
        if (result.value !== -1 && !result.error) accepted++;
      }
    }
    // Mutations exercise both outcomes.
    assert.ok(accepted > 0 && accepted < total, `${rule}: ${accepted} of ${total} mutations accepted`);
  });
}

test('a header rule left out of the bundle is named in the error', () => {
  assert.throws(() => lite.parse('x', 'Accept_Language'), /"Accept_Language" is not part of the cc-workbench bundle/);
});
