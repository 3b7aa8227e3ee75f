import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { CcErrorInfo } from '../../machines/agent-types.js';
import type { CcCallDetail } from '../../src/events/call-detail.js';
import type { CcCallHangupDetail } from '../../src/events/cc-call-hangup-event.js';
import type { CcStatusChangeDetail } from '../../src/events/cc-status-change-event.js';
import { CcError, CcStatusChangeEvent, CcWorkbench as WorkbenchClass } from '../../src/index.js';
import { Phone } from '../../src/phone.js';
import { createFakeSip } from '../support/fake-sip.js';
import {
  CUSTOMER,
  SERVER,
  SIP_URI,
  accessibleName,
  button,
  buttonNames,
  deepQuery,
  focusedIn,
  mountWorkbench,
  part,
  ring,
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

function liveRegion(el: Element): HTMLElement {
  const region = shadow(el).querySelector<HTMLElement>('[aria-live]');
  if (!region) throw new Error('no live region');
  return region;
}

function hasState(el: Element, name: string): boolean {
  return el.matches(`:state(${name})`);
}

/** Fills the transfer/consult target input. */
async function typeTarget(el: CcWorkbench, value: string): Promise<void> {
  const input = deepQuery<HTMLInputElement>(el, '#transfer-target');
  if (!input) throw new Error('no transfer target input');
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}

/** Holds the customer, consults 1002, and the consulted agent answers: status 17. */
async function toConsulting(m: Mounted): Promise<void> {
  await toTalking(m);
  await typeTarget(m.el, '1002');
  button(m.el, 'Consult').click();
  await untilCode(m.el, 16);
  const leg = m.sip.last('sip.call');
  if (!leg) throw new Error('no consult INVITE');
  m.sip.push({ type: 'sip.call.confirmed', callId: leg.callId });
  await untilCode(m.el, 17);
}

describe('<cc-workbench>', () => {
  describe('rendering', () => {
    it('renders a "not configured" panel and no phone when server and sip-uri are missing', async () => {
      const errors: Event[] = [];
      const el = document.createElement('cc-workbench');
      el.addEventListener('cc-error', (e) => errors.push(e));
      await fixture(html`<div>${el}</div>`);
      expect(el).to.be.instanceOf(WorkbenchClass);
      expect(el.phone).to.equal(null);
      expect(errors).to.have.length(0);
      expect(part(el, 'base')).to.exist;
      expect(part(el, 'header')).to.exist;
      expect(part(el, 'status')!.textContent).to.contain('Unregistered');
      expect(shadow(el).textContent).to.contain('Phone not configured');
      expect(hasState(el, 'unconfigured')).to.equal(true);
      const rejected = await el.register().catch((e: unknown) => e);
      expect(rejected).to.be.instanceOf(CcError);
      expect((rejected as CcError).errorCode).to.equal(ERROR.configInvalid);
      expect((rejected as CcError).errorMsg).to.contain('server');
    });

    it('creates a phone, shows status -1, a Log in button and the dialpad', async () => {
      const { el, of } = await mountWorkbench({ 'display-name': 'Wang Fang' });
      expect(el.phone).to.not.equal(null);
      expect(of('cc-init')).to.have.length(1);
      expect(of('cc-init')[0]!.detail).to.deep.equal({ phone: el.phone });
      const status = part(el, 'status')!;
      expect(status.textContent).to.contain('Unregistered');
      expect(status.textContent).to.not.contain('-1');
      expect(deepQuery(el, '.name')!.textContent).to.equal('Wang Fang');
      expect(part(el, 'dialpad')!.localName).to.equal('cc-dialpad');
      expect(buttonNames(el)).to.include('Log in');
      expect(hasState(el, 'unregistered')).to.equal(true);
      // The remote audio plays in the shadow root, in an autoplaying <audio>.
      const audio = shadow(el).querySelector('audio')!;
      expect(audio.autoplay).to.equal(true);
    });

    it('never renders or reflects the password', async () => {
      const { el } = await mountWorkbench();
      el.password = 'hunter2-secret';
      await el.updateComplete;
      expect(el.outerHTML).to.not.contain('hunter2');
      expect(shadow(el).innerHTML).to.not.contain('hunter2');
      expect(el.hasAttribute('password')).to.equal(false);
    });

    it('forwards every documented part of its children, so ::part() styles them from the page', async () => {
      const css = document.createElement('style');
      const parts = ['base', 'header', 'status', 'actions', 'dialpad', 'call-panel', 'timer', 'answer-button', 'hangup-button', 'after-call', 'error'];
      // A distinct outline colour per part: getComputedStyle then proves the page's rule reached it.
      css.textContent = parts.map((name, i) => `cc-workbench::part(${name}) { outline: 1px solid rgb(${i + 1}, 2, 3); }`).join('\n');
      document.head.append(css);
      try {
        const m = await mountWorkbench({ 'after-call': 'manual' });
        const styled = (name: string): boolean =>
          getComputedStyle(part(m.el, name)!).outlineColor === `rgb(${parts.indexOf(name) + 1}, 2, 3)`;
        for (const name of ['base', 'header', 'status', 'actions', 'dialpad']) expect(styled(name), name).to.equal(true);
        await toReady(m.el);
        await ring(m);
        for (const name of ['call-panel', 'timer', 'answer-button', 'hangup-button']) expect(styled(name), name).to.equal(true);
        await m.el.hold().catch(() => undefined); // 9001 while ringing: the error part
        await settle(m.el);
        expect(styled('error'), 'error').to.equal(true);
        await m.el.answer();
        await m.el.hangUp();
        await untilCode(m.el, STATUS.afterCall);
        expect(styled('after-call'), 'after-call').to.equal(true);
      } finally {
        css.remove();
      }
    });

    it('hides the header with no-header', async () => {
      const { el } = await mountWorkbench({ 'no-header': '' });
      expect(part(el, 'header')).to.equal(null);
      expect(part(el, 'dialpad')).to.exist;
    });
  });

  describe('accessibility', () => {
    it('is accessible when idle (unregistered)', async () => {
      const { el } = await mountWorkbench();
      await expect(el).to.be.accessible();
    });

    it('is accessible when ready', async () => {
      const { el } = await mountWorkbench();
      await toReady(el);
      expect(el.getStatusCode().code).to.equal(STATUS.ready);
      await expect(el).to.be.accessible();
    });

    it('is accessible while ringing', async () => {
      const m = await mountWorkbench();
      await toReady(m.el);
      await ring(m);
      await expect(m.el).to.be.accessible();
    });

    it('is accessible during a consultation and in after-call work', async () => {
      const m = await mountWorkbench({ 'after-call': '30' });
      await toConsulting(m);
      await expect(m.el).to.be.accessible();
      button(m.el, 'Cancel consult').click();
      await untilCode(m.el, STATUS.inboundTalk);
      button(m.el, 'Hang up').click();
      await untilCode(m.el, STATUS.afterCall);
      await expect(m.el).to.be.accessible();
    });

    it('is accessible showing a configuration error', async () => {
      const { el } = await mountWorkbench({ server: 'http://pbx.example.test' });
      await expect(el).to.be.accessible();
    });
  });

  describe('configuration errors', () => {
    const cases: [attribute: string, value: string][] = [
      ['server', 'http://pbx.example.test/ws'],
      ['server', 'not a url'],
      ['sip-uri', '1001'],
      ['auto-answer', '-1'],
      ['after-call', 'soon'],
      ['ring-timeout', 'abc'],
      ['ice-servers', '{"urls": oops'],
      ['dtmf-mode', 'sip-notify'],
      ['internal-pattern', '([0-9'],
      ['job-id-header', 'X-Job Id'],
    ];
    for (const [attribute, value] of cases) {
      it(`reports ${attribute}="${value}" with cc-error 7100 and a configuration panel, without a phone`, async () => {
        const { el, of } = await mountWorkbench({ [attribute]: value });
        const errors = of<CcErrorInfo>('cc-error');
        expect(errors).to.have.length(1);
        expect(errors[0]!.detail.errorCode).to.equal(ERROR.configInvalid);
        expect(errors[0]!.detail.errorMsg).to.contain(attribute);
        expect(errors[0]!.detail.errorMsg).to.contain(value);
        expect(errors[0]!.bubbles && errors[0]!.composed).to.equal(true);
        expect(el.phone).to.equal(null);
        expect(of('cc-init')).to.have.length(0);
        const panel = part(el, 'config-error')!;
        expect(panel).to.exist;
        expect(panel.getAttribute('role')).to.equal('alert');
        expect(panel.textContent).to.contain(attribute);
        expect(panel.textContent).to.contain(value);
        expect(part(el, 'dialpad')).to.equal(null);
        expect(hasState(el, 'config-error')).to.equal(true);
        const rejected = (await el.call('1002').catch((e: unknown) => e)) as CcError;
        expect(rejected.errorCode).to.equal(ERROR.configInvalid);
        expect(rejected.errorMsg).to.contain(attribute);
      });
    }

    it('recovers when the bad attribute is fixed', async () => {
      const { el, of } = await mountWorkbench({ 'ring-timeout': 'abc' });
      expect(el.phone).to.equal(null);
      el.setAttribute('ring-timeout', '20');
      await el.updateComplete;
      expect(el.phone).to.not.equal(null);
      expect((el.phone as Phone).snapshot.context.policy.ringTimeout).to.equal(20);
      expect(of('cc-init')).to.have.length(1);
      expect(part(el, 'config-error')).to.equal(null);
    });
  });

  describe('accessible names', () => {
    async function namesThroughAllStates(lang: string): Promise<Set<string>> {
      const m = await mountWorkbench({ lang, 'after-call': 'manual' });
      const seen = new Set<string>();
      const look = (): void => buttonNames(m.el).forEach((n) => seen.add(n));
      look(); // -1: Log in, Call
      await m.el.register();
      await settle(m.el);
      look(); // 1: Log in
      await m.el.logIn();
      await settle(m.el);
      look(); // 3: Break, Go offline
      await m.el.applyForBreak('meal');
      await settle(m.el);
      look(); // 2: Ready
      await m.el.ready();
      await ring(m);
      look(); // 6: Answer, Hang up
      await m.el.answer();
      await settle(m.el);
      await typeTarget(m.el, '1002');
      look(); // 9: Mute, Hold, Transfer, Consult, Hang up
      await m.el.mute();
      await settle(m.el);
      look(); // Unmute
      await m.el.hold();
      await settle(m.el);
      look(); // 12: Resume
      await m.el.retrieve();
      await settle(m.el);
      const consult = m.el.consult('1002');
      await untilCode(m.el, 16);
      m.sip.push({ type: 'sip.call.confirmed', callId: m.sip.last('sip.call')!.callId });
      await consult;
      await settle(m.el);
      look(); // 17: Complete transfer, Cancel consult
      m.el.remove();
      return seen;
    }

    it('names every button in English with lang="en"', async () => {
      const names = await namesThroughAllStates('en');
      for (const name of [
        'Log in',
        'Ready',
        'Break',
        'Go offline',
        'Call',
        'Answer',
        'Hang up',
        'Hold',
        'Resume',
        'Mute',
        'Unmute',
        'Transfer',
        'Consult',
        'Complete transfer',
        'Cancel consult',
      ]) {
        expect(names, name).to.include(name);
      }
    });

    it('names every button in Chinese with lang="zh-CN"', async () => {
      const names = await namesThroughAllStates('zh-CN');
      for (const name of [
        '签入',
        '置闲',
        '小休',
        '下线',
        '呼叫',
        '接听',
        '挂断',
        '保持',
        '取回',
        '静音',
        '取消静音',
        '转接',
        '咨询',
        '完成转接',
        '取消咨询',
      ]) {
        expect(names, name).to.include(name);
      }
      expect(names).to.not.include('Answer');
    });

    it('follows the document language and changes when it does', async () => {
      document.documentElement.lang = 'zh-Hans';
      try {
        const { el } = await mountWorkbench();
        expect(part(el, 'status')!.textContent).to.contain('未注册');
        document.documentElement.lang = 'en';
        await new Promise((resolve) => setTimeout(resolve, 0));
        await el.updateComplete;
        expect(part(el, 'status')!.textContent).to.contain('Unregistered');
      } finally {
        document.documentElement.lang = 'en';
      }
    });
  });

  describe('agent actions', () => {
    it('"Log in" at -1 registers and logs in; Break with a reason; Ready; Go offline', async () => {
      const { el, of } = await mountWorkbench();
      button(el, 'Log in').click();
      await untilCode(el, STATUS.ready);
      expect(hasState(el, 'ready')).to.equal(true);
      expect(part(el, 'status')!.textContent).to.contain('Ready');

      const select = deepQuery<HTMLSelectElement>(el, 'select')!;
      expect(select.getAttribute('aria-label')).to.equal('Break reason');
      expect([...select.options].map((o) => o.value)).to.deep.equal(['rest', 'meal', 'meeting', 'training']);
      select.value = 'meeting';
      select.dispatchEvent(new Event('change'));
      button(el, 'Break').click();
      await untilCode(el, STATUS.break);
      expect((el.phone as Phone).snapshot.context.breakReason).to.equal('meeting');
      expect(part(el, 'status')!.textContent).to.contain('Meeting');
      expect(hasState(el, 'break')).to.equal(true);
      const breakChange = of<CcStatusChangeDetail>('cc-status-change').at(-1)!;
      expect(breakChange.detail.context.breakReason).to.equal('meeting');

      button(el, 'Ready').click();
      await untilCode(el, STATUS.ready);
      button(el, 'Go offline').click();
      await untilCode(el, STATUS.offline);
      expect(buttonNames(el)).to.include('Log in');
      button(el, 'Log in').click();
      await untilCode(el, STATUS.ready);
      expect((el.phone as Phone).actor.getSnapshot().context.code).to.equal(STATUS.ready);
    });

    it('offers the page-provided break reasons', async () => {
      const { el } = await mountWorkbench({ lang: 'zh-CN' });
      el.breakReasons = ['meal', 'coaching'];
      await toReady(el);
      const options = [...deepQuery<HTMLSelectElement>(el, 'select')!.options].map((o) => o.textContent?.trim());
      expect(options).to.deep.equal(['用餐', 'coaching']);
    });
  });

  describe('events', () => {
    it('fires cc-init, cc-registered and cc-status-change with code and lastCode', async () => {
      const { el, of } = await mountWorkbench();
      expect(of('cc-init')).to.have.length(1);
      await toReady(el);
      const changes = of<CcStatusChangeDetail>('cc-status-change').map((e) => [e.detail.code, e.detail.lastCode]);
      expect(changes).to.deep.equal([
        [0, -1],
        [1, 0],
        [3, 1],
      ]);
      const first = of('cc-status-change')[0]!;
      expect(first).to.be.instanceOf(CcStatusChangeEvent);
      expect(first.bubbles).to.equal(true);
      expect(first.composed).to.equal(true);
      expect(of('cc-registered')).to.have.length(1);
      expect(of<{ sipUri: string }>('cc-registered')[0]!.detail.sipUri).to.equal('sip:1001@pbx.example.test');
    });

    it('fires cc-registration-failed and cc-error 7001 when the registrar refuses', async () => {
      const m = await mountWorkbench({}, { autoRespond: false });
      const registering = m.el.register().catch((e: unknown) => e);
      await settle(m.el);
      m.sip.push({ type: 'sip.registration.failed', cause: 'Unauthorized', sipCode: 401 });
      const error = (await registering) as CcError;
      expect(error.errorCode).to.equal(ERROR.registrationFailed);
      expect(m.of<{ cause: string; sipCode: number }>('cc-registration-failed')[0]!.detail).to.deep.equal({
        cause: 'Unauthorized',
        sipCode: 401,
      });
      expect(m.of<CcErrorInfo>('cc-error').at(-1)!.detail.errorCode).to.equal(ERROR.registrationFailed);
    });

    it('fires cc-call-incoming with caller, callee, callId and direction', async () => {
      const m = await mountWorkbench();
      await toReady(m.el);
      await ring(m, 'call-abc');
      const incoming = m.of<CcCallDetail>('cc-call-incoming');
      expect(incoming).to.have.length(1);
      expect(incoming[0]!.detail).to.include({
        caller: CUSTOMER,
        callee: '1001',
        callId: 'call-abc',
        direction: 'inbound',
        remoteName: 'Alice Chen',
      });
      expect(hasState(m.el, 'ringing')).to.equal(true);
      expect(hasState(m.el, 'on-call')).to.equal(true);
    });

    it('fires cc-call-hangup "ringing" when a ringing call is declined', async () => {
      const m = await mountWorkbench();
      await toReady(m.el);
      await ring(m, 'call-ring');
      // A ringing call's hang-up button says what it does.
      expect(buttonNames(m.el)).to.include('Decline').and.not.include('Hang up');
      button(m.el, 'Decline').click();
      await untilCode(m.el, STATUS.ready);
      const hangups = m.of<CcCallHangupDetail>('cc-call-hangup');
      expect(hangups.map((e) => e.detail)).to.deep.equal([{ type: 'ringing', callId: 'call-ring' }]);
      expect(m.sip.last('sip.reject')).to.include({ callId: 'call-ring', code: 603 });
    });

    it('fires cc-call-established, then cc-call-hangup "inbound" and cc-call-released after a talk', async () => {
      const m = await mountWorkbench();
      await toTalking(m);
      expect(m.of<CcCallDetail>('cc-call-established')[0]!.detail.callContext.answeredAt).to.be.a('number');
      m.sip.push({ type: 'sip.call.ended', callId: 'in-1', cause: 'BYE', originator: 'remote' });
      await untilCode(m.el, STATUS.afterCall);
      expect(m.of<CcCallHangupDetail>('cc-call-hangup').at(-1)!.detail).to.deep.equal({ type: 'inbound', callId: 'in-1' });
      expect(m.of<{ cause: string }>('cc-call-released').at(-1)!.detail.cause).to.contain('BYE');
    });

    it('fires cc-error 9001 when a command is not allowed in the current state', async () => {
      const m = await mountWorkbench();
      await toReady(m.el);
      const refused = (await m.el.hold().catch((e: unknown) => e)) as CcError;
      expect(refused.errorCode).to.equal(ERROR.stateNotAllowed);
      const error = m.of<CcErrorInfo>('cc-error').at(-1)!;
      expect(error.detail.errorCode).to.equal(9001);
      expect(error.detail.command).to.equal('call.hold');
      await m.el.updateComplete;
      const alert = part(m.el, 'error')!;
      expect(alert.getAttribute('role')).to.equal('alert');
      expect(alert.textContent).to.contain('9001');
      expect(alert.textContent).to.contain('Not possible in the current state');
      button(m.el, 'Dismiss').click();
      await m.el.updateComplete;
      expect(part(m.el, 'error')).to.equal(null);
    });

    it('lets a cc-dial-request listener veto a call (7010, nothing dialed)', async () => {
      const m = await mountWorkbench();
      await toReady(m.el);
      m.el.addEventListener('cc-dial-request', (e) => e.preventDefault(), { once: true });
      const vetoed = (await m.el.call('13900000000').catch((e: unknown) => e)) as CcError;
      expect(vetoed.errorCode).to.equal(ERROR.dialVetoed);
      expect(m.sip.last('sip.call')).to.equal(undefined);
      expect(m.of<CcErrorInfo>('cc-error').at(-1)!.detail.errorCode).to.equal(ERROR.dialVetoed);
      expect(m.el.getStatusCode().code).to.equal(STATUS.ready);
    });

    it('fires cc-dial-request for a phone the page assigned, and leaves its own hooks alone', async () => {
      const sip = createFakeSip({ autoRespond: true });
      const phone = new Phone({ server: SERVER, sipUri: SIP_URI, password: 'secret' }, { sipActor: sip.actor });
      const el = document.createElement('cc-workbench');
      el.phone = phone;
      await fixture(html`<div>${el}</div>`);
      await toReady(el);
      el.addEventListener('cc-dial-request', (e) => e.preventDefault(), { once: true });
      const vetoed = (await el.call('13900000000').catch((e: unknown) => e)) as CcError;
      expect(vetoed.errorCode).to.equal(ERROR.dialVetoed);
      expect(sip.last('sip.call')).to.equal(undefined);
      el.remove();
      await new Promise((r) => setTimeout(r, 10)); // removal is deferred one task (moves keep calls)
      expect(phone.onBeforeDial === null, 'hook removed with the element').to.equal(true);

      const own = (callee: string) => `0${callee}`;
      const other = new Phone({ server: SERVER, sipUri: SIP_URI, password: 'secret', onBeforeDial: own }, { sipActor: sip.actor });
      const el2 = document.createElement('cc-workbench');
      el2.phone = other;
      await fixture(html`<div>${el2}</div>`);
      expect(other.onBeforeDial === own, 'the page\'s own hook is kept').to.equal(true);
      el2.remove();
      phone.destroy();
      other.destroy();
    });

    it('lets a cc-dial-request listener rewrite the callee (seen in the SIP INVITE target)', async () => {
      const m = await mountWorkbench();
      await toReady(m.el);
      const requests: { callee: string; originalCallee: string }[] = [];
      m.el.addEventListener('cc-dial-request', (e) => {
        requests.push({ ...e.detail });
        expect(e.cancelable).to.equal(true);
        e.detail.callee = `9${e.detail.callee}`;
      });
      const placed = m.el.call('13900000000');
      await untilCode(m.el, STATUS.dialing);
      expect(requests).to.deep.equal([{ callee: '13900000000', originalCallee: '13900000000' }]);
      const invite = m.sip.last('sip.call')!;
      expect(invite.target).to.equal('913900000000');
      const dialing = m.of<CcCallDetail>('cc-call-dialing');
      expect(dialing).to.have.length(1);
      expect(dialing[0]!.detail).to.include({ callee: '913900000000', caller: '1001', direction: 'outbound' });
      expect(dialing[0]!.detail.callId).to.equal(`sip-${invite.callId}`);
      m.sip.push({ type: 'sip.call.confirmed', callId: invite.callId });
      const call = await placed;
      expect(call.callee).to.equal('913900000000');
      expect(m.el.getStatusCode().code).to.equal(STATUS.outboundTalk);
    });

    it('lets a cc-hangup-request listener veto the hang-up (7011, call kept)', async () => {
      const m = await mountWorkbench();
      await toTalking(m);
      let seen: string | null = null;
      m.el.addEventListener(
        'cc-hangup-request',
        (e) => {
          seen = e.detail.callId;
          e.preventDefault();
        },
        { once: true },
      );
      button(m.el, 'Hang up').click();
      await settle(m.el);
      expect(seen).to.equal('in-1');
      expect(m.el.getStatusCode().code).to.equal(STATUS.inboundTalk);
      expect(m.sip.last('sip.terminate')).to.equal(undefined);
      expect(m.of<CcErrorInfo>('cc-error').at(-1)!.detail.errorCode).to.equal(ERROR.hangupVetoed);
      // Without a veto the same button ends the call.
      button(m.el, 'Hang up').click();
      await untilCode(m.el, STATUS.afterCall);
      expect(m.sip.last('sip.terminate')!.callId).to.equal('in-1');
    });
  });

  describe('calls', () => {
    it('shows the caller, a running timer and the answer/hang-up parts while ringing', async () => {
      const m = await mountWorkbench();
      await toReady(m.el);
      await ring(m);
      const panel = part(m.el, 'call-panel')!;
      expect(panel.textContent).to.contain('Alice Chen');
      expect(panel.textContent).to.contain(CUSTOMER);
      expect(part(m.el, 'timer')!.textContent!.trim()).to.match(/^\d\d:\d\d$/);
      expect(part(m.el, 'answer-button')).to.exist;
      expect(part(m.el, 'hangup-button')).to.exist;
      expect(part(m.el, 'dialpad')).to.equal(null);
    });

    it('announces an incoming call in the live region', async () => {
      const m = await mountWorkbench();
      await toReady(m.el);
      expect(liveRegion(m.el).textContent!.trim()).to.equal('');
      await ring(m);
      expect(liveRegion(m.el).getAttribute('aria-live')).to.equal('assertive');
      expect(liveRegion(m.el).textContent!.trim()).to.equal(`Incoming call from Alice Chen (${CUSTOMER})`);
    });

    it('announces in Chinese with lang="zh-CN"', async () => {
      const m = await mountWorkbench({ lang: 'zh-CN' });
      await toReady(m.el);
      m.sip.push({ type: 'sip.call.incoming', callId: 'z1', caller: CUSTOMER, callee: '1001', remoteName: '', internal: false });
      await untilCode(m.el, STATUS.ringing);
      expect(liveRegion(m.el).textContent!.trim()).to.equal(`${CUSTOMER} 来电`);
    });

    it('holds, resumes, mutes and unmutes through the call controls', async () => {
      const m = await mountWorkbench();
      await toTalking(m);
      expect(hasState(m.el, 'talking')).to.equal(true);
      button(m.el, 'Hold').click();
      await untilCode(m.el, STATUS.hold);
      expect(hasState(m.el, 'held')).to.equal(true);
      expect(m.sip.last('sip.hold')!.callId).to.equal('in-1');
      button(m.el, 'Resume').click();
      await untilCode(m.el, STATUS.inboundTalk);
      button(m.el, 'Mute').click();
      await settle(m.el);
      expect(m.sip.last('sip.mute')!.muted).to.equal(true);
      expect(hasState(m.el, 'muted')).to.equal(true);
      expect(buttonNames(m.el)).to.include('Unmute');
      button(m.el, 'Unmute').click();
      await settle(m.el);
      expect(m.sip.last('sip.mute')!.muted).to.equal(false);
      expect(hasState(m.el, 'muted')).to.equal(false);
    });

    it('shows :state(holding) and a busy Hold button until the PBX accepts the hold', async () => {
      const m = await mountWorkbench({}, { autoRespond: false });
      const registering = m.el.register();
      await settle(m.el);
      m.sip.push({ type: 'sip.registered' });
      await registering;
      await m.el.logIn();
      await ring(m);
      const answering = m.el.answer();
      await settle(m.el);
      m.sip.push({ type: 'sip.call.confirmed', callId: 'in-1' });
      await answering;
      await settle(m.el);
      const holding = m.el.hold();
      await settle(m.el);
      expect(hasState(m.el, 'holding')).to.equal(true);
      expect(hasState(m.el, 'held')).to.equal(false);
      expect(button(m.el, 'Hold').getAttribute('aria-busy')).to.equal('true');
      expect(m.of<CcStatusChangeDetail>('cc-status-change').map((e) => e.detail.code)).to.not.include(STATUS.hold);
      m.sip.push({ type: 'sip.call.held', callId: 'in-1' });
      await holding;
      await settle(m.el);
      expect(hasState(m.el, 'holding')).to.equal(false);
      expect(hasState(m.el, 'held')).to.equal(true);
    });

    it('transfers to the typed target (blind transfer)', async () => {
      const m = await mountWorkbench();
      await toTalking(m);
      expect(button(m.el, 'Transfer').disabled).to.equal(true);
      await typeTarget(m.el, '1003');
      button(m.el, 'Transfer').click();
      await untilCode(m.el, STATUS.afterCall);
      expect(m.sip.last('sip.refer')).to.deep.equal({ type: 'sip.refer', callId: 'in-1', target: '1003' });
    });

    it('consults, then completes the transfer', async () => {
      const m = await mountWorkbench();
      await toConsulting(m);
      expect(hasState(m.el, 'consulting')).to.equal(true);
      expect(deepQuery(m.el, '.consult')!.textContent).to.contain('1002');
      button(m.el, 'Complete transfer').click();
      await untilCode(m.el, STATUS.afterCall);
      expect(m.sip.last('sip.referReplaces')).to.include({ callId: 'in-1' });
    });

    it('opens a keypad during the call whose keys send DTMF', async () => {
      const m = await mountWorkbench();
      await toTalking(m);
      expect(part(m.el, 'dialpad')).to.equal(null);
      const toggle = button(m.el, 'Keypad');
      expect(toggle.getAttribute('aria-expanded')).to.equal('false');
      toggle.click();
      await m.el.updateComplete;
      const pad = part(m.el, 'dialpad')!;
      await (pad as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete;
      shadow(pad).querySelector<HTMLButtonElement>('[data-key="5"]')!.click();
      await settle(m.el);
      expect(m.sip.last('sip.dtmf')).to.deep.equal({ type: 'sip.dtmf', callId: 'in-1', digits: '5' });
    });
  });

  describe('keyboard', () => {
    it('logs in, answers and hangs up with the keyboard alone, keeping focus inside', async () => {
      const m = await mountWorkbench({ 'after-call': 'manual' });
      button(m.el, 'Log in').focus();
      await sendKeys({ press: 'Enter' });
      await untilCode(m.el, STATUS.ready);
      await ring(m);
      button(m.el, 'Answer').focus();
      await sendKeys({ press: 'Enter' });
      await untilCode(m.el, STATUS.inboundTalk);
      // The Answer button is gone: focus moved to Hang up instead of falling to <body>.
      expect(focusedIn(m.el)?.getAttribute('part')).to.equal('hangup-button');
      await sendKeys({ press: 'Space' });
      await untilCode(m.el, STATUS.afterCall);
      expect(focusedIn(m.el)).to.not.equal(null);
      expect(accessibleName(focusedIn(m.el)!)).to.equal('Ready');
    });

    it('shows a visible focus ring on keyboard focus', async () => {
      const { el } = await mountWorkbench();
      await sendKeys({ press: 'Tab' });
      const focused = focusedIn(el) as HTMLElement;
      expect(accessibleName(focused)).to.equal('Log in');
      const style = getComputedStyle(focused);
      expect(style.outlineStyle).to.equal('solid');
      expect(parseFloat(style.outlineWidth)).to.be.greaterThan(1);
    });
  });

  describe('after-call work', () => {
    it('shows a countdown and a Ready button', async () => {
      const m = await mountWorkbench({ 'after-call': '20' });
      await toTalking(m);
      button(m.el, 'Hang up').click();
      await untilCode(m.el, STATUS.afterCall);
      const panel = part(m.el, 'after-call')!;
      expect(panel.textContent).to.contain('After-call work');
      expect(panel.textContent).to.match(/Ready again in (20|19) s/);
      expect(hasState(m.el, 'after-call')).to.equal(true);
      button(m.el, 'Ready').click();
      await untilCode(m.el, STATUS.ready);
      expect(part(m.el, 'after-call')).to.equal(null);
    });

    it('shows no countdown with after-call="manual"', async () => {
      const m = await mountWorkbench({ 'after-call': 'manual' });
      await toTalking(m);
      m.sip.push({ type: 'sip.call.ended', callId: 'in-1', cause: 'BYE', originator: 'remote' });
      await untilCode(m.el, STATUS.afterCall);
      const panel = part(m.el, 'after-call')!;
      expect(panel.textContent).to.contain('set yourself ready');
      expect(panel.textContent).to.not.match(/\d+ s/);
      expect(panel.querySelector('.progress')).to.equal(null);
    });

    it('retunes the timers on the running phone when the attribute changes', async () => {
      const { el } = await mountWorkbench({ 'after-call': '15' });
      const phone = el.phone as Phone | null;
      el.setAttribute('after-call', 'manual');
      el.setAttribute('ring-timeout', '45');
      el.setAttribute('auto-answer', '3');
      await el.updateComplete;
      expect(el.phone).to.equal(phone);
      expect(phone!.snapshot.context.policy).to.deep.equal({ afterCall: 'manual', ringTimeout: 45, autoAnswer: 3 });
    });
  });

  describe('phone lifetime', () => {
    it('keeps the same phone (and the call) when the element is moved in the DOM', async () => {
      const m = await mountWorkbench();
      await toTalking(m);
      const phone = m.el.phone as Phone;
      const elsewhere = document.createElement('section');
      document.body.append(elsewhere);
      try {
        elsewhere.append(m.el);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await m.el.updateComplete;
        expect(m.el.phone).to.equal(phone);
        expect(phone.actor.getSnapshot().status).to.equal('active');
        expect(m.el.getStatusCode().code).to.equal(STATUS.inboundTalk);
        expect(m.sip.last('sip.terminate')).to.equal(undefined);
        // Facts still reach the element after the move.
        button(m.el, 'Hold').click();
        await untilCode(m.el, STATUS.hold);
        expect(m.of<CcStatusChangeDetail>('cc-status-change').at(-1)!.detail.code).to.equal(STATUS.hold);
      } finally {
        elsewhere.remove();
      }
    });

    it('keeps the call when moved into another element\'s shadow root in the middle of a call', async () => {
      const m = await mountWorkbench();
      await toTalking(m);
      const phone = m.el.phone as Phone;
      const layout = document.createElement('div');
      const root = layout.attachShadow({ mode: 'open' });
      document.body.append(layout);
      try {
        root.append(m.el);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await m.el.updateComplete;
        expect(m.el.phone).to.equal(phone);
        expect(m.sip.last('sip.terminate')).to.equal(undefined);
        expect(m.el.getStatusCode().code).to.equal(STATUS.inboundTalk);
        expect(part(m.el, 'call-panel')!.textContent).to.contain('Alice Chen');
        button(m.el, 'Mute').click();
        await settle(m.el);
        expect(m.sip.last('sip.mute')!.muted, 'the moved panel still commands the phone').to.equal(true);
      } finally {
        layout.remove();
      }
    });

    it('takes commands given before its phone exists: they wait for it', async () => {
      const sip = createFakeSip({ autoRespond: true });
      const el = document.createElement('cc-workbench');
      el.phoneFactory = (config) => new Phone(config, { sipActor: sip.actor });
      el.password = 'secret';
      el.setAttribute('server', SERVER);
      el.setAttribute('sip-uri', SIP_URI);
      expect(el.getStatusCode()).to.deep.equal({ code: STATUS.unregistered, lastCode: STATUS.unregistered });
      document.body.append(el);
      try {
        await el.register(); // before the first update created the phone
        expect(el.getStatusCode().code).to.equal(STATUS.offline);
        for (const name of ['register', 'logIn', 'applyForBreak', 'call', 'sendDtmf', 'cancelConsult', 'getStatusCode']) {
          expect(Object.prototype.hasOwnProperty.call(WorkbenchClass.prototype, name), name).to.equal(true);
        }
      } finally {
        el.remove();
      }
    });

    it('loads the phone module itself, and a command given right after insertion waits for it', async () => {
      // Twice: the second element finds the module already loaded (a race the first never meets).
      for (const round of [1, 2]) {
        const el = document.createElement('cc-workbench');
        el.setAttribute('server', SERVER);
        el.setAttribute('sip-uri', SIP_URI);
        document.body.append(el);
        try {
          // Not registered yet: the phone's own refusal (9001), not "no phone" (7100).
          const refused = (await el.logIn().catch((e: unknown) => e)) as CcError;
          expect(refused.errorCode, `round ${round}: ${refused.errorMsg}`).to.equal(ERROR.stateNotAllowed);
          expect(el.phone).to.be.instanceOf(Phone);
        } finally {
          el.remove();
        }
      }
    });

    it('destroys the phone it created once removed for good', async () => {
      const m = await mountWorkbench();
      const phone = m.el.phone as Phone;
      m.el.remove();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(phone.actor.getSnapshot().status).to.equal('stopped');
      expect(m.el.phone).to.equal(null);
      expect(m.sip.running).to.equal(false);
    });

    it('recreates the phone when the server changes, but not during a call', async () => {
      const m = await mountWorkbench();
      await toTalking(m);
      const first = m.el.phone as Phone;
      m.el.setAttribute('server', 'wss://other.example.test/ws');
      await m.el.updateComplete;
      expect(m.el.phone).to.equal(first);
      expect(first.actor.getSnapshot().status).to.equal('active');
      button(m.el, 'Hang up').click();
      await settle(m.el);
      await m.el.updateComplete;
      expect(m.el.phone).to.not.equal(first);
      expect(first.actor.getSnapshot().status).to.equal('stopped');
      expect(m.el.phone!.config.server).to.equal('wss://other.example.test/ws');
      expect(m.of('cc-init')).to.have.length(2);
    });

    it('uses a phone assigned by the page and never destroys it', async () => {
      const m = await mountWorkbench();
      const own = m.el.phone as Phone;
      const { Phone } = await import('../../src/phone.js');
      const { createFakeSip } = await import('../support/fake-sip.js');
      const sip = createFakeSip({ autoRespond: true });
      const hosted = new Phone({ server: 'wss://h.example.test', sipUri: 'sip:2001@h.example.test', password: 'x' }, { sipActor: sip.actor });
      try {
        m.el.phone = hosted;
        await m.el.updateComplete;
        expect(own.actor.getSnapshot().status).to.equal('stopped');
        await m.el.register();
        expect(hosted.getStatusCode().code).to.equal(STATUS.offline);
        expect(m.of<CcStatusChangeDetail>('cc-status-change').at(-1)!.detail.code).to.equal(STATUS.offline);
        m.el.remove();
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(hosted.actor.getSnapshot().status).to.equal('active');
      } finally {
        hosted.destroy();
      }
    });

    it('registers on its own with auto-register', async () => {
      const m = await mountWorkbench({ 'auto-register': '' });
      await untilCode(m.el, STATUS.offline);
      expect(m.sip.commands[0]).to.deep.equal({ type: 'sip.register' });
    });
  });
});
