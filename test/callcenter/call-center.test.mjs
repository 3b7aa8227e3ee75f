// The dev call center as `npm start` runs it (demo/callcenter/index.mjs): presence that follows
// the registrar (a closed WebSocket, an un-REGISTER during a call, the registration cap) as the
// routing, the CTI API and the queue figures see it, and the supervisor's Server-Sent Events
// stream, all through the call center's own HTTP handlers on loopback.
//   scripts/in-netns.sh node --test test/callcenter/call-center.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CTI_PATH, EVENTS_PATH, REGISTRATION_MAX_EXPIRES_SECONDS, startCallCenter } from '../../demo/callcenter/index.mjs';
import { sleep, startPhone, waitFor } from './support/acd-harness.mjs';
import { api, QUEUES, serveCallCenter, tokenFor, USERS } from './support/cti-harness.mjs';
import { connectRaw } from './support/sip-raw-client.mjs';

const password = (/** @type {string} */ user) => USERS.users.find((/** @type {any} */ u) => u.user === user).password;
/** Heartbeat of the event stream in these tests (15 s in the demo). */
const HEARTBEAT_MS = 300;

/** @type {Awaited<ReturnType<typeof startCallCenter>>} */
let center;
let origin = '';
/** @type {Awaited<ReturnType<typeof serveCallCenter>>} */
let served;

before(async () => {
  served = await serveCallCenter({ queues: { ...QUEUES, ringTimeoutSeconds: 2 }, eventsHeartbeatMs: HEARTBEAT_MS });
  ({ center, origin } = served);
});
after(async () => {
  await served?.close();
});

/**
 * One CTI action as the workbench sends it; resolves with the envelope.
 * @param {string} action @param {Record<string, unknown>} params
 * @returns {Promise<any>}
 */
async function cti(action, params) {
  return (await api({ url: `${origin}${CTI_PATH}` }, action, params)).body;
}

/** The supervisor's view of one agent (ListRealtimeAgentStates). @param {string} agentId */
async function listed(agentId) {
  const r = await cti('ListRealtimeAgentStates', { UserId: '1009', PageSize: 100 });
  assert.equal(r.Code, 'OK');
  return r.Data.List.find((/** @type {any} */ a) => a.Extension === agentId);
}

/** The supervisor's Authorization header (the queue figures and the event stream are the supervisor's). */
const supervisor = async () => ({ authorization: `Bearer ${await tokenFor(`${origin}${CTI_PATH}`, '1009')}` });

/** The queue figures of GET /api/queues. @param {string} id */
async function queueFigures(id) {
  const res = await fetch(`${origin}/api/queues`, { headers: await supervisor(), signal: AbortSignal.timeout(5000) });
  return (/** @type {any[]} */ (await res.json())).find((q) => q.id === id);
}

/**
 * A Server-Sent Events client that keeps every event and comment it reads, parsed by hand (the
 * wire format, not a library's reading of it).
 * @param {string} url
 */
async function openEvents(url) {
  /** @type {Array<{ type: 'event', event: string, data: string, retry?: number, at: number } | { type: 'comment', text: string, at: number }>} */
  const received = [];
  let buffer = '';
  /** @type {http.ClientRequest} */
  let req;
  const headers = await supervisor();
  /** @type {http.IncomingMessage} */
  const res = await new Promise((resolve, reject) => {
    req = http.get(url, { headers }, resolve);
    req.once('error', reject);
  });
  res.setEncoding('utf8');
  res.on('data', (chunk) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      if (lines.every((l) => l.startsWith(':'))) {
        received.push({ type: 'comment', text: lines.join('\n'), at: Date.now() });
        continue;
      }
      const field = (/** @type {string} */ name) => lines.filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).replace(/^ /, ''));
      const retry = field('retry')[0];
      received.push({ type: 'event', event: field('event')[0] ?? 'message', data: field('data').join('\n'), ...(retry ? { retry: Number(retry) } : {}), at: Date.now() });
    }
  });
  return {
    res,
    received,
    /** The snapshots read so far, parsed. @returns {Array<{ time: number, agents: any[], queues: any[], at: number }>} */
    snapshots: () => received.flatMap((e) => (e.type === 'event' && e.event === 'snapshot' ? [{ ...JSON.parse(e.data), at: e.at }] : [])),
    close: () => req.destroy(),
  };
}

describe('dev call center: presence follows the registration', { timeout: 60_000 }, () => {
  it(`grants registrations of at most ${REGISTRATION_MAX_EXPIRES_SECONDS} s and takes an agent offline for routing, the CTI list and the queue figures once its WebSocket closes`, async (t) => {
    assert.equal(REGISTRATION_MAX_EXPIRES_SECONDS, 60);
    const phone = await connectRaw(center.wsUrl, { user: '1001', password: password('1001'), domain: center.domain });
    t.after(() => phone.close());
    const registered = await phone.register(600);
    assert.equal(registered.status, 200);
    assert.match(registered.header('contact') ?? '', /;expires=60$/, 'asked for 600 s, granted 60 s');
    assert.equal((await cti('ReadyForService', { UserId: '1001' })).Data.UserState, 'READY');
    assert.deepEqual([(await listed('1001')).State, (await listed('1001')).Registered], ['Ready', true]);
    assert.equal((await queueFigures('sales')).readyAgents, 1);

    /** @type {string[]} */
    const offered = [];
    const onOffered = (/** @type {{ agentId: string }} */ e) => offered.push(e.agentId);
    center.acd.on('offered', onOffered);
    t.after(() => center.acd.off('offered', onOffered));

    const closedAt = Date.now();
    phone.kill(); // no un-REGISTER, no close frame: like a browser that went away
    await waitFor(() => center.directory.get('1001')?.state === 'offline', { timeout: 2000, what: '1001 offline after its socket closed' });
    t.diagnostic(`socket closed -> agent offline: ${Date.now() - closedAt} ms`);
    assert.equal(center.directory.get('1001')?.registered, false);
    const row = await listed('1001');
    assert.deepEqual([row.State, row.Registered], ['Offline', false], 'the transfer list reads State: not Ready');
    const readyOnes = await cti('ListRealtimeAgentStates', { UserId: '1009', StateList: ['Ready'] });
    assert.equal(readyOnes.Data.List.some((/** @type {any} */ a) => a.Extension === '1001'), false);
    assert.equal((await queueFigures('sales')).readyAgents, 0);
    const sales = center.acd.queues().find((q) => q.id === 'sales');
    assert.deepEqual([sales?.ready, sales?.available], [[], []]);

    // A caller now waits: nobody is offered the call.
    const customer = await startPhone({ wsUrl: center.wsUrl, domain: center.domain, user: '13800000001', password: password('13800000001'), frequency: 400, answer: 'manual' });
    t.after(() => customer.close());
    const call = customer.call('sales');
    await waitFor(() => center.acd.waiting('sales').length === 1, { what: 'the call queued' });
    await sleep(1500);
    assert.deepEqual(offered, []);
    assert.deepEqual(center.acd.waiting('sales').map((w) => w.offeredTo), [null]);

    // Registering again brings the softphone back, not "ready": the agent logs in again.
    const again = await connectRaw(center.wsUrl, { user: '1001', password: password('1001'), domain: center.domain });
    t.after(() => again.close());
    assert.equal((await again.register(600)).status, 200);
    await waitFor(() => center.directory.get('1001')?.registered, { what: '1001 registered again' });
    assert.equal((await listed('1001')).State, 'Offline');
    assert.equal((await queueFigures('sales')).readyAgents, 0);
    call.hangUp();
    await waitFor(() => center.acd.waiting('sales').length === 0, { what: 'the caller gone' });
  });

  it('refuses ReadyForService without a registered softphone (Ready means a phone can ring)', async () => {
    const r = await cti('ReadyForService', { UserId: '1003' });
    assert.deepEqual([r.Code, r.HttpStatusCode], ['AgentNotRegistered', 409]);
    assert.equal(center.directory.get('1003')?.state, 'offline');
  });

  it('keeps a call whose agent un-REGISTERs during it, and takes the agent offline when the call ends', async (t) => {
    const agent = await startPhone({ wsUrl: center.wsUrl, domain: center.domain, user: '1005', password: password('1005'), frequency: 2000 });
    t.after(() => agent.close());
    assert.equal((await cti('ReadyForService', { UserId: '1005' })).Code, 'OK');
    const customer = await startPhone({ wsUrl: center.wsUrl, domain: center.domain, user: '13800000002', password: password('13800000002'), frequency: 300, answer: 'manual' });
    t.after(() => customer.close());
    const call = customer.call('support');
    const leg = await agent.nextIncoming(0);
    await waitFor(() => call.has('confirmed') && leg.answered, { what: 'caller connected to 1005' });
    assert.equal(center.directory.get('1005')?.state, 'talking');

    agent.ua.unregister(); // REGISTER with Expires 0: the binding ends, the call goes on
    await waitFor(() => center.directory.get('1005')?.registered === false, { what: 'binding removed' });
    await sleep(500);
    assert.equal(center.directory.get('1005')?.state, 'talking', 'not disturbed while the call lasts');
    assert.equal(call.ended, false);
    assert.equal(leg.ended, false);

    call.hangUp();
    await waitFor(() => leg.ended, { what: 'agent leg ended' });
    await waitFor(() => center.directory.get('1005')?.state === 'offline', { timeout: 2000, what: '1005 offline once the call ended' });
    assert.equal((await listed('1005')).State, 'Offline', 'not after-call work: nothing can reach the agent');
  });
});

describe('dev call center: supervisor events (GET /api/events)', { timeout: 60_000 }, () => {
  it('sends a snapshot on connect and after changes, at most one per 200 ms, with heartbeats, and drops its listeners when the client goes', async (t) => {
    const baseline = { directory: center.directory.listenerCount('change'), acd: center.acd.listenerCount('queued') };
    const stream = await openEvents(`${origin}${EVENTS_PATH}`);
    t.after(() => stream.close());
    assert.equal(stream.res.statusCode, 200);
    assert.match(String(stream.res.headers['content-type']), /^text\/event-stream/);
    assert.equal(stream.res.headers['cache-control'], 'no-store');
    const [first] = await waitFor(() => (stream.snapshots().length ? stream.snapshots() : null), { timeout: 2000, what: 'the first snapshot' });
    assert.ok(stream.received.some((e) => e.type === 'event' && e.retry === 2000), 'retry: tells EventSource when to reconnect');
    assert.deepEqual(first.agents.map((/** @type {any} */ a) => a.agentId), ['1001', '1002', '1003', '1004', '1005'], 'agents only, no supervisor');
    assert.deepEqual(first.queues.map((/** @type {any} */ q) => q.id), ['sales', 'support']);
    const carol = first.agents.find((/** @type {any} */ a) => a.agentId === '1003');
    assert.deepEqual(Object.keys(carol).sort(), ['agentId', 'breakReason', 'call', 'callId', 'name', 'pendingState', 'queues', 'registered', 'state', 'stateSince']);
    assert.deepEqual([carol.call, carol.pendingState], [null, null], 'no call, nothing pending');
    assert.equal(carol.registered, false);
    assert.ok(Math.abs(first.time - Date.now()) < 2000);
    assert.equal(center.directory.listenerCount('change'), baseline.directory + 1);
    assert.equal(center.acd.listenerCount('queued'), baseline.acd + 1);

    // A change is pushed: registration, then ReadyForService (queue figure too).
    const phone = await connectRaw(center.wsUrl, { user: '1003', password: password('1003'), domain: center.domain });
    t.after(() => phone.close());
    await phone.register(600);
    await waitFor(() => stream.snapshots().at(-1)?.agents.find((/** @type {any} */ a) => a.agentId === '1003')?.registered, { timeout: 2000, what: 'a snapshot with 1003 registered' });
    assert.equal((await cti('ReadyForService', { UserId: '1003' })).Code, 'OK');
    const ready = await waitFor(
      () => {
        const last = stream.snapshots().at(-1);
        return last?.agents.find((/** @type {any} */ a) => a.agentId === '1003')?.state === 'ready' ? last : null;
      },
      { timeout: 2000, what: 'a snapshot with 1003 ready' },
    );
    assert.equal(ready.queues.find((/** @type {any} */ q) => q.id === 'sales').readyAgents, 1);
    center.directory.setState('1003', 'break', { reason: 'missed', viaCti: true });
    const onBreak = await waitFor(() => stream.snapshots().at(-1)?.agents.find((/** @type {any} */ a) => a.agentId === '1003' && a.state === 'break'), { timeout: 2000, what: 'break pushed' });
    assert.equal(onBreak.breakReason, 'missed');

    // A burst is one snapshot, showing where the burst ended.
    await sleep(400);
    const before = stream.snapshots().length;
    for (let i = 0; i < 20; i++) center.directory.setState('1003', i % 2 ? 'break' : 'ready', { reason: 'lunch', viaCti: true });
    await sleep(600);
    const burst = stream.snapshots().slice(before);
    assert.equal(burst.length, 1, `${burst.length} snapshots for 20 changes in one tick`);
    assert.equal(burst[0].agents.find((/** @type {any} */ a) => a.agentId === '1003').state, 'break');

    // Changes every 30 ms for 900 ms: snapshots at least ~200 ms apart.
    const from = stream.snapshots().length;
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      center.directory.setState('1003', i % 2 ? 'ready' : 'break', { reason: 'lunch', viaCti: true });
      await sleep(30);
    }
    const elapsed = Date.now() - started;
    await sleep(400);
    const spaced = stream.snapshots().slice(from);
    const gaps = spaced.slice(1).map((s, i) => s.at - spaced[i].at);
    t.diagnostic(`30 changes over ${elapsed} ms -> ${spaced.length} snapshots, gaps ${gaps.join(', ')} ms`);
    assert.ok(spaced.length >= 2 && spaced.length <= Math.ceil(elapsed / 200) + 1, `${spaced.length} snapshots`);
    // Arrival times carry the client's own timer jitter: a little under 200 ms is still one push per 200 ms.
    assert.ok(gaps.every((g) => g >= 150), `gaps ${gaps.join(', ')}`);

    // A quiet stream still carries a comment line now and then.
    await sleep(HEARTBEAT_MS * 2 + 100);
    assert.ok(stream.received.some((e) => e.type === 'comment' && e.text === ': heartbeat'), 'heartbeat comment');

    stream.close();
    await waitFor(() => center.directory.listenerCount('change') === baseline.directory && center.acd.listenerCount('queued') === baseline.acd, {
      timeout: 2000,
      what: 'listeners removed after the client left',
    });
    // No more writes to a closed stream: changes now do nothing.
    center.directory.setState('1003', 'ready', { viaCti: true });
    await sleep(300);
  });

  it('pushes a queued call without any request from the page', async (t) => {
    const stream = await openEvents(`${origin}${EVENTS_PATH}`);
    t.after(() => stream.close());
    await waitFor(() => stream.snapshots().length, { timeout: 2000, what: 'the first snapshot' });
    const customer = await startPhone({ wsUrl: center.wsUrl, domain: center.domain, user: '13800000003', password: password('13800000003'), frequency: 350, answer: 'manual' });
    t.after(() => customer.close());
    // Nobody ready for support: the caller waits.
    const call = customer.call('support');
    const waiting = await waitFor(() => stream.snapshots().find((s) => s.queues.find((/** @type {any} */ q) => q.id === 'support').waiting === 1), { timeout: 3000, what: 'a snapshot with the call waiting' });
    const support = waiting.queues.find((/** @type {any} */ q) => q.id === 'support');
    assert.equal(typeof support.oldestSince, 'number', 'the page ticks the wait itself');
    assert.equal(support.calls[0].caller, '13800000003');
    call.hangUp();
    await waitFor(() => stream.snapshots().at(-1)?.queues.find((/** @type {any} */ q) => q.id === 'support').waiting === 0, { timeout: 3000, what: 'the call gone' });
  });
});

describe("dev call center: the supervisor's agent board and feature codes", { timeout: 90_000 }, () => {
  it("pushes an agent's call (caller, queue, direction, since) and its monitor as the supervisor dials *2221004, switches to whisper by DTMF and hangs up; a forced break waits for the call's end", async (t) => {
    const stream = await openEvents(`${origin}${EVENTS_PATH}`);
    t.after(() => stream.close());
    await waitFor(() => stream.snapshots().length, { timeout: 2000, what: 'the first snapshot' });
    /** The last snapshot's view of 1004. */
    const dave = () => stream.snapshots().at(-1)?.agents.find((/** @type {any} */ a) => a.agentId === '1004');
    const phone = (/** @type {string} */ user, /** @type {number} */ frequency, answer = /** @type {'auto'|'manual'} */ ('auto')) =>
      startPhone({ wsUrl: center.wsUrl, domain: center.domain, user, password: password(user), frequency, answer });
    const agent = await phone('1004', 1200);
    t.after(() => agent.close());
    const supervisorPhone = await phone('1009', 1800);
    t.after(() => supervisorPhone.close());
    const customerPhone = await phone('13800000004', 400, 'manual');
    t.after(() => customerPhone.close());
    assert.equal((await cti('ReadyForService', { UserId: '1004' })).Code, 'OK');

    const call = customerPhone.call('support');
    const leg = await agent.nextIncoming(0);
    await waitFor(() => call.has('confirmed') && leg.answered, { what: 'customer connected to 1004' });
    const talking = await waitFor(() => (dave()?.call?.since ? dave() : null), { timeout: 3000, what: "a snapshot with 1004's call" });
    const jobId = agent.invites[0].jobId;
    assert.equal(talking.state, 'talking');
    assert.equal(talking.callId, jobId);
    assert.deepEqual({ ...talking.call, since: 0 }, { jobId, caller: '13800000004', queue: 'Support', queueId: 'support', direction: 'inbound', since: 0, monitor: null });
    assert.ok(Math.abs(talking.call.since - Date.now()) < 5000);

    // The supervisor's softphone dials the feature code: the proxy hands it to the ACD.
    const sup = supervisorPhone.call('*2221004');
    const listening = await waitFor(() => (dave()?.call?.monitor ? dave() : null), { timeout: 3000, what: 'the monitor pushed' });
    assert.deepEqual(listening.call.monitor, { supervisorId: '1009', mode: 'listen' });
    await waitFor(() => sup.toneShare(400) > 0.2 && sup.toneShare(1200) > 0.2, { what: 'the supervisor hears customer and agent' });
    await sup.source.sendDtmf('5');
    await waitFor(() => dave()?.call?.monitor?.mode === 'whisper', { timeout: 3000, what: 'the mode change pushed' });

    const pause = (await api({ url: `${origin}${CTI_PATH}` }, 'TakeBreak', { UserId: '1004', Code: 'coaching' }, { headers: await supervisor() })).body;
    assert.equal(pause.Code, 'OK', JSON.stringify(pause));
    assert.deepEqual([pause.Data.UserState, pause.Data.PendingUserState], ['TALKING', 'BREAK']);
    const pending = await waitFor(() => dave()?.pendingState, { timeout: 3000, what: 'the pending break pushed' });
    assert.deepEqual({ ...pending, since: 0 }, { state: 'break', breakReason: 'coaching', by: '1009', since: 0 });

    sup.hangUp();
    await waitFor(() => dave()?.call && dave().call.monitor === null, { timeout: 3000, what: 'the monitor end pushed' });
    assert.equal(dave().state, 'talking', 'the call goes on without the supervisor');

    call.hangUp();
    const after = await waitFor(() => (dave()?.call === null && dave()?.state !== 'talking' ? dave() : null), { timeout: 3000, what: 'the call end pushed' });
    assert.deepEqual([after.state, after.breakReason, after.pendingState], ['break', 'coaching', null], 'on break, not in after-call work');
    // The monitoring leg is part of the ACD's record of the call, not a call record of its own.
    await waitFor(() => center.cdrStore.list({ agentId: '1004' }).records.length === 1, { what: "the call's record" });
    assert.deepEqual(center.cdrStore.list({ match: (r) => String(r.callee).startsWith('*') }).records, []);
    assert.deepEqual(center.featureCodes, { listen: '*222', whisper: '*223', barge: '*224', intercept: '*225', digits: { 4: 'listen', 5: 'whisper', 6: 'barge' } });
    const details = (await api({ url: `${origin}${CTI_PATH}` }, 'GetLoginDetails', {}, { headers: await supervisor() })).body;
    assert.deepEqual(details.Data.FeatureCodes, { Listen: '*222', Whisper: '*223', Barge: '*224', Intercept: '*225', Digits: { 4: 'listen', 5: 'whisper', 6: 'barge' } });
  });
});
