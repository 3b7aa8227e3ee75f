// Supervisor monitoring over SIP only: the supervisor's softphone dials a feature code (`*222`
// listen, `*223` whisper, `*224` barge, `*225` intercept, then the agent's extension), the project
// proxy hands the INVITE to the ACD, and the ACD answers it and uses that leg as the monitor leg,
// through the same mixer as CTI monitoring. DTMF 4 / 5 / 6 on the leg switch the mode (ChanSpy's
// `d`). Real JsSIP + werift phones with distinct tones prove who hears whom.
//
//   scripts/in-netns.sh node --test test/callcenter/monitor-codes.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sleep, waitFor, wireHeader } from './support/acd-harness.mjs';
import {
  AGENT, CUSTOMER, OTHER_AGENT, OTHER_SUPERVISOR, SUPERVISOR, connectedCall as connect, hears, startPbx,
} from './support/monitor-harness.mjs';

/** @type {Awaited<ReturnType<typeof startPbx>>} */
let pbx;
before(async () => {
  pbx = await startPbx();
});
after(async () => {
  await pbx?.stop();
});

/** @param {import('node:test').TestContext} t @param {Parameters<typeof connect>[2]} [o] */
const connectedCall = (t, o) => connect(t, pbx, o);

/**
 * A call the ACD refused: its final status, reason phrase and Reason header, and proof that no
 * provisional answer and no audio reached the caller.
 * @param {import('./support/acd-harness.mjs').TestCall} call
 * @param {number} status
 * @param {RegExp} phrase
 */
async function refused(call, status, phrase) {
  await waitFor(() => call.ended, { what: `the ${status}` });
  assert.equal(call.end?.name, 'failed');
  assert.equal(call.end?.status, status, JSON.stringify(call.end));
  assert.match(call.end?.reason ?? '', phrase);
  assert.match(call.end?.reasonHeader ?? '', new RegExp(`^SIP;cause=${status};text="[^"]+"$`));
  assert.deepEqual(call.events.filter((e) => e.startsWith('progress')), [], 'no 180 / 183 before the refusal');
  assert.equal(call.recorder.audioPackets, 0, 'no audio reached the caller');
}

describe('supervisor feature codes (*222 listen, *223 whisper, *224 barge, *225 intercept)', { timeout: 180_000 }, () => {
  it('*222 listens on a leg the ACD answers (200, PCMU); DTMF 5 / 6 / 4 switch whisper / barge / listen; the supervisor hanging up leaves the call two-party', async (t) => {
    const { acd, events, phones, customer, agent, jobId } = await connectedCall(t);
    const sup = phones[SUPERVISOR].call(`*222${AGENT}`);
    await waitFor(() => sup.answered, { what: 'the ACD answers *2221001' });
    const answer = sup.session.connection.remoteDescription.sdp;
    assert.match(answer, /^m=audio \d+ \S+ 0\b/m, 'PCMU first in the answer');
    assert.match(answer, /^a=rtpmap:0 PCMU\/8000/m);
    assert.equal(phones[SUPERVISOR].incoming.length, 0, 'no call placed to the supervisor: its own INVITE is the leg');

    await hears(sup, [CUSTOMER, AGENT], [SUPERVISOR], 'listen: the supervisor hears customer and agent');
    await hears(customer, [AGENT], [SUPERVISOR], 'listen: the customer hears the agent only');
    await hears(agent, [CUSTOMER], [SUPERVISOR], 'listen: the agent hears the customer only');
    assert.deepEqual(acd.monitorOf(SUPERVISOR), { jobId, agentId: AGENT, mode: 'listen', answered: true, callId: sup.session._request.call_id });

    await sup.source.sendDtmf('5'); // RFC 4733
    await waitFor(() => acd.monitorOf(SUPERVISOR)?.mode === 'whisper', { what: 'DTMF 5: whisper' });
    await hears(agent, [CUSTOMER, SUPERVISOR], [], 'whisper: the agent hears customer and supervisor');
    await hears(customer, [AGENT], [SUPERVISOR], 'whisper: the customer does not hear the supervisor');

    sup.session.sendDTMF('6', { transportType: 'INFO' }); // SIP INFO
    await waitFor(() => acd.monitorOf(SUPERVISOR)?.mode === 'barge', { what: 'DTMF 6 (SIP INFO): barge' });
    await hears(customer, [AGENT, SUPERVISOR], [], 'barge: the customer hears agent and supervisor');
    await hears(agent, [CUSTOMER, SUPERVISOR], [], 'barge: the agent hears customer and supervisor');

    await sup.source.sendDtmf('4');
    await waitFor(() => acd.monitorOf(SUPERVISOR)?.mode === 'listen', { what: 'DTMF 4: listen' });
    await hears(agent, [CUSTOMER], [SUPERVISOR], 'listen again: the agent no longer hears the supervisor');
    await hears(customer, [AGENT], [SUPERVISOR], 'listen again: nor does the customer');
    // Other digits change nothing, and no digit leaks to the customer or the agent.
    await sup.source.sendDtmf('9#');
    await sleep(300);
    assert.equal(acd.monitorOf(SUPERVISOR)?.mode, 'listen');
    assert.equal(customer.recorder.digits + agent.recorder.digits, '', 'the supervisor\'s digits reach nobody');

    assert.deepEqual(
      events.filter((e) => e.event.startsWith('monitor')).map((e) => `${e.event}:${e.data.mode ?? e.data.reason}`),
      ['monitorStarted:listen', 'monitorChanged:whisper', 'monitorChanged:barge', 'monitorChanged:listen'],
    );
    sup.hangUp();
    await waitFor(() => acd.monitorOf(SUPERVISOR) === undefined, { what: 'monitor ended' });
    assert.equal(events.find((e) => e.event === 'monitorEnded')?.data.reason, 'supervisorHungUp');
    await hears(customer, [AGENT], [SUPERVISOR], 'two-party again: the customer hears the agent');
    await hears(agent, [CUSTOMER], [SUPERVISOR], 'two-party again: the agent hears the customer');
    assert.ok(!customer.ended && !agent.ended, 'the call goes on');
  });

  it('*223 starts in whisper; the agent hanging up sends the supervisor a BYE', async (t) => {
    const { acd, events, phones, customer, agent } = await connectedCall(t);
    const sup = phones[SUPERVISOR].call(`*223${AGENT}`);
    await hears(agent, [CUSTOMER, SUPERVISOR], [], 'whisper: the agent hears customer and supervisor');
    await hears(customer, [AGENT], [SUPERVISOR], 'whisper: the customer does not hear the supervisor');
    await hears(sup, [CUSTOMER, AGENT], [SUPERVISOR], 'whisper: the supervisor hears both');
    assert.equal(events.find((e) => e.event === 'monitorStarted')?.data.mode, 'whisper');
    agent.hangUp();
    await waitFor(() => sup.ended && customer.ended, { what: 'BYE to the supervisor and the customer' });
    assert.equal(sup.end?.name, 'ended');
    assert.equal(sup.end?.originator, 'remote', 'the ACD hung up the supervisor leg');
    assert.equal(acd.monitorOf(SUPERVISOR), undefined);
  });

  it('*224 barges in; the customer hanging up sends the supervisor a BYE', async (t) => {
    const { acd, events, phones, customer, agent } = await connectedCall(t);
    const sup = phones[SUPERVISOR].call(`*224${AGENT}`);
    await hears(customer, [AGENT, SUPERVISOR], [], 'barge: the customer hears agent and supervisor');
    await hears(agent, [CUSTOMER, SUPERVISOR], [], 'barge: the agent hears customer and supervisor');
    await hears(sup, [CUSTOMER, AGENT], [SUPERVISOR], 'barge: the supervisor hears both');
    customer.hangUp();
    await waitFor(() => sup.ended && agent.ended, { what: 'BYE to the supervisor and the agent' });
    assert.equal(sup.end?.originator, 'remote');
    assert.equal(acd.monitorOf(SUPERVISOR), undefined);
    assert.equal(events.find((e) => e.event === 'monitorEnded')?.data.reason, 'callEnded');
  });

  it('*225 intercepts at once: the agent leg gets a BYE (agent to after-call work), customer and supervisor talk', async (t) => {
    const { acd, directory, events, phones, customer, agent, jobId } = await connectedCall(t);
    const sup = phones[SUPERVISOR].call(`*225${AGENT}`);
    await waitFor(() => agent.ended, { what: "the agent's leg ended" });
    assert.equal(agent.end?.originator, 'remote');
    assert.equal(directory.get(AGENT)?.state, 'afterCall');
    await hears(customer, [SUPERVISOR], [AGENT], 'intercept: the customer hears the supervisor');
    await hears(sup, [CUSTOMER], [AGENT], 'intercept: the supervisor hears the customer');
    assert.deepEqual(events.find((e) => e.event === 'intercepted')?.data, { jobId, from: AGENT, to: SUPERVISOR });
    assert.deepEqual(events.filter((e) => e.event.startsWith('monitor')), [], 'no monitor was started: a take-over');
    assert.equal(acd.monitorOf(SUPERVISOR), undefined);
    assert.equal(acd.calls()[0].agentId, SUPERVISOR);
    // The supervisor now has the customer as an agent would: its digits reach the customer.
    await sup.source.sendDtmf('7');
    await waitFor(() => customer.recorder.digits === '7', { what: "the supervisor's digit at the customer" });
    sup.hangUp();
    await waitFor(() => customer.ended, { what: 'BYE to the customer' });
    const ended = await waitFor(() => events.find((e) => e.event === 'ended'), { what: 'the CDR' });
    assert.deepEqual(ended.data.record.agentIds, [AGENT, SUPERVISOR]);
  });

  it('DTMF 6 on a CTI-started monitor leg switches it to barge as well', async (t) => {
    const { acd, phones, customer, cti } = await connectedCall(t);
    assert.equal((await cti('MonitorCall', { TargetUserId: AGENT })).Code, 'OK');
    const sup = await phones[SUPERVISOR].nextIncoming(0);
    // Digits sent before the leg's media is up would be lost on the way, as on any phone.
    await hears(sup, [CUSTOMER, AGENT], [SUPERVISOR], 'the CTI leg is up: the supervisor listens');
    await hears(customer, [AGENT], [SUPERVISOR], 'listen first');
    await sup.source.sendDtmf('6');
    await waitFor(() => acd.monitorOf(SUPERVISOR)?.mode === 'barge', { what: 'DTMF 6 on the CTI leg' });
    await hears(customer, [AGENT, SUPERVISOR], [], 'barge: the customer hears the supervisor');
  });

  it('refuses with no audio: an agent 403, an unknown extension 404, an agent not talking 480, a call monitored by someone else 486', async (t) => {
    const { acd, events, phones, customer, agent } = await connectedCall(t, { users: [AGENT, OTHER_AGENT, SUPERVISOR, OTHER_SUPERVISOR, CUSTOMER] });

    const byAgent = phones[OTHER_AGENT].call(`*222${AGENT}`);
    await refused(byAgent, 403, /^Forbidden - Supervisors Only$/);
    assert.match(byAgent.end?.reasonHeader ?? '', /supervisors only/);
    const unknown = phones[SUPERVISOR].call('*2221099');
    await refused(unknown, 404, /^Not Found - No Such Agent$/);
    const notTalking = phones[SUPERVISOR].call(`*224${OTHER_AGENT}`);
    await refused(notTalking, 480, /^Temporarily Unavailable - Agent Not In A Connected Call$/);
    const noExtension = phones[SUPERVISOR].call('*222');
    await refused(noExtension, 404, /^Not Found - No Such Agent$/);
    await hears(agent, [CUSTOMER], [OTHER_AGENT, SUPERVISOR], 'nobody got into the call');
    assert.equal(acd.monitorOf(SUPERVISOR), undefined);

    const first = phones[OTHER_SUPERVISOR].call(`*222${AGENT}`);
    await hears(first, [CUSTOMER, AGENT], [], `${OTHER_SUPERVISOR} listens`);
    const second = phones[SUPERVISOR].call(`*224${AGENT}`);
    await refused(second, 486, /^Busy Here - Call Already Monitored$/);
    const intercept = phones[SUPERVISOR].call(`*225${AGENT}`);
    await refused(intercept, 486, /^Busy Here - Call Already Monitored$/);
    await hears(customer, [AGENT], [SUPERVISOR], 'the refused barge is not heard');
    assert.ok(!agent.ended && !first.ended, 'the call and the first monitor go on');
    assert.deepEqual(
      events.filter((e) => e.event === 'featureCodeRefused').map((e) => `${e.data.supervisorId}:${e.data.dialled}:${e.data.status}`),
      [`${OTHER_AGENT}:*222${AGENT}:403`, `${SUPERVISOR}:*2221099:404`, `${SUPERVISOR}:*224${OTHER_AGENT}:480`, `${SUPERVISOR}:*222:404`, `${SUPERVISOR}:*224${AGENT}:486`, `${SUPERVISOR}:*225${AGENT}:486`],
    );
  });

  it('refuses *225 after the customer hung up (480), and CTI InterceptCall too (404 / 409)', async (t) => {
    const { acd, directory, phones, customer, agent, jobId, cti } = await connectedCall(t);
    customer.hangUp();
    await waitFor(() => agent.ended, { what: 'the call ended' });
    assert.equal(directory.get(AGENT)?.state, 'afterCall');
    const late = phones[SUPERVISOR].call(`*225${AGENT}`);
    await refused(late, 480, /^Temporarily Unavailable - Agent Not In A Connected Call$/);
    const byJob = await cti('InterceptCall', { JobId: jobId });
    assert.equal(byJob.Code, 'NotExists.JobId', JSON.stringify(byJob));
    assert.equal(byJob.HttpStatusCode, 404);
    const byAgent = await cti('InterceptCall', { InterceptedUserId: AGENT });
    assert.equal(byAgent.Code, 'InvalidState.NotMonitoring', JSON.stringify(byAgent));
    assert.equal(byAgent.HttpStatusCode, 409);
    assert.equal(acd.calls().length, 0);
  });

  it('asserts the caller itself: a trunk calling as the supervisor, with a forged P-Asserted-Identity, gets 403; a forged X-CC-Dialed is stripped', async (t) => {
    const { events, phone } = await connectedCall(t);
    // The trunk may call as anyone (it plays the customers); the proxy asserts who it really is.
    const spoof = await phone(SUPERVISOR, { authorizationUser: 'pstn', password: 'trunk-pstn' });
    const forged = spoof.call(`*222${AGENT}`, [`P-Asserted-Identity: <sip:${SUPERVISOR}@pbx.test>`]);
    await refused(forged, 403, /^Forbidden - Supervisors Only$/);
    assert.equal(events.find((e) => e.event === 'featureCodeRefused')?.data.supervisorId, 'pstn');
    // X-CC-Dialed on a plain queue call is the proxy's to write: the call is just queued.
    const queued = spoof.call('support', [`X-CC-Dialed: *222${AGENT}`]);
    await waitFor(() => queued.has('progress:182'), { what: '182 Queued' });
    assert.equal(events.filter((e) => e.event === 'queued').length, 2, 'a second queue call, not a monitor');
    queued.hangUp();
  });

  it('the proxy puts its own identity and the dialled code on the INVITE it hands to the ACD', async (t) => {
    const { acd, phones } = await connectedCall(t);
    /** @type {string[]} */
    const seen = [];
    const ua = /** @type {any} */ (acd).uas.get('sales');
    const onNew = (/** @type {any} */ e) => {
      if (e.originator === 'remote') seen.push(e.request.toString());
    };
    ua.on('newRTCSession', onNew);
    t.after(() => ua.off('newRTCSession', onNew));
    const sup = phones[SUPERVISOR].call(`*222${AGENT}`, ['P-Asserted-Identity: <sip:1001@pbx.test>', 'X-CC-Dialed: *2251001']);
    await waitFor(() => sup.answered, { what: 'answered' });
    assert.equal(seen.length, 1);
    assert.equal(wireHeader(seen[0], 'P-Asserted-Identity'), `<sip:${SUPERVISOR}@pbx.test>`);
    assert.equal(wireHeader(seen[0], 'X-CC-Dialed'), `*222${AGENT}`);
    assert.equal(seen[0].match(/^X-CC-Dialed:/gim)?.length, 1, 'only the proxy\'s X-CC-Dialed');
    assert.match(seen[0], new RegExp(`^To: <sip:\\*222${AGENT}@pbx.test>`, 'm'), 'the To keeps the dialled code');
  });
});

describe('supervisor feature codes from the configuration (queues.json featureCodes)', { timeout: 60_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startPbx>>} */
  let custom;
  before(async () => {
    custom = await startPbx({ featureCodes: { listen: '*71', digits: { 1: 'listen', 2: 'whisper', 3: 'barge' } } });
  });
  after(async () => {
    await custom?.stop();
  });

  it('routes and serves the configured code and digits, and no longer the default ones', async (t) => {
    const { acd, phones, agent, customer } = await connect(t, custom);
    const old = phones[SUPERVISOR].call(`*222${AGENT}`);
    await waitFor(() => old.ended, { what: 'the old code refused' });
    assert.equal(old.end?.status, 404, 'not a feature code any more: no such user at the proxy');
    const sup = phones[SUPERVISOR].call(`*71${AGENT}`);
    await hears(sup, [CUSTOMER, AGENT], [SUPERVISOR], '*71: listening');
    await sup.source.sendDtmf('5');
    await sleep(400);
    assert.equal(acd.monitorOf(SUPERVISOR)?.mode, 'listen', 'the default digit 5 means nothing here');
    await sup.source.sendDtmf('2');
    await waitFor(() => acd.monitorOf(SUPERVISOR)?.mode === 'whisper', { what: 'digit 2: whisper' });
    await hears(agent, [CUSTOMER, SUPERVISOR], [], 'whisper: the agent hears the supervisor');
    await hears(customer, [AGENT], [SUPERVISOR], 'whisper: the customer does not');
  });
});
