/**
 * The call history without a CTI server, end to end: an agent's workbench in a real tab of the
 * test browser (test/support/tab-page.html) takes real calls through Kamailio from JsSIP peers in
 * this page (one answered, one the caller gives up while it rings, one the agent places), then
 * the tab is reloaded. "My work" must match the calls the test made, before and after the
 * reload, and the recent calls (kept in the tab's IndexedDB, the same origin as this page) must
 * still be listed after it. Last, with `history-clear-on-logout`, logging out forgets them.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { formatDuration } from '../../elements/format.js';
import { STATUS } from '../../machines/agent-types.js';
import { CcCallHistory, figuresOf, historyFor } from '../../src/history/call-history.js';
import { openPeer, sipEnv, sleep, testUser, waitFor } from '../support/e2e.js';
import type { OpenPeer } from '../support/e2e.js';

const AGENT = '1004';
const CUSTOMER = '13800000001';
const CUSTOMER_2 = '13800000002';
const CUSTOMER_3 = '13800000003';

async function evalIn<T>(id: string, expression: string): Promise<T> {
  const { value } = await executeServerCommand<{ value: T }, { id: string; expression: string }>('tab-eval', { id, expression });
  return value;
}

/**
 * What the test reads and does in the tab, installed after each load: the talk time of each call
 * as the page saw its cc-call-released, and the history panels inside the workbench's shadow root.
 */
const TAB_HELPERS = `(() => {
  const wb = () => document.querySelector('cc-workbench');
  const inWb = (tag) => wb()?.shadowRoot?.querySelector(tag) ?? null;
  const text = (node) => (node?.textContent ?? '').replace(/\\s+/g, ' ').trim();
  window.__seen = { talkMs: 0, released: 0 };
  window.__watch = () => wb().addEventListener('cc-call-released', (e) => {
    window.__seen.released += 1;
    if (e.detail.callContext.answeredAt !== null) window.__seen.talkMs += Date.now() - e.detail.callContext.answeredAt;
  });
  window.__history = {
    shown: () => Boolean(inWb('cc-my-work')?.shadowRoot?.querySelector('[part~="my-work"]')),
    open(tag, part) {
      const details = inWb(tag).shadowRoot.querySelector('[part~="' + part + '"]');
      if (!details.open) details.querySelector('summary').click();
      return true;
    },
    figures() {
      const root = inWb('cc-my-work').shadowRoot;
      return Object.fromEntries([...root.querySelectorAll('[data-figure]')].map((f) => [f.dataset.figure, text(f)]));
    },
    entries: () => [...(inWb('cc-recent-calls')?.shadowRoot?.querySelectorAll('li button') ?? [])].map((b) => b.dataset.number),
    empty: () => text(inWb('cc-recent-calls')?.shadowRoot?.querySelector('.cti-empty')),
  };
  return true;
})()`;

describe('call history and my work without a CTI server, across a reload', function () {
  this.timeout(90_000);
  let tab: string | null = null;
  const peers: OpenPeer[] = [];

  afterEach(async () => {
    for (const p of peers.splice(0)) p.close();
    if (tab) await executeServerCommand('tab-close', { id: tab }).catch(() => undefined);
    tab = null;
  });

  /** Opens (or, after a reload, finds again) the agent's tab page, starts its workbench and logs in. */
  async function startAgent(id: string, attrs: Record<string, string> = {}): Promise<void> {
    await waitFor(() => evalIn<boolean>(id, '!window.__reloading && typeof window.startTab === "function"'), 'the tab page', 10_000, 100);
    await evalIn(id, TAB_HELPERS);
    const account = testUser(AGENT);
    const config = { server: sipEnv().wsUrl, sipUri: account.uri, password: account.password, attrs: { 'auto-register': '', history: '', ...attrs } };
    await evalIn(id, `window.startTab(${JSON.stringify(config)})`);
    await evalIn(id, 'window.__watch()');
    await waitFor(async () => (await evalIn<number>(id, 'window.agent().getStatusCode().code')) === STATUS.offline, 'registered');
    await evalIn(id, 'window.agent().logIn()');
    await waitFor(() => evalIn<boolean>(id, 'window.__history.shown()'), 'my work shown after log-in');
  }

  const code = (id: string): Promise<number> => evalIn<number>(id, 'window.agent().getStatusCode().code');

  async function until(id: string, status: number, what: string): Promise<void> {
    await waitFor(async () => (await code(id)) === status, what, 15_000);
  }

  it('counts the calls made in my work and keeps them over a reload; history-clear-on-logout forgets them', async () => {
    const account = testUser(AGENT);
    // Other tests' calls of this agent in this browser would count too: start from nothing.
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(historyFor(account.uri).name);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
    tab = (await executeServerCommand<{ id: string }, { path: string }>('tab-open', { path: '/test/support/tab-page.html' })).id;
    const id = tab;
    await startAgent(id);

    // 1. A customer calls, the agent answers, they talk, the customer hangs up.
    const first = await openPeer(CUSTOMER);
    peers.push(first);
    const call = first.peer.call(account.uri);
    await until(id, STATUS.ringing, 'ringing (1)');
    await evalIn(id, 'window.agent().answer()');
    await call.confirmed;
    await sleep(1500);
    call.session.terminate();
    await until(id, STATUS.afterCall, 'after-call work (1)');
    await sleep(700);
    await evalIn(id, 'window.agent().ready()');

    // 2. Another customer gives up while it rings.
    const second = await openPeer(CUSTOMER_2);
    peers.push(second);
    const gaveUp = second.peer.call(account.uri);
    await until(id, STATUS.ringing, 'ringing (2)');
    gaveUp.session.terminate();
    await until(id, STATUS.ready, 'ready after the caller gave up');

    // 3. The agent calls a customer, who answers; the agent hangs up.
    const third = await openPeer(CUSTOMER_3, (p) => {
      p.autoAnswer = true;
    });
    peers.push(third);
    await evalIn(id, `window.agent().call(${JSON.stringify(CUSTOMER_3)})`);
    await sleep(1000);
    await evalIn(id, 'window.agent().hangUp()');
    await until(id, STATUS.afterCall, 'after-call work (3)');
    await evalIn(id, 'window.agent().ready()');

    // What the page saw, and what the tab's history holds (read here: same origin, same database).
    const seen = await evalIn<{ talkMs: number; released: number }>(id, 'window.__seen');
    expect(seen.released).to.equal(3);
    const history = new CcCallHistory(historyFor(account.uri).agent);
    await waitFor(async () => (await history.calls()).length === 3, 'three calls kept');
    const kept = await history.calls();
    expect(kept.map((c) => [c.direction, c.direction === 'inbound' ? c.caller : c.callee, c.answeredAt !== null])).to.deep.equal([
      ['outbound', CUSTOMER_3, true],
      ['inbound', CUSTOMER_2, false],
      ['inbound', CUSTOMER, true],
    ]);
    const figures = figuresOf(await history.day(), null, Date.now());
    expect(figures).to.deep.include({ callsIn: 2, answeredIn: 1, missed: 1, callsOut: 1, answeredOut: 1 });
    expect(Math.abs(figures.talkMs - seen.talkMs), `talk ${figures.talkMs} ms kept, ${seen.talkMs} ms seen`).to.be.below(50);
    expect(figures.talkMs).to.be.at.least(2400);
    expect(figures.statusMs[STATUS.afterCall] ?? 0).to.be.at.least(700);

    const expected = {
      'calls-in': 'Calls in 2 1 answered · 1 missed',
      'calls-out': 'Calls out 1 1 answered',
      talk: `Talk time ${formatDuration(figures.talkMs)}`,
      handle: `Average handle time ${formatDuration((figures.talkMs + figures.afterCallMs) / 2)}`,
    };
    await evalIn(id, 'window.__history.open("cc-my-work", "my-work")');
    // The handle time keeps the after-call work written so far; the rest of the figures are fixed.
    await waitFor(async () => {
      const shown = await evalIn<Record<string, string>>(id, 'window.__history.figures()');
      return shown['calls-in'] === expected['calls-in'] && shown['calls-out'] === expected['calls-out'] && shown['talk'] === expected.talk;
    }, 'my work matching the calls made');
    expect((await evalIn<Record<string, string>>(id, 'window.__history.figures()'))['handle']).to.equal(expected.handle);

    // 4. Reload the tab: the history is still there, my work says the same.
    await evalIn(id, '(window.__reloading = true, setTimeout(() => location.reload(), 0), true)');
    await startAgent(id);
    await evalIn(id, 'window.__history.open("cc-recent-calls", "recent-calls")');
    await waitFor(async () => (await evalIn<string[]>(id, 'window.__history.entries()')).length === 3, 'recent calls after the reload');
    expect(await evalIn<string[]>(id, 'window.__history.entries()')).to.deep.equal([CUSTOMER_3, CUSTOMER_2, CUSTOMER]);
    await evalIn(id, 'window.__history.open("cc-my-work", "my-work")');
    await waitFor(async () => {
      const shown = await evalIn<Record<string, string>>(id, 'window.__history.figures()');
      return shown['calls-in'] === expected['calls-in'] && shown['calls-out'] === expected['calls-out'] && shown['talk'] === expected.talk;
    }, 'my work after the reload');
    expect((await evalIn<Record<string, string>>(id, 'window.__history.figures()'))['handle']).to.equal(expected.handle);

    // 5. With history-clear-on-logout, logging out forgets the agent's calls; the open list empties.
    await evalIn(id, `(window.agent().setAttribute('history-clear-on-logout', ''), true)`);
    await evalIn(id, 'window.agent().logOut()');
    await until(id, STATUS.offline, 'logged out');
    await waitFor(async () => (await history.calls()).length === 0, 'history forgotten');
    await waitFor(async () => (await evalIn<string>(id, 'window.__history.empty()')) === 'No recent calls', 'the list emptied');
  });
});
