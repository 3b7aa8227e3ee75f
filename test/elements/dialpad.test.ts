import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { CcDialpad } from '../../elements/dialpad/dialpad.js';
import { STATUS } from '../../machines/agent-types.js';
import { Phone } from '../../src/phone.js';
import { createFakeSip } from '../support/fake-sip.js';
import type { FakeSip } from '../support/fake-sip.js';
import { accessibleName, settle, shadow } from './helpers.js';

const phones: Phone[] = [];

async function readyPhone(): Promise<{ phone: Phone; sip: FakeSip }> {
  const sip = createFakeSip({ autoRespond: true });
  const phone = new Phone(
    { server: 'wss://pbx.example.test/ws', sipUri: 'sip:1001@pbx.example.test', password: 'secret' },
    { sipActor: sip.actor },
  );
  phones.push(phone);
  await phone.register();
  await phone.logIn();
  return { phone, sip };
}

function key(pad: CcDialpad, k: string): HTMLButtonElement {
  const found = shadow(pad).querySelector<HTMLButtonElement>(`[data-key="${k}"]`);
  if (!found) throw new Error(`no key ${k}`);
  return found;
}

function input(pad: CcDialpad): HTMLInputElement {
  const found = shadow(pad).querySelector<HTMLInputElement>('input');
  if (!found) throw new Error('no number input');
  return found;
}

function callButton(pad: CcDialpad): HTMLButtonElement | null {
  return shadow(pad).querySelector<HTMLButtonElement>('[part~="call-button"]');
}

describe('<cc-dialpad>', () => {
  afterEach(() => {
    for (const phone of phones.splice(0)) phone.destroy();
  });

  it('renders a labelled number input, twelve named keys and a disabled Call button', async () => {
    const pad = await fixture<CcDialpad>(html`<cc-dialpad></cc-dialpad>`);
    const field = input(pad);
    const label = shadow(pad).querySelector(`label[for="${field.id}"]`);
    expect(label?.textContent?.trim()).to.equal('Phone number');
    const keys = [...shadow(pad).querySelectorAll<HTMLButtonElement>('.key')];
    expect(keys.map(accessibleName)).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']);
    expect(accessibleName(callButton(pad)!)).to.equal('Call');
    expect(callButton(pad)!.disabled).to.equal(true);
  });

  it('is accessible', async () => {
    const pad = await fixture<CcDialpad>(html`<cc-dialpad></cc-dialpad>`);
    await expect(pad).to.be.accessible();
    const { phone } = await readyPhone();
    pad.phone = phone;
    pad.value = '1002';
    await pad.updateComplete;
    await expect(pad).to.be.accessible();
  });

  it('speaks Chinese with lang="zh-CN"', async () => {
    const pad = await fixture<CcDialpad>(html`<cc-dialpad lang="zh-CN"></cc-dialpad>`);
    // The first Chinese element of the page loads the Chinese chunk, then renders again.
    await waitUntil(() => accessibleName(callButton(pad)!) === '呼叫', 'Chinese never arrived', { timeout: 3000 });
    expect(shadow(pad).querySelector('label')!.textContent!.trim()).to.equal('电话号码');
  });

  it('appends clicked keys to the number, and deletes with the delete button', async () => {
    const pad = await fixture<CcDialpad>(html`<cc-dialpad></cc-dialpad>`);
    for (const k of ['1', '0', '0', '2', '*', '#']) key(pad, k).click();
    await pad.updateComplete;
    expect(pad.value).to.equal('1002*#');
    expect(input(pad).value).to.equal('1002*#');
    const del = shadow(pad).querySelector<HTMLButtonElement>('.delete')!;
    expect(accessibleName(del)).to.equal('Delete last digit');
    del.click();
    await pad.updateComplete;
    expect(input(pad).value).to.equal('1002*');
  });

  it('takes digits, *, # and Backspace from the physical keyboard', async () => {
    const pad = await fixture<CcDialpad>(html`<cc-dialpad></cc-dialpad>`);
    key(pad, '5').focus();
    await sendKeys({ type: '13#*' });
    await pad.updateComplete;
    expect(pad.value).to.equal('13#*');
    await sendKeys({ press: 'Backspace' });
    await pad.updateComplete;
    expect(pad.value).to.equal('13#');
    // Typing into the input itself works as a normal text field.
    input(pad).focus();
    await sendKeys({ type: '9' });
    await pad.updateComplete;
    expect(pad.value).to.equal('13#9');
  });

  it('dials with Enter in the number input', async () => {
    const { phone, sip } = await readyPhone();
    const pad = await fixture<CcDialpad>(html`<cc-dialpad .phone=${phone}></cc-dialpad>`);
    input(pad).focus();
    await sendKeys({ type: '13900000000' });
    await sendKeys({ press: 'Enter' });
    await settle(pad);
    expect(sip.last('sip.call')?.target).to.equal('13900000000');
    expect(phone.getStatusCode().code).to.equal(STATUS.dialing);
  });

  it('dials with the Call button, only when the phone can dial', async () => {
    const { phone, sip } = await readyPhone();
    await phone.applyForBreak();
    const pad = await fixture<CcDialpad>(html`<cc-dialpad .phone=${phone} value="1002"></cc-dialpad>`);
    expect(callButton(pad)!.disabled, 'on break').to.equal(true);
    await phone.ready();
    await settle(pad);
    expect(callButton(pad)!.disabled, 'ready').to.equal(false);
    callButton(pad)!.click();
    await settle(pad);
    expect(sip.last('sip.call')?.target).to.equal('1002');
  });

  it('sends DTMF during a connected call and echoes the tones', async () => {
    const { phone, sip } = await readyPhone();
    const pad = await fixture<CcDialpad>(html`<cc-dialpad .phone=${phone}></cc-dialpad>`);
    sip.push({ type: 'sip.call.incoming', callId: 'in-7', caller: '13800000000', callee: '1001', remoteName: '', internal: false });
    await phone.answer();
    await settle(pad);
    expect(callButton(pad)).to.equal(null);
    expect(shadow(pad).querySelector('input')).to.equal(null);
    key(pad, '4').click();
    key(pad, '#').click();
    key(pad, '4').focus();
    await sendKeys({ type: '7' });
    await settle(pad);
    const tones = sip.commands.filter((c) => c.type === 'sip.dtmf').map((c) => (c.type === 'sip.dtmf' ? c.digits : ''));
    expect(tones).to.deep.equal(['4', '#', '7']);
    expect(shadow(pad).querySelector('[part~="echo"]')!.textContent!.trim()).to.equal('4#7');
    // Held calls take no tones: the keys are disabled.
    await phone.hold();
    await settle(pad);
    expect(key(pad, '1').disabled).to.equal(true);
  });
});
