// The reference SDKs' request convention against the dev call center as `npm start` serves it:
// the CTI API again at the WorkbenchSdk's printed `ajaxPath` (/aliyun/ccc/api), authenticated by
// a session cookie (POST /api/ccc/session) as a host backend would know its user, with that
// cookie refused for requests another origin's page made (CSRF). Real HTTP on 127.0.0.1 through
// the call center's own handlers (center.handlers).
//   node --test test/callcenter/cti-session.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CTI_PATH, REFERENCE_CTI_PATH, SESSION_PATH, TOKEN_PATH } from '../../demo/callcenter/index.mjs';
import { startCti, serveCallCenter, USERS } from './support/cti-harness.mjs';

const password = (/** @type {string} */ user) => USERS.users.find((/** @type {any} */ u) => u.user === user).password;
/** The query string WorkbenchSdk 2.0 puts on every request (reference 000 section 四). */
const reference = (/** @type {string} */ action) => `?action=${action}&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai`;

/** @type {Awaited<ReturnType<typeof serveCallCenter>>} */
let served;
let origin = '';
before(async () => {
  served = await serveCallCenter();
  origin = served.origin;
});
after(async () => {
  await served?.close();
});

/**
 * One HTTP request; the JSON answer parsed, Set-Cookie lines kept.
 * @param {string} path @param {{ method?: string, headers?: Record<string, string>, body?: string }} [init]
 */
async function request(path, { method = 'POST', headers = {}, body } = {}) {
  const res = await fetch(`${origin}${path}`, { method, headers, body, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, cookies: res.headers.getSetCookie(), body: json };
}

/** POST SESSION_PATH with JSON credentials. @param {Record<string, unknown>} credentials @param {Record<string, string>} [headers] */
const startSession = (credentials, headers = {}) =>
  request(SESSION_PATH, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(credentials) });

/** Signs `user` in and returns its cookie header value (`cc_session=...`). @param {string} user */
async function sessionOf(user) {
  const r = await startSession({ UserId: user, Password: password(user) });
  assert.equal(r.body.Code, 'OK', JSON.stringify(r.body));
  const cookie = r.cookies.find((c) => c.startsWith('cc_session='));
  assert.ok(cookie, 'a cc_session cookie is set');
  return /** @type {string} */ (cookie.split(';')[0]);
}

/**
 * A CTI action the way WorkbenchSdk's apiAxiosFunc example sends it: POST to the reference path
 * with the reference query string, form body `request=<JSON>` plus an extra field
 * (ajaxOtherParams), and no Authorization: the browser adds the cookie.
 * @param {string} action @param {Record<string, unknown>} params @param {Record<string, string>} headers
 */
const referenceCall = (action, params, headers) =>
  request(`${REFERENCE_CTI_PATH}${reference(action)}`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ request: JSON.stringify(params), _csrf: 'host-token' }).toString(),
  });

/** The agent's state as the call center holds it. @param {string} agentId */
const stateOf = (agentId) => served.center.directory.get(agentId)?.state;

describe('CTI sessions (cookie) and the reference path', { timeout: 60_000 }, () => {
  it('POST /api/ccc/session sets an HttpOnly, SameSite=Strict cc_session cookie and never shows the token', async () => {
    const r = await startSession({ UserId: '1001', Password: password('1001') });
    assert.equal(r.status, 200);
    assert.equal(r.body.Code, 'OK');
    const cookie = r.cookies.find((c) => c.startsWith('cc_session='));
    assert.ok(cookie);
    const [pair, ...attributes] = cookie.split(';').map((a) => a.trim());
    const token = pair.slice('cc_session='.length);
    assert.match(token, /^[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(attributes.sort(), ['HttpOnly', `Max-Age=${8 * 3600}`, 'Path=/', 'SameSite=Strict']);
    assert.deepEqual(r.body.Data, { TokenType: 'Cookie', CookieName: 'cc_session', ExpiresIn: 8 * 3600, ExpiresAt: r.body.Data.ExpiresAt, UserId: '1001@pbx.test', Role: 'agent' });
    assert.ok(!JSON.stringify(r.body).includes(token), 'the token is only in the cookie');
    // A form body works as for the token endpoint.
    const form = await request(SESSION_PATH, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ UserId: '1009', Password: password('1009') }).toString(),
    });
    assert.equal(form.body.Data.Role, 'supervisor');
  });

  it("serves the CTI API at the reference's /aliyun/ccc/api with its query string and form body, authenticated by the cookie", async () => {
    const cookie = await sessionOf('1002');
    const details = await referenceCall('GetLoginDetails', { InstanceId: 'pbx.test' }, { cookie });
    assert.equal(details.status, 200, JSON.stringify(details.body));
    assert.equal(details.body.Data.UserId, '1002@pbx.test');
    assert.match(details.body.RequestId, /^[0-9A-F-]{36}$/);
    // An action that changes something, to show who it acted for.
    served.center.directory.setRegistered('1002', true);
    const ready = await referenceCall('ReadyForService', {}, { cookie });
    assert.equal(ready.body.Code, 'OK', JSON.stringify(ready.body));
    assert.equal(ready.body.Data.UserId, '1002@pbx.test');
    assert.equal(stateOf('1002'), 'ready');
    // The same cookie on the workbench's own path, and the path's query-less GET form.
    const own = await request(`${CTI_PATH}?action=GetLoginDetails`, { method: 'GET', headers: { cookie } });
    assert.equal(own.body.Data.UserId, '1002@pbx.test');
    // The token still decides who acts: UserId naming someone else is refused as before.
    const other = await referenceCall('TakeBreak', { UserId: '1001' }, { cookie });
    assert.equal(other.body.Code, 'Forbidden.NotAuthorized');
    assert.equal(stateOf('1002'), 'ready');
    served.center.directory.setState('1002', 'offline', { viaCti: true });
  });

  it('answers a request with neither cookie nor token 401, at the reference path too', async () => {
    const r = await referenceCall('GetLoginDetails', {}, {});
    assert.equal(r.status, 401);
    assert.equal(r.body.Code, 'Unauthorized.MissingToken');
  });

  it("refuses the cookie on a request another origin's page made (Origin, Sec-Fetch-Site), and does nothing", async () => {
    const cookie = await sessionOf('1003');
    served.center.directory.setRegistered('1003', true);
    served.center.directory.setState('1003', 'ready', { viaCti: true });
    const crossSite = [
      { origin: 'http://evil.test' },
      { origin: `http://127.0.0.1:${Number(new URL(origin).port) + 1}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site', origin },
    ];
    for (const headers of crossSite) {
      const r = await referenceCall('TakeBreak', { Code: 'csrf' }, { cookie, ...headers });
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.equal(r.body.Code, 'Forbidden.CrossOrigin');
      assert.equal(stateOf('1003'), 'ready', `nothing done for ${JSON.stringify(headers)}`);
    }
    // The page's own origin (what a browser sends with a same-origin POST) is fine.
    const same = await referenceCall('TakeBreak', { Code: 'lunch' }, { cookie, origin, 'sec-fetch-site': 'same-origin' });
    assert.equal(same.body.Code, 'OK', JSON.stringify(same.body));
    assert.equal(stateOf('1003'), 'break');
    // A bearer token is never sent by the browser on its own: another origin may present one.
    const token = await request(TOKEN_PATH, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ UserId: '1003', Password: password('1003') }) });
    const bearer = await referenceCall('ReadyForService', {}, { authorization: `Bearer ${token.body.Data.AccessToken}`, origin: 'http://other.test', cookie });
    assert.equal(bearer.body.Code, 'OK', JSON.stringify(bearer.body));
    assert.equal(stateOf('1003'), 'ready');
    served.center.directory.setState('1003', 'offline', { viaCti: true });
  });

  it('starts a session only from this origin, with the token endpoint\'s checks and lockout', async () => {
    const cross = await startSession({ UserId: '1004', Password: password('1004') }, { origin: 'http://evil.test' });
    assert.equal(cross.status, 403);
    assert.equal(cross.body.Code, 'Forbidden.CrossOrigin');
    assert.deepEqual(cross.cookies, [], 'no cookie planted');
    const wrong = await startSession({ UserId: '1004', Password: 'nope' });
    assert.equal(wrong.body.Code, 'Unauthorized.Credentials');
    assert.deepEqual(wrong.cookies, []);
    assert.equal((await startSession({ UserId: '1004' })).body.Code, 'Parameter.Blank');
    const inUrl = await request(`${SESSION_PATH}?UserId=1004&Password=${password('1004')}`);
    assert.equal(inUrl.body.Code, 'Parameter.Invalid');
    // Wrong passwords count together at the token endpoint and here: 4 there, 1 here, then locked.
    for (let i = 0; i < 4; i++) {
      const r = await request(TOKEN_PATH, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ UserId: '1005', Password: `guess${i}` }) });
      assert.equal(r.body.Code, 'Unauthorized.Credentials');
    }
    assert.equal((await startSession({ UserId: '1005', Password: 'guess4' })).body.Code, 'Unauthorized.Credentials');
    const locked = await startSession({ UserId: '1005', Password: password('1005') });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.Code, 'Throttling.User');
    assert.equal((await request(SESSION_PATH, { method: 'GET' })).status, 405);
  });

  it('DELETE ends the session: the cookie is cleared and its token no longer works', async () => {
    const cookie = await sessionOf('1001');
    const ended = await request(SESSION_PATH, { method: 'DELETE', headers: { cookie } });
    assert.deepEqual(ended.body.Data, { Revoked: true, UserId: '1001@pbx.test' });
    assert.ok(ended.cookies.some((c) => /^cc_session=;/.test(c) && /Max-Age=0/.test(c)), ended.cookies.join(' | '));
    const after = await referenceCall('GetLoginDetails', {}, { cookie });
    assert.equal(after.status, 401);
    assert.equal(after.body.Code, 'Unauthorized.InvalidToken');
    assert.ok(after.cookies.some((c) => /^cc_session=;/.test(c)), 'a dead cookie is cleared');
    // Ending it again (or with no cookie) is harmless.
    assert.deepEqual((await request(SESSION_PATH, { method: 'DELETE', headers: { cookie } })).body.Data, { Revoked: false, UserId: '' });
    assert.equal((await request(SESSION_PATH, { method: 'DELETE', headers: { cookie, origin: 'http://evil.test' } })).body.Code, 'Forbidden.CrossOrigin');
  });

  it('a new session from the same browser ends the one its cookie held', async () => {
    const first = await sessionOf('1001');
    const second = await startSession({ UserId: '1001', Password: password('1001') }, { cookie: first });
    assert.equal(second.body.Code, 'OK');
    assert.equal((await referenceCall('GetLoginDetails', {}, { cookie: first })).body.Code, 'Unauthorized.InvalidToken');
    const now = /** @type {string} */ (second.cookies[0]).split(';')[0];
    assert.equal((await referenceCall('GetLoginDetails', {}, { cookie: now })).body.Code, 'OK');
  });
});

describe('CTI sessions without tokens (insecureDev)', () => {
  it('answers the session endpoint 404 Auth.Disabled', async (t) => {
    const cti = await startCti(t, { insecureDev: true });
    const r = await fetch(`${cti.url}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"UserId":"1001","Password":"x"}' });
    assert.equal(r.status, 404);
    assert.equal((await r.json()).Code, 'Auth.Disabled');
    assert.deepEqual(r.headers.getSetCookie(), []);
  });
});
