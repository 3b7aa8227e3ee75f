// The dev call center's queues (demo/callcenter/acd/): real JsSIP + werift UAs in Node as
// customers and agents, through a real SIP server on loopback. Every phone sends a tone of its
// own frequency, so a recording tells whose audio was relayed.
//
//   scripts/in-netns.sh node --test test/callcenter/acd.test.mjs
//   CC_ACD_SIP=kamailio scripts/in-netns.sh node --test test/callcenter/acd.test.mjs  (same, via Kamailio)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentDirectory } from '../../demo/callcenter/agents.mjs';
import { startAcd } from '../../demo/callcenter/acd/acd.mjs';
import { startCtiServer } from '../../demo/callcenter/cti/cti-server.mjs';
import { startSipServer } from '../../demo/callcenter/sip/server.mjs';
import { startKamailio } from '../support/kamailio.mjs';
import { sleep, startPhone, waitFor, wireHeader } from './support/acd-harness.mjs';
import { api, QUEUES as QUEUES_FILE, USERS } from './support/cti-harness.mjs';

/** Short rings, and an agent who did not take a call is not offered it again during a test. */
const QUEUES = { ...QUEUES_FILE, ringTimeoutSeconds: 2, retryAgentSeconds: 60 };
const password = (/** @type {string} */ user) => USERS.users.find((/** @type {any} */ u) => u.user === user).password;

/** Tone each phone sends; away from the queue music's notes (494..1047 Hz). */
const FREQ = /** @type {Record<string, number>} */ ({
  '1001': 1200, '1002': 1400, '1003': 1600, '1004': 1800, '1005': 2000,
  '13800000001': 400, '13800000002': 300, '13800000003': 350,
});
/** A recording "has" a tone when most of its recent energy is that tone. */
const HEARS = 0.5;

/** The project's SIP proxy (demo/callcenter/sip/), or Kamailio with CC_ACD_SIP=kamailio. */
/** @type {{ wsUrl: string, domain: string, stop: () => Promise<void> }} */
let pbx;
before(async () => {
  if (process.env.CC_ACD_SIP === 'kamailio') {
    pbx = await startKamailio();
  } else {
    const sip = await startSipServer({ users: USERS, log: false });
    pbx = { wsUrl: sip.wsUrl, domain: sip.domain, stop: () => sip.close() };
  }
});
after(async () => {
  await pbx?.stop();
});

/**
 * An ACD with its directory and registered agent phones.
 * @param {import('node:test').TestContext} t
 * @param {{ agents: Record<string, { answer?: 'auto'|'manual'|number, state?: string }>,
 *           queues?: any, now?: () => number, order?: string[] }} o
 *   state: a CTI state set after registration (CTI-managed agent); none = agent without CTI
 *   order: agents set to their state in this order (earlier = idle longer)
 */
async function setup(t, { agents, queues = /** @type {any} */ (QUEUES), now, order }) {
  const directory = new AgentDirectory({ users: USERS, queues, now });
  /** @type {any[]} */
  const records = [];
  /** @type {Record<string, any>} */
  const phones = {};
  /** @type {any[]} */
  const customers = [];
  /** @type {Awaited<ReturnType<typeof startCtiServer>>|null} */
  let ctiServer = null;
  const acd = await startAcd({ wsUrl: pbx.wsUrl, domain: pbx.domain, users: USERS, queues, directory, onRecord: (r) => records.push(r) });
  /** @type {Array<{ event: string, data: any }>} */
  const events = [];
  for (const name of ['queued', 'offered', 'offerFailed', 'missed', 'agentLost', 'answered', 'held', 'resumed', 'dtmf', 'transferring', 'transferred', 'transferFailed', 'ended']) {
    acd.on(name, (data) => events.push({ event: name, data }));
  }
  t.after(async () => {
    await Promise.all([...customers, ...Object.values(phones)].map((p) => p.close()).concat(acd.close()));
  });
  for (const [id, a] of Object.entries(agents)) {
    phones[id] = await startPhone({ wsUrl: pbx.wsUrl, domain: pbx.domain, user: id, password: password(id), frequency: FREQ[id], answer: a.answer ?? 'auto' });
  }
  for (const id of order ?? Object.keys(agents)) {
    const state = agents[id].state;
    if (state) directory.setState(id, /** @type {any} */ (state), { viaCti: true });
  }
  // Registrar facts last: nothing is offered before every agent is in its state.
  for (const id of Object.keys(agents)) directory.setRegistered(id, true);
  /** @param {string} user */
  const customer = async (user, answer = /** @type {'auto'|'manual'|number} */ ('manual')) => {
    const p = await startPhone({ wsUrl: pbx.wsUrl, domain: pbx.domain, user, password: password(user), frequency: FREQ[user], answer });
    customers.push(p);
    return p;
  };
  return {
    acd,
    directory,
    records,
    phones,
    events,
    /** The CTI API on this directory and ACD, as the workbench calls it. @param {string} action @param {string} userId */
    async cti(action, userId) {
      if (!ctiServer) {
        const started = await startCtiServer({ directory, users: USERS, queues, callControl: acd, logger: {} });
        ctiServer = started;
        t.after(() => started.close());
      }
      return (await api(ctiServer, action, { UserId: userId })).body;
    },
    customer,
    /**
     * Customer 13800000001 calls `sales` and is connected to `agentId`, the first agent offered
     * the call, with that agent's audio through. @param {string} agentId
     */
    async connected(agentId) {
      const call = (await customer('13800000001')).call('sales');
      const leg = await phones[agentId].nextIncoming(0);
      await waitFor(() => call.has('confirmed') && call.toneShare(FREQ[agentId]) > HEARS, { what: `connected to ${agentId}` });
      return { call, leg };
    },
  };
}

describe('ACD queues', { timeout: 120_000 }, () => {
  it('queues a caller with 182 and queue music, offers the call to the ready agent only, and relays audio both ways', async (t) => {
    const { acd, directory, records, phones, events, customer } = await setup(t, {
      agents: { '1001': { state: 'break' }, '1002': { state: 'ready', answer: 'manual' }, '1003': { state: 'offline' } },
    });
    const c = await customer('13800000001');
    const call = c.call('sales');
    await waitFor(() => call.has('progress:182'), { what: '182 Queued' });
    const ringing = await phones['1002'].nextIncoming(0);
    // Early media: queue music (voiced audio, none of the agent's tone) before anyone answers.
    await waitFor(() => call.recorder.voicedPackets >= 25, { what: 'queue music at the caller' });
    assert.equal(call.answered, false);
    assert.ok(call.toneShare(FREQ['1002']) < 0.1, 'the caller does not hear the agent before the answer');
    assert.equal(directory.get('1002')?.state, 'ringing');
    assert.deepEqual(acd.waiting('sales').map((w) => w.offeredTo), ['1002']);

    const invite = phones['1002'].invites[0];
    assert.equal(invite.fromName, '13800000001', 'From display name is the caller');
    assert.match(invite.pai ?? '', /^<sip:13800000001@pbx\.test>$/);
    assert.equal(invite.queue, 'sales');
    assert.ok(invite.jobId, 'X-CC-Job-Id');

    assert.ok(!c.responses.some((r) => r.status === 180), 'no 180 Ringing: the caller is queued, not ringing');
    ringing.answer();
    await waitFor(() => call.has('confirmed'), { what: 'caller connected' });
    await waitFor(() => call.toneShare(FREQ['1002']) > HEARS, { what: "agent's audio at the caller" });
    await waitFor(() => ringing.toneShare(FREQ['13800000001']) > HEARS, { what: "caller's audio at the agent" });
    assert.equal(directory.get('1002')?.state, 'talking');
    assert.deepEqual(acd.waiting('sales'), []);
    assert.equal(phones['1001'].incoming.length, 0, 'agent on break is not offered the call');
    assert.equal(phones['1003'].incoming.length, 0, 'agent offline by CTI is not offered the call');
    await sleep(1000);
    const [live] = acd.calls();
    t.diagnostic(
      `INVITE -> 182 at the caller ${call.times['progress:182'] - call.times.created} ms; 182 -> INVITE at the agent ` +
        `${phones['1002'].invites[0].at - call.times['progress:182']} ms; early-media packets at the caller ${call.earlyPackets}; ` +
        `received: caller ${call.recorder.audioPackets} (incl. early), agent ${ringing.recorder.audioPackets}; ` +
        `ACD relayed: caller->agent ${live.packets.toAgent}, agent->caller ${live.packets.toCustomer} (incl. queue music)`,
    );
    assert.ok(live.packets.toAgent > 0 && live.packets.fromAgent > 0);

    call.hangUp();
    await waitFor(() => ringing.ended, { what: 'agent leg ended' });
    assert.equal(ringing.end.originator, 'remote');
    await waitFor(() => records.length === 1, { what: 'CDR' });
    const r = records[0];
    t.diagnostic(`CDR ${JSON.stringify(r)}`);
    assert.equal(r.contactId, invite.jobId);
    assert.equal(r.direction, 'inbound');
    assert.equal(r.caller, '13800000001');
    assert.equal(r.callee, 'sales');
    assert.equal(r.queue, 'sales');
    assert.equal(r.agentId, '1002');
    assert.equal(r.result, 'answered');
    assert.equal(r.releaseInitiator, 'customer');
    assert.ok(r.callId);
    assert.ok(r.startTime <= r.ringTime && r.ringTime <= r.establishedTime && r.establishedTime <= r.releaseTime);
    assert.equal(directory.get('1002')?.state, 'afterCall', 'CTI agent goes to after-call work');
    assert.deepEqual(events.map((e) => e.event), ['queued', 'offered', 'answered', 'ended']);
  });

  it('offers the longest-idle agent first and the next one when it rejects with 486', async (t) => {
    let clock = 1_000_000;
    const { directory, records, phones, events, customer } = await setup(t, {
      now: () => clock,
      agents: { '1004': {}, '1005': { answer: 486 } },
    });
    clock += 1000;
    directory.setState('1005', 'ready', { viaCti: true });
    clock += 1000;
    directory.setState('1004', 'ready', { viaCti: true });
    assert.ok((directory.get('1005')?.idleSince ?? 0) < (directory.get('1004')?.idleSince ?? 0));

    const c = await customer('13800000002');
    const call = c.call('support');
    const rejected = await phones['1005'].nextIncoming(0);
    const taken = await phones['1004'].nextIncoming(0);
    await waitFor(() => rejected.ended, { what: '486 at 1005' });
    await waitFor(() => call.has('confirmed'), { what: 'caller connected to 1004' });
    await waitFor(() => call.toneShare(FREQ['1004']) > HEARS, { what: "1004's audio at the caller" });
    assert.ok(events.findIndex((e) => e.event === 'offered' && e.data.agentId === '1005') < events.findIndex((e) => e.event === 'offered' && e.data.agentId === '1004'));
    assert.deepEqual(events.find((e) => e.event === 'offerFailed')?.data.reason, '486');
    assert.equal(directory.get('1005')?.state, 'ready', 'a rejecting CTI agent stays ready');
    assert.equal(phones['1005'].incoming.length, 1, '1005 is not offered the call again');
    call.hangUp();
    await waitFor(() => taken.ended && records.length === 1, { what: 'end and CDR' });
    assert.equal(records[0].agentId, '1004');
  });

  it('offers the call to the next agent when the first does not answer within the ring timeout; an agent without CTI is on break missed for retryAgentSeconds', async (t) => {
    const queues = { ...QUEUES, ringTimeoutSeconds: 1, retryAgentSeconds: 1 };
    const { directory, phones, events, customer } = await setup(t, {
      queues,
      agents: { '1001': { answer: 'manual' }, '1002': {} }, // agents without CTI
    });
    const c = await customer('13800000001');
    const call = c.call('sales');
    const first = await waitFor(() => phones['1001'].incoming[0] ?? phones['1002'].incoming[0], { what: 'first offer' });
    // Agents without CTI are equally idle: the order is by skill level, then id.
    assert.equal(phones['1001'].incoming[0], first);
    await waitFor(() => first.ended, { what: 'CANCEL at the agent who did not answer' });
    assert.equal(first.end.cause, 'Canceled');
    await phones['1002'].nextIncoming(0);
    await waitFor(() => call.has('confirmed'), { what: 'caller connected to 1002' });
    assert.equal(events.find((e) => e.event === 'offerFailed')?.data.reason, 'noAnswer');
    assert.deepEqual([directory.get('1001')?.state, directory.get('1001')?.breakReason], ['break', 'missed'], 'RONA: break missed');
    assert.equal(directory.get('1002')?.state, 'talking');
    // It has no CTI to say "ready" with: the break ends by itself after retryAgentSeconds.
    await waitFor(() => directory.get('1001')?.state === 'offline', { timeout: 3000, what: 'the break of an agent without CTI to end' });
    assert.equal(directory.get('1001')?.breakReason, null);
    assert.ok(directory.availableFor('sales').some((a) => a?.agentId === '1001'), 'offered calls again');
  });

  it('RONA: cancels an unanswered offer with Reason 480 No Answer, puts the agent on break missed, rings the next agent at once and never the absent one again while on break', async (t) => {
    const queues = { ...QUEUES, ringTimeoutSeconds: 1, retryAgentSeconds: 1 };
    const { acd, directory, phones, events, customer, cti } = await setup(t, {
      queues,
      agents: { '1001': { state: 'ready', answer: 'manual' }, '1002': { state: 'ready', answer: 'manual' } },
      order: ['1001', '1002'],
    });
    const c = await customer('13800000001');
    const call = c.call('sales');
    const first = await phones['1001'].nextIncoming(0);
    await waitFor(() => first.ended, { timeout: 4000, what: 'CANCEL at 1001 after the ring time' });
    assert.equal(first.end.cause, 'Canceled');
    const cancel = phones['1001'].requests.find((r) => r.method === 'CANCEL');
    assert.ok(cancel, '1001 received a CANCEL');
    assert.equal(wireHeader(cancel.text, 'Reason'), 'SIP ;cause=480 ;text="No Answer"');
    assert.deepEqual([directory.get('1001')?.state, directory.get('1001')?.breakReason], ['break', 'missed']);
    assert.ok(events.some((e) => e.event === 'missed' && e.data.agentId === '1001'));

    // The next ready agent rings at once (not after a retry delay) ...
    await phones['1002'].nextIncoming(0, 3000);
    const gap = phones['1002'].invites[0].at - cancel.at;
    t.diagnostic(`CANCEL at 1001 -> INVITE at 1002: ${gap} ms`);
    assert.ok(gap < 1000, `1002 rang ${gap} ms after 1001's CANCEL`);
    // ... and misses too: both on break, the call waits, past retryAgentSeconds and ring times.
    await waitFor(() => directory.get('1002')?.state === 'break', { timeout: 4000, what: '1002 on break missed' });
    await sleep(2500);
    assert.equal(phones['1001'].incoming.length, 1, '1001 is not rung again while on break');
    assert.equal(phones['1002'].incoming.length, 1, '1002 is not rung again while on break');
    assert.deepEqual(acd.waiting('sales').map((w) => w.offeredTo), [null]);
    assert.equal(call.answered, false);
    assert.deepEqual(acd.queues().find((q) => q.id === 'sales')?.ready, [], 'agents on break are not counted as ready');

    // ReadyForService ends the break: 1001 is offered the waiting call again at once.
    phones['1001'].policy.answer = 'auto';
    const ready = await cti('ReadyForService', '1001');
    assert.equal(ready.Code, 'OK');
    const again = await phones['1001'].nextIncoming(1, 3000);
    await waitFor(() => call.has('confirmed') && again.answered, { what: 'caller connected to 1001' });
    assert.equal(directory.get('1001')?.state, 'talking');
    assert.deepEqual([directory.get('1002')?.state, directory.get('1002')?.breakReason], ['break', 'missed'], '1002 stays on break');
  });

  it('RONA with the only agent: the call waits and is offered again only after ReadyForService', async (t) => {
    const queues = { ...QUEUES, ringTimeoutSeconds: 1, retryAgentSeconds: 1 };
    const { acd, directory, phones, customer, cti } = await setup(t, { queues, agents: { '1004': { state: 'ready', answer: 'manual' } } });
    const c = await customer('13800000002');
    const call = c.call('support');
    const first = await phones['1004'].nextIncoming(0);
    await waitFor(() => first.ended, { timeout: 4000, what: 'CANCEL at 1004' });
    assert.equal(directory.get('1004')?.breakReason, 'missed');
    await sleep(2500); // past retryAgentSeconds: a CTI agent's break does not end by itself
    assert.equal(phones['1004'].incoming.length, 1);
    assert.equal(directory.get('1004')?.state, 'break');
    assert.equal(acd.waiting('support').length, 1, 'the call waits in the queue');
    phones['1004'].policy.answer = 'auto';
    assert.equal((await cti('ReadyForService', '1004')).Code, 'OK');
    await phones['1004'].nextIncoming(1, 3000);
    await waitFor(() => call.has('confirmed'), { what: 'caller connected once 1004 is ready' });
  });

  it("keeps the customer when the agent's leg is lost (a reload): the prompt plays, the same agent is offered the call once back, no other agent meanwhile", async (t) => {
    const { directory, phones, events, connected } = await setup(t, {
      agents: { '1002': { state: 'ready' }, '1001': { state: 'break' } },
      queues: { ...QUEUES, lostAgentHoldSeconds: 30 },
    });
    const { call } = await connected('1002');
    // The agent's tab reloads: no BYE, its audio stops, the registrar sees its socket close.
    phones['1002'].crash();
    directory.setRegistered('1002', false);
    const lostAt = Date.now();
    await waitFor(() => events.some((e) => e.event === 'agentLost'), { what: 'the lost agent leg noticed', timeout: 8000 });
    const noticedMs = Date.now() - lostAt;
    assert.equal(call.ended, false, 'the customer is still connected');
    await waitFor(() => call.toneShare(FREQ['1002']) < 0.05 && call.recorder.voicedPackets > 0, { what: 'the prompt instead of the agent' });
    // Another agent becomes ready: the call waits for its own agent.
    directory.setState('1001', 'ready', { viaCti: true });
    await sleep(2500);
    assert.equal(phones['1001'].incoming.length, 0, 'no other agent is offered the call while it waits for 1002');
    // The agent is back (reloaded page: registers, logs in, ready) and gets the call again.
    const again = await startPhone({ wsUrl: pbx.wsUrl, domain: pbx.domain, user: '1002', password: password('1002'), frequency: FREQ['1002'] });
    t.after(() => again.close());
    directory.setRegistered('1002', true);
    directory.setState('1002', 'ready', { viaCti: true });
    const leg = await again.nextIncoming(0);
    assert.equal(again.invites[0].queue, 'sales');
    await waitFor(() => call.toneShare(FREQ['1002']) > HEARS, { what: "the agent's audio at the customer again" });
    await waitFor(() => leg.toneShare(FREQ['13800000001']) > HEARS, { what: "the customer's audio at the agent again" });
    assert.equal(call.ended, false);
    assert.deepEqual(events.filter((e) => e.event === 'answered').map((e) => Boolean(e.data.again)), [false, true]);
    t.diagnostic(`lost leg noticed ${noticedMs} ms after the crash; customer connected throughout`);
    call.hangUp();
    await waitFor(() => leg.ended, { what: 'the agent leg ends with the customer' });
  });

  it("offers a lost agent's call to the queue once lostAgentHoldSeconds passed without that agent", async (t) => {
    const { directory, phones, events, connected } = await setup(t, {
      agents: { '1002': { state: 'ready' }, '1001': { state: 'break' } },
      queues: { ...QUEUES, lostAgentHoldSeconds: 2 },
    });
    const { call } = await connected('1002');
    phones['1002'].crash();
    directory.setRegistered('1002', false);
    await waitFor(() => events.some((e) => e.event === 'agentLost'), { what: 'the lost agent leg noticed', timeout: 8000 });
    directory.setState('1001', 'ready', { viaCti: true });
    const leg = await phones['1001'].nextIncoming(0, 8000);
    await waitFor(() => call.toneShare(FREQ['1001']) > HEARS, { what: "the next agent's audio at the customer" });
    assert.ok(leg.has('confirmed') || leg.answered);
    call.hangUp();
  });

  it('answers 487 to a queued caller who hangs up and removes the call from the queue', async (t) => {
    const { acd, records, events, customer } = await setup(t, { agents: {} });
    const c = await customer('13800000003');
    const call = c.call('sales');
    await waitFor(() => acd.waiting('sales').length === 1, { what: 'queued' });
    await waitFor(() => call.has('progress:182') && call.recorder.voicedPackets > 5, { what: 'queue music' });
    call.hangUp();
    await waitFor(() => call.ended, { what: 'caller ended' });
    assert.equal(call.end.name, 'failed');
    assert.equal(call.end.cause, 'Canceled');
    await waitFor(() => c.responses.some((r) => r.status === 487 && /INVITE$/.test(r.cseq)), { what: '487 to the INVITE' });
    await waitFor(() => records.length === 1, { what: 'CDR' });
    assert.deepEqual(acd.waiting('sales'), []);
    assert.deepEqual(acd.calls(), []);
    assert.equal(records[0].result, 'abandoned');
    assert.equal(records[0].releaseInitiator, 'customer');
    assert.equal(records[0].establishedTime, null);
    assert.deepEqual(events.map((e) => e.event), ['queued', 'ended']);
  });

  it('keeps a second caller waiting while the only agent is busy and offers it once the agent is ready', async (t) => {
    const { acd, directory, phones, customer } = await setup(t, { agents: { '1001': { state: 'ready' } } });
    const a = await customer('13800000001');
    const b = await customer('13800000002');
    const first = a.call('sales');
    const firstLeg = await phones['1001'].nextIncoming(0);
    await waitFor(() => first.has('confirmed'), { what: 'first caller connected' });
    const second = b.call('sales');
    await waitFor(() => acd.waiting('sales').length === 1 && second.has('progress:182'), { what: 'second caller queued' });
    assert.equal(acd.waiting('sales')[0].offeredTo, null);
    first.hangUp();
    await waitFor(() => firstLeg.ended && directory.get('1001')?.state === 'afterCall', { what: 'after-call work' });
    await sleep(300); // a few dispatch rounds: after-call work is not available
    assert.equal(phones['1001'].incoming.length, 1, 'no offer during after-call work');
    assert.equal(second.answered, false);
    directory.setState('1001', 'ready', { viaCti: true });
    const secondLeg = await phones['1001'].nextIncoming(1);
    await waitFor(() => second.has('confirmed'), { what: 'second caller connected' });
    await waitFor(() => secondLeg.toneShare(FREQ['13800000002']) > HEARS, { what: "second caller's audio at the agent" });
  });

  it('carries hold / resume and DTMF between the agent and the caller', async (t) => {
    const { acd, events, phones, customer } = await setup(t, { agents: { '1001': {} } });
    const c = await customer('13800000001');
    const call = c.call('sales');
    const leg = await phones['1001'].nextIncoming(0);
    await waitFor(() => call.has('confirmed') && call.toneShare(FREQ['1001']) > HEARS, { what: 'connected' });

    leg.session.hold();
    await waitFor(() => call.has('hold:remote'), { what: 'caller sees hold' });
    await waitFor(() => call.toneShare(FREQ['1001'], 400) < 0.05 && call.recorder.analyse({ lastMs: 400 }).activeRatio > 0.3, {
      what: 'hold music instead of the agent',
    });
    assert.equal(acd.calls()[0].held, true);
    leg.session.unhold();
    await waitFor(() => call.has('unhold:remote'), { what: 'caller sees resume' });
    await waitFor(() => call.toneShare(FREQ['1001']) > HEARS, { what: 'agent audible again' });

    // The agent's SIP INFO digits reach the caller as RFC 4733 events ...
    leg.session.sendDTMF('59', { transportType: 'INFO', duration: 120, interToneGap: 100 });
    await waitFor(() => call.recorder.digits === '59', { what: 'digits 5 9 at the caller' });
    assert.ok(call.recorder.eventPackets >= 6);
    // ... and the caller's RFC 4733 events reach the agent as RFC 4733 events.
    await call.source.sendDtmf('#3');
    await waitFor(() => leg.recorder.digits === '#3', { what: 'digits # 3 at the agent' });
    assert.deepEqual(events.filter((e) => e.event === 'held' || e.event === 'resumed').map((e) => e.event), ['held', 'resumed']);
  });

  it('blind-transfers the caller when the agent sends REFER', async (t) => {
    const { directory, records, phones, events, connected } = await setup(t, {
      agents: { '1001': { state: 'ready' }, '1002': {} },
      order: ['1001'],
    });
    directory.setRegistered('1002', false); // 1002 only receives the transfer
    const { call, leg: leg1 } = await connected('1001');
    let notified = 0;
    leg1.session.refer(`sip:1002@${pbx.domain}`, {
      eventHandlers: {
        accepted: () => {
          notified++;
          leg1.hangUp(); // what a phone does on NOTIFY 200 (RFC 5589)
        },
      },
    });
    const leg2 = await phones['1002'].nextIncoming(0);
    assert.equal(phones['1002'].invites[0].fromName, '13800000001');
    await waitFor(() => call.toneShare(FREQ['1002']) > HEARS, { what: "1002's audio at the caller" });
    await waitFor(() => leg2.toneShare(FREQ['13800000001']) > HEARS, { what: "caller's audio at 1002" });
    await waitFor(() => leg1.ended, { what: "1001's leg ended" });
    assert.equal(notified, 1);
    assert.equal(call.ended, false);
    assert.equal(directory.get('1001')?.state, 'afterCall');
    assert.ok(events.some((e) => e.event === 'transferred' && e.data.from === '1001' && e.data.to === '1002'));
    call.hangUp();
    await waitFor(() => leg2.ended && records.length === 1, { what: 'end and CDR' });
    assert.equal(records[0].agentId, '1002');
    assert.deepEqual(records[0].agentIds, ['1001', '1002']);
  });

  it('consult-transfers the caller when the agent sends REFER with Replaces', async (t) => {
    const { records, phones, events, connected, directory } = await setup(t, {
      agents: { '1001': { state: 'ready' }, '1002': {} },
    });
    directory.setRegistered('1002', false);
    const { call, leg: leg1 } = await connected('1001');
    leg1.session.hold();
    await waitFor(() => call.has('hold:remote'), { what: 'caller held' });
    // 1001 consults 1002 directly through the proxy.
    const consult = phones['1001'].call('1002');
    const consultAt1002 = await phones['1002'].nextIncoming(0);
    await waitFor(() => consult.has('confirmed') && consult.toneShare(FREQ['1002']) > HEARS, { what: 'consultation connected' });
    leg1.session.refer(`sip:1002@${pbx.domain}`, {
      replaces: consult.session,
      eventHandlers: { accepted: () => leg1.hangUp() },
    });
    const replacing = await phones['1002'].nextIncoming(1);
    assert.equal(phones['1002'].invites[1].replaces, true, 'the ACD sent INVITE with Replaces');
    await waitFor(() => consultAt1002.ended && consult.ended, { what: 'consultation replaced' });
    await waitFor(() => call.has('unhold:remote'), { what: 'caller taken off hold' });
    await waitFor(() => call.toneShare(FREQ['1002']) > HEARS, { what: "1002's audio at the caller" });
    await waitFor(() => replacing.toneShare(FREQ['13800000001']) > HEARS, { what: "caller's audio at 1002" });
    await waitFor(() => leg1.ended, { what: "1001's leg ended" });
    assert.ok(events.some((e) => e.event === 'transferring' && e.data.replaces === true));
    call.hangUp();
    await waitFor(() => replacing.ended && records.length === 1, { what: 'end and CDR' });
    assert.deepEqual(records[0].agentIds, ['1001', '1002']);
  });

  it('tells the agent the queue (X-CC-Queue-Name, raw UTF-8) and who transferred the call (Referred-By): REFER, BlindTransfer, consultation', async (t) => {
    const queues = { ...QUEUES, queues: QUEUES.queues.map((/** @type {any} */ q) => (q.id === 'sales' ? { ...q, name: '销售 Sales' } : q)) };
    const { acd, directory, phones, connected } = await setup(t, {
      queues,
      agents: { '1001': { state: 'ready' }, '1002': {}, '1003': {}, '1004': {} },
      order: ['1001'],
    });
    // 1002..1004 only receive transfers.
    for (const id of ['1002', '1003', '1004']) directory.setRegistered(id, false);
    /** The raw INVITE phone `id` received as its `index`th call. @param {string} id @param {number} index */
    const inviteAt = (id, index) => {
      const callId = phones[id].invites[index].callId;
      const req = phones[id].requests.find((r) => r.method === 'INVITE' && wireHeader(r.text, 'Call-ID') === callId);
      assert.ok(req, `raw INVITE #${index + 1} at ${id}`);
      return req.text;
    };
    const { call, leg: leg1 } = await connected('1001');
    const offer = inviteAt('1001', 0);
    assert.equal(wireHeader(offer, 'X-CC-Queue'), 'sales');
    assert.equal(wireHeader(offer, 'X-CC-Queue-Name'), '销售 Sales', 'the name as UTF-8 text, not escaped');
    assert.equal(wireHeader(offer, 'Referred-By'), undefined, 'a queue offer is no transfer');
    assert.equal(phones['1001'].invites[0].queueName, '销售 Sales', 'JsSIP reads it back');

    // Blind transfer by the agent's phone (REFER).
    leg1.session.refer(`sip:1002@${pbx.domain}`, { eventHandlers: { accepted: () => leg1.hangUp() } });
    const leg2 = await phones['1002'].nextIncoming(0);
    const referred = inviteAt('1002', 0);
    assert.equal(wireHeader(referred, 'Referred-By'), `<sip:1001@${pbx.domain}>`);
    assert.equal(wireHeader(referred, 'X-CC-Queue-Name'), '销售 Sales');
    await waitFor(() => call.toneShare(FREQ['1002']) > HEARS, { what: "1002's audio at the caller" });
    const [{ jobId }] = acd.calls();

    // Blind transfer through the CTI API (call control).
    await acd.blindTransfer({ agentId: '1002', jobId, transferee: '1003' });
    await phones['1003'].nextIncoming(0);
    assert.equal(wireHeader(inviteAt('1003', 0), 'Referred-By'), `<sip:1002@${pbx.domain}>`);
    await waitFor(() => leg2.ended && call.toneShare(FREQ['1003']) > HEARS, { what: 'caller with 1003' });

    // The consultation leg the ACD places for an attended transfer.
    await acd.initiateAttendedTransfer({ agentId: '1003', jobId, transferee: '1004' });
    await phones['1004'].nextIncoming(0);
    const consult = inviteAt('1004', 0);
    assert.equal(wireHeader(consult, 'Referred-By'), `<sip:1003@${pbx.domain}>`);
    assert.equal(wireHeader(consult, 'X-CC-Queue'), 'sales');
    await acd.cancelAttendedTransfer({ agentId: '1003', jobId });
  });

  it('reports the real final status of a failed blind transfer in the NOTIFY sipfrag: 486 busy, 480 unreachable, 408 no answer', async (t) => {
    const queues = { ...QUEUES, ringTimeoutSeconds: 1, retryAgentSeconds: 60 };
    const { directory, phones, events, connected } = await setup(t, {
      queues,
      agents: { '1001': { state: 'ready' }, '1002': { answer: 486 }, '1004': { answer: 'manual' } },
      order: ['1001'],
    });
    directory.setRegistered('1002', false);
    directory.setRegistered('1004', false);
    const { call, leg: leg1 } = await connected('1001');
    /** Final sipfrag status lines of the NOTIFYs 1001 received, from the raw text. */
    const finals = () =>
      phones['1001'].requests
        .filter((r) => r.method === 'NOTIFY' && /^terminated/.test(wireHeader(r.text, 'Subscription-State') ?? ''))
        .map((r) => r.text.split('\r\n\r\n')[1].trim());
    /** @type {Array<number|undefined>} */
    const failed = [];
    /** Transfers 1001's call to `target` by REFER and waits for the final NOTIFY. @param {string} target */
    const refer = async (target) => {
      const before = finals().length;
      leg1.session.refer(`sip:${target}@${pbx.domain}`, { eventHandlers: { failed: (/** @type {any} */ e) => failed.push(e.status_line?.status_code) } });
      await waitFor(() => finals().length > before, { timeout: 5000, what: `final NOTIFY for the transfer to ${target}` });
      await waitFor(() => events.filter((e) => e.event === 'transferFailed').length > before, { what: 'transferFailed' });
    };
    await refer('1002'); // rejects with 486
    await refer('1003'); // no phone registered at the proxy
    await refer('1004'); // rings out
    assert.deepEqual(finals(), ['SIP/2.0 486 Busy Here', 'SIP/2.0 480 Temporarily Unavailable', 'SIP/2.0 408 Request Timeout']);
    assert.deepEqual(failed, [486, 480, 408], "JsSIP's refer subscriber reads the same");
    const cancel = phones['1004'].requests.find((r) => r.method === 'CANCEL');
    assert.equal(wireHeader(cancel?.text ?? '', 'Reason'), 'SIP ;cause=480 ;text="No Answer"', 'the target is told it missed the call');
    assert.deepEqual([directory.get('1004')?.state, directory.get('1004')?.breakReason], ['break', 'missed']);
    // The caller stayed with 1001 throughout.
    assert.equal(call.ended, false);
    await waitFor(() => call.toneShare(FREQ['1001']) > HEARS, { what: '1001 still with the caller' });
  });

  it('places an outbound call for an agent (makeCall), holds, retrieves and releases it; refuses foreign and unknown jobs', async (t) => {
    const { acd, directory, records, phones, customer } = await setup(t, { agents: { '1001': { state: 'ready' } } });
    const cust = await customer('13800000002', 'auto');
    const { jobId, callId } = await acd.makeCall({ agentId: '1001', callee: '13800000002', caller: '057188000001' });
    assert.ok(jobId && callId);
    const agentLeg = await phones['1001'].nextIncoming(0);
    assert.match(phones['1001'].invites[0].callInfo ?? '', /answer-after=0/);
    assert.match(phones['1001'].invites[0].pai ?? '', /^<sip:13800000002@/);
    const custLeg = await cust.nextIncoming(0);
    assert.equal(cust.invites[0].fromName, '057188000001');
    await waitFor(() => custLeg.toneShare(FREQ['1001']) > HEARS && agentLeg.toneShare(FREQ['13800000002']) > HEARS, { what: 'two-way audio' });
    assert.equal(acd.ownerOf(jobId), '1001');
    assert.equal(directory.get('1001')?.state, 'talking');

    await assert.rejects(acd.holdCall({ agentId: '1002', jobId }), { code: 'Forbidden.NotAuthorized', httpStatus: 403 });
    await assert.rejects(acd.releaseCall({ agentId: '1001', jobId: 'job-unknown' }), { code: 'NotExists.JobId', httpStatus: 404 });
    await assert.rejects(acd.retrieveCall({ agentId: '1001', jobId }), { code: 'InvalidState.Call', httpStatus: 409 });
    await assert.rejects(acd.makeCall({ agentId: '1001', callee: '13800000003' }), { code: 'CurrentStateIsBusy', httpStatus: 409 });
    await assert.rejects(acd.makeCall({ agentId: '1002', callee: 'x>y' }), { code: 'AgentNotRegistered' });

    await acd.holdCall({ agentId: '1001', jobId });
    await waitFor(() => custLeg.has('hold:remote'), { what: 'customer held' });
    await waitFor(() => custLeg.toneShare(FREQ['1001'], 400) < 0.05, { what: 'agent no longer heard' });
    await assert.rejects(acd.holdCall({ agentId: '1001', jobId }), { code: 'InvalidState.Call' });
    await acd.retrieveCall({ agentId: '1001', jobId });
    await waitFor(() => custLeg.has('unhold:remote') && custLeg.toneShare(FREQ['1001']) > HEARS, { what: 'customer retrieved' });

    await acd.releaseCall({ agentId: '1001', jobId });
    await waitFor(() => custLeg.ended && agentLeg.ended && records.length === 1, { what: 'released' });
    assert.equal(acd.ownerOf(jobId), undefined);
    const r = records[0];
    assert.equal(r.direction, 'outbound');
    assert.equal(r.caller, '057188000001');
    assert.equal(r.callee, '13800000002');
    assert.equal(r.agentId, '1001');
    assert.equal(r.result, 'answered');
    assert.equal(r.releaseInitiator, 'agent');
    assert.equal(directory.get('1001')?.state, 'afterCall');
  });

  it('transfers through call control: consultation cancelled, consultation completed, then blind', async (t) => {
    const { acd, directory, records, phones, connected } = await setup(t, { agents: { '1001': { state: 'ready' }, '1002': {} } });
    directory.setRegistered('1002', false);
    const { call, leg: leg1 } = await connected('1001');
    const [{ jobId }] = acd.calls();

    // Consult 1002, then go back to the caller.
    const first = await acd.initiateAttendedTransfer({ agentId: '1001', jobId, transferee: '1002' });
    assert.equal(acd.ownerOf(first.jobId), '1001');
    const consult1 = await phones['1002'].nextIncoming(0);
    await waitFor(() => call.has('hold:remote'), { what: 'caller held during the consultation' });
    await waitFor(() => leg1.toneShare(FREQ['1002']) > HEARS && consult1.toneShare(FREQ['1001']) > HEARS, { what: '1001 and 1002 talk' });
    await assert.rejects(acd.initiateAttendedTransfer({ agentId: '1001', jobId, transferee: '1002' }), { code: 'InvalidState.Call' });
    await acd.cancelAttendedTransfer({ agentId: '1001', jobId: first.jobId });
    await waitFor(() => consult1.ended && call.has('unhold:remote'), { what: 'consultation ended, caller back' });
    await waitFor(() => call.toneShare(FREQ['1001']) > HEARS && leg1.toneShare(FREQ['13800000001']) > HEARS, { what: '1001 and caller talk again' });

    // Consult again and complete: the caller talks with 1002, 1001 is released.
    await acd.initiateAttendedTransfer({ agentId: '1001', jobId, transferee: '1002' });
    const consult2 = await phones['1002'].nextIncoming(1);
    await waitFor(() => consult2.toneShare(FREQ['1001']) > HEARS, { what: 'second consultation' });
    await acd.completeAttendedTransfer({ agentId: '1001', jobId });
    await waitFor(() => leg1.ended, { what: "1001's leg released" });
    await waitFor(() => call.toneShare(FREQ['1002']) > HEARS && consult2.toneShare(FREQ['13800000001']) > HEARS, { what: 'caller and 1002 talk' });
    assert.equal(acd.ownerOf(jobId), '1002');
    assert.equal(directory.get('1001')?.state, 'afterCall');
    await assert.rejects(acd.releaseCall({ agentId: '1001', jobId }), { code: 'Forbidden.NotAuthorized' });

    // 1002 blind-transfers the caller back to 1001.
    await acd.blindTransfer({ agentId: '1002', jobId, transferee: '1001' });
    const back = await phones['1001'].nextIncoming(1);
    await waitFor(() => consult2.ended && call.toneShare(FREQ['1001']) > HEARS && back.toneShare(FREQ['13800000001']) > HEARS, {
      what: 'caller back with 1001',
    });
    call.hangUp();
    await waitFor(() => back.ended && records.length === 1, { what: 'end and CDR' });
    assert.equal(records[0].agentId, '1001');
    assert.deepEqual(records[0].agentIds, ['1001', '1002']);
  });
});
