import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../elements/cti/cc-cti-elements.js';
import type { CcTransferTargets } from '../../elements/transfer-targets/transfer-targets.js';
import { ERROR } from '../../machines/agent-types.js';
import type { CcErrorInfo } from '../../machines/agent-types.js';
import { createFakeCti, refused } from './fake-cti.js';
import { destroyFakePhones, fakePhone } from './helpers.js';

function options(root: ParentNode): HTMLOptionElement[] {
  return [...root.querySelectorAll<HTMLOptionElement>('datalist#transfer-targets option')];
}

describe('<cc-transfer-targets>', () => {
  afterEach(destroyFakePhones);

  it('lists the other agents, ready first, in a datalist that an input of the same tree uses', async () => {
    const cti = createFakeCti();
    const { phone } = fakePhone({ ctiRequest: cti.request });
    const host = await fixture<HTMLElement>(html`<div>
      <label for="target">Target</label><input id="target" list="transfer-targets" />
      <cc-transfer-targets .phone=${phone}></cc-transfer-targets>
    </div>`);
    const el = host.querySelector('cc-transfer-targets')!;
    expect(el.shadowRoot, 'light DOM: the datalist must share the input\'s tree').to.equal(null);
    await waitUntil(() => options(el).length > 0, 'agents listed', { timeout: 2000 });
    expect(cti.count('ListRealtimeAgentStates')).to.equal(1);
    expect(host.querySelector('input')!.list).to.equal(el.querySelector('datalist'));
    // The agent itself (1001) is not offered; ready before busy before offline.
    expect(options(el).map((o) => o.value)).to.deep.equal(['1005', '1002', '1003', '1004']);
    expect(options(el).map((o) => o.textContent!.trim())).to.deep.equal([
      'Amy Wu · Ready',
      'Li Na · Ready',
      'Zhao Lei · Talking',
      'Chen Jie · Offline',
    ]);
    const group = el.querySelector('[part~="transfer-targets"]')!;
    expect(group.getAttribute('aria-label')).to.equal('Transfer targets');
    expect(group.textContent).to.contain('2 of 4 agents ready');
    await expect(host).to.be.accessible();
  });

  it('fetches again each time it is connected (the transfer field reappears) and on Refresh', async () => {
    const cti = createFakeCti();
    const { phone } = fakePhone({ ctiRequest: cti.request });
    const host = await fixture<HTMLElement>(html`<div><cc-transfer-targets .phone=${phone}></cc-transfer-targets></div>`);
    const el = host.querySelector<CcTransferTargets>('cc-transfer-targets')!;
    await waitUntil(() => options(el).length > 0, 'agents listed', { timeout: 2000 });
    el.remove();
    host.append(el);
    await waitUntil(() => cti.count('ListRealtimeAgentStates') === 2, 'fetched on reconnection', { timeout: 2000 });
    await el.updateComplete;
    // No shadow root: find the button in the element itself.
    const refresh = [...el.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Refresh agent list')!;
    refresh.click();
    await waitUntil(() => cti.count('ListRealtimeAgentStates') === 3, 'refreshed', { timeout: 2000 });
  });

  it('shows an inline error and fires cc-error 7200 when the list fails', async () => {
    const cti = createFakeCti();
    cti.reply['ListRealtimeAgentStates'] = () => refused('req-7');
    const { phone } = fakePhone({ ctiRequest: cti.request });
    const errors: CcErrorInfo[] = [];
    const el = document.createElement('cc-transfer-targets');
    el.addEventListener('cc-error', (e) => errors.push(e.detail));
    el.phone = phone;
    const host = await fixture<HTMLElement>(html`<div>${el}</div>`);
    await waitUntil(() => el.querySelector('[role="alert"]'), 'inline error', { timeout: 2000 });
    expect(el.querySelector('[role="alert"]')!.textContent).to.contain('Could not load the agent list');
    expect(errors[0]).to.include({ errorCode: ERROR.ctiFailed, apiName: 'ListRealtimeAgentStates', requestId: 'req-7' });
    await expect(host).to.be.accessible();
  });
});
