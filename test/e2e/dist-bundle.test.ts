// The built bundle, not the sources: dist/cc-phone.js and its JsSIP chunk are what pages load,
// minified, with the lite JsSIP, its MD5 stand-in and short private member names
// (scripts/jssip-lite.mjs). Two headless phones from dist register with Kamailio (digest
// authentication), call, hold, resume, send tones and hang up. `npm test` builds before this runs.
import { expect } from '@open-wc/testing';
import { STATUS } from '../../machines/agent-types.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import type * as PhoneModule from '../../src/phone.js';
import { sipEnv, testUser, waitFor } from '../support/e2e.js';

/** A variable, so neither TypeScript nor the test bundler touches the built file. */
const DIST_PHONE = '/dist/cc-phone.js';

describe('the built bundle (dist/cc-phone.js)', () => {
  const phones: PhoneModule.Phone[] = [];
  afterEach(() => {
    for (const phone of phones.splice(0)) phone.destroy();
  });

  it('registers with digest authentication, calls, holds, resumes, sends DTMF and hangs up', async () => {
    const { createPhone } = (await import(DIST_PHONE)) as typeof PhoneModule;
    const open = async (user: string) => {
      const account = testUser(user);
      const phone = createPhone({ server: sipEnv().wsUrl, sipUri: account.uri, password: account.password, afterCall: 0 });
      phones.push(phone);
      await phone.register();
      await phone.logIn();
      return phone;
    };
    const agent = await open('1001');
    const customer = await open('13800000001');
    // A wrong password is refused by the server, through the same digest code.
    const wrong = createPhone({ server: sipEnv().wsUrl, sipUri: testUser('1002').uri, password: 'not-the-password' });
    phones.push(wrong);
    const refused = await wrong.register().then(
      () => null,
      (e: { errorCode: number }) => e,
    );
    expect(refused?.errorCode).to.equal(7001);

    const dialing = customer.call('1001');
    await waitFor(() => agent.getStatusCode().code === STATUS.ringing, 'the agent rings');
    await agent.answer();
    await dialing;
    expect(agent.getStatusCode().code).to.equal(STATUS.inboundTalk);
    await agent.hold();
    expect(agent.getStatusCode().code).to.equal(STATUS.hold);
    await agent.retrieve();
    expect(agent.getStatusCode().code).to.equal(STATUS.inboundTalk);
    await agent.sendDtmf('12#');
    await agent.hangUp();
    await waitFor(() => customer.getStatusCode().code === STATUS.ready, 'the customer is free again');
    expect(agent.getStatusCode().code).to.be.oneOf([STATUS.ready, STATUS.afterCall]);
  });
});

describe('the classic-script bundle (dist/cc-workbench.iife.js)', () => {
  it('defines window.CcWorkbench with the public API and registers the elements, in a page of its own', async () => {
    // A document of its own: the test page already defines the elements from the sources.
    const frame = document.createElement('iframe');
    frame.srcdoc = '<!doctype html><script src="/dist/cc-workbench.iife.js"></script>';
    document.body.append(frame);
    try {
      const win = frame.contentWindow as (Window & { CcWorkbench?: Record<string, unknown> }) | null;
      await waitFor(() => win?.CcWorkbench, 'window.CcWorkbench in the frame');
      expect(typeof win!.CcWorkbench!.createPhone).to.equal('function');
      expect(typeof win!.CcWorkbench!.CcWorkbench).to.equal('function');
      expect(win!.customElements.get('cc-workbench')).to.equal(win!.CcWorkbench!.CcWorkbench);
    } finally {
      frame.remove();
    }
  });
});

describe('the built element (dist/cc-workbench.js) with the chunks it loads where used', () => {
  it('registers with tabs="shared", logs in, and loads the history, devices and network chunks from dist', async () => {
    // A document of its own: the test page already defines the elements from the sources.
    const frame = document.createElement('iframe');
    frame.setAttribute('allow', 'microphone');
    frame.srcdoc = '<!doctype html><script type="module" src="/dist/cc-workbench.js"></script><cc-workbench tabs="shared" history></cc-workbench>';
    document.body.append(frame);
    try {
      const win = frame.contentWindow as Window & typeof globalThis;
      await waitFor(() => win.customElements?.get('cc-workbench'), 'the element defined from dist');
      const account = testUser('1003');
      const el = win.document.querySelector('cc-workbench') as CcWorkbench;
      el.password = account.password;
      el.setAttribute('server', sipEnv().wsUrl);
      el.setAttribute('sip-uri', account.uri);
      // tabs="shared": the tab election's chunk decides that this tab registers (dist's renamed names must match).
      await waitFor(() => el.phone, 'a phone from the tab election');
      await el.register();
      await el.logIn();
      expect(el.getStatusCode().code).to.equal(STATUS.ready);
      const root = el.shadowRoot!;
      await waitFor(() => root.querySelector('cc-my-work') && root.querySelector('cc-devices'), 'the history and devices chunks rendered their elements');
      expect((await el.listDevices()).microphones.length, 'the fake microphones').to.be.above(0);
      const check = await el.checkNetwork();
      expect(check.websocket.ok, JSON.stringify(check)).to.equal(true);
      expect(check.ok).to.equal(true);
      await el.unregister();
    } finally {
      frame.remove();
    }
  });
});
