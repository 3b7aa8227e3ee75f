// Supervisor monitoring in the dev call center's ACD, through the CTI API (MonitorCall, Coach,
// BargeInCall, InterceptCall): real JsSIP + werift phones for the customer, the agent and the
// supervisor, each sending its own tone, so each recording tells who hears whom.
//
//   scripts/in-netns.sh node --test test/callcenter/monitor.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sleep, waitFor } from './support/acd-harness.mjs';
import { AGENT, CUSTOMER, OTHER_AGENT, SUPERVISOR, connectedCall as connect, hears, startPbx } from './support/monitor-harness.mjs';

/** @type {Awaited<ReturnType<typeof startPbx>>} */
let pbx;
before(async () => {
  pbx = await startPbx();
});
after(async () => {
  await pbx?.stop();
});

/** @param {import('node:test').TestContext} t */
const connectedCall = (t) => connect(t, pbx);

describe('supervisor monitoring (ACD + CTI)', { timeout: 120_000 }, () => {
  it('listen, then whisper, then barge on one supervisor leg; the customer hanging up ends it with a BYE', async (t) => {
    const { acd, events, phones, customer, agent, jobId, cti } = await connectedCall(t);

    const listen = await cti('MonitorCall', { TargetUserId: AGENT });
    assert.equal(listen.Code, 'OK', JSON.stringify(listen));
    assert.equal(listen.Data.CallContext.JobId, jobId);
    assert.equal(listen.Data.CallContext.MonitorMode, 'listen');
    assert.equal(listen.Data.CallContext.TargetUserId, `${AGENT}@pbx.test`);
    const sup = await phones[SUPERVISOR].nextIncoming(0);
    const invite = phones[SUPERVISOR].invites[0];
    assert.match(invite.callInfo ?? '', /answer-after=0/, 'auto-answer, like makeCall');
    assert.equal(invite.monitor, `listen;job=${jobId};agent=${AGENT}`);
    assert.equal(invite.jobId, jobId);

    await hears(sup, [CUSTOMER, AGENT], [SUPERVISOR], 'listen: the supervisor hears customer and agent');
    await hears(customer, [AGENT], [SUPERVISOR], 'listen: the customer hears the agent only');
    await hears(agent, [CUSTOMER], [SUPERVISOR], 'listen: the agent hears the customer only');
    assert.deepEqual(acd.monitorOf(SUPERVISOR), { jobId, agentId: AGENT, mode: 'listen', answered: true, callId: sup.session._request.call_id });

    const coach = await cti('Coach', { CoachedUserId: AGENT });
    assert.equal(coach.Code, 'OK', JSON.stringify(coach));
    assert.equal(coach.Data.CallContext.MonitorMode, 'whisper');
    await hears(agent, [CUSTOMER, SUPERVISOR], [], 'whisper: the agent hears customer and supervisor');
    await hears(customer, [AGENT], [SUPERVISOR], 'whisper: the customer does not hear the supervisor');
    await hears(sup, [CUSTOMER, AGENT], [], 'whisper: the supervisor hears both');

    const barge = await cti('BargeInCall', { JobId: jobId });
    assert.equal(barge.Code, 'OK', JSON.stringify(barge));
    assert.equal(barge.Data.CallContext.MonitorMode, 'barge');
    await hears(customer, [AGENT, SUPERVISOR], [], 'barge: the customer hears agent and supervisor');
    await hears(agent, [CUSTOMER, SUPERVISOR], [], 'barge: the agent hears customer and supervisor');
    await hears(sup, [CUSTOMER, AGENT], [], 'barge: the supervisor hears both');

    assert.equal(phones[SUPERVISOR].incoming.length, 1, 'mode switches place no new call');
    assert.ok(!sup.ended, 'the supervisor leg stayed up across the switches');
    assert.deepEqual(
      events.filter((e) => e.event.startsWith('monitor')).map((e) => `${e.event}:${e.data.mode ?? e.data.reason}`),
      ['monitorStarted:listen', 'monitorChanged:whisper', 'monitorChanged:barge'],
    );

    customer.hangUp();
    await waitFor(() => sup.ended && agent.ended, { what: 'BYE to the supervisor and the agent' });
    assert.equal(sup.end.name, 'ended');
    assert.equal(sup.end.originator, 'remote', 'the ACD hung up the supervisor leg');
    assert.equal(acd.monitorOf(SUPERVISOR), undefined);
    assert.deepEqual(events.find((e) => e.event === 'monitorEnded')?.data, { jobId, supervisorId: SUPERVISOR, agentId: AGENT, reason: 'callEnded' });
  });

  it('intercept: the agent leg ends (agent to after-call work), customer and supervisor talk', async (t) => {
    const { acd, directory, events, phones, customer, agent, jobId, cti } = await connectedCall(t);
    assert.equal((await cti('MonitorCall', { TargetUserId: `sip:${AGENT}@pbx.test` })).Code, 'OK');
    const sup = await phones[SUPERVISOR].nextIncoming(0);
    await hears(sup, [CUSTOMER, AGENT], [SUPERVISOR], 'listen before the intercept');

    const r = await cti('InterceptCall', { InterceptedUserId: AGENT });
    assert.equal(r.Code, 'OK', JSON.stringify(r));
    assert.equal(r.Data.CallContext.JobId, jobId);
    await waitFor(() => agent.ended, { what: "the agent's leg ended" });
    assert.equal(agent.end.originator, 'remote');
    assert.equal(directory.get(AGENT)?.state, 'afterCall');
    await hears(customer, [SUPERVISOR], [AGENT], 'intercept: the customer hears the supervisor');
    await hears(sup, [CUSTOMER], [AGENT], 'intercept: the supervisor hears the customer');
    assert.ok(!customer.ended && !sup.ended);
    assert.equal(phones[SUPERVISOR].incoming.length, 1, 'the intercept keeps the supervisor leg');
    assert.equal(acd.monitorOf(SUPERVISOR), undefined, 'no longer monitoring: talking');
    assert.deepEqual(events.find((e) => e.event === 'intercepted')?.data, { jobId, from: AGENT, to: SUPERVISOR });

    sup.hangUp();
    await waitFor(() => customer.ended, { what: 'BYE to the customer' });
    const ended = await waitFor(() => events.find((e) => e.event === 'ended'), { what: 'the CDR' });
    assert.deepEqual(ended.data.record.agentIds, [AGENT, SUPERVISOR]);
  });

  it('the supervisor hanging up leaves the call two-party; after monitoring again, the agent hanging up ends it with a BYE', async (t) => {
    const { acd, events, phones, customer, agent, cti } = await connectedCall(t);
    assert.equal((await cti('BargeInCall', { BargedUserId: AGENT })).Code, 'OK');
    const first = await phones[SUPERVISOR].nextIncoming(0);
    assert.match(phones[SUPERVISOR].invites[0].monitor ?? '', /^barge;/);
    await hears(customer, [AGENT, SUPERVISOR], [], 'barge from the start');
    first.hangUp();
    await waitFor(() => acd.monitorOf(SUPERVISOR) === undefined, { what: 'monitor ended' });
    assert.equal(events.find((e) => e.event === 'monitorEnded')?.data.reason, 'supervisorHungUp');
    await hears(customer, [AGENT], [SUPERVISOR], 'relay again: the customer hears the agent');
    await hears(agent, [CUSTOMER], [SUPERVISOR], 'relay again: the agent hears the customer');
    assert.ok(!customer.ended && !agent.ended, 'the call goes on');

    assert.equal((await cti('MonitorCall', { TargetUserId: AGENT })).Code, 'OK');
    const sup = await phones[SUPERVISOR].nextIncoming(1);
    await hears(sup, [CUSTOMER, AGENT], [SUPERVISOR], 'listening again on a new leg');
    agent.hangUp();
    await waitFor(() => sup.ended && customer.ended, { what: 'BYE to supervisor and customer' });
    assert.equal(sup.end.originator, 'remote');
    assert.equal(acd.monitorOf(SUPERVISOR), undefined);
  });

  it('refuses an agent (403, nothing happens), an agent not in a call, and an intercept after the customer hung up', async (t) => {
    const { acd, events, phones, customer, jobId, cti } = await connectedCall(t);

    for (const [action, params] of /** @type {const} */ ([
      ['MonitorCall', { TargetUserId: AGENT }],
      ['Coach', { CoachedUserId: AGENT }],
      ['BargeInCall', { JobId: jobId }],
      ['InterceptCall', { InterceptedUserId: AGENT }],
    ])) {
      const r = await cti(action, params, OTHER_AGENT);
      assert.equal(r.Code, 'Forbidden.NotAuthorized', `${action} by an agent: ${JSON.stringify(r)}`);
      assert.equal(r.HttpStatusCode, 403);
    }
    const notTalking = await cti('MonitorCall', { TargetUserId: OTHER_AGENT });
    assert.equal(notTalking.Code, 'InvalidState.AgentNotTalking', JSON.stringify(notTalking));
    assert.equal(notTalking.HttpStatusCode, 409);
    assert.match(notTalking.Message, /not on a connected call/);
    const unknown = await cti('MonitorCall', { TargetUserId: '13800000002' });
    assert.equal(unknown.Code, 'NotExists.UserId');
    const blank = await cti('MonitorCall', {});
    assert.equal(blank.Code, 'Parameter.Blank');
    const notMonitoring = await cti('InterceptCall', { InterceptedUserId: AGENT });
    assert.equal(notMonitoring.Code, 'InvalidState.NotMonitoring', JSON.stringify(notMonitoring));
    await sleep(300);
    assert.equal(phones[SUPERVISOR].incoming.length, 0, 'no refused request rang the supervisor');
    assert.deepEqual(events.filter((e) => e.event.startsWith('monitor')), []);

    assert.equal((await cti('MonitorCall', { JobId: jobId })).Code, 'OK');
    const sup = await phones[SUPERVISOR].nextIncoming(0);
    await waitFor(() => sup.answered, { what: 'supervisor answered' });
    customer.hangUp();
    await waitFor(() => sup.ended, { what: 'BYE to the supervisor' });
    const gone = await cti('InterceptCall', { JobId: jobId });
    assert.equal(gone.Code, 'NotExists.JobId', JSON.stringify(gone));
    assert.equal(gone.HttpStatusCode, 404);
    const none = await cti('InterceptCall', { InterceptedUserId: AGENT });
    assert.equal(none.Code, 'InvalidState.NotMonitoring');
    assert.equal(acd.calls().length, 0);
  });
});
