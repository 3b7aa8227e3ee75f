// WorkbenchSdk 2.0 (reference 000) through its facade, against the dev call center: the
// document's printed examples, copied as they are, drive a real agent through a queue call.
// What differs from the printed text, and why (the only edits):
// - `instanceId: "XXX"` -> `"pbx.test"`: the dev call center's instance (a credential / server value);
// - `ajaxMethod: "post";,` -> `ajaxMethod: "post",`: the printed line is a syntax error;
// - the host page signs its agent in first (POST /api/ccc/session sets the session cookie that
//   the reference's `/aliyun/ccc/api` backend path authenticates by), as the host system's own
//   login would; the example itself carries no credential;
// - `axios` and `Qs`, which the `apiAxiosFunc` fragment uses but never defines, are small
//   stand-ins over fetch and URLSearchParams, and the fragment sits in a config object.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { WorkbenchSdk } from '../../src/facades/workbench-sdk.js';
import { HOOK_NAMES } from '../../src/facades/workbench-sdk.js';
import { declaration } from '../../src/facades/workbench-sdk-declarations.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { customers, mountCtiAgent, serverState } from '../support/center.js';
import { capturePrinted, container, printed, restoreConsole, signInHost, signOutHost } from '../support/facade-workbench-sdk.js';
import { sleep, waitFor } from '../support/e2e.js';

declare global {
  interface Window {
    workbench?: WorkbenchSdk;
    axios?: (options: { method: string; url: string; headers: Record<string, string>; data: string }) => Promise<{ data: unknown }>;
    Qs?: { stringify(value: Record<string, string>): string };
  }
}

const mounted: HTMLElement[] = [];

/** The objects a hook printed after `label` (or as the only argument). */
function printedAfter(label: string | null): Record<string, unknown>[] {
  return printed
    .filter((args) => (label === null ? args.length === 1 : args[0] === label))
    .map((args) => args[label === null ? 0 : 1])
    .filter((v): v is Record<string, unknown> => !!v && typeof v === 'object');
}

const code = (): number => window.workbench!.getStatusCode().code;

describe('WorkbenchSdk 2.0 facade (reference 000) against the dev call center', () => {
  beforeEach(() => capturePrinted());

  afterEach(async () => {
    restoreConsole();
    await customers.hangUpAll();
    window.workbench?.destroy();
    window.workbench = undefined;
    for (const el of mounted.splice(0)) el.remove();
    await signOutHost();
  });

  it('runs the printed config example: register, a queue call (onCallComing), answer, hold, retrieve, DTMF, hang up, after-call work, ready, blind transfer', async () => {
    await signInHost('1001');
    container('workbench-container', mounted);
    // ---- 000, the config example after 四.38 (edits listed at the top of this file) ----
    window.workbench = new window.WorkbenchSdk({
       dom: "workbench-container",
       regionId: 'cn-shanghai',
       width: "320px",
       height: "552px",
       instanceId: "pbx.test",
       ajaxPath: "/aliyun/ccc/api",
       ajaxMethod: "post",
       afterCallRule: 15, // 挂机后的话后处理时间
       header: true,
       autoAnswerCall: 8, // 有来电振铃响8s后自动接听
       useOpenApiSdk: false,
       exportErrorOfApi: true,
       onInit: function () {
         // window.workbench.register() // 想实现自动上线在此注册
       },
       onErrorNotify: function (error) {
         console.warn(error)
       },
       onCallComing: function (callDetail) {
         console.log(callDetail);
       },
       onCallDialing: function (callDetail) {
         console.log(callDetail);
       },
       onStatusChange: function (codeDetail) {
         console.log(codeDetail);
       },
       onCallEstablish: function (callDetail) {
         console.log("这里是通话建立时触发的回调函数", callDetail)
       },
       onCallRelease: function (callDetail) {
         console.log("这里是通话结束时触发的回调函数", callDetail)
       },
       onHangUp: function (type) {
         console.log("这里是onHangUp事件，type =" + type)
       }
     })
    // ---- end of the example ----
    await waitFor(() => window.workbench!.element, 'onInit (GetLoginDetails answered, the panel mounted)');
    const el = window.workbench.element!;
    expect(el.getAttribute('sip-uri')).to.equal('sip:1001@pbx.test');
    expect(document.querySelector<HTMLElement>('#workbench-container .cc-wbsdk')!.style.width).to.equal('320px');

    // 五 5: the first sign-in: registration, sign-in, ready.
    window.workbench.register();
    await waitFor(() => code() === 3, 'ready after register()', 15_000);
    await waitFor(async () => (await serverState('1001')) === 'Ready', '1001 ready at the call center');
    const statuses = printedAfter(null).filter((o) => 'code' in o && 'lastCode' in o);
    expect(statuses.map((s) => s['code'])).to.include.members([0, 1, 3]);
    expect(statuses.at(-1)).to.deep.include({ code: 3, lastCode: 1 });

    // A customer calls the sales queue: onCallComing with the reference's fields.
    const customer = await customers.place('13900000011', 'sales');
    await waitFor(() => code() === 6, 'ringing', 15_000);
    const coming = printedAfter(null).find((o) => 'callType' in o)!;
    expect(coming).to.include({ caller: '13900000011', callType: 'INBOUND' });
    expect(coming['jobId']).to.be.a('string').and.not.equal('');
    expect(coming['callContext']).to.be.an('object');
    // Answered by the method, before autoAnswerCall's 8 s.
    window.workbench.answer();
    await waitFor(() => code() === 9, 'inbound talk', 5_000);
    await customers.until(customer.id, (c) => c.state === 'talking', 'talking');
    expect(printedAfter('这里是通话建立时触发的回调函数')).to.have.length(1);

    window.workbench.callHold();
    await waitFor(() => code() === 12, 'hold (12)');
    await customers.until(customer.id, (c) => c.held, 'the customer is held');
    window.workbench.callRetrieve();
    await waitFor(() => code() === 9, 'retrieved (9)');
    await customers.until(customer.id, (c) => !c.held, 'the customer is resumed');
    window.workbench.sendDtmf('4');
    window.workbench.sendDtmf('2');
    await customers.until(customer.id, (c) => c.dtmfReceived.includes('42'), 'the customer receives 42');

    window.workbench.hangUp();
    await waitFor(() => code() === 5, 'after-call work (5)');
    expect(printed.some((args) => args[0] === '这里是onHangUp事件，type =inbound')).to.equal(true);
    expect(printedAfter('这里是通话结束时触发的回调函数').length).to.be.greaterThan(0);
    window.workbench.ready();
    await waitFor(() => code() === 3, 'ready again');

    // Blind transfer (五 21) of a second queue call to 1002, who answers.
    const bob = await mountCtiAgent('1002', {}, (b) => mounted.push(b));
    const second = await customers.place('13900000012', 'sales');
    await waitFor(() => code() === 6, 'the second call rings at 1001', 15_000);
    window.workbench.answer();
    await waitFor(() => code() === 9, 'talking');
    window.workbench.thirdCallTransfer('1002', '');
    await waitFor(() => bob.getStatusCode().code === 6, '1002 rings with the transferred call', 15_000);
    await bob.answer();
    await waitFor(() => code() === 5, '1001 in after-call work after the transfer', 15_000);
    await customers.until(second.id, (c) => c.state === 'talking', 'the customer talks to 1002');
    // No error reached onErrorNotify on the way.
    expect(printed.filter((args) => args[0] === 'warn')).to.deep.equal([]);
  });

  it('dials with onBeforeCallDialing (callback with a prefix), asks onBeforeCallHangup, and requests through apiAxiosFunc', async () => {
    await signInHost('1003');
    container('wb', mounted);
    // The reference's axios + Qs, which its apiAxiosFunc fragment expects as globals.
    window.axios = async ({ method, url, headers, data }) => ({ data: await (await fetch(url, { method, headers, body: data })).json() });
    window.Qs = { stringify: (value) => new URLSearchParams(value).toString() };
    const asked: Record<string, unknown>[] = [];
    let hangupCallback: (() => void) | null = null;
    window.workbench = new WorkbenchSdk({
      dom: 'wb',
      regionId: 'cn-shanghai',
      instanceId: 'pbx.test',
      afterCallRule: 'manual',
      // ---- 000, 四.38 as printed ----
      apiAxiosFunc: (apiName, params) => {
         console.log(apiName, params);
         let promise = window.axios!({
            method: 'post',
            url:`/aliyun/ccc/api?action=${apiName}`,
            headers: {
               'Content-Type': 'application/x-www-form-urlencoded',
            },
            data: window.Qs!.stringify({ request: JSON.stringify(params)}),
          });
          return promise;
      },
      // ---- end ----
      onBeforeCallDialing: (payload: { callee: string; userId: string; callback: (callee?: string) => void }) => {
        asked.push(payload);
        setTimeout(() => payload.callback(`${payload.callee}`), 200);
      },
      onBeforeCallHangup: (payload: { callback: () => void; jobId: string; channelId: string; userId: string }) => {
        asked.push(payload);
        hangupCallback = payload.callback;
      },
    });
    await waitFor(() => window.workbench!.element, 'onInit');
    expect(printed.some((args) => args[0] === 'GetLoginDetails')).to.equal(true);
    window.workbench.register();
    await waitFor(() => code() === 3, 'ready', 15_000);

    // 1003 calls a simulated customer number; the host's hook is asked first.
    window.workbench.call('13900000013');
    await waitFor(() => asked.length === 1, 'onBeforeCallDialing asked');
    expect(asked[0]).to.include({ callee: '13900000013', userId: '1003@pbx.test' });
    expect(code()).to.equal(3);
    const customer = await customers.find((c) => c.to === '13900000013' && c.state !== 'ended', 'the customer number rings');
    expect(customer).to.not.equal(null);
    await waitFor(() => code() === 10, 'outbound talk (the simulated customer answers)', 15_000);

    window.workbench.hangUp();
    await waitFor(() => asked.length === 2, 'onBeforeCallHangup asked');
    expect(asked[1]!['channelId']).to.be.a('string').and.not.equal('');
    await sleep(300);
    expect(code(), 'the call stays up until callback()').to.equal(10);
    hangupCallback!();
    await waitFor(() => code() === 5, 'hung up after callback(): after-call work');
  });

  it('reports the reference\'s errors: 8004 before onInit, 6002 when signed out, 8003 during a call, NoAvailableCallee, 8023, development errors thrown', async () => {
    const errors: Record<string, unknown>[] = [];
    // Development errors (七): thrown by the constructor.
    expect(() => new WorkbenchSdk({ dom: 'nowhere', instanceId: 'pbx.test', regionId: 'cn-shanghai' })).to.throw(/no element with id "nowhere"/);
    container('wb', mounted);
    expect(() => new WorkbenchSdk({ dom: 'wb', instanceId: 'pbx.test', regionId: 'cn-shanghai', onInit: 'register' as never })).to.throw('onInit must be a function');
    expect(() => new WorkbenchSdk({ dom: 'wb', instanceId: 'pbx.test' } as never)).to.throw(/regionId is required/);
    expect(() => new WorkbenchSdk({ dom: 'wb', instanceId: 'pbx.test', regionId: 'x', afterCallRule: 'later' as never })).to.throw(/afterCallRule/);

    // 8023: GetLoginDetails refused (no session: the host has not signed anyone in).
    await fetch('/api/ccc/session', { method: 'DELETE' });
    const refused = new WorkbenchSdk({ dom: 'wb', instanceId: 'pbx.test', regionId: 'cn-shanghai', ajaxPath: '/aliyun/ccc/api', onErrorNotify: (e: object) => void errors.push(e as Record<string, unknown>) });
    await waitFor(() => errors.length > 0, 'onErrorNotify 8023');
    expect(errors[0]).to.include({ errorCode: 8023, errorMsgTip: '获取配置失败' });
    expect(refused.element).to.equal(null);
    // 8004: a method before onInit.
    refused.ready();
    await waitFor(() => errors.length > 1, 'onErrorNotify 8004');
    expect(errors[1]).to.include({ errorCode: 8004 });
    refused.destroy();

    await signInHost('1004');
    let thrown = 0;
    window.workbench = new WorkbenchSdk({
      dom: 'wb',
      regionId: 'cn-shanghai',
      instanceId: 'pbx.test',
      ajaxPath: '/aliyun/ccc/api',
      afterCallRule: 'manual',
      onErrorNotify: (e: object) => void errors.push(e as Record<string, unknown>),
      // A host hook that throws breaks nothing.
      onStatusChange: () => {
        thrown += 1;
        throw new Error('host bug');
      },
    });
    await waitFor(() => window.workbench!.element, 'onInit');
    await (window.workbench.element as CcWorkbench).register();
    await waitFor(() => code() === 1, 'registered, signed out');
    errors.length = 0;
    window.workbench.ready();
    await waitFor(() => errors.length > 0, '6002');
    expect(errors[0]).to.include({ errorCode: 6002, errorMsgTip: '坐席未签入' });
    window.workbench.logIn();
    await waitFor(() => code() === 3, 'ready after logIn()', 15_000);
    expect(thrown).to.be.greaterThan(0);
    errors.length = 0;
    window.workbench.call('not a number!');
    await waitFor(() => errors.length > 0, 'NoAvailableCallee');
    expect(errors[0]).to.include({ errorCode: 'NoAvailableCallee', errorMsgTip: '不可用被叫' });
    errors.length = 0;
    window.workbench.call('13900000014');
    await waitFor(() => code() === 10, 'outbound talk', 15_000);
    window.workbench.call('13900000015');
    await waitFor(() => errors.length > 0, '8003');
    expect(errors[0]).to.include({ errorCode: 8003 });
    window.workbench.changeVolumeInCall(2);
    await waitFor(() => errors.length > 1, '7101 for a volume above 1');
    expect(String(errors[1]!['errorMsg'])).to.match(/volumeInCall/);
    window.workbench.changeVolumeInCall(0.3);
    expect(window.workbench.element!.phone!.config.audioElement!.volume).to.be.closeTo(0.3, 0.001);
    window.workbench.hangUp();
    await waitFor(() => code() === 5, 'after-call work');
    expect(window.workbench.isAvailBroswer()).to.equal(true);
    expect(await window.workbench.checkNetwork()).to.equal(true);
    window.workbench.switchAccessPoint('nowhere');
    await waitFor(() => errors.some((e) => e['errorCode'] === 'accessPointNull'), 'accessPointNull');
    const timings = await new Promise<unknown>((resolve) => void window.workbench!.testTurnServers({ callback: resolve }));
    expect(timings).to.be.an('array').with.length(1);
    expect((timings as { accessPoint: string; success: boolean }[])[0]).to.include({ accessPoint: 'default', success: true });
  });

  it('shows, hides and re-mounts the panel, and hides the keypad when sideNavList leaves out 呼出', async () => {
    await signInHost('1005');
    const host = container('wb', mounted);
    window.workbench = new WorkbenchSdk({ dom: 'wb', regionId: 'cn-shanghai', instanceId: 'pbx.test', ajaxPath: '/aliyun/ccc/api', defaultVisible: false, sideNavList: ['呼入', '通话记录'], offlineImage: '/demo/favicon.svg' });
    const frame = host.querySelector<HTMLElement>('.cc-wbsdk')!;
    expect(frame.hidden).to.equal(true);
    await waitFor(() => window.workbench!.element, 'onInit');
    window.workbench.changeVisible(true);
    expect(frame.hidden).to.equal(false);
    expect(frame.dataset['hide']).to.equal('dialpad transfer conference-button my-work devices');
    await window.workbench.element!.register();
    await waitFor(() => code() === 1, 'offline');
    expect(host.querySelector<HTMLImageElement>('.cc-wbsdk-image')!.hidden).to.equal(false);
    const el = window.workbench.element!;
    expect(getComputedStyle(el.shadowRoot!.querySelector('cc-dialpad')!).display, 'the keypad (呼出 left out)').to.equal('none');
    // An SPA re-rendered the page: the same panel goes into the new container.
    host.id = '';
    const next = container('wb', mounted);
    window.workbench.reRender();
    expect(next.querySelector('.cc-wbsdk')).to.equal(frame);
    expect(code()).to.equal(1);
  });

  it('shows only the header actions moreActionList names', async () => {
    await signInHost('1004');
    container('wb', mounted);
    window.workbench = new WorkbenchSdk({ dom: 'wb', regionId: 'cn-shanghai', instanceId: 'pbx.test', ajaxPath: '/aliyun/ccc/api', moreActionList: ['break'] });
    await waitFor(() => window.workbench!.element, 'onInit');
    window.workbench.register();
    await waitFor(() => code() === 3, 'ready', 15_000);
    const status = window.workbench.element!.shadowRoot!.querySelector('cc-agent-status')!.shadowRoot!;
    const shown = (part: string) => getComputedStyle(status.querySelector(`[part~="${part}"]`)!).display !== 'none';
    await waitFor(() => status.querySelector('[part~="go-offline"]'), 'the Go offline button rendered');
    expect(shown('break'), 'break is listed').to.equal(true);
    expect(shown('go-offline'), 'offline is not listed').to.equal(false);
    // No sideNavList: every panel, "my work" (我的工作) too once logged in.
    const root = window.workbench.element!.shadowRoot!;
    await waitFor(() => root.querySelector('cc-my-work'), 'my work rendered');
    expect(getComputedStyle(root.querySelector('cc-my-work')!).display).to.not.equal('none');
  });

  it('keeps one online page per agent in this browser: a second register() takes over (8021 in the first), but not from a page in a call (8020)', async () => {
    await signInHost('1005');
    container('wb1', mounted);
    container('wb2', mounted);
    const errors: { page: string; errorCode: unknown }[] = [];
    const make = (dom: string) =>
      new WorkbenchSdk({ dom, regionId: 'cn-shanghai', instanceId: 'pbx.test', ajaxPath: '/aliyun/ccc/api', afterCallRule: 'manual', onErrorNotify: (e: { errorCode: unknown }) => void errors.push({ page: dom, errorCode: e.errorCode }) });
    const first = make('wb1');
    const second = make('wb2');
    try {
      await waitFor(() => first.element && second.element, 'both pages initialised');
      first.register();
      await waitFor(() => first.getStatusCode().code === 3, 'the first page online', 15_000);
      second.register();
      await waitFor(() => second.getStatusCode().code === 3, 'the second page online', 15_000);
      await waitFor(() => first.getStatusCode().code === -1, 'the first page offline');
      expect(errors).to.deep.include({ page: 'wb1', errorCode: 8021 });
      await waitFor(async () => (await serverState('1005')) === 'Ready', '1005 still ready at the call center');
      // The second page in a call: the first cannot take over.
      second.call('13900000016');
      await waitFor(() => second.getStatusCode().code === 10, 'the second page talks', 15_000);
      first.register();
      await waitFor(() => errors.some((e) => e.page === 'wb1' && e.errorCode === 8020), '8020 for the first page');
      expect(first.getStatusCode().code).to.equal(-1);
      expect(second.getStatusCode().code).to.equal(10);
      second.hangUp();
      await waitFor(() => second.getStatusCode().code === 5, 'after-call work');
    } finally {
      first.destroy();
      second.destroy();
    }
  });

  it('implements exactly its declarations: methods and hooks', () => {
    const methods = Object.getOwnPropertyNames(WorkbenchSdk.prototype).filter(
      (name) => name !== 'constructor' && typeof (WorkbenchSdk.prototype as unknown as Record<string, unknown>)[name] === 'function',
    );
    const publicMethods = methods.filter((name) => !/^(checkConfig|ajax|storageCallsByElement|mounted|watchLogins|claimLogin|toolbar|start|wire|registerConfig|emitStatus|emitCall|notify|referenceError|showImage|show|setVolume|run|signIn|checkDevices|listAccessPoints|useAccessPoint)$/.test(name));
    const declared = [...Object.keys(declaration.methods), ...Object.keys(declaration.extensions).filter((n) => n !== 'element')];
    expect([...publicMethods].sort()).to.deep.equal([...declared].sort());
    expect([...HOOK_NAMES].sort()).to.deep.equal(Object.keys(declaration.hooks).sort());
    expect(Object.keys(declaration.statusCodes)).to.have.length(16);
    expect(Object.keys(declaration.errorCodes)).to.have.length(27);
    expect(Object.keys(declaration.config)).to.have.length(27);
  });
});
