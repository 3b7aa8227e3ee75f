// Issue 14, reference 004 (PhoneKit): `window.PhoneKit` driven as the reference's pages drive it,
// against the dev call center in Chromium. The reference prints one runnable example (section
// 2.2 / 2.3: the script tag, the UI bar iframe and `PhoneKit.initial(...)`); the other methods
// are printed as signatures only, so they are called with those signatures. Steps the reference
// has no method for (DTMF, transfer) use the facade's declared extensions.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { STATUS } from '../../machines/agent-types.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { CcFacadeError, NOT_APPLICABLE } from '../../src/facades/facade-core.js';
import { CALL_EVENT_NAMES, CONN_EVENTS, EXTENSION_STATUS_EVENT_NAMES, FAILED_CAUSES, HOOKS, PhoneKit, STATUS_EVENT_NAMES } from '../../src/facades/phonekit.js';
import type { PhoneKitCallEvent, PhoneKitConnEvent, PhoneKitInitialData, PhoneKitResponse, PhoneKitStatusEvent } from '../../src/facades/phonekit.js';
import { declaration, extensionMethods } from '../../src/facades/phonekit-declarations.js';
import { MediaProbe, sleep, waitFor } from '../support/e2e.js';
import { centerEnv, cti, customers, mountCtiAgent, serverState } from '../support/center.js';
import type { CustomerView } from '../support/center.js';

/** What the three callbacks of one `initial()` heard. */
interface Heard {
  readonly calls: PhoneKitCallEvent[];
  readonly statuses: PhoneKitStatusEvent[];
  readonly conns: PhoneKitConnEvent[];
  call(eventName: string): PhoneKitCallEvent[];
  status(eventName: string): PhoneKitStatusEvent[];
}

function heard(): Heard {
  const calls: PhoneKitCallEvent[] = [];
  const statuses: PhoneKitStatusEvent[] = [];
  return {
    calls,
    statuses,
    conns: [],
    call: (eventName) => calls.filter((c) => c.eventName === eventName),
    status: (eventName) => statuses.filter((s) => s.eventName === eventName),
  };
}

/** A callback for one method call and the response it got. */
function answer<D = undefined>(): { callback: (resp: PhoneKitResponse<D>) => void; response: Promise<PhoneKitResponse<D>> } {
  let callback: (resp: PhoneKitResponse<D>) => void = () => undefined;
  const response = new Promise<PhoneKitResponse<D>>((resolve) => {
    callback = resolve;
  });
  return { callback, response };
}

/** Calls `method` with a callback and returns the response once the callback heard it. */
async function ask<D = undefined>(method: (callback: (resp: PhoneKitResponse<D>) => void) => Promise<unknown>): Promise<PhoneKitResponse<D>> {
  const { callback, response } = answer<D>();
  void method(callback).catch(() => undefined);
  return response;
}

const OK = { statusCode: '00000', statusMsg: 'success' };
const CTI = '/api/ccc';
const mounted: HTMLElement[] = [];
let probe: MediaProbe | null = null;

/**
 * The reference's initialisation example (004, 2.3 工具包初始化), as printed. Harness edits: the
 * four `{…}` placeholders replaced by the dev call center's values (url, appSid, agentNo, pwd);
 * the empty bodies `{}` of the three callbacks and of `function(resp) {}` filled with this test's
 * recorders (they are where the page's own code goes); the orphan `</script>` after the call
 * dropped (the end of the page's script element, not JavaScript); `afterCall` added (a declared
 * extension) where a step needs after-call work of a given length.
 */
function printedInitial(rec: Heard, done: (resp: PhoneKitResponse<unknown>) => void, afterCall: number | 'manual' = 'manual'): void {
  PhoneKit.initial({
      url: "/api/ccc",
      appSid: "pbx.test",
      agentNo: "1001",
      pwd: "agent1001",
      onStatusEvent: function (data) { rec.statuses.push(data); },
      onCallEvent: function (data) { rec.calls.push(data); },
      onConnEvent: function (connEvent) { rec.conns.push(connEvent); },
      afterCall,
  }, function(resp) { done(resp); });
}

/** `initial` (the printed example) then `login({ phoneType: 3 })`: agent 1001 ready in the widget and at the call center. */
async function loggedIn(afterCall: number | 'manual' = 'manual', workStatus?: number): Promise<{ rec: Heard; el: CcWorkbench }> {
  const rec = heard();
  const { callback, response } = answer<unknown>();
  printedInitial(rec, callback, afterCall);
  const init = await response;
  expect(init.statusCode, init.statusMsg).to.equal('00000');
  const login = await ask((cb) => PhoneKit.login(workStatus === undefined ? { phoneType: 3 } : { phoneType: 3, workStatus }, cb));
  expect(login).to.deep.equal(OK);
  const el = PhoneKit.workbench!;
  mounted.push(el);
  const expected = workStatus === 2 ? 'Break' : 'Ready';
  await waitFor(async () => (await serverState('1001')) === expected, `1001 ${expected} at the call center`);
  return { rec, el };
}

/** The next event `eventName` of the call callback, after the `seen` ones before. */
function nextCall(rec: Heard, eventName: string, seen = 0, timeoutMs = 15_000): Promise<PhoneKitCallEvent> {
  return waitFor(() => rec.call(eventName)[seen], `onCallEvent ${eventName} #${seen + 1}`, timeoutMs);
}

function nextStatus(rec: Heard, eventName: string, seen = 0, timeoutMs = 15_000): Promise<PhoneKitStatusEvent> {
  return waitFor(() => rec.status(eventName)[seen], `onStatusEvent ${eventName} #${seen + 1}`, timeoutMs);
}

const PAGE_STATE: Record<string, number> = { Offline: 0, Ready: 1 };

describe('PhoneKit facade (reference 004) against the dev call center', () => {
  beforeEach(() => {
    probe = new MediaProbe().install();
  });

  afterEach(async () => {
    await customers.hangUpAll();
    await PhoneKit.destroy();
    for (const el of mounted.splice(0)) el.remove();
    await sleep(500);
    expect(probe!.liveTracks().length, 'microphone tracks left live').to.equal(0);
    probe!.uninstall();
    probe = null;
  });

  it('defines window.PhoneKit, and runs the printed bar and initial examples as they are: the workbench takes the bar\'s place', async () => {
    expect(window.PhoneKit).to.equal(PhoneKit);
    // 2.2 第二步: the UI bar iframe, as printed (one attribute per line, blank lines between).
    const host = document.createElement('div');
    host.innerHTML = `
<iframe

id="pbFrame"

width="100%"

frameborder="0"

scrolling="no"

style="border:0px;"

src="/PhoneKit/template/template.html">

</iframe>`;
    document.body.append(host);
    mounted.push(host);
    // 2.3, as printed in a classic script (the orphan </script> closes it); values substituted.
    const script = document.createElement('script');
    script.textContent = `
// 初始化工具包

PhoneKit.initial({
    url: "/api/ccc",
    appSid: "pbx.test",
    agentNo: "1001",
    pwd: "agent1001",
    onStatusEvent: function (data) {},
    onCallEvent: function (data) {},
    onConnEvent: function (connEvent) {},
}, function(resp) {});
`;
    document.body.append(script);
    mounted.push(script);
    const el = await waitFor(() => (PhoneKit.workbench?.phone ? PhoneKit.workbench : null), 'the workbench and its phone');
    const frame = host.querySelector('iframe')!;
    expect(frame.hidden, 'the vendor bar is replaced').to.equal(true);
    expect(el.parentElement!.nextElementSibling).to.equal(frame);
    expect(el.hidden, 'shown where the bar was').to.equal(false);
    expect(el.getAttribute('server')).to.equal(centerEnv().wsUrl);
    expect(el.getAttribute('sip-uri')).to.equal(`sip:1001@${centerEnv().domain}`);
    expect(el.getAttribute('cti')).to.equal(CTI);
    expect(el.getStatusCode().code, 'initial() does not register: login() does').to.equal(STATUS.unregistered);
    // The signature of 4.1, with the WebPhone.
    const login = await ask((cb) => PhoneKit.login({ phoneType: 3 }, cb));
    expect(login).to.deep.equal(OK);
    expect(el.getStatusCode().code).to.equal(STATUS.ready);
    await waitFor(async () => (await serverState('1001')) === 'Ready', '1001 ready at the call center');
    // destroy() gives the page its bar back.
    await PhoneKit.destroy();
    expect(frame.hidden).to.equal(false);
    expect(el.isConnected).to.equal(false);
    expect(PhoneKit.workbench).to.equal(null);
  });

  it('takes a sales queue call: ringing with the reference\'s payload, bridge, hold and retrieve seen by the customer, DTMF, blind transfer to 1002, after-call work, ready', async () => {
    // 1002 takes the transfer later; on break until then, so the queue offers the call to 1001 only.
    const bob = await mountCtiAgent('1002', {}, (el) => mounted.push(el));
    await bob.applyForBreak('meeting');
    const before = await serverState('1001');
    const rec = heard();
    const init = answer<unknown>();
    printedInitial(rec, init.callback);
    const resp = await init.response;
    expect(resp.statusCode).to.equal('00000');
    expect(resp.data).to.deep.equal({ phoneType: 3, workStatus: PAGE_STATE[before] ?? 2, pstnNumber: '', sipNumber: '1001', sipPwd: '', wsAddr: centerEnv().wsUrl });
    expect(rec.conns).to.deep.equal(['connected', 'auth_succ']);
    expect(PhoneKit.workbench!.hidden, 'no bar on the page: the SDK alone, the workbench hidden').to.equal(true);
    expect(await ask((cb) => PhoneKit.login({ phoneType: 3 }, cb))).to.deep.equal(OK);
    const login = rec.status('login');
    expect(login).to.have.length(1);
    expect(login[0]).to.include({ eventName: 'login', appSid: 'pbx.test', agentNo: '1001', workStatus: 'ready', pauseCause: '', readyCause: '' });
    expect(login[0]!.timestamp).to.be.a('number');
    const el = PhoneKit.workbench!;
    await waitFor(async () => (await serverState('1001')) === 'Ready', '1001 ready at the call center');

    // A customer calls the sales queue: onCallEvent ringing.
    const customer = await customers.place('13800000001', 'sales');
    const ringing = await nextCall(rec, 'ringing');
    const jobId = await waitFor(() => el.phone?.view.call?.jobId, 'the call center\'s job id');
    expect(ringing).to.deep.include({
      eventName: 'ringing',
      appSid: 'pbx.test',
      agentNo: '1001',
      agentNumber: '1001',
      conversationSid: jobId,
      failedCause: '',
      completedCause: '',
      callType: '1',
      callSubtype: '2',
      callState: 'ringing',
      userNumber: '13800000001',
      userNumberType: '2',
      userArea: '',
      isBridged: '',
      coAgentNo: '',
      userData: '',
    });
    expect(ringing.callSid).to.equal(el.phone!.view.call!.sipCallId);
    expect(rec.call('initiated'), 'an incoming call is not initiated by the agent').to.have.length(0);

    // bridge: PhoneKit's answer.
    expect(await ask((cb) => PhoneKit.bridge(cb))).to.deep.equal(OK);
    const answered = await nextCall(rec, 'answered');
    expect(answered).to.deep.include({ callState: 'connected', isBridged: '1', conversationSid: jobId, callSid: ringing.callSid, userNumber: '13800000001' });
    expect(el.getStatusCode().code).to.equal(STATUS.inboundTalk);
    await customers.until(customer.id, (c) => c.state === 'talking', 'talking');

    // Hold and retrieve: the call center holds the customer's leg, so the customer sees it.
    expect(await ask((cb) => PhoneKit.holdCall(cb))).to.deep.equal(OK);
    expect(el.getStatusCode().code).to.equal(STATUS.hold);
    await customers.until(customer.id, (c) => c.held && c.heldBy !== 'local', 'held by the other side');
    expect(await ask((cb) => PhoneKit.retrieveCall(cb))).to.deep.equal(OK);
    await customers.until(customer.id, (c) => !c.held && c.holdCount >= 1, 'resumed');

    // DTMF (extension): the customer receives the digits through the queue's bridge.
    expect(await ask((cb) => PhoneKit.sendDTMF({ digits: '19#' }, cb))).to.deep.equal(OK);
    await customers.until(customer.id, (c) => c.dtmfReceived.includes('19#'), 'DTMF 19# received', 15_000);

    // Blind transfer (extension) to 1002, who answers; the callback comes once 1002 took the call.
    await bob.ready();
    await waitFor(async () => (await serverState('1002')) === 'Ready', '1002 ready');
    const transferred = answer();
    void PhoneKit.transfer({ target: '1002' }, transferred.callback);
    await waitFor(() => bob.getStatusCode().code === STATUS.ringing, '1002 rings with the transferred call', 15_000);
    await bob.answer();
    expect(await transferred.response).to.deep.equal(OK);
    const completed = await nextCall(rec, 'completed');
    expect(completed).to.deep.include({ callState: 'idle', conversationSid: jobId, callSid: ringing.callSid, coAgentNo: '1002', failedCause: '', completedCause: '' });
    expect(rec.call('failed')).to.have.length(0);
    await customers.until(customer.id, (c) => c.state === 'talking' && !c.held, 'the customer talks to 1002');
    expect(bob.getStatusCode().code).to.equal(STATUS.inboundTalk);

    // After-call work (manual here): onStatusEvent completed, then ready() -> ready.
    const wrapup = await nextStatus(rec, 'completed');
    expect(wrapup).to.include({ workStatus: 'pause', pauseCause: 'wrapup', wrapupTime: 0 });
    expect(el.getStatusCode().code).to.equal(STATUS.afterCall);
    expect(await ask((cb) => PhoneKit.ready(cb))).to.deep.equal(OK);
    const ready = await nextStatus(rec, 'ready');
    expect(ready).to.include({ workStatus: 'ready', readyCause: '' });
    expect(rec.status('autoReady')).to.have.length(0);
    await waitFor(async () => (await serverState('1001')) === 'Ready', '1001 ready again at the call center');
    // The work status does not change during a call: login, completed, ready and nothing else.
    expect(rec.statuses.map((s) => s.eventName)).to.deep.equal(['login', 'completed', 'ready']);
  });

  it('calls out with userData: initiated, ringing and answered carry it, hang-up, after-call work ends by itself (autoReady), the call record keeps it', async () => {
    const { rec, el } = await loggedIn(2, 2);
    // login with workStatus 2 (not ready), then pause / ready by hand.
    expect(rec.status('login')[0]).to.include({ workStatus: 'pause', pauseCause: 'default' });
    expect(await ask((cb) => PhoneKit.ready(cb))).to.deep.equal(OK);
    expect((await nextStatus(rec, 'ready')).workStatus).to.equal('ready');
    expect(await ask((cb) => PhoneKit.pause({ pauseCause: 'lunch' }, cb))).to.deep.equal(OK);
    expect(await nextStatus(rec, 'pause')).to.include({ workStatus: 'pause', pauseCause: 'lunch' });
    await waitFor(async () => (await serverState('1001')) === 'Break', '1001 on break at the call center');
    expect(await ask((cb) => PhoneKit.ready(cb))).to.deep.equal(OK);
    await nextStatus(rec, 'ready', 1);

    // The REST half's sample userData (letters, digits and _ only).
    const userData = '13800138001_2_13800138000';
    const dialing: CustomEvent[] = [];
    el.addEventListener('cc-call-dialing', (e) => dialing.push(e));
    const placed = await ask((cb) => PhoneKit.callOut({ userNumber: '13900000021', userData }, cb));
    expect(placed, 'the callback answers once the call is placed').to.deep.equal(OK);
    const initiated = await nextCall(rec, 'initiated');
    expect(initiated).to.deep.include({ callType: '3', callSubtype: '1', callState: 'ringing', userNumber: '13900000021', userNumberType: '2', coAgentNo: '' });
    expect(initiated.callSid).to.be.a('string').and.not.equal('');
    expect(initiated.conversationSid, 'no job id for a call the agent dials: the SIP Call-ID').to.equal(initiated.callSid);
    // The outgoing ringing (180 from the customer's phone), from the phone's view model.
    const ringing = await nextCall(rec, 'ringing');
    expect(ringing).to.deep.include({ callState: 'ringing', callSid: initiated.callSid });
    const answered = await nextCall(rec, 'answered');
    expect(answered).to.deep.include({ callState: 'connected', isBridged: '1', callSid: initiated.callSid });
    const customer: CustomerView = await customers.find((c) => c.direction === 'incoming' && c.to === '13900000021' && c.state === 'talking', 'the dialled customer answers');
    // userData on every event of the call (needs the element's call(.., { userData }) and detail.userData).
    expect((dialing[0]?.detail as { userData?: string } | undefined)?.userData, 'cc-call-dialing detail.userData').to.equal(userData);
    expect([initiated, ringing, answered].map((e) => e.userData)).to.deep.equal([userData, userData, userData]);

    // hangup: completed with the same userData; after-call work of 2 s ends by itself.
    expect(await ask((cb) => PhoneKit.hangup(cb))).to.deep.equal(OK);
    const completed = await nextCall(rec, 'completed');
    expect(completed).to.deep.include({ callState: 'idle', callSid: initiated.callSid, userData, failedCause: '' });
    await customers.until(customer.id, (c) => c.state === 'ended', 'ended for the customer');
    expect(await nextStatus(rec, 'completed')).to.include({ workStatus: 'pause', pauseCause: 'wrapup', wrapupTime: 2 });
    expect(await nextStatus(rec, 'autoReady', 0, 10_000)).to.include({ workStatus: 'ready', readyCause: 'wrapup' });
    expect(el.getStatusCode().code).to.equal(STATUS.ready);

    // The call record keeps the userData (needs the dev call center's CDR UserData).
    const record = await waitFor(async () => {
      const list = await cti<{ List: { CalledNumber: string; UserData?: string; StartTime: number }[] }>('ListRecentCallDetailRecords', { UserId: '1001' });
      return list.List.find((r) => r.CalledNumber === '13900000021' && r.UserData === userData) ?? null;
    }, 'a call record of 13900000021 with UserData', 10_000, 300);
    expect(record.UserData).to.equal(userData);

    // logout: our logout status event (extension), offline at the call center.
    expect(await ask((cb) => PhoneKit.logout(cb))).to.deep.equal(OK);
    expect(await nextStatus(rec, 'logout')).to.include({ workStatus: 'offline' });
    expect(el.getStatusCode().code).to.equal(STATUS.unregistered);
    await waitFor(async () => (await serverState('1001')) === 'Offline', '1001 offline at the call center');
  });

  it('reports a call out the agent cancels while it rings as failed, failedCause canceled', async () => {
    const { rec } = await loggedIn();
    // The simulated customer answers after 1 s: hang up as soon as it rings.
    expect(await ask((cb) => PhoneKit.callOut({ userNumber: 13900000022 }, cb))).to.deep.equal(OK);
    await nextCall(rec, 'ringing');
    expect(await ask((cb) => PhoneKit.hangup(cb))).to.deep.equal(OK);
    const failed = await nextCall(rec, 'failed');
    expect(failed).to.deep.include({ callState: 'idle', failedCause: 'canceled', userNumber: '13900000022', userData: '' });
    expect(rec.call('answered')).to.have.length(0);
    expect(rec.call('completed')).to.have.length(0);
  });

  it('answers bad input with a clear error naming the argument (7101), and calls before initial() with 7100', async () => {
    // Before initial(): every method says so.
    const early = await ask((cb) => PhoneKit.login({ phoneType: 3 }, cb));
    expect(early.statusCode).to.equal('7100');
    expect(early.statusMsg).to.match(/PhoneKit\.login\(\).*initial\(\) first/);
    const rejected = (await PhoneKit.ready().catch((e: unknown) => e)) as CcFacadeError;
    expect(rejected).to.be.instanceOf(CcFacadeError);
    expect(rejected.errorCode).to.equal(7100);

    // initial: missing agentNo / pwd; a callback of the wrong type is a development error, thrown.
    const noAgent = await ask<PhoneKitInitialData>((cb) => PhoneKit.initial({ url: CTI, pwd: 'agent1001' } as unknown as Parameters<typeof PhoneKit.initial>[0], cb));
    expect(noAgent.statusCode).to.equal('7101');
    expect(noAgent.statusMsg).to.contain('params.agentNo');
    const noPwd = await ask<PhoneKitInitialData>((cb) => PhoneKit.initial({ url: CTI, agentNo: '1001' } as unknown as Parameters<typeof PhoneKit.initial>[0], cb));
    expect(noPwd.statusCode).to.equal('7101');
    expect(noPwd.statusMsg).to.contain('params.pwd');
    expect(() => PhoneKit.initial({ agentNo: '1001', pwd: 'x', onCallEvent: 'nope' } as unknown as Parameters<typeof PhoneKit.initial>[0])).to.throw(TypeError, 'onCallEvent must be a function');
    const wsUrl = await ask<PhoneKitInitialData>((cb) => PhoneKit.initial({ url: 'ws://127.0.0.1:5066', agentNo: '1001', pwd: 'agent1001' }, cb));
    expect(wsUrl.statusCode).to.equal('7101');
    expect(wsUrl.statusMsg).to.contain('params.url');

    // A wrong password: connected, auth_fail; an unreachable CTI server: connect_fail.
    const refused = heard();
    const wrong = await ask<PhoneKitInitialData>((cb) => PhoneKit.initial({ url: CTI, agentNo: '1001', pwd: 'wrong', onConnEvent: (e) => refused.conns.push(e) }, cb));
    expect(wrong.statusCode).to.equal('7200');
    expect(wrong.statusMsg).to.contain('refused agent 1001');
    expect(refused.conns).to.deep.equal(['connected', 'auth_fail']);
    const unreachable = heard();
    const away = await ask<PhoneKitInitialData>((cb) => PhoneKit.initial({ url: 'http://127.0.0.1:9/api/ccc', agentNo: '1001', pwd: 'agent1001', onConnEvent: (e) => unreachable.conns.push(e) }, cb));
    expect(away.statusCode).to.equal('7200');
    expect(unreachable.conns).to.deep.equal(['connect_fail']);
    const failedInit = await ask((cb) => PhoneKit.ready(cb));
    expect(failedInit.statusCode).to.equal('7100');
    expect(failedInit.statusMsg).to.contain('initial() failed');

    // Once initialised and logged in: bad params of each method.
    await loggedIn();
    const noType = await ask((cb) => PhoneKit.login({} as unknown as Parameters<typeof PhoneKit.login>[0], cb));
    expect(noType.statusCode).to.equal('7101');
    expect(noType.statusMsg).to.contain('params.phoneType');
    const badType = await ask((cb) => PhoneKit.login({ phoneType: 9 }, cb));
    expect(badType.statusMsg).to.contain('params.phoneType must be 1, 2 or 3');
    const badWork = await ask((cb) => PhoneKit.login({ phoneType: 3, workStatus: 0 }, cb));
    expect(badWork.statusMsg).to.contain('params.workStatus');
    const noNumber = await ask((cb) => PhoneKit.callOut({} as unknown as Parameters<typeof PhoneKit.callOut>[0], cb));
    expect(noNumber.statusCode).to.equal('7101');
    expect(noNumber.statusMsg).to.contain('params.userNumber');
    const dataType = await ask((cb) => PhoneKit.callOut({ userNumber: '13900000023', userData: 42 } as unknown as Parameters<typeof PhoneKit.callOut>[0], cb));
    expect(dataType.statusMsg).to.contain('params.userData must be a string');
    // userData the SIP header cannot carry: the element's own check (7101, names userData).
    const dataText = await ask((cb) => PhoneKit.callOut({ userNumber: '13900000023', userData: 'two words' }, cb));
    expect(dataText.statusCode).to.equal('7101');
    expect(dataText.statusMsg).to.contain('userData');
    const badCause = await ask((cb) => PhoneKit.pause({ pauseCause: true } as unknown as Parameters<typeof PhoneKit.pause>[0], cb));
    expect(badCause.statusMsg).to.contain('params.pauseCause must be a string');
    const noDigits = await ask((cb) => PhoneKit.sendDTMF({} as unknown as Parameters<typeof PhoneKit.sendDTMF>[0], cb));
    expect(noDigits.statusMsg).to.contain('params.digits');
    // A command the state does not allow: our code, as a string.
    const noCall = await ask((cb) => PhoneKit.holdCall(cb));
    expect(noCall.statusCode).to.equal('9001');
    expect(() => PhoneKit.hangup('not a function' as unknown as () => void)).to.throw(TypeError, 'callback must be a function');
    // None of it changed the agent.
    expect(PhoneKit.workbench!.getStatusCode().code).to.equal(STATUS.ready);
  });

  it('rejects the devices only the vendor\'s platform can ring (phoneType 1 and 2) with 7102, and ignores encryptNumber', async () => {
    const rec = heard();
    const warned: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warned.push(args[0]);
    let init: PhoneKitResponse<PhoneKitInitialData>;
    try {
      init = await ask<PhoneKitInitialData>((cb) => PhoneKit.initial({ url: CTI, appSid: 'pbx.test', agentNo: '1001', pwd: 'agent1001', encryptNumber: 'true', onStatusEvent: (d) => rec.statuses.push(d) }, cb));
    } finally {
      console.warn = warn;
    }
    expect(init.statusCode).to.equal('00000');
    expect(String(warned[0])).to.contain('encryptNumber');
    for (const phoneType of [1, 2, '1']) {
      const resp = await ask((cb) => PhoneKit.login({ phoneType }, cb));
      expect(resp.statusCode).to.equal(String(NOT_APPLICABLE));
      expect(resp.statusMsg).to.match(new RegExp(`PhoneKit\\.login\\(\\) is not applicable with cc-workbench: phoneType ${phoneType}`));
    }
    const error = (await PhoneKit.login({ phoneType: 2 }).catch((e: unknown) => e)) as CcFacadeError;
    expect(error.errorCode).to.equal(NOT_APPLICABLE);
    expect(PhoneKit.workbench!.getStatusCode().code, 'nothing registered').to.equal(STATUS.unregistered);
    expect(rec.statuses).to.have.length(0);
  });

  it('goes on when the page\'s callbacks throw', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args[0]);
    try {
      const boom = (): never => {
        throw new Error('page bug');
      };
      const init = await new Promise<PhoneKitResponse<unknown>>((resolve) => {
        void PhoneKit.initial({ url: CTI, appSid: 'pbx.test', agentNo: '1001', pwd: 'agent1001', onStatusEvent: boom, onCallEvent: boom, onConnEvent: boom }, (resp) => {
          resolve(resp);
          throw new Error('callback bug');
        });
      });
      expect(init.statusCode).to.equal('00000');
      // login's callback throws too; the promise still resolves and the agent is ready.
      await PhoneKit.login({ phoneType: 3 }, boom);
      mounted.push(PhoneKit.workbench!);
      expect(PhoneKit.workbench!.getStatusCode().code).to.equal(STATUS.ready);
      await PhoneKit.pause({ pauseCause: 'break' }, boom);
      expect(PhoneKit.workbench!.getStatusCode().code).to.equal(STATUS.break);
    } finally {
      console.error = original;
    }
    const names = errors.map(String);
    for (const name of ['onConnEvent', 'onStatusEvent', 'callback']) expect(names.some((n) => n.includes(name)), `${name} reported`).to.equal(true);
  });
});

describe('PhoneKit facade declarations', () => {
  const base = (key: string): string => key.split(' ')[0]!;
  const values = (rows: Readonly<Record<string, unknown>>, hook: string): string[] =>
    Object.keys(rows)
      .filter((k) => k.startsWith(`${hook} `))
      .map((k) => k.slice(hook.length + 1));

  it('declares exactly the methods the object has, extensions apart', () => {
    const functions = Object.keys(PhoneKit).filter((k) => typeof (PhoneKit as unknown as Record<string, unknown>)[k] === 'function');
    expect([...functions].sort()).to.deep.equal([...Object.keys(declaration.methods), ...extensionMethods].sort());
    for (const name of extensionMethods) expect(declaration.extensions, name).to.have.property(name);
    expect(declaration.extensions).to.have.property('workbench');
    expect(declaration.global).to.equal('PhoneKit');
    expect(declaration.reference).to.equal('004');
  });

  it('declares exactly the callbacks the facade calls and the values it sends', () => {
    expect([...new Set(Object.keys(declaration.hooks).map(base))].sort()).to.deep.equal([...HOOKS].sort());
    expect(values(declaration.hooks, 'onCallEvent')).to.deep.equal([...CALL_EVENT_NAMES]);
    expect(values(declaration.hooks, 'onStatusEvent')).to.deep.equal([...STATUS_EVENT_NAMES]);
    expect(values(declaration.extensions, 'onStatusEvent')).to.deep.equal([...EXTENSION_STATUS_EVENT_NAMES]);
    expect(values(declaration.hooks, 'onConnEvent')).to.deep.equal([...CONN_EVENTS]);
    expect(values(declaration.errorCodes, 'failedCause')).to.deep.equal(FAILED_CAUSES.map((c) => `"${c}"`));
    for (const hook of HOOKS) expect(declaration.config, hook).to.have.property(hook);
  });

  it('gives every row a support level and our behaviour', () => {
    const sections = [declaration.config, declaration.hooks, declaration.methods, declaration.statusCodes, declaration.errorCodes, declaration.extensions];
    for (const rows of sections) {
      for (const [name, row] of Object.entries(rows)) {
        expect(['yes', 'partial', 'n/a'], name).to.include(row.support);
        expect(row.ours.length, name).to.be.greaterThan(10);
      }
    }
  });
});
