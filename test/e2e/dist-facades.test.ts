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

  for (const [file, version] of [
    ['workbench-sdk.iife.js', '2.0'],
    ['workbench-sdk-v03.iife.js', '0.3.2'],
  ] as const) {
    it(`WorkbenchSdk ${version} from its classic script loads dist/cc-workbench.js itself and registers with the SIP server GetLoginDetails names`, async () => {
      // A page of its own (a same-origin frame), so that nothing defined <cc-workbench> before.
      const frame = document.createElement('iframe');
      frame.src = '/test/support/facade-frame.html';
      document.body.append(frame);
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      const win = frame.contentWindow as Window & typeof globalThis;
      await new Promise((resolve, reject) => {
        const script = win.document.createElement('script');
        script.src = `/dist/facades/${file}`;
        script.onload = resolve;
        script.onerror = reject;
        win.document.head.append(script);
      });
      const problems: string[] = [];
      win.addEventListener('error', (e) => problems.push(String(e.message)));
      win.addEventListener('unhandledrejection', (e) => problems.push(String((e.reason as Error)?.message ?? e.reason)));
      const agent = testUser(version === '2.0' ? '1001' : '1002');
      const asked: string[] = [];
      // The host backend: GetLoginDetails names Kamailio and the SIP password; nothing else is
      // there, so the workbench runs SIP-only after that (2.0 through apiAxiosFunc, 0.3.2 through
      // its ajax requests, answered here).
      const backend = async (apiName: string) => {
        asked.push(apiName);
        if (apiName !== 'GetLoginDetails') return { Code: 'OK', Data: {} };
        return { Code: 'OK', Data: { UserId: `${agent.user}@${sipEnv().domain}`, SipServerUrl: sipEnv().wsUrl, SipPassword: agent.password } };
      };
      win.fetch = async (input: RequestInfo | URL) => {
        const url = new URL(String(input), location.href);
        return new Response(JSON.stringify(await backend(url.searchParams.get('action') ?? '')), { headers: { 'Content-Type': 'application/json' } });
      };
      const Sdk = (win as unknown as { WorkbenchSdk: new (config: Record<string, unknown>) => { element: HTMLElement | null; getStatusCode(): { code: number }; destroy(): void } }).WorkbenchSdk;
      const sdk = new Sdk({ dom: 'wb', instanceId: 'pbx.test', regionId: 'cn-shanghai', useOpenApiSdk: false, ...(version === '2.0' ? { apiAxiosFunc: backend } : { ajaxPath: '/backend' }) });
      try {
        await waitFor(() => sdk.element, `onInit: the workbench mounted (${problems.join('; ')}; asked ${asked.join(', ')})`, 15_000);
        expect(win.customElements.get('cc-workbench'), 'the facade loaded dist/cc-workbench.js').to.not.equal(undefined);
        expect(sdk.element!.getAttribute('sip-uri')).to.equal(`sip:${agent.user}@${sipEnv().domain}`);
        await (sdk.element as unknown as { register(): Promise<void> }).register();
        expect(sdk.getStatusCode().code).to.equal(1);
        expect(asked[0]).to.equal('GetLoginDetails');
      } finally {
        sdk.destroy();
        frame.remove();
      }
    });
  }
});
