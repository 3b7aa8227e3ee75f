/**
 * The Emic phonebar facade (reference 003) against the dev call center. The reference's printed
 * examples run from their text (test/support/facade-emic-phonebar.ts: the blocks, and each edit
 * the harness makes, listed there); agent 1001 takes queue calls, 1002 (a plain workbench) takes
 * the transfer, supervisor 1009 monitors by ccNumber; the account is kicked off by a newer login
 * in another tab (895), by a lost registration (897) and by a supervisor's log-out (898).
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/define.js';
import '../../src/supervisor.js';
import phonebarDefault, { BARE_GLOBALS, CALLBACKS, CALL_EVENT_TYPES, createPhonebar, phonebar } from '../../src/facades/emic-phonebar.js';
import type { CallEventType, EmicCallData, EmicEventCallback, EmicPhonebar } from '../../src/facades/emic-phonebar.js';
import { declaration } from '../../src/facades/emic-phonebar-declarations.js';
import { NOT_APPLICABLE } from '../../src/facades/facade-core.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { MediaProbe, sleep, waitFor } from '../support/e2e.js';
import { centerEnv, centerUser, ctiToken, customers, mountCtiAgent, serverState } from '../support/center.js';
import {
  ANSWER_EXAMPLE,
  BASIC_EXAMPLE,
  BASIC_EXAMPLE_EDITS,
  CALL_EXAMPLE,
  CHANGE_STATUS_EXAMPLE,
  CHECK_LOGIN_EXAMPLE,
  CHECK_SEAT_STATE_EXAMPLE,
  GET_USER2_EXAMPLE,
  GET_USER_EXAMPLE,
  TERMINATE_EXAMPLE,
  TRANSFER_EXAMPLE,
  WEB_API_EXAMPLE,
  WEB_API_EXAMPLE_EDITS,
  edited,
  runExample,
} from '../support/facade-emic-phonebar.js';

const SWITCHNUMBER = '02566699734';
const password = (user: string): string => centerUser(user).password;

interface Seen {
  readonly type: CallEventType;
  readonly data: EmicCallData;
}

/** The callbacks of one init, recording what they receive. */
class Callbacks {
  readonly registers: { code: number; info: string }[] = [];
  readonly events: Seen[] = [];
  readonly kicks: number[] = [];
  readonly statuses: number[] = [];
  readonly calls: { caller: string; ccNumber: string; callee: string; callTime: number; endTime: number | '' }[] = [];
  /** `throwing`: every callback throws after recording (a host bug), which must not break the facade. */
  constructor(private readonly throwing = false) {}
  get hooks(): EmicEventCallback {
    const bug = (): void => {
      if (this.throwing) throw new Error('a bug in the host page');
    };
    return {
      register: (data) => {
        this.registers.push(data);
        bug();
      },
      callEvent: (type, data) => {
        this.events.push({ type, data });
        bug();
      },
      kickedOffLine: (data) => {
        this.kicks.push(data.r);
        bug();
      },
      statusChanged: (data) => {
        this.statuses.push(data.status);
        bug();
      },
    };
  }
  async registered(): Promise<void> {
    const first = await waitFor(() => this.registers[0], 'the register callback', 20_000);
    expect(first.code, first.info).to.equal(200);
  }
  /** The first `type` event at or after `since` that passes `check`. */
  async wait(type: CallEventType, since = 0, check: (d: EmicCallData) => boolean = () => true, timeoutMs = 15_000): Promise<EmicCallData> {
    const found = await waitFor(() => this.events.slice(since).find((e) => e.type === type && check(e.data)), `callEvent ${type}`, timeoutMs);
    return found.data;
  }
  types(since = 0): string[] {
    return this.events.slice(since).map((e) => e.type);
  }
}

/** The call center's CTI API as the supervisor (its token): a supervisor's forced state change. */
async function asSupervisor(action: string, params: Record<string, unknown>): Promise<{ Code: string; Message: string }> {
  const response = await fetch(`${centerEnv().cti}?action=${action}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await ctiToken('1009')}` },
    body: new URLSearchParams({ request: JSON.stringify(params) }),
  });
  return (await response.json()) as { Code: string; Message: string };
}

/**
 * The browser's network, seen from this page's WebSockets: `cut()` closes the open sockets and
 * makes new ones fail (connection refused), as when the agent's network goes away; `restore()`.
 */
class Network {
  private readonly Native = window.WebSocket;
  private down = false;
  private readonly sockets: WebSocket[] = [];
  install(): this {
    const network = this;
    window.WebSocket = class extends this.Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        // Port 9 on loopback: nothing listens, so the connection is refused at once.
        super(network.down ? 'ws://127.0.0.1:9/' : url, protocols);
        network.sockets.push(this);
      }
    };
    return this;
  }
  cut(): void {
    this.down = true;
    for (const socket of this.sockets.splice(0)) socket.close();
  }
  restore(): void {
    this.down = false;
    window.WebSocket = this.Native;
  }
}

/** A tab of this browser (same origin) that loads the facade and logs `user` in. */
async function otherTabLogsIn(user: string): Promise<string> {
  const { id } = await executeServerCommand<{ id: string }, { path: string }>('tab-open', { path: '/test/support/tab-page.html' });
  opened.push(id);
  const expression = `(async () => {
    const { phonebar } = await import('/src/facades/emic-phonebar.ts');
    window.__kicks = [];
    return await new Promise((resolve) => {
      phonebar.getUser(${JSON.stringify(user)}, ${JSON.stringify(password(user))}, '${SWITCHNUMBER}', (err) => {
        if (err) return resolve('getUser ' + err.code);
        phonebar.init({ un: ${JSON.stringify(user)}, pwd: ${JSON.stringify(password(user))}, switchnumber: '${SWITCHNUMBER}', gid: 'sales' }, {
          register: (data) => resolve(data.code),
          callEvent: () => undefined,
          kickedOffLine: (data) => window.__kicks.push(data.r),
        });
      });
    });
  })()`;
  const { value } = await executeServerCommand<{ value: unknown }, { id: string; expression: string }>('tab-eval', { id, expression });
  expect(value, 'the other tab registered and logged in').to.equal(200);
  return id;
}

const opened: string[] = [];
const mounted: HTMLElement[] = [];
const extra: EmicPhonebar[] = [];
const errors: { errorCode: number | string; errorMsg: string; method: string }[] = [];
let probe: MediaProbe;

/** A plain workbench of `id`, logged in and ready (the transfer target, the monitored agent). */
const plainAgent = (id: string): Promise<CcWorkbench> => mountCtiAgent(id, {}, (el) => mounted.push(el));

/** `phonebar` signed in with getUser and init as `user`; resolves once `register` said 200. */
async function logIn(bar: EmicPhonebar, user: string, callbacks: Callbacks, params: Record<string, unknown> = {}): Promise<void> {
  const err = await new Promise((resolve) => void bar.getUser(user, password(user), SWITCHNUMBER, (e) => resolve(e)));
  expect(err).to.equal(null);
  expect(bar.init({ un: user, pwd: password(user), switchnumber: SWITCHNUMBER, gid: 'sales', ...params }, callbacks.hooks)).to.equal(true);
  await callbacks.registered();
}

/** A customer calls `queue`; the phonebar's agent gets newPBXCall. */
async function queueCall(callbacks: Callbacks, from: string, queue = 'sales'): Promise<{ customerId: string; cc: string; since: number }> {
  const since = callbacks.events.length;
  const customer = await customers.place(from, queue);
  const ring = await callbacks.wait('newPBXCall', since);
  expect(ring.n).to.equal(from);
  expect(ring.c).to.match(/^job-/);
  return { customerId: customer.id, cc: ring.c, since };
}

beforeEach(() => {
  probe = new MediaProbe().install();
  errors.length = 0;
  phonebar.onerror = (error) => void errors.push(error);
});

afterEach(async () => {
  for (const bar of [phonebar, ...extra.splice(0)]) await bar.logout().catch(() => undefined);
  phonebar.config({ afterCall: 0, registrationTimeoutSeconds: 20, container: null });
  phonebar.onerror = null;
  for (const id of opened.splice(0)) await executeServerCommand('tab-close', { id }).catch(() => undefined);
  await customers.hangUpAll();
  for (const el of mounted.splice(0)) el.remove();
  localStorage.removeItem('userData');
  await sleep(500);
  expect(probe.liveTracks().length, 'microphone tracks left live').to.equal(0);
  probe.uninstall();
});

describe('Emic phonebar facade (reference 003) against the dev call center', () => {
  it('defines window.phonebar, the default export and the bare functions of the examples; declarations match the object', () => {
    expect(window.phonebar).to.equal(phonebar);
    expect(phonebarDefault).to.equal(phonebar);
    for (const name of BARE_GLOBALS) expect((window as unknown as Record<string, unknown>)[name], name).to.equal(phonebar[name]);
    const members = Object.keys(phonebar).sort();
    const extensionMembers = Object.keys(declaration.extensions).filter((name) => name in phonebar);
    expect(members).to.deep.equal([...Object.keys(declaration.methods), ...extensionMembers].sort());
    for (const name of Object.keys(declaration.methods)) expect(typeof phonebar[name as keyof EmicPhonebar], name).to.equal('function');
    expect(Object.keys(declaration.hooks).sort()).to.deep.equal([...CALLBACKS, ...CALL_EVENT_TYPES.map((t) => `callEvent.${t}`)].sort());
    expect(declaration.global).to.equal('phonebar');
    // Every n/a method rejects with 7102 (checked below); the others are implemented.
    expect(Object.entries(declaration.methods).filter(([, row]) => row.support === 'n/a').map(([name]) => name)).to.deep.equal(['endCallMonitor', 'terminateCall']);
  });

  it('the basic example (two named syntax fixes) logs in, dials out and hears callEvent; terminate; after-call work; changeStaus(1)', async () => {
    // As printed the example does not parse (a stray "}," and an empty else-if condition).
    expect(() => new Function(BASIC_EXAMPLE)).to.throw(SyntaxError);
    phonebar.config({ afterCall: 'manual' });
    const logged: unknown[][] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => {
      logged.push(args);
      log(...args);
    };
    try {
      runExample(edited(BASIC_EXAMPLE, BASIC_EXAMPLE_EDITS));
      const seen = (type: string) => logged.find((a) => a[0] === 'callEvent' && (a[1] as { type: string }).type === type)?.[1] as { data: EmicCallData } | undefined;
      const registered = await waitFor(() => logged.find((a) => a[0] === 'register'), 'the example logs register', 20_000);
      expect((registered[1] as { data: { code: number } }).data.code).to.equal(200);
      // The register callback dialled 13900000031: the call center took it, the customer answers.
      const response = await waitFor(() => seen('calloutResponse'), 'calloutResponse');
      expect(response.data).to.include({ r: 200, n: '13900000031' });
      expect(response.data.c).to.be.a('string').and.not.equal('');
      const answered = await waitFor(() => seen('answeredPBXCall'), 'answeredPBXCall');
      expect(answered.data.c).to.equal(response.data.c);
      const customer = await customers.find((c) => c.direction === 'incoming' && c.to === '13900000031' && c.state === 'talking', 'the dialled customer talks');
      expect(phonebar.checkSeatState()).to.equal(4);

      runExample(edited(TERMINATE_EXAMPLE, [["'1564717108763414conf_1564717149723'", JSON.stringify(response.data.c)]]));
      const ended = await waitFor(() => seen('endPBXCall'), 'endPBXCall');
      expect(ended.data).to.include({ c: response.data.c, r: '26' });
      expect(ended.data.callTime).to.be.a('number').and.at.least(0).and.below(60);
      await customers.until(customer.id, (c) => c.state === 'ended', 'the customer call ended');
      // After-call work (config afterCall "manual") is "busy" to Emic; changeStaus(1) ends it.
      await waitFor(() => phonebar.checkSeatState() === 2, 'after-call work: checkSeatState 2');
      expect(runExample(`${CHECK_LOGIN_EXAMPLE}\nreturn status`)).to.equal(1);
      runExample(CHANGE_STATUS_EXAMPLE);
      await waitFor(() => runExample(`${CHECK_SEAT_STATE_EXAMPLE}\nreturn status`) === 1, 'checkSeatState 1 (idle) after changeStaus(1)');
      await waitFor(async () => (await serverState('1001')) === 'Ready', 'ready at the call center');
    } finally {
      console.log = log;
    }
  });

  it('a queue call: newPBXCall, answerPBXCall, hold / unhold seen by the customer, sendDTMF received, transferPBXCall to 1002 who answers, terminate; idle again by itself', async () => {
    const bob = await plainAgent('1002');
    await bob.applyForBreak('meeting');
    // The callbacks throw after recording: a host's bug never breaks the facade.
    const calls = new Callbacks(true);
    runExample(edited(GET_USER_EXAMPLE, [["'1**6', '1**6'", "'1001', 'agent1001'"]]));
    const stored = await waitFor(() => localStorage.getItem('userData'), 'getUser stores localStorage.userData');
    expect(JSON.parse(stored)).to.deep.equal({ displayname: 'Alice (1001)', eid: 'pbx.test', number: '1001', role: 'agent' });
    expect(phonebar.init({ un: '1001', pwd: password('1001'), switchnumber: SWITCHNUMBER, gid: 'sales', remoteAudio: 'emic-remote-voice' }, calls.hooks)).to.equal(true);
    await calls.registered();
    expect(phonebar.checkLogin()).to.equal(1);
    expect(phonebar.checkSeatState()).to.equal(1);
    expect(calls.statuses).to.deep.equal([1]);
    expect(await serverState('1001')).to.equal('Ready');
    expect(phonebar.workbench?.style.display, 'mounted out of sight: the Emic SDK has no UI').to.equal('none');

    const { customerId, cc } = await queueCall(calls, '13800000041');
    expect(phonebar.checkSeatState()).to.equal(3);
    runExample(edited(ANSWER_EXAMPLE, [["'1564717108763414conf_1564717149723'", JSON.stringify(cc)]]));
    expect((await calls.wait('answeredPBXCall')).c).to.equal(cc);
    await customers.until(customerId, (c) => c.state === 'talking', 'talking');
    expect(phonebar.checkSeatState()).to.equal(4);
    // remoteAudio: the call plays in the page's <audio id="emic-remote-voice"> (added, as the page had none).
    const voice = document.getElementById('emic-remote-voice') as HTMLAudioElement;
    await waitFor(() => (voice.srcObject as MediaStream | null)?.getAudioTracks().some((t) => t.readyState === 'live'), 'the call in the page\'s <audio>');
    expect(phonebar.workbench!.phone!.config.audioElement!.muted, 'the workbench\'s own output muted').to.equal(true);

    await phonebar.hold(cc);
    expect(phonebar.checkSeatState()).to.equal(5);
    await customers.until(customerId, (c) => c.held && c.heldBy !== 'local', 'the customer is held');
    await phonebar.unhold(cc);
    await customers.until(customerId, (c) => !c.held && c.holdCount >= 1, 'the customer is resumed');
    expect(phonebar.checkSeatState()).to.equal(4);

    // One tone per call, as the reference asks.
    for (const tone of ['1', '9', '#']) await phonebar.sendDTMF(tone);
    await customers.until(customerId, (c) => c.dtmfReceived.includes('19#'), 'DTMF 19# received', 15_000);

    await bob.ready();
    await waitFor(async () => (await serverState('1002')) === 'Ready', '1002 ready');
    // The printed example's callback only has comments: a spy around the global records its result.
    const results: unknown[][] = [];
    const globals = window as unknown as Record<string, unknown>;
    const real = globals['transferPBXCall'] as EmicPhonebar['transferPBXCall'];
    globals['transferPBXCall'] = (...args: Parameters<EmicPhonebar['transferPBXCall']>) =>
      real(args[0], args[1], args[2], (res, data) => {
        results.push([res, data]);
        args[3]?.(res, data);
      });
    try {
      const since = calls.events.length;
      runExample(edited(TRANSFER_EXAMPLE, [["2069,1023,'1564717108763414conf_1564717149723'", `'sales',1002,${JSON.stringify(cc)}`]]));
      await waitFor(() => bob.getStatusCode().code === 6, '1002 rings with the transferred call', 15_000);
      await bob.answer();
      const [res] = await waitFor(() => results[0], 'the transfer callback');
      expect((res as { type: string }).type).to.equal('transferCallSuccess');
      expect(res == 'transferCallSuccess', 'the table\'s callback(type, data) compares type with ==').to.equal(true);
      expect((await calls.wait('endPBXCall', since)).r).to.equal('26');
      await customers.until(customerId, (c) => c.state === 'talking', 'the customer talks with 1002');
    } finally {
      globals['transferPBXCall'] = real;
    }
    // Emic has no after-call work: with the default (0 s) the seat is idle again by itself.
    await waitFor(() => phonebar.checkSeatState() === 1, 'idle after the transfer');
    await bob.hangUp();
    await customers.until(customerId, (c) => c.state === 'ended', 'the customer call ended');

    const second = await queueCall(calls, '13800000042');
    await phonebar.answerPBXCall(second.cc);
    await calls.wait('answeredPBXCall', second.since);
    runExample(edited(TERMINATE_EXAMPLE, [["'1564717108763414conf_1564717149723'", JSON.stringify(second.cc)]]));
    const end = await calls.wait('endPBXCall', second.since);
    expect(end).to.include({ c: second.cc, r: '26' });
    await customers.until(second.customerId, (c) => c.state === 'ended', 'the second customer call ended');
    await waitFor(() => phonebar.checkSeatState() === 1, 'idle after the call');
    await waitFor(async () => (await serverState('1001')) === 'Ready', 'ready at the call center');
    expect(calls.types(second.since)).to.deep.equal(['newPBXCall', 'answeredPBXCall', 'endPBXCall']);
    // No "busy" in between: the seat never left idle, as at Emic.
    expect(calls.statuses).to.deep.equal([1]);
    expect(errors, 'nothing failed').to.deep.equal([]);
  });

  it('a call the agent declines and a caller who gives up: cancelPBXCall; the customer hanging up: endPBXCall 25', async () => {
    const calls = new Callbacks();
    await logIn(phonebar, '1001', calls);
    const idle = async (): Promise<void> => {
      await waitFor(() => phonebar.checkSeatState() !== 3, 'no longer ringing');
      if (phonebar.checkSeatState() === 2) await phonebar.changeStaus(1);
      await waitFor(() => phonebar.checkSeatState() === 1, 'idle');
      await waitFor(async () => (await serverState('1001')) === 'Ready', 'ready at the call center');
    };
    const first = await queueCall(calls, '13800000043');
    await phonebar.terminate(first.cc);
    expect((await calls.wait('cancelPBXCall', first.since)).c).to.equal(first.cc);
    await customers.hangUp(first.customerId);
    await idle();
    const gaveUp = await queueCall(calls, '13800000046');
    await customers.hangUp(gaveUp.customerId);
    expect(await calls.wait('cancelPBXCall', gaveUp.since)).to.deep.equal({ c: gaveUp.cc, n: '13800000046' });
    await idle();
    const second = await queueCall(calls, '13800000044');
    await phonebar.answerPBXCall(second.cc);
    await customers.until(second.customerId, (c) => c.state === 'talking', 'talking');
    await customers.hangUp(second.customerId);
    const end = await calls.wait('endPBXCall', second.since);
    expect(end).to.include({ c: second.cc, r: '25' });
  });

  it('init({ gid }): the agent takes queue calls from that skill group only', async () => {
    // 1002 is in sales and support; it logs in with support.
    const calls = new Callbacks();
    await logIn(phonebar, '1002', calls, { gid: 'support' });
    const sales = await customers.place('13800000047', 'sales');
    await customers.until(sales.id, (c) => c.state === 'queued', 'the sales caller waits');
    await sleep(3000);
    expect(calls.types(), 'no sales call offered').to.deep.equal([]);
    const support = await queueCall(calls, '13800000048', 'support');
    expect(calls.types(support.since)).to.deep.equal(['newPBXCall']);
    expect((await customers.get(sales.id)).state).to.equal('queued');
  });

  it('getUser, getUser2 and webApiHandler as printed; checkLogin / checkSeatState before init', async () => {
    const got: unknown[][] = [];
    runExample(edited(GET_USER2_EXAMPLE, [["un='1**6',pwd='1**6'", "un='1001',pwd='agent1001'"], ['{...}', '{ seen(err, data) }']]), { seen: (...a: unknown[]) => got.push(a) });
    const [refused] = await waitFor(() => got[0], 'the getUser2 callback');
    expect(refused).to.include({ code: 50001 });
    expect((refused as { info: string }).info).to.match(/callintype 5 .*not applicable/);
    expect(runExample(`${CHECK_LOGIN_EXAMPLE}\nreturn status`)).to.equal(0);
    expect(runExample(`${CHECK_SEAT_STATE_EXAMPLE}\nreturn status`)).to.equal(0);
    // webApiHandler before getUser: the reference's 50001.
    expect((await phonebar.webApiHandler('getGroups', { un: '1001', pwd: 'agent1001', eid: 'pbx.test' })).status).to.equal(50001);

    runExample(edited(GET_USER_EXAMPLE, [["'1**6', '1**6'", "'1001', 'agent1001'"]]));
    await waitFor(() => localStorage.getItem('userData'), 'getUser stores localStorage.userData');
    const logged: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
      log(...args);
    };
    try {
      await runExample(edited(WEB_API_EXAMPLE, WEB_API_EXAMPLE_EDITS), { 分机号: '1001', 密码: 'agent1001', eid: 'pbx.test', xxx技能组id: 'sales' }, true);
    } finally {
      console.log = log;
    }
    expect(logged).to.include.members(['[phonebar] Alice (1001) 状态 0', '[phonebar] Bob (1002) 状态 0', '[phonebar] Carol (1003) 状态 0']);
    const groups = await phonebar.webApiHandler('getGroups', { un: '1001', pwd: 'agent1001', eid: 'pbx.test' });
    expect(groups.status).to.equal(200);
    expect(groups.returnData).to.deep.include.members([
      { id: 'sales', eid: 'pbx.test', name: 'Sales' },
      { id: 'support', eid: 'pbx.test', name: 'Support' },
    ]);
    expect((await phonebar.webApiHandler('getGroups', { un: '1001', pwd: 'agent1001', eid: '6565' })).status).to.equal(50008);
    // A wrong password: the reference's 50003.
    const wrong = await new Promise<{ code: number } | null>((resolve) => void phonebar.getUser('1001', 'wrong', SWITCHNUMBER, (e) => resolve(e)));
    expect(wrong).to.include({ code: 50003 });
  });

  it('bad input gives clear errors; what only Emic can do rejects with 7102', async () => {
    expect(phonebar.init({}, {})).to.equal(false);
    expect(() => phonebar.init({ un: '1001', pwd: 'x', switchnumber: SWITCHNUMBER, gid: 0 }, { register: 'not a function' } as unknown as EmicEventCallback)).to.throw(TypeError, /register must be a function/);
    expect(() => phonebar.getUser('1001', 'x', SWITCHNUMBER, undefined as unknown as () => void)).to.throw(TypeError, /callback must be a function/);
    const missing = await new Promise((resolve) => void phonebar.getUser('', 'x', SWITCHNUMBER, (e) => resolve(e)));
    expect(missing).to.deep.equal({ code: 50001, info: 'parameter error: un is required' });
    expect(() => phonebar.call('')).to.throw(/phonebar\.call\(number\): number must be a non-empty string/);
    const reasons: { errorCode: number | string; errorMsg: string }[] = [];
    for (const attempt of [
      phonebar.answerPBXCall('x'),
      phonebar.changeStaus(7 as 1),
      phonebar.sendDTMF('x'),
      phonebar.transferPBXCall('', '', undefined, () => undefined),
    ]) {
      reasons.push(await attempt.then(() => ({ errorCode: 0, errorMsg: 'resolved' }), (e: { errorCode: number; errorMsg: string }) => e));
    }
    expect(reasons.map((r) => r.errorCode)).to.deep.equal([6001, 7101, 7101, 7101]);
    expect(reasons[1]!.errorMsg).to.match(/changeStaus\(status\): status must be 1 \(idle\) or 2 \(busy\)/);
    expect(reasons[2]!.errorMsg).to.match(/sendDTMF\(string\): "x" is not a DTMF tone/);
    expect(reasons[3]!.errorMsg).to.match(/transNumber \(or gid\) is required/);
    expect(errors.map((e) => e.method)).to.deep.equal(['answerPBXCall', 'changeStaus', 'sendDTMF', 'transferPBXCall']);

    // Vendor-only: the supervisor ending an agent's call, and encrypted numbers.
    for (const method of ['endCallMonitor', 'terminateCall'] as const) {
      const results: number[] = [];
      const refused = await phonebar[method]('job-1', (r) => results.push(r)).then(
        () => null,
        (e: { errorCode: number; errorMsg: string }) => e,
      );
      expect(refused?.errorCode, method).to.equal(NOT_APPLICABLE);
      expect(refused?.errorMsg).to.match(new RegExp(`phonebar\\.${method}\\(\\) is not applicable with cc-workbench: the call center never cuts an agent's call off`));
      expect(results, `${method} calls monitorcb(1)`).to.deep.equal([1]);
    }
    errors.length = 0;
    const printed: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
    let res: unknown;
    try {
      // The call example: its first call finds no login (6001); the encrypted one is not applicable.
      res = runExample(`${edited(CALL_EXAMPLE, [["phonebar.call('10010')", "phonebar.call('13900000032')"]])}\nreturn { calltype, res }`);
    } finally {
      console.log = log;
    }
    expect(res).to.deep.equal({ calltype: 2, res: 'opwmRvGhOcGMXRZSp_moOQ' });
    expect(printed).to.deep.equal(['呼叫外线']);
    await waitFor(() => errors.length === 2, 'both failures reported');
    expect(errors.map((e) => [e.method, e.errorCode])).to.deep.equal([
      ['call', NOT_APPLICABLE],
      ['call', 6001],
    ]);
  });

  it('kickedOffLine 895: another tab of this browser logs the same account in; this page goes offline', async () => {
    const calls = new Callbacks();
    await logIn(phonebar, '1001', calls);
    await otherTabLogsIn('1001');
    await waitFor(() => calls.kicks.length > 0, 'kickedOffLine in the older page');
    expect(calls.kicks).to.deep.equal([895]);
    expect(phonebar.checkLogin()).to.equal(0);
    expect(phonebar.workbench).to.equal(null);
    expect(calls.statuses.at(-1)).to.equal(0);
    // The newer login keeps the agent ready at the call center (the older one asked nothing of it).
    await sleep(500);
    expect(await serverState('1001')).to.equal('Ready');
    // The same holds between two phonebars of one page, and the older reacts, not the newer.
    const older = new Callbacks();
    const newer = new Callbacks();
    const first = createPhonebar();
    const second = createPhonebar();
    extra.push(first, second);
    await logIn(first, '1002', older);
    await logIn(second, '1002', newer);
    await waitFor(() => older.kicks.length > 0, 'the older phonebar kicked');
    expect(older.kicks).to.deep.equal([895]);
    await sleep(300);
    expect(newer.kicks).to.deep.equal([]);
    expect(second.checkLogin()).to.equal(1);
  });

  it('kickedOffLine 897: the network goes away and the registration does not come back', async () => {
    const network = new Network().install();
    try {
      phonebar.config({ registrationTimeoutSeconds: 3 });
      const calls = new Callbacks();
      await logIn(phonebar, '1001', calls);
      const lostAt = Date.now();
      network.cut();
      await waitFor(() => calls.kicks.length > 0, 'kickedOffLine after the registration timeout', 15_000);
      expect(calls.kicks).to.deep.equal([897]);
      expect(Date.now() - lostAt).to.be.at.least(2900);
      expect(phonebar.checkLogin()).to.equal(0);
      expect(calls.statuses.at(-1)).to.equal(0);
      // The call center lost the registration too: the agent is offline there.
      await waitFor(async () => (await serverState('1001')) === 'Offline', 'offline at the call center');
    } finally {
      network.restore();
    }
  });

  it('a connection that comes back within the timeout kicks nobody', async () => {
    const network = new Network().install();
    try {
      phonebar.config({ registrationTimeoutSeconds: 12 });
      const calls = new Callbacks();
      await logIn(phonebar, '1001', calls);
      const el = phonebar.workbench!;
      let back = false;
      el.addEventListener('cc-registered', () => (back = true));
      network.cut();
      await sleep(300);
      network.restore();
      await waitFor(() => back, 'registered again', 15_000);
      await sleep(500);
      expect(calls.kicks).to.deep.equal([]);
      expect(phonebar.checkLogin()).to.equal(1);
    } finally {
      network.restore();
    }
  });

  it('kickedOffLine 898: the supervisor logs the agent out at the call center', async () => {
    const calls = new Callbacks();
    await logIn(phonebar, '1001', calls);
    const answer = await asSupervisor('SignOutGroup', { UserId: '1001' });
    expect(answer.Code, answer.Message).to.equal('OK');
    await waitFor(() => calls.kicks.length > 0, 'kickedOffLine');
    expect(calls.kicks).to.deep.equal([898]);
    expect(phonebar.checkLogin()).to.equal(0);
    expect(phonebar.workbench).to.equal(null);
  });

  it('a supervisor: repCallStatus per agent call, startCallMonitor / joinFromMonitor / exitJoinMonitor / stopCallMonitor by ccNumber', async () => {
    const alice = await plainAgent('1001');
    const sup = new Callbacks();
    const hooks = { ...sup.hooks, repCallStatus: (data: Callbacks['calls'][number]) => void sup.calls.push(data) };
    await new Promise((resolve) => void phonebar.getUser('1009', password('1009'), SWITCHNUMBER, resolve));
    expect(phonebar.init({ un: '1009', pwd: password('1009'), switchnumber: SWITCHNUMBER, gid: 0 }, hooks)).to.equal(true);
    await sup.registered();
    expect(phonebar.checkLogin()).to.equal(1);
    expect(phonebar.checkMonitorState()).to.deep.equal({ status: 0, ccNumber: '' });
    await sleep(500);

    const customer = await customers.place('13800000045', 'sales');
    await waitFor(() => alice.getStatusCode().code === 6, '1001 rings', 15_000);
    await alice.answer();
    await customers.until(customer.id, (c) => c.state === 'talking', 'talking');
    const started = await waitFor(() => sup.calls[0], 'repCallStatus at the start of the call');
    expect(started).to.include({ caller: '1001', callee: '13800000045', endTime: '' });
    expect(started.callTime).to.be.within(Math.floor(Date.now() / 1000) - 30, Math.floor(Date.now() / 1000) + 1);
    const cc = started.ccNumber;

    const results: number[] = [];
    const monitorcb = (result: number) => results.push(result);
    await phonebar.startCallMonitor(cc, monitorcb);
    expect(results).to.deep.equal([0]);
    expect(phonebar.workbench?.getStatusCode().code).to.equal(21);
    expect(phonebar.checkMonitorState()).to.deep.equal({ status: 1, ccNumber: cc });
    expect(phonebar.monitorStatus).to.equal(phonebar.checkMonitorState());
    expect(phonebar.checkSeatState()).to.equal(4);
    expect((await sup.wait('answeredPBXCall')).c, 'the monitoring call, recognisable by its ccNumber').to.equal(cc);
    await phonebar.joinFromMonitor(cc, monitorcb);
    await waitFor(() => phonebar.checkMonitorState().status === 2, 'three-way (2)');
    await phonebar.exitJoinMonitor(cc, monitorcb);
    await waitFor(() => phonebar.checkMonitorState().status === 1, 'listening again (1)');
    // exitJoinMonitor outside a three-way call fails (1), as joinFromMonitor outside listening would.
    await phonebar.exitJoinMonitor(cc, monitorcb).catch(() => undefined);
    expect(results).to.deep.equal([0, 0, 0, 1]);
    await phonebar.stopCallMonitor(cc, monitorcb);
    await waitFor(() => phonebar.checkMonitorState().status === 0, 'not monitoring');
    expect(results.at(-1)).to.equal(0);
    expect(phonebar.workbench?.getStatusCode().code).to.equal(1);
    expect(alice.getStatusCode().code, 'the agent\'s call goes on').to.equal(9);
    expect(await sup.wait('endPBXCall')).to.include({ c: cc, r: '26' });

    await customers.hangUp(customer.id);
    const ended = await waitFor(() => sup.calls[1], 'repCallStatus at the end of the call');
    expect(ended).to.include({ caller: '1001', ccNumber: cc, callTime: started.callTime });
    expect(ended.endTime).to.be.a('number').and.at.least(started.callTime);
    // The supervisor heard of its monitoring call only (answered, ended), never of a ringing one.
    expect(sup.types()).to.deep.equal(['answeredPBXCall', 'endPBXCall']);
    // Monitoring a call that is gone fails through the callback.
    await phonebar.startCallMonitor(cc, monitorcb).catch(() => undefined);
    expect(results.at(-1)).to.equal(1);
  });
});
