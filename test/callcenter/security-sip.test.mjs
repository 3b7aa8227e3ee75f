// Hostile input to the dev call center's SIP server (demo/callcenter/sip/server.mjs): oversize
// messages and header sections (513 Message Too Large, RFC 3261 section 21.5.14), malformed
// start lines, missing mandatory headers, bad Content-Length and garbage (400), frames too large
// or not UTF-8 to read at all (that connection closed). After each, the same socket and other
// clients keep registering and calling, and each bad message is logged once.
//   scripts/in-netns.sh node --test test/callcenter/security-sip.test.mjs
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { startSipServer } from '../../demo/callcenter/sip/server.mjs';
import { buildRequest, buildResponse, connectRaw, token } from './support/sip-raw-client.mjs';

const DOMAIN = 'pbx.test';
const USERS = {
  domain: DOMAIN,
  users: [
    { user: '1001', password: 'pw1001', role: 'agent' },
    { user: '1002', password: 'pw1002', role: 'agent' },
    { user: '1003', password: 'pw1003', role: 'agent' },
  ],
};
const PASSWORDS = Object.fromEntries(USERS.users.map((u) => [u.user, u.password]));
const LIMIT = 64 * 1024;

/** @type {import('../../demo/callcenter/sip/server.mjs').SipServer} */
let server;
/** @type {string[]} */
const logLines = [];
/** @type {Array<() => Promise<void>>} */
const cleanups = [];

before(async () => {
  server = await startSipServer({ users: USERS, log: (line) => logLines.push(line), minExpires: 1 });
});
after(async () => {
  await server?.close();
});
afterEach(async () => {
  while (cleanups.length) await /** @type {() => Promise<void>} */ (cleanups.pop())();
});

/** A raw client, closed after the test. @param {string} [user] */
async function raw(user) {
  const c = await connectRaw(server.wsUrl, user ? { user, password: PASSWORDS[user], domain: DOMAIN } : { domain: DOMAIN });
  cleanups.push(() => c.close());
  return c;
}

/** Standard request headers with a known branch and Call-ID. @param {string} method @param {string} b */
const headers = (method, b) => [
  ['Via', `SIP/2.0/WSS x.invalid;branch=z9hG4bK${b}`],
  ['Max-Forwards', '70'],
  ['To', `<sip:1002@${DOMAIN}>`],
  ['From', `<sip:1001@${DOMAIN}>;tag=t${b}`],
  ['Call-ID', `call-${b}`],
  ['CSeq', `1 ${method}`],
];
const text = (/** @type {string[]} */ lines, body = '') => `${lines.join('\r\n')}\r\n\r\n${body}`;
const answerTo = (/** @type {string} */ b) => (/** @type {import('./support/sip-raw-client.mjs').RawMessage} */ m) => (m.header('via') ?? '').includes(b);

/** Nothing arrives on `c` for `ms`, then a ping is answered: the server read the frame and chose silence. */
async function silentThenServing(c, ms = 300) {
  await new Promise((r) => setTimeout(r, ms));
  assert.equal(c.inbox.length, 0, `nothing expected, got ${c.inbox.map((m) => m.startLine).join(' | ')}`);
  assert.equal((await c.ping()).status, 200, 'the same socket is still served');
}

/** Two clients register and one reaches the other (INVITE answered end to end). */
async function othersStillCall() {
  const caller = await raw('1003');
  const callee = await raw('1002');
  assert.equal((await caller.register()).status, 200, 'REGISTER still works');
  assert.equal((await callee.register()).status, 200, 'REGISTER still works');
  const pending = caller.request('INVITE', `sip:1002@${DOMAIN}`, { body: 'v=0\r\n', extra: [['Content-Type', 'application/sdp']] });
  const invite = await callee.next((m) => m.method === 'INVITE');
  callee.send(buildResponse(invite, 200, 'OK', { toTag: token(), headers: [['Contact', callee.contact], ['Content-Type', 'application/sdp']], body: 'v=0\r\n' }));
  assert.equal((await pending).status, 200, 'a call is still routed');
}

describe('SIP server: oversize messages', () => {
  test(`a request over ${LIMIT} bytes is answered 513 Message Too Large, addressed to its sender, logged once`, async () => {
    const c = await raw();
    const b = token();
    const logged = logLines.length;
    c.send(buildRequest('MESSAGE', `sip:1002@${DOMAIN}`, [...headers('MESSAGE', b), ['Content-Type', 'text/plain']], 'x'.repeat(LIMIT + 1000)));
    const res = await c.next(answerTo(b));
    assert.equal(res.status, 513);
    assert.match(res.startLine, /^SIP\/2\.0 513 Message Too Large$/);
    assert.equal(res.header('call-id'), `call-${b}`);
    assert.equal(res.header('cseq'), '1 MESSAGE');
    assert.match(res.header('to') ?? '', /;tag=/);
    assert.match(res.header('warning') ?? '', /^399 .*limit 65536/);
    const lines = logLines.slice(logged).filter((l) => /oversize/.test(l));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.equal(c.inbox.length, 0, 'one answer only');
    assert.equal((await c.ping()).status, 200);
  });

  test('a header section over 16 KiB (one huge header) is answered 513 even in a small message', async () => {
    const c = await raw();
    const b = token();
    c.send(buildRequest('OPTIONS', `sip:${DOMAIN}`, [...headers('OPTIONS', b), ['Subject', 'y'.repeat(20 * 1024)]]));
    const res = await c.next(answerTo(b));
    assert.equal(res.status, 513);
    assert.match(res.header('warning') ?? '', /header section/);
    assert.equal((await c.ping()).status, 200);
  });

  test('more than 200 header lines are answered 513', async () => {
    const c = await raw();
    const b = token();
    const many = Array.from({ length: 300 }, (_, i) => /** @type {[string, string]} */ ([`X-Pad-${i}`, 'z']));
    c.send(buildRequest('OPTIONS', `sip:${DOMAIN}`, [...headers('OPTIONS', b), ...many]));
    const res = await c.next(answerTo(b));
    assert.equal(res.status, 513);
    assert.match(res.header('warning') ?? '', /header lines/);
    assert.equal((await c.ping()).status, 200);
  });

  test('an oversize response and oversize garbage (no Via to answer) are dropped; the socket stays served', async () => {
    const c = await raw();
    const logged = logLines.length;
    c.send(`SIP/2.0 200 OK\r\n${headers('INVITE', token()).map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\nContent-Length: ${LIMIT + 10}\r\n\r\n${'r'.repeat(LIMIT + 10)}`);
    c.send(Buffer.alloc(LIMIT + 100, 0x41), true);
    await silentThenServing(c);
    const lines = logLines.slice(logged);
    assert.equal(lines.filter((l) => /oversize response dropped/.test(l)).length, 1, lines.join('\n'));
    assert.equal(lines.filter((l) => /oversize request dropped/.test(l)).length, 1, lines.join('\n'));
  });

  test('a frame too large to buffer (over 256 KiB) closes only that connection; others keep registering and calling', async () => {
    const bystander = await raw('1001');
    assert.equal((await bystander.register()).status, 200);
    const c = await raw();
    const closed = new Promise((resolve) => c.ws.once('close', (code) => resolve(code)));
    c.send(buildRequest('MESSAGE', `sip:1002@${DOMAIN}`, headers('MESSAGE', token()), 'q'.repeat(300 * 1024)));
    assert.equal(await closed, 1009, 'WebSocket close code 1009 (message too big)');
    assert.equal((await bystander.ping()).status, 200, 'another socket is untouched');
    await othersStillCall();
  });
});

describe('SIP server: malformed messages', () => {
  /** @type {Array<[string, string | Buffer]>} */
  const BAD = [
    ['a start line without a version', text([`INVITE sip:1002@${DOMAIN}`, ...headers('INVITE', 'm1').map(([n, v]) => `${n}: ${v}`), 'Content-Length: 0'])],
    ['a start line with three spaces', text([`INVITE  sip:1002@${DOMAIN}  SIP/2.0`, ...headers('INVITE', 'm2').map(([n, v]) => `${n}: ${v}`), 'Content-Length: 0'])],
    ...['Via', 'From', 'To', 'Call-ID', 'CSeq'].map((name, i) => /** @type {[string, string]} */ ([
      `no ${name}`,
      text([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...headers('OPTIONS', `n${i}`).filter(([n]) => n !== name).map(([n, v]) => `${n}: ${v}`), 'Content-Length: 0']),
    ])),
    ['Content-Length larger than the body', text([`MESSAGE sip:1002@${DOMAIN} SIP/2.0`, ...headers('MESSAGE', 'l1').map(([n, v]) => `${n}: ${v}`), 'Content-Length: 999'], 'short')],
    ['Content-Length of 10 digits', text([`MESSAGE sip:1002@${DOMAIN} SIP/2.0`, ...headers('MESSAGE', 'l2').map(([n, v]) => `${n}: ${v}`), 'Content-Length: 9999999999'], 'x')],
    ['Content-Length with a sign', text([`MESSAGE sip:1002@${DOMAIN} SIP/2.0`, ...headers('MESSAGE', 'l3').map(([n, v]) => `${n}: ${v}`), 'Content-Length: +1'], 'x')],
    ['random bytes (binary frame)', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256))],
    ['NUL bytes in a header', text([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...headers('OPTIONS', 'z1').map(([n, v]) => `${n}: ${v}`), 'X-Evil: a\u0000b\u0000', 'Content-Length: 0'])],
  ];

  test(`${BAD.length} malformed requests are each answered 400 once and logged once; the socket stays served`, async () => {
    const c = await raw();
    for (const [what, data] of BAD) {
      const logged = logLines.length;
      c.send(data, Buffer.isBuffer(data));
      const res = await c.next((m) => m.status !== undefined).catch((err) => {
        throw new Error(`${what}: ${err.message}`);
      });
      assert.equal(res.status, 400, `${what}: ${res.startLine}`);
      assert.equal((await c.ping()).status, 200, `${what}: still served`);
      assert.equal(c.inbox.length, 0, `${what}: one answer only`);
      const lines = logLines.slice(logged).filter((l) => /malformed/.test(l));
      assert.equal(lines.length, 1, `${what}: logged once\n${lines.join('\n')}`);
    }
    await othersStillCall();
  });

  test('a text frame that is not UTF-8 closes that connection (1007) and nothing else', async () => {
    const bystander = await raw('1001');
    assert.equal((await bystander.register()).status, 200);
    const c = await raw();
    const closed = new Promise((resolve) => c.ws.once('close', (code) => resolve(code)));
    c.send(Buffer.from([0x4f, 0x50, 0xc3, 0x28, 0xff, 0xfe]), false);
    assert.equal(await closed, 1007);
    assert.equal((await bystander.ping()).status, 200);
    await othersStillCall();
  });

  test('a flood of bad messages is answered each time but logged at most 30 times a minute per connection', async () => {
    const c = await raw();
    const logged = logLines.length;
    for (let i = 0; i < 60; i++) c.send(`garbage ${i}\r\n\r\n`);
    for (let i = 0; i < 60; i++) await c.next((m) => m.status === 400);
    assert.equal((await c.ping()).status, 200);
    const lines = logLines.slice(logged);
    assert.equal(lines.filter((l) => /malformed/.test(l)).length, 30, lines.join('\n'));
    assert.equal(lines.filter((l) => /not logging each/.test(l)).length, 1);
    await othersStillCall();
  });
});
