import type { Phone } from '../../src/phone.js';
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { CcDialpad } from '../../elements/dialpad/dialpad.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { CcErrorInfo } from '../../machines/agent-types.js';
import { NUMBERS, RECORDS, createFakeCti, ok, refused } from './fake-cti.js';
import type { FakeCti } from './fake-cti.js';
import {
  accessibleName,
  button,
  buttonNames,
  deepQuery,
  deepQueryAll,
  focusedIn,
  mountWorkbench,
  part,
  settle,
  shadow,
  toReady,
  toTalking,
  untilCode,
} from './helpers.js';
import type { Mounted } from './helpers.js';
import { loadTranslation } from '../../src/localize/localize.js';

// Chinese is a chunk of its own (the dialpad and after-call tests cover its late arrival).
before(() => loadTranslation('zh-CN'));

interface CtiMounted extends Mounted {
  readonly cti: FakeCti;
}

async function mountCti(attrs: Record<string, string | null> = {}, cti = createFakeCti()): Promise<CtiMounted> {
  const m = await mountWorkbench({ 'display-name': 'Wang Fang', ...attrs }, { autoRespond: true }, (el) => {
    el.ctiRequest = cti.request;
  });
  return { ...m, cti };
}

function callerIdSelect(el: Element): HTMLSelectElement | null {
  return part(el, 'caller-id')?.querySelector('select') ?? null;
}

async function until(el: CcWorkbench, condition: () => unknown, message: string): Promise<void> {
  await waitUntil(condition, message, { timeout: 2000 });
  await settle(el);
}

async function callerIdsShown(el: CcWorkbench): Promise<HTMLSelectElement> {
  await until(el, () => (callerIdSelect(el)?.options.length ?? 0) === NUMBERS.length, 'caller IDs listed');
  return callerIdSelect(el)!;
}

function targetOptions(el: Element): HTMLOptionElement[] {
  return deepQueryAll<HTMLOptionElement>(el, 'datalist#transfer-targets option');
}

function recentEntries(el: Element): HTMLButtonElement[] {
  return [...(part(el, 'recent-calls')?.querySelectorAll<HTMLButtonElement>('li button') ?? [])];
}

async function openRecentCalls(el: CcWorkbench): Promise<HTMLDetailsElement> {
  await until(el, () => part(el, 'recent-calls'), 'recent calls panel');
  const details = part(el, 'recent-calls') as HTMLDetailsElement;
  details.querySelector('summary')!.click();
  await until(el, () => recentEntries(el).length > 0 || details.querySelector('.cti-empty, [role="alert"]'), 'recent calls loaded');
  return details;
}

/** Types into the transfer/consult target input, as a person (or a datalist pick) would. */
async function typeTarget(el: CcWorkbench, value: string): Promise<void> {
  const input = deepQuery<HTMLInputElement>(el, '#transfer-target')!;
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}

describe('<cc-workbench> with a CTI API', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => localStorage.clear());

  it('shows none of the CTI parts without a CTI API', async () => {
    // history="off": otherwise the local call history shows recent calls without a CTI API too.
    const m = await mountWorkbench({ history: 'off' });
    await toReady(m.el);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await settle(m.el);
    expect(part(m.el, 'caller-id')).to.equal(null);
    expect(part(m.el, 'recent-calls')).to.equal(null);
    m.el.call('13900000001').catch(() => undefined);
    await untilCode(m.el, STATUS.dialing);
    expect(m.sip.last('sip.call')!.callerId).to.equal(undefined);
    await m.el.hangUp();
    await untilCode(m.el, STATUS.ready);
    m.sip.push({ type: 'sip.call.incoming', callId: 'in-9', caller: '13800000000', callee: '1001', remoteName: '', internal: false });
    await untilCode(m.el, STATUS.ringing);
    button(m.el, 'Answer').click();
    await untilCode(m.el, STATUS.inboundTalk);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await settle(m.el);
    expect(deepQuery(m.el, '#transfer-target')!.hasAttribute('list')).to.equal(false);
    expect(part(m.el, 'transfer-targets')).to.equal(null);
    expect(deepQuery(m.el, 'datalist')).to.equal(null);
  });

  it('forwards the CTI parts (caller-id, recent-calls, transfer-targets), so ::part() styles them from the page', async () => {
    const css = document.createElement('style');
    css.textContent = ['caller-id', 'recent-calls', 'transfer-targets']
      .map((name, i) => `cc-workbench::part(${name}) { outline: 1px solid rgb(${i + 1}, 5, 6); }`)
      .join('\n');
    document.head.append(css);
    try {
      const m = await mountCti();
      await toReady(m.el);
      await callerIdsShown(m.el);
      const outline = (name: string): string => getComputedStyle(part(m.el, name)!).outlineColor;
      expect(outline('caller-id')).to.equal('rgb(1, 5, 6)');
      expect(outline('recent-calls')).to.equal('rgb(2, 5, 6)');
      await toTalkingFromReady(m);
      await until(m.el, () => part(m.el, 'transfer-targets'), 'transfer targets');
      expect(outline('transfer-targets')).to.equal('rgb(3, 5, 6)');
    } finally {
      css.remove();
    }
  });

  describe('caller ID', () => {
    it('lists the outbound numbers after log-in, not before', async () => {
      const m = await mountCti();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(m.cti.count('ListOutboundNumbersOfUser')).to.equal(0);
      expect(part(m.el, 'caller-id')).to.equal(null);
      await toReady(m.el);
      const select = await callerIdsShown(m.el);
      expect(m.cti.count('ListOutboundNumbersOfUser')).to.equal(1);
      expect([...select.options].map((o) => o.value)).to.deep.equal(['+8657188000001', '+8657188000002']);
      expect(select.options[1]!.textContent!.trim()).to.equal('+8657188000002 · Shanghai');
      expect(select.value).to.equal('+8657188000001');
      const label = part(m.el, 'caller-id')!.querySelector('label')!;
      expect(label.textContent!.trim()).to.equal('Caller ID');
      expect(label.htmlFor).to.equal(select.id);
    });

    it('dials with the chosen caller ID from the Call button and from call()', async () => {
      const m = await mountCti();
      await toReady(m.el);
      const select = await callerIdsShown(m.el);
      select.value = '+8657188000002';
      select.dispatchEvent(new Event('change'));
      await settle(m.el);

      const pad = part(m.el, 'dialpad') as CcDialpad;
      pad.value = '13900000001';
      await pad.updateComplete;
      button(m.el, 'Call').click();
      await untilCode(m.el, STATUS.dialing);
      expect(m.sip.last('sip.call')).to.include({ target: '13900000001', callerId: '+8657188000002' });
      await m.el.hangUp();
      await untilCode(m.el, STATUS.ready);

      // The element's call(): the selection by default, an explicit one when given.
      m.el.call('13900000002').catch(() => undefined);
      await untilCode(m.el, STATUS.dialing);
      expect(m.sip.last('sip.call')).to.include({ target: '13900000002', callerId: '+8657188000002' });
      await m.el.hangUp();
      await untilCode(m.el, STATUS.ready);
      m.el.call('13900000003', { callerId: '+8657188000001' }).catch(() => undefined);
      await untilCode(m.el, STATUS.dialing);
      expect(m.sip.last('sip.call')).to.include({ target: '13900000003', callerId: '+8657188000001' });
    });

    it('remembers the choice for the next session of the same agent', async () => {
      const first = await mountCti();
      await toReady(first.el);
      const select = await callerIdsShown(first.el);
      select.value = '+8657188000002';
      select.dispatchEvent(new Event('change'));
      first.el.remove();

      const second = await mountCti();
      await toReady(second.el);
      expect((await callerIdsShown(second.el)).value).to.equal('+8657188000002');
    });

    it('refreshes the numbers on request', async () => {
      const m = await mountCti();
      await toReady(m.el);
      await callerIdsShown(m.el);
      m.cti.reply['ListOutboundNumbersOfUser'] = () => ok({ List: [...NUMBERS, { Number: '+8601088000003', Description: '' }] });
      button(m.el, 'Refresh caller IDs').click();
      await until(m.el, () => callerIdSelect(m.el)!.options.length === 3, 'three numbers');
      expect(m.cti.count('ListOutboundNumbersOfUser')).to.equal(2);
      expect(callerIdSelect(m.el)!.options[2]!.textContent!.trim()).to.equal('+8601088000003');
    });
  });

  describe('transfer targets', () => {
    it('offers the other agents, ready first, when the transfer field opens', async () => {
      const m = await mountCti();
      await toReady(m.el);
      expect(m.cti.count('ListRealtimeAgentStates')).to.equal(0);
      await toTalkingFromReady(m);
      await until(m.el, () => targetOptions(m.el).length > 0, 'agents listed');
      expect(m.cti.count('ListRealtimeAgentStates')).to.equal(1);
      const input = deepQuery<HTMLInputElement>(m.el, '#transfer-target')!;
      expect(input.list, 'the input lists the datalist').to.equal(deepQuery(m.el, 'datalist'));
      const options = targetOptions(m.el);
      // The agent itself (1001) is not offered; Ready before busy before offline.
      expect(options.map((o) => o.value)).to.deep.equal(['1005', '1002', '1003', '1004']);
      expect(options.map((o) => o.textContent!.trim())).to.deep.equal([
        'Amy Wu · Ready',
        'Li Na · Ready',
        'Zhao Lei · Talking',
        'Chen Jie · Offline',
      ]);
      const picker = part(m.el, 'transfer-targets')!;
      expect(picker.getAttribute('aria-label')).to.equal('Transfer targets');
      expect(picker.textContent).to.contain('2 of 4 agents ready');
    });

    it('still transfers to a typed number', async () => {
      const m = await mountCti();
      await toTalking(m);
      await until(m.el, () => targetOptions(m.el).length > 0, 'agents listed');
      await typeTarget(m.el, '13700000000');
      button(m.el, 'Transfer').click();
      await untilCode(m.el, STATUS.afterCall);
      expect(m.sip.last('sip.refer')).to.include({ target: '13700000000' });
    });
  });

  describe('recent calls', () => {
    it('is collapsed until opened, then lists the calls', async () => {
      const m = await mountCti();
      await toReady(m.el);
      await until(m.el, () => part(m.el, 'recent-calls'), 'recent calls panel');
      const details = part(m.el, 'recent-calls') as HTMLDetailsElement;
      expect(details.localName).to.equal('details');
      expect(details.open).to.equal(false);
      expect(details.querySelector('summary')!.textContent!.trim()).to.equal('Recent calls');
      expect(m.cti.count('ListRecentCallDetailRecords')).to.equal(0);

      await openRecentCalls(m.el);
      expect(m.cti.count('ListRecentCallDetailRecords')).to.equal(1);
      const [inbound, outbound] = recentEntries(m.el);
      expect(accessibleName(inbound!)).to.match(/^13800000000 Inbound · .+ · Answered 01:23$/);
      expect(accessibleName(outbound!)).to.match(/^13900000001 Outbound · .+ · Missed$/);
      expect(outbound!.hasAttribute('data-missed')).to.equal(true);
      expect(inbound!.querySelector('time')!.dateTime).to.equal(new Date(RECORDS[0]!.StartTime).toISOString());
    });

    it('puts the number of a picked entry in the dialpad and focuses Call', async () => {
      const m = await mountCti();
      await toReady(m.el);
      await openRecentCalls(m.el);
      recentEntries(m.el)[1]!.click();
      const pad = part(m.el, 'dialpad') as CcDialpad;
      await pad.updateComplete;
      await settle(m.el);
      expect(pad.value).to.equal('13900000001');
      expect(shadow(pad).activeElement?.getAttribute('part')).to.equal('call-button');
      await sendKeys({ press: 'Enter' });
      await untilCode(m.el, STATUS.dialing);
      expect(m.sip.last('sip.call')).to.include({ target: '13900000001', callerId: '+8657188000001' });
    });

    it('says so when there are no calls', async () => {
      const cti = createFakeCti();
      cti.reply['ListRecentCallDetailRecords'] = () => ok({ List: [] });
      const m = await mountCti({}, cti);
      await toReady(m.el);
      const details = await openRecentCalls(m.el);
      expect(details.querySelector('.cti-empty')!.textContent!.trim()).to.equal('No recent calls');
    });

    it('refreshes an open list after each call is released', async () => {
      const m = await mountCti();
      await toReady(m.el);
      await openRecentCalls(m.el);
      m.cti.reply['ListRecentCallDetailRecords'] = () => ok({ List: RECORDS.slice(1) });
      m.sip.push({ type: 'sip.call.incoming', callId: 'in-2', caller: '13800000000', callee: '1001', remoteName: '', internal: false });
      await untilCode(m.el, STATUS.ringing);
      button(m.el, 'Answer').click();
      await untilCode(m.el, STATUS.inboundTalk);
      m.sip.push({ type: 'sip.call.ended', callId: 'in-2', cause: 'BYE', originator: 'remote' });
      await untilCode(m.el, STATUS.afterCall);
      await until(m.el, () => m.cti.count('ListRecentCallDetailRecords') === 2 && recentEntries(m.el).length === 1, 'refreshed');
    });
  });

  describe('pending state changes', () => {
    it('keeps the status buttons busy (aria-busy, aria-disabled) until the CTI API answers', async () => {
      const m = await mountCti({ 'after-call': 'manual' });
      const release = m.cti.hold('ReadyForService');
      button(m.el, 'Log in').focus();
      await sendKeys({ press: 'Enter' });
      await until(m.el, () => (m.el.phone as Phone).snapshot.hasTag('ctiPending') && m.cti.count('ReadyForService') === 1, 'pending');
      const group = part(m.el, 'actions')!;
      expect(group.getAttribute('aria-busy')).to.equal('true');
      const logIn = button(m.el, 'Log in');
      expect(logIn.getAttribute('aria-disabled')).to.equal('true');
      // Focus stays on the busy button, and pressing it again sends nothing.
      expect(focusedIn(m.el)).to.equal(logIn);
      await sendKeys({ press: 'Enter' });
      logIn.click();
      await settle(m.el);
      expect(m.cti.count('GetLoginDetails')).to.equal(1);
      expect(m.of<CcErrorInfo>('cc-error')).to.have.length(0);

      release();
      await untilCode(m.el, STATUS.ready);
      expect(part(m.el, 'actions')!.getAttribute('aria-busy')).to.equal('false');
      expect(button(m.el, 'Break').hasAttribute('aria-disabled')).to.equal(false);
      expect(focusedIn(m.el), 'focus stays inside the workbench').to.not.equal(null);

      // The same from a break back to ready.
      await m.el.applyForBreak('meal');
      await settle(m.el);
      const again = m.cti.hold('ReadyForService');
      button(m.el, 'Ready').click();
      await until(m.el, () => (m.el.phone as Phone).snapshot.hasTag('ctiPending'), 'pending');
      expect(button(m.el, 'Ready').getAttribute('aria-disabled')).to.equal('true');
      expect(button(m.el, 'Go offline').getAttribute('aria-disabled')).to.equal('true');
      again();
      await untilCode(m.el, STATUS.ready);
    });
  });

  describe('failing list requests', () => {
    it('shows an inline error with retry and fires cc-error 7200 naming the API and request id', async () => {
      const cti = createFakeCti();
      cti.reply['ListOutboundNumbersOfUser'] = () => refused('req-42');
      const m = await mountCti({}, cti);
      await toReady(m.el);
      await until(m.el, () => part(m.el, 'caller-id')?.querySelector('[role="alert"]'), 'inline error');
      const alert = part(m.el, 'caller-id')!.querySelector('[role="alert"]')!;
      expect(alert.textContent).to.contain('Could not load caller IDs');
      expect(alert.textContent).to.contain('req-42');
      const error = m.of<CcErrorInfo>('cc-error').at(-1)!;
      expect(error.detail).to.include({
        errorCode: ERROR.ctiFailed,
        apiName: 'ListOutboundNumbersOfUser',
        apiCode: 'Forbidden.NoPermission',
        requestId: 'req-42',
      });
      // Only the inline error: the workbench-wide alert stays for call and agent failures.
      expect(part(m.el, 'error')).to.equal(null);

      // The rest works: a call goes out without a caller ID.
      const pad = part(m.el, 'dialpad') as CcDialpad;
      pad.value = '13900000001';
      await pad.updateComplete;
      button(m.el, 'Call').click();
      await untilCode(m.el, STATUS.dialing);
      expect(m.sip.last('sip.call')!.callerId).to.equal(undefined);
      await m.el.hangUp();
      await untilCode(m.el, STATUS.ready);

      cti.reply['ListOutboundNumbersOfUser'] = () => ok({ List: NUMBERS });
      button(m.el, 'Retry').click();
      await callerIdsShown(m.el);
      expect(part(m.el, 'caller-id')!.querySelector('[role="alert"]')).to.equal(null);
    });

    it('lets the agent dismiss the inline error', async () => {
      const cti = createFakeCti();
      cti.reply['ListRecentCallDetailRecords'] = () => Promise.reject(new Error('network down'));
      const m = await mountCti({}, cti);
      await toReady(m.el);
      const details = await openRecentCalls(m.el);
      const alert = details.querySelector('[role="alert"]')!;
      expect(alert.textContent).to.contain('Could not load recent calls');
      expect(alert.textContent).to.contain('network down');
      expect(m.of<CcErrorInfo>('cc-error').at(-1)!.detail).to.include({
        errorCode: ERROR.ctiFailed,
        apiName: 'ListRecentCallDetailRecords',
      });
      (alert.querySelector('button[aria-label="Dismiss"]') as HTMLButtonElement).click();
      await settle(m.el);
      expect(details.querySelector('[role="alert"]')).to.equal(null);
      expect(buttonNames(m.el)).to.include('Refresh recent calls');
    });

    it('keeps the transfer field usable when the agent list fails', async () => {
      const cti = createFakeCti();
      cti.reply['ListRealtimeAgentStates'] = () => refused('req-7');
      const m = await mountCti({}, cti);
      await toTalking(m);
      await until(m.el, () => part(m.el, 'transfer-targets')?.querySelector('[role="alert"]'), 'inline error');
      expect(part(m.el, 'transfer-targets')!.textContent).to.contain('Could not load the agent list');
      expect(m.of<CcErrorInfo>('cc-error').at(-1)!.detail).to.include({ apiName: 'ListRealtimeAgentStates', requestId: 'req-7' });
      await typeTarget(m.el, '1002');
      button(m.el, 'Transfer').click();
      await untilCode(m.el, STATUS.afterCall);
      expect(m.sip.last('sip.refer')).to.include({ target: '1002' });
    });
  });

  describe('accessibility', () => {
    it('is accessible when ready, with caller IDs and open recent calls', async () => {
      const m = await mountCti();
      await toReady(m.el);
      await callerIdsShown(m.el);
      await openRecentCalls(m.el);
      await expect(m.el).to.be.accessible();
    });

    it('is accessible in a call with transfer targets, and with inline errors', async () => {
      const cti = createFakeCti();
      cti.reply['ListOutboundNumbersOfUser'] = () => refused('req-1');
      const m = await mountCti({}, cti);
      await toReady(m.el);
      await until(m.el, () => part(m.el, 'caller-id')?.querySelector('[role="alert"]'), 'inline error');
      await expect(m.el).to.be.accessible();
      await toTalkingFromReady(m);
      await until(m.el, () => targetOptions(m.el).length > 0, 'agents listed');
      await expect(m.el).to.be.accessible();
    });
  });

  it('speaks Chinese with lang="zh-CN"', async () => {
    const m = await mountCti({ lang: 'zh-CN' });
    await toReady(m.el);
    await callerIdsShown(m.el);
    expect(part(m.el, 'caller-id')!.querySelector('label')!.textContent!.trim()).to.equal('主叫号码');
    expect(buttonNames(m.el)).to.include('刷新主叫号码');
    const details = await openRecentCalls(m.el);
    expect(details.querySelector('summary')!.textContent!.trim()).to.equal('最近通话');
    expect(accessibleName(recentEntries(m.el)[0]!)).to.match(/^13800000000 呼入 · .+ · 已接听 01:23$/);
    expect(accessibleName(recentEntries(m.el)[1]!)).to.match(/呼出 · .+ · 未接听$/);
    await toTalkingFromReady(m);
    await until(m.el, () => targetOptions(m.el).length > 0, 'agents listed');
    expect(part(m.el, 'transfer-targets')!.getAttribute('aria-label')).to.equal('转接对象');
    expect(targetOptions(m.el)[0]!.textContent!.trim()).to.equal('Amy Wu · 空闲');
    expect(part(m.el, 'transfer-targets')!.textContent).to.contain('共 4 位坐席，2 位空闲');
  });
});

/** From ready: an inbound call rings and the agent answers it (status 9). */
async function toTalkingFromReady(m: Mounted): Promise<void> {
  m.sip.push({ type: 'sip.call.incoming', callId: 'in-1', caller: '13800000000', callee: '1001', remoteName: 'Alice Chen', internal: false });
  await untilCode(m.el, STATUS.ringing);
  await m.el.answer();
  await untilCode(m.el, STATUS.inboundTalk);
}
