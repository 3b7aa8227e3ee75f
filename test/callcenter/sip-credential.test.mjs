// The SIP password GetLoginDetails gives (`SipPassword`): bound to the caller's CTI token, accepted
// by the call center's SIP digest authentication for that user (REGISTER and calls) while the
// token lives, refused once it is revoked (its registrations end at once) or expired; the
// users.json password keeps working. Real JsSIP UAs against the SIP server on 127.0.0.1.
//   node --test test/callcenter/sip-credential.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAuth } from '../../demo/callcenter/cti/auth.mjs';
import { CTI_PATH, REFERENCE_CTI_PATH, SESSION_PATH, TOKEN_PATH } from '../../demo/callcenter/index.mjs';
import { loadNodeJsSIP, stopUa } from '../../demo/callcenter/media/node-jssip.mjs';
import { startSipServer } from '../../demo/callcenter/sip/server.mjs';
import { startPhone, waitFor } from './support/acd-harness.mjs';
import { api, send, serveCallCenter, startCti, USERS } from './support/cti-harness.mjs';

const JsSIP = loadNodeJsSIP();
const password = (/** @type {string} */ user) => USERS.users.find((/** @type {any} */ u) => u.user === user).password;

/**
 * Tries to register `user` with `secret`; resolves 'registered' or the failure's cause. The UA is
 * stopped either way.
 * @param {string} wsUrl @param {string} user @param {string} secret
 */
async function tryRegister(wsUrl, user, secret) {
  const ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(wsUrl)], uri: `sip:${user}@pbx.test`, password: secret, register: true });
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), 8000);
      ua.once('registered', () => {
        clearTimeout(timer);
        resolve('registered');
      });
      ua.once('registrationFailed', (/** @type {any} */ e) => {
        clearTimeout(timer);
        resolve(String(e.cause));
      });
      ua.start();
    });
  } finally {
    await stopUa(ua);
  }
}

/** A fresh bearer token of `user` (not the harness's cached one: tests revoke theirs). @param {string} origin @param {string} user */
async function freshToken(origin, user) {
  const r = await send(`${origin}${TOKEN_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ UserId: user, Password: password(user) }) });
  assert.equal(r.body.Code, 'OK', JSON.stringify(r.body));
  return /** @type {string} */ (r.body.Data.AccessToken);
}

/** GetLoginDetails with a bearer token. @param {string} origin @param {string} token */
async function details(origin, token) {
  const r = await api({ url: `${origin}${CTI_PATH}` }, 'GetLoginDetails', {}, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.body.Code, 'OK', JSON.stringify(r.body));
  return r.body.Data;
}

describe('SipPassword of GetLoginDetails (the dev call center)', { timeout: 90_000 }, () => {
  /** @type {Awaited<ReturnType<typeof serveCallCenter>>} */
  let served;
  before(async () => {
    served = await serveCallCenter();
  });
  after(async () => {
    await served?.close();
  });

  it("is a password of its own per token, not the account's, and registers the user's softphone and places its calls", async (t) => {
    const { origin, center } = served;
    const token = await freshToken(origin, '1001');
    const data = await details(origin, token);
    assert.match(data.SipPassword, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(data.SipPassword, password('1001'));
    assert.equal((await details(origin, token)).SipPassword, data.SipPassword, 'stable for one token');
    assert.notEqual((await details(origin, await freshToken(origin, '1001'))).SipPassword, data.SipPassword, 'another token, another password');

    const phone = await startPhone({ wsUrl: center.wsUrl, domain: center.domain, user: '1001', password: data.SipPassword, frequency: 1200 });
    t.after(() => phone.close());
    assert.ok(center.sip.registrar.lookup('1001'), 'registered with the session password');
    assert.equal(center.directory.get('1001')?.registered, true);
    // A call is authorised too: 1004 has no softphone, so the proxy answers 480 after the challenge, not 407.
    const call = phone.call('1004');
    await waitFor(() => call.ended, { what: 'the call to fail' });
    assert.equal(call.end?.status, 480, JSON.stringify(call.end));
    assert.ok(!phone.responses.some((r) => r.status === 403), 'not refused as someone else');
  });

  it("is refused for another user, and once its token is revoked: the softphone's registration ends at once", async () => {
    const { origin, center } = served;
    const token = await freshToken(origin, '1002');
    const { SipPassword } = await details(origin, token);
    assert.equal(await tryRegister(center.wsUrl, '1003', SipPassword), JsSIP.C.causes.AUTHENTICATION_ERROR, "1002's password is not 1003's");

    const ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(center.wsUrl)], uri: 'sip:1002@pbx.test', password: SipPassword, register: true });
    const unregistered = [];
    center.sip.on('unregistered', (e) => e.user === '1002' && unregistered.push(e.reason));
    try {
      await new Promise((resolve, reject) => {
        ua.once('registered', resolve);
        ua.once('registrationFailed', (/** @type {any} */ e) => reject(new Error(e.cause)));
        ua.start();
      });
      assert.ok(center.sip.registrar.lookup('1002'));
      const revoked = await send(`${origin}${TOKEN_PATH}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      assert.equal(revoked.body.Code, 'OK');
      assert.equal(center.sip.registrar.lookup('1002'), undefined, 'the binding ended with the token');
      assert.deepEqual(unregistered, ['revoked']);
      assert.equal(center.directory.get('1002')?.registered, false, 'and the agent is offline');
    } finally {
      await stopUa(ua);
    }
    assert.equal(await tryRegister(center.wsUrl, '1002', SipPassword), JsSIP.C.causes.AUTHENTICATION_ERROR, 'a revoked session password is refused');
    assert.equal(await tryRegister(center.wsUrl, '1002', password('1002')), 'registered', 'the users.json password keeps working');
  });

  it('comes with a cookie session at the reference path, and ends with it', async () => {
    const { origin, center } = served;
    const signIn = await fetch(`${origin}${SESSION_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ UserId: '1005', Password: password('1005') }) });
    const cookie = /** @type {string} */ (signIn.headers.getSetCookie()[0]).split(';')[0];
    const r = await fetch(`${origin}${REFERENCE_CTI_PATH}?action=GetLoginDetails&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'request=%7B%7D',
    });
    const { SipPassword } = (await r.json()).Data;
    assert.match(SipPassword, /^[A-Za-z0-9_-]{43}$/);
    const phone = await startPhone({ wsUrl: center.wsUrl, domain: center.domain, user: '1005', password: SipPassword, frequency: 2000 });
    try {
      assert.ok(center.sip.registrar.lookup('1005'));
      await fetch(`${origin}${SESSION_PATH}`, { method: 'DELETE', headers: { cookie } });
      assert.equal(center.sip.registrar.lookup('1005'), undefined, 'signing out of the session unregisters its softphone');
    } finally {
      await phone.close();
    }
  });
});

describe('SipPassword expiry and insecureDev', { timeout: 60_000 }, () => {
  it('is refused once its token has expired, while the token lives it registers', async (t) => {
    let clock = Date.now();
    const auth = createAuth({ users: USERS, ttlSeconds: 60, now: () => clock });
    const sip = await startSipServer({ users: USERS, log: false, sessionPasswords: (user) => auth.sipPasswordsOf(user) });
    t.after(() => sip.close());
    const { record } = auth.issue('1004', password('1004'));
    const secret = auth.sipPassword(record);
    assert.equal(await tryRegister(sip.wsUrl, '1004', secret), 'registered');
    clock += 61_000;
    assert.equal(await tryRegister(sip.wsUrl, '1004', secret), JsSIP.C.causes.AUTHENTICATION_ERROR);
    assert.equal(await tryRegister(sip.wsUrl, '1004', password('1004')), 'registered');
  });

  it('is not given without tokens (insecureDev): the softphone uses its own password', async (t) => {
    const cti = await startCti(t, { insecureDev: true });
    const r = await api(cti, 'GetLoginDetails', { UserId: '1001' }, { headers: { 'X-CC-Agent': '1001' }, auth: false });
    assert.equal(r.body.Code, 'OK', JSON.stringify(r.body));
    assert.equal(r.body.Data.UserId, '1001@pbx.test');
    assert.equal('SipPassword' in r.body.Data, false);
  });
});
