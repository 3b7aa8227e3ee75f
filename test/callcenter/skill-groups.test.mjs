// Skill groups for the reference SDKs: CTI ListSkillGroups (every group, agents may read: 003
// webApiHandler('getGroups'), 002 onGetOrgAgtgrps) and SignInGroup with SignedSkillGroupIdList
// (002 checkIn(groupIds), 003 init({ gid })): an agent signed into some of its groups is offered
// queue calls only from those, through the real ACD; without SignInGroup, from all of them.
//   node --test test/callcenter/skill-groups.test.mjs
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CTI_PATH } from '../../demo/callcenter/index.mjs';
import { sleep, startPhone, waitFor } from './support/acd-harness.mjs';
import { api, QUEUES, serveCallCenter, startCti, USERS } from './support/cti-harness.mjs';

const password = (/** @type {string} */ user) => USERS.users.find((/** @type {any} */ u) => u.user === user).password;
const ok = (/** @type {{ body: any }} */ r) => {
  assert.equal(r.body?.Code, 'OK', JSON.stringify(r.body));
  return r.body.Data;
};
const refused = (/** @type {{ status: number, body: any }} */ r, /** @type {string} */ code, /** @type {number} */ status) => {
  assert.equal(r.body?.Code, code, JSON.stringify(r.body));
  assert.equal(r.status, status);
  return r.body;
};

describe('CTI ListSkillGroups', () => {
  it('lists every skill group of queues.json, paged, to agents and the supervisor alike', async (t) => {
    const cti = await startCti(t);
    const data = ok(await api(cti, 'ListSkillGroups', { UserId: '1001' }));
    assert.deepEqual(data, {
      PageNumber: 1,
      PageSize: 20,
      TotalCount: 2,
      List: [
        { SkillGroupId: 'sales@pbx.test', SkillGroupName: 'Sales', DisplayName: 'Sales', Description: '', InstanceId: 'pbx.test', UserCount: 3, Member: true },
        { SkillGroupId: 'support@pbx.test', SkillGroupName: 'Support', DisplayName: 'Support', Description: '', InstanceId: 'pbx.test', UserCount: 3, Member: false },
      ],
    });
    const second = ok(await api(cti, 'ListSkillGroups', { UserId: '1009', PageNumber: 2, PageSize: 1 }, { encoding: 'form' }));
    assert.deepEqual([second.TotalCount, second.List.map((g) => g.SkillGroupId)], [2, ['support@pbx.test']]);
    assert.deepEqual(ok(await api(cti, 'ListSkillGroups', { UserId: '1004', SearchPattern: 'SUPP' }, { method: 'GET' })).List.map((g) => [g.SkillGroupName, g.Member]), [['Support', true]]);
    assert.equal(ok(await api(cti, 'ListSkillGroups', { UserId: '1004', SearchPattern: 'nothing' })).TotalCount, 0);
    refused(await api(cti, 'ListSkillGroups', { UserId: '1004', SearchPattern: '<x>' }), 'Parameter.Invalid', 400);
    refused(await api(cti, 'ListSkillGroups', { UserId: '1004', PageSize: 0 }), 'Parameter.Minimum', 400);
  });
});

describe('CTI SignInGroup', () => {
  it('signs an offline agent into the listed groups (array, JSON text or comma-separated) and on break Warm-up until ReadyForService', async (t) => {
    const cti = await startCti(t);
    const signed = ok(await api(cti, 'SignInGroup', { UserId: '1002', SignedSkillGroupIdList: ['support@pbx.test'] }));
    assert.deepEqual([signed.UserState, signed.BreakCode, signed.SignedSkillGroupIdList], ['BREAK', 'Warm-up', ['support@pbx.test']]);
    assert.deepEqual(cti.directory.get('1002')?.signedGroups, ['support']);
    const ready = ok(await api(cti, 'ReadyForService', { UserId: '1002' }));
    assert.deepEqual([ready.UserState, ready.SignedSkillGroupIdList], ['READY', ['support@pbx.test']]);
    // While signed in, a new list replaces the groups and leaves the state alone.
    const json = ok(await api(cti, 'SignInGroup', { UserId: '1002', SignedSkillGroupIdList: '["sales@pbx.test"]' }, { encoding: 'form' }));
    assert.deepEqual([json.UserState, json.SignedSkillGroupIdList], ['READY', ['sales@pbx.test']]);
    const added = ok(await api(cti, 'SignInGroup', { UserId: '1002', SignedSkillGroupIdList: 'support', Additivity: true }));
    assert.deepEqual(added.SignedSkillGroupIdList, ['sales@pbx.test', 'support@pbx.test']);
    const comma = ok(await api(cti, 'SignInGroup', { UserId: '1002', SignedSkillGroupIdList: 'support@pbx.test, sales' }));
    assert.deepEqual(cti.directory.get('1002')?.signedGroups, ['support', 'sales']);
    assert.deepEqual(comma.SignedSkillGroupIdList, ['sales@pbx.test', 'support@pbx.test'], 'in the order of the agent\'s groups');
  });

  it('without a list signs into all the agent\'s groups; an explicit empty list into none; signing out forgets the choice', async (t) => {
    const cti = await startCti(t);
    const all = ok(await api(cti, 'SignInGroup', { UserId: '1002' }));
    assert.deepEqual(all.SignedSkillGroupIdList, ['sales@pbx.test', 'support@pbx.test']);
    assert.equal(cti.directory.get('1002')?.signedGroups, null);
    const none = ok(await api(cti, 'SignInGroup', { UserId: '1002', SignedSkillGroupIdList: [] }));
    assert.deepEqual(none.SignedSkillGroupIdList, []);
    ok(await api(cti, 'SignInGroup', { UserId: '1002', SignedSkillGroupIdList: ['sales'] }));
    const out = ok(await api(cti, 'SignOutGroup', { UserId: '1002' }));
    assert.deepEqual([out.UserState, out.SignedSkillGroupIdList], ['OFFLINE', []]);
    assert.equal(cti.directory.get('1002')?.signedGroups, null);
    const again = ok(await api(cti, 'ReadyForService', { UserId: '1002' }));
    assert.deepEqual(again.SignedSkillGroupIdList, ['sales@pbx.test', 'support@pbx.test'], 'ReadyForService alone: all groups, as before SignInGroup existed');
  });

  it('refuses unknown groups (404), groups the agent is not in, the supervisor, and an unregistered softphone when required; nothing changes', async (t) => {
    const cti = await startCti(t, { requireRegistration: true });
    const unknown = refused(await api(cti, 'SignInGroup', { UserId: '1001', SignedSkillGroupIdList: ['sales', 'billing'] }), 'NotExists.SkillGroupId', 404);
    assert.deepEqual(unknown.Params, ['SkillGroupId', 'billing']);
    refused(await api(cti, 'SignInGroup', { UserId: '1001', SignedSkillGroupIdList: ['support@pbx.test'] }), 'Parameter.Invalid', 400);
    refused(await api(cti, 'SignInGroup', { UserId: '1001', SignedSkillGroupIdList: ['sales@other.test'] }), 'NotExists.SkillGroupId', 404);
    refused(await api(cti, 'SignInGroup', { UserId: '1001', SignedSkillGroupIdList: '["sales"' }), 'Parameter.Format', 400);
    refused(await api(cti, 'SignInGroup', { UserId: '1009' }), 'Forbidden.NotAuthorized', 403);
    refused(await api(cti, 'SignInGroup', { UserId: '1001', SignedSkillGroupIdList: ['sales'] }), 'AgentNotRegistered', 409);
    assert.deepEqual([cti.directory.get('1001')?.state, cti.directory.get('1001')?.signedGroups], ['offline', null]);
  });
});

describe('SignInGroup through the ACD', { timeout: 90_000 }, () => {
  it('offers an agent queue calls only from the groups it signed into; an agent that did not sign in gets all of its own', async (t) => {
    const served = await serveCallCenter({ queues: { ...QUEUES, ringTimeoutSeconds: 5, retryAgentSeconds: 60 } });
    t.after(() => served.close());
    const { center, origin } = served;
    const cti = { url: `${origin}${CTI_PATH}` };
    /** @type {Record<string, Awaited<ReturnType<typeof startPhone>>>} */
    const phones = {};
    t.after(async () => {
      for (const p of Object.values(phones)) await p.close();
    });
    for (const [user, frequency] of [['1002', 1400], ['1003', 1600]]) {
      phones[user] = await startPhone({ wsUrl: center.wsUrl, domain: center.domain, user, password: password(user), frequency });
    }
    // 1002 is idle longest and level 1 in sales, so without SignInGroup it would get a sales call first.
    ok(await api(cti, 'SignInGroup', { UserId: '1002', SignedSkillGroupIdList: '["support@pbx.test"]' }));
    ok(await api(cti, 'ReadyForService', { UserId: '1002' }));
    await sleep(20);
    ok(await api(cti, 'ReadyForService', { UserId: '1003' }));
    const figures = Object.fromEntries(center.acd.queues().map((q) => [q.id, q.ready]));
    assert.deepEqual(figures, { sales: ['1003'], support: ['1002'] });

    const customer = await startPhone({ wsUrl: center.wsUrl, domain: center.domain, user: '13800000001', password: password('13800000001'), frequency: 400, answer: 'manual' });
    phones.customer = customer;
    const sales = customer.call('sales');
    await phones['1003'].nextIncoming(0);
    assert.equal(phones['1003'].invites[0].queue, 'sales');
    assert.equal(phones['1002'].incoming.length, 0, '1002 is not offered the sales call');
    await waitFor(() => sales.has('confirmed'), { what: 'the sales call to connect' });

    const support = customer.call('support');
    await phones['1002'].nextIncoming(0);
    assert.equal(phones['1002'].invites[0].queue, 'support');
    await waitFor(() => support.has('confirmed'), { what: 'the support call to connect' });
    sales.hangUp();
    support.hangUp();
    await waitFor(() => center.directory.get('1002')?.state === 'afterCall' && center.directory.get('1003')?.state === 'afterCall', { what: 'after-call work' });

    // Signed out and in again without a list: 1002 serves sales again.
    ok(await api(cti, 'SignOutGroup', { UserId: '1002' }));
    ok(await api(cti, 'ReadyForService', { UserId: '1002' }));
    assert.deepEqual(center.acd.queues().find((q) => q.id === 'sales')?.ready, ['1002']);
  });
});
