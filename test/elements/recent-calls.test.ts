import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../elements/cti/cc-cti-elements.js';
import type { CcRecentCalls } from '../../elements/recent-calls/recent-calls.js';
import { STATUS } from '../../machines/agent-types.js';
import { CcNumberPickEvent } from '../../src/events/cc-number-pick-event.js';
import { RECORDS, createFakeCti, ok } from './fake-cti.js';
import { accessibleName, destroyFakePhones, fakePhone, part, ringPhone, settle, shadow } from './helpers.js';

function entries(el: CcRecentCalls): HTMLButtonElement[] {
  return [...shadow(el).querySelectorAll<HTMLButtonElement>('li button')];
}

async function open(el: CcRecentCalls): Promise<void> {
  part(el, 'recent-calls')!.querySelector('summary')!.click();
  await waitUntil(() => entries(el).length > 0 || shadow(el).querySelector('.cti-empty, [role="alert"]'), 'loaded', { timeout: 2000 });
  await settle(el);
}

describe('<cc-recent-calls>', () => {
  afterEach(destroyFakePhones);

  it('is a closed <details> that fetches nothing until opened, then lists the calls', async () => {
    const cti = createFakeCti();
    const { phone } = fakePhone({ ctiRequest: cti.request });
    const el = await fixture<CcRecentCalls>(html`<cc-recent-calls .phone=${phone}></cc-recent-calls>`);
    const details = part(el, 'recent-calls') as HTMLDetailsElement;
    expect(details.localName).to.equal('details');
    expect(details.open).to.equal(false);
    expect(details.querySelector('summary')!.textContent!.trim()).to.equal('Recent calls');
    expect(cti.count('ListRecentCallDetailRecords')).to.equal(0);
    await open(el);
    expect(cti.count('ListRecentCallDetailRecords')).to.equal(1);
    const [inbound, outbound] = entries(el);
    expect(accessibleName(inbound!)).to.match(/^13800000000 Inbound · .+ · Answered 01:23$/);
    expect(accessibleName(outbound!)).to.match(/^13900000001 Outbound · .+ · Missed$/);
    expect(outbound!.hasAttribute('data-missed')).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('fires cc-number-pick (bubbling, not composed) with the number of a picked entry', async () => {
    const { phone } = fakePhone({ ctiRequest: createFakeCti().request });
    const el = await fixture<CcRecentCalls>(html`<cc-recent-calls .phone=${phone}></cc-recent-calls>`);
    await open(el);
    const picked = oneEvent(el, 'cc-number-pick');
    entries(el)[1]!.click();
    const event = await picked;
    expect(event).to.be.instanceOf(CcNumberPickEvent);
    expect(event.detail).to.deep.equal({ number: '13900000001' });
    expect(event.bubbles).to.equal(true);
    expect(event.composed).to.equal(false);
  });

  it('refreshes an open list after each call is released, and says so when there are none', async () => {
    const cti = createFakeCti();
    cti.reply['ListRecentCallDetailRecords'] = () => ok({ List: [] });
    const { phone, sip } = fakePhone({ ctiRequest: cti.request });
    await phone.register();
    await phone.logIn();
    const el = await fixture<CcRecentCalls>(html`<cc-recent-calls .phone=${phone}></cc-recent-calls>`);
    await open(el);
    expect(shadow(el).querySelector('.cti-empty')!.textContent!.trim()).to.equal('No recent calls');
    cti.reply['ListRecentCallDetailRecords'] = () => ok({ List: RECORDS });
    await ringPhone(phone, sip);
    await phone.answer();
    await phone.hangUp();
    await waitUntil(() => phone.getStatusCode().code === STATUS.afterCall, 'after-call', { timeout: 2000 });
    await waitUntil(() => entries(el).length === RECORDS.length, 'refreshed', { timeout: 2000 });
    expect(cti.count('ListRecentCallDetailRecords')).to.equal(2);
  });
});
