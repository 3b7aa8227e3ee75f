import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../elements/after-call/cc-after-call.js';
import type { CcAfterCall } from '../../elements/after-call/after-call.js';
import { STATUS } from '../../machines/agent-types.js';
import type { PhoneConfig } from '../../src/config.js';
import type { Phone } from '../../src/phone.js';
import { createFakeCti } from './fake-cti.js';
import { button, buttonNames, destroyFakePhones, fakePhone, part, ringPhone, settle, shadow } from './helpers.js';

/** A phone that took a call and hung up: status 5. */
async function afterCall(config: Partial<PhoneConfig> = {}): Promise<Phone> {
  const { phone, sip } = fakePhone(config);
  await phone.register();
  await phone.logIn();
  await ringPhone(phone, sip);
  await phone.answer();
  await phone.hangUp();
  await waitUntil(() => phone.getStatusCode().code === STATUS.afterCall, 'after-call work', { timeout: 2000 });
  return phone;
}

describe('<cc-after-call>', () => {
  afterEach(destroyFakePhones);

  it('renders nothing outside after-call work', async () => {
    const { phone } = fakePhone();
    const el = await fixture<CcAfterCall>(html`<cc-after-call .phone=${phone}></cc-after-call>`);
    expect(shadow(el).children.length).to.equal(0);
  });

  it('counts down to ready and offers Ready, which ends after-call work', async () => {
    const phone = await afterCall({ afterCall: 20 });
    const el = await fixture<CcAfterCall>(html`<cc-after-call .phone=${phone}></cc-after-call>`);
    const panel = part(el, 'after-call')!;
    expect(panel.querySelector('h2')!.textContent).to.equal('After-call work');
    expect(panel.textContent).to.match(/Ready again in (20|19) s/);
    expect(panel.querySelector('.progress')).to.exist;
    button(el, 'Ready').click();
    await waitUntil(() => phone.getStatusCode().code === STATUS.ready, 'ready', { timeout: 2000 });
    await settle(el);
    expect(part(el, 'after-call')).to.equal(null);
  });

  it('shows no countdown with after-call "manual"', async () => {
    const phone = await afterCall({ afterCall: 'manual' });
    const el = await fixture<CcAfterCall>(html`<cc-after-call .phone=${phone}></cc-after-call>`);
    expect(part(el, 'after-call')!.textContent).to.contain('set yourself ready');
    expect(part(el, 'after-call')!.querySelector('.progress')).to.equal(null);
  });

  it('is accessible, in English and in Chinese', async () => {
    const phone = await afterCall({ afterCall: 30 });
    const el = await fixture<CcAfterCall>(html`<cc-after-call .phone=${phone}></cc-after-call>`);
    await expect(el).to.be.accessible();
    const zh = await fixture<CcAfterCall>(html`<cc-after-call lang="zh-CN" .phone=${phone}></cc-after-call>`);
    await waitUntil(() => buttonNames(zh).includes('置闲'), 'Chinese never arrived', { timeout: 3000 });
    await expect(zh).to.be.accessible();
  });

  it('keeps Ready busy while the CTI API has not answered, and ignores a second press', async () => {
    const cti = createFakeCti();
    const phone = await afterCall({ afterCall: 'manual', ctiRequest: cti.request });
    const el = await fixture<CcAfterCall>(html`<cc-after-call .phone=${phone}></cc-after-call>`);
    const release = cti.hold('ReadyForService');
    const before = cti.count('ReadyForService');
    button(el, 'Ready').click();
    await waitUntil(() => phone.snapshot.hasTag('ctiPending'), 'pending', { timeout: 2000 });
    await settle(el);
    const ready = button(el, 'Ready');
    expect(ready.getAttribute('aria-busy')).to.equal('true');
    expect(ready.getAttribute('aria-disabled')).to.equal('true');
    ready.click();
    await settle(el);
    expect(cti.count('ReadyForService')).to.equal(before + 1);
    release();
    await waitUntil(() => phone.getStatusCode().code === STATUS.ready, 'ready', { timeout: 2000 });
  });
});
