// The caller's area (gap G8: reference 002 ringInfo.area, 004 userArea / userNumberType): the ACD
// puts `X-CC-Caller-Area` on the INVITEs of the calls it offers, from a small table of Chinese
// area codes (and dev mobile blocks), and leaves it out for numbers the table does not know.
//   node --test test/callcenter/caller-area.test.mjs
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callerArea, callerAreaHeader } from '../../demo/callcenter/acd/caller-area.mjs';
import { CTI_PATH } from '../../demo/callcenter/index.mjs';
import { startPhone, waitFor } from './support/acd-harness.mjs';
import { api, QUEUES, serveCallCenter, USERS } from './support/cti-harness.mjs';

const password = (/** @type {string} */ user) => USERS.users.find((/** @type {any} */ u) => u.user === user).password;

describe('caller area table', () => {
  it('knows fixed lines by their area code, in every spelling of the country code', () => {
    for (const n of ['02112345678', '+862112345678', '00862112345678', '862112345678', '021-1234-5678']) {
      assert.deepEqual(callerArea(n), { code: '021', type: 'fixed', province: 'Shanghai', city: 'Shanghai', zh: { province: '上海', city: '上海' } }, n);
    }
    assert.equal(callerArea('+8657188000001')?.city, 'Hangzhou', 'a 4-digit area code');
    assert.equal(callerArea('01012345678')?.code, '010');
  });

  it("knows the demo's mobile blocks, and nothing else: extensions, queues, foreign and unknown numbers", () => {
    assert.deepEqual(callerArea('+8613800000001'), { code: '010', type: 'mobile', province: 'Beijing', city: 'Beijing', zh: { province: '北京', city: '北京' } });
    for (const n of ['1001', 'sales', '+14155550100', '0044201234567', '13812345678', '0999123456', '021123', '']) assert.equal(callerArea(n), null, n);
  });

  it('writes the header as key=value pairs, Chinese names as UTF-8', () => {
    assert.equal(callerAreaHeader('057188000001'), 'code=0571;type=fixed;province=Zhejiang;city=Hangzhou;province-zh=浙江;city-zh=杭州');
    assert.equal(callerAreaHeader('1002'), null);
  });
});

describe('X-CC-Caller-Area on the calls the ACD offers', { timeout: 60_000 }, () => {
  it('tells the agent where a queue caller calls from, and nothing for an unknown number', async (t) => {
    const served = await serveCallCenter({ queues: { ...QUEUES, ringTimeoutSeconds: 5 } });
    t.after(() => served.close());
    const { center, origin } = served;
    const agent = await startPhone({ wsUrl: center.wsUrl, domain: center.domain, user: '1001', password: password('1001'), frequency: 1200, answer: 486 });
    t.after(() => agent.close());
    const ready = async () => assert.equal((await api({ url: `${origin}${CTI_PATH}` }, 'ReadyForService', { UserId: '1001' })).body.Code, 'OK');
    /** A simulated customer calls sales from `from`; resolves with the INVITE the agent got. @param {string} from */
    const offerFrom = async (from) => {
      await waitFor(() => center.directory.get('1001')?.state !== 'ringing', { what: '1001 free' });
      await ready();
      const index = agent.invites.length;
      const res = await fetch(`${origin}/api/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, to: 'sales' }) });
      const placed = await res.json();
      const invite = await waitFor(() => agent.invites[index], { what: `the offer of ${from}` });
      await fetch(`${origin}/api/customers/${placed.id}/hangup`, { method: 'POST' });
      return invite;
    };
    assert.equal((await offerFrom('13800000002')).callerArea, 'code=010;type=mobile;province=Beijing;city=Beijing;province-zh=北京;city-zh=北京');
    assert.equal((await offerFrom('02187654321')).callerArea, 'code=021;type=fixed;province=Shanghai;city=Shanghai;province-zh=上海;city-zh=上海');
    assert.equal((await offerFrom('13812345678')).callerArea, undefined);
  });
});
