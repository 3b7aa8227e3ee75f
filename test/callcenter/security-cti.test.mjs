// Who may call the dev call center's CTI API and the supervisor's routes, and what a request may
// carry: tokens bound to an agent (issued for its SIP password, expiring, revocable, compared in
// constant time), an agent acting only for itself, supervisor-only routes, size limits and
// parameter validation with nothing done on a refused request. Real HTTP on 127.0.0.1.
//   scripts/in-netns.sh node --test test/callcenter/security-cti.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createAuth, safeEqual } from '../../demo/callcenter/cti/auth.mjs';
import { CTI_PATH, EVENTS_PATH, TOKEN_PATH, startCallCenter } from '../../demo/callcenter/index.mjs';
import { api, send, serveCallCenter, startCti, tokenFor, USERS } from './support/cti-harness.mjs';

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

/** Asserts the reference's error envelope with `code` and `status`. */
function expectError(r, code, status) {
  assert.equal(typeof r.body, 'object', `JSON answer expected, got ${String(r.body).slice(0, 200)}`);
  assert.equal(r.body.Code, code, JSON.stringify(r.body));
  assert.equal(r.status, status);
  assert.equal(r.body.HttpStatusCode, status);
  assert.match(r.body.RequestId, UUID);
  assert.equal(typeof r.body.Message, 'string');
  assert.equal(r.body.Data, null);
  return r.body;
}
const ok = (r) => {
  assert.equal(r.body?.Code, 'OK', JSON.stringify(r.body));
  return r.body.Data;
};
const password = (/** @type {string} */ user) => USERS.users.find((/** @type {any} */ u) => u.user === user).password;

/** POST the token endpoint with a JSON body. */
const signIn = (cti, body, headers = {}) =>
  send(`${cti.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const bearer = (/** @type {string} */ token) => ({ authorization: `Bearer ${token}` });

describe('CTI tokens', () => {
  it('issues a bearer token for an agent\'s or the supervisor\'s SIP password, bound to that user', async (t) => {
    const cti = await startCti(t);
    const data = ok(await signIn(cti, { UserId: '1001', Password: password('1001') }));
    assert.match(data.AccessToken, /^[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{43}$/);
    assert.equal(data.TokenType, 'Bearer');
    assert.equal(data.ExpiresIn, 8 * 3600);
    assert.ok(Math.abs(data.ExpiresAt - (Date.now() + 8 * 3600 * 1000)) < 5000);
    assert.deepEqual([data.UserId, data.Role], ['1001@pbx.test', 'agent']);
    assert.equal(ok(await api(cti, 'GetLoginDetails', {}, { headers: bearer(data.AccessToken) })).UserId, '1001@pbx.test');
    // A form body and a sip: UserId work too; the supervisor gets one as well.
    const form = await send(`${cti.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ UserId: 'sip:1009@pbx.test', Password: password('1009') }).toString(),
    });
    assert.equal(ok(form).Role, 'supervisor');
  });

  it('refuses wrong passwords, strangers and non-staff users alike with Unauthorized.Credentials (401), never echoing the password', async (t) => {
    const cti = await startCti(t);
    for (const [UserId, Password] of [['1001', 'agent1002'], ['1001', ''], ['4242', 'x'], ['13800000001', password('13800000001')], ['sales', password('sales')], ['1001', 'AGENT1001']]) {
      const r = await signIn(cti, { UserId, Password });
      if (Password === '') {
        expectError(r, 'Parameter.Blank', 400);
        continue;
      }
      const body = expectError(r, 'Unauthorized.Credentials', 401);
      assert.ok(!JSON.stringify(body).includes(Password), 'the password is not in the answer');
    }
    assert.ok(!cti.lines.join('\n').includes('agent1002'), 'nor in the log');
    expectError(await signIn(cti, { UserId: '1001', Password: 12345 }), 'Parameter.Invalid', 400);
    // Credentials in the URL would end up in logs and histories.
    const inUrl = await send(`${cti.url}/token?UserId=1001&Password=${password('1001')}`, { method: 'POST' });
    assert.ok(!JSON.stringify(expectError(inUrl, 'Parameter.Invalid', 400)).includes(password('1001')));
    expectError(await send(`${cti.url}/token`, { method: 'GET' }), 'MethodNotAllowed', 405);
    expectError(await send(`${cti.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(5000) }), 'Request.TooLarge', 413);
  });

  it('locks a user out for a minute after 5 wrong passwords (429), without locking anyone else', async (t) => {
    const cti = await startCti(t);
    for (let i = 0; i < 5; i++) expectError(await signIn(cti, { UserId: '1002', Password: `guess${i}` }), 'Unauthorized.Credentials', 401);
    const locked = expectError(await signIn(cti, { UserId: '1002', Password: password('1002') }), 'Throttling.User', 429);
    assert.match(locked.Message, /try again in \d+ s/);
    ok(await signIn(cti, { UserId: '1003', Password: password('1003') }));
  });

  it('answers a request without a token 401 Unauthorized.MissingToken with a Bearer challenge, and does nothing', async (t) => {
    const cti = await startCti(t);
    const r = await api(cti, 'ReadyForService', { UserId: '1001' }, { auth: false });
    expectError(r, 'Unauthorized.MissingToken', 401);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="cc-workbench"');
    assert.equal(cti.directory.get('1001').state, 'offline');
    // The old X-CC-Agent header alone proves nothing.
    expectError(await api(cti, 'ReadyForService', {}, { auth: false, headers: { 'X-CC-Agent': '1001' } }), 'Unauthorized.MissingToken', 401);
    assert.equal(cti.directory.get('1001').state, 'offline');
  });

  it('answers a malformed, forged or tampered token 401 Unauthorized.InvalidToken', async (t) => {
    const cti = await startCti(t);
    const good = await tokenFor(cti.url, '1001', { fresh: true });
    const [id, secret] = good.split('.');
    const flip = (/** @type {string} */ s) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const header of [`Bearer ${id}.${flip(secret)}`, `Bearer ${flip(id)}.${secret}`, 'Bearer nonsense', `Basic ${good}`, `Bearer ${good}x`, 'Bearer', `Bearer ${good} ${good}`]) {
      const r = await api(cti, 'GetLoginDetails', { UserId: '1001' }, { headers: { authorization: header } });
      expectError(r, 'Unauthorized.InvalidToken', 401);
      assert.match(r.headers.get('www-authenticate') ?? '', /error="invalid_token"/, header);
    }
    ok(await api(cti, 'GetLoginDetails', { UserId: '1001' }, { headers: bearer(good) }));
  });

  it('expires tokens after their lifetime (Unauthorized.TokenExpired) and drops them', () => {
    let clock = 1_000_000;
    const auth = createAuth({ users: USERS, ttlSeconds: 60, now: () => clock });
    const { token } = auth.issue('1001', password('1001'));
    assert.equal(auth.check(token).userId, '1001');
    clock += 59_999;
    assert.equal(auth.check(token).role, 'agent');
    clock += 1;
    assert.throws(() => auth.check(token), { code: 'Unauthorized.TokenExpired', httpStatus: 401 });
    assert.throws(() => auth.check(token), { code: 'Unauthorized.InvalidToken' }, 'gone once found expired');
    assert.equal(auth.size, 0);
  });

  it('keeps at most 10 tokens per user (the oldest is revoked) and revokes all of a user\'s tokens on request', () => {
    let clock = 0;
    const auth = createAuth({ users: USERS, now: () => ++clock });
    const tokens = Array.from({ length: 12 }, () => auth.issue('1001', password('1001')).token);
    assert.throws(() => auth.check(tokens[0]), { code: 'Unauthorized.InvalidToken' });
    assert.throws(() => auth.check(tokens[1]), { code: 'Unauthorized.InvalidToken' });
    assert.equal(auth.check(tokens[2]).userId, '1001');
    auth.issue('1002', password('1002'));
    assert.equal(auth.revokeUser('1001'), 10);
    assert.equal(auth.size, 1);
  });

  it('revokes a token on logout (DELETE of the token endpoint with it): the next request is 401, other tokens live on', async (t) => {
    const cti = await startCti(t);
    const first = await tokenFor(cti.url, '1001', { fresh: true });
    const second = await tokenFor(cti.url, '1001', { fresh: true });
    expectError(await send(`${cti.url}/token`, { method: 'DELETE' }), 'Unauthorized.MissingToken', 401);
    const out = ok(await send(`${cti.url}/token`, { method: 'DELETE', headers: bearer(first) }));
    assert.deepEqual(out, { Revoked: true, UserId: '1001@pbx.test' });
    expectError(await api(cti, 'ReadyForService', {}, { headers: bearer(first) }), 'Unauthorized.InvalidToken', 401);
    assert.equal(cti.directory.get('1001').state, 'offline');
    expectError(await send(`${cti.url}/token`, { method: 'DELETE', headers: bearer(first) }), 'Unauthorized.InvalidToken', 401);
    ok(await api(cti, 'GetLoginDetails', {}, { headers: bearer(second) }));
  });

  it('compares secrets in constant time over equal-length digests (safeEqual)', () => {
    assert.equal(safeEqual('agent1001', 'agent1001'), true);
    assert.equal(safeEqual('agent1001', 'agent1002'), false);
    assert.equal(safeEqual('short', 'a much longer string than that'), false);
    assert.equal(safeEqual('', ''), true);
  });
});

describe('CTI: an agent acts only for itself', () => {
  it('refuses 1001\'s token acting as 1002 (UserId or X-CC-Agent) with Forbidden.NotAuthorized (403), and 1002 stays as it was', async (t) => {
    const cti = await startCti(t);
    const token = bearer(await tokenFor(cti.url, '1001'));
    for (const [action, params] of /** @type {Array<[string, Record<string, unknown>]>} */ ([
      ['ReadyForService', {}], ['TakeBreak', { Code: 'lunch' }], ['SignOutGroup', {}], ['MakeCall', { Callee: '13800000001' }],
      ['GetLoginDetails', {}], ['ListRecentCallDetailRecords', {}], ['ListSkillLevelsOfUser', {}],
    ])) {
      for (const spelling of ['1002', '1002@pbx.test', 'sip:1002@pbx.test']) {
        const body = expectError(await api(cti, action, { UserId: spelling, ...params }, { headers: token }), 'Forbidden.NotAuthorized', 403);
        assert.match(body.Message, /acts only for itself/);
      }
      expectError(await api(cti, action, params, { headers: { ...token, 'X-CC-Agent': '1002' } }), 'Forbidden.NotAuthorized', 403);
    }
    assert.equal(cti.directory.get('1002').state, 'offline');
    assert.equal(cti.callControl.calls.length, 0, 'call control never asked');
  });

  it('refuses a token acting on another agent\'s call (403) and leaves the call alone', async (t) => {
    const cti = await startCti(t);
    cti.callControl.addJob('job-of-1002', '1002');
    for (const action of ['ReleaseCall', 'HoldCall', 'BlindTransfer']) {
      expectError(await api(cti, action, { UserId: '1001', JobId: 'job-of-1002', Transferee: '1003' }), 'Forbidden.NotAuthorized', 403);
    }
    assert.equal(cti.callControl.calls.length, 0);
    assert.ok(cti.callControl.jobs.has('job-of-1002'));
  });

  it('gives an agent a transfer list of its colleagues, and the full real-time view only to the supervisor', async (t) => {
    const cti = await startCti(t);
    ok(await api(cti, 'ReadyForService', { UserId: '1002' }));
    ok(await api(cti, 'TakeBreak', { UserId: '1002', Code: 'doctor' }));
    const asAgent = ok(await api(cti, 'ListRealtimeAgentStates', { UserId: '1001' })).List.find((/** @type {any} */ a) => a.Extension === '1002');
    assert.equal(asAgent.State, 'Break');
    assert.ok(!('StateCode' in asAgent) && !('CallId' in asAgent), 'no break reason or call id of a colleague');
    const asSupervisor = ok(await api(cti, 'ListRealtimeAgentStates', { UserId: '1009' })).List.find((/** @type {any} */ a) => a.Extension === '1002');
    assert.equal(asSupervisor.StateCode, 'doctor');
  });
});

describe('CTI: size limits and validation', () => {
  it('answers a query string over 8 KiB and a body over 16 KiB with Request.TooLarge (413) before reading further', async (t) => {
    const cti = await startCti(t);
    const token = bearer(await tokenFor(cti.url, '1001'));
    const query = await send(`${cti.url}?action=GetLoginDetails&pad=${'q'.repeat(9000)}`, { headers: token });
    expectError(query, 'Request.TooLarge', 413);
    assert.match(query.body.Message, /query string exceeds 8192/);
    const body = await send(`${cti.url}?action=TakeBreak`, { method: 'POST', headers: { ...token, 'content-type': 'application/json' }, body: JSON.stringify({ Code: 'x', pad: 'b'.repeat(17 * 1024) }) });
    expectError(body, 'Request.TooLarge', 413);
    assert.equal(cti.directory.get('1001').state, 'offline');
    ok(await api(cti, 'GetLoginDetails', {}, { headers: token }));
  });

  it('refuses bad parameters with Parameter.* (400), and nothing happens', async (t) => {
    const cti = await startCti(t);
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`P${i}`, 'x']));
    /** @type {Array<[string, string, Record<string, unknown>, string]>} */
    const CASES = [
      ['too many parameters', 'TakeBreak', { ...many, Code: 'lunch' }, 'Parameter.Maximum'],
      ['a __proto__ key', 'TakeBreak', JSON.parse('{"__proto__": {"Code": "x"}, "Code": "lunch"}'), 'Parameter.Invalid'],
      ['a key with odd characters', 'TakeBreak', { 'Code<script>': 'x', Code: 'lunch' }, 'Parameter.Invalid'],
      ['nesting deeper than 4', 'TakeBreak', { Code: 'lunch', Extra: { a: { b: { c: { d: { e: 1 } } } } } }, 'Parameter.Invalid'],
      ['a 3000-character string', 'TakeBreak', { Code: 'lunch', Note: 'n'.repeat(3000) }, 'Parameter.Invalid'],
      ['a control character', 'TakeBreak', { Code: 'lun\u0000ch' }, 'Parameter.Invalid'],
      ['markup in a break code', 'TakeBreak', { Code: '<img src=x onerror=alert(1)>' }, 'Parameter.Invalid'],
      ['a break code over 64 characters', 'TakeBreak', { Code: 'b'.repeat(65) }, 'Parameter.Invalid'],
      ['a break code that is an object', 'TakeBreak', { Code: { a: 1 } }, 'Parameter.Invalid'],
      ['a callee that is no number or user', 'MakeCall', { Callee: '138; DROP TABLE' }, 'Parameter.Invalid'],
      ['a callee number over 32 digits', 'MakeCall', { Callee: '1'.repeat(33) }, 'Parameter.Invalid'],
      ['a caller ID that is not a number', 'MakeCall', { Callee: '13800000001', Caller: 'evil"' }, 'Parameter.Invalid'],
      ['a timeout that is not an integer', 'MakeCall', { Callee: '13800000001', TimeoutSeconds: '1e9' }, 'Parameter.Format'],
      ['a job id with a slash', 'HoldCall', { JobId: '../etc/passwd' }, 'Parameter.Invalid'],
      ['an unknown CDR criterion', 'ListRecentCallDetailRecords', { Criteria: { sql: '1=1' } }, 'Parameter.Invalid'],
      ['a CDR criterion that is no number', 'ListRecentCallDetailRecords', { Criteria: { phoneNumber: '<b>' } }, 'Parameter.Invalid'],
      ['an agent id with spaces', 'ListRealtimeAgentStates', { AgentIdList: ['10 01'] }, 'Parameter.Invalid'],
      ['a list over 100 items', 'ListRealtimeAgentStates', { AgentIdList: Array.from({ length: 101 }, (_, i) => String(i)) }, 'Parameter.Maximum'],
      ['an agent name with markup', 'ListRealtimeAgentStates', { AgentName: '<script>' }, 'Parameter.Invalid'],
      ['a UserId with odd characters', 'GetLoginDetails', { UserId: '10"01' }, 'Parameter.Invalid'],
    ];
    for (const [what, action, params, code] of CASES) {
      const r = await api(cti, action, { UserId: '1001', ...params }, { headers: bearer(await tokenFor(cti.url, '1001')) });
      assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
      expectError(r, code, 400);
    }
    assert.equal(cti.directory.get('1001').state, 'ready', 'still ready: no break was taken');
    assert.equal(cti.callControl.calls.length, 0, 'no call was placed or touched');
  });

  it('rejects unknown actions (404), inherited names included, and keeps the refusal in the log', async (t) => {
    const cti = await startCti(t);
    for (const action of ['DeleteAllAgents', 'constructor', '__proto__', 'x'.repeat(500)]) {
      expectError(await api(cti, action, { UserId: '1001' }), 'InvalidAction.NotFound', 404);
    }
    assert.ok(cti.lines.some((l) => /DeleteAllAgents UserId=1001 InvalidAction\.NotFound/.test(l)));
    assert.ok(cti.lines.every((l) => l.length < 300), 'a long action name is cut in the log');
  });
});

describe('dev call center: the supervisor\'s routes', { timeout: 60_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startCallCenter>>} */
  let center;
  let origin = '';
  /** @type {Awaited<ReturnType<typeof serveCallCenter>>} */
  let served;
  before(async () => {
    served = await serveCallCenter({ eventsHeartbeatMs: 200 });
    ({ center, origin } = served);
  });
  after(async () => {
    await served?.close();
  });

  it('issues tokens at TOKEN_PATH and authenticates its CTI API by default', async () => {
    assert.equal(TOKEN_PATH, `${CTI_PATH}/token`);
    expectError(await api({ url: `${origin}${CTI_PATH}` }, 'GetLoginDetails', { UserId: '1001' }, { auth: false }), 'Unauthorized.MissingToken', 401);
    assert.equal(ok(await api({ url: `${origin}${CTI_PATH}` }, 'GetLoginDetails', { UserId: '1001' })).Extension, '1001');
  });

  it('serves the queue figures to the supervisor only: 401 without a token, 403 for an agent', async () => {
    expectError(await send(`${origin}/api/queues`), 'Unauthorized.MissingToken', 401);
    const agent = expectError(await send(`${origin}/api/queues`, { headers: bearer(await tokenFor(`${origin}${CTI_PATH}`, '1001')) }), 'Forbidden.NotAuthorized', 403);
    assert.match(agent.Message, /supervisors only/);
    const r = await send(`${origin}/api/queues`, { headers: bearer(await tokenFor(`${origin}${CTI_PATH}`, '1009')) });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((/** @type {any} */ q) => q.id), ['sales', 'support']);
  });

  it('streams live events to the supervisor only, and ends the stream once its token is revoked', async () => {
    expectError(await send(`${origin}${EVENTS_PATH}`), 'Unauthorized.MissingToken', 401);
    expectError(await send(`${origin}${EVENTS_PATH}`, { headers: bearer(await tokenFor(`${origin}${CTI_PATH}`, '1002')) }), 'Forbidden.NotAuthorized', 403);
    assert.equal(center.handlers.length, 4);
    const token = await tokenFor(`${origin}${CTI_PATH}`, '1009', { fresh: true });
    /** @type {http.IncomingMessage} */
    const res = await new Promise((resolve, reject) => http.get(`${origin}${EVENTS_PATH}`, { headers: bearer(token) }, resolve).once('error', reject));
    assert.equal(res.statusCode, 200);
    res.setEncoding('utf8');
    let text = '';
    res.on('data', (chunk) => (text += chunk));
    const ended = new Promise((resolve) => res.once('end', () => resolve(undefined)));
    await new Promise((r) => setTimeout(r, 300));
    assert.match(text, /event: snapshot/);
    ok(await send(`${origin}${TOKEN_PATH}`, { method: 'DELETE', headers: bearer(token) }));
    // The next heartbeat (200 ms here) finds the token gone and ends the stream.
    await Promise.race([ended, new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open 2 s after the revocation')), 2000))]);
  });

  it('with insecureDev (explicit only), trusts UserId and opens the supervisor\'s routes, as before tokens', async (t) => {
    const insecure = await serveCallCenter({ insecureDev: true });
    t.after(() => insecure.close());
    const { center: open, origin: base } = insecure;
    assert.equal(open.auth, null);
    assert.equal(ok(await api({ url: `${base}${CTI_PATH}` }, 'GetLoginDetails', { UserId: '1002' }, { auth: false })).Extension, '1002');
    assert.equal((await send(`${base}/api/queues`)).status, 200);
  });
});
