/**
 * The phone-sdk facade (reference 002) against the dev call center: the reference's printed
 * examples (test/support/facade-phone-sdk.ts) drive agent 1001 through a queue call; 1002 takes
 * the blind transfer; supervisor 1009 forces states and listens, barges and takes a call over.
 */
import { expect } from '@open-wc/testing';
import '../../src/define.js';
// The reference's L71 `import Agent, { VENDOR_TYPE } from './api/src/index'`, path substituted.
import Agent, { AGENT_RIGHTS, EVENTS, EXTENSION_EVENTS, SUPERVISOR_RIGHTS, VENDOR_TYPE, agent as readyAgent, phoneBar } from '../../src/facades/phone-sdk.js';
import type { CcPhoneBar, PhoneSdkEventName, ResultInfo, RingInfo } from '../../src/facades/phone-sdk.js';
import { declaration } from '../../src/facades/phone-sdk-declarations.js';
import { NOT_APPLICABLE } from '../../src/facades/facade-core.js';
import { MediaProbe, sleep, waitFor } from '../support/e2e.js';
import { centerUser, customers, queueFigures, serverState } from '../support/center.js';
import {
  apiImportExample,
  checkInExample,
  checkOutExample,
  connectExample,
  dialoutExample,
  holdExample,
  joinTalkExample,
  listenExample,
  listenerExamples,
  orgGroupsExample,
  pauseExample,
  restoreExample,
  retrieveExample,
  transGroupDtmfExample,
} from '../support/facade-phone-sdk.js';

/** The CTI API's address, what the reference calls the server URL (served on the page's origin). */
const URL_OF_CTI = `${location.origin}/api/ccc`;
const ALL_EVENTS: readonly PhoneSdkEventName[] = [...EVENTS, ...EXTENSION_EVENTS];

interface Seen {
  readonly name: PhoneSdkEventName;
  readonly args: readonly unknown[];
}

/** Every event of `agent`, in order, and a way to wait for the next one of a kind. */
class Recorder {
  readonly seen: Seen[] = [];
  constructor(readonly agent: Agent, readonly who: string) {
    for (const name of ALL_EVENTS) agent.on(name, (...args: never[]) => void this.seen.push({ name, args }));
  }
  /** Index to pass as `since`: only events after now. */
  mark(): number {
    return this.seen.length;
  }
  of(name: PhoneSdkEventName): unknown[][] {
    return this.seen.filter((s) => s.name === name).map((s) => [...s.args]);
  }
  names(since = 0): string[] {
    return this.seen.slice(since).map((s) => s.name);
  }
  /** The first argument of the first `name` event at or after `since` that passes `check`. */
  async wait<T = unknown>(name: PhoneSdkEventName, since = 0, check: (first: T) => boolean = () => true, timeoutMs = 15_000): Promise<T> {
    const found = await waitFor(
      () => this.seen.slice(since).find((s) => s.name === name && check(s.args[0] as T)) ?? null,
      `${this.who}: ${name}`,
      timeoutMs,
    ).catch((error: Error) => {
      // What came instead, for the failure message (errors in full).
      const instead = this.seen.slice(since).map((s) => (s.name === 'onError' ? `onError ${JSON.stringify(s.args[0])}` : s.name));
      throw new Error(`${error.message}; events since: ${instead.join(', ') || 'none'}`);
    });
    return found.args[0] as T;
  }
  status(): number {
    return this.agent.workbench?.getStatusCode().code ?? -1;
  }
}

/** The rejection of `promise` as the reference's `{ errorCode, errorMsg }`; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<{ errorCode: number | string; errorMsg: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection, the promise resolved');
    },
    (error: { errorCode: number | string; errorMsg: string }) => error,
  );
}

const agents: Agent[] = [];
const mounted: Element[] = [];
let probe: MediaProbe;

/** A facade agent of `user`, connected (and checked in unless `checkIn` is false), with its recorder. */
async function connected(user: string, checkIn = true): Promise<Recorder> {
  const a = new Agent(VENDOR_TYPE.CC_WORKBENCH, { attributes: { 'after-call': 'manual', lang: 'en' } });
  agents.push(a);
  const rec = new Recorder(a, user);
  await a.connect(user, centerUser(user).password, URL_OF_CTI);
  if (checkIn) {
    await a.checkIn();
    await waitFor(async () => (await serverState(user)) === 'Ready', `${user} ready at the call center`);
  }
  return rec;
}

/** `rec`'s agent rings with a sales call from `from` and answers it (the answer extension). */
async function talkingWith(rec: Recorder, from: string): Promise<string> {
  const since = rec.mark();
  const placed = await customers.place(from, 'sales');
  await rec.wait<RingInfo>('onCallInRing', since, (r) => r.phoneNumber === from);
  await rec.agent.answer();
  await customers.until(placed.id, (c) => c.state === 'talking', 'talking');
  return placed.id;
}

beforeEach(() => {
  probe = new MediaProbe().install();
});

afterEach(async () => {
  await customers.hangUpAll();
  for (const a of agents.splice(0)) await a.disconnect();
  await readyAgent.disconnect();
  for (const el of mounted.splice(0)) el.remove();
  await sleep(600);
  expect(probe.liveTracks().length, 'microphone tracks left live').to.equal(0);
  probe.uninstall();
});

describe('phone-sdk facade (reference 002) against the dev call center', () => {
  it('runs the printed examples through a queue call: ring, answer, hold, retrieve, DTMF, dialTrans to 1002, hang-up, after-call work, restore', async () => {
    // 1002 takes the transfer later; on break until then, so the sales call rings 1001.
    const bob = await connected('1002');
    await bob.agent.pause();
    await waitFor(async () => (await serverState('1002')) === 'Break', '1002 on break');

    // Harness: `agent` (never defined by the document) is a new Agent; `vm` is the `this` of the
    // onGetOrgAgtgrps example (a Vue component's there).
    const agent = new Agent(VENDOR_TYPE.CC_WORKBENCH, { attributes: { 'after-call': 'manual', lang: 'en' } });
    agents.push(agent);
    const rec = new Recorder(agent, '1001');
    const vm = { allTransGroupList: [] as unknown[] };
    listenerExamples(agent);
    orgGroupsExample.call(vm, agent);
    connectExample(agent, { userCode: '1001', password: centerUser('1001').password, url: URL_OF_CTI });
    expect(await rec.wait<ResultInfo>('onConnect')).to.deep.equal({ result: true, message: '' });
    expect(rec.status(), 'registered, not checked in').to.equal(1);
    expect(agent.workbench!.hidden, 'the API has no UI: the workbench is mounted hidden').to.equal(true);

    // The lists the reference sends after connecting.
    const own = await rec.wait<{ groupId: string; groupName: string }[]>('onGetAgtGroups');
    expect(own.map((g) => g.groupId)).to.deep.equal(['sales@pbx.test']);
    await rec.wait('onGetOrgAgtgrps');
    expect((vm.allTransGroupList as { groupId: string }[]).map((g) => g.groupId), 'the printed example stored the transfer groups on `this`').to.include.members([
      'sales@pbx.test',
      'support@pbx.test',
    ]);
    const everyone = await rec.wait<{ agentId: string; state: string }[]>('onAllAgtInfo');
    expect(everyone.find((a) => a.agentId === '1002')?.state).to.equal('Break');
    expect(await rec.wait('onGetAgentRights')).to.deep.equal([...AGENT_RIGHTS]);

    // checkIn(groupIds), as printed.
    let since = rec.mark();
    checkInExample(agent, 'sales');
    expect(await rec.wait<ResultInfo>('onCheckIn', since)).to.deep.equal({ result: true, message: '' });
    await waitFor(async () => (await serverState('1001')) === 'Ready', '1001 ready at the call center');

    // A customer calls the sales queue: onCallInRing with the reference's payload.
    since = rec.mark();
    const placed = await customers.place('13800000031', 'sales');
    const ring = await rec.wait<RingInfo>('onCallInRing', since);
    expect(ring).to.include({ phoneNumber: '13800000031', area: '', agentId: '1001', queue: 'sales' });
    expect(ring.jobId).to.match(/^job-/);
    expect(rec.status()).to.equal(6);

    // answer (an addition: 002 has none): onCallIn + onInCall with callInfo.
    await agent.answer();
    const callIn = await rec.wait<{ phoneNumber: string; direction: string; jobId: string }>('onCallIn', since);
    expect(callIn).to.include({ phoneNumber: '13800000031', direction: 'inbound', jobId: ring.jobId });
    expect(rec.names(since)).to.include('onInCall');
    const customer = await customers.until(placed.id, (c) => c.state === 'talking', 'talking');

    // hold / retrieve, as printed; the customer sees each.
    since = rec.mark();
    holdExample(agent);
    expect(await rec.wait<ResultInfo>('onHold', since)).to.deep.equal({ result: true, message: '' });
    await customers.until(customer.id, (c) => c.held && c.heldBy !== 'local', 'held by the other side');
    retrieveExample(agent);
    await rec.wait('onRetrieve', since);
    await customers.until(customer.id, (c) => !c.held && c.holdCount >= 1, 'resumed');

    // transGroupDTMF, as printed: the customer receives the digits.
    transGroupDtmfExample(agent, '19#');
    await customers.until(customer.id, (c) => c.dtmfReceived.includes('19#'), 'DTMF 19# received', 15_000);

    // dialTrans: blind transfer to 1002, who rings with the customer's number and answers.
    await bob.agent.restore();
    await waitFor(async () => (await serverState('1002')) === 'Ready', '1002 ready');
    since = rec.mark();
    const bobSince = bob.mark();
    const transferring = agent.dialTrans('1002');
    expect(await bob.wait<RingInfo>('onCallInRing', bobSince)).to.include({ phoneNumber: '13800000031', agentId: '1002' });
    await bob.agent.answer();
    await transferring;
    const left = await rec.wait<{ phoneNumber: string; cause: string }>('onDisconnect', since);
    expect(left.phoneNumber).to.equal('13800000031');
    // After-call work: onIdle with the call, and status 5 (onStatusChange; 002 has no event for it).
    expect(await rec.wait<{ phoneNumber: string }>('onIdle', since)).to.include({ phoneNumber: '13800000031' });
    expect(await rec.wait<{ code: number }>('onStatusChange', since, (s) => s.code === 5)).to.deep.equal({ code: 5, lastCode: 9 });
    await customers.until(customer.id, (c) => c.state === 'talking' && !c.held, 'customer talks to 1002');

    // 1002 hangs up: the customer's call ends; 1002 in after-call work.
    await bob.agent.hangup();
    await customers.until(customer.id, (c) => c.state === 'ended', 'call ended for the customer');
    await bob.wait('onIdle', bobSince);
    expect(bob.status()).to.equal(5);

    // 1001 ready again through restore (agentId: its own id means itself).
    since = rec.mark();
    restoreExample(agent, '1001');
    expect(await rec.wait<ResultInfo>('onRestore', since)).to.deep.equal({ result: true, message: '' });
    await waitFor(async () => (await serverState('1001')) === 'Ready', '1001 ready at the call center');

    // pause as printed (`agent.pause(agent)`: the agent itself), then checkOut.
    since = rec.mark();
    pauseExample(agent);
    expect(await rec.wait<ResultInfo>('onPause', since)).to.deep.equal({ result: true, message: 'default' });
    checkOutExample(agent);
    expect(await rec.wait<ResultInfo>('onCheckOut', since)).to.deep.equal({ result: true, message: '' });
    await waitFor(async () => (await serverState('1001')) === 'Offline', '1001 offline at the call center');
    expect(rec.of('onError'), 'no method failed').to.deep.equal([]);
  });

  it('checkIn(groupIds) signs in to those groups only: 1002 in support is not offered sales calls', async () => {
    const bob = await connected('1002', false);
    await bob.agent.checkIn('support');
    await waitFor(async () => (await serverState('1002')) === 'Ready', '1002 ready');
    expect((await queueFigures('sales')).availableAgents, 'nobody takes sales calls').to.equal(0);
    expect((await queueFigures('support')).availableAgents).to.equal(1);
    const placed = await customers.place('13800000032', 'sales');
    await customers.until(placed.id, (c) => c.state === 'queued', 'queued');
    await sleep(2000);
    expect(bob.of('onCallInRing'), 'not offered').to.have.length(0);
    await bob.agent.checkOut();
    await bob.agent.checkIn();
    await bob.wait<RingInfo>('onCallInRing', 0, (r) => r.phoneNumber === '13800000032');
  });

  it('checkIn(groupIds) against a CTI API without SignInGroup signs in to all groups', async () => {
    const original = window.fetch;
    // A CTI API of the reference's era: SignInGroup unknown (404 InvalidAction.NotFound).
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input), location.href);
      if (url.searchParams.get('action') === 'SignInGroup') {
        return new Response(JSON.stringify({ Code: 'InvalidAction.NotFound', HttpStatusCode: 404, Message: 'Specified api "SignInGroup" is not found', RequestId: 'test', Data: null }), {
          status: 404,
          headers: { 'content-type': 'application/json' },
        });
      }
      return original(input, init);
    };
    try {
      const bob = await connected('1002', false);
      await bob.agent.checkIn('support');
      expect(bob.of('onCheckIn')).to.deep.equal([[{ result: true, message: '' }]]);
      await waitFor(async () => (await queueFigures('sales')).availableAgents === 1, '1002 takes sales calls too');
    } finally {
      window.fetch = original;
    }
  });

  it('dials out: onCallout, onCallOutRing (180), onCallOut and onInCall; a dial that fails is onDialOver', async () => {
    const rec = await connected('1001');
    let since = rec.mark();
    dialoutExample(rec.agent, '13900000031');
    const out = await rec.wait<{ phoneNumber: string; direction: string }>('onCallout', since);
    expect(out).to.include({ phoneNumber: '13900000031', direction: 'outbound' });
    expect(await rec.wait<{ phoneNumber: string; progress: number }>('onCallOutRing', since)).to.deep.include({ phoneNumber: '13900000031' });
    expect(await rec.wait<{ phoneNumber: string }>('onCallOut', since)).to.include({ phoneNumber: '13900000031' });
    await rec.wait('onInCall', since);
    expect(rec.names(since).filter((n) => n === 'onCallOutRing'), 'once per call').to.have.length(1);
    const customer = await customers.find((c) => c.direction === 'incoming' && c.to === '13900000031' && c.state === 'talking', 'the dialled customer answers');
    await rec.agent.hangup();
    await customers.until(customer.id, (c) => c.state === 'ended', 'ended');
    await rec.wait('onDisconnect', since);
    await rec.wait('onIdle', since);
    expect(rec.of('onDialOver'), 'an answered call is no dial failure').to.have.length(0);

    // 1003 is not registered: the dial fails once, with the SIP cause.
    await rec.agent.restore();
    since = rec.mark();
    await rec.agent.dialout('1003').catch(() => undefined);
    const message = await rec.wait<string>('onDialOver', since);
    expect(message).to.be.a('string').and.not.equal('');
    await sleep(500);
    expect(rec.of('onDialOver'), 'one onDialOver for one failed dial').to.have.length(1);
  });

  it('supervisor 1009: pause / restore / logoutAgent another agent, listen, joinTalk and disconnectCall on a talking agent', async () => {
    const alice = await connected('1001');
    const customerId = await talkingWith(alice, '13800000033');
    const bob = await connected('1002');
    const sup = await connected('1009', false);
    expect(await sup.wait('onGetAgentRights')).to.deep.equal([...SUPERVISOR_RIGHTS]);

    // pause(agentId) / restore(agentId) of another agent: its own workbench follows.
    let since = sup.mark();
    let bobSince = bob.mark();
    await sup.agent.pause('1002');
    expect(await sup.wait<ResultInfo>('onPause', since)).to.deep.equal({ result: true, message: 'agent 1002 paused' });
    await waitFor(async () => (await serverState('1002')) === 'Break', '1002 on break');
    expect(await bob.wait<ResultInfo>('onPause', bobSince)).to.include({ result: true });
    bobSince = bob.mark();
    await sup.agent.restore('1002');
    await waitFor(async () => (await serverState('1002')) === 'Ready', '1002 ready');
    await bob.wait<ResultInfo>('onRestore', bobSince);
    expect(sup.status(), 'the supervisor itself did not move').to.equal(1);

    // listen, as printed: status 21 on the talking agent's call.
    since = sup.mark();
    listenExample(sup.agent, '1001');
    await sup.wait<{ code: number }>('onStatusChange', since, (s) => s.code === 21);
    expect(sup.agent.workbench!.phone!.view.monitor).to.include({ agent: '1001', mode: 'listen' });
    // joinTalk, as printed: a barge on the same call.
    joinTalkExample(sup.agent, '1001');
    expect(await sup.wait<string>('onThreePart', since)).to.equal('barge');
    // disconnectCall: the supervisor takes the customer; 1001's call ends (after-call work).
    const aliceSince = alice.mark();
    await sup.agent.disconnectCall('1001');
    await alice.wait('onDisconnect', aliceSince);
    await waitFor(() => alice.status() === 5, '1001 in after-call work');
    expect(sup.status()).to.equal(9);
    await sup.agent.hangup();
    await customers.until(customerId, (c) => c.state === 'ended', 'ended');
    await sup.wait('onIdle', since);

    // logoutAgent(agentId): 1002 signed out; its workbench follows.
    bobSince = bob.mark();
    await sup.agent.logoutAgent('1002');
    await waitFor(async () => (await serverState('1002')) === 'Offline', '1002 offline');
    await bob.wait<ResultInfo>('onCheckOut', bobSince);
    expect(sup.of('onError')).to.deep.equal([]);
  });

  it('refuses bad input with an error naming the argument, reports it in the result event, and keeps a throwing handler from breaking anything', async () => {
    const fresh = new Agent();
    agents.push(fresh);
    const rec = new Recorder(fresh, 'fresh');
    expect(() => fresh.on('onNothing' as PhoneSdkEventName, () => undefined)).to.throw(/"onNothing" is not a phone-sdk event/);
    expect(() => fresh.on('onCheckIn', 'handler' as unknown as () => void)).to.throw(/handler must be a function/);
    // Before connect: a clear "not connected".
    const early = await rejection(fresh.dialout('13900000032'));
    expect(early).to.include({ errorCode: 6001 });
    expect(rec.of('onDialOver')[0]?.[0]).to.match(/not connected; call agent\.connect/);
    // connect with a missing user or a wrong password.
    const noUser = await rejection(fresh.connect('', 'x', URL_OF_CTI));
    expect(noUser).to.include({ errorCode: 7101 });
    expect(noUser.errorMsg).to.match(/userCode must be a non-empty string/);
    expect(rec.of('onConnect').at(-1)?.[0]).to.deep.include({ result: false, code: 7101 });
    // 1005 for the wrong passwords: five in a row would lock the account for a minute.
    const wrong = await rejection(fresh.connect('1005', 'wrong-password', URL_OF_CTI));
    expect(wrong).to.include({ errorCode: 7200 });
    expect(fresh.workbench, 'nothing half-connected').to.equal(null);
    const badUrl = await rejection(fresh.connect('1001', 'x', 'ws://127.0.0.1:5066'));
    expect(badUrl.errorMsg).to.match(/url "ws:\/\/127\.0\.0\.1:5066" is not an http\(s\) URL/);

    // A handler that throws: the others still run, the facade goes on.
    const after: string[] = [];
    fresh.on('onConnect', () => {
      throw new Error('a host bug');
    });
    fresh.on('onConnect', () => void after.push('second handler'));
    await fresh.connect('1001', centerUser('1001').password, URL_OF_CTI);
    expect(after).to.deep.equal(['second handler']);
    expect(rec.of('onConnect').at(-1)?.[0]).to.deep.equal({ result: true, message: '' });

    // Bad arguments once connected: the error names the argument; the result event has it.
    let since = rec.mark();
    const badNumber = await rejection(fresh.dialout(42 as unknown as string));
    expect(badNumber).to.include({ errorCode: 7101, errorMsg: 'agent.dialout(phoneNumber): phoneNumber must be a non-empty string (got number)' });
    expect(await rec.wait<string>('onDialOver', since)).to.equal(badNumber.errorMsg);
    const badDigits = await rejection(fresh.transGroupDTMF('1 2'));
    expect(badDigits.errorMsg).to.match(/group "1 2" is not DTMF digits/);
    expect(await rec.wait<{ method: string }>('onError', since, (e) => e.method === 'transGroupDTMF')).to.include({ errorCode: 7101 });
    since = rec.mark();
    await fresh.pause({} as unknown as string).catch(() => undefined);
    expect(await rec.wait<ResultInfo>('onPause', since)).to.deep.include({ result: false, code: 7101 });
    await fresh.checkIn(5 as unknown as string).catch(() => undefined);
    expect((await rec.wait<ResultInfo>('onCheckIn', since)).message).to.match(/groupIds must be skill-group ids separated by commas/);
    // Refused by the state: hold without a call (9001); supervisor methods for an agent (7008).
    await fresh.hold().catch(() => undefined);
    expect(await rec.wait<ResultInfo>('onHold', since)).to.deep.include({ result: false, code: 9001 });
    const notSupervisor = await rejection(fresh.listen('1002'));
    expect(notSupervisor).to.include({ errorCode: 7008 });
    expect(notSupervisor.errorMsg).to.match(/is not a supervisor/);
    // An ignoring caller (as the reference's users are) gets no unhandled rejection: the promise is handled.
    const unhandled: unknown[] = [];
    const onUnhandled = (e: PromiseRejectionEvent): void => void unhandled.push(e.reason);
    window.addEventListener('unhandledrejection', onUnhandled);
    void fresh.retrieve();
    await sleep(300);
    window.removeEventListener('unhandledrejection', onUnhandled);
    expect(unhandled).to.deep.equal([]);
    // The facade still works after all of it.
    since = rec.mark();
    await fresh.checkIn();
    await rec.wait('onCheckIn', since, (r: ResultInfo) => r.result);
  });

  it('another vendor\'s softphone bar is not applicable: connect rejects with 7102', async () => {
    const other = new Agent('some-vendor');
    agents.push(other);
    const rec = new Recorder(other, 'other');
    const refused = await rejection(other.connect('1001', centerUser('1001').password, URL_OF_CTI));
    expect(refused).to.include({ errorCode: NOT_APPLICABLE });
    expect(refused.errorMsg).to.match(/vendorType "some-vendor" is another vendor's softphone bar/);
    expect(rec.of('onConnect')[0]?.[0]).to.deep.include({ result: false, code: NOT_APPLICABLE });
    expect(declaration.hooks['onThreePartCallInRing']!.support).to.equal('n/a');
  });

  it('has exactly the declared methods and events; the global, the ready `agent` and the L73 line work', async () => {
    const publicMembers = Object.getOwnPropertyNames(Agent.prototype).filter((n) => n !== 'constructor').sort();
    const extensionMembers = ['answer', 'disconnect', 'off', 'workbench'];
    expect(publicMembers).to.deep.equal([...Object.keys(declaration.methods), 'on', ...extensionMembers].sort());
    for (const name of extensionMembers) expect(declaration.extensions, name).to.have.property(name);
    expect(typeof Agent.install).to.equal('function');
    expect(declaration.extensions).to.have.property('install');
    // Each declared method answers with a promise (here: not connected), never throws.
    const idle = new Agent();
    for (const name of Object.keys(declaration.methods)) {
      const method = (idle as unknown as Record<string, (...args: unknown[]) => Promise<void>>)[name]!;
      const error = await method.call(idle, '1005', 'x').then(
        () => null,
        (e: { errorCode: number }) => e,
      );
      expect(error, name).to.have.property('errorCode');
    }
    // Events: the declared hooks are what `on` accepts (`ring` is `<phone-bar>`'s).
    expect([...EVENTS, 'ring']).to.deep.equal(Object.keys(declaration.hooks));
    expect(EVENTS).to.have.length(23);
    for (const name of EXTENSION_EVENTS) expect(declaration.extensions, name).to.have.property(name);
    for (const name of ALL_EVENTS) expect(() => idle.on(name, () => undefined), name).not.to.throw();
    expect(Object.keys(declaration.statusCodes)).to.have.length(0);
    expect(Object.keys(declaration.errorCodes)).to.have.length(0);
    expect(declaration).to.include({ reference: '002', global: 'PhoneSdk', file: 'facades/phone-sdk.js' });

    // The classic script's global.
    expect(window.PhoneSdk).to.include({ Agent, VENDOR_TYPE, agent: readyAgent, phoneBar });
    expect(VENDOR_TYPE.CC_WORKBENCH).to.equal('cc-workbench');

    // L73 with the ready instance as `phoneAgent`.
    const rec = new Recorder(readyAgent, 'agent');
    apiImportExample(readyAgent, '1003', centerUser('1003').password, URL_OF_CTI);
    expect(await rec.wait<ResultInfo>('onConnect')).to.deep.equal({ result: true, message: '' });
  });

  it('<phone-bar> shows the workbench, connects from its props and fires ring; the Vue plugin leaves it to the browser', async () => {
    // Vue 3 (app.config.compilerOptions) and Vue 2 (Vue.config.ignoredElements), as Vue.use(phoneBar) calls install.
    const vue3 = { config: { compilerOptions: { isCustomElement: (tag: string) => tag === 'my-widget' } } };
    phoneBar.install(vue3);
    expect(['phone-bar', 'cc-workbench', 'my-widget', 'div'].map((t) => vue3.config.compilerOptions.isCustomElement(t))).to.deep.equal([true, true, true, false]);
    const vue2 = { config: { ignoredElements: ['x-old'] as (string | RegExp)[] } };
    Agent.install(vue2);
    expect(vue2.config.ignoredElements).to.deep.equal(['x-old', 'phone-bar', 'cc-workbench']);
    expect(() => phoneBar.install({})).to.throw(/must be a Vue app/);

    // As Vue binds `:vendor-type :user :url` (attributes) and `:password` (a property: it exists on the element).
    const bar = document.createElement('phone-bar') as CcPhoneBar;
    mounted.push(bar);
    expect('password' in bar).to.equal(true);
    bar.setAttribute('vendor-type', VENDOR_TYPE.CC_WORKBENCH);
    bar.setAttribute('user', '1001');
    bar.setAttribute('url', URL_OF_CTI);
    bar.password = centerUser('1001').password;
    const rings: Event[] = [];
    bar.addEventListener('ring', (e) => rings.push(e));
    document.body.append(bar);
    await waitFor(() => bar.agent?.workbench?.getStatusCode().code === 1, '<phone-bar> registered');
    const wb = bar.agent!.workbench!;
    expect(wb.parentElement).to.equal(bar);
    expect(wb.hidden, 'the bar is the UI: shown').to.equal(false);
    await bar.agent!.checkIn();
    await waitFor(async () => (await serverState('1001')) === 'Ready', '1001 ready');
    await customers.place('13800000034', 'sales');
    await waitFor(() => rings.length === 1, 'ring');
    const ring = rings[0] as Event & RingInfo & { detail: RingInfo };
    expect(ring.phoneNumber, 'the event carries the ringInfo fields').to.equal('13800000034');
    expect(ring.detail).to.include({ phoneNumber: '13800000034', agentId: '1001', area: '' });

    // A Vue 2 binding sets `password` as an attribute: read, then removed from the DOM.
    const vue2Bar = document.createElement('phone-bar') as CcPhoneBar;
    vue2Bar.setAttribute('password', 'secret');
    expect(vue2Bar.hasAttribute('password')).to.equal(false);
    expect(vue2Bar.password).to.equal('secret');
  });
});
