// The dev call center's SIP-over-WebSocket registrar and proxy, driven by real JsSIP user agents
// (with werift media) and, where exact bytes or odd timing matter, by a raw WebSocket client.
//   scripts/in-netns.sh node --test test/callcenter/sip-proxy.test.mjs
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { loadNodeJsSIP, werift } from '../../demo/callcenter/media/node-jssip.mjs';
import { startSipServer } from '../../demo/callcenter/sip/server.mjs';
import { buildRequest, buildResponse, connectRaw, token } from './support/sip-raw-client.mjs';

/** How long a vanished party may come back before the other party gets a BYE (short for the tests). */
const VANISHED_GRACE_MS = 600;
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

const JsSIP = loadNodeJsSIP();
const DOMAIN = 'pbx.test';
/** @type {Record<string, [string, string]>} user -> [password, role] */
const ACCOUNTS = {
  1001: ['pw1001', 'agent'], 1002: ['pw1002', 'agent'], 1003: ['pw1003', 'agent'], 1004: ['pw1004', 'agent'], 1005: ['pw1005', 'agent'],
  1009: ['pw1009', 'supervisor'], 13800000001: ['pwcust1', 'customer'], sales: ['pwsales', 'queue'], pstn: ['pwpstn', 'trunk'],
};
const USERS = { domain: DOMAIN, users: Object.entries(ACCOUNTS).map(([user, [password, role]]) => ({ user, password, role, displayName: user })) };
const WAIT = 8000;

/** @type {import('../../demo/callcenter/sip/server.mjs').SipServer} */
let server;
/** @type {string[]} */
const logLines = [];
/** @type {Array<Record<string, any>>} */
const events = [];
/** @type {Array<() => Promise<void> | void>} */
const cleanups = [];

before(async () => {
  server = await startSipServer({ users: USERS, log: (line) => logLines.push(line), minExpires: 1, vanishedGraceMs: VANISHED_GRACE_MS });
  for (const type of ['registered', 'unregistered', 'call-start', 'call-answer', 'call-end']) server.on(type, (e) => events.push({ type, ...e }));
});
after(async () => {
  await server?.close();
});
afterEach(async () => {
  while (cleanups.length) await /** @type {() => Promise<void>} */ (cleanups.pop())();
});

/**
 * Resolves with the first `name` event of `emitter` that passes `filter`, or rejects after `ms`.
 * @param {{ on: Function, off?: Function, removeListener: Function }} emitter
 * @param {string} name
 * @param {(e: any) => boolean} [filter]
 * @param {number} [ms]
 * @returns {Promise<any>}
 */
function waitFor(emitter, name, filter = () => true, ms = WAIT) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { emitter.removeListener(name, on); reject(new Error(`no "${name}" event within ${ms} ms`)); }, ms);
    function on(/** @type {any} */ e) {
      if (!filter(e)) return;
      clearTimeout(timer);
      emitter.removeListener(name, on);
      resolve(e);
    }
    emitter.on(name, on);
  });
}

/** Polls `check` until it returns a truthy value (bounded). @param {() => any} check @param {string} what */
async function eventually(check, what, ms = WAIT) {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    const v = check();
    if (v) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const audio = () => new werift.MediaStream([new werift.MediaStreamTrack({ kind: 'audio' })]);

/**
 * A JsSIP UA for `user`, stopped after the test.
 * @param {string} user
 * @param {{ password?: string, register?: boolean }} [o]
 */
async function startUA(user, { password = ACCOUNTS[user]?.[0], register = true } = {}) {
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(server.wsUrl)], uri: `sip:${user}@${DOMAIN}`, password, register,
    connection_recovery_min_interval: 30, connection_recovery_max_interval: 60, session_timers: false,
  });
  cleanups.push(async () => {
    const gone = ua.isConnected() ? waitFor(ua, 'disconnected', () => true, 3000).catch(() => {}) : Promise.resolve();
    ua.stop();
    await gone;
  });
  const ready = register
    ? Promise.race([waitFor(ua, 'registered'), waitFor(ua, 'registrationFailed').then((e) => { throw new Error(`${user} not registered: ${e.cause}`); })])
    : waitFor(ua, 'connected');
  ua.start();
  await ready;
  return ua;
}

/** A raw client, closed after the test. @param {string} [user] */
async function raw(user) {
  const c = await connectRaw(server.wsUrl, user ? { user, password: ACCOUNTS[user][0], domain: DOMAIN } : {});
  cleanups.push(() => c.close());
  return c;
}

/** The INVITE that created an incoming session. @type {WeakMap<object, any>} */
const inviteOf = new WeakMap();

/**
 * Makes `callee` answer (or just ring) every incoming call.
 * @param {any} ua
 * @param {{ answer?: boolean }} [o]
 * @returns {Promise<any>} the first incoming session
 */
function incoming(ua, { answer = true } = {}) {
  return new Promise((resolve) => {
    ua.on('newRTCSession', (/** @type {any} */ e) => {
      if (e.originator !== 'remote') return;
      inviteOf.set(e.session, e.request);
      if (answer) e.session.answer({ mediaStream: audio() });
      resolve(e.session);
    });
  });
}

/** @param {any} session */
function confirmed(session) {
  return Promise.race([waitFor(session, 'confirmed'), waitFor(session, 'failed').then((e) => { throw new Error(`call failed: ${e.cause}`); })]);
}

/** Calls `to` from `ua` and waits until both sides are confirmed. */
async function connectCall(/** @type {any} */ a, /** @type {any} */ b, /** @type {string} */ to) {
  const remote = incoming(b);
  const local = a.call(`sip:${to}@${DOMAIN}`, { mediaStream: audio() });
  const [bSession] = await Promise.all([remote, confirmed(local)]);
  await eventually(() => bSession.isEstablished(), 'callee confirmed');
  return { local, remote: bSession };
}

describe('registrar', () => {
  test('registers with the right password and reports the binding', async () => {
    const ua = await startUA('1001');
    const binding = server.registrar.lookup('1001');
    assert.ok(binding, 'binding for 1001');
    assert.equal(binding.contact, ua.contact.uri.toString());
    assert.ok(events.some((e) => e.type === 'registered' && e.user === '1001'));
    assert.ok(server.registrar.list().some((b) => b.user === '1001'));
  });

  test('rejects a wrong password and an unknown user with 401, binding nothing', async () => {
    for (const [user, password] of [['1002', 'wrong'], ['7777', 'whatever']]) {
      const ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(server.wsUrl)], uri: `sip:${user}@${DOMAIN}`, password, register: true, connection_recovery_min_interval: 30 });
      cleanups.push(() => ua.stop());
      const failed = waitFor(ua, 'registrationFailed');
      ua.start();
      const e = await failed;
      assert.equal(e.response?.status_code, 401, `${user}: ${e.cause}`);
      assert.equal(server.registrar.lookup(user), undefined);
    }
    assert.ok(logLines.some((l) => /REGISTER rejected: wrong password for 1002/.test(l)), 'logged why');
  });

  test('refuses to bind another user\'s AOR with 403', async () => {
    const c = await raw('1003');
    const res = await c.request('REGISTER', `sip:${DOMAIN}`, { to: `sip:1004@${DOMAIN}` });
    assert.equal(res.status, 403);
    assert.equal(server.registrar.lookup('1004'), undefined);
  });

  test('unregister and unregister-all remove bindings, answered without Contact: *', async () => {
    const ua = await startUA('1005');
    const unreg = waitFor(ua, 'unregistered');
    ua.unregister({ all: true });
    await unreg;
    await eventually(() => server.registrar.lookup('1005') === undefined, 'binding removed');
    assert.ok(events.some((e) => e.type === 'unregistered' && e.user === '1005' && e.reason === 'unregister'));
  });

  test('a binding expires and is removed', async () => {
    const c = await raw('1009');
    const res = await c.register(1);
    assert.equal(res.status, 200);
    assert.match(res.header('contact') ?? '', /expires=1\b/);
    assert.ok(server.registrar.lookup('1009'));
    const e = await waitFor(server, 'unregistered', (x) => x.user === '1009');
    assert.equal(e.reason, 'expired');
    assert.equal(server.registrar.lookup('1009'), undefined);
  });

  test('a binding is removed as soon as its socket closes', async () => {
    const c = await raw('1004');
    assert.equal((await c.register()).status, 200);
    const gone = waitFor(server, 'unregistered', (x) => x.user === '1004');
    c.kill();
    assert.equal((await gone).reason, 'socket-closed');
    assert.equal(server.registrar.lookup('1004'), undefined);
  });
});

describe('routing between JsSIP clients', () => {
  test('INVITE, ACK and BYE: record-routed, with call-start, call-answer and call-end', async () => {
    const a = await startUA('1001');
    const b = await startUA('1002');
    const from = events.length;
    const { local, remote } = await connectCall(a, b, '1002');
    const invite = inviteOf.get(remote);
    assert.equal(invite.getHeader('Record-Route'), `<sip:127.0.0.1:${server.port};transport=ws;lr>`);
    const ended = waitFor(remote, 'ended');
    local.terminate();
    assert.equal((await ended).originator, 'remote');
    await eventually(() => events.slice(from).some((e) => e.type === 'call-end'), 'call-end');
    const mine = events.slice(from).filter((e) => e.callId === invite.call_id);
    assert.deepEqual(mine.map((e) => e.type), ['call-start', 'call-answer', 'call-end']);
    assert.deepEqual([mine[0].fromUser, mine[0].toUser], ['1001', '1002']);
    assert.deepEqual([mine[2].status, mine[2].reason, mine[2].byUser], [200, 'bye', '1001']);
  });

  test('re-INVITE (hold/unhold), UPDATE, INFO and DTMF over INFO reach the other side', async () => {
    const a = await startUA('1001');
    const b = await startUA('1002');
    const { local, remote } = await connectCall(a, b, '1002');
    // each re-INVITE transaction completes (done callback) before the next one may start
    const held = waitFor(remote, 'hold');
    await new Promise((resolve) => assert.ok(local.hold({}, resolve), 'hold() sent a re-INVITE'));
    await held;
    const unheld = waitFor(remote, 'unhold');
    await new Promise((resolve) => assert.ok(local.unhold({}, resolve), 'unhold() sent a re-INVITE'));
    await unheld;

    const updated = waitFor(remote, 'update');
    const renegotiated = new Promise((resolve) => local.renegotiate({ useUpdate: true }, resolve));
    assert.equal((await updated).request.method, 'UPDATE');
    await renegotiated;

    const info = waitFor(remote, 'newInfo', (e) => e.originator === 'remote');
    local.sendInfo('application/x-cc-test', 'état: prêt ✓');
    const got = await info;
    assert.equal(got.info.body, 'état: prêt ✓');
    const dtmf = waitFor(remote, 'newDTMF', (e) => e.originator === 'remote');
    local.sendDTMF('5', { transportType: 'INFO' });
    assert.equal((await dtmf).dtmf.tone, '5');
  });

  test('REFER is relayed and its NOTIFYs come back; the transferee reaches the target', async () => {
    const a = await startUA('1001');
    const b = await startUA('1002');
    const c = await startUA('1003');
    const { local, remote } = await connectCall(a, b, '1002');
    remote.on('refer', (/** @type {any} */ e) => e.accept(() => {}, { mediaStream: audio() }));
    const target = incoming(c);
    const subscriber = local.refer(`sip:1003@${DOMAIN}`);
    const accepted = waitFor(subscriber, 'accepted');
    const requestSucceeded = waitFor(subscriber, 'requestSucceeded');
    assert.equal((await requestSucceeded).response.status_code, 202);
    const notify = await accepted; // NOTIFY with "SIP/2.0 200 OK" from the transferee
    assert.equal(notify.status_line.status_code, 200);
    const transferred = await target;
    assert.equal(transferred.remote_identity.uri.user, '1002');
  });

  test('MESSAGE with a UTF-8 body arrives intact with its byte length as Content-Length', async () => {
    const a = await startUA('1001');
    const b = await startUA('1002');
    const text = 'Grüße, 你好 🎧 — fin';
    const got = waitFor(b, 'newMessage', (e) => e.originator === 'remote');
    const sent = new Promise((resolve, reject) => a.sendMessage(`sip:1002@${DOMAIN}`, text, { eventHandlers: { succeeded: resolve, failed: (/** @type {any} */ e) => reject(new Error(e.cause)) } }));
    assert.equal((await got).request.body, text);
    await sent;

    const r = await raw('1004');
    assert.equal((await r.register()).status, 200);
    a.sendMessage(`sip:1004@${DOMAIN}`, text);
    const msg = await r.next((m) => m.method === 'MESSAGE');
    assert.equal(msg.body.toString('utf8'), text);
    assert.equal(Number(msg.header('content-length')), Buffer.byteLength(text));
    r.send(buildResponse(msg, 200, 'OK', { toTag: token() }));
  });

  test('notifyUser: an unsolicited NOTIFY x-cc-agent-state reaches the softphone; a client forging one gets 403', async () => {
    const a = await startUA('1001');
    const got = waitFor(a, 'sipEvent', (e) => e.event?.event === 'x-cc-agent-state');
    assert.equal(server.notifyUser('1001', 'x-cc-agent-state', { state: 'break', reason: 'supervisor', by: '1009' }), 1);
    const e = await got;
    assert.deepEqual(JSON.parse(e.request.body), { state: 'break', reason: 'supervisor', by: '1009' });
    assert.equal(server.notifyUser('1003', 'x-cc-agent-state', { state: 'ready' }), 0, 'nobody registered as 1003');
    // 1002 pretends to be the call center: refused, 1001 hears nothing.
    const r = await raw('1002');
    assert.equal((await r.register()).status, 200);
    const forged = await r.request('NOTIFY', `sip:1001@${DOMAIN}`, {
      extra: [['Event', 'x-cc-agent-state'], ['Subscription-State', 'terminated'], ['Content-Type', 'application/json']],
      body: '{"state":"offline"}',
    });
    assert.equal(forged.status, 403);
  });

  test('OPTIONS to a user is relayed; OPTIONS to the server itself is answered 200 without auth', async () => {
    const a = await startUA('1001');
    await startUA('1002');
    const res = await new Promise((resolve, reject) => a.sendOptions(`sip:1002@${DOMAIN}`, null, { eventHandlers: { succeeded: (/** @type {any} */ e) => resolve(e.response), failed: (/** @type {any} */ e) => reject(new Error(e.cause)) } }));
    assert.equal(res.status_code, 200);
    const c = await raw();
    const branch = token();
    c.send(buildRequest('OPTIONS', `sip:${DOMAIN}`, c.headers('OPTIONS', `sip:${DOMAIN}`, { branch })));
    assert.equal((await c.next((m) => (m.header('via') ?? '').includes(branch))).status, 200);
  });

  test('100 Trying first, then the callee\'s 180 with its To-tag', async () => {
    const b = await startUA('1002');
    const ringing = incoming(b, { answer: false });
    const c = await raw('1003');
    const provisionals = /** @type {import('./support/sip-raw-client.mjs').RawMessage[]} */ ([]);
    // no SDP: the callee rings and would offer in its answer
    const pending = c.request('INVITE', `sip:1002@${DOMAIN}`, { onProvisional: (m) => provisionals.push(m) });
    const session = await ringing;
    await eventually(() => provisionals.length >= 2, 'two provisional responses');
    assert.deepEqual(provisionals.map((m) => m.status), [100, 180]);
    assert.doesNotMatch(provisionals[0].header('to') ?? '', /;tag=/);
    assert.match(provisionals[1].header('to') ?? '', /;tag=/);
    session.terminate({ status_code: 486 });
    assert.equal((await pending).status, 486);
  });

  test('routes by Request-URI user: 404 unknown, 480 known but absent, numbers to the pstn trunk, 403 for a forged From', async () => {
    const a = await startUA('1001');
    /** @param {string} to */
    const callStatus = (to) => new Promise((resolve) => {
      const s = a.call(`sip:${to}@${DOMAIN}`, { mediaStream: audio() });
      s.on('failed', (/** @type {any} */ e) => resolve(e.message?.status_code ?? e.cause));
      s.on('confirmed', () => { resolve(200); s.terminate(); });
    });
    assert.equal(await callStatus('nobody'), 404);
    assert.equal(await callStatus('1005'), 480);
    assert.equal(await callStatus('13900000099'), 480, 'number while the trunk is not registered');

    const pstn = await startUA('pstn');
    const atTrunk = incoming(pstn, { answer: false });
    const s = a.call(`sip:13900000099@${DOMAIN}`, { mediaStream: audio() });
    const ringing = await atTrunk;
    assert.equal(ringing.local_identity.uri.user, '13900000099');
    const failed = waitFor(s, 'failed');
    ringing.terminate({ status_code: 486 });
    assert.equal((await failed).message.status_code, 486);

    // the trunk may call as any customer; an agent may not call as someone else
    const b = await startUA('1002');
    const atAgent = incoming(b, { answer: false });
    const fromCustomer = pstn.call(`sip:1002@${DOMAIN}`, { mediaStream: audio(), fromUserName: '13800000001' });
    assert.equal((await atAgent).remote_identity.uri.user, '13800000001');
    fromCustomer.terminate();
    const forged = a.call(`sip:1002@${DOMAIN}`, { mediaStream: audio(), fromUserName: '1003' });
    assert.equal((await waitFor(forged, 'failed')).message.status_code, 403);
  });
});

describe('CANCEL', () => {
  test('a ringing call cancelled by the caller ends on both sides with 487', async () => {
    const a = await startUA('1001');
    const b = await startUA('1002');
    const from = events.length;
    const ringing = incoming(b, { answer: false });
    const s = a.call(`sip:1002@${DOMAIN}`, { mediaStream: audio() });
    const callee = await ringing;
    const calleeFailed = waitFor(callee, 'failed');
    const callerFailed = waitFor(s, 'failed');
    await waitFor(s, 'progress').catch(() => {});
    s.terminate();
    assert.equal((await calleeFailed).cause, JsSIP.C.causes.CANCELED);
    assert.equal((await callerFailed).cause, JsSIP.C.causes.CANCELED);
    const end = await eventually(() => events.slice(from).find((e) => e.type === 'call-end'), 'call-end');
    assert.deepEqual([end.status, end.reason], [487, 'cancel']);
  });

  test('CANCEL before the callee\'s first response waits for it, then goes out once', async () => {
    const a = await startUA('1001');
    const callee = await raw('1003');
    assert.equal((await callee.register()).status, 200);
    const s = a.call(`sip:1003@${DOMAIN}`, { mediaStream: audio() });
    const invite = await callee.next((m) => m.method === 'INVITE');
    const callerFailed = waitFor(s, 'failed');
    // The caller has the server's 100 Trying, so JsSIP sends its CANCEL at once.
    s.terminate();
    await eventually(() => logLines.some((l) => l.startsWith(`CANCEL of ${invite.header('call-id')} waits`)), 'the CANCEL reached the server');
    await callee.ping();
    assert.ok(!callee.inbox.some((m) => m.method === 'CANCEL'), 'no CANCEL before a provisional response');
    callee.send(buildResponse(invite, 180, 'Ringing', { toTag: 'callee1' }));
    const cancel = await callee.next((m) => m.method === 'CANCEL');
    assert.equal(cancel.header('via'), invite.header('via'), 'same branch as the INVITE');
    callee.send(buildResponse(cancel, 200, 'OK', { toTag: 'callee1' }));
    callee.send(buildResponse(invite, 487, 'Request Terminated', { toTag: 'callee1' }));
    const ack = await callee.next((m) => m.method === 'ACK');
    assert.equal(ack.header('via'), invite.header('via'));
    assert.equal((await callerFailed).cause, JsSIP.C.causes.CANCELED);
    await callee.ping();
    assert.ok(!callee.inbox.some((m) => m.method === 'CANCEL'), 'exactly one CANCEL');
  });

  test('a 200 OK crossing the CANCEL is still relayed to the caller', async () => {
    const caller = await raw('1001');
    const callee = await raw('1002');
    assert.equal((await callee.register()).status, 200);
    const callId = token();
    /** @type {import('./support/sip-raw-client.mjs').RawMessage[]} */
    const seen = [];
    const final = caller.request('INVITE', `sip:1002@${DOMAIN}`, { callId, body: 'v=0\r\n', extra: [['Content-Type', 'application/sdp']], onProvisional: (m) => seen.push(m) });
    const invite = await callee.next((m) => m.method === 'INVITE');
    callee.send(buildResponse(invite, 180, 'Ringing', { toTag: 'x1' }));
    await eventually(() => seen.some((m) => m.status === 180), '180 at the caller');
    const inviteSent = /** @type {string} */ (seen[0].header('via')); // the 100 carries the INVITE's Via
    caller.send(buildRequest('CANCEL', `sip:1002@${DOMAIN}`, [['Via', inviteSent], ['Max-Forwards', '70'], ['To', `<sip:1002@${DOMAIN}>`], ['From', `<sip:1001@${DOMAIN}>;tag=${caller.fromTag}`], ['Call-ID', callId], ['CSeq', `${seen[0].header('cseq')?.split(' ')[0]} CANCEL`]]));
    const cancel = await callee.next((m) => m.method === 'CANCEL');
    callee.send(buildResponse(invite, 200, 'OK', { toTag: 'x1', headers: [['Contact', callee.contact], ['Content-Type', 'application/sdp']], body: 'v=0\r\n' }));
    callee.send(buildResponse(cancel, 200, 'OK', { toTag: 'x1' }));
    const res = await final;
    assert.equal(res.status, 200);
  });
});

describe('a socket closed mid-call', () => {
  test('the other party gets a BYE once the vanished party stayed away for the grace period; the binding goes at once; call-end names who vanished', async () => {
    const a = await startUA('1001');
    const b = await startUA('1002');
    const from = events.length;
    const { remote } = await connectCall(a, b, '1002');
    const ended = waitFor(remote, 'ended');
    const unregistered = waitFor(server, 'unregistered', (e) => e.user === '1001');
    a.transport.socket._ws.terminate(); // JsSIP's own ws socket, killed like a closed browser tab
    const closedAt = Date.now();
    assert.equal((await unregistered).reason, 'socket-closed');
    const e = await ended;
    assert.ok(Date.now() - closedAt >= VANISHED_GRACE_MS - 50, 'not before the grace period');
    assert.equal(e.originator, 'remote');
    assert.equal(e.cause, JsSIP.C.causes.BYE);
    const end = events.slice(from).find((x) => x.type === 'call-end');
    assert.deepEqual([end?.reason, end?.byUser], ['socket-closed', '1001']);
  });

  test('a party that reconnects within the grace period keeps its call, and the other party\'s BYE reaches it on the new connection', async () => {
    const a = await startUA('1001');
    const b = await startUA('1002');
    const { local, remote } = await connectCall(a, b, '1002');
    const registeredAgain = waitFor(server, 'registered', (e) => e.user === '1001');
    // A server-side close of a live client (not a closed tab): JsSIP reconnects, registers the
    // same Contact over the new socket, and its session lives on.
    const disconnected = waitFor(a, 'disconnected');
    a.transport.socket._ws.terminate();
    await disconnected;
    a.transport.connect(); // now, not after JsSIP's recovery delay
    await registeredAgain;
    await sleep(VANISHED_GRACE_MS + 200);
    assert.equal(local.isEnded(), false, 'the reconnected party is still in its call');
    assert.equal(remote.isEnded(), false, 'no BYE on behalf of a party that came back');
    const ended = waitFor(local, 'ended');
    remote.terminate();
    const e = await ended;
    assert.equal(e.originator, 'remote');
  });

  test('an INVITE pending toward a socket that closes is answered 480', async () => {
    const a = await startUA('1001');
    const callee = await raw('1003');
    assert.equal((await callee.register()).status, 200);
    const s = a.call(`sip:1003@${DOMAIN}`, { mediaStream: audio() });
    const invite = await callee.next((m) => m.method === 'INVITE');
    callee.send(buildResponse(invite, 180, 'Ringing', { toTag: 'gone' }));
    await waitFor(s, 'progress');
    const failed = waitFor(s, 'failed');
    callee.kill();
    assert.equal((await failed).message.status_code, 480);
  });

  test('an in-dialog request toward a closed socket gets 480 at once', async () => {
    const caller = await raw('1001');
    const callee = await raw('1002');
    assert.equal((await callee.register()).status, 200);
    const callId = token();
    const final = caller.request('INVITE', `sip:1002@${DOMAIN}`, { callId });
    const invite = await callee.next((m) => m.method === 'INVITE');
    callee.send(buildResponse(invite, 200, 'OK', { toTag: 'd1', headers: [['Contact', callee.contact]] }));
    const ok = await final;
    assert.equal(ok.status, 200);
    const rr = /** @type {string} */ (ok.header('record-route'));
    await callee.close();
    const branch = token();
    const calleeUri = callee.contact.slice(1, -1);
    caller.send(buildRequest('INFO', calleeUri, [['Via', `SIP/2.0/WSS x.invalid;branch=z9hG4bK${branch}`], ['Max-Forwards', '70'], ['Route', rr], ['To', /** @type {string} */ (ok.header('to'))], ['From', `<sip:1001@${DOMAIN}>;tag=${caller.fromTag}`], ['Call-ID', callId], ['CSeq', '5 INFO']]));
    assert.equal((await caller.next((m) => (m.header('via') ?? '').includes(branch))).status, 480);
  });
});

describe('robustness', () => {
  /** @param {import('./support/sip-raw-client.mjs').RawMessage} m */
  const isBadRequest = (m) => m.status === 400;
  const h = (/** @type {string} */ method, /** @type {string} */ b) => [
    `Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK${b}`, 'Max-Forwards: 70', `To: <sip:1002@${DOMAIN}>`, `From: <sip:1001@${DOMAIN}>;tag=t${b}`, `Call-ID: ${b}`, `CSeq: 1 ${method}`,
  ];
  const msg = (/** @type {string[]} */ lines, body = '') => `${lines.join('\r\n')}\r\n\r\n${body}`;
  /** @type {Array<[string, string | Buffer]>} */
  const MALFORMED = [
    ['truncated headers', `OPTIONS sip:${DOMAIN} SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bKa1\r\nCall-ID: a1\r\nCSe`],
    ['truncated body', msg([`MESSAGE sip:1002@${DOMAIN} SIP/2.0`, ...h('MESSAGE', 'a2'), 'Content-Length: 50'], 'only part')],
    ['no Call-ID', msg([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...h('OPTIONS', 'a3').filter((l) => !l.startsWith('Call-ID')), 'Content-Length: 0'])],
    ['no Via', msg([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...h('OPTIONS', 'a4').filter((l) => !l.startsWith('Via')), 'Content-Length: 0'])],
    ['no From', msg([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...h('OPTIONS', 'a5').filter((l) => !l.startsWith('From')), 'Content-Length: 0'])],
    ['no CSeq', msg([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...h('OPTIONS', 'a6').filter((l) => !l.startsWith('CSeq')), 'Content-Length: 0'])],
    ['Content-Length not a number', msg([`MESSAGE sip:1002@${DOMAIN} SIP/2.0`, ...h('MESSAGE', 'a7'), 'Content-Length: lots'], 'x')],
    ['Content-Length too small', msg([`MESSAGE sip:1002@${DOMAIN} SIP/2.0`, ...h('MESSAGE', 'a8'), 'Content-Length: 2'], 'hello')],
    ['Content-Length counted in characters', msg([`MESSAGE sip:1002@${DOMAIN} SIP/2.0`, ...h('MESSAGE', 'a9'), 'Content-Length: 2'], '你好')],
    ['negative Content-Length', msg([`MESSAGE sip:1002@${DOMAIN} SIP/2.0`, ...h('MESSAGE', 'a10'), 'Content-Length: -5'], 'x')],
    ['two different Content-Lengths', msg([`MESSAGE sip:1002@${DOMAIN} SIP/2.0`, ...h('MESSAGE', 'a11'), 'Content-Length: 1', 'Content-Length: 2'], 'x')],
    ['garbage text', 'hello there, this is not SIP at all\r\n\r\n'],
    ['garbage bytes (binary frame)', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x9c, 0x0d, 0x0a, 0x0d, 0x0a, 0x42])],
    ['bad request line', msg([`OPTIONS  sip:1002@${DOMAIN}`, ...h('OPTIONS', 'a14'), 'Content-Length: 0'])],
    ['bad SIP version', msg([`OPTIONS sip:1002@${DOMAIN} SIP/3.0`, ...h('OPTIONS', 'a15'), 'Content-Length: 0'])],
    ['bad Request-URI', msg(['OPTIONS http://example.com/ SIP/2.0', ...h('OPTIONS', 'a16'), 'Content-Length: 0'])],
    ['CSeq method differs', msg([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...h('INFO', 'a17'), 'Content-Length: 0'])],
    ['bad CSeq number', msg([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...h('OPTIONS', 'a18').map((l) => (l.startsWith('CSeq') ? 'CSeq: abc OPTIONS' : l)), 'Content-Length: 0'])],
    ['header line without a colon', msg([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...h('OPTIONS', 'a19'), 'This is no header', 'Content-Length: 0'])],
    ['bad Via', msg([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...h('OPTIONS', 'a20').map((l) => (l.startsWith('Via') ? 'Via: nonsense' : l)), 'Content-Length: 0'])],
    ['From without tag', msg([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...h('OPTIONS', 'a21').map((l) => (l.startsWith('From') ? `From: <sip:1001@${DOMAIN}>` : l)), 'Content-Length: 0'])],
    ['bad Max-Forwards', msg([`OPTIONS sip:1002@${DOMAIN} SIP/2.0`, ...h('OPTIONS', 'a22').map((l) => (l.startsWith('Max-Forwards') ? 'Max-Forwards: many' : l)), 'Content-Length: 0'])],
  ];

  test(`${MALFORMED.length} malformed messages are each answered 400 and logged, and the server keeps serving`, async () => {
    await startUA('1002');
    const c = await raw();
    for (const [what, data] of MALFORMED) {
      const logged = logLines.length;
      c.send(data, Buffer.isBuffer(data));
      const res = await c.next(isBadRequest).catch((err) => { throw new Error(`${what}: ${err.message}`); });
      assert.match(res.header('warning') ?? '', /^399 /, `${what}: Warning says why`);
      assert.ok(logLines.slice(logged).some((l) => /malformed request/.test(l)), `${what}: logged`);
      assert.equal(c.inbox.length, 0, `${what}: one answer only`);
    }
    // still serving, on the same socket and to JsSIP
    const branch = token();
    c.send(buildRequest('OPTIONS', `sip:${DOMAIN}`, c.headers('OPTIONS', `sip:${DOMAIN}`, { branch })));
    assert.equal((await c.next((m) => (m.header('via') ?? '').includes(branch))).status, 200);
    const a = await startUA('1001');
    const options = await new Promise((resolve) => a.sendOptions(`sip:1002@${DOMAIN}`, null, { eventHandlers: { succeeded: (/** @type {any} */ e) => resolve(e.response.status_code), failed: (/** @type {any} */ e) => resolve(e.cause) } }));
    assert.equal(options, 200);
  });

  test('Max-Forwards 0 gets 483 and a request coming back through the server gets 482', async () => {
    const c = await raw('1001');
    const branch = token();
    c.send(buildRequest('OPTIONS', `sip:1002@${DOMAIN}`, c.headers('OPTIONS', `sip:1002@${DOMAIN}`, { branch }).map(([n, v]) => [n, n === 'Max-Forwards' ? '0' : v])));
    assert.equal((await c.next((m) => (m.header('via') ?? '').includes(branch))).status, 483);

    const looper = await raw('1002');
    assert.equal((await looper.register()).status, 200);
    const pending = c.request('MESSAGE', `sip:1002@${DOMAIN}`, { body: 'loop?', extra: [['Content-Type', 'text/plain']] });
    const forwarded = await looper.next((m) => m.method === 'MESSAGE');
    // A misconfigured element sends the request back to the AOR it was addressed to.
    const loopBranch = token();
    const back = forwarded.headers.filter(([n]) => n !== 'content-length').map(([n, v]) => `${n}: ${v}`);
    looper.send(`MESSAGE sip:1002@${DOMAIN} SIP/2.0\r\nVia: SIP/2.0/WSS loop.invalid;branch=z9hG4bK${loopBranch}\r\n${back.join('\r\n')}\r\nContent-Length: ${forwarded.body.length}\r\n\r\n${forwarded.body}`);
    assert.equal((await looper.next((m) => (m.header('via') ?? '').includes(loopBranch))).status, 482);
    looper.send(buildResponse(forwarded, 200, 'OK', { toTag: token() }));
    assert.equal((await pending).status, 200);
  });
});

describe('feature-code routes (supervisor monitoring codes to the ACD)', () => {
  /** @type {import('../../demo/callcenter/sip/server.mjs').SipServer} */
  let routed;
  before(async () => {
    routed = await startSipServer({ users: USERS, log: false, featureRoutes: [{ prefixes: ['*222', '*225'], user: 'sales' }] });
  });
  after(async () => {
    await routed?.close();
  });
  /** @param {string} user */
  const rawOn = async (user) => {
    const c = await connectRaw(routed.wsUrl, { user, password: ACCOUNTS[user][0], domain: DOMAIN });
    cleanups.push(() => c.close());
    return c;
  };

  test('answers 480 while the route\'s user is not registered', async () => {
    const sup = await rawOn('1009');
    const res = await sup.request('INVITE', `sip:*2221001@${DOMAIN}`);
    assert.equal(res.status, 480);
  });

  test("hands the INVITE to the route's user with the authenticated caller asserted and the dialled code, the To kept", async () => {
    const acd = await rawOn('sales');
    assert.equal((await acd.register(600)).status, 200);
    const sup = await rawOn('pstn'); // the trunk, claiming to be the supervisor
    const forged = [['P-Asserted-Identity', `<sip:1009@${DOMAIN}>`], ['P-Preferred-Identity', `<sip:1009@${DOMAIN}>`], ['X-CC-Dialed', '*2251001']];
    const answered = sup.request('INVITE', `sip:*2221001@${DOMAIN}`, { extra: /** @type {[string, string][]} */ (forged) });
    const invite = await acd.next((m) => m.method === 'INVITE');
    assert.equal(invite.uri, acd.contact.slice(1, acd.contact.indexOf('>')), 'Request-URI: the registered contact');
    assert.equal(invite.header('to'), `<sip:*2221001@${DOMAIN}>`);
    assert.deepEqual(invite.headersOf('p-asserted-identity'), [`<sip:pstn@${DOMAIN}>`], 'the proxy asserts whom it authenticated');
    assert.deepEqual(invite.headersOf('p-preferred-identity'), []);
    assert.deepEqual(invite.headersOf('x-cc-dialed'), ['*2221001'], "only the proxy's X-CC-Dialed");
    acd.send(buildResponse(invite, 403, 'Forbidden - Supervisors Only', { toTag: token() }));
    const res = await answered;
    assert.equal(res.status, 403);
    assert.equal(res.startLine, 'SIP/2.0 403 Forbidden - Supervisors Only', 'the reason phrase reaches the caller as sent');
  });

  test('strips X-CC-Dialed from every other request', async () => {
    const acd = await rawOn('sales');
    assert.equal((await acd.register(600)).status, 200);
    const agent = await rawOn('1001');
    const answered = agent.request('INVITE', `sip:sales@${DOMAIN}`, { extra: [['X-CC-Dialed', '*2221002']] });
    const invite = await acd.next((m) => m.method === 'INVITE');
    assert.deepEqual(invite.headersOf('x-cc-dialed'), []);
    acd.send(buildResponse(invite, 486, 'Busy Here', { toTag: token() }));
    assert.equal((await answered).status, 486);
  });
});
