// userData through a call (reference 004 PhoneKit callOut({ userData }), gap G1): the header
// X-CC-User-Data on an INVITE goes through the proxy when valid (letters, digits, -_.:=,; at most
// 256 bytes), is dropped with a log line otherwise; the ACD copies it onto every INVITE it sends
// an agent for the call (offer, REFER, CTI BlindTransfer, consultation) and CTI MakeCall puts it on
// both legs; the call records keep it and ListRecentCallDetailRecords returns it as UserData.
// Real JsSIP UAs through the dev call center on 127.0.0.1.
//   node --test test/callcenter/user-data.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CTI_PATH } from '../../demo/callcenter/index.mjs';
import { startSipServer } from '../../demo/callcenter/sip/server.mjs';
import { readUserData, USER_DATA_HEADER } from '../../demo/callcenter/user-data.mjs';
import { startPhone, waitFor } from './support/acd-harness.mjs';
import { api, QUEUES, serveCallCenter, USERS } from './support/cti-harness.mjs';

const password = (/** @type {string} */ user) => USERS.users.find((/** @type {any} */ u) => u.user === user).password;
const header = (/** @type {string} */ value) => `${USER_DATA_HEADER}: ${value}`;

/**
 * Polls an async `probe` until it gives a truthy value (waitFor takes synchronous predicates).
 * @template T @param {() => Promise<T>} probe @param {string} what
 * @returns {Promise<NonNullable<T>>}
 */
async function eventually(probe, what, timeout = 8000) {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    const v = await probe();
    if (v) return /** @type {NonNullable<T>} */ (v);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
}
const ALLOWED = 'ticket=42;src=web,order:7.a-b_c';

describe('X-CC-User-Data: what is valid', () => {
  it('takes letters, digits and -_.:=,; up to 256 bytes, one header; refuses the rest, saying why', () => {
    assert.deepEqual(readUserData(undefined), { value: '', dropped: '' });
    assert.deepEqual(readUserData(['  ']), { value: '', dropped: '' });
    assert.deepEqual(readUserData(ALLOWED), { value: ALLOWED, dropped: '' });
    assert.deepEqual(readUserData(['x'.repeat(256)]), { value: 'x'.repeat(256), dropped: '' });
    assert.match(readUserData('x'.repeat(257)).dropped, /257 bytes \(limit 256\)/);
    for (const bad of ['a b', '<sip:x>', 'a"b', 'ä', 'a/b', 'a+b', '%41']) assert.match(readUserData(bad).dropped, /characters/, bad);
    assert.match(readUserData(['a', 'b']).dropped, /given 2 times/);
  });
});

describe('X-CC-User-Data at the SIP proxy', { timeout: 60_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startSipServer>>} */
  let sip;
  /** @type {string[]} */
  const lines = [];
  /** @type {any[]} */
  const starts = [];
  /** @type {Record<string, Awaited<ReturnType<typeof startPhone>>>} */
  const phones = {};
  before(async () => {
    sip = await startSipServer({ users: USERS, log: (line) => lines.push(line) });
    sip.on('call-start', (e) => starts.push(e));
    phones.caller = await startPhone({ wsUrl: sip.wsUrl, domain: sip.domain, user: '1001', password: password('1001'), frequency: 1200 });
    phones.callee = await startPhone({ wsUrl: sip.wsUrl, domain: sip.domain, user: '1002', password: password('1002'), frequency: 1400, answer: 486 });
  });
  after(async () => {
    for (const p of Object.values(phones)) await p.close();
    await sip?.close();
  });

  it('forwards a valid one unchanged and reports it with the call (call-start userData)', async () => {
    const call = phones.caller.call('1002', [header(ALLOWED)]);
    const invite = await waitFor(() => phones.callee.invites[0], { what: 'the INVITE at 1002' });
    assert.deepEqual(invite.userData, [ALLOWED]);
    await waitFor(() => call.ended, { what: 'the 486' });
    assert.equal(starts.find((s) => s.callId === invite.callId)?.userData, ALLOWED);
  });

  it('drops an invalid one (too long, other characters, twice) with a log line and never forwards it', async () => {
    const cases = [[header('x'.repeat(257))], [header('a b<c>')], [header('one'), header('two')]];
    for (const [i, extra] of cases.entries()) {
      const index = phones.callee.invites.length;
      const before = lines.length;
      const call = phones.caller.call('1002', extra);
      const invite = await waitFor(() => phones.callee.invites[index], { what: `INVITE #${i}` });
      assert.deepEqual(invite.userData, [], `case ${i}: not forwarded`);
      assert.equal(starts.find((s) => s.callId === invite.callId)?.userData, '', `case ${i}: no userData reported`);
      const logged = lines.slice(before).filter((l) => l.includes(invite.callId) && l.includes('dropped'));
      assert.equal(logged.length, 1, `case ${i}: one log line, got ${JSON.stringify(lines.slice(before))}`);
      assert.match(logged[0], /X-CC-User-Data/);
      await waitFor(() => call.ended, { what: 'the 486' });
    }
  });
});

describe('X-CC-User-Data through the call center', { timeout: 120_000 }, () => {
  /** @type {Awaited<ReturnType<typeof serveCallCenter>>} */
  let served;
  /** @type {Record<string, Awaited<ReturnType<typeof startPhone>>>} */
  const phones = {};
  /** @type {{ url: string }} */
  let cti;
  /** @param {string} user @param {number} frequency @param {'auto'|'manual'|number} [answer] */
  const phone = async (user, frequency, answer = 'auto') => {
    phones[user] ??= await startPhone({ wsUrl: served.center.wsUrl, domain: served.center.domain, user, password: password(user), frequency, answer });
    return phones[user];
  };
  /** The supervisor's view of the call records (every call), newest first. */
  const records = async () => {
    const r = await api(cti, 'ListRecentCallDetailRecords', { UserId: '1009', PageSize: 100 });
    assert.equal(r.body.Code, 'OK', JSON.stringify(r.body));
    return /** @type {any[]} */ (r.body.Data.List);
  };

  before(async () => {
    served = await serveCallCenter({ queues: { ...QUEUES, ringTimeoutSeconds: 5, retryAgentSeconds: 60 } });
    cti = { url: `${served.origin}${CTI_PATH}` };
    for (const [user, frequency] of [['1001', 1200], ['1002', 1400], ['1003', 1600], ['1004', 1800]]) await phone(user, frequency);
    // Only 1001 takes queue calls; the others are on break (transfers still reach them).
    for (const id of ['1002', '1003', '1004']) served.center.directory.setState(id, 'break', { reason: 'test', viaCti: true });
    const ready = await api(cti, 'ReadyForService', { UserId: '1001' });
    assert.equal(ready.body.Code, 'OK', JSON.stringify(ready.body));
  });
  after(async () => {
    for (const p of Object.values(phones)) await p.close();
    await served?.close();
  });

  it('keeps a queue call\'s userData on the agent\'s INVITE, through REFER, BlindTransfer and a consultation, and in its record', async () => {
    const customer = await phone('13800000001', 400, 'manual');
    const call = customer.call('sales', [header(ALLOWED)]);
    const offer = await waitFor(() => phones['1001'].invites[0], { what: 'the offer to 1001' });
    assert.deepEqual(offer.userData, [ALLOWED]);
    await waitFor(() => call.has('confirmed'), { what: 'the customer connected' });
    const jobId = /** @type {string} */ (offer.jobId);

    // The agent's phone transfers (REFER) to 1002.
    const leg1 = phones['1001'].incoming[0];
    leg1.session.refer(`sip:1002@${served.center.domain}`, { eventHandlers: { accepted: () => leg1.hangUp() } });
    const referred = await waitFor(() => phones['1002'].invites[0], { what: 'the REFER target ringing' });
    assert.deepEqual(referred.userData, [ALLOWED]);
    await waitFor(() => served.center.acd.ownerOf(jobId) === '1002' && phones['1002'].incoming[0].answered, { what: '1002 on the call' });
    await waitFor(() => leg1.ended, { what: "1001's leg ended" });

    // 1002 blind-transfers through CTI to 1003.
    const blind = await api(cti, 'BlindTransfer', { UserId: '1002', JobId: jobId, Transferee: '1003' });
    assert.equal(blind.body.Code, 'OK', JSON.stringify(blind.body));
    const third = await waitFor(() => phones['1003'].invites[0], { what: '1003 ringing' });
    assert.deepEqual(third.userData, [ALLOWED]);
    await waitFor(() => served.center.acd.ownerOf(jobId) === '1003', { what: '1003 on the call' });

    // 1003 consults 1004 and calls it off.
    const consult = await api(cti, 'InitiateAttendedTransfer', { UserId: '1003', JobId: jobId, Transferee: '1004' });
    assert.equal(consult.body.Code, 'OK', JSON.stringify(consult.body));
    const consulted = await waitFor(() => phones['1004'].invites[0], { what: '1004 ringing' });
    assert.deepEqual(consulted.userData, [ALLOWED]);
    await waitFor(() => phones['1004'].incoming[0].answered, { what: 'the consultation answered' });
    assert.equal((await api(cti, 'CancelAttendedTransfer', { UserId: '1003', JobId: jobId })).body.Code, 'OK');

    call.hangUp();
    const record = await eventually(async () => (await records()).find((r) => r.ContactId === jobId), 'the call record');
    assert.equal(record.UserData, ALLOWED);
    assert.equal(record.ContactType, 'Inbound');
    // An agent sees it in its own list too.
    const mine = await api(cti, 'ListRecentCallDetailRecords', { UserId: '1003' });
    assert.equal(mine.body.Data.List.find((/** @type {any} */ r) => r.ContactId === jobId)?.UserData, ALLOWED);
    for (const id of ['1001', '1002', '1003', '1004']) {
      await waitFor(() => !['ringing', 'talking'].includes(/** @type {string} */ (served.center.directory.get(id)?.state)), { what: `${id} off the call` });
    }
  });

  it('never passes an invalid one to the agent, and records UserData "" for a call without one', async () => {
    assert.equal((await api(cti, 'ReadyForService', { UserId: '1001' })).body.Code, 'OK');
    const customer = await phone('13800000002', 300, 'manual');
    const index = phones['1001'].invites.length;
    const call = customer.call('sales', [header('not valid!')]);
    const offer = await waitFor(() => phones['1001'].invites[index], { what: 'the offer to 1001' });
    assert.deepEqual(offer.userData, []);
    await waitFor(() => call.has('confirmed'), { what: 'connected' });
    call.hangUp();
    const record = await eventually(async () => (await records()).find((r) => r.ContactId === offer.jobId), 'the call record');
    assert.equal(record.UserData, '');
  });

  it("keeps a direct call's userData in the proxy's record (an agent dialling a customer from its softphone)", async () => {
    const customer = await phone('13800000003', 350, 'auto');
    const call = phones['1004'].call('13800000003', [header('crm=case-9')]);
    const invite = await waitFor(() => customer.invites[0], { what: 'the customer ringing' });
    assert.deepEqual(invite.userData, ['crm=case-9']);
    await waitFor(() => call.has('confirmed'), { what: 'answered' });
    call.hangUp();
    const record = await eventually(async () => (await records()).find((r) => r.CallId === invite.callId), 'the proxy record');
    assert.deepEqual([record.ContactType, record.UserData], ['Outbound', 'crm=case-9']);
  });

  it('puts MakeCall UserData on both legs and in the record; refuses an invalid one before dialling', async () => {
    assert.equal((await api(cti, 'ReadyForService', { UserId: '1002' })).body.Code, 'OK');
    const customer = await phone('13800000004', 450, 'auto');
    const bad = await api(cti, 'MakeCall', { UserId: '1002', Callee: '13800000004', UserData: 'a b' });
    assert.equal(bad.body.Code, 'Parameter.Invalid', JSON.stringify(bad.body));
    assert.deepEqual(bad.body.Params?.[0], 'UserData');
    const tooLong = await api(cti, 'MakeCall', { UserId: '1002', Callee: '13800000004', UserData: 'x'.repeat(257) });
    assert.equal(tooLong.body.Code, 'Parameter.Invalid');
    assert.equal(customer.invites.length, 0, 'nothing dialled');

    const agentIndex = phones['1002'].invites.length;
    const made = await api(cti, 'MakeCall', { UserId: '1002', Callee: '13800000004', UserData: 'order=7' });
    assert.equal(made.body.Code, 'OK', JSON.stringify(made.body));
    assert.equal(made.body.Data.CallContext.UserData, 'order=7');
    const jobId = made.body.Data.CallContext.JobId;
    const agentLeg = await waitFor(() => phones['1002'].invites[agentIndex], { what: "the agent's leg" });
    assert.deepEqual(agentLeg.userData, ['order=7']);
    const customerLeg = await waitFor(() => customer.invites[0], { what: "the customer's leg" });
    assert.deepEqual(customerLeg.userData, ['order=7']);
    await waitFor(() => customer.incoming[0].answered, { what: 'the customer answered' });
    assert.equal((await api(cti, 'ReleaseCall', { UserId: '1002', JobId: jobId })).body.Code, 'OK');
    const record = await eventually(async () => (await records()).find((r) => r.ContactId === jobId), 'the record');
    assert.deepEqual([record.ContactType, record.UserData], ['Outbound', 'order=7']);
  });

  it('lets a simulated customer call with userData (POST /api/customers) and shows what an agent\'s call brought it', async () => {
    const customers = `${served.origin}/api/customers`;
    /** @param {string} path @param {unknown} [body] */
    const post = async (path, body) => {
      const res = await fetch(`${customers}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const bad = await post('', { from: '13800000005', to: 'sales', userData: 'x y' });
    assert.deepEqual([bad.status, bad.body.error.code, bad.body.error.field], [400, 'invalid_field', 'userData']);

    await waitFor(() => served.center.directory.get('1001')?.state === 'afterCall' || served.center.directory.get('1001')?.state === 'ready', { what: '1001 free' });
    assert.equal((await api(cti, 'ReadyForService', { UserId: '1001' })).body.Code, 'OK');
    const index = phones['1001'].invites.length;
    const placed = await post('', { from: '13800000005', to: 'sales', userData: 'ivr=billing' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.userData, 'ivr=billing');
    const offer = await waitFor(() => phones['1001'].invites[index], { what: 'the offer to 1001' });
    assert.deepEqual(offer.userData, ['ivr=billing']);
    assert.equal((await post(`/${placed.body.id}/hangup`)).status, 200);

    // An agent's call to a number reaches a simulated customer (the trunk), which shows the data.
    const call = phones['1003'].call('+8613900000009', [header('lead=77')]);
    const reached = await eventually(async () => {
      const list = /** @type {any[]} */ ((await (await fetch(customers)).json()).customers);
      return list.find((c) => c.direction === 'incoming' && c.to === '+8613900000009');
    }, 'the customer called');
    assert.equal(reached.userData, 'lead=77');
    await waitFor(() => call.has('confirmed'), { what: 'the customer answered' });
    call.hangUp();
  });
});
