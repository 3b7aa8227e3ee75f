// Supervisor monitoring in the dev call center's ACD, through the CTI API (MonitorCall, Coach,
// BargeInCall, InterceptCall): real JsSIP + werift phones for the customer, the agent and the
// supervisor, each sending its own tone, so each recording tells who hears whom.
//
//   scripts/in-netns.sh node --test test/callcenter/monitor.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentDirectory } from '../../demo/callcenter/agents.mjs';
import { startAcd } from '../../demo/callcenter/acd/acd.mjs';
import { startCtiServer } from '../../demo/callcenter/cti/cti-server.mjs';
import { startSipServer } from '../../demo/callcenter/sip/server.mjs';
import { sleep, startPhone, waitFor } from './support/acd-harness.mjs';
import { api, QUEUES as QUEUES_FILE, USERS } from './support/cti-harness.mjs';

const QUEUES = { ...QUEUES_FILE, ringTimeoutSeconds: 5, retryAgentSeconds: 60 };
const password = (/** @type {string} */ user) => USERS.users.find((/** @type {any} */ u) => u.user === user).password;

const AGENT = '1001';
const OTHER_AGENT = '1002';
const SUPERVISOR = '1009';
const CUSTOMER = '13800000001';
/** Tones away from the queue music's notes (494..1047 Hz) and from each other. */
const FREQ = /** @type {Record<string, number>} */ ({ [AGENT]: 1200, [OTHER_AGENT]: 1400, [SUPERVISOR]: 1800, [CUSTOMER]: 400 });
/** Heard alone: most of the energy. Heard in a mix of two: a fair share. Not heard: next to none. */
const ALONE = 0.5;
const IN_MIX = 0.2;
const SILENT = 0.05;

/** @type {{ wsUrl: string, domain: string, stop: () => Promise<void> }} */
let pbx;
before(async () => {
  const sip = await startSipServer({ users: USERS, log: false });
  pbx = { wsUrl: sip.wsUrl, domain: sip.domain, stop: () => sip.close() };
});
after(async () => {
  await pbx?.stop();
});

/**
 * An ACD with the CTI API, agents 1001 (ready through CTI) and 1002 (idle), supervisor 1009,
 * and customer 13800000001 connected to 1001 through the `sales` queue.
 * @param {import('node:test').TestContext} t
 */
async function connectedCall(t) {
  const directory = new AgentDirectory({ users: USERS, queues: QUEUES });
  const acd = await startAcd({ wsUrl: pbx.wsUrl, domain: pbx.domain, users: USERS, queues: QUEUES, directory });
  /** @type {Array<{ event: string, data: any }>} */
  const events = [];
  for (const name of ['monitorStarted', 'monitorChanged', 'monitorEnded', 'intercepted', 'ended']) acd.on(name, (data) => events.push({ event: name, data }));
  /** @type {Record<string, Awaited<ReturnType<typeof startPhone>>>} */
  const phones = {};
  const cti = await startCtiServer({ directory, users: USERS, queues: QUEUES, callControl: acd, logger: {} });
  t.after(async () => {
    await Promise.all(Object.values(phones).map((p) => p.close()).concat(acd.close()));
    await cti.close();
  });
  for (const user of [AGENT, OTHER_AGENT, SUPERVISOR, CUSTOMER]) {
    phones[user] = await startPhone({ wsUrl: pbx.wsUrl, domain: pbx.domain, user, password: password(user), frequency: FREQ[user], answer: user === CUSTOMER ? 'manual' : 'auto' });
  }
  directory.setState(AGENT, 'ready', { viaCti: true });
  directory.setState(OTHER_AGENT, 'offline', { viaCti: true });
  for (const user of [AGENT, OTHER_AGENT, SUPERVISOR]) directory.setRegistered(user, true);
  const customer = phones[CUSTOMER].call('sales');
  const agent = await phones[AGENT].nextIncoming(0);
  await waitFor(() => customer.has('confirmed') && customer.toneShare(FREQ[AGENT]) > ALONE && agent.toneShare(FREQ[CUSTOMER]) > ALONE, { what: 'customer and agent connected' });
  const jobId = /** @type {string} */ (phones[AGENT].invites[0].jobId);
  return {
    acd,
    directory,
    events,
    phones,
    customer,
    agent,
    jobId,
    /** @param {string} action @param {Record<string, unknown>} params @param {string} [as] */
    async cti(action, params, as = SUPERVISOR) {
      return (await api(cti, action, { UserId: as, ...params })).body;
    },
  };
}

/**
 * Waits until `call` hears exactly `heard` (each alone or in a mix) and none of the others.
 * @param {import('./support/acd-harness.mjs').TestCall} call
 * @param {string[]} heard users whose tone must be there
 * @param {string[]} notHeard users whose tone must not
 * @param {string} what
 */
async function hears(call, heard, notHeard, what) {
  const share = heard.length > 1 ? IN_MIX : ALONE;
  await waitFor(() => heard.every((u) => call.toneShare(FREQ[u]) > share) && notHeard.every((u) => call.toneShare(FREQ[u]) < SILENT), {
    what,
    timeout: 6000,
  }).catch((e) => {
    const got = Object.fromEntries(Object.entries(FREQ).map(([u, f]) => [u, call.toneShare(f)]));
    throw new Error(`${e.message}; tone shares: ${JSON.stringify(got)}`);
  });
}

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
