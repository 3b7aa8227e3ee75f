// The bundle's sdp-transform stand-in (src/sip/lite/sdp-transform.cjs) against sdp-transform: the
// fields JsSIP reads are the same, and after JsSIP's hold mangling the SDP it writes means the
// same thing (sdp-transform parses both outputs to the same object).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const lite = require('../../src/sip/lite/sdp-transform.cjs');
const sdpTransform = require('sdp-transform');

const crlf = (lines) => `${lines.join('\r\n')}\r\n`;

// Chrome's audio offer, as the workbench sends it (candidates on loopback).
const chromeOffer = crlf([
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 7f1f1c8e-2d8e-4a3c-9d53-1c1a1e7c5d10',
  'm=audio 40215 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 127.0.0.1',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1467250027 1 udp 2122260223 127.0.0.1 40215 typ host generation 0 network-id 1',
  'a=ice-ufrag:Jq8v',
  'a=ice-pwd:Zx5Pb8lP9gdf5Y8C1m7b2k3V',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:11:D8:E6:D8:99:AC:C4:E2:8C:3B:37',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=sendrecv',
  'a=msid:7f1f1c8e-2d8e-4a3c-9d53-1c1a1e7c5d10 1e4f0c9a-3b7d-4f2e-8a6c-5d9b0e1f2a3c',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:126 telephone-event/8000',
  'a=ssrc:1001823571 cname:pYw8zqv3cFh0d9bT',
  'a=ssrc:1001823571 msid:7f1f1c8e-2d8e-4a3c-9d53-1c1a1e7c5d10 1e4f0c9a-3b7d-4f2e-8a6c-5d9b0e1f2a3c',
]);

// No direction lines at all (sendrecv by default), two media sections plus a data channel.
const noDirections = crlf([
  'v=0',
  'o=werift 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 5004 RTP/AVP 0 101',
  'c=IN IP4 127.0.0.1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'm=video 5006 RTP/AVP 96',
  'a=rtpmap:96 VP8/90000',
  'm=application 5008 UDP/DTLS/SCTP webrtc-datachannel',
  'a=sctp-port:5000',
]);

// A direction at session level, and an LF-only message from a sloppy peer.
const sessionLevel = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'a=sendonly', 'm=audio 4000 RTP/AVP 8', 'a=rtpmap:8 PCMA/8000', 'a=recvonly', ''].join('\n');

const samples = { chromeOffer, noDirections, sessionLevel };
const holdMediaTypes = ['audio', 'video'];

/** What RTCSession reads from a parsed SDP. */
const view = (sdp) => ({ direction: sdp.direction, media: sdp.media.map((m) => ({ type: m.type, direction: m.direction })) });

/** RTCSession._mangleOffer's three cases, applied to a parsed SDP. */
function mangle(sdp, localHold, remoteHold) {
  for (const m of sdp.media) {
    if (!holdMediaTypes.includes(m.type)) continue;
    if (localHold && remoteHold) m.direction = 'inactive';
    else if (!m.direction || m.direction === 'sendrecv') m.direction = localHold ? 'sendonly' : 'recvonly';
    else if (m.direction === 'recvonly') m.direction = 'inactive';
  }
  return sdp;
}

for (const [name, sdp] of Object.entries(samples)) {
  test(`${name}: the session and media directions JsSIP reads`, () => {
    assert.deepEqual(view(lite.parse(sdp)), view(sdpTransform.parse(sdp)));
  });

  test(`${name}: written back unchanged, the same SDP`, () => {
    assert.deepEqual(sdpTransform.parse(lite.write(lite.parse(sdp))), sdpTransform.parse(sdp));
  });

  for (const [localHold, remoteHold] of [[true, false], [true, true], [false, true]]) {
    test(`${name}: hold mangling (local ${localHold}, remote ${remoteHold}) writes the same SDP as sdp-transform`, () => {
      const ours = lite.write(mangle(lite.parse(sdp), localHold, remoteHold));
      const theirs = sdpTransform.write(mangle(sdpTransform.parse(sdp), localHold, remoteHold));
      assert.deepEqual(sdpTransform.parse(ours), sdpTransform.parse(theirs));
      assert.match(ours, /\r\n$/);
      assert.doesNotMatch(ours.replace(/\r\n/g, ''), /[\r\n]/);
    });
  }
}

test('an empty body parses to no media, as JsSIP expects from parseSDP()', () => {
  assert.deepEqual(view(lite.parse('')), { direction: undefined, media: [] });
});
