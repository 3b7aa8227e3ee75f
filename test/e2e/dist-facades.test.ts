// The facades as pages load them: the built classic scripts of dist/facades/ (the one-line
// change of a reference SDK's script tag). Each defines the reference's global; the WorkbenchSdk
// one loads dist/cc-workbench.js from next to dist/facades/ by itself and registers with
// Kamailio through a host's request function. `npm test` builds before this runs.
import { expect } from '@open-wc/testing';
import { sipEnv, testUser, waitFor } from '../support/e2e.js';

/** Loads `src` as a classic script, as a reference SDK's page does. */
function classicScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(script);
  });
}

type Globals = Record<string, unknown>;

describe('the built facades (dist/facades/*.iife.js)', () => {
  it('each classic script defines its reference\'s global, and adds nothing else but window.CcFacades', async () => {
    const expected: Record<string, string> = {
      'phonekit.iife.js': 'PhoneKit',
      'emic-phonebar.iife.js': 'phonebar',
      'phone-sdk.iife.js': 'PhoneSdk',
      'workbench-sdk-v03.iife.js': 'WorkbenchSdk',
    };
    for (const [file, global] of Object.entries(expected)) {
      const before = new Set(Object.keys(window));
      await classicScript(`/dist/facades/${file}`);
      expect((window as unknown as Globals)[global], `${file} defines ${global}`).to.not.equal(undefined);
      const added = Object.keys(window).filter((k) => !before.has(k) && k !== global && k !== 'CcFacades');
      // The Emic examples call a few of its functions bare (getUser, answerPBXCall, ...).
      if (file !== 'emic-phonebar.iife.js') expect(added, `${file} adds only ${global}`).to.deep.equal([]);
    }
    expect(customElements.get('cc-workbench'), 'nothing loads the workbench before it is used').to.equal(undefined);
  });

  it('WorkbenchSdk from its classic script loads dist/cc-workbench.js itself and registers with the SIP server GetLoginDetails names', async () => {
    await classicScript('/dist/facades/workbench-sdk.iife.js');
    const WorkbenchSdk = (window as unknown as { WorkbenchSdk: new (config: Record<string, unknown>) => { element: HTMLElement | null; register(): Promise<void>; getStatusCode(): { code: number }; destroy(): void } }).WorkbenchSdk;
    const agent = testUser('1001');
    const container = document.createElement('div');
    container.id = 'wb';
    document.body.append(container);
    const asked: string[] = [];
    // The host's own transport (apiAxiosFunc): GetLoginDetails names Kamailio and the SIP password;
    // there is no CTI backend here, so the workbench runs SIP-only after that.
    const sdk = new WorkbenchSdk({
      dom: 'wb',
      instanceId: 'pbx.test',
      regionId: 'cn-shanghai',
      apiAxiosFunc: async (apiName: string) => {
        asked.push(apiName);
        if (apiName !== 'GetLoginDetails') return { Code: 'OK', Data: {} };
        return { Code: 'OK', Data: { UserId: `${agent.user}@${sipEnv().domain}`, SipServerUrl: sipEnv().wsUrl, SipPassword: agent.password, DisplayName: 'Alice' } };
      },
    });
    try {
      await waitFor(() => sdk.element, 'onInit: the workbench mounted', 15_000);
      expect(customElements.get('cc-workbench'), 'dist/cc-workbench.js was loaded').to.not.equal(undefined);
      expect(sdk.element!.getAttribute('sip-uri')).to.equal(`sip:${agent.user}@${sipEnv().domain}`);
      await (sdk.element as unknown as { register(): Promise<void> }).register();
      expect(sdk.getStatusCode().code).to.equal(1);
      expect(asked[0]).to.equal('GetLoginDetails');
    } finally {
      sdk.destroy();
      container.remove();
    }
  });
});
