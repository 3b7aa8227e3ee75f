// WorkbenchSdk 0.3.2 (reference 001) through its facade, against the dev call center: the
// document's printed examples, copied as they are, with these edits only:
// - `instanceId: '18b4f6bd-...'` -> `'pbx.test'` (the dev call center's instance);
// - the example's `dom: 'workbench'` needs a `<div id="workbench">`, which the test page adds;
// - the host page signs its agent in first (POST /api/ccc/session: the session cookie the
//   reference's `/aliyun/ccc/api` backend path authenticates by), as the host system's login would.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { HOOK_NAMES_V03, WorkbenchSdk } from '../../src/facades/workbench-sdk-v03.js';
import { declaration } from '../../src/facades/workbench-sdk-v03-declarations.js';
import { customers, mountCtiAgent, serverState } from '../support/center.js';
import { capturePrinted, container, printed, restoreConsole, signInHost, signOutHost } from '../support/facade-workbench-sdk.js';
import { waitFor } from '../support/e2e.js';

declare global {
  interface Window {
    workbench?: import('../../src/facades/workbench-sdk.js').WorkbenchSdk;
  }
}

const mounted: HTMLElement[] = [];

const sdk = (): WorkbenchSdk => window.workbench as WorkbenchSdk;
/** onStatusChange's printed (code, lastCode) pairs. */
const statusPairs = (): [unknown, unknown][] =>
  printed.filter((args) => args.length === 3 && typeof args[0] === 'number' && typeof args[1] === 'number').map((args) => [args[0], args[1]]);

/** The 0.3.2 config example (after 四.31), as printed, with the edits listed at the top. */
function printedExample(window: { WorkbenchSdk: typeof WorkbenchSdk; workbench?: WorkbenchSdk }): void {
  window.workbench = new window.WorkbenchSdk({
dom: 'workbench',
width: '280px',
height: '550px',
instanceId: 'pbx.test',
ajaxPath: '/aliyun/ccc/api',
ajaxMethod: 'post',
afterCallRule: 15, // 挂机后的话后处理时间
header: true,
autoAnswerCall: 8, // 有来电振铃响8s后自动接听
useOpenApiSdk:false,
moreActionList: ['mobilePhoneAnswer', 'break', 'offline'],
onInit: function () {
// win.workbench.register() // 想实现自动上线在此注册
},
onErrorNotify: function (error) {
console.warn(error)
},
onCallComing: function (connid,caller,calee,contactId,skillgroupId) {
console.log(connid,caller,calee,contactId,skillgroupId);
},
onCallDialing: function (connid,caller,calee,contactId) {
console.log(connid,caller,calee,contactId);
},
onStatusChange: function (code, lastCode, context) {
console.log(code, lastCode, context);
},
onCallEstablish: function (connid, caller, calee, contactId) {
console.log('这里是通话建立时触发的回调函数', connid, caller, calee, contactId)
},
onCallRelease: function (connid, caller, calee, contactId) {
console.log('这里是通话结束时触发的回调函数', connid, caller, calee, contactId)
},
onHangUp: function (type) {
console.log('这里是onHangUp事件,type = ', type)
}
})
}

describe('WorkbenchSdk 0.3.2 facade (reference 001) against the dev call center', () => {
  beforeEach(() => capturePrinted());

  afterEach(async () => {
    restoreConsole();
    await customers.hangUpAll();
    window.workbench?.destroy();
    window.workbench = undefined;
    for (const el of mounted.splice(0)) el.remove();
    localStorage.removeItem('workbenchSdkStatus');
    await signOutHost();
  });

  it('runs the printed example: 0.3.2 statuses (2 signed in, 4 break), positional hooks, a queue call through hold, DTMF, hang-up, after-call, a connid transfer', async () => {
    // The page's `window.WorkbenchSdk` is the 0.3.2 facade's (the module defines it).
    expect(window.WorkbenchSdk).to.equal(WorkbenchSdk);
    await signInHost('1001');
    container('workbench', mounted);
    printedExample(window as unknown as { WorkbenchSdk: typeof WorkbenchSdk });
    await waitFor(() => sdk().element, 'onInit');
    expect(sdk().getStatus()).to.equal('off');
    sdk().register();
    await waitFor(() => sdk().getStatusCode().code === 3, 'ready', 15_000);
    // 九: "after signing in the status becomes 2 and immediately 3".
    expect(statusPairs().slice(-2)).to.deep.equal([
      [2, 1],
      [3, 2],
    ]);
    expect(sdk().getStatus()).to.equal('ready');
    await waitFor(async () => (await serverState('1001')) === 'Ready', '1001 ready at the call center');

    sdk().applyForBreak(1, '开会');
    await waitFor(() => sdk().getStatusCode().code === 4, 'break is 4');
    expect(sdk().getStatusCode()).to.deep.equal({ code: 4, lastCode: 3 });
    expect(sdk().getStatus()).to.equal('break');
    expect(statusPairs().at(-1)).to.deep.equal([4, 3]);
    sdk().ready();
    await waitFor(() => sdk().getStatusCode().code === 3, 'ready again');
    expect(statusPairs().at(-1)).to.deep.equal([3, 4]);
    await waitFor(async () => (await serverState('1001')) === 'Ready', '1001 ready at the call center again');

    const customer = await customers.place('13900000021', 'sales');
    await waitFor(() => sdk().getStatusCode().code === 6, 'ringing', 15_000);
    const coming = printed.find((args) => args.length === 5 && args[1] === '13900000021')!;
    expect(coming, 'onCallComing(connid, caller, calee, contactId, skillgroupId)').to.not.equal(undefined);
    expect(coming[0]).to.be.a('string').and.not.equal('');
    expect(coming[3]).to.equal(coming[0]);
    expect(coming[4]).to.equal('sales');
    expect(sdk().getStatus()).to.equal('callComing');
    sdk().answer();
    await waitFor(() => sdk().getStatusCode().code === 9, 'inbound talk');
    const connid = coming[0] as string;
    expect(printed.some((args) => args[0] === '这里是通话建立时触发的回调函数' && args[1] === connid)).to.equal(true);
    const context = printed.filter((args) => args.length === 3 && args[0] === 9).at(-1)![2] as { connid: string };
    expect(context.connid).to.equal(connid);
    sdk().callHold();
    await customers.until(customer.id, (c) => c.held, 'held');
    expect(sdk().getStatus()).to.equal('inCall');
    sdk().callRetrieve();
    await customers.until(customer.id, (c) => !c.held, 'resumed');
    sdk().sendDtmf('7');
    await customers.until(customer.id, (c) => c.dtmfReceived.includes('7'), 'the customer receives 7');
    sdk().hangUp();
    await waitFor(() => sdk().getStatusCode().code === 5, 'after-call work');
    expect(printed.some((args) => args[0] === '这里是onHangUp事件,type = ' && args[1] === 'inbound')).to.equal(true);
    expect(printed.some((args) => args[0] === '这里是通话结束时触发的回调函数' && args[1] === connid)).to.equal(true);
    sdk().ready();
    await waitFor(() => sdk().getStatusCode().code === 3, 'ready');

    // ThirdCallTransfer(connid, callee, caller): a wrong connid is refused (6008), the right one transfers.
    const bob = await mountCtiAgent('1002', {}, (b) => mounted.push(b));
    const second = await customers.place('13900000022', 'sales');
    await waitFor(() => sdk().getStatusCode().code === 6, 'the second call rings', 15_000);
    const secondId = printed.filter((args) => args.length === 5 && args[1] === '13900000022').at(-1)![0] as string;
    sdk().answer();
    await waitFor(() => sdk().getStatusCode().code === 9, 'talking');
    sdk().ThirdCallTransfer('not-this-call', '1002', '1001');
    await waitFor(() => printed.some((args) => args[0] === 'warn' && (args[1] as { errorCode: unknown }).errorCode === 6008), '6008 for another call id');
    sdk().ThirdCallTransfer(secondId, '1002', '1001');
    await waitFor(() => bob.getStatusCode().code === 6, '1002 rings', 15_000);
    await bob.answer();
    await customers.until(second.id, (c) => c.state === 'talking', 'the customer talks to 1002');
    await waitFor(() => sdk().getStatusCode().code === 5, '1001 in after-call work');
  });

  it('keeps workbenchSdkStatus in 0.3.2 numbers and dials from another tab\'s localStorage (section 十, as printed)', async () => {
    await signInHost('1003');
    container('wb', mounted);
    window.workbench = new WorkbenchSdk({ dom: 'wb', instanceId: 'pbx.test', useOpenApiSdk: false, ajaxPath: '/aliyun/ccc/api', useLocalStorageToCall: true, afterCallRule: 'manual', onErrorNotify: (e: unknown) => console.warn(e) });
    await waitFor(() => sdk().element, 'onInit');
    sdk().register();
    await waitFor(() => localStorage.getItem('workbenchSdkStatus') === '3', 'workbenchSdkStatus 3', 15_000);
    sdk().applyForBreak('2', '午休');
    await waitFor(() => localStorage.getItem('workbenchSdkStatus') === '4', `workbenchSdkStatus 4 (break), is ${localStorage.getItem('workbenchSdkStatus')}, status ${sdk().getStatusCode().code}, printed ${JSON.stringify(printed.slice(-4))}`);
    sdk().ready();
    await waitFor(() => localStorage.getItem('workbenchSdkStatus') === '3', 'ready');
    // Another tab's code (十.3), run here: the storage event reaches the registered tab only from
    // another document, so the value is written from a same-origin iframe.
    const frame = document.createElement('iframe');
    mounted.push(frame);
    document.body.append(frame);
    (frame.contentWindow as Window & { eval(code: string): unknown }).eval(`
var value = {'callee':'13900000023','caller':'', 'random': Math.random()}
localStorage.setItem('workbenchSdkCall', JSON.stringify(value))
`);
    await waitFor(() => sdk().getStatusCode().code === 10, `the registered tab dialled and the customer answered (status ${sdk().getStatusCode().code}, printed ${JSON.stringify(printed.slice(-3))})`, 15_000);
    expect(localStorage.getItem('workbenchSdkStatus')).to.equal('10');
    (frame.contentWindow as Window & { eval(code: string): unknown }).eval(`localStorage.setItem('workbenchSdkHangup', Math.random())`);
    await waitFor(() => sdk().getStatusCode().code === 5, 'hung up from the other tab');
  });

  it('rejects what only the vendor\'s cloud does with 7102, and throws the reference\'s development errors', async () => {
    expect(() => new WorkbenchSdk({ dom: 'wb', instanceId: 'pbx.test' } as never)).to.throw(/useOpenApiSdk is required/);
    container('wb', mounted);
    expect(() => new WorkbenchSdk({ dom: 'wb', instanceId: 'pbx.test', useOpenApiSdk: false, onInit: 'x' as never })).to.throw('onInit must be a function');
    await signInHost('1004');
    const errors: Record<string, unknown>[] = [];
    window.workbench = new WorkbenchSdk({ dom: 'wb', instanceId: 'pbx.test', useOpenApiSdk: true, ajaxPath: '/aliyun/ccc/api', onErrorNotify: (e: object) => void errors.push(e as Record<string, unknown>) });
    await waitFor(() => sdk().element, 'onInit');
    for (const name of ['logoutAliyunAccount', 'launchShortMessageAppraise', 'launchShortMessageMissedCall', 'offline', 'online', 'transferStatisfic', 'downloadRecord'] as const) {
      const refusal = await (sdk()[name] as () => Promise<void>)().then(
        () => null,
        (e: { errorCode: number; errorMsg: string }) => e,
      );
      expect(refusal?.errorCode, name).to.equal(7102);
      expect(refusal?.errorMsg, name).to.contain(`${name}()`);
    }
    expect(errors.filter((e) => e['errorCode'] === 7102)).to.have.length(7);
    expect(errors[0]).to.include({ errorMsgTip: '此功能不适用', errorApi: '' });
    const encrypted = await sdk().call('c2VjcmV0', '01066668888', 'a-public-key').then(
      () => null,
      (e: { errorCode: number }) => e.errorCode,
    );
    expect(encrypted).to.equal(7102);
  });

  it('implements exactly its declarations: methods and hooks', () => {
    const own = (proto: object): string[] => Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor' && typeof (proto as Record<string, unknown>)[n] === 'function');
    const internal = /^(checkConfig|ajax|storageCallsByElement|mounted|watchLogins|claimLogin|toolbar|start|wire|registerConfig|emitStatus|emitCall|notify|referenceError|showImage|show|setVolume|run|signIn|checkDevices|listAccessPoints|useAccessPoint|writeStorageStatus|checkSkillGroups|currentIds|checkConnid|reject|storageCallsByElement|mounted)$/;
    const methods = new Set([...own(Object.getPrototypeOf(WorkbenchSdk.prototype)), ...own(WorkbenchSdk.prototype)].filter((n) => !internal.test(n)));
    const declared = [...Object.keys(declaration.methods), ...Object.keys(declaration.extensions).filter((n) => n !== 'element')];
    // 2.0's isAvailBroswer / checkNetwork / ... are 0.3.2 methods too; 2.0-only ones are extensions.
    const expected = new Set([...declared, 'getStatusCode', 'isAvailBroswer', 'checkNetwork', 'changeVisible', 'register', 'logIn', 'logOut', 'ready', 'applyForBreak', 'hangUp', 'answer', 'call', 'sendDtmf', 'callHold', 'callRetrieve']);
    expect([...methods].sort()).to.deep.equal([...expected].sort());
    expect([...HOOK_NAMES_V03].sort()).to.deep.equal(Object.keys(declaration.hooks).sort());
    expect(Object.keys(declaration.statusCodes)).to.have.length(19);
    expect(Object.keys(declaration.methods)).to.have.length(26);
  });
});
