// The dev call center's CTI HTTP API (demo/callcenter/cti/): the request convention of the
// reference workbench SDK, every action with its errors, the CDR store and its restart, and the
// SIP-proxy CDR adapter. Real HTTP on 127.0.0.1; call control is an in-memory fake of the ACD.
//
//   scripts/in-netns.sh node --test test/callcenter/cti.test.mjs
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AgentDirectory } from '../../demo/callcenter/agents.mjs';
import { recordProxyCalls } from '../../demo/callcenter/cti/cdr-from-proxy.mjs';
import { openCdrStore } from '../../demo/callcenter/cti/cdr-store.mjs';
import { createCtiHandler } from '../../demo/callcenter/cti/cti-server.mjs';
import { api, QUEUES, send, startCti, tempDir, tokenFor, USERS } from './support/cti-harness.mjs';

/** The Authorization header of `user`, signed in at `cti`'s token endpoint. */
const bearer = async (cti, user) => ({ authorization: `Bearer ${await tokenFor(cti.url, user)}` });

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

/** Asserts the vendor's envelope and the expected Code / status; returns Data. */
function expectCode(r, code, status) {
  assert.equal(typeof r.body, 'object', `JSON answer expected, got ${r.body}`);
  assert.equal(r.body.Code, code, `Code: ${JSON.stringify(r.body)}`);
  assert.equal(r.status, status, 'HTTP status');
  assert.equal(r.body.HttpStatusCode, status, 'HttpStatusCode');
  assert.match(r.body.RequestId, UUID);
  assert.equal(typeof r.body.Message, 'string');
  assert.ok('Data' in r.body, 'Data present');
  if (code !== 'OK') assert.equal(r.body.Data, null);
  return r.body.Data;
}
const ok = (r) => expectCode(r, 'OK', 200);

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
/** Four finished calls, oldest first. */
const SAMPLE_CDRS = [
  { contactId: 'job-1', callId: 'c1', direction: 'outbound', caller: '+8657188000001', callee: '13800000001', agentId: '1001',
    startTime: T0, establishedTime: T0 + 5000, releaseTime: T0 + 65000, releaseInitiator: 'agent', result: 'answered' },
  { contactId: 'job-2', callId: 'c2', direction: 'inbound', caller: '13800000002', callee: 'sales', queue: 'sales', agentId: '1002',
    startTime: T0 + 100000, ringTime: T0 + 102000, releaseTime: T0 + 110000, releaseInitiator: 'customer', result: 'abandoned' },
  { contactId: 'c3', callId: 'c3', direction: 'internal', caller: '1001', callee: '1002', agentId: '1001', agentIds: ['1001', '1002'],
    startTime: T0 + 200000, establishedTime: T0 + 203000, releaseTime: T0 + 233000, releaseInitiator: 'agent', result: 'answered' },
  { contactId: 'c4', callId: 'c4', direction: 'inbound', caller: '13800000003', callee: '1003', agentId: '1003',
    startTime: T0 + 300000, releaseTime: T0 + 315000, releaseInitiator: 'system', result: 'missed' },
];

describe('CTI API: request convention', () => {
  it('answers a JSON body, a form field `request` and query parameters alike, ignoring product/version/region', async (t) => {
    const cti = await startCti(t);
    for (const opts of [{ encoding: 'json' }, { encoding: 'form' }, { method: 'GET' }]) {
      const data = ok(await api(cti, 'GetLoginDetails', { UserId: '1002', InstanceId: 'pbx.test' }, opts));
      assert.equal(data.UserId, '1002@pbx.test', JSON.stringify(opts));
      assert.equal(data.DisplayName, 'Bob (1002)');
    }
  });

  it('takes extra parameters next to `request` (ajaxOtherParams) and camelCase names', async (t) => {
    const cti = await startCti(t);
    const form = new URLSearchParams({ request: JSON.stringify({ userId: '1003' }), tenant: 'acme' });
    const r = await send(`${cti.url}?action=GetLoginDetails&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(await bearer(cti, '1003')) },
      body: form.toString(),
    });
    assert.equal(ok(r).Extension, '1003');
    // Extra parameters alone (no `request` field) work too.
    const r2 = await send(`${cti.url}?action=GetLoginDetails`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(await bearer(cti, '1004')) },
      body: 'UserId=1004&tenant=acme',
    });
    assert.equal(ok(r2).Extension, '1004');
  });

  it('gives every answer a fresh upper-case UUID RequestId, also in x-acs-request-id', async (t) => {
    const cti = await startCti(t);
    const a = await api(cti, 'GetLoginDetails', { UserId: '1001' });
    const b = await api(cti, 'NoSuchAction', { UserId: '1001' });
    ok(a);
    assert.match(b.body.RequestId, UUID);
    assert.notEqual(a.body.RequestId, b.body.RequestId);
    assert.equal(a.headers.get('x-acs-request-id'), a.body.RequestId);
  });

  it('honours a configured path and action parameter and leaves other requests to the host server', async (t) => {
    const directory = new AgentDirectory({ users: USERS, queues: QUEUES });
    const handler = createCtiHandler({
      directory, users: USERS, queues: QUEUES, path: '/aliyun/ccc/api', actionParam: 'api', logger: { info() {} },
    });
    const server = http.createServer((req, res) => {
      if (handler(req, res)) return;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('static');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }));
    const origin = `http://127.0.0.1:${server.address().port}`;
    const r = await api({ url: `${origin}/aliyun/ccc/api` }, 'GetLoginDetails', { UserId: '1001' }, { actionParam: 'api' });
    assert.equal(ok(r).Extension, '1001');
    assert.equal((await send(`${origin}/demo/index.html`)).body, 'static');
    assert.equal((await send(`${origin}/data/api.json?action=GetLoginDetails&UserId=1001`)).body, 'static');
  });

  it('identifies the caller by the X-CC-Agent header when UserId is absent', async (t) => {
    const cti = await startCti(t);
    const data = ok(await api(cti, 'GetLoginDetails', {}, { headers: { 'X-CC-Agent': '1005' } }));
    assert.equal(data.UserId, '1005@pbx.test');
  });

  it('logs one line per call with action, UserId, Code and duration', async (t) => {
    const cti = await startCti(t);
    await tokenFor(cti.url, '1001');
    // The sign-in is a line of its own, without the password.
    assert.equal(cti.lines.length, 1, cti.lines.join('\n'));
    assert.match(cti.lines[0], /CreateToken UserId=1001 OK \d+ms$/);
    await api(cti, 'ReadyForService', { UserId: '1001@pbx.test' });
    await api(cti, 'Bogus', { UserId: '1001' });
    assert.equal(cti.lines.length, 3, cti.lines.join('\n'));
    assert.match(cti.lines[1], /ReadyForService UserId=1001 OK \d+ms$/);
    assert.match(cti.lines[2], /Bogus UserId=1001 InvalidAction\.NotFound \d+ms$/);
    assert.ok(!cti.lines.join('\n').includes('agent1001'), 'no password in the log');
  });
});

describe('CTI API: errors of every request', () => {
  it('answers an unknown action with InvalidAction.NotFound (404) naming it', async (t) => {
    const cti = await startCti(t);
    const r = await api(cti, 'MakeCoffee', { UserId: '1001' });
    expectCode(r, 'InvalidAction.NotFound', 404);
    assert.match(r.body.Message, /MakeCoffee/);
    // Inherited object keys are not actions either.
    expectCode(await api(cti, 'toString', { UserId: '1001' }), 'InvalidAction.NotFound', 404);
  });

  it('answers a missing action with Parameter.Blank (400); without UserId the caller is the token\'s user', async (t) => {
    const cti = await startCti(t);
    const r = await send(cti.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await bearer(cti, '1001')) }, body: '{"UserId":"1001"}' });
    expectCode(r, 'Parameter.Blank', 400);
    assert.deepEqual(r.body.Params, ['action']);
    const r2 = await api(cti, 'GetLoginDetails', {}, { headers: await bearer(cti, '1002') });
    assert.equal(ok(r2).UserId, '1002@pbx.test');
  });

  it('with insecureDev, trusts UserId as before: Parameter.Blank without it, NotExists.UserId (404) for strangers, customers included', async (t) => {
    const cti = await startCti(t, { insecureDev: true });
    const r2 = await api(cti, 'GetLoginDetails', {});
    expectCode(r2, 'Parameter.Blank', 400);
    assert.deepEqual(r2.body.Params, ['UserId']);
    for (const id of ['4242', '1001@other.example', '13800000001', 'sales']) {
      const r = await api(cti, 'GetLoginDetails', { UserId: id });
      expectCode(r, 'NotExists.UserId', 404);
      assert.deepEqual(r.body.Params, ['UserId', id]);
    }
    assert.equal(ok(await api(cti, 'GetLoginDetails', { UserId: '1002' }, { auth: false })).Extension, '1002');
    // No token endpoint in that mode.
    expectCode(await send(`${cti.url}/token`, { method: 'POST', body: '{"UserId":"1001","Password":"agent1001"}' }), 'Auth.Disabled', 404);
  });

  it('refuses a token naming another user, a stranger or another domain with Forbidden.NotAuthorized (403)', async (t) => {
    const cti = await startCti(t);
    for (const id of ['4242', '1001@other.example', '13800000001', 'sales', '1002']) {
      const r = await api(cti, 'GetLoginDetails', { UserId: id }, { headers: await bearer(cti, '1001') });
      expectCode(r, 'Forbidden.NotAuthorized', 403);
      assert.deepEqual(r.body.Params, ['UserId', id]);
    }
  });

  it('answers a foreign InstanceId with NotExists.InstanceId (404)', async (t) => {
    const cti = await startCti(t);
    expectCode(await api(cti, 'GetLoginDetails', { UserId: '1001', InstanceId: 'ccc-other' }), 'NotExists.InstanceId', 404);
  });

  it('refuses a header agent acting as another UserId with Forbidden.NotAuthorized (403)', async (t) => {
    const cti = await startCti(t);
    const r = await api(cti, 'ReadyForService', { UserId: '1001' }, { headers: { 'X-CC-Agent': '1002' } });
    expectCode(r, 'Forbidden.NotAuthorized', 403);
    assert.equal(cti.directory.get('1001').state, 'offline');
    // Same agent in both places, in different spellings, is fine.
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }, { headers: { 'X-CC-Agent': 'sip:1001@pbx.test' } }));
  });

  it('refuses a supervisor acting as an agent (403) but lets it read', async (t) => {
    const cti = await startCti(t);
    for (const [action, params] of [
      ['ReadyForService', {}], ['TakeBreak', {}], ['SignOutGroup', {}], ['MakeCall', { Callee: '13800000001' }], ['ReleaseCall', { JobId: 'job-1' }],
    ]) {
      expectCode(await api(cti, action, { UserId: '1009', ...params }), 'Forbidden.NotAuthorized', 403);
    }
    assert.equal(ok(await api(cti, 'GetLoginDetails', { UserId: '1009' })).Role, 'supervisor');
    assert.equal(ok(await api(cti, 'ListRealtimeAgentStates', { UserId: '1009' })).TotalCount, 5);
  });

  it('answers a malformed JSON body or `request` field with Parameter.Format (400)', async (t) => {
    const cti = await startCti(t);
    const auth = await bearer(cti, '1001');
    const bad = await send(`${cti.url}?action=GetLoginDetails`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"UserId": 10' });
    expectCode(bad, 'Parameter.Format', 400);
    assert.equal(bad.body.Params[0], 'body');
    const array = await send(`${cti.url}?action=GetLoginDetails`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '[1,2]' });
    expectCode(array, 'Parameter.Format', 400);
    const form = await send(`${cti.url}?action=GetLoginDetails`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth }, body: 'request=%7Bnope',
    });
    expectCode(form, 'Parameter.Format', 400);
    assert.equal(form.body.Params[0], 'request');
    expectCode(await send(`${cti.url}?action=GetLoginDetails&request=null`, { headers: auth }), 'Parameter.Format', 400);
  });

  it('answers a body over the limit with Request.TooLarge (413) and keeps serving', async (t) => {
    const cti = await startCti(t, { maxBodyBytes: 1024 });
    const r = await send(`${cti.url}?action=GetLoginDetails`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(await bearer(cti, '1001')) }, body: JSON.stringify({ UserId: '1001', pad: 'x'.repeat(5000) }),
    });
    expectCode(r, 'Request.TooLarge', 413);
    ok(await api(cti, 'GetLoginDetails', { UserId: '1001' }));
  });

  it('answers other HTTP methods with MethodNotAllowed (405)', async (t) => {
    const cti = await startCti(t);
    const r = await send(`${cti.url}?action=GetLoginDetails&UserId=1001`, { method: 'PUT', body: '{}' });
    expectCode(r, 'MethodNotAllowed', 405);
    assert.equal(r.headers.get('allow'), 'GET, POST');
  });

  it('names the parameter and value of a bad paging parameter', async (t) => {
    const cti = await startCti(t);
    const cases = [
      [{ PageSize: 0 }, 'Parameter.Minimum', ['PageSize', '0']],
      [{ PageSize: '500' }, 'Parameter.Maximum', ['PageSize', '500']],
      [{ PageNumber: 'two' }, 'Parameter.Format', ['PageNumber', 'two']],
    ];
    for (const [params, code, expected] of cases) {
      const r = await api(cti, 'ListSkillLevelsOfUser', { UserId: '1002', ...params });
      expectCode(r, code, 400);
      assert.deepEqual(r.body.Params, expected);
      assert.match(r.body.Message, new RegExp(expected[0]));
    }
  });

  it('survives hostile input and still answers afterwards', async (t) => {
    const cti = await startCti(t);
    const bodies = [
      ['application/json', '{"UserId":{"$gt":""}}'],
      ['application/json', '{"UserId":["1001"]}'],
      ['application/json', 'null'],
      ['application/json', '"just a string"'],
      ['application/json', '{"request":[1,2,3]}'],
      ['application/json', '{"request":"{\\"UserId\\": 5}"}'],
      ['application/x-www-form-urlencoded', 'request=%00%01&UserId=%E2%80%AE1001'],
      ['text/plain', '\u0000\u0001\u0002'],
      ['application/json', `{"UserId":"1001","AgentIdList":${JSON.stringify(JSON.stringify(Array(200).fill('1001')))}}`],
    ];
    for (const [type, body] of bodies) {
      const r = await send(`${cti.url}?action=ListRealtimeAgentStates`, { method: 'POST', headers: { 'content-type': type }, body });
      assert.equal(typeof r.body, 'object', `JSON answer for ${body}`);
      assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `client error, not a crash, for ${body}: ${r.status}`);
      assert.equal(r.body.HttpStatusCode, r.status);
    }
    ok(await api(cti, 'GetLoginDetails', { UserId: '1001' }));
  });
});

describe('CTI API: agent data', () => {
  it("GetLoginDetails returns the agent identity and its session's SIP password, never the account's own", async (t) => {
    const cti = await startCti(t, { sipServerUrl: 'ws://127.0.0.1:5066' });
    cti.directory.setRegistered('1001', true);
    const r = await api(cti, 'GetLoginDetails', { UserId: '1001' });
    const { SipPassword, ...identity } = ok(r);
    assert.deepEqual(identity, {
      UserId: '1001@pbx.test', DisplayName: 'Alice (1001)', Extension: '1001', Role: 'agent', DeviceId: 'webrtc-1001',
      DeviceState: 'ONLINE', UserState: 'OFFLINE', WorkMode: 'ON_SITE', SipServerUrl: 'ws://127.0.0.1:5066', InstanceId: 'pbx.test',
    });
    assert.match(SipPassword, /^[A-Za-z0-9_-]{43}$/);
    assert.doesNotMatch(JSON.stringify(r.body), /agent1001/i);
  });

  it('ListSkillLevelsOfUser lists the skill groups of queues.json with levels, paged', async (t) => {
    const cti = await startCti(t);
    const data = ok(await api(cti, 'ListSkillLevelsOfUser', { UserId: '1002' }));
    assert.equal(data.TotalCount, 2);
    assert.deepEqual(data.List, [
      { SkillGroupId: 'sales@pbx.test', SkillGroupName: 'Sales', SkillLevel: 1 },
      { SkillGroupId: 'support@pbx.test', SkillGroupName: 'Support', SkillLevel: 2 },
    ]);
    const second = ok(await api(cti, 'ListSkillLevelsOfUser', { UserId: '1002', PageNumber: 2, PageSize: 1 }));
    assert.deepEqual([second.TotalCount, second.PageNumber, second.PageSize, second.List.map((s) => s.SkillGroupName)], [2, 2, 1, ['Support']]);
    assert.equal(ok(await api(cti, 'ListSkillLevelsOfUser', { UserId: '1009' })).TotalCount, 0);
  });

  it('ListOutboundNumbersOfUser lists the configured caller IDs', async (t) => {
    const cti = await startCti(t, { outboundNumbers: ['+861011112222', { number: '+8657188000009', province: 'Zhejiang', city: 'Hangzhou' }] });
    const data = ok(await api(cti, 'ListOutboundNumbersOfUser', { UserId: '1001' }));
    assert.equal(data.TotalCount, 2);
    assert.deepEqual(data.List, [
      { Number: '+861011112222', Province: '', City: '' },
      { Number: '+8657188000009', Province: 'Zhejiang', City: 'Hangzhou' },
    ]);
  });

  it('ListOutboundNumbersOfUser defaults to outbound-numbers.json', async (t) => {
    const cti = await startCti(t);
    const numbers = ok(await api(cti, 'ListOutboundNumbersOfUser', { UserId: '1001' })).List.map((n) => n.Number);
    assert.deepEqual(numbers, ['+8657188000001', '+8657188000002']);
  });

  it('ListOutboundNumbersOfUser names the region in the language the caller prefers (Accept-Language)', async (t) => {
    const cti = await startCti(t);
    const regions = async (/** @type {string | undefined} */ language) =>
      ok(await api(cti, 'ListOutboundNumbersOfUser', { UserId: '1001' }, language ? { headers: { 'Accept-Language': language } } : {})).List.map((n) => `${n.City}, ${n.Province}`);
    assert.deepEqual(await regions(undefined), ['Hangzhou, Zhejiang', 'Hangzhou, Zhejiang']);
    assert.deepEqual(await regions('en-US,en;q=0.9'), ['Hangzhou, Zhejiang', 'Hangzhou, Zhejiang']);
    assert.deepEqual(await regions('zh-CN'), ['杭州, 浙江', '杭州, 浙江']);
    assert.deepEqual(await regions('en;q=0.5,zh-CN;q=0.9'), ['杭州, 浙江', '杭州, 浙江']);
    assert.deepEqual(await regions('fr-FR,en;q=0.8,zh;q=0.5'), ['Hangzhou, Zhejiang', 'Hangzhou, Zhejiang']);
  });
});

describe('CTI API: agent state', () => {
  it('ReadyForService makes the agent ready and CTI-managed', async (t) => {
    const cti = await startCti(t);
    const data = ok(await api(cti, 'ReadyForService', { UserId: '1002' }));
    assert.equal(data.UserState, 'READY');
    assert.deepEqual(data.SignedSkillGroupIdList, ['sales@pbx.test', 'support@pbx.test']);
    const agent = cti.directory.get('1002');
    assert.equal(agent.state, 'ready');
    assert.equal(agent.ctiManaged, true);
  });

  it('ReadyForService again keeps the agent\'s idle time (its place in the queue)', async (t) => {
    const cti = await startCti(t);
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    const before = cti.directory.get('1001');
    let changes = 0;
    cti.directory.on('change', () => changes++);
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    assert.equal(changes, 0);
    assert.equal(cti.directory.get('1001').idleSince, before.idleSince);
  });

  it('ReadyForService is refused while ringing or talking (CurrentStateIsBusy, 409)', async (t) => {
    const cti = await startCti(t);
    for (const state of ['ringing', 'talking']) {
      cti.directory.setState('1001', state, { callId: 'c-1' });
      const r = await api(cti, 'ReadyForService', { UserId: '1001' });
      expectCode(r, 'CurrentStateIsBusy', 409);
      assert.match(r.body.Message, new RegExp(`current state \\(${state}\\).*ReadyForService`));
      assert.equal(cti.directory.get('1001').state, state);
    }
  });

  it('ReadyForService from after-call work and from break', async (t) => {
    const cti = await startCti(t);
    for (const state of ['afterCall', 'break']) {
      cti.directory.setState('1003', state);
      assert.equal(ok(await api(cti, 'ReadyForService', { UserId: '1003' })).UserState, 'READY');
    }
  });

  it('ReadyForService can require a registered softphone (AgentNotRegistered)', async (t) => {
    const cti = await startCti(t, { requireRegistration: true });
    expectCode(await api(cti, 'ReadyForService', { UserId: '1004' }), 'AgentNotRegistered', 409);
    cti.directory.setRegistered('1004', true);
    ok(await api(cti, 'ReadyForService', { UserId: '1004' }));
  });

  it('TakeBreak puts a ready agent on break with the reason (Code or BreakCode)', async (t) => {
    const cti = await startCti(t);
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    const data = ok(await api(cti, 'TakeBreak', { UserId: '1001', Code: 'lunch' }));
    assert.equal(data.UserState, 'BREAK');
    assert.equal(data.BreakCode, 'lunch');
    assert.deepEqual([cti.directory.get('1001').state, cti.directory.get('1001').breakReason], ['break', 'lunch']);
    // On break already: the reason changes.
    assert.equal(ok(await api(cti, 'TakeBreak', { UserId: '1001', BreakCode: 'meeting' }, { encoding: 'form' })).BreakCode, 'meeting');
    assert.equal(cti.directory.get('1001').breakReason, 'meeting');
    // Without a reason: "default", like the reference SDK's applyForBreak().
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    assert.equal(ok(await api(cti, 'TakeBreak', { UserId: '1001' })).BreakCode, 'default');
  });

  it('TakeBreak is refused offline (AgentOffline), ringing/talking (CurrentStateIsBusy), with a bad Code (400)', async (t) => {
    const cti = await startCti(t);
    expectCode(await api(cti, 'TakeBreak', { UserId: '1001', Code: 'lunch' }), 'AgentOffline', 409);
    cti.directory.setState('1001', 'talking', { callId: 'c-9' });
    expectCode(await api(cti, 'TakeBreak', { UserId: '1001', Code: 'lunch' }), 'CurrentStateIsBusy', 409);
    assert.equal(cti.directory.get('1001').state, 'talking');
    cti.directory.setState('1001', 'ready');
    const r = await api(cti, 'TakeBreak', { UserId: '1001', Code: 'x'.repeat(65) });
    expectCode(r, 'Parameter.Invalid', 400);
    assert.equal(r.body.Params[0], 'Code');
    expectCode(await api(cti, 'TakeBreak', { UserId: '1001', Code: { why: 1 } }), 'Parameter.Invalid', 400);
    assert.equal(cti.directory.get('1001').state, 'ready');
  });

  it('SignOutGroup takes the agent offline; refused while on a call', async (t) => {
    const cti = await startCti(t);
    ok(await api(cti, 'ReadyForService', { UserId: '1005' }));
    const data = ok(await api(cti, 'SignOutGroup', { UserId: '1005' }));
    assert.equal(data.UserState, 'OFFLINE');
    assert.deepEqual(data.SignedSkillGroupIdList, []);
    assert.equal(cti.directory.get('1005').state, 'offline');
    cti.directory.setState('1005', 'ringing', { callId: 'c-2' });
    expectCode(await api(cti, 'SignOutGroup', { UserId: '1005' }), 'CurrentStateIsBusy', 409);
    assert.equal(cti.directory.get('1005').state, 'ringing');
  });

  it('ListRealtimeAgentStates lists agents with vendor states, filters and paging', async (t) => {
    const cti = await startCti(t);
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    ok(await api(cti, 'ReadyForService', { UserId: '1002' }));
    ok(await api(cti, 'TakeBreak', { UserId: '1002', Code: 'lunch' }));
    cti.directory.setState('1004', 'talking', { callId: 'call-4' });
    cti.directory.setState('1005', 'afterCall');
    cti.directory.setRegistered('1001', true);

    const all = ok(await api(cti, 'ListRealtimeAgentStates', { UserId: '1009' }));
    assert.equal(all.TotalCount, 5);
    const byId = Object.fromEntries(all.List.map((a) => [a.Extension, a]));
    assert.deepEqual(
      Object.values(byId).map((a) => [a.Extension, a.State, a.StateCode]),
      [['1001', 'Ready', ''], ['1002', 'Break', 'lunch'], ['1003', 'Offline', ''], ['1004', 'Talking', ''], ['1005', 'ACW', '']],
    );
    assert.equal(byId['1001'].AgentId, '1001@pbx.test');
    assert.equal(byId['1001'].Registered, true);
    assert.equal(byId['1004'].CallId, 'call-4');
    assert.deepEqual(byId['1002'].SkillGroupNameList, ['Sales', 'Support']);
    assert.ok(Number.isInteger(byId['1001'].StateTime) && byId['1001'].StateTime >= 0);

    const ready = ok(await api(cti, 'ListRealtimeAgentStates', { UserId: '1003', StateList: '["Ready","break"]' }));
    assert.deepEqual(ready.List.map((a) => a.Extension), ['1001', '1002']);
    const support = ok(await api(cti, 'ListRealtimeAgentStates', { UserId: '1003', SkillGroupId: 'support@pbx.test' }, { method: 'GET' }));
    assert.deepEqual(support.List.map((a) => a.Extension), ['1002', '1004', '1005']);
    const some = ok(await api(cti, 'ListRealtimeAgentStates', { UserId: '1003', AgentIdList: ['1005@pbx.test', '1001'] }));
    assert.deepEqual(some.List.map((a) => a.Extension), ['1001', '1005']);
    const named = ok(await api(cti, 'ListRealtimeAgentStates', { UserId: '1003', AgentName: 'carol' }));
    assert.deepEqual(named.List.map((a) => a.Extension), ['1003']);
    const paged = ok(await api(cti, 'ListRealtimeAgentStates', { UserId: '1003', PageNumber: 2, PageSize: 2 }));
    assert.deepEqual([paged.TotalCount, paged.List.map((a) => a.Extension)], [5, ['1003', '1004']]);
    // An agent sees a transfer list's view: who and whether they can take a call, not why they are on break or which call they are on.
    const colleagues = ok(await api(cti, 'ListRealtimeAgentStates', { UserId: '1003' })).List;
    const bob = colleagues.find((a) => a.Extension === '1002');
    assert.equal(bob.State, 'Break');
    assert.deepEqual(Object.keys(bob).sort(), ['AgentId', 'AgentName', 'Extension', 'InstanceId', 'Registered', 'SkillGroupIdList', 'SkillGroupNameList', 'State', 'StateTime']);
    assert.ok(!('CallId' in colleagues.find((a) => a.Extension === '1004')));
  });

  it('ListRealtimeAgentStates refuses unknown states and skill groups', async (t) => {
    const cti = await startCti(t);
    const r = await api(cti, 'ListRealtimeAgentStates', { UserId: '1001', StateList: ['Ready', 'Sleeping'] });
    expectCode(r, 'Parameter.Enumeration', 400);
    assert.deepEqual(r.body.Params, ['StateList', 'Sleeping']);
    expectCode(await api(cti, 'ListRealtimeAgentStates', { UserId: '1001', StateList: '["Ready"' }), 'Parameter.Format', 400);
    expectCode(await api(cti, 'ListRealtimeAgentStates', { UserId: '1001', SkillGroupId: 'billing' }), 'NotExists.SkillGroupId', 404);
  });
});

describe('CTI API: call control', () => {
  it('MakeCall validates, delegates to call control and answers the vendor CallContext', async (t) => {
    const cti = await startCti(t);
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    const data = ok(await api(cti, 'MakeCall', { UserId: '1001', Callee: '13800000001', Caller: '+8657188000002', TimeoutSeconds: 30 }));
    assert.deepEqual(cti.callControl.calls.at(-1), ['makeCall', { agentId: '1001', callee: '13800000001', caller: '+8657188000002', timeoutSeconds: 30 }]);
    assert.equal(data.CallContext.JobId, 'job-1');
    assert.equal(data.CallContext.CallId, 'call-1@fake');
    assert.equal(data.CallContext.CallType, 'OUTBOUND');
    assert.equal(data.CallContext.ChannelContexts[0].Destination, '13800000001');
    assert.equal(data.UserContext.UserId, '1001@pbx.test');
  });

  it('MakeCall picks the first outbound number for "auto" and none for an internal call', async (t) => {
    const cti = await startCti(t);
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    ok(await api(cti, 'MakeCall', { UserId: '1001', Callee: '13800000002', Caller: 'auto' }));
    assert.deepEqual(cti.callControl.calls.at(-1)[1], { agentId: '1001', callee: '13800000002', caller: '+8657188000001' });
    const internal = ok(await api(cti, 'MakeCall', { UserId: '1001', Callee: 'sip:1002@pbx.test' }));
    assert.deepEqual(cti.callControl.calls.at(-1)[1], { agentId: '1001', callee: '1002' });
    assert.equal(internal.CallContext.CallType, 'INTERNAL');
  });

  it('MakeCall names a missing or bad Callee / Caller and does not delegate', async (t) => {
    const cti = await startCti(t);
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    const cases = [
      [{}, 'Parameter.Blank', 'Callee'],
      [{ Callee: '  ' }, 'Parameter.Blank', 'Callee'],
      [{ Callee: 'DROP TABLE' }, 'Parameter.Invalid', 'Callee'],
      [{ Callee: '1001' }, 'Parameter.Invalid', 'Callee'],
      [{ Callee: '1002@elsewhere.example' }, 'Parameter.Invalid', 'Callee'],
      [{ Callee: '13800000001', Caller: '+8600000000' }, 'Parameter.Invalid', 'Caller'],
      [{ Callee: '13800000001', TimeoutSeconds: 0 }, 'Parameter.Minimum', 'TimeoutSeconds'],
    ];
    for (const [params, code, name] of cases) {
      const r = await api(cti, 'MakeCall', { UserId: '1001', ...params });
      expectCode(r, code, 400);
      assert.equal(r.body.Params[0], name, JSON.stringify(params));
    }
    assert.equal(cti.callControl.calls.length, 0);
  });

  it('MakeCall is refused offline, on break and on a call', async (t) => {
    const cti = await startCti(t);
    const call = () => api(cti, 'MakeCall', { UserId: '1001', Callee: '13800000001' });
    expectCode(await call(), 'AgentOffline', 409);
    cti.directory.setState('1001', 'break', { reason: 'lunch' });
    expectCode(await call(), 'CurrentStatesNotAllowedChanged', 409);
    cti.directory.setState('1001', 'talking', { callId: 'c' });
    expectCode(await call(), 'CurrentStateIsBusy', 409);
    assert.equal(cti.callControl.calls.length, 0);
    cti.directory.setState('1001', 'afterCall');
    ok(await call());
  });

  it('passes call-control rejections on with their code and status', async (t) => {
    const cti = await startCti(t);
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    cti.callControl.failNext('UserBusy', 400, 'The user 13800000001 you called was busy.');
    const r = await api(cti, 'MakeCall', { UserId: '1001', Callee: '13800000001' });
    expectCode(r, 'UserBusy', 400);
    assert.match(r.body.Message, /busy/);
    cti.callControl.failNext('Whatever', 'not a status');
    expectCode(await api(cti, 'MakeCall', { UserId: '1001', Callee: '13800000001' }), 'Whatever', 500);
  });

  it('answers a call control that never answers with Timeout.CallControl (504)', async (t) => {
    const cti = await startCti(t, { callControlTimeoutMs: 100 });
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    cti.callControl.hangNext();
    expectCode(await api(cti, 'MakeCall', { UserId: '1001', Callee: '13800000001' }), 'Timeout.CallControl', 504);
  });

  it('answers call actions with ServiceUnavailable.CallControl (503) when no ACD is attached', async (t) => {
    const cti = await startCti(t, { callControl: null });
    ok(await api(cti, 'ReadyForService', { UserId: '1001' }));
    for (const [action, params] of [
      ['MakeCall', { Callee: '13800000001' }], ['ReleaseCall', { JobId: 'job-1' }], ['BlindTransfer', { JobId: 'job-1', Transferee: '1002' }],
    ]) {
      const r = await api(cti, action, { UserId: '1001', ...params });
      expectCode(r, 'ServiceUnavailable.CallControl', 503);
      assert.match(r.body.Message, new RegExp(action));
    }
  });

  const JOB_ACTIONS = [
    ['ReleaseCall', 'releaseCall'],
    ['HoldCall', 'holdCall'],
    ['RetrieveCall', 'retrieveCall'],
    ['CompleteAttendedTransfer', 'completeAttendedTransfer'],
    ['CancelAttendedTransfer', 'cancelAttendedTransfer'],
  ];
  for (const [action, method] of JOB_ACTIONS) {
    it(`${action} delegates for the agent's own call and refuses others'`, async (t) => {
      const cti = await startCti(t);
      cti.callControl.addJob('job-a', '1001');
      cti.callControl.addJob('job-b', '1002');
      const data = ok(await api(cti, action, { UserId: '1001', JobId: 'job-a', ChannelId: 'ignored' }));
      assert.deepEqual(cti.callControl.calls, [[method, { agentId: '1001', jobId: 'job-a' }]]);
      assert.equal(data.CallContext.JobId, 'job-a');
      assert.equal(data.UserContext.Extension, '1001');

      const theirs = await api(cti, action, { UserId: '1001', JobId: 'job-b' });
      expectCode(theirs, 'Forbidden.NotAuthorized', 403);
      assert.deepEqual(theirs.body.Params, ['JobId', 'job-b']);
      expectCode(await api(cti, action, { UserId: '1001', JobId: 'job-zzz' }), 'NotExists.JobId', 404);
      expectCode(await api(cti, action, { UserId: '1001' }), 'Parameter.Blank', 400);
      expectCode(await api(cti, action, { UserId: '1001', JobId: 'job a;rm' }), 'Parameter.Invalid', 400);
      assert.equal(cti.callControl.calls.length, 1, 'nothing else reached call control');
    });
  }

  for (const [action, method] of [['BlindTransfer', 'blindTransfer'], ['InitiateAttendedTransfer', 'initiateAttendedTransfer']]) {
    it(`${action} validates Transferee, checks the JobId owner and delegates`, async (t) => {
      const cti = await startCti(t);
      cti.callControl.addJob('job-a', '1001');
      cti.callControl.addJob('job-b', '1002');
      const data = ok(await api(cti, action, { UserId: '1001', JobId: 'job-a', Transferee: '1003@pbx.test' }));
      assert.deepEqual(cti.callControl.calls, [[method, { agentId: '1001', jobId: 'job-a', transferee: '1003' }]]);
      assert.equal(data.CallContext.JobId, 'job-a');
      assert.equal(data.CallContext.Transferee, '1003');
      if (action === 'InitiateAttendedTransfer') assert.match(data.CallContext.ConsultJobId, /^job-\d+$/);

      expectCode(await api(cti, action, { UserId: '1001', JobId: 'job-a' }), 'Parameter.Blank', 400);
      const bad = await api(cti, action, { UserId: '1001', JobId: 'job-a', Transferee: 'nobody' });
      expectCode(bad, 'Parameter.Invalid', 400);
      assert.deepEqual(bad.body.Params, ['Transferee', 'nobody']);
      expectCode(await api(cti, action, { UserId: '1001', JobId: 'job-a', Transferee: '1001' }), 'Parameter.Invalid', 400);
      expectCode(await api(cti, action, { UserId: '1001', JobId: 'job-b', Transferee: '13800000001' }), 'Forbidden.NotAuthorized', 403);
      expectCode(await api(cti, action, { UserId: '1001', JobId: 'job-x', Transferee: '13800000001' }), 'NotExists.JobId', 404);
      assert.equal(cti.callControl.calls.length, 1, 'nothing else reached call control');
    });
  }
});

describe('CTI API: ListRecentCallDetailRecords', () => {
  it('lists an agent\'s own calls newest first in the vendor shape', async (t) => {
    const cti = await startCti(t);
    for (const r of SAMPLE_CDRS) cti.cdrStore.append(r);
    const mine = ok(await api(cti, 'ListRecentCallDetailRecords', { UserId: '1001' }));
    assert.equal(mine.TotalCount, 2);
    assert.deepEqual(mine.List.map((c) => c.ContactId), ['c3', 'job-1']);
    assert.deepEqual(mine.List[1], {
      ContactId: 'job-1', CallId: 'c1', ContactType: 'Outbound', ContactDisposition: 'Success', Result: 'answered',
      CallingNumber: '+8657188000001', CalledNumber: '13800000001', AgentIds: '1001@pbx.test', AgentNames: 'Alice (1001)',
      SkillGroupIds: '', StartTime: T0, RingTime: null, EstablishedTime: T0 + 5000, ReleaseTime: T0 + 65000,
      CallDuration: 60, Duration: 65, ReleaseInitiator: 'agent', InstanceId: 'pbx.test', UserData: '',
    });
    assert.equal(mine.List[0].AgentIds, '1001@pbx.test,1002@pbx.test');
    assert.equal(mine.List[0].ContactType, 'Internal');
    const bob = ok(await api(cti, 'ListRecentCallDetailRecords', { UserId: '1002' }));
    assert.deepEqual(bob.List.map((c) => [c.ContactId, c.ContactDisposition]), [['c3', 'Success'], ['job-2', 'AbandonedRing']]);
    assert.equal(bob.List[1].SkillGroupIds, 'sales@pbx.test');
  });

  it('lets a supervisor see every call; pages, time range and Criteria filter', async (t) => {
    const cti = await startCti(t);
    for (const r of SAMPLE_CDRS) cti.cdrStore.append(r);
    const all = ok(await api(cti, 'ListRecentCallDetailRecords', { UserId: '1009' }));
    assert.deepEqual(all.List.map((c) => c.ContactId), ['c4', 'c3', 'job-2', 'job-1']);
    assert.equal(all.List[0].ContactDisposition, 'NoAnswer');
    const page2 = ok(await api(cti, 'ListRecentCallDetailRecords', { UserId: '1009', PageNumber: 2, PageSize: 1 }));
    assert.deepEqual([page2.TotalCount, page2.List.map((c) => c.ContactId)], [4, ['c3']]);
    const range = ok(await api(cti, 'ListRecentCallDetailRecords', { UserId: '1009', StartTime: T0 + 100000, EndTime: T0 + 200000 }));
    assert.deepEqual(range.List.map((c) => c.ContactId), ['c3', 'job-2']);
    const phone = ok(await api(cti, 'ListRecentCallDetailRecords', { UserId: '1009', Criteria: '{"phoneNumber":"13800000002"}' }));
    assert.deepEqual(phone.List.map((c) => c.ContactId), ['job-2']);
    const called = ok(await api(cti, 'ListRecentCallDetailRecords', { UserId: '1009', Criteria: { calledNumber: '1002' } }, { method: 'GET' }));
    assert.deepEqual(called.List.map((c) => c.ContactId), ['c3']);
  });

  it('names bad StartTime / EndTime / Criteria parameters', async (t) => {
    const cti = await startCti(t);
    const cases = [
      [{ StartTime: 'yesterday' }, 'Parameter.Format', 'StartTime'],
      [{ StartTime: 20, EndTime: 10 }, 'Parameter.Invalid', 'StartTime'],
      [{ EndTime: -1 }, 'Parameter.Minimum', 'EndTime'],
      [{ Criteria: '{phone' }, 'Parameter.Format', 'Criteria'],
      [{ Criteria: { phoneNumber: ['x'] } }, 'Parameter.Format', 'Criteria'],
    ];
    for (const [params, code, name] of cases) {
      const r = await api(cti, 'ListRecentCallDetailRecords', { UserId: '1001', ...params });
      expectCode(r, code, 400);
      assert.equal(r.body.Params[0], name);
    }
  });

  it('answers ServiceUnavailable.CallDetailRecords (503) without a store', async (t) => {
    const directory = new AgentDirectory({ users: USERS, queues: QUEUES });
    const { startCtiServer } = await import('../../demo/callcenter/cti/cti-server.mjs');
    const server = await startCtiServer({ directory, users: USERS, queues: QUEUES, logger: { info() {} } });
    t.after(() => server.close());
    expectCode(await api(server, 'ListRecentCallDetailRecords', { UserId: '1001' }), 'ServiceUnavailable.CallDetailRecords', 503);
  });

  it('keeps records across a restart of the server and the store', async (t) => {
    const file = path.join(tempDir(t), 'cdr.jsonl');
    const first = await startCti(t, { file });
    const proxy = new EventEmitter();
    const recorder = recordProxyCalls({ proxy, store: first.cdrStore, directory: first.directory, logger: { warn() {} } });
    proxy.emit('call-start', { callId: 'p1', fromUser: '1001', toUser: '13800000004', time: T0 });
    proxy.emit('call-answer', { callId: 'p1', time: T0 + 2000 });
    proxy.emit('call-end', { callId: 'p1', time: T0 + 12000, status: 200, byUser: '1001' });
    recorder.detach();
    first.cdrStore.append(SAMPLE_CDRS[0]);
    const before = ok(await api(first, 'ListRecentCallDetailRecords', { UserId: '1001' }));
    assert.deepEqual(before.List.map((c) => c.ContactId), ['job-1', 'p1']);
    await first.stop();

    const second = await startCti(t, { file });
    const after = ok(await api(second, 'ListRecentCallDetailRecords', { UserId: '1001' }));
    assert.deepEqual(after, before);
    assert.equal(after.List[1].CallDuration, 10);
  });
});

describe('CDR store', () => {
  const sample = (i, extra = {}) => ({
    contactId: `job-${i}`, callId: `c${i}`, direction: 'outbound', caller: '+8657188000001', callee: '13800000001', agentId: '1001',
    startTime: T0 + i * 1000, releaseTime: T0 + i * 1000 + 500, releaseInitiator: 'agent', result: 'failed', ...extra,
  });

  it('writes one JSON line per record and loads them again', (t) => {
    const file = path.join(tempDir(t), 'sub', 'cdr.jsonl');
    const store = openCdrStore({ file });
    const stored = store.append(sample(1, { establishedTime: T0 + 1100, result: 'answered', releaseTime: T0 + 4100 }));
    assert.equal(stored.duration, 3);
    assert.deepEqual(stored.agentIds, ['1001']);
    store.append(sample(2));
    store.close();
    store.close();
    assert.throws(() => store.append(sample(3)), /closed/);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.equal(JSON.parse(lines[0]).contactId, 'job-1');
    const again = openCdrStore({ file });
    t.after(() => again.close());
    assert.deepEqual(again.list().records.map((r) => r.contactId), ['job-2', 'job-1']);
    assert.deepEqual(again.list({ limit: 1 }), { total: 2, records: [again.list().records[0]] });
  });

  it('refuses an invalid record without writing it', (t) => {
    const file = path.join(tempDir(t), 'cdr.jsonl');
    const store = openCdrStore({ file });
    t.after(() => store.close());
    assert.throws(() => store.append(sample(1, { direction: 'sideways' })), /direction/);
    assert.throws(() => store.append(sample(1, { result: undefined })), /result/);
    assert.throws(() => store.append(sample(1, { releaseTime: T0 })), /before startTime/);
    assert.throws(() => store.append({ direction: 'inbound', result: 'missed', startTime: 1, releaseTime: 2 }), /contactId/);
    assert.throws(() => store.append(sample(1, { startTime: 'soon' })), /startTime/);
    assert.equal(store.size, 0);
    assert.equal(fs.readFileSync(file, 'utf8'), '');
  });

  it('drops a truncated last line and appends cleanly after it', (t) => {
    const file = path.join(tempDir(t), 'cdr.jsonl');
    const store = openCdrStore({ file });
    store.append(sample(1));
    store.append(sample(2));
    store.close();
    fs.appendFileSync(file, '{"contactId":"job-3","direction":"outb');
    const warnings = [];
    const reopened = openCdrStore({ file, logger: { warn: (m) => warnings.push(m) } });
    assert.equal(reopened.size, 2);
    assert.match(warnings.join('\n'), /truncated/);
    reopened.append(sample(4));
    reopened.close();
    const last = openCdrStore({ file });
    t.after(() => last.close());
    assert.deepEqual(last.list().records.map((r) => r.contactId), ['job-4', 'job-2', 'job-1']);
    assert.equal(last.skippedLines, 0);
  });

  it('keeps a complete last line without newline, skips corrupt lines in the middle', (t) => {
    const file = path.join(tempDir(t), 'cdr.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(sample(1))}\nnot json at all\n${JSON.stringify(sample(2))}`);
    const store = openCdrStore({ file, logger: { warn() {} } });
    assert.equal(store.skippedLines, 1);
    store.append(sample(3));
    store.close();
    const again = openCdrStore({ file, logger: { warn() {} } });
    t.after(() => again.close());
    assert.deepEqual(again.list().records.map((r) => r.contactId), ['job-3', 'job-2', 'job-1']);
  });

  it('holds only the newest maxRecords in memory; the file keeps them all', (t) => {
    const file = path.join(tempDir(t), 'cdr.jsonl');
    const store = openCdrStore({ file, maxRecords: 3 });
    for (let i = 1; i <= 5; i++) store.append(sample(i));
    assert.equal(store.size, 3);
    assert.deepEqual(store.list().records.map((r) => r.contactId), ['job-5', 'job-4', 'job-3']);
    store.close();
    const small = openCdrStore({ file, maxRecords: 2 });
    assert.deepEqual(small.list().records.map((r) => r.contactId), ['job-5', 'job-4']);
    small.close();
    const big = openCdrStore({ file, maxRecords: 100 });
    t.after(() => big.close());
    assert.equal(big.size, 5);
  });

  it('filters by agent (agentId or agentIds), time and predicate, and pages', (t) => {
    const store = openCdrStore({ file: path.join(tempDir(t), 'cdr.jsonl') });
    t.after(() => store.close());
    for (const r of SAMPLE_CDRS) store.append(r);
    assert.deepEqual(store.list({ agentId: '1002' }).records.map((r) => r.contactId), ['c3', 'job-2']);
    assert.deepEqual(store.list({ since: T0 + 200000 }).records.map((r) => r.contactId), ['c4', 'c3']);
    assert.deepEqual(store.list({ match: (r) => r.result === 'answered' }).total, 2);
    assert.deepEqual(store.list({ pageNumber: 2, pageSize: 3 }), { total: 4, records: [store.list().records[3]] });
  });
});

describe('CDRs from SIP proxy events', () => {
  function setup(t) {
    const store = openCdrStore({ file: path.join(tempDir(t), 'cdr.jsonl') });
    const proxy = new EventEmitter();
    const directory = new AgentDirectory({ users: USERS, queues: QUEUES });
    const warnings = [];
    const recorder = recordProxyCalls({ proxy, store, directory, logger: { warn: (m) => warnings.push(m) } });
    t.after(() => {
      recorder.detach();
      store.close();
    });
    const records = () => store.list().records.reverse();
    return { store, proxy, recorder, records, warnings };
  }

  it('records an answered outbound call with times, duration and who hung up', (t) => {
    const { proxy, records } = setup(t);
    proxy.emit('call-start', { callId: 'a1', fromUser: '1001', toUser: '13800000001', time: T0 });
    proxy.emit('call-answer', { callId: 'a1', time: T0 + 4000 });
    assert.equal(records().length, 0, 'nothing before the end');
    proxy.emit('call-end', { callId: 'a1', time: T0 + 34000, status: 200, byUser: '13800000001' });
    const [r] = records();
    assert.deepEqual(
      [r.contactId, r.callId, r.direction, r.caller, r.callee, r.agentId, r.startTime, r.establishedTime, r.releaseTime, r.duration, r.result, r.releaseInitiator],
      ['a1', 'a1', 'outbound', '1001', '13800000001', '1001', T0, T0 + 4000, T0 + 34000, 30, 'answered', 'customer'],
    );
  });

  it('classifies unanswered inbound calls: abandoned, missed, and failed outbound', (t) => {
    const { proxy, records } = setup(t);
    const call = (callId, fromUser, toUser, end) => {
      proxy.emit('call-start', { callId, fromUser, toUser, time: T0 });
      proxy.emit('call-end', { callId, time: T0 + 9000, ...end });
    };
    call('b1', '13800000002', '1002', { status: 487 });
    call('b2', '13800000003', '1003', { status: 480 });
    call('b3', '13800000004', '1004', { status: 603, byUser: '1004' });
    call('b4', '1001', '13800000009', { status: 404 });
    call('b5', '13800000005', '1005', { status: 'CANCEL', byUser: 'sip:13800000005@pbx.test' });
    assert.deepEqual(
      records().map((r) => [r.callId, r.direction, r.agentId, r.result, r.releaseInitiator, r.duration]),
      [
        ['b1', 'inbound', '1002', 'abandoned', 'customer', 0],
        ['b2', 'inbound', '1003', 'missed', 'system', 0],
        ['b3', 'inbound', '1004', 'missed', 'agent', 0],
        ['b4', 'outbound', '1001', 'failed', 'system', 0],
        ['b5', 'inbound', '1005', 'abandoned', 'customer', 0],
      ],
    );
  });

  it('records agent-to-agent calls as internal with both agents', (t) => {
    const { proxy, store } = setup(t);
    proxy.emit('call-start', { callId: 'i1', fromUser: '1001', toUser: '1002', time: T0 });
    proxy.emit('call-answer', { callId: 'i1', time: T0 + 1000 });
    proxy.emit('call-end', { callId: 'i1', time: T0 + 6000, status: 200, byUser: '1002' });
    const [r] = store.list({ agentId: '1002' }).records;
    assert.deepEqual([r.direction, r.agentId, r.agentIds, r.releaseInitiator, r.duration], ['internal', '1001', ['1001', '1002'], 'agent', 5]);
  });

  it('skips queue calls (the ACD records them) and calls without an agent', (t) => {
    const { proxy, records, recorder } = setup(t);
    for (const [callId, fromUser, toUser] of [['q1', '13800000001', 'sales'], ['q2', 'support', '1004'], ['x1', '13800000001', '13800000002']]) {
      proxy.emit('call-start', { callId, fromUser, toUser, time: T0 });
      proxy.emit('call-answer', { callId, time: T0 + 1 });
      proxy.emit('call-end', { callId, time: T0 + 2, status: 200 });
    }
    assert.equal(records().length, 0);
    assert.equal(recorder.pendingCount, 0);
  });

  it('ignores events of unknown calls and malformed events; stops after detach', (t) => {
    const { proxy, records, recorder, warnings } = setup(t);
    proxy.emit('call-answer', { callId: 'nope', time: T0 });
    proxy.emit('call-end', { callId: 'nope', time: T0, status: 200 });
    proxy.emit('call-start', { fromUser: '1001' });
    proxy.emit('call-start', null);
    assert.equal(warnings.length, 2);
    proxy.emit('call-start', { callId: 'd1', fromUser: '1001', toUser: '13800000001', time: T0 });
    assert.equal(recorder.pendingCount, 1);
    recorder.detach();
    proxy.emit('call-end', { callId: 'd1', time: T0 + 1000, status: 200 });
    assert.equal(records().length, 0);
    assert.equal(proxy.listenerCount('call-end'), 0);
  });
});
