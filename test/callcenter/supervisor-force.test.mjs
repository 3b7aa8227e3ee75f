// A supervisor forcing an agent's state through the CTI API (reference 002 pause(agentId),
// restore(agentId), logoutAgent): TakeBreak / ReadyForService / SignOutGroup with a UserId naming
// another agent. Only a supervisor may; an agent naming someone else gets 403, an unknown user
// 404. An agent on a call is never cut off: the break or log-out waits for the call's end.
//
//   node --test test/callcenter/supervisor-force.test.mjs
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, startCti, tokenFor } from './support/cti-harness.mjs';

const SUPERVISOR = '1009';

/**
 * One action by `as`, with `as`'s own bearer token (the helper would otherwise sign in as the
 * user UserId names).
 * @param {Awaited<ReturnType<typeof startCti>>} cti
 * @param {string} as
 * @param {string} action
 * @param {Record<string, unknown>} params
 */
async function actAs(cti, as, action, params) {
  const token = await tokenFor(cti.url, as);
  return (await api(cti, action, params, { headers: { authorization: `Bearer ${token}` } })).body;
}

describe('CTI: a supervisor forces an agent state (TakeBreak / ReadyForService / SignOutGroup with UserId)', () => {
  it('pauses, restores and signs out an idle agent; the answer is the agent\'s UserContext', async (t) => {
    const cti = await startCti(t);
    cti.directory.setRegistered('1001', true);
    /** @type {unknown[]} what the SIP server tells the agent's softphone (index.mjs: NOTIFY x-cc-agent-state) */
    const forced = [];
    cti.directory.on('forced', (e) => forced.push(e));

    const ready = await actAs(cti, SUPERVISOR, 'ReadyForService', { UserId: '1001' });
    assert.equal(ready.Code, 'OK', JSON.stringify(ready));
    assert.equal(ready.Data.UserId, '1001@pbx.test', "the agent's context, not the supervisor's");
    assert.equal(ready.Data.UserState, 'READY');
    assert.equal(ready.Data.PendingUserState, '');
    assert.equal(cti.directory.get('1001')?.ctiManaged, true);

    const pause = await actAs(cti, SUPERVISOR, 'TakeBreak', { UserId: '1001@pbx.test', Code: 'meeting' });
    assert.equal(pause.Code, 'OK', JSON.stringify(pause));
    assert.deepEqual([pause.Data.UserState, pause.Data.BreakCode], ['BREAK', 'meeting']);
    assert.deepEqual([cti.directory.get('1001')?.state, cti.directory.get('1001')?.breakReason], ['break', 'meeting']);

    const restore = await actAs(cti, SUPERVISOR, 'ReadyForService', { UserId: 'sip:1001@pbx.test' });
    assert.equal(restore.Data.UserState, 'READY');

    const out = await actAs(cti, SUPERVISOR, 'SignOutGroup', { UserId: '1001' });
    assert.equal(out.Code, 'OK');
    assert.deepEqual([out.Data.UserState, out.Data.SignedSkillGroupIdList], ['OFFLINE', []]);
    assert.equal(cti.directory.get('1001')?.state, 'offline');
    assert.match(cti.lines.at(-1) ?? '', /SignOutGroup UserId=1009 for 1001 OK \d+ms$/, 'the log says who acted for whom');
    assert.deepEqual(forced, [
      { agentId: '1001', state: 'ready', reason: null, by: '1009' },
      { agentId: '1001', state: 'break', reason: 'meeting', by: '1009' },
      { agentId: '1001', state: 'ready', reason: null, by: '1009' },
      { agentId: '1001', state: 'offline', reason: null, by: '1009' },
    ]);
    // The agent's own changes are no news to its softphone.
    await actAs(cti, '1001', 'ReadyForService', { UserId: '1001' });
    assert.equal(forced.length, 4);
  });

  it('refuses an agent naming another agent (403, nothing changes), an unknown user (404), and other actions for someone else (403)', async (t) => {
    const cti = await startCti(t);
    cti.directory.setRegistered('1001', true);
    cti.directory.setState('1001', 'ready', { viaCti: true });

    const byAgent = await actAs(cti, '1002', 'TakeBreak', { UserId: '1001' });
    assert.deepEqual([byAgent.Code, byAgent.HttpStatusCode], ['Forbidden.NotAuthorized', 403]);
    assert.deepEqual(byAgent.Params, ['UserId', '1001']);
    for (const action of ['ReadyForService', 'SignOutGroup']) {
      const r = await actAs(cti, '1002', action, { UserId: '1001' });
      assert.equal(r.Code, 'Forbidden.NotAuthorized', `${action}: ${JSON.stringify(r)}`);
    }
    assert.equal(cti.directory.get('1001')?.state, 'ready', 'nothing happened to 1001');

    // Not a CTI user: unknown, another domain, a customer of users.json.
    for (const stranger of ['1099', '1001@elsewhere.test', '13800000001']) {
      const r = await actAs(cti, SUPERVISOR, 'TakeBreak', { UserId: stranger });
      assert.deepEqual([r.Code, r.HttpStatusCode], ['NotExists.UserId', 404], `${stranger}: ${JSON.stringify(r)}`);
    }
    // The supervisor is no agent: it cannot put itself on break, named or not.
    for (const params of [{ UserId: SUPERVISOR }, {}]) {
      const r = await actAs(cti, SUPERVISOR, 'TakeBreak', params);
      assert.deepEqual([r.Code, r.HttpStatusCode], ['Forbidden.NotAuthorized', 403], `${JSON.stringify(params)}: ${JSON.stringify(r)}`);
    }
    const call = await actAs(cti, SUPERVISOR, 'MakeCall', { UserId: '1001', Callee: '13800000001' });
    assert.deepEqual([call.Code, call.HttpStatusCode], ['Forbidden.NotAuthorized', 403], 'only the three state actions act for another agent');
    assert.deepEqual(cti.callControl?.calls, []);
    assert.equal(cti.directory.get('1001')?.state, 'ready');
  });

  it('never cuts a call: a break or log-out of a talking agent waits for the call\'s end (PendingUserState), ReadyForService calls it off', async (t) => {
    const cti = await startCti(t);
    const { directory } = cti;
    directory.setRegistered('1001', true);
    directory.setState('1001', 'ready', { viaCti: true });
    directory.setState('1001', 'talking', { callId: 'job-1' });

    const own = await actAs(cti, '1001', 'TakeBreak', { Code: 'lunch' });
    assert.equal(own.Code, 'CurrentStateIsBusy', "the agent's own break while talking is refused, as before");

    const pause = await actAs(cti, SUPERVISOR, 'TakeBreak', { UserId: '1001', Code: 'coaching' });
    assert.equal(pause.Code, 'OK', JSON.stringify(pause));
    assert.deepEqual([pause.Data.UserState, pause.Data.PendingUserState, pause.Data.JobId], ['TALKING', 'BREAK', 'job-1']);
    assert.equal(directory.get('1001')?.state, 'talking', 'the call goes on');
    assert.deepEqual({ ...directory.get('1001')?.pending, since: 0 }, { state: 'break', reason: 'coaching', by: SUPERVISOR, since: 0 });

    const out = await actAs(cti, SUPERVISOR, 'SignOutGroup', { UserId: '1001' });
    assert.deepEqual([out.Data.UserState, out.Data.PendingUserState], ['TALKING', 'OFFLINE'], 'the later order wins');
    const off = await actAs(cti, SUPERVISOR, 'ReadyForService', { UserId: '1001' });
    assert.equal(off.Code, 'OK');
    assert.deepEqual([off.Data.UserState, off.Data.PendingUserState], ['TALKING', ''], 'restore(agentId) calls the pending log-out off');
    const busy = await actAs(cti, SUPERVISOR, 'ReadyForService', { UserId: '1001' });
    assert.deepEqual([busy.Code, busy.HttpStatusCode], ['CurrentStateIsBusy', 409], 'nothing pending: a talking agent cannot be made ready');

    assert.equal((await actAs(cti, SUPERVISOR, 'TakeBreak', { UserId: '1001', Code: 'coaching' })).Data.PendingUserState, 'BREAK');
    // The ACD ends the call: after-call work would come next, the supervisor's break comes instead,
    // and the softphone is told then (not while the call lasted).
    /** @type {unknown[]} */
    const forced = [];
    directory.on('forced', (e) => forced.push(e));
    directory.setState('1001', 'afterCall');
    const after = directory.get('1001');
    assert.deepEqual([after?.state, after?.breakReason, after?.pending], ['break', 'coaching', null]);
    assert.deepEqual(forced, [{ agentId: '1001', state: 'break', reason: 'coaching', by: SUPERVISOR }]);
    const ctx = await actAs(cti, '1001', 'GetLoginDetails', {});
    assert.equal(ctx.Data.UserState, 'BREAK');
  });

  it('signs out a ringing agent when the offer ends, and a log-out waits through a call that an unregistered agent ends offline', async (t) => {
    const cti = await startCti(t);
    const { directory } = cti;
    directory.setRegistered('1002', true);
    directory.setState('1002', 'ready', { viaCti: true });
    directory.setState('1002', 'ringing', { callId: 'job-2' });
    const out = await actAs(cti, SUPERVISOR, 'SignOutGroup', { UserId: '1002' });
    assert.deepEqual([out.Data.UserState, out.Data.PendingUserState], ['RINGING', 'OFFLINE']);
    directory.setState('1002', 'talking', { callId: 'job-2' });
    assert.equal(directory.get('1002')?.pending?.state, 'offline', 'answering keeps it pending');
    directory.setState('1002', 'afterCall');
    assert.deepEqual([directory.get('1002')?.state, directory.get('1002')?.pending], ['offline', null]);

    directory.setState('1002', 'ready', { viaCti: true });
    directory.setState('1002', 'talking', { callId: 'job-3' });
    assert.equal((await actAs(cti, SUPERVISOR, 'TakeBreak', { UserId: '1002' })).Data.PendingUserState, 'BREAK');
    directory.setRegistered('1002', false); // its phone went away mid-call
    directory.setState('1002', 'afterCall');
    assert.equal(directory.get('1002')?.state, 'offline', 'no break without a phone: offline wins');
  });

  it('tells a supervisor (only) the feature codes and mode digits in GetLoginDetails', async (t) => {
    const cti = await startCti(t, { featureCodes: { listen: '*71', whisper: '*72', barge: '*73', intercept: '*74', digits: { 1: 'listen', 2: 'whisper', 3: 'barge' } } });
    const sup = await actAs(cti, SUPERVISOR, 'GetLoginDetails', {});
    assert.deepEqual(sup.Data.FeatureCodes, { Listen: '*71', Whisper: '*72', Barge: '*73', Intercept: '*74', Digits: { 1: 'listen', 2: 'whisper', 3: 'barge' } });
    const agent = await actAs(cti, '1001', 'GetLoginDetails', {});
    assert.equal(agent.Data.FeatureCodes, undefined);
    const defaults = await startCti(t);
    assert.deepEqual((await actAs(defaults, SUPERVISOR, 'GetLoginDetails', {})).Data.FeatureCodes, {
      Listen: '*222', Whisper: '*223', Barge: '*224', Intercept: '*225', Digits: { 4: 'listen', 5: 'whisper', 6: 'barge' },
    });
  });

  it('with insecureDev, the supervisor is the X-CC-Agent and the agent the UserId', async (t) => {
    const cti = await startCti(t, { insecureDev: true });
    cti.directory.setRegistered('1001', true);
    cti.directory.setState('1001', 'ready', { viaCti: true });
    const send = async (/** @type {string} */ agentHeader, /** @type {string} */ action) =>
      (await api(cti, action, { UserId: '1001', Code: 'meeting' }, { headers: { 'X-CC-Agent': agentHeader }, auth: false })).body;
    const byAgent = await send('1002', 'TakeBreak');
    assert.equal(byAgent.Code, 'Forbidden.NotAuthorized');
    const bySupervisor = await send(SUPERVISOR, 'TakeBreak');
    assert.equal(bySupervisor.Code, 'OK', JSON.stringify(bySupervisor));
    assert.equal(cti.directory.get('1001')?.state, 'break');
    const call = await send(SUPERVISOR, 'MakeCall');
    assert.equal(call.Code, 'Forbidden.NotAuthorized');
  });
});
