/**
 * One registration across tabs, in real tabs of the test browser (test/support/tab-page.html,
 * opened and closed by the runner) against Kamailio: the tabs of one agent elect one leader that
 * registers and holds the media; the others show its state and their buttons work; closing the
 * leader hands the registration to another tab; the reference's localStorage keys place and end
 * a call. Kamailio's location table is the judge of "one registration".
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { openPeer, sleep, testUser, waitFor, sipEnv } from '../support/e2e.js';
import type { OpenPeer } from '../support/e2e.js';

interface TabState {
  registers: number;
  invitesReceived: number;
  statuses: number[];
  events: string[];
  code: number;
  holdsMedia: boolean | null;
  inboundPackets: number;
  label: string;
}

const AGENT = '1002';

async function openTab(attrs: Record<string, string> = {}): Promise<string> {
  const { id } = await executeServerCommand<{ id: string }, { path: string }>('tab-open', { path: '/test/support/tab-page.html' });
  await evalIn(id, 'typeof window.startTab === "function" || new Promise((r) => setTimeout(() => r(typeof window.startTab === "function"), 2000))');
  const account = testUser(AGENT);
  const config = { server: sipEnv().wsUrl, sipUri: account.uri, password: account.password, attrs: { 'auto-register': '', tabs: 'shared', ...attrs } };
  await evalIn(id, `window.startTab(${JSON.stringify(config)})`);
  return id;
}

async function evalIn<T>(id: string, expression: string): Promise<T> {
  const { value } = await executeServerCommand<{ value: T }, { id: string; expression: string }>('tab-eval', { id, expression });
  return value;
}

const stateOf = (id: string): Promise<TabState> => evalIn<TabState>(id, 'window.state()');
const press = (id: string, name: string): Promise<boolean> => evalIn<boolean>(id, `window.press(${JSON.stringify(name)})`);
const bindings = async (): Promise<string[]> =>
  (await executeServerCommand<{ contacts: string[] }, { user: string }>('sip-bindings', { user: AGENT })).contacts;

async function leaderOf(ids: readonly string[]): Promise<string> {
  return waitFor(
    async () => {
      const states = await Promise.all(ids.map(stateOf));
      const leaders = ids.filter((_, i) => states[i]!.holdsMedia === true);
      return leaders.length === 1 && states.every((s) => s.holdsMedia !== null) ? leaders[0] : null;
    },
    'exactly one leader tab',
    15_000,
  );
}

async function allAt(ids: readonly string[], code: number, what: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => (await Promise.all(ids.map(stateOf))).every((s) => s.code === code) || null, what, timeoutMs);
}

describe('one registration across the tabs of an agent', function () {
  this.timeout(90_000);
  const opened: string[] = [];
  let customer: OpenPeer | null = null;

  afterEach(async () => {
    customer?.close();
    customer = null;
    for (const id of opened.splice(0)) await executeServerCommand('tab-close', { id }).catch(() => undefined);
    // The last leader's lock goes once its socket closed; the next test starts from no binding.
    await sleep(300);
  });

  it('three tabs: one REGISTER binding, one ringing tab, answer and hang-up from other tabs with audio in the leader, a closed leader replaced', async () => {
    // Bindings other tests left (a page closed without unregistering keeps its binding until it
    // expires); the tabs' own are the ones added from here.
    const stale = await bindings();
    const ours = async (): Promise<string[]> => (await bindings()).filter((contact) => !stale.includes(contact));
    for (let i = 0; i < 3; i += 1) opened.push(await openTab());
    const leader = await leaderOf(opened);
    const followers = opened.filter((id) => id !== leader);
    await allAt(opened, 1, 'every tab showing the leader registered (status 1)');
    // Only the leader's socket ever sent a REGISTER; the registrar holds one contact.
    const states = await Promise.all(opened.map(stateOf));
    expect(states.map((s) => s.registers > 0)).to.deep.equal(opened.map((id) => id === leader));
    expect(await ours()).to.have.length(1);

    // A follower's Log in button works: the leader logs in, every tab shows ready.
    expect(await press(followers[0]!, 'Log in')).to.equal(true);
    await allAt(opened, 3, 'every tab ready after a follower pressed Log in');

    customer = await openPeer('1001');
    const call = customer.peer.call(`sip:${AGENT}@${sipEnv().domain}`);
    await allAt(opened, 6, 'every tab showing the call ringing');
    const ringing = await Promise.all(opened.map(stateOf));
    expect(ringing.map((s) => s.invitesReceived)).to.deep.equal(opened.map((id) => (id === leader ? 1 : 0)));
    // Every tab's page hears of the call (screen pops), from the one INVITE.
    expect(ringing.every((s) => s.events.includes('cc-call-incoming'))).to.equal(true);

    // Answer from a tab that holds no media: the leader answers, the audio flows there.
    expect(await press(followers[1]!, 'Answer')).to.equal(true);
    await call.confirmed;
    // 1001 calling is another agent: an internal call (status 11).
    await allAt(opened, 11, 'every tab in the call');
    const before = (await stateOf(leader)).inboundPackets;
    await waitFor(async () => (await stateOf(leader)).inboundPackets > before + 25 || null, 'audio arriving in the leader tab');
    expect((await customer.peer.packetsReceived(call)) > 0).to.equal(true);
    for (const id of followers) expect((await stateOf(id)).inboundPackets).to.equal(0);

    // Hang up from the other follower.
    expect(await press(followers[0]!, 'Hang up')).to.equal(true);
    const ended = await call.ended;
    expect(ended.originator).to.equal('remote');
    await allAt(opened, 5, 'every tab in after-call work');

    // The leader's tab closes: another tab takes over within seconds, registers the same contact
    // again (still one binding) and brings the agent back logged in.
    const contact = (await ours())[0];
    await executeServerCommand('tab-close', { id: leader });
    opened.splice(opened.indexOf(leader), 1);
    const started = Date.now();
    const next = await leaderOf(opened);
    await allAt(opened, 3, 'the agent ready again under the new leader', 15_000);
    const tookMs = Date.now() - started;
    await executeServerCommand('figure', { text: `tab hand-over: a closed leader tab replaced, registered and ready again in ${tookMs} ms` });
    expect((await stateOf(next)).registers).to.be.greaterThan(0);
    expect(await ours()).to.deep.equal([contact]);

    // The new leader takes calls.
    const second = customer.peer.call(`sip:${AGENT}@${sipEnv().domain}`);
    await allAt(opened, 6, 'the second call ringing in every remaining tab');
    expect(await press(opened.find((id) => id !== next)!, 'Answer')).to.equal(true);
    await second.confirmed;
    await waitFor(async () => (await stateOf(next)).inboundPackets > 25 || null, 'audio in the new leader');
    second.session.terminate();
    await allAt(opened, 5, 'after-call work after the second call');
  });

  it('two tabs with use-local-storage-to-call: workbenchSdkCall places a call, workbenchSdkHangup ends it, workbenchSdkStatus follows', async () => {
    for (let i = 0; i < 2; i += 1) opened.push(await openTab({ 'use-local-storage-to-call': '' }));
    await leaderOf(opened);
    expect(await press(opened[0]!, 'Log in')).to.equal(true);
    await allAt(opened, 3, 'ready');
    customer = await openPeer('1001');
    await waitFor(() => localStorage.getItem('workbenchSdkStatus') === '3' || null, 'workbenchSdkStatus 3');
    const incoming = customer.peer.nextIncoming();
    // This page holds no workbench: as in the reference, another page of the origin sets the key.
    localStorage.setItem('workbenchSdkCall', JSON.stringify({ callee: '1001', caller: '', random: Math.random() }));
    const call = await incoming;
    customer.peer.answer(call);
    await call.confirmed;
    await waitFor(() => localStorage.getItem('workbenchSdkStatus') === '10' || localStorage.getItem('workbenchSdkStatus') === '11' || null, 'status of a connected outbound call');
    localStorage.setItem('workbenchSdkHangup', String(Math.random()));
    const ended = await call.ended;
    expect(ended.originator).to.equal('remote');
    await waitFor(() => localStorage.getItem('workbenchSdkStatus') === '5' || null, 'workbenchSdkStatus 5 (after-call work)');
    // A value that is not the documented shape places nothing.
    localStorage.setItem('workbenchSdkCall', 'not json');
    await sleep(1000);
    expect(localStorage.getItem('workbenchSdkStatus')).to.equal('5');
  });
});
