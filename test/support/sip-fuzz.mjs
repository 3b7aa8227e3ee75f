// Hostile SIP towards a registered agent, through a real SIP server: seeded (the same seed sends
// the same bytes), bounded (count, sizes, and every wait), for test/e2e/hostile-input.test.ts.
// Each case is a request from an authenticated caller (so the proxy relays it to the agent
// rather than challenging it) with one mutation: markup and quotes in display names and
// headers the workbench shows, oversize and repeated headers, malformed or oversize SDP, broken
// header syntax, odd methods, requests for dialogs that do not exist. An INVITE that rings is
// cancelled; one that is answered is acknowledged and hung up.
import { buildRequest, connectRaw, digestResponse, token } from '../callcenter/support/sip-raw-client.mjs';

/** A small seeded PRNG (mulberry32): the same seed gives the same cases. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a page must never run or render as markup, in the places a softphone shows. */
export const MARKUP = [
  '<img src=x onerror="window.__pwned=1">',
  '"><script>window.__pwned=1</script>',
  '${window.__pwned=1}',
  '</span><b onmouseover=window.__pwned=1>x</b>',
  "javascript:window.__pwned=1",
  '{{constructor.constructor("window.__pwned=1")()}}',
];
const ODD_TEXT = ['\u202eevil\u202c', '客户 👩‍💼', '"quoted \\" name"', "it's", '\\', ' ', '%00%0d%0a', 'a'.repeat(300)];

function sdp(rng) {
  const port = 10000 + Math.floor(rng() * 50000);
  return [
    'v=0', `o=- ${Math.floor(rng() * 1e9)} 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${port} RTP/AVP 8 101`, 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv',
  ].join('\r\n') + '\r\n';
}

/** One case: the request's method, extra headers and body, and what the mutation was. */
function makeCase(rng, n) {
  const pick = (list) => list[Math.floor(rng() * list.length)];
  const text = () => (rng() < 0.5 ? pick(MARKUP) : pick(ODD_TEXT));
  const big = (max) => 'x'.repeat(1 + Math.floor(rng() * max));
  const kinds = [
    () => ({ what: 'markup in the display name', from: `"${text().replaceAll('"', '\\"')}"` }),
    () => ({ what: 'markup in P-Asserted-Identity', extra: [['P-Asserted-Identity', `"${text().replaceAll('"', '')}" <sip:${text().replace(/[^0-9a-z]/gi, '') || '1'}@pbx.test>`]] }),
    () => ({ what: 'markup in the queue name', extra: [['X-CC-Queue', text()], ['X-CC-Queue-Name', text()], ['X-CC-Job-Id', text()]] }),
    () => ({ what: 'markup in Referred-By', extra: [['Referred-By', `<sip:${text()}@pbx.test>`]] }),
    () => ({ what: 'oversize header', extra: [['X-Fuzz', big(30_000)]] }),
    () => ({ what: 'oversize display name', from: `"${big(8000)}"` }),
    () => ({ what: 'many headers', extra: Array.from({ length: 50 + Math.floor(rng() * 100) }, (_, i) => [`X-F${i}`, String(i)]) }),
    () => ({ what: 'odd Call-Info / Alert-Info', extra: [['Call-Info', pick(['<>;answer-after=', '<x>;answer-after=999999', ';;;', '<sip:a>;answer-after=-1'])], ['Alert-Info', pick(['<', 'info=alert-autoanswer;;', big(500)])]] }),
    () => ({ what: 'malformed P-Asserted-Identity', extra: [['P-Asserted-Identity', pick(['<<sip:', '"unterminated <sip:1@x>', 'sip:@', '<tel:+1>', ',,,'])]] }),
    () => ({ what: 'SDP with lines removed', body: sdp(rng).split('\r\n').filter(() => rng() > 0.3).join('\r\n') }),
    () => ({ what: 'SDP with garbage lines', body: `${sdp(rng)}${Array.from({ length: 5 }, () => `${pick(['a', 'm', 'c', 'b', 'zz'])}=${text()}`).join('\r\n')}\r\n` }),
    // 5-12 KB: Kamailio 5.6 cannot build the CANCEL of a much larger INVITE ("build_local_reparse():
    // INVITE is missing", 500 to the CANCEL), and the phone would ring on until its ring timeout.
    () => ({ what: 'oversize SDP', body: `${sdp(rng)}${Array.from({ length: 200 + Math.floor(rng() * 300) }, (_, i) => `a=x-fuzz-${i}:${'y'.repeat(10)}`).join('\r\n')}\r\n` }),
    () => ({ what: 'not SDP', contentType: pick(['application/sdp', 'text/html', 'application/json']), body: pick(MARKUP) }),
    () => ({ what: 'no body', body: '' }),
    () => ({ what: 'odd method', method: pick(['OPTIONS', 'MESSAGE', 'INFO', 'NOTIFY', 'UPDATE', 'REFER', 'BYE', 'PRACK', 'FUZZ']), extra: [['Event', 'talk'], ['Refer-To', `<sip:${text().replace(/[<>"]/g, '')}@pbx.test>`], ['Content-Type', 'text/plain']], body: pick(MARKUP) }),
    () => ({ what: 'Replaces of no dialog', extra: [['Replaces', `${token()};to-tag=${token()};from-tag=${token()}`]] }),
  ];
  const c = pick(kinds)();
  return { n, method: c.method ?? 'INVITE', what: c.what, from: c.from, extra: c.extra ?? [], body: c.body ?? sdp(rng), contentType: c.contentType };
}

/**
 * A caller connected through `wsUrl` with one digest challenge in hand: the proxy accepts its
 * nonce for each new request, so every case reaches the agent without its own challenge.
 * @param {{ wsUrl: string, domain: string, caller: { user: string, password: string }, target: string }} o
 */
async function openCaller({ wsUrl, domain, caller, target }) {
  const client = await connectRaw(wsUrl, { user: caller.user, password: caller.password, domain });
  const uri = `sip:${target}@${domain}`;
  client.send(buildRequest('INVITE', uri, client.headers('INVITE', uri, { branch: token() })));
  const challenge = await client.next((m) => m.status === 407 || m.status === 401, 2000);
  const header = /** @type {string} */ (challenge.header(challenge.status === 401 ? 'www-authenticate' : 'proxy-authenticate'));
  const authName = challenge.status === 401 ? 'Authorization' : 'Proxy-Authorization';
  const auth = (/** @type {string} */ method) => /** @type {[string, string]} */ ([authName, digestResponse(header, method, uri, caller.user, caller.password)]);
  return { client, uri, auth, domain, user: caller.user };
}

/**
 * Sends one case and sees it through: waits (800 ms) for its first answer; a call that rings is
 * cancelled after `holdMs` and its 487 acknowledged. Returns the final status, 'rang' when it
 * rang first, or null when nothing came back in time.
 * @param {Awaited<ReturnType<typeof openCaller>>} caller
 * @param {ReturnType<typeof makeCase>} c
 */
async function sendCase({ client, uri, auth, domain, user }, c, holdMs = 0) {
  const callId = token();
  const branch = token();
  const from = `${c.from ? `${c.from} ` : ''}<sip:${user}@${domain}>;tag=${token()}`;
  const headers = client.headers(c.method, uri, { callId, branch }).map(([name, value]) => /** @type {[string, string]} */ (name === 'From' ? [name, from] : [name, value]));
  const contentType = c.contentType ?? (c.method === 'INVITE' || c.method === 'UPDATE' ? 'application/sdp' : 'text/plain');
  client.send(buildRequest(c.method, uri, [...headers, auth(c.method), ...(c.body ? [['Content-Type', contentType]] : []), ...c.extra], c.body));
  const mine = (/** @type {any} */ m) => m.status !== undefined && (m.header('via') ?? '').includes(branch);
  let res = await client.next(mine, 800).catch(() => null);
  while (res && /** @type {number} */ (res.status) < 180) res = await client.next(mine, 800).catch(() => null);
  if (!res) return { final: null, rang: false };
  const rang = res.status === 180 || res.status === 183;
  if (rang) {
    if (holdMs) await new Promise((r) => setTimeout(r, holdMs));
    const cancel = headers.filter(([n]) => n !== 'CSeq' && n !== 'Contact');
    client.send(buildRequest('CANCEL', uri, [...cancel, ['CSeq', '1 CANCEL']]));
    res = await client.next((m) => mine(m) && /** @type {number} */ (m.status) >= 200 && (m.header('cseq') ?? '').endsWith('INVITE'), 2000).catch(() => null);
    if (!res) return { final: null, rang };
  }
  const final = /** @type {number} */ (res.status);
  if (c.method === 'INVITE') client.send(buildRequest('ACK', uri, [...headers.filter(([n]) => n !== 'To' && n !== 'CSeq'), ['To', /** @type {string} */ (res.header('to'))], ['CSeq', '1 ACK']]));
  return { final, rang };
}

/**
 * Sends `count` hostile requests from `caller` to `target` through `wsUrl`; resolves with what
 * came back: how many rang the agent (reached its phone), the final statuses, how many got no
 * answer in time, and how many of each kind of case were sent.
 * @param {{ wsUrl: string, domain: string, caller: { user: string, password: string }, target: string, seed: number, count: number }} o
 */
export async function fuzzSip(o) {
  const rng = random(o.seed);
  const caller = await openCaller(o);
  const stats = { sent: 0, rang: 0, noAnswer: 0, answered: /** @type {Record<string, number>} */ ({}), cases: /** @type {Record<string, number>} */ ({}) };
  try {
    for (let n = 0; n < o.count; n++) {
      const c = makeCase(rng, n);
      const { final, rang } = await sendCase(caller, c);
      stats.cases[`${c.what}: ${rang ? 'rang, ' : ''}${final}`] = (stats.cases[`${c.what}: ${rang ? 'rang, ' : ''}${final}`] ?? 0) + 1;
      stats.sent++;
      if (rang) stats.rang++;
      if (final === null) stats.noAnswer++;
      else stats.answered[final] = (stats.answered[final] ?? 0) + 1;
    }
  } finally {
    await caller.client.close();
  }
  return stats;
}

/**
 * One INVITE whose From display name and queue headers are `markup`, left ringing for `holdMs`
 * (the page looks at what the agent sees meanwhile), then cancelled.
 * @param {{ wsUrl: string, domain: string, caller: { user: string, password: string }, target: string, markup: string, holdMs: number }} o
 */
export async function hostileInvite(o) {
  const caller = await openCaller(o);
  try {
    const c = { n: 0, method: 'INVITE', what: 'markup', from: `"${o.markup.replaceAll('"', '\\"')}"`, extra: /** @type {[string, string][]} */ ([['X-CC-Queue', 'sales'], ['X-CC-Queue-Name', o.markup]]), body: sdp(random(1)), contentType: undefined };
    return await sendCase(caller, c, o.holdMs);
  } finally {
    await caller.client.close();
  }
}
