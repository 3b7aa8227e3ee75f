import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../elements/cti/cc-cti-elements.js';
import type { CcCallerId } from '../../elements/caller-id/caller-id.js';
import { ERROR } from '../../machines/agent-types.js';
import type { CcErrorInfo } from '../../machines/agent-types.js';
import type { Phone } from '../../src/phone.js';
import { NUMBERS, createFakeCti, ok, refused } from './fake-cti.js';
import type { FakeCti } from './fake-cti.js';
import { button, destroyFakePhones, fakePhone, part, settle, shadow } from './helpers.js';
import { loadTranslation } from '../../src/localize/localize.js';

// Chinese is a chunk of its own (the dialpad and after-call tests cover its late arrival).
before(() => loadTranslation('zh-CN'));

function ctiPhone(cti: FakeCti): Phone {
  return fakePhone({ ctiRequest: cti.request }).phone;
}

function select(el: CcCallerId): HTMLSelectElement {
  return shadow(el).querySelector('select')!;
}

async function listed(el: CcCallerId, count = NUMBERS.length): Promise<void> {
  await waitUntil(() => shadow(el).querySelectorAll('option[value^="+"]').length === count, 'numbers listed', { timeout: 2000 });
  await settle(el);
}

describe('<cc-caller-id>', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    destroyFakePhones();
    localStorage.clear();
  });

  it('renders nothing and fetches nothing until the agent logs in, then lists the numbers', async () => {
    const cti = createFakeCti();
    const phone = ctiPhone(cti);
    await phone.register();
    const el = await fixture<CcCallerId>(html`<cc-caller-id .phone=${phone}></cc-caller-id>`);
    expect(shadow(el).children.length).to.equal(0);
    expect(cti.count('ListOutboundNumbersOfUser')).to.equal(0);
    expect(el.value).to.equal('');
    await phone.logIn();
    await listed(el);
    expect(cti.count('ListOutboundNumbersOfUser')).to.equal(1);
    const label = part(el, 'caller-id')!.querySelector('label')!;
    expect(label.textContent!.trim()).to.equal('Caller ID');
    expect(label.htmlFor).to.equal(select(el).id);
    expect(select(el).options[1]!.textContent!.trim()).to.equal('+8657188000002 · Shanghai');
    expect(el.value).to.equal('+8657188000001');
  });

  it('keeps a long caller ID description inside its width, the refresh button in the label row above it', async () => {
    const cti = createFakeCti();
    cti.reply['ListOutboundNumbersOfUser'] = () => ok({ List: [{ Number: '+8657188000001', Description: 'Hangzhou, Zhejiang Province, customer service line' }] });
    const phone = ctiPhone(cti);
    await phone.register();
    const el = await fixture<CcCallerId>(html`<cc-caller-id style="display: block; inline-size: 280px" .phone=${phone}></cc-caller-id>`);
    await phone.logIn();
    await listed(el, 1);
    const box = el.getBoundingClientRect();
    const field = select(el).getBoundingClientRect();
    const refresh = shadow(el).querySelector('.refresh')!.getBoundingClientRect();
    expect(field.right).to.be.at.most(box.right + 0.5);
    expect(refresh.bottom).to.be.at.most(field.top);
    expect(refresh.right).to.be.at.most(box.right + 0.5);
  });

  it('announces its value with change: when the list loads and when the agent picks a number, remembered', async () => {
    const cti = createFakeCti();
    const phone = ctiPhone(cti);
    await phone.register();
    const el = await fixture<CcCallerId>(html`<cc-caller-id .phone=${phone}></cc-caller-id>`);
    const loaded = oneEvent(el, 'change');
    await phone.logIn();
    expect((await loaded).bubbles).to.equal(true);
    expect(el.value).to.equal('+8657188000001');
    await listed(el);
    const picked = oneEvent(el, 'change');
    select(el).value = '+8657188000002';
    select(el).dispatchEvent(new Event('change'));
    await picked;
    expect(el.value).to.equal('+8657188000002');

    const again = await fixture<CcCallerId>(html`<cc-caller-id .phone=${phone}></cc-caller-id>`);
    await listed(again);
    expect(again.value, 'the choice is remembered for the same SIP URI').to.equal('+8657188000002');
  });

  it('shows an inline error with Retry and fires cc-error 7200 when the list fails', async () => {
    const cti = createFakeCti();
    cti.reply['ListOutboundNumbersOfUser'] = () => refused('req-9');
    const phone = ctiPhone(cti);
    await phone.register();
    await phone.logIn();
    const errors: CcErrorInfo[] = [];
    const el = document.createElement('cc-caller-id');
    el.addEventListener('cc-error', (e) => errors.push(e.detail));
    el.phone = phone;
    await fixture(html`<div>${el}</div>`);
    await waitUntil(() => shadow(el).querySelector('[role="alert"]'), 'inline error', { timeout: 2000 });
    expect(shadow(el).querySelector('[role="alert"]')!.textContent).to.contain('Could not load caller IDs');
    expect(errors[0]).to.include({ errorCode: ERROR.ctiFailed, apiName: 'ListOutboundNumbersOfUser', requestId: 'req-9' });
    await expect(el).to.be.accessible();
    cti.reply['ListOutboundNumbersOfUser'] = () => ok({ List: NUMBERS });
    button(el, 'Retry').click();
    await listed(el);
    expect(shadow(el).querySelector('[role="alert"]')).to.equal(null);
  });

  it('is accessible, and speaks Chinese with lang="zh-CN"', async () => {
    const phone = ctiPhone(createFakeCti());
    await phone.register();
    await phone.logIn();
    const el = await fixture<CcCallerId>(html`<cc-caller-id lang="zh-CN" .phone=${phone}></cc-caller-id>`);
    await listed(el);
    await expect(el).to.be.accessible();
    expect(part(el, 'caller-id')!.querySelector('label')!.textContent!.trim()).to.equal('主叫号码');
    expect(button(el, '刷新主叫号码')).to.exist;
  });
});
