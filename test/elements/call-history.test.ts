// The call history kept in this browser (src/history/) and what shows it: the store on the real
// IndexedDB of Chromium, the recorder on a workbench's events, <cc-my-work> and the local list of
// <cc-recent-calls>. Every test uses an agent of its own (a database of its own) and deletes it.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../elements/cti/cc-cti-elements.js';
import '../../elements/my-work/cc-my-work.js';
import { formatDuration } from '../../elements/format.js';
import type { CcMyWork } from '../../elements/my-work/my-work.js';
import type { CcRecentCalls } from '../../elements/recent-calls/recent-calls.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { STATUS } from '../../machines/agent-types.js';
import type { CallInfo, StatusCode } from '../../machines/agent-types.js';
import { CcCallHangupEvent } from '../../src/events/cc-call-hangup-event.js';
import { CcCallReleasedEvent } from '../../src/events/cc-call-released-event.js';
import type { CcCallReleasedDetail } from '../../src/events/cc-call-released-event.js';
import { CcStatusChangeEvent } from '../../src/events/cc-status-change-event.js';
import { CcCallHistory, MAX_CALLS, dayKey, figuresOf, historyFor, splitByDay } from '../../src/history/call-history.js';
import type { HistoryCall } from '../../src/history/call-history.js';
import { recordHistory } from '../../src/history/history-recorder.js';
import type { HistoryHost } from '../../src/history/history-recorder.js';
import { loadTranslation } from '../../src/localize/localize.js';
import type { PhoneApi } from '../../src/phone-api.js';
import { sipUserOf } from '../../src/sip-uri.js';
import { CUSTOMER, button, deepQuery, destroyFakePhones, fakePhone, mountWorkbench, part, ring, settle, shadow, toReady, untilCode } from './helpers.js';
import type { Mounted } from './helpers.js';

before(() => loadTranslation('zh-CN'));

let sequence = 0;
const agents: string[] = [];

/** A SIP URI of an agent no other test uses (its own database). */
function freshUri(): string {
  const uri = `sip:h${Date.now().toString(36)}${(sequence += 1)}@history.test`;
  agents.push(uri);
  return uri;
}

async function dropDatabases(): Promise<void> {
  for (const uri of agents.splice(0)) {
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(historyFor(uri).name);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  }
}

function startOfToday(now = Date.now()): number {
  return new Date(now).setHours(0, 0, 0, 0);
}

/**
 * A base time today with 25 minutes of room after it: 20 minutes ago, or (in the first minutes
 * after midnight) one minute from now. Tests place their calls and statuses after it.
 */
function todayBase(now = Date.now()): number {
  return now - startOfToday(now) > 25 * 60_000 ? now - 20 * 60_000 : now + 60_000;
}

function call(fields: Partial<HistoryCall> & Pick<HistoryCall, 'callId' | 'startedAt'>): HistoryCall {
  return {
    direction: 'inbound',
    internal: false,
    consult: false,
    caller: CUSTOMER,
    callee: '1001',
    remoteName: '',
    answeredAt: null,
    endedAt: fields.startedAt + 1000,
    cause: 'BYE',
    missed: false,
    queue: '',
    userData: '',
    ...fields,
  };
}

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '');
}

afterEach(async () => {
  destroyFakePhones();
  await dropDatabases();
});

describe('call history: days and figures', () => {
  it('splits time at local midnight', () => {
    const late = new Date(2024, 4, 31, 23, 59, 0).getTime();
    expect(splitByDay(late, late + 120_000)).to.deep.equal([
      { day: '2024-05-31', ms: 60_000 },
      { day: '2024-06-01', ms: 60_000 },
    ]);
    expect(splitByDay(late, late)).to.deep.equal([]);
  });

  it('counts the customer legs of the day: in and out, answered, missed, talk and handle time, statuses with the open one', () => {
    const t = new Date(2024, 4, 31, 10, 0, 0).getTime();
    const day = {
      day: '2024-05-31',
      calls: [
        call({ callId: 'a', startedAt: t, answeredAt: t + 5_000, endedAt: t + 88_000 }),
        call({ callId: 'b', startedAt: t + 100_000, endedAt: t + 110_000, missed: true }),
        call({ callId: 'c', direction: 'outbound', startedAt: t + 200_000, answeredAt: t + 203_000, endedAt: t + 240_000 }),
        call({ callId: 'd', direction: 'outbound', startedAt: t + 300_000, endedAt: t + 302_000 }),
        // A consultation with a colleague during call c: listed, not counted.
        call({ callId: 'e', direction: 'outbound', internal: true, consult: true, startedAt: t + 210_000, answeredAt: t + 212_000, endedAt: t + 230_000 }),
      ],
      statusMs: { 3: 600_000, 5: 40_000 },
    };
    const figures = figuresOf(day, { code: STATUS.afterCall, since: t + 500_000 }, t + 510_000);
    expect(figures).to.deep.equal({
      callsIn: 2,
      answeredIn: 1,
      callsOut: 2,
      answeredOut: 1,
      missed: 1,
      talkMs: 83_000 + 37_000,
      afterCallMs: 50_000,
      averageHandleMs: (120_000 + 50_000) / 2,
      statusMs: { 3: 600_000, 5: 50_000 },
    });
    // The open status of another day adds nothing to this one.
    const tomorrow = t + 86_400_000;
    expect(figuresOf(day, { code: STATUS.ready, since: tomorrow }, tomorrow + 1000).statusMs).to.deep.equal({ 3: 600_000, 5: 40_000 });
    expect(figuresOf({ day: '2024-05-31', calls: [], statusMs: {} }, null, t).averageHandleMs).to.equal(null);
  });
});

describe('call history: the store (IndexedDB)', () => {
  it('keeps calls newest first and finds them again with a new connection (a reloaded page)', async () => {
    const uri = freshUri();
    const history = historyFor(uri);
    const base = todayBase();
    await history.addCall(call({ callId: 'one', startedAt: base, endedAt: base + 1000 }));
    await history.addCall(call({ callId: 'two', direction: 'outbound', caller: '1001', callee: '13900000001', startedAt: base + 2000, endedAt: base + 3000 }));
    expect((await history.calls()).map((c) => c.callId)).to.deep.equal(['two', 'one']);
    const reopened = new CcCallHistory(history.agent);
    const again = await reopened.calls();
    expect(again.map((c) => c.callId)).to.deep.equal(['two', 'one']);
    expect(again[0]).to.deep.include({ direction: 'outbound', callee: '13900000001', endedAt: base + 3000 });
    expect((await reopened.calls(1)).map((c) => c.callId)).to.deep.equal(['two']);
  });

  it(`keeps at most ${MAX_CALLS} calls: the oldest go`, async () => {
    const history = historyFor(freshUri());
    const base = todayBase();
    for (let i = 0; i < MAX_CALLS + 5; i += 1) await history.addCall(call({ callId: `c${i}`, startedAt: base + i, endedAt: base + i + 1 }));
    const kept = await history.calls();
    expect(kept.length).to.equal(MAX_CALLS);
    expect(kept.at(-1)!.callId).to.equal('c5');
    expect(kept[0]!.callId).to.equal(`c${MAX_CALLS + 4}`);
  });

  it('never replaces an answered leg by an unanswered one of the same call (another tab rang too)', async () => {
    const history = historyFor(freshUri());
    const base = todayBase();
    await history.addCall(call({ callId: 'x', startedAt: base, answeredAt: base + 100, endedAt: base + 5000 }));
    await history.addCall(call({ callId: 'x', startedAt: base, endedAt: base + 200 }));
    expect((await history.calls())[0]!.answeredAt).to.equal(base + 100);
  });

  it('adds the time of each status to its day, and forgets everything on clear()', async () => {
    const history = historyFor(freshUri());
    const base = todayBase();
    await history.status(STATUS.ready, base);
    await history.status(STATUS.break, base + 600_000);
    await history.flush(base + 900_000);
    await history.status(null, base + 960_000);
    expect(history.open).to.equal(null);
    const day = await history.day(base);
    expect(day.day).to.equal(dayKey(base));
    expect(day.statusMs).to.deep.equal({ 3: 600_000, 2: 360_000 });
    await history.addCall(call({ callId: 'y', startedAt: base }));
    await history.clear();
    expect(await history.calls()).to.deep.equal([]);
    expect((await history.day(base)).statusMs).to.deep.equal({});
  });

  it('tells subscribers of each change', async () => {
    const history = historyFor(freshUri());
    let told = 0;
    const off = history.subscribe(() => (told += 1));
    await history.addCall(call({ callId: 'z', startedAt: todayBase() }));
    off();
    await history.clear();
    expect(told).to.equal(1);
  });
});

/** A stand-in for `<cc-workbench history>`: the recorder only needs its events, `phone` and the attribute. */
function fakeHost(sipUri: string, holdsMedia = true): HistoryHost & { code: StatusCode } {
  const host = document.createElement('div') as unknown as HistoryHost & { code: StatusCode; phone: PhoneApi };
  host.setAttribute('history', '');
  host.code = STATUS.ready;
  host.phone = { holdsMedia, config: { sipUri }, getStatusCode: () => ({ code: host.code, lastCode: STATUS.offline }) } as unknown as PhoneApi;
  document.body.append(host);
  return host;
}

function released(callId: string, fields: Partial<CcCallReleasedDetail> = {}): CcCallReleasedEvent {
  const now = Date.now();
  const info = { callId, sipCallId: callId, direction: 'inbound', caller: CUSTOMER, callee: '1001', remoteName: 'Alice', internal: false, startedAt: now - 5000, answeredAt: now - 4000, muted: false } as CallInfo;
  return new CcCallReleasedEvent({
    callId,
    caller: CUSTOMER,
    callee: '1001',
    direction: 'inbound',
    remoteName: 'Alice',
    internal: false,
    jobId: '',
    queue: 'sales',
    queueName: 'Sales',
    referredBy: '',
    userData: 'ticket=42',
    callContext: info,
    cause: 'BYE',
    missed: false,
    ...fields,
  });
}

function statusChange(code: StatusCode, lastCode: StatusCode): CcStatusChangeEvent {
  return new CcStatusChangeEvent({ code, lastCode, context: { breakReason: null, call: null, consult: null } });
}

describe('call history: the recorder', () => {
  it('records released legs as cc-call-released reported them; a leg without cc-call-hangup first is a consultation', async () => {
    const uri = freshUri();
    const host = fakeHost(uri);
    recordHistory(host);
    const history = historyFor(uri);
    const before = Date.now();
    host.dispatchEvent(new CcCallHangupEvent({ type: 'inbound', callId: 'cust' }));
    host.dispatchEvent(released('cust'));
    host.dispatchEvent(released('colleague', { direction: 'outbound', internal: true, callee: '1002' }));
    await waitUntil(async () => (await history.calls()).length === 2, 'two calls kept', { timeout: 2000 });
    const kept = await history.calls();
    const customer = kept.find((c) => c.callId === 'cust');
    const colleague = kept.find((c) => c.callId === 'colleague');
    expect(customer).to.deep.include({ callId: 'cust', consult: false, direction: 'inbound', caller: CUSTOMER, remoteName: 'Alice', queue: 'sales', userData: 'ticket=42', cause: 'BYE', missed: false });
    expect(customer!.answeredAt).to.equal(customer!.startedAt + 1000);
    expect(customer!.endedAt).to.be.within(before, Date.now());
    expect(colleague).to.deep.include({ callId: 'colleague', consult: true, internal: true, callee: '1002' });
    host.remove();
  });

  it('records nothing in a tab that does not hold the media, nor with history="off", nor without history', async () => {
    const uris = [freshUri(), freshUri(), freshUri()];
    const follower = fakeHost(uris[0]!, false);
    recordHistory(follower);
    follower.dispatchEvent(new CcCallHangupEvent({ type: 'inbound', callId: 'f' }));
    follower.dispatchEvent(released('f'));
    const off = fakeHost(uris[1]!);
    off.setAttribute('history', 'off');
    const none = fakeHost(uris[2]!);
    none.removeAttribute('history');
    for (const host of [off, none]) {
      recordHistory(host);
      host.dispatchEvent(released('o'));
      host.dispatchEvent(statusChange(STATUS.break, STATUS.ready));
    }
    await new Promise((r) => setTimeout(r, 100));
    const names = await databaseNames();
    for (const uri of uris) expect(names).not.to.include(historyFor(uri).name);
    for (const host of [follower, off, none]) host.remove();
  });

  it('keeps the time in each status from the status it started in; with history-clear-on-logout a log-out forgets it all', async () => {
    const uri = freshUri();
    const host = fakeHost(uri);
    host.setAttribute('history-clear-on-logout', '');
    recordHistory(host);
    const history = historyFor(uri);
    expect(history.open?.code).to.equal(STATUS.ready);
    history.open!.since -= 3000; // three seconds ready
    host.dispatchEvent(statusChange(STATUS.break, STATUS.ready));
    await waitUntil(async () => ((await history.day()).statusMs[3] ?? 0) >= 3000, 'ready time written', { timeout: 2000 });
    host.dispatchEvent(new CcCallHangupEvent({ type: 'inbound', callId: 'k' }));
    host.dispatchEvent(released('k'));
    await waitUntil(async () => (await history.calls()).length === 1, 'call kept', { timeout: 2000 });
    host.dispatchEvent(statusChange(STATUS.offline, STATUS.break));
    await waitUntil(async () => (await history.calls()).length === 0, 'history cleared', { timeout: 2000 });
    expect((await history.day()).statusMs).to.deep.equal({});
    expect(history.open?.code).to.equal(STATUS.offline);
    host.remove();
  });

  it('keeps no supervisor monitoring call (status 21)', async () => {
    const uri = freshUri();
    const host = fakeHost(uri);
    host.code = STATUS.monitoring;
    recordHistory(host);
    host.dispatchEvent(new CcCallHangupEvent({ type: 'inbound', callId: 'm' }));
    host.dispatchEvent(released('m'));
    host.dispatchEvent(statusChange(STATUS.ready, STATUS.monitoring));
    host.dispatchEvent(new CcCallHangupEvent({ type: 'inbound', callId: 'n' }));
    host.dispatchEvent(released('n'));
    await waitUntil(async () => (await historyFor(uri).calls()).length === 1, 'one call kept', { timeout: 2000 });
    expect((await historyFor(uri).calls())[0]!.callId).to.equal('n');
    host.remove();
  });
});

function figure(el: Element, name: string): string {
  return (shadow(el).querySelector(`[data-figure="${name}"]`)?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Each row of "time in each status": its label and its time. */
function statusRows(el: Element): string[] {
  return [...shadow(el).querySelectorAll('.statuses li')].map((li) => [...li.children].map((cell) => cell.textContent!.trim()).join(' '));
}

async function openDetails(el: Element, name: string): Promise<void> {
  part(el, name)!.querySelector('summary')!.click();
  await settle(el as unknown as { updateComplete: Promise<boolean> });
}

/** A day of one agent: two calls in (one answered 83 s), one out (37 s), a consultation, 10 min ready, 5 break, 40 s after-call. */
async function fillDay(uri: string): Promise<number> {
  const history = historyFor(uri);
  const base = todayBase();
  await history.addCall(call({ callId: 'a', startedAt: base, answeredAt: base + 5_000, endedAt: base + 88_000 }));
  await history.addCall(call({ callId: 'b', startedAt: base + 100_000, endedAt: base + 110_000, missed: true }));
  const self = sipUserOf(uri);
  await history.addCall(call({ callId: 'c', direction: 'outbound', caller: self, callee: '13900000001', startedAt: base + 200_000, answeredAt: base + 203_000, endedAt: base + 240_000 }));
  await history.addCall(call({ callId: 'd', direction: 'outbound', internal: true, consult: true, caller: self, callee: '1002', startedAt: base + 210_000, answeredAt: base + 212_000, endedAt: base + 230_000 }));
  await history.status(STATUS.ready, base);
  await history.status(STATUS.break, base + 600_000);
  await history.status(STATUS.afterCall, base + 900_000);
  await history.status(null, base + 940_000);
  return base;
}

describe('<cc-my-work>', () => {
  it("shows the day's figures in a closed <details>: calls in and out, talk and handle time, time in each status", async () => {
    const uri = freshUri();
    await fillDay(uri);
    const { phone } = fakePhone({ sipUri: uri });
    const el = await fixture<CcMyWork>(html`<cc-my-work lang="en" .phone=${phone}></cc-my-work>`);
    const details = part(el, 'my-work') as HTMLDetailsElement;
    expect(details.localName).to.equal('details');
    expect(details.open).to.equal(false);
    await waitUntil(() => details.querySelector('summary')!.textContent!.includes('3 calls'), 'figures read', { timeout: 2000 });
    expect(details.querySelector('summary')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('My work 3 calls · 02:00');
    await openDetails(el, 'my-work');
    expect(figure(el, 'calls-in')).to.equal('Calls in 2 1 answered · 1 missed');
    expect(figure(el, 'calls-out')).to.equal('Calls out 1 1 answered');
    expect(figure(el, 'talk')).to.equal('Talk time 02:00');
    // (83 + 37 s talk + 40 s after-call work) / 2 answered calls
    expect(figure(el, 'handle')).to.equal('Average handle time 01:20');
    expect(statusRows(el)).to.deep.equal(['Break 05:00', 'Ready 10:00', 'After-call work 00:40']);
    await expect(el).to.be.accessible();
  });

  it('speaks Chinese, and counts the current status up while open', async () => {
    const uri = freshUri();
    await fillDay(uri);
    const { phone } = fakePhone({ sipUri: uri });
    const el = await fixture<CcMyWork>(html`<cc-my-work lang="zh-CN" .phone=${phone}></cc-my-work>`);
    await openDetails(el, 'my-work');
    await waitUntil(() => figure(el, 'calls-in') !== '' && figure(el, 'calls-in').includes('2'), 'figures read', { timeout: 2000 });
    expect(figure(el, 'calls-in')).to.equal('呼入 2 接通 1 · 未接 1');
    expect(shadow(el).querySelector('h3')!.textContent).to.equal('各状态时长');
    expect(statusRows(el)).to.deep.equal(['小休 05:00', '空闲 10:00', '话后处理 00:40']);
    // The page's open status (what the recorder keeps) counts without being written, every second.
    historyFor(uri).open = { code: STATUS.ready, since: Date.now() - 2000 };
    await waitUntil(() => /^空闲 10:0[2-9]$/.test(statusRows(el)[1]!), 'ready with the open status', { timeout: 3000 });
    const shown = statusRows(el)[1];
    await waitUntil(() => statusRows(el)[1] !== shown, 'ready counting up', { timeout: 3000 });
    expect(statusRows(el)[1]! > shown!).to.equal(true);
    historyFor(uri).open = null;
  });

  it('reads again after each change of the history', async () => {
    const uri = freshUri();
    const { phone } = fakePhone({ sipUri: uri });
    const el = await fixture<CcMyWork>(html`<cc-my-work lang="en" .phone=${phone}></cc-my-work>`);
    await openDetails(el, 'my-work');
    expect(figure(el, 'calls-in')).to.equal('Calls in 0 0 answered · 0 missed');
    expect(shadow(el).querySelector('.statuses')).to.equal(null);
    const base = todayBase();
    await historyFor(uri).addCall(call({ callId: 'late', startedAt: base, answeredAt: base, endedAt: base + 61_000 }));
    await waitUntil(() => figure(el, 'calls-in') === 'Calls in 1 1 answered · 0 missed', 'refreshed', { timeout: 2000 });
    expect(figure(el, 'talk')).to.equal('Talk time 01:01');
  });
});

function localEntries(el: Element): HTMLButtonElement[] {
  return [...shadow(el).querySelectorAll<HTMLButtonElement>('li button')];
}

describe('<cc-recent-calls> without a CTI API', () => {
  it('shows unanswered calls out as busy or failed, unanswered calls in as missed', async () => {
    const uri = freshUri();
    const base = todayBase();
    const history = historyFor(uri);
    await history.addCall(call({ callId: 'busy', direction: 'outbound', callee: '13900000002', startedAt: base, cause: 'Busy Here (486)' }));
    await history.addCall(call({ callId: 'failed', direction: 'outbound', callee: '13900000003', startedAt: base + 10, cause: 'Not Found (404)' }));
    await history.addCall(call({ callId: 'gave-up', startedAt: base + 20, cause: 'Canceled' }));
    const { recentCalls } = await import('../../src/history/history.js');
    const { phone } = fakePhone({ sipUri: uri });
    expect((await recentCalls(phone)).map((r) => [r.jobId, r.result, r.duration])).to.deep.equal([
      ['gave-up', 'missed', 0],
      ['failed', 'failed', 0],
      ['busy', 'busy', 0],
    ]);
    expect(await recentCalls(null)).to.deep.equal([]);
  });

  it('lists the calls kept in this browser, newest first; picking one fires cc-number-pick', async () => {
    const uri = freshUri();
    await fillDay(uri);
    const { phone } = fakePhone({ sipUri: uri });
    const el = await fixture<CcRecentCalls>(html`<cc-recent-calls lang="en" .phone=${phone}></cc-recent-calls>`);
    await openDetails(el, 'recent-calls');
    await waitUntil(() => localEntries(el).length === 4, 'four calls listed', { timeout: 2000 });
    const names = localEntries(el).map((b) => (b.textContent ?? '').replace(/\s+/g, ' ').trim());
    // Newest first by their end: the consultation ended before its customer call.
    expect(names[0]).to.match(/^13900000001 Outbound · .+ · Answered 00:37$/);
    expect(names[1]).to.match(/^1002 Internal · .+ · Answered 00:18$/);
    expect(names[2]).to.match(/^13800000000 Inbound · .+ · Missed$/);
    expect(names[3]).to.match(/^13800000000 Inbound · .+ · Answered 01:23$/);
    expect(localEntries(el)[2]!.hasAttribute('data-missed')).to.equal(true);
    const picked = oneEvent(el, 'cc-number-pick');
    localEntries(el)[0]!.click();
    expect((await picked).detail).to.deep.equal({ number: '13900000001' });
    await expect(el).to.be.accessible();
  });
});

/** The workbench's <cc-my-work>, once the history chunk is in. */
async function myWorkOf(el: CcWorkbench): Promise<CcMyWork> {
  await waitUntil(() => el.shadowRoot!.querySelector('cc-my-work'), 'cc-my-work shown', { timeout: 3000 });
  const work = el.shadowRoot!.querySelector('cc-my-work')!;
  await work.updateComplete;
  return work;
}

/** The talk time of the customer calls (not the consultation of 1002) as the page saw their cc-call-released. */
function talkWatch(m: Mounted): () => number {
  let talk = 0;
  m.el.addEventListener('cc-call-released', ({ detail }) => {
    if (detail.callContext.answeredAt !== null && detail.callee !== '1002') talk += Date.now() - detail.callContext.answeredAt;
  });
  return () => talk;
}

describe('<cc-workbench> with its call history', () => {
  it('records once logged in: my work counts the calls made, the local recent calls list them, call back dials', async () => {
    const uri = freshUri();
    const m = await mountWorkbench({ 'sip-uri': uri, 'after-call': 'manual', lang: 'en', history: '' });
    const talk = talkWatch(m);
    expect(m.el.shadowRoot!.querySelector('cc-my-work, cc-recent-calls')).to.equal(null);
    await toReady(m.el);
    const work = await myWorkOf(m.el);
    // Inbound, answered, with a consultation of 1002 cancelled, then the customer hangs up.
    await ring(m, 'in-1');
    button(m.el, 'Answer').click();
    await untilCode(m.el, STATUS.inboundTalk);
    await new Promise((r) => setTimeout(r, 300));
    const consult = m.el.consult('1002');
    await untilCode(m.el, STATUS.consultDialing);
    m.sip.push({ type: 'sip.call.confirmed', callId: m.sip.last('sip.call')!.callId });
    await consult;
    await new Promise((r) => setTimeout(r, 50));
    await m.el.cancelConsult();
    m.sip.push({ type: 'sip.call.ended', callId: 'in-1', cause: 'BYE', originator: 'remote' });
    await untilCode(m.el, STATUS.afterCall);
    await new Promise((r) => setTimeout(r, 200));
    await m.el.ready();
    // Inbound, the caller gives up while it rings.
    await ring(m, 'in-2', '13700000002');
    m.sip.push({ type: 'sip.call.ended', callId: 'in-2', cause: 'Canceled', originator: 'remote' });
    await untilCode(m.el, STATUS.ready);
    // Outbound, answered, the agent hangs up.
    const dialled = m.el.call('13900000001');
    await untilCode(m.el, STATUS.dialing);
    m.sip.push({ type: 'sip.call.confirmed', callId: m.sip.last('sip.call')!.callId });
    await dialled;
    await new Promise((r) => setTimeout(r, 200));
    await m.el.hangUp();
    await untilCode(m.el, STATUS.afterCall);
    await m.el.ready();

    const history = historyFor(uri);
    await waitUntil(async () => (await history.calls()).length === 4, 'four legs kept', { timeout: 2000 });
    const figures = figuresOf(await history.day(), null, Date.now());
    expect(figures).to.deep.include({ callsIn: 2, answeredIn: 1, missed: 1, callsOut: 1, answeredOut: 1 });
    expect(Math.abs(figures.talkMs - talk())).to.be.below(50);
    expect(figures.talkMs).to.be.at.least(500);
    expect(figures.statusMs[STATUS.afterCall] ?? 0).to.be.at.least(200);
    expect(figures.statusMs[STATUS.consultTalking] ?? 0).to.be.above(0);

    await openDetails(work, 'my-work');
    // The element reads on each change it hears of (the last ones may still be on their way).
    await waitUntil(
      () => figure(work, 'calls-in') === 'Calls in 2 1 answered · 1 missed' && figure(work, 'calls-out') === 'Calls out 1 1 answered',
      `my work shown (${figure(work, 'calls-in')}, ${figure(work, 'calls-out')})`,
      { timeout: 2000 },
    );
    expect(figure(work, 'talk')).to.equal(`Talk time ${formatDuration(figures.talkMs)}`);

    const recent = m.el.shadowRoot!.querySelector('cc-recent-calls')!;
    await openDetails(recent, 'recent-calls');
    await waitUntil(() => localEntries(recent).length === 4, 'four legs listed', { timeout: 2000 });
    const numbers = localEntries(recent).map((b) => b.dataset['number']);
    // Newest first by their end: the consultation ended before the customer hung up.
    expect(numbers).to.deep.equal(['13900000001', '13700000002', CUSTOMER, '1002']);
    localEntries(recent)[1]!.click();
    await settle(m.el);
    expect(deepQuery<HTMLElement & { value: string }>(m.el, 'cc-dialpad')!.value).to.equal('13700000002');
  });

  for (const [what, history] of [['without the history attribute (the default)', null], ['with history="off"', 'off']] as const) {
    it(`${what} loads no history, shows no my work and keeps nothing`, async () => {
      const uri = freshUri();
      const m = await mountWorkbench({ 'sip-uri': uri, history });
      await toReady(m.el);
      await ring(m, 'in-9');
      m.sip.push({ type: 'sip.call.ended', callId: 'in-9', cause: 'Canceled', originator: 'remote' });
      await untilCode(m.el, STATUS.ready);
      await new Promise((r) => setTimeout(r, 200));
      expect(m.el.shadowRoot!.querySelector('cc-my-work, cc-recent-calls')).to.equal(null);
      expect(await databaseNames()).not.to.include(historyFor(uri).name);
    });
  }

  it('with history-clear-on-logout forgets the calls when the agent logs out, and an open list empties', async () => {
    const uri = freshUri();
    const m = await mountWorkbench({ 'sip-uri': uri, history: '', 'history-clear-on-logout': '' });
    await toReady(m.el);
    await myWorkOf(m.el);
    await ring(m, 'in-5');
    m.sip.push({ type: 'sip.call.ended', callId: 'in-5', cause: 'Canceled', originator: 'remote' });
    await untilCode(m.el, STATUS.ready);
    const recent = m.el.shadowRoot!.querySelector('cc-recent-calls')!;
    await openDetails(recent, 'recent-calls');
    await waitUntil(() => localEntries(recent).length === 1, 'the call listed', { timeout: 2000 });
    await m.el.logOut();
    await waitUntil(async () => (await historyFor(uri).calls()).length === 0, 'history cleared', { timeout: 2000 });
    await waitUntil(() => shadow(recent).querySelector('.cti-empty'), 'list emptied', { timeout: 2000 });
    expect(shadow(recent).querySelector('.cti-empty')!.textContent!.trim()).to.equal('No recent calls');
  });

  for (const lang of ['en', 'zh-CN']) {
    it(`fits the workbench's minimum width, 300px, open, in ${lang}`, async () => {
      const uri = freshUri();
      await fillDay(uri);
      const m = await mountWorkbench({ 'sip-uri': uri, lang, history: '' }, { autoRespond: true }, (el) => el.style.setProperty('--cc-width', '300px'));
      await toReady(m.el);
      const work = await myWorkOf(m.el);
      const recent = m.el.shadowRoot!.querySelector('cc-recent-calls')!;
      await openDetails(work, 'my-work');
      await openDetails(recent, 'recent-calls');
      await waitUntil(() => statusRows(work).length === 3 && localEntries(recent).length === 4, 'figures and calls shown', { timeout: 2000 });
      const card = m.el.getBoundingClientRect();
      const problems: string[] = [];
      for (const root of [shadow(work), shadow(recent)]) {
        for (const el of root.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.width === 0) continue;
          if (r.left < card.left - 0.5 || r.right > card.right + 0.5) problems.push(`${el.localName}.${el.className} sticks out`);
          if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth) problems.push(`${el.localName}.${el.className} holds ${el.scrollWidth}px in ${el.clientWidth}px`);
        }
      }
      expect(problems).to.deep.equal([]);
      // The summary line keeps to one line.
      const summary = part(work, 'my-work')!.querySelector('summary')!;
      expect(summary.getBoundingClientRect().height).to.be.below(40);
    });
  }

  it('shows the same phone in both panels and forwards their parts', async () => {
    const m = await mountWorkbench({ 'sip-uri': freshUri(), history: 'on' });
    await toReady(m.el);
    const work = await myWorkOf(m.el);
    expect(work.phone).to.equal(m.el.phone);
    expect(m.el.shadowRoot!.querySelector('cc-recent-calls')!.phone).to.equal(m.el.phone);
    expect(work.getAttribute('exportparts')).to.equal('my-work');
    await untilCode(m.el, STATUS.ready);
    await ring(m, 'in-7');
    button(m.el, 'Answer').click();
    await untilCode(m.el, STATUS.inboundTalk);
    expect(work.hidden).to.equal(true);
  });
});
