// What an agent on a call-center floor needs from <cc-workbench>: numbers checked before dialling,
// messages that clear, a missed-call notice, where a call comes from, time in status.
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/define.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { CcCallReleasedDetail } from '../../src/events/cc-call-released-event.js';
import type { CcErrorInfo } from '../../machines/agent-types.js';
import { loadTranslation } from '../../src/localize/localize.js';
import { CUSTOMER, button, buttonNames, deepQuery, mountWorkbench, part, ring, settle, toReady, untilCode } from './helpers.js';

describe('<cc-workbench> on a call-center floor', () => {
  it('never dials garbage: the keypad says "Enter a valid number", Call stays disabled, call() rejects 7101, SIP sees nothing', async () => {
    const m = await mountWorkbench();
    await toReady(m.el);
    const pad = deepQuery(m.el, 'cc-dialpad') as HTMLElement & { value: string; updateComplete: Promise<boolean> };
    pad.value = 'abc!!@@';
    await settle(pad);
    const input = deepQuery<HTMLInputElement>(m.el, '#number')!;
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(deepQuery(m.el, '[part~="number-error"]')!.textContent).to.equal('Enter a valid number');
    expect(deepQuery<HTMLButtonElement>(m.el, '[part~="call-button"]')!.disabled).to.equal(true);
    const error = await m.el.call('abc!!@@').then(
      () => null,
      (e: CcErrorInfo) => e,
    );
    expect(error).to.include({ errorCode: ERROR.invalidArgument });
    expect(m.sip.commands.filter((c) => c.type === 'sip.call')).to.deep.equal([]);
    // Separators are fine and are removed; a pattern of the page's own wins.
    pad.value = '(010) 6552-1234';
    await settle(pad);
    expect(deepQuery<HTMLButtonElement>(m.el, '[part~="call-button"]')!.disabled).to.equal(false);
    m.el.setAttribute('dial-pattern', '^9\\d{3}$');
    await waitUntil(() => m.el.phone?.dialable('1234') === null, 'dial-pattern applied', { timeout: 2000 });
    expect(m.el.phone!.dialable('9123')).to.equal('9123');
  });

  it('clears an error banner when the next command succeeds, and lets the agent dismiss it', async () => {
    const m = await mountWorkbench();
    await toReady(m.el);
    await m.el.answer().catch(() => undefined); // nothing rings: 9001
    await settle(m.el);
    expect(part(m.el, 'error')!.textContent).to.contain(String(ERROR.stateNotAllowed));
    await m.el.applyForBreak('meal');
    await settle(m.el);
    expect(part(m.el, 'error')).to.equal(null);
    await m.el.answer().catch(() => undefined);
    await settle(m.el);
    button(m.el, 'Dismiss').click();
    await settle(m.el);
    expect(part(m.el, 'error')).to.equal(null);
  });

  it('keeps "connection lost" until the registration is back, then says "Connection restored" and fires cc-registered again', async () => {
    const m = await mountWorkbench();
    await toReady(m.el);
    const registeredBefore = m.of('cc-registered').length;
    m.sip.push({ type: 'sip.disconnected', cause: 'WebSocket closed' });
    await settle(m.el);
    expect(part(m.el, 'error')!.textContent).to.contain(String(ERROR.connectionLost));
    await m.el.applyForBreak('meal'); // a success does not mean the connection is back
    await settle(m.el);
    expect(part(m.el, 'error')).to.not.equal(null);
    m.sip.push({ type: 'sip.registered' });
    await settle(m.el);
    expect(part(m.el, 'error')).to.equal(null);
    expect(part(m.el, 'notice')!.textContent).to.contain('Connection restored');
    expect(m.of('cc-registered')).to.have.length(registeredBefore + 1);
  });

  it('shows a missed call (the queue gave up) with Call back, and the break "missed" with its time in status', async () => {
    const m = await mountWorkbench({ 'ring-timeout': '30' });
    await toReady(m.el);
    await ring(m, 'in-9');
    m.sip.push({ type: 'sip.call.failed', callId: 'in-9', cause: 'Canceled', sipCode: 480 });
    await untilCode(m.el, STATUS.break);
    const released = m.of<CcCallReleasedDetail>('cc-call-released').at(-1)!.detail;
    expect(released).to.include({ missed: true, caller: CUSTOMER });
    const missed = part(m.el, 'missed')!;
    expect(missed.textContent).to.contain(`Missed call from Alice Chen (${CUSTOMER})`);
    expect(part(m.el, 'status')!.textContent).to.match(/Break\s*Missed call\s*for 00:0\d/);
    await m.el.ready();
    await settle(m.el);
    button(m.el, 'Call back').click();
    await waitUntil(() => m.sip.commands.some((c) => c.type === 'sip.call'), 'call back dialled', { timeout: 2000 });
    expect(m.sip.commands.find((c) => c.type === 'sip.call')).to.include({ target: CUSTOMER });
  });

  it('shows the queue and who transferred the call on the call card, and reports them in cc-call-incoming', async () => {
    const m = await mountWorkbench();
    await toReady(m.el);
    m.sip.push({
      type: 'sip.call.incoming',
      callId: 'in-7',
      caller: CUSTOMER,
      callee: '1001',
      remoteName: '',
      internal: false,
      queue: 'sales',
      queueName: 'Sales',
      referredBy: '1002',
    });
    await untilCode(m.el, STATUS.ringing);
    expect(part(m.el, 'call-origin')!.textContent).to.equal('Sales · Transferred by 1002');
    expect(m.of('cc-call-incoming').at(-1)!.detail).to.include({ queue: 'sales', queueName: 'Sales', referredBy: '1002' });
    expect(buttonNames(m.el)).to.include.members(['Answer', 'Decline']);
  });
});

describe('<cc-workbench> error details in the agent\'s language', () => {
  before(() => loadTranslation('zh-CN'));

  it('says what a SIP status means in Chinese (the technical message in the title), and the message itself in English', async () => {
    const zh = await mountWorkbench({ lang: 'zh-CN' });
    await toReady(zh.el);
    const dialing = zh.el.call('13900000000').catch(() => undefined);
    await waitUntil(() => zh.sip.commands.some((c) => c.type === 'sip.call'), 'dialled', { timeout: 2000 });
    const callId = (zh.sip.commands.find((c) => c.type === 'sip.call') as { callId: string }).callId;
    zh.sip.push({ type: 'sip.call.failed', callId, cause: 'Busy', sipCode: 486 });
    await dialing;
    await settle(zh.el);
    const detail = deepQuery(zh.el, '[part~="error"] .alert-detail')!;
    expect(part(zh.el, 'error')!.textContent).to.contain('呼叫失败');
    expect(detail.textContent).to.equal('对方忙 (SIP 486)');
    expect(detail.title).to.contain('Busy').and.contain('486');

    const en = await mountWorkbench();
    await toReady(en.el);
    const again = en.el.call('13900000000').catch(() => undefined);
    await waitUntil(() => en.sip.commands.some((c) => c.type === 'sip.call'), 'dialled', { timeout: 2000 });
    const enCallId = (en.sip.commands.find((c) => c.type === 'sip.call') as { callId: string }).callId;
    en.sip.push({ type: 'sip.call.failed', callId: enCallId, cause: 'Busy', sipCode: 486 });
    await again;
    await settle(en.el);
    expect(deepQuery(en.el, '[part~="error"] .alert-detail')!.textContent).to.equal(deepQuery(en.el, '[part~="error"] .alert-detail')!.title);
    expect(deepQuery(en.el, '[part~="error"] .alert-detail')!.textContent).to.contain('Busy').and.contain('486');
  });
});

describe('<cc-workbench> before the page goes away', () => {
  it('asks before a reload or close while a call exists, and not otherwise', async () => {
    const m = await mountWorkbench({ 'after-call': '0' });
    const leaving = (): boolean => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    await toReady(m.el);
    expect(leaving()).to.equal(false);
    await ring(m);
    expect(leaving(), 'a ringing call counts').to.equal(true);
    button(m.el, 'Answer').click();
    await untilCode(m.el, STATUS.inboundTalk);
    expect(leaving()).to.equal(true);
    await m.el.hangUp();
    await settle(m.el);
    expect(leaving()).to.equal(false);
    await ring(m, 'in-2');
    expect(leaving()).to.equal(true);
    m.el.remove();
    expect(leaving(), 'a removed workbench no longer listens').to.equal(false);
  });
});
