// The embed protocol's shape checks, the frame's bridge on a <cc-workbench> (fake SIP, a fake
// parent window), and click-to-dial. The real cross-origin frame is test/e2e/embed.test.ts.
import { expect, waitUntil } from '@open-wc/testing';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import { CcError } from '../../src/errors.js';
import { bindClickToDial, dialableNumber } from '../../src/embed/click-to-dial.js';
import { attributesOf, BUFFER_LIMIT, CcEmbedBridge, EMBED_METHODS, readOrigins } from '../../src/embed/embed-bridge.js';
import { postable, readFrameMessage, readHostMessage, SECRET_PARAM } from '../../src/embed/protocol.js';
import type { FrameMessage, ResultMessage } from '../../src/embed/protocol.js';
import { mountWorkbench, toReady } from './helpers.js';

const HOST = 'https://crm.example.test';
const envelope = { cc: 'cc-workbench', v: 1 } as const;

describe('embed protocol shape checks', () => {
  it('accepts every host message type in its documented shape', () => {
    const valid = [
      { type: 'hello' },
      { type: 'hello', credentials: true },
      { type: 'call', id: 1, method: 'call', args: ['1001', { callerId: '1' }] },
      { type: 'call', id: 'a-1', method: 'getStatusCode', args: [] },
      { type: 'set', id: 2, name: 'password', value: 'x' },
      { type: 'set', id: 3, name: 'auto-register', value: null },
      { type: 'answer', id: 4, allow: false },
      { type: 'answer', id: 5, allow: true, callee: '0123' },
      { type: 'credentials', id: 6, password: 'pw' },
      { type: 'credentials', id: 7, password: null },
      { type: 'stats', id: 8 },
    ];
    for (const message of valid) expect(readHostMessage({ ...envelope, ...message }), JSON.stringify(message)).to.deep.equal({ ...envelope, ...message });
  });

  it('refuses other protocols, other versions, missing or bad ids and wrong field types', () => {
    const invalid: unknown[] = [
      null,
      'hello',
      [envelope],
      { type: 'hello' },
      { cc: 'other', v: 1, type: 'hello' },
      { cc: 'cc-workbench', v: 2, type: 'hello' },
      { cc: 'cc-workbench', v: '1', type: 'hello' },
      { ...envelope, type: 'hello', credentials: 'yes' },
      { ...envelope, type: 'call', method: 'call', args: [] },
      { ...envelope, type: 'call', id: 1.5, method: 'call', args: [] },
      { ...envelope, type: 'call', id: '', method: 'call', args: [] },
      { ...envelope, type: 'call', id: 'x'.repeat(65), method: 'call', args: [] },
      { ...envelope, type: 'call', id: { n: 1 }, method: 'call', args: [] },
      { ...envelope, type: 'call', id: 1, method: 'call', args: '1001' },
      { ...envelope, type: 'call', id: 1, method: 'call', args: Array(9).fill('1') },
      { ...envelope, type: 'call', id: 1, method: 7, args: [] },
      { ...envelope, type: 'call', id: 1, method: 'm'.repeat(65), args: [] },
      { ...envelope, type: 'set', id: 1, name: 'password' },
      { ...envelope, type: 'answer', id: 1, allow: 'no' },
      { ...envelope, type: 'answer', id: 1, allow: true, callee: 123 },
      { ...envelope, type: 'credentials', id: 1, password: 42 },
      { ...envelope, type: 'credentials', id: 1 },
      { ...envelope, type: 'welcome', methods: [], status: {} },
      { ...envelope, type: 'eval', id: 1, code: 'alert(1)' },
    ];
    for (const message of invalid) expect(readHostMessage(message), JSON.stringify(message)).to.equal(null);
  });

  it('checks the frame messages the client reads', () => {
    const valid = [
      { type: 'welcome', methods: ['register'], status: { code: -1, lastCode: -1 } },
      { type: 'result', id: 1, ok: true, value: 3 },
      { type: 'result', id: 1, ok: false, error: { errorCode: 7101, errorMsg: 'x' } },
      { type: 'event', name: 'cc-status-change', detail: { code: 3 } },
      { type: 'request', id: 2, name: 'cc-dial-request', detail: { callee: '1' } },
      { type: 'credentials', id: 3 },
    ];
    for (const message of valid) expect(readFrameMessage({ ...envelope, ...message }), JSON.stringify(message)).to.not.equal(null);
    const invalid = [
      { type: 'result', id: 1, ok: false },
      { type: 'result', id: 1, ok: 'yes' },
      { type: 'event', name: 'click', detail: null },
      { type: 'request', id: 2, name: 'cc-status-change', detail: {} },
      { type: 'request', id: 2, name: 'cc-dial-request', detail: null },
      { type: 'welcome', methods: 'register', status: {} },
      { type: 'hello' },
    ];
    for (const message of invalid) expect(readFrameMessage({ ...envelope, ...message }), JSON.stringify(message)).to.equal(null);
  });

  it('makes values postable: functions dropped, a CcError as its fields, a cycle as null', () => {
    expect(postable(undefined)).to.equal(undefined);
    expect(postable({ a: 1, f: () => 1, u: undefined, d: [1, 'x'] })).to.deep.equal({ a: 1, d: [1, 'x'] });
    expect(postable(new CcError({ errorCode: ERROR.dialVetoed, errorMsg: 'no', command: 'call' }))).to.deep.equal({
      errorCode: ERROR.dialVetoed,
      errorMsg: 'no',
      command: 'call',
    });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(postable(cycle)).to.equal(null);
  });

  it('treats secret-looking names as secrets, and no attribute of <cc-workbench> as one', async () => {
    for (const name of ['password', 'pwd', 'token', 'access_token', 'apiKey', 'api-key', 'secret', 'sip-password', 'credentials', 'session']) {
      expect(SECRET_PARAM.test(name), name).to.equal(true);
    }
    await customElements.whenDefined('cc-workbench');
    const attributes = attributesOf(customElements.get('cc-workbench') as unknown as typeof CcWorkbench);
    for (const name of attributes.keys()) expect(SECRET_PARAM.test(name), name).to.equal(false);
  });

  it('lists the element attributes (booleans marked) and never a property-only field', async () => {
    const attributes = attributesOf(customElements.get('cc-workbench') as unknown as typeof CcWorkbench);
    for (const name of ['server', 'sip-uri', 'display-name', 'after-call', 'dtmf-mode', 'cti', 'ringtone', 'lang']) expect(attributes.get(name), name).to.equal(false);
    for (const name of ['auto-register', 'no-header', 'show-status-code', 'supervisor', 'accept-auto-answer']) expect(attributes.get(name), name).to.equal(true);
    for (const name of ['password', 'credentials', 'cti-request', 'ctirequest', 'phonefactory', 'announcement', 'breakreasons']) expect(attributes.has(name), name).to.equal(false);
  });

  it('reads allowed origins exactly: http(s) scheme, host and port, nothing after', () => {
    expect(readOrigins('https://crm.example.com, http://localhost:8080 https://CRM.example.com')).to.deep.equal({
      origins: ['https://crm.example.com', 'http://localhost:8080'],
      refused: [],
    });
    const refused = ['*', 'null', 'crm.example.com', 'https://crm.example.com/', 'https://crm.example.com/app', 'https://a@crm.example.com', 'javascript:alert(1)', 'ftp://crm.example.com', 'https://x.test?q'];
    expect(readOrigins(refused.join(' '))).to.deep.equal({ origins: [], refused });
  });
});

/** A <cc-workbench> on the fake SIP with a bridge, a fake parent window and what the bridge posted. */
async function bridged(options: { origins?: string[]; framed?: boolean; answerTimeoutMs?: number } = {}) {
  const receiver = new EventTarget();
  const parent = new MessageChannel().port1;
  const posted: { message: FrameMessage; targetOrigin: string }[] = [];
  let bridge!: CcEmbedBridge;
  const m = await mountWorkbench({ 'after-call': '0' }, { autoRespond: true }, (el) => {
    el.password = null;
    bridge = new CcEmbedBridge(el, {
      origins: options.origins ?? [HOST],
      attributes: attributesOf(customElements.get('cc-workbench') as unknown as typeof CcWorkbench),
      parent: options.framed === false ? null : parent,
      receiver,
      post: (message, targetOrigin) => posted.push({ message, targetOrigin }),
      answerTimeoutMs: options.answerTimeoutMs ?? 2000,
    });
  });
  const send = (data: unknown, from: { origin?: string; source?: MessageEventSource | null } = {}): void => {
    receiver.dispatchEvent(new MessageEvent('message', { data, origin: from.origin ?? HOST, source: from.source === undefined ? parent : from.source }));
  };
  let lastId = 100;
  /** Sends a message with a fresh id and waits for its result. */
  const ask = async (message: Record<string, unknown>): Promise<ResultMessage> => {
    const id = ++lastId;
    send({ ...envelope, ...message, id });
    await waitUntil(() => posted.some((p) => p.message.type === 'result' && p.message.id === id), `result ${id}`, { timeout: 3000 });
    return posted.find((p) => p.message.type === 'result' && p.message.id === id)!.message as ResultMessage;
  };
  const of = (type: FrameMessage['type']) => posted.filter((p) => p.message.type === type).map((p) => p.message);
  return { ...m, bridge, posted, send, ask, of, parent };
}

describe('the embed bridge (frame side)', () => {
  it('ignores and counts messages from another origin, another window or in a wrong shape, and posts nothing', async () => {
    const b = await bridged();
    const hello = { ...envelope, type: 'hello' };
    b.send(hello, { origin: 'https://evil.example.test' });
    b.send(hello, { source: new MessageChannel().port1 });
    b.send(hello, { source: null });
    b.send({ ...envelope, type: 'hello', credentials: 'x' });
    b.send({ cc: 'cc-workbench', v: 2, type: 'hello' });
    b.send('hello');
    b.send({ ...envelope, type: 'call', id: 1, method: 'register', args: [] }, { origin: 'https://evil.example.test' });
    await new Promise((r) => setTimeout(r, 50));
    expect(b.bridge.stats).to.deep.equal({ ignored: 7, accepted: 0 });
    expect(b.posted).to.deep.equal([]);
    expect(b.el.getStatusCode().code).to.equal(STATUS.unregistered);
    expect(b.sip.commands).to.deep.equal([]);
  });

  it('answers hello with a welcome, then posts the events kept before it, only to the hello origin', async () => {
    const b = await bridged({ origins: ['https://other.example.test', HOST] });
    await waitUntil(() => b.el.phone !== null, 'phone');
    b.el.dispatchEvent(new CustomEvent('cc-warning', { detail: { code: 'page-frozen', message: 'm', fn: () => 1 } }));
    expect(b.posted).to.deep.equal([]);
    b.send({ ...envelope, type: 'hello' });
    const messages = b.posted.map((p) => p.message);
    expect(messages[0]).to.deep.equal({ ...envelope, type: 'welcome', methods: EMBED_METHODS, status: { code: -1, lastCode: -1 } });
    expect(messages.slice(1).map((m) => (m.type === 'event' ? m.name : m.type))).to.deep.equal(['cc-init', 'cc-warning']);
    expect(messages[1]).to.deep.equal({ ...envelope, type: 'event', name: 'cc-init', detail: {} });
    expect(messages[2]).to.deep.equal({ ...envelope, type: 'event', name: 'cc-warning', detail: { code: 'page-frozen', message: 'm' } });
    expect(new Set(b.posted.map((p) => p.targetOrigin))).to.deep.equal(new Set([HOST]));
    expect(EMBED_METHODS).to.include.members(['register', 'logIn', 'call', 'hold', 'sendDtmf', 'monitor', 'getStatusCode']);
  });

  it(`keeps at most ${BUFFER_LIMIT} events before the hello, the newest`, async () => {
    const b = await bridged();
    await waitUntil(() => b.el.phone !== null, 'phone');
    for (let i = 0; i < BUFFER_LIMIT + 50; i++) b.el.dispatchEvent(new CustomEvent('cc-warning', { detail: { i } }));
    b.send({ ...envelope, type: 'hello' });
    const events = b.of('event');
    expect(events.length).to.equal(BUFFER_LIMIT);
    expect(events.at(-1)).to.deep.include({ detail: { i: BUFFER_LIMIT + 49 } });
    expect(events[0]).to.deep.include({ detail: { i: 50 } });
  });

  it('runs methods and answers with postable values or { errorCode, errorMsg }; unknown methods get 7101', async () => {
    const b = await bridged();
    b.send({ ...envelope, type: 'hello' });
    expect(await b.ask({ type: 'set', name: 'password', value: 'secret' })).to.deep.include({ ok: true });
    expect(await b.ask({ type: 'call', method: 'register', args: [] })).to.deep.include({ ok: true });
    expect(await b.ask({ type: 'call', method: 'getStatusCode', args: [] })).to.deep.include({ ok: true, value: { code: STATUS.offline, lastCode: STATUS.registering } });
    const refused = await b.ask({ type: 'call', method: 'hold', args: [] });
    expect(refused).to.deep.include({ ok: false });
    expect((refused as { error: { errorCode: number } }).error.errorCode).to.equal(ERROR.stateNotAllowed);
    for (const method of ['remove', 'constructor', '__proto__', 'dispatchEvent', 'setAttribute']) {
      const result = (await b.ask({ type: 'call', method, args: [] })) as { ok: boolean; error: { errorCode: number; errorMsg: string } };
      expect(result.ok, method).to.equal(false);
      expect(result.error.errorCode).to.equal(ERROR.invalidArgument);
      expect(result.error.errorMsg).to.contain(`"${method}"`);
    }
    expect(b.el.isConnected, 'remove() was not run').to.equal(true);
    expect(b.bridge.stats.ignored).to.equal(0);
  });

  it('sets the documented properties and attributes and refuses anything else with 7101 naming it', async () => {
    const b = await bridged();
    b.send({ ...envelope, type: 'hello' });
    expect(await b.ask({ type: 'set', name: 'ctiHeaders', value: { Authorization: 'Bearer t' } })).to.deep.include({ ok: true });
    expect(b.el.ctiHeaders).to.deep.equal({ Authorization: 'Bearer t' });
    expect(await b.ask({ type: 'set', name: 'breakReasons', value: ['lunch'] })).to.deep.include({ ok: true });
    expect(b.el.breakReasons).to.deep.equal(['lunch']);
    expect(await b.ask({ type: 'set', name: 'after-call', value: 30 })).to.deep.include({ ok: true });
    expect(b.el.getAttribute('after-call')).to.equal('30');
    expect(await b.ask({ type: 'set', name: 'show-status-code', value: true })).to.deep.include({ ok: true });
    expect(b.el.hasAttribute('show-status-code')).to.equal(true);
    expect(await b.ask({ type: 'set', name: 'show-status-code', value: false })).to.deep.include({ ok: true });
    expect(b.el.hasAttribute('show-status-code')).to.equal(false);
    expect(await b.ask({ type: 'set', name: 'display-name', value: null })).to.deep.include({ ok: true });
    for (const [name, value] of [
      ['credentials', null],
      ['ctiRequest', null],
      ['phoneFactory', null],
      ['onclick', 'alert(1)'],
      ['allowed-origins', '*'],
      ['innerHTML', '<img>'],
      ['password', 42],
      ['ctiHeaders', { a: 1 }],
      ['breakReasons', 'lunch'],
      ['auto-register', 'yes'],
      ['server', { url: 'x' }],
    ] as const) {
      const result = (await b.ask({ type: 'set', name, value })) as { ok: boolean; error: { errorCode: number; errorMsg: string } };
      expect(result.ok, name).to.equal(false);
      expect(result.error.errorCode).to.equal(ERROR.invalidArgument);
      expect(result.error.errorMsg).to.contain(`"${name}"`);
    }
    expect(b.el.credentials).to.not.equal(null);
    expect(b.el.hasAttribute('onclick')).to.equal(false);
    expect(b.el.ctiHeaders).to.deep.equal({ Authorization: 'Bearer t' });
  });

  it('asks the host about each dial: a refusal vetoes (7010), a callee rewrites, no answer in time allows', async () => {
    const b = await bridged({ answerTimeoutMs: 300 });
    b.send({ ...envelope, type: 'hello' });
    await b.ask({ type: 'set', name: 'password', value: 'secret' });
    await toReady(b.el);
    const answerNext = (answer: Record<string, unknown>) => {
      const seen = b.of('request').length;
      void waitUntil(() => b.of('request').length > seen, 'request').then(() => {
        const request = b.of('request').at(-1)!;
        b.send({ ...envelope, type: 'answer', id: (request as { id: number }).id, ...answer });
      });
    };
    answerNext({ allow: false });
    const vetoed = (await b.el.call('13900000000').catch((e: unknown) => e)) as CcError;
    expect(vetoed.errorCode).to.equal(ERROR.dialVetoed);
    expect(b.sip.last('sip.call')).to.equal(undefined);
    expect(b.of('request').at(-1)).to.deep.include({ name: 'cc-dial-request', detail: { callee: '13900000000', originalCallee: '13900000000' } });
    // Its own cc-dial-request is not also posted as an event.
    expect(b.of('event').filter((e) => (e as { name: string }).name === 'cc-dial-request')).to.deep.equal([]);

    answerNext({ allow: true, callee: '913900000000' });
    void b.el.call('13900000000').catch(() => undefined);
    await waitUntil(() => b.sip.last('sip.call') !== undefined, 'INVITE', { timeout: 2000 });
    expect(b.sip.last('sip.call')!.target).to.equal('913900000000');
    await b.el.hangUp();

    // Nobody answers: after the timeout the dial goes ahead as asked.
    const before = b.sip.commands.filter((c) => c.type === 'sip.call').length;
    const started = Date.now();
    void b.el.call('13900000001').catch(() => undefined);
    await waitUntil(() => b.sip.commands.filter((c) => c.type === 'sip.call').length > before, 'INVITE after the timeout', { timeout: 3000 });
    expect(Date.now() - started).to.be.at.least(250);
    expect(b.sip.last('sip.call')!.target).to.equal('13900000001');
  });

  it('asks the host for the password when it said hello with credentials: true', async () => {
    const b = await bridged();
    b.send({ ...envelope, type: 'hello', credentials: true });
    const asked = b.el.credentials!();
    await waitUntil(() => b.of('credentials').length === 1, 'credentials request');
    const request = b.of('credentials')[0] as { id: number };
    // An answer of the wrong kind for that id is not a password.
    b.send({ ...envelope, type: 'answer', id: request.id, allow: true });
    b.send({ ...envelope, type: 'credentials', id: request.id, password: 'from-host' });
    expect(await asked).to.deep.equal({ password: 'from-host' });
    expect(b.posted.every((p) => p.targetOrigin === HOST)).to.equal(true);
  });

  it('without a host (not framed, or no allowed origin) never posts and leaves credentials alone', async () => {
    for (const options of [{ framed: false }, { origins: [] }]) {
      const b = await bridged(options);
      b.send({ ...envelope, type: 'hello' });
      await waitUntil(() => b.el.phone !== null, 'phone');
      await b.el.register().catch(() => undefined);
      expect(b.posted, JSON.stringify(options)).to.deep.equal([]);
      expect(b.bridge.stats).to.deep.equal({ ignored: 1, accepted: 0 });
      expect(b.el.credentials).to.equal(null);
    }
  });
});

describe('click-to-dial', () => {
  let root: HTMLElement;
  const dialled: string[] = [];
  let off: () => void = () => undefined;
  /** Whether the click was cancelled before its default action, seen last (bubbling, at the document). */
  let prevented: boolean | null = null;
  // The test page must never follow a link: a tel: navigation or a modified click's new window
  // leaves the browser's pages hidden, and every later test file waits for frames that never come.
  const guard = (event: Event): void => {
    prevented = event.defaultPrevented;
    event.preventDefault();
  };
  beforeEach(() => {
    document.addEventListener('click', guard);
    dialled.length = 0;
    root = document.createElement('div');
    root.innerHTML = `
      <a id="tel" href="tel:+1%20(555)%20010-0200;ext=12">call</a>
      <a id="upper" href="TEL:555-0100"><span id="inner">Sales</span></a>
      <a id="sip" href="sip:1002@pbx.example.test">Bob</a>
      <a id="web" href="#somewhere">web</a>
      <button id="marked" data-cc-dial="13800000001">Call back</button>
      <span id="text" data-cc-dial=""> 138 0000 0002 </span>
      <span id="empty" data-cc-dial="">   </span>`;
    document.body.append(root);
    off = bindClickToDial(root, (n) => dialled.push(n));
  });
  afterEach(() => {
    off();
    root.remove();
    document.removeEventListener('click', guard);
  });
  const click = (id: string, init: MouseEventInit = {}): boolean => {
    prevented = null;
    root.querySelector(`#${id}`)!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true, ...init }));
    return prevented ?? false;
  };

  it('dials tel: links (decoded, parameters dropped, separators kept), sip: links and data-cc-dial elements', () => {
    expect(click('tel')).to.equal(true);
    expect(click('inner')).to.equal(true);
    expect(click('sip')).to.equal(true);
    expect(click('marked')).to.equal(true);
    expect(click('text')).to.equal(true);
    expect(dialled).to.deep.equal(['+1 (555) 010-0200', '555-0100', 'sip:1002@pbx.example.test', '13800000001', '138 0000 0002']);
  });

  it('leaves modified clicks, other buttons, other links, empty numbers and handled clicks to the page', () => {
    for (const init of [{ ctrlKey: true }, { metaKey: true }, { shiftKey: true }, { altKey: true }, { button: 1 }]) {
      expect(click('tel', init), JSON.stringify(init)).to.equal(false);
    }
    expect(click('web')).to.equal(false);
    expect(click('empty')).to.equal(false);
    // A click the page handled before it reached the root (its own capturing listener) stays the page's.
    document.addEventListener('click', (e) => e.preventDefault(), { capture: true, once: true });
    expect(click('tel')).to.equal(true);
    expect(dialled).to.deep.equal([]);
    // The root's capturing listener runs before the link's own: the page's later preventDefault does not stop the dial.
    root.querySelector('#tel')!.addEventListener('click', (e) => e.preventDefault());
    expect(click('tel')).to.equal(true);
    expect(dialled).to.deep.equal(['+1 (555) 010-0200']);
  });

  it('stops at its root, reaches into open shadow roots, and stops when turned off', () => {
    const outer = document.createElement('a');
    outer.href = 'tel:999';
    const inner = document.createElement('div');
    outer.append(inner);
    root.append(outer);
    off();
    off = bindClickToDial(inner, (n) => dialled.push(n));
    inner.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(dialled, 'a link around the root is not the root\'s').to.deep.equal([]);
    off();

    off = bindClickToDial(root, (n) => dialled.push(n));
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = '<a href="tel:4242">in a component</a>';
    root.append(host);
    host.shadowRoot!.querySelector('a')!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
    expect(dialled).to.deep.equal(['4242']);
    off();
    expect(click('tel')).to.equal(false);
    expect(dialled).to.deep.equal(['4242']);
  });

  it('reads a malformed escape as written', () => {
    const a = document.createElement('a');
    a.href = 'tel:12%zz';
    expect(dialableNumber(a)).to.equal('12%zz');
  });
});
