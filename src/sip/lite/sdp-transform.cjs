'use strict';
// A small stand-in for `sdp-transform` (3.5 KiB gzip) in the production bundle. JsSIP reads only
// the media sections' `type` and the `direction` of the session and of each media section, and to
// hold a call it changes those directions and writes the SDP back. Here every line is kept as
// it came, in its order; write() changes or adds only the direction lines.
// test/sip/sdp-lite.test.mjs compares it with sdp-transform.
const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)$/;

exports.parse = (sdp) => {
  const session = { media: [], lines: [] };
  let section = session;
  for (const line of String(sdp).split(/\r\n|\r|\n/)) {
    if (!/^[a-z]=/.test(line)) continue;
    if (line.startsWith('m=')) session.media.push((section = { type: line.slice(2).split(' ')[0], lines: [] }));
    const direction = DIRECTION.exec(line);
    if (direction) section.direction = direction[1];
    section.lines.push(line);
  }
  return session;
};

exports.write = (session) =>
  [session, ...session.media]
    .flatMap(({ lines, direction }) => {
      if (!direction) return lines;
      let replaced = false;
      const out = lines.map((line) => (DIRECTION.test(line) ? ((replaced = true), `a=${direction}`) : line));
      return replaced ? out : [...out, `a=${direction}`];
    })
    .join('\r\n') + '\r\n';
