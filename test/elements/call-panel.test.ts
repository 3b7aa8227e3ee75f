import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../elements/call-panel/cc-call-panel.js';
import type { CcCallPanel } from '../../elements/call-panel/call-panel.js';
import { STATUS } from '../../machines/agent-types.js';
import type { Phone } from '../../src/phone.js';
import type { FakeSip } from '../support/fake-sip.js';
import { CUSTOMER, accessibleName, button, buttonNames, destroyFakePhones, fakePhone, part, ringPhone, settle, shadow } from './helpers.js';

async function until(el: CcCallPanel, phone: Phone, code: number): Promise<void> {
  await waitUntil(() => phone.getStatusCode().code === code, `status ${code}, is ${phone.getStatusCode().code}`, { timeout: 2000 });
  await settle(el);
}

/** A ready phone with the panel showing it; `autoRespond: false` leaves every SIP answer to the test. */
async function panel(autoRespond = true): Promise<{ el: CcCallPanel; phone: Phone; sip: FakeSip }> {
  const { phone, sip } = fakePhone({}, { autoRespond });
  const registering = phone.register();
  if (!autoRespond) sip.push({ type: 'sip.registered' });
  await registering;
  await phone.logIn();
  const el = await fixture<CcCallPanel>(html`<cc-call-panel .phone=${phone}></cc-call-panel>`);
  return { el, phone, sip };
}

/** Rings and answers with the Answer button: status 9. `manual`: the test plays the PBX's answer. */
async function talking(el: CcCallPanel, phone: Phone, sip: FakeSip, manual = false): Promise<void> {
  await ringPhone(phone, sip);
  await settle(el);
  button(el, 'Answer').click();
  if (manual) {
    await waitUntil(() => sip.last('sip.answer'), 'answer sent');
    sip.push({ type: 'sip.call.confirmed', callId: 'in-1' });
  }
  await until(el, phone, STATUS.inboundTalk);
}

function typeTarget(el: CcCallPanel, value: string): Promise<boolean> {
  const input = shadow(el).querySelector<HTMLInputElement>('#transfer-target')!;
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  return el.updateComplete;
}

describe('<cc-call-panel>', () => {
  afterEach(destroyFakePhones);

  it('renders nothing without a phone or while there is no call', async () => {
    const empty = await fixture<CcCallPanel>(html`<cc-call-panel></cc-call-panel>`);
    expect(shadow(empty).children.length).to.equal(0);
    const { el } = await panel();
    expect(shadow(el).children.length).to.equal(0);
  });

  it('shows the caller, a running timer, Answer and Decline while ringing; Answer answers', async () => {
    const { el, phone, sip } = await panel();
    await ringPhone(phone, sip);
    await settle(el);
    const section = part(el, 'call-panel')!;
    expect(section.textContent).to.contain('Alice Chen');
    expect(section.textContent).to.contain(CUSTOMER);
    expect(section.hasAttribute('data-ringing')).to.equal(true);
    expect(part(el, 'timer')!.textContent!.trim()).to.match(/^\d\d:\d\d$/);
    expect(accessibleName(part(el, 'answer-button')!)).to.equal('Answer');
    expect(accessibleName(part(el, 'hangup-button')!)).to.equal('Decline');
    part(el, 'answer-button')!.click();
    await until(el, phone, STATUS.inboundTalk);
    expect(sip.last('sip.answer')!.callId).to.equal('in-1');
    expect(part(el, 'answer-button')).to.equal(null);
    expect(buttonNames(el)).to.include.members(['Mute', 'Hold', 'Keypad', 'Transfer', 'Consult', 'Hang up']);
    // The keypad open leaves transfer and consult reachable.
    button(el, 'Keypad').click();
    await el.updateComplete;
    expect(part(el, 'dialpad')).to.exist;
    expect(buttonNames(el)).to.include.members(['Transfer', 'Consult', 'Hang up']);
  });

  it('is accessible while ringing, talking and consulting', async () => {
    const { el, phone, sip } = await panel();
    await ringPhone(phone, sip);
    await settle(el);
    await expect(el).to.be.accessible();
    await talking(el, phone, sip);
    await expect(el).to.be.accessible();
    await typeTarget(el, '1002');
    button(el, 'Consult').click();
    await until(el, phone, STATUS.consultDialing);
    sip.push({ type: 'sip.call.confirmed', callId: sip.last('sip.call')!.callId });
    await until(el, phone, STATUS.consultTalking);
    await expect(el).to.be.accessible();
  });

  it('keeps Hold busy until the far end accepts the hold (status stays 9), then offers Resume', async () => {
    const { el, phone, sip } = await panel(false);
    await talking(el, phone, sip, true);
    button(el, 'Hold').click();
    await settle(el);
    expect(sip.last('sip.hold')!.callId).to.equal('in-1');
    const hold = button(el, 'Hold');
    expect(hold.getAttribute('aria-busy')).to.equal('true');
    expect(hold.getAttribute('aria-disabled')).to.equal('true');
    expect(phone.getStatusCode().code).to.equal(STATUS.inboundTalk);
    hold.click();
    await settle(el);
    expect(sip.commands.filter((c) => c.type === 'sip.hold')).to.have.length(1);

    sip.push({ type: 'sip.call.held', callId: 'in-1' });
    await until(el, phone, STATUS.hold);
    const resume = button(el, 'Resume');
    expect(resume, 'the same button, so focus stays on it').to.equal(hold);
    expect(resume.hasAttribute('aria-busy')).to.equal(false);
    resume.click();
    await settle(el);
    expect(button(el, 'Resume').getAttribute('aria-busy')).to.equal('true');
    sip.push({ type: 'sip.call.resumed', callId: 'in-1' });
    await until(el, phone, STATUS.inboundTalk);
    expect(buttonNames(el)).to.include('Hold');
  });

  it('offers Hold again, never Resume, when the far end refuses the hold', async () => {
    const { el, phone, sip } = await panel(false);
    await talking(el, phone, sip, true);
    button(el, 'Hold').click();
    await settle(el);
    sip.push({ type: 'sip.call.hold.failed', callId: 'in-1', cause: 'Not Acceptable Here', sipCode: 488 });
    await settle(el);
    expect(phone.getStatusCode().code).to.equal(STATUS.inboundTalk);
    expect(button(el, 'Hold').hasAttribute('aria-busy')).to.equal(false);
    expect(buttonNames(el)).to.not.include('Resume');
  });

  it('mutes and unmutes, showing the muted badge', async () => {
    const { el, phone, sip } = await panel();
    await talking(el, phone, sip);
    button(el, 'Mute').click();
    await settle(el);
    expect(sip.last('sip.mute')!.muted).to.equal(true);
    expect(part(el, 'call-panel')!.textContent).to.contain('Microphone muted');
    button(el, 'Unmute').click();
    await settle(el);
    expect(sip.last('sip.mute')!.muted).to.equal(false);
  });

  it('transfers to the typed target, and enables Transfer only once one is typed', async () => {
    const { el, phone, sip } = await panel();
    await talking(el, phone, sip);
    expect(button(el, 'Transfer').disabled).to.equal(true);
    await typeTarget(el, '1003');
    button(el, 'Transfer').click();
    await until(el, phone, STATUS.afterCall);
    expect(sip.last('sip.refer')).to.deep.equal({ type: 'sip.refer', callId: 'in-1', target: '1003' });
    expect(shadow(el).children.length, 'no call: nothing rendered').to.equal(0);
  });

  it('consults, shows the consult leg with the customer on hold, and completes the transfer', async () => {
    const { el, phone, sip } = await panel();
    await talking(el, phone, sip);
    await typeTarget(el, '1002');
    button(el, 'Consult').click();
    await until(el, phone, STATUS.consultDialing);
    sip.push({ type: 'sip.call.confirmed', callId: sip.last('sip.call')!.callId });
    await until(el, phone, STATUS.consultTalking);
    const leg = shadow(el).querySelector('[role="group"][aria-label="Consult call"]')!;
    expect(leg.textContent).to.contain('1002');
    expect(part(el, 'call-panel')!.textContent).to.contain('On hold');
    button(el, 'Complete transfer').click();
    await until(el, phone, STATUS.afterCall);
    expect(sip.last('sip.referReplaces')).to.include({ callId: 'in-1' });
  });

  it('opens an in-call keypad (part dialpad) whose keys send DTMF', async () => {
    const { el, phone, sip } = await panel();
    await talking(el, phone, sip);
    const toggle = button(el, 'Keypad');
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const pad = part(el, 'dialpad')!;
    expect(pad.localName).to.equal('cc-dialpad');
    await (pad as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete;
    shadow(pad).querySelector<HTMLButtonElement>('[data-key="7"]')!.click();
    await settle(el);
    expect(sip.last('sip.dtmf')).to.deep.equal({ type: 'sip.dtmf', callId: 'in-1', digits: '7' });
  });

  it('hangs up', async () => {
    const { el, phone, sip } = await panel();
    await talking(el, phone, sip);
    button(el, 'Hang up').click();
    await until(el, phone, STATUS.afterCall);
    expect(sip.last('sip.terminate')!.callId).to.equal('in-1');
  });
});
