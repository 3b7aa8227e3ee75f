import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { loadTranslation } from '../../src/localize/localize.js';
import '../../elements/agent-status/cc-agent-status.js';
import type { CcAgentStatus } from '../../elements/agent-status/agent-status.js';
import { STATUS } from '../../machines/agent-types.js';
import type { Phone } from '../../src/phone.js';
import { createFakeCti } from './fake-cti.js';
import { button, buttonNames, destroyFakePhones, fakePhone, part, settle, shadow } from './helpers.js';

function statusOf(phone: Phone | null): Promise<CcAgentStatus> {
  return fixture<CcAgentStatus>(html`<cc-agent-status .phone=${phone}></cc-agent-status>`);
}

async function until(el: CcAgentStatus, phone: Phone, code: number): Promise<void> {
  await waitUntil(() => phone.getStatusCode().code === code, `status ${code}, is ${phone.getStatusCode().code}`, { timeout: 2000 });
  await settle(el);
}

describe('<cc-agent-status>', () => {
  afterEach(destroyFakePhones);

  it('shows the name, its initials and "Unregistered", and no actions without a phone', async () => {
    const el = await fixture<CcAgentStatus>(html`<cc-agent-status name="Wang Fang"></cc-agent-status>`);
    expect(part(el, 'header')).to.exist;
    expect(shadow(el).querySelector('.name')!.textContent).to.equal('Wang Fang');
    expect(shadow(el).querySelector('.avatar')!.textContent!.trim()).to.equal('WF');
    expect(part(el, 'status')!.textContent).to.contain('Unregistered');
    // An agent's view: the numeric code only with show-code.
    expect(part(el, 'status')!.textContent).to.not.contain('-1');
    expect(part(el, 'actions')).to.equal(null);
    expect(buttonNames(el)).to.deep.equal([]);
    el.showCode = true;
    await el.updateComplete;
    expect(part(el, 'status')!.querySelector('.code')!.textContent).to.equal('-1');
  });

  it('is accessible without a phone, logged out and ready', async () => {
    const alone = await fixture(html`<cc-agent-status name="Wang Fang"></cc-agent-status>`);
    await expect(alone).to.be.accessible();
    alone.remove(); // one <header> (banner landmark) per page
    const { phone } = fakePhone();
    const el = await statusOf(phone);
    await expect(el).to.be.accessible();
    await phone.register();
    await phone.logIn();
    await settle(el);
    await expect(el).to.be.accessible();
  });

  it("names the agent after the phone's display name, else its SIP user", async () => {
    const named = await statusOf(fakePhone({ displayName: 'Li Na' }).phone);
    expect(shadow(named).querySelector('.name')!.textContent).to.equal('Li Na');
    const plain = await statusOf(fakePhone().phone);
    expect(shadow(plain).querySelector('.name')!.textContent).to.equal('1001');
  });

  it('"Log in" registers and logs the phone in; Go offline logs it out', async () => {
    const { phone, sip } = fakePhone();
    const el = await statusOf(phone);
    expect(buttonNames(el)).to.deep.equal(['Log in']);
    button(el, 'Log in').click();
    await until(el, phone, STATUS.ready);
    expect(sip.commands[0]).to.deep.equal({ type: 'sip.register' });
    expect(part(el, 'status')!.textContent).to.contain('Ready');
    expect(part(el, 'status')!.dataset['tone']).to.equal('ready');
    button(el, 'Go offline').click();
    await until(el, phone, STATUS.offline);
    expect(buttonNames(el)).to.deep.equal(['Log in']);
  });

  it('goes on break with the chosen reason, shows it, and back to ready', async () => {
    const { phone } = fakePhone();
    await phone.register();
    await phone.logIn();
    const el = await statusOf(phone);
    const select = shadow(el).querySelector('select')!;
    expect(select.getAttribute('aria-label')).to.equal('Break reason');
    expect([...select.options].map((o) => o.value)).to.deep.equal(['rest', 'meal', 'meeting', 'training']);
    select.value = 'training';
    select.dispatchEvent(new Event('change'));
    button(el, 'Break').click();
    await until(el, phone, STATUS.break);
    expect(phone.snapshot.context.breakReason).to.equal('training');
    expect(part(el, 'status')!.textContent).to.contain('Training');
    expect(part(el, 'status')!.dataset['tone']).to.equal('away');
    button(el, 'Ready').click();
    await until(el, phone, STATUS.ready);
  });

  it("offers the page's break reasons, translated when known", async () => {
    const { phone } = fakePhone();
    await phone.register();
    await phone.logIn();
    const el = await fixture<CcAgentStatus>(html`<cc-agent-status lang="zh-CN" .phone=${phone}></cc-agent-status>`);
    el.breakReasons = ['meal', 'coaching'];
    // Chinese is a chunk of its own: English until it is in, then a re-render.
    await loadTranslation('zh-CN');
    await el.updateComplete;
    expect([...shadow(el).querySelector('select')!.options].map((o) => o.textContent!.trim())).to.deep.equal(['用餐', 'coaching']);
    expect(el.breakReason).to.equal('meal');
  });

  it('keeps the buttons of the state before a pending CTI change, busy, and ignores presses', async () => {
    const cti = createFakeCti();
    const { phone } = fakePhone({ ctiRequest: cti.request });
    await phone.register();
    const el = await statusOf(phone);
    const release = cti.hold('ReadyForService');
    button(el, 'Log in').click();
    await waitUntil(() => phone.snapshot.hasTag('ctiPending') && cti.count('ReadyForService') === 1, 'pending', { timeout: 2000 });
    await settle(el);
    expect(part(el, 'actions')!.getAttribute('aria-busy')).to.equal('true');
    expect(button(el, 'Log in').getAttribute('aria-disabled')).to.equal('true');
    button(el, 'Log in').click();
    await settle(el);
    expect(cti.count('GetLoginDetails')).to.equal(1);
    release();
    await until(el, phone, STATUS.ready);
    expect(part(el, 'actions')!.getAttribute('aria-busy')).to.equal('false');
    expect(button(el, 'Break').hasAttribute('aria-disabled')).to.equal(false);
  });
});
