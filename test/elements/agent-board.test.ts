import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../elements/agent-board/cc-agent-board.js';
import { readEventStream } from '../../elements/agent-board/agent-board.js';
import type { BoardAgent, BoardPhone, CcAgentBoard, CcBoardSnapshotEvent } from '../../elements/agent-board/agent-board.js';
import type { SupervisorPhone } from '../../src/supervisor.js';
import { accessibleName, button, buttonNames, part, settle, shadow } from './helpers.js';

/** Compile time: the supervisor's phone, what hosts hand the board (`workbench.phone`), fits its narrow type. */
type Fits<T extends BoardPhone> = T;
export type SupervisorPhoneFits = Fits<SupervisorPhone>;

// ---- Fixtures ----

const NOW = Date.now();

function agent(fields: Partial<BoardAgent> & Pick<BoardAgent, 'agentId' | 'name' | 'state'>): BoardAgent {
  return { breakReason: null, stateSince: NOW - 65_000, registered: true, queues: ['Sales'], call: null, ...fields };
}

const AGENTS: readonly BoardAgent[] = [
  agent({ agentId: '1002', name: 'Bob (1002)', state: 'ready' }),
  agent({ agentId: '1004', name: 'Dave (1004)', state: 'offline', registered: false }),
  agent({ agentId: '1003', name: 'Carol (1003)', state: 'break', breakReason: 'meal' }),
  agent({
    agentId: '1001',
    name: 'Alice (1001)',
    state: 'talking',
    call: { jobId: 'job-1', caller: '13800000001', queue: 'Sales', direction: 'inbound', since: NOW - 30_000, monitor: null },
  }),
  agent({ agentId: '1005', name: 'Erin', state: 'afterCall', registered: false }),
  agent({
    agentId: '1006',
    name: 'Frank (1006)',
    state: 'talking',
    call: { jobId: 'job-2', caller: '13800000002', queue: 'Support', direction: 'inbound', since: NOW - 10_000, monitor: { supervisorId: '1009', mode: 'whisper' } },
  }),
];

interface Deferred {
  readonly promise: Promise<unknown>;
  resolve(value?: unknown): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: (value?: unknown) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type Handler = (event: unknown) => void;

/** The supervisor's phone as the board uses it: every call recorded, replies chosen per method. */
class FakePhone implements BoardPhone {
  readonly log: unknown[][] = [];
  /** How a method answers; absent = resolves at once. */
  readonly reply: Partial<Record<string, () => Promise<unknown>>> = {};
  readonly cti: BoardPhone['cti'];
  private readonly handlers = new Map<string, Set<Handler>>();

  constructor(withCti = true) {
    this.cti = withCti ? { call: (apiName, params) => this.record('cti.call', apiName, params) } : null;
  }

  monitor(agentId: string, mode: string): Promise<unknown> {
    return this.record('monitor', agentId, mode);
  }
  changeMonitorMode(mode: string): Promise<unknown> {
    return this.record('changeMonitorMode', mode);
  }
  intercept(): Promise<unknown> {
    return this.record('intercept');
  }
  hangUp(): Promise<unknown> {
    return this.record('hangUp');
  }
  on(type: 'status' | 'monitor', handler: Handler): () => void {
    const set = this.handlers.get(type) ?? new Set();
    set.add(handler);
    this.handlers.set(type, set);
    return () => set.delete(handler);
  }

  /** Reports a phone fact to the listeners, as the phone's actor would. */
  emit(type: 'status' | 'monitor', event: unknown): void {
    for (const handler of this.handlers.get(type) ?? []) handler(event);
  }

  listeners(type: string): number {
    return this.handlers.get(type)?.size ?? 0;
  }

  private record(method: string, ...args: unknown[]): Promise<unknown> {
    this.log.push([method, ...args]);
    return this.reply[method]?.() ?? Promise.resolve();
  }
}

async function mount(agents: readonly BoardAgent[] | null = AGENTS, phone: BoardPhone | null = new FakePhone(), lang?: string): Promise<CcAgentBoard> {
  return fixture<CcAgentBoard>(html`<cc-agent-board lang=${lang ?? 'en'} .agents=${agents} .phone=${phone}></cc-agent-board>`);
}

function rows(el: CcAgentBoard): HTMLTableRowElement[] {
  return [...shadow(el).querySelectorAll<HTMLTableRowElement>('tbody tr[data-agent]')];
}

function row(el: CcAgentBoard, id: string): HTMLTableRowElement {
  const found = shadow(el).querySelector<HTMLTableRowElement>(`tbody tr[data-agent="${id}"]`);
  if (!found) throw new Error(`no row for ${id}`);
  return found;
}

function rowButtons(el: CcAgentBoard, id: string): string[] {
  return [...row(el, id).querySelectorAll('button')].map(accessibleName);
}

function cellText(el: Element | null): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function focusedName(el: CcAgentBoard): string {
  const active = shadow(el).activeElement;
  return active ? accessibleName(active) : '';
}

function alertText(el: CcAgentBoard): string {
  return cellText(shadow(el).querySelector('[role="alert"] .error-text'));
}

function connectionText(el: CcAgentBoard): string {
  return cellText(part(el, 'connection'));
}

// ---- A Server-Sent Events endpoint behind a fetch stub ----

interface StubStream {
  readonly url: string;
  readonly headers: Headers;
  readonly signal: AbortSignal | null;
  push(text: string): void;
  end(): void;
}

function snapshotEvent(agents: readonly BoardAgent[], time = Date.now(), queues: unknown[] = []): string {
  return `event: snapshot\ndata: ${JSON.stringify({ time, agents, queues })}\n\n`;
}

const realFetch = window.fetch;

/**
 * Replaces fetch: each request gets what `respond` says for it (its number, from 0); `'stream'`
 * is a 200 event stream the test feeds through the returned list. An aborted request errors its
 * body, as a real one does.
 */
type Answer = 'stream' | Response | Error;

function stubFetch(respond: (n: number) => Answer | Promise<Answer> = () => 'stream'): StubStream[] {
  const streams: StubStream[] = [];
  let n = 0;
  window.fetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const answer = await respond(n++);
    if (answer instanceof Error) throw answer;
    if (answer !== 'stream') return answer;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const encoder = new TextEncoder();
    const signal = init?.signal ?? null;
    signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
    streams.push({
      url: String(input),
      headers: new Headers(init?.headers),
      signal,
      push: (text) => controller.enqueue(encoder.encode(text)),
      end: () => controller.close(),
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  }) as typeof fetch;
  return streams;
}

async function read(chunks: (string | Uint8Array)[]): Promise<[string, string][]> {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
  const events: [string, string][] = [];
  await readEventStream(body, (type, data) => events.push([type, data]));
  return events;
}

describe('<cc-agent-board>', () => {
  afterEach(() => {
    window.fetch = realFetch;
  });

  describe('the list', () => {
    it('is a table with column and row headers, talking agents first, then by id', async () => {
      const el = await mount();
      const table = part(el, 'table') as HTMLTableElement;
      expect(table.localName).to.equal('table');
      expect(cellText(table.querySelector('caption'))).to.equal('Agents');
      const headers = [...table.querySelectorAll('thead th')].map((th) => [th.getAttribute('scope'), cellText(th)]);
      expect(headers).to.deep.equal([
        ['col', 'Agent'],
        ['col', 'State'],
        ['col', 'Time in state'],
        ['col', 'Current call'],
        ['col', 'Monitored by'],
        ['col', 'Actions'],
      ]);
      expect(rows(el).map((r) => r.dataset['agent'])).to.deep.equal(['1001', '1006', '1002', '1003', '1004', '1005']);
      const alice = row(el, '1001');
      expect(alice.querySelector('th')!.getAttribute('scope')).to.equal('row');
      expect(cellText(alice.querySelector('th'))).to.equal('Alice (1001)');
      // A name without the id gets the id beside it.
      expect(cellText(row(el, '1005').querySelector('th'))).to.equal('Erin 1005');
      await expect(el).to.be.accessible();
    });

    it('shows state (with tone and break reason), time in state, the current call and who monitors it', async () => {
      const el = await mount();
      const state = (id: string): HTMLElement => row(el, id).querySelector('[part="state"]')!;
      expect([cellText(state('1001')), state('1001').dataset['tone']]).to.deep.equal(['Talking', 'busy']);
      expect([cellText(state('1002')), state('1002').dataset['tone']]).to.deep.equal(['Ready', 'ready']);
      expect([cellText(state('1003')), state('1003').dataset['tone']]).to.deep.equal(['Break Meal', 'away']);
      expect([cellText(state('1004')), state('1004').dataset['tone']]).to.deep.equal(['Offline', 'off']);
      expect([cellText(state('1005')), state('1005').dataset['tone']]).to.deep.equal(['After-call work', 'away']);
      expect(cellText(row(el, '1005').children[1]!)).to.contain('Softphone offline');
      expect(cellText(row(el, '1004').children[1]!)).not.to.contain('Softphone offline');
      expect(cellText(row(el, '1002').querySelector('[part="time"]'))).to.match(/^01:0[56]$/);
      expect(cellText(row(el, '1001').querySelector('[part="call"]'))).to.equal('13800000001 Sales');
      expect(cellText(row(el, '1002').querySelector('[part="call"]'))).to.equal('');
      expect(cellText(row(el, '1006').querySelector('[part="monitor"]'))).to.equal('1009 (whispering)');
      expect(cellText(row(el, '1001').querySelector('[part="monitor"]'))).to.equal('');
    });

    it('ticks the time in state once a second with one timer for the board', async () => {
      const el = await mount([agent({ agentId: '1002', name: 'Bob (1002)', state: 'ready', stateSince: Date.now() - 5_000 })]);
      const time = (): string => cellText(row(el, '1002').querySelector('[part="time"]'));
      expect(time()).to.equal('00:05');
      await waitUntil(() => time() === '00:06', `ticks, shows ${time()}`, { timeout: 2500 });
      await waitUntil(() => time() === '00:07', `ticks again, shows ${time()}`, { timeout: 2500 });
    });

    it('says "No agents" for an empty list and "Loading agents…" until the stream delivers', async () => {
      const el = await mount([]);
      expect(cellText(part(el, 'empty'))).to.equal('No agents');
      stubFetch(() => new Promise<Response>(() => undefined));
      const loading = await fixture<CcAgentBoard>(html`<cc-agent-board events="/api/events"></cc-agent-board>`);
      expect(cellText(part(loading, 'empty'))).to.equal('Loading agents…');
      expect(connectionText(loading)).to.equal('Connecting to the call center…');
      expect(part(loading, 'empty')!.getAttribute('colspan')).to.equal('5');
    });

    it('without a phone shows the list and no actions', async () => {
      const el = await mount(AGENTS, null);
      expect(rows(el)).to.have.length(AGENTS.length);
      expect(shadow(el).querySelectorAll('button')).to.have.length(0);
      expect([...shadow(el).querySelectorAll('thead th')].map(cellText)).not.to.include('Actions');
      await expect(el).to.be.accessible();
    });

    it('without a CTI API offers monitoring only, and only on agents in a call', async () => {
      const el = await mount(AGENTS, new FakePhone(false));
      expect(rowButtons(el, '1001')).to.deep.equal(['Listen to Alice (1001)', 'Whisper to Alice (1001)', 'Barge in on Alice (1001)']);
      for (const id of ['1002', '1003', '1004', '1005']) expect(rowButtons(el, id), id).to.deep.equal([]);
    });

    it("offers no monitoring with an agent's phone (one without monitor())", async () => {
      const phone = new FakePhone();
      Object.defineProperty(phone, 'monitor', { value: undefined });
      const el = await mount(AGENTS, phone);
      expect(rowButtons(el, '1001')).to.deep.equal(['Force break for Alice (1001)', 'Log out Alice (1001)']);
    });

    it('names every button after its action and agent', async () => {
      const el = await mount();
      expect(rowButtons(el, '1001')).to.deep.equal([
        'Listen to Alice (1001)',
        'Whisper to Alice (1001)',
        'Barge in on Alice (1001)',
        'Force break for Alice (1001)',
        'Log out Alice (1001)',
      ]);
      // In a call Ready means nothing (it only calls off a deferred break or log-out, below);
      // already ready: no Ready; already on break: no Break; offline: nothing to force.
      expect(rowButtons(el, '1002')).to.deep.equal(['Force break for Bob (1002)', 'Log out Bob (1002)']);
      expect(rowButtons(el, '1003')).to.deep.equal(['Make Carol (1003) ready', 'Log out Carol (1003)']);
      expect(rowButtons(el, '1004')).to.deep.equal([]);
      expect(rowButtons(el, '1005')).to.deep.equal(['Force break for Erin (1005)', 'Make Erin (1005) ready', 'Log out Erin (1005)']);
      // Every button has a name that contains its visible text (label in name).
      for (const b of shadow(el).querySelectorAll('button')) {
        expect(accessibleName(b).toLowerCase()).to.contain(cellText(b).toLowerCase());
      }
    });
  });

  describe('monitoring', () => {
    it('Listen, Whisper and Barge in start monitoring the agent through the phone', async () => {
      const phone = new FakePhone();
      const el = await mount(AGENTS, phone);
      for (const [name, mode] of [
        ['Listen to Alice (1001)', 'listen'],
        ['Whisper to Frank (1006)', 'whisper'],
        ['Barge in on Alice (1001)', 'barge'],
      ] as const) {
        button(el, name).click();
        await settle(el);
        expect(phone.log.at(-1)).to.deep.equal(['monitor', name.includes('Alice') ? '1001' : '1006', mode]);
      }
      expect(phone.log).to.have.length(3);
      // Not pressed buttons before the phone monitors anyone: plain actions.
      expect(button(el, 'Listen to Alice (1001)').hasAttribute('aria-pressed')).to.equal(false);
    });

    it('disables the monitor buttons while the request runs, and a second press sends nothing', async () => {
      const phone = new FakePhone();
      const pending = deferred();
      phone.reply['monitor'] = () => pending.promise;
      const el = await mount(AGENTS, phone);
      button(el, 'Listen to Alice (1001)').click();
      await settle(el);
      const monitorButtons = [...shadow(el).querySelectorAll<HTMLButtonElement>('button[data-action="listen"], button[data-action="whisper"], button[data-action="barge"]')];
      expect(monitorButtons.map((b) => b.getAttribute('aria-disabled'))).to.deep.equal(monitorButtons.map(() => 'true'));
      // Another agent's CTI actions are not held up by the phone's request.
      expect(button(el, 'Force break for Bob (1002)').getAttribute('aria-disabled')).to.equal(null);
      button(el, 'Whisper to Alice (1001)').click();
      button(el, 'Listen to Frank (1006)').click();
      await settle(el);
      expect(phone.log).to.deep.equal([['monitor', '1001', 'listen']]);
      pending.resolve();
      await settle(el);
      expect(button(el, 'Listen to Alice (1001)').getAttribute('aria-disabled')).to.equal(null);
    });

    it('on the agent being monitored: the mode shows pressed, switches with changeMonitorMode, Intercept and Stop', async () => {
      const phone = new FakePhone();
      const el = await mount(AGENTS, phone);
      phone.emit('status', { code: 21, lastCode: 3, context: { monitor: { agent: '1001', mode: 'listen', jobId: 'job-1', via: 'cti' } } });
      await settle(el);
      expect(rowButtons(el, '1001')).to.deep.equal([
        'Listen to Alice (1001)',
        'Whisper to Alice (1001)',
        'Barge in on Alice (1001)',
        "Intercept Alice (1001)'s call",
        'Stop monitoring Alice (1001)',
        'Force break for Alice (1001)',
        'Log out Alice (1001)',
      ]);
      const pressed = (): (string | null)[] =>
        ['Listen to Alice (1001)', 'Whisper to Alice (1001)', 'Barge in on Alice (1001)'].map((name) => button(el, name).getAttribute('aria-pressed'));
      expect(pressed()).to.deep.equal(['true', 'false', 'false']);
      // One phone monitors one call: the other agent in a call waits.
      expect(button(el, 'Listen to Frank (1006)').disabled).to.equal(true);

      button(el, 'Listen to Alice (1001)').click(); // the current mode: nothing to do
      button(el, 'Whisper to Alice (1001)').click();
      await settle(el);
      expect(phone.log).to.deep.equal([['changeMonitorMode', 'whisper']]);
      // The phone tells a mode change as a monitor fact (no new status code).
      phone.emit('monitor', { type: 'monitor', phase: 'change', monitor: { agent: '1001', mode: 'whisper', jobId: 'job-1', via: 'cti' } });
      await settle(el);
      expect(pressed()).to.deep.equal(['false', 'true', 'false']);

      button(el, "Intercept Alice (1001)'s call").click();
      await settle(el);
      button(el, 'Stop monitoring Alice (1001)').click();
      await settle(el);
      expect(phone.log.slice(1)).to.deep.equal([['intercept'], ['hangUp']]);

      phone.emit('monitor', { type: 'monitor', phase: 'end', monitor: { agent: '1001', mode: 'whisper', jobId: 'job-1', via: 'cti' } });
      phone.emit('status', { code: 3, lastCode: 21, context: { breakReason: null, call: null, consult: null } });
      await settle(el);
      expect(rowButtons(el, '1001')).not.to.include('Stop monitoring Alice (1001)');
      expect(button(el, 'Listen to Alice (1001)').hasAttribute('aria-pressed')).to.equal(false);
      expect(button(el, 'Listen to Frank (1006)').disabled).to.equal(false);
    });

    it('keeps focus in the row when the focused Stop button goes away', async () => {
      const phone = new FakePhone();
      const el = await mount(AGENTS, phone);
      phone.emit('status', { code: 21, lastCode: 3, context: { monitor: { agent: '1001', mode: 'barge' } } });
      await settle(el);
      const stop = button(el, 'Stop monitoring Alice (1001)');
      phone.reply['hangUp'] = async () => {
        phone.emit('status', { code: 3, lastCode: 21, context: { monitor: null } });
      };
      stop.focus();
      stop.click();
      await waitUntil(() => shadow(el).activeElement !== null && shadow(el).activeElement !== stop, 'focus moved', { timeout: 2000 });
      expect(accessibleName(shadow(el).activeElement!)).to.equal('Listen to Alice (1001)');
    });

    it('stops listening to the old phone when another one is set or the board is removed', async () => {
      const first = new FakePhone();
      const el = await mount(AGENTS, first);
      expect([first.listeners('status'), first.listeners('monitor')]).to.deep.equal([1, 1]);
      const second = new FakePhone();
      el.phone = second;
      await settle(el);
      expect([first.listeners('status'), first.listeners('monitor')]).to.deep.equal([0, 0]);
      expect(second.listeners('status')).to.equal(1);
      el.remove();
      expect(second.listeners('status')).to.equal(0);
    });
  });

  describe('agent state actions (CTI)', () => {
    it('Break, Ready and Log out (after confirming in the row) call the CTI API for that agent', async () => {
      const phone = new FakePhone();
      const el = await mount(AGENTS, phone);
      button(el, 'Force break for Bob (1002)').click();
      await settle(el);
      button(el, 'Make Carol (1003) ready').click();
      await settle(el);
      expect(phone.log).to.deep.equal([
        ['cti.call', 'TakeBreak', { UserId: '1002', BreakCode: 'supervisor' }],
        ['cti.call', 'ReadyForService', { UserId: '1003' }],
      ]);

      button(el, 'Log out Bob (1002)').click();
      await settle(el);
      expect(phone.log).to.have.length(2);
      expect(cellText(part(el, 'confirm'))).to.equal('Log out Bob (1002)? Log out Cancel');
      expect(rowButtons(el, '1002')).to.deep.equal(['Confirm: log out Bob (1002)', 'Cancel logging out Bob (1002)']);
      await waitUntil(() => focusedName(el) === 'Cancel logging out Bob (1002)', 'focus on Cancel', { timeout: 1000 });
      button(el, 'Confirm: log out Bob (1002)').click();
      await settle(el);
      expect(phone.log.at(-1)).to.deep.equal(['cti.call', 'SignOutGroup', { UserId: '1002' }]);
      expect(part(el, 'confirm')).to.equal(null);
    });

    it('Cancel and Escape leave the agent logged in and focus Log out again', async () => {
      const phone = new FakePhone();
      const el = await mount(AGENTS, phone);
      button(el, 'Log out Carol (1003)').click();
      await settle(el);
      button(el, 'Cancel logging out Carol (1003)').click();
      await waitUntil(() => focusedName(el) === 'Log out Carol (1003)', 'focus back on Log out', { timeout: 1000 });
      button(el, 'Log out Carol (1003)').click();
      await settle(el);
      part(el, 'confirm')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
      await settle(el);
      expect(part(el, 'confirm')).to.equal(null);
      expect(phone.log).to.deep.equal([]);
    });

    it('shows a break or log-out deferred to the end of the call, and offers Ready to call it off', async () => {
      const phone = new FakePhone();
      const talking = AGENTS.find((a) => a.agentId === '1001')!;
      const el = await mount(
        [
          { ...talking, pendingState: { state: 'break', breakReason: 'supervisor', by: '1009' } },
          { ...talking, agentId: '1007', name: 'Gina (1007)', pendingState: { state: 'offline', breakReason: null, by: '1009' } },
        ],
        phone,
      );
      expect(cellText(row(el, '1001').children[1]!)).to.equal('Talking Break after this call (1009)');
      expect(cellText(row(el, '1007').children[1]!)).to.equal('Talking Log out after this call (1009)');
      expect(rowButtons(el, '1001').slice(3)).to.deep.equal(['Make Alice (1001) ready', 'Log out Alice (1001)']);
      expect(rowButtons(el, '1007').slice(3)).to.deep.equal(['Force break for Gina (1007)', 'Make Gina (1007) ready']);
      button(el, 'Make Gina (1007) ready').click();
      await settle(el);
      expect(phone.log).to.deep.equal([['cti.call', 'ReadyForService', { UserId: '1007' }]]);
      el.setAttribute('lang', 'zh-CN');
      await settle(el);
      expect(cellText(row(el, '1001').children[1]!)).to.equal('通话中 通话结束后小休（1009）');
    });

    it("disables only that agent's state buttons while its request runs", async () => {
      const phone = new FakePhone();
      const pending = deferred();
      phone.reply['cti.call'] = () => pending.promise;
      const el = await mount(AGENTS, phone);
      button(el, 'Force break for Bob (1002)').click();
      await settle(el);
      expect(button(el, 'Force break for Bob (1002)').getAttribute('aria-disabled')).to.equal('true');
      expect(button(el, 'Log out Bob (1002)').getAttribute('aria-disabled')).to.equal('true');
      expect(button(el, 'Make Carol (1003) ready').getAttribute('aria-disabled')).to.equal(null);
      button(el, 'Force break for Bob (1002)').click();
      await settle(el);
      expect(phone.log).to.have.length(1);
      pending.resolve();
      await settle(el);
      expect(button(el, 'Force break for Bob (1002)').getAttribute('aria-disabled')).to.equal(null);
    });
  });

  describe('refusals', () => {
    it('shows a refused CTI action in the alert line, naming the action and the agent', async () => {
      const phone = new FakePhone();
      phone.reply['cti.call'] = () =>
        Promise.reject(Object.assign(new Error('x'), { errorCode: 7200, errorMsg: 'TakeBreak: The agent is busy.', apiCode: 'CurrentStateIsBusy' }));
      const el = await mount(AGENTS, phone);
      expect(alertText(el)).to.equal('');
      button(el, 'Force break for Alice (1001)').click();
      await waitUntil(() => alertText(el) !== '', 'the alert', { timeout: 2000 });
      expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
      expect(alertText(el)).to.equal('Force break for Alice (1001) failed: TakeBreak: The agent is busy. (7200)');
      button(el, 'Dismiss error').click();
      await settle(el);
      expect(alertText(el)).to.equal('');
    });

    it('shows a refused monitor command, and the next action clears it', async () => {
      const phone = new FakePhone();
      phone.reply['monitor'] = () => Promise.reject({ errorCode: 9001, errorMsg: 'The current state cannot perform this operation' });
      const el = await mount(AGENTS, phone);
      button(el, 'Barge in on Frank (1006)').click();
      await waitUntil(() => alertText(el) !== '', 'the alert', { timeout: 2000 });
      expect(alertText(el)).to.equal('Barge in on Frank (1006) failed: The current state cannot perform this operation (9001)');
      button(el, 'Make Carol (1003) ready').click();
      await settle(el);
      expect(alertText(el)).to.equal('');
    });
  });

  describe('languages and width', () => {
    it('speaks Chinese with lang="zh-CN" and follows a lang change', async () => {
      const phone = new FakePhone();
      const el = await mount(AGENTS, phone, 'zh-CN');
      expect([...shadow(el).querySelectorAll('thead th')].map(cellText)).to.deep.equal(['坐席', '状态', '状态时长', '当前通话', '监控人', '操作']);
      expect(cellText(row(el, '1003').querySelector('[part="state"]'))).to.equal('小休 用餐');
      expect(cellText(row(el, '1006').querySelector('[part="monitor"]'))).to.equal('1009（密语）');
      expect(rowButtons(el, '1001')).to.deep.equal([
        '监听 Alice (1001)',
        '对 Alice (1001) 密语',
        '强插 Alice (1001) 的通话',
        '强制 Alice (1001) 小休',
        '强制 Alice (1001) 签出',
      ]);
      phone.emit('status', { code: 21, lastCode: 3, context: { monitor: { agent: '1001', mode: 'listen' } } });
      button(el, '强制 Bob (1002) 签出').click();
      await settle(el);
      expect(rowButtons(el, '1001')).to.include.members(['拦截 Alice (1001) 的通话', '停止监听 Alice (1001)']);
      expect(rowButtons(el, '1002')).to.deep.equal(['确认强制 Bob (1002) 签出', '取消签出 Bob (1002)']);
      phone.reply['cti.call'] = () => Promise.reject({ errorCode: 7200, errorMsg: 'refused' });
      button(el, '强制 Carol (1003) 置闲').click();
      await waitUntil(() => alertText(el) !== '', 'the alert', { timeout: 2000 });
      expect(alertText(el)).to.equal('强制 Carol (1003) 置闲失败：refused (7200)');
      for (const b of shadow(el).querySelectorAll('button')) expect(accessibleName(b)).to.contain(cellText(b));
      el.setAttribute('lang', 'en');
      await waitUntil(() => cellText(shadow(el).querySelector('thead th')) === 'Agent', 'English again', { timeout: 1000 });
      await expect(el).to.be.accessible();
    });

    for (const lang of ['en', 'zh-CN']) {
      it(`fits 320px (${lang}): the table scrolls inside the board, the agent column stays, messages wrap`, async () => {
        const phone = new FakePhone();
        phone.reply['cti.call'] = () => Promise.reject({ errorCode: 7200, errorMsg: 'A long explanation of why the call center refused this request.' });
        const wrapper = await fixture<HTMLDivElement>(html`<div style="inline-size: 320px">
          <cc-agent-board lang=${lang} .agents=${AGENTS} .phone=${phone}></cc-agent-board>
        </div>`);
        const el = wrapper.querySelector('cc-agent-board')!;
        await settle(el);
        (shadow(el).querySelector('tr[data-agent="1002"] button[data-action="forceBreak"]') as HTMLButtonElement).click();
        await waitUntil(() => alertText(el) !== '', 'the alert', { timeout: 2000 });
        const box = wrapper.getBoundingClientRect();
        expect(el.getBoundingClientRect().width).to.be.at.most(320);
        expect(part(el, 'error')!.getBoundingClientRect().right).to.be.at.most(box.right);
        const scroll = shadow(el).querySelector<HTMLElement>('.scroll')!;
        expect(scroll.scrollWidth).to.be.above(scroll.clientWidth); // the actions are reachable by scrolling
        scroll.scrollLeft = scroll.scrollWidth;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const last = [...row(el, '1001').querySelectorAll('button')].at(-1)!;
        expect(last.getBoundingClientRect().right).to.be.at.most(scroll.getBoundingClientRect().right + 1);
        // Scrolled to the end, the agent's name is still in view (sticky column).
        const name = row(el, '1001').querySelector('th')!.getBoundingClientRect();
        expect(name.left).to.be.at.least(scroll.getBoundingClientRect().left - 1);
        expect(document.documentElement.scrollWidth).to.be.at.most(window.innerWidth);
      });
    }
  });

  describe('the live stream', () => {
    it('reads snapshots with fetch and the headers, shows them live and fires cc-board-snapshot with the queues', async () => {
      const streams = stubFetch();
      const el = await fixture<CcAgentBoard>(html`<cc-agent-board events="/api/events"></cc-agent-board>`);
      el.eventsHeaders = { Authorization: 'Bearer t0k3n' };
      await waitUntil(() => streams.length === 2, 'reconnected with the headers', { timeout: 2000 });
      expect(streams[0]!.signal!.aborted).to.equal(true);
      const stream = streams[1]!;
      expect(stream.url).to.equal('/api/events');
      expect(stream.headers.get('Authorization')).to.equal('Bearer t0k3n');
      expect(stream.headers.get('Accept')).to.equal('text/event-stream');
      const fired = oneEvent(el, 'cc-board-snapshot') as Promise<CcBoardSnapshotEvent>;
      const queues = [{ id: 'sales', name: 'Sales', waiting: 2 }];
      stream.push(`retry: 2000\n\n: heartbeat\n\n${snapshotEvent(AGENTS, Date.now(), queues)}`);
      const event = await fired;
      expect(event.detail.queues).to.deep.equal(queues);
      expect(event.detail.agents.map((a) => a.agentId)).to.have.members(AGENTS.map((a) => a.agentId));
      expect(event.bubbles && event.composed).to.equal(true);
      await settle(el);
      expect(rows(el)).to.have.length(AGENTS.length);
      expect(connectionText(el)).to.equal('Live');
      expect(el.matches(':state(live)')).to.equal(true);
      el.remove();
      expect(stream.signal!.aborted).to.equal(true);
    });

    it("counts time in state from the call center's clock", async () => {
      const streams = stubFetch();
      const el = await fixture<CcAgentBoard>(html`<cc-agent-board events="/api/events"></cc-agent-board>`);
      await waitUntil(() => streams.length === 1, 'connected', { timeout: 2000 });
      // The call center's clock is an hour ahead: 10 s in state by its clock, not an hour and 10 s.
      const centerNow = Date.now() + 3_600_000;
      streams[0]!.push(snapshotEvent([agent({ agentId: '1002', name: 'Bob (1002)', state: 'ready', stateSince: centerNow - 10_000 })], centerNow));
      await waitUntil(() => rows(el).length === 1, 'the row', { timeout: 2000 });
      expect(cellText(row(el, '1002').querySelector('[part="time"]'))).to.match(/^00:1[01]$/);
    });

    it('ignores what is not a snapshot: other events, bad JSON, agents without an id', async () => {
      const streams = stubFetch();
      const el = await fixture<CcAgentBoard>(html`<cc-agent-board events="/api/events"></cc-agent-board>`);
      await waitUntil(() => streams.length === 1, 'connected', { timeout: 2000 });
      streams[0]!.push('event: other\ndata: {"agents":[]}\n\nevent: snapshot\ndata: {not json\n\nevent: snapshot\ndata: {"time":1}\n\n');
      const agents = [
        { name: 'nobody' },
        { agentId: '1002', state: 'ready' },
        // Today's call center: an outbound call has no queue, a ringing one no since, an intercepting supervisor's mode is intercept.
        {
          agentId: '1001',
          name: 'Alice (1001)',
          state: 'talking',
          stateSince: Date.now(),
          registered: true,
          queues: ['Sales'],
          callId: 'job-9',
          pendingState: { state: 'offline', breakReason: null, by: '1009', since: Date.now() },
          call: { jobId: 'job-9', caller: '13900000009', queue: null, queueId: null, direction: 'outbound', since: null, monitor: { supervisorId: '1009', mode: 'intercept' } },
        },
      ];
      streams[0]!.push(`event: snapshot\ndata: ${JSON.stringify({ time: Date.now(), agents, queues: [] })}\n\n`);
      await waitUntil(() => rows(el).length > 0, 'the valid snapshot', { timeout: 2000 });
      expect(rows(el).map((r) => r.dataset['agent'])).to.deep.equal(['1001', '1002']);
      expect(cellText(row(el, '1002').querySelector('[part="state"]'))).to.equal('Ready');
      expect(cellText(row(el, '1001').querySelector('[part="call"]'))).to.equal('13900000009');
      expect(cellText(row(el, '1001').querySelector('[part="monitor"]'))).to.equal('1009 (intercepting)');
      expect(cellText(row(el, '1001').children[1]!)).to.equal('Talking Log out after this call (1009)');
    });

    it('says the connection is lost, stops the clock, reconnects and says it is restored', async () => {
      const gate = deferred();
      // The reconnection waits until the test lets it through.
      const streams = stubFetch((n) => (n === 1 ? gate.promise.then(() => 'stream' as const) : 'stream'));
      const el = await fixture<CcAgentBoard>(html`<cc-agent-board events="/api/events"></cc-agent-board>`);
      await waitUntil(() => streams.length === 1, 'connected', { timeout: 2000 });
      streams[0]!.push(`retry: 5\n\n${snapshotEvent([agent({ agentId: '1002', name: 'Bob (1002)', state: 'ready', stateSince: Date.now() - 3_000 })])}`);
      await waitUntil(() => connectionText(el) === 'Live', 'live', { timeout: 2000 });
      streams[0]!.end();
      await waitUntil(() => connectionText(el) === 'Connection lost. Reconnecting…', `lost, says "${connectionText(el)}"`, { timeout: 2000 });
      expect(el.matches(':state(lost)')).to.equal(true);
      const time = (): string => cellText(row(el, '1002').querySelector('[part="time"]'));
      const frozen = time();
      await new Promise((resolve) => setTimeout(resolve, 1300));
      expect(time()).to.equal(frozen);
      gate.resolve();
      await waitUntil(() => streams.length === 2, 'reconnected', { timeout: 2000 });
      streams[1]!.push(snapshotEvent([agent({ agentId: '1002', name: 'Bob (1002)', state: 'break', stateSince: Date.now() - 1_000 })]));
      await waitUntil(() => connectionText(el) === 'Connection restored', `restored, says "${connectionText(el)}"`, { timeout: 2000 });
      expect(cellText(row(el, '1002').querySelector('[part="state"]'))).to.equal('Break');
      await waitUntil(() => time() === '00:02', `ticks again, shows ${time()}`, { timeout: 2500 });
    });

    it('gives up after 8 reconnections in a row; Reconnect, or the network coming back, tries again', async () => {
      let requests = 0;
      const streams = stubFetch((n) => {
        requests += 1;
        return n === 0 || n === 9 || n === 18 ? 'stream' : new TypeError('Failed to fetch');
      });
      const el = await fixture<CcAgentBoard>(html`<cc-agent-board events="/api/events"></cc-agent-board>`);
      await waitUntil(() => streams.length === 1, 'connected', { timeout: 2000 });
      streams[0]!.push(`retry: 1\n\n${snapshotEvent(AGENTS)}`);
      await waitUntil(() => connectionText(el) === 'Live', 'live', { timeout: 2000 });
      streams[0]!.end();
      await waitUntil(() => el.matches(':state(stopped)'), `stopped after ${requests} requests`, { timeout: 5000 });
      expect(requests).to.equal(9); // the first connection and 8 reconnections
      expect(connectionText(el)).to.equal('Connection lost. Live updates stopped.');
      expect(rows(el)).to.have.length(AGENTS.length); // the last list stays
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(requests).to.equal(9);
      button(el, 'Reconnect').click();
      await waitUntil(() => streams.length === 2, 'reconnected', { timeout: 2000 });
      expect(connectionText(el)).to.equal('Connecting to the call center…');
      streams[1]!.push(snapshotEvent(AGENTS));
      await waitUntil(() => connectionText(el) === 'Connection restored', `restored, says "${connectionText(el)}"`, { timeout: 2000 });
      expect(buttonNames(el)).not.to.include('Reconnect');
      // Down again, given up again: the browser's online event starts over without a click.
      streams[1]!.end();
      await waitUntil(() => el.matches(':state(stopped)'), `stopped again after ${requests} requests`, { timeout: 5000 });
      expect(requests).to.equal(18);
      window.dispatchEvent(new Event('online'));
      await waitUntil(() => streams.length === 3, 'reconnected when online', { timeout: 2000 });
    });

    it('stops at once when the stream is refused (401), until new headers come', async () => {
      let requests = 0;
      const streams = stubFetch(() => {
        requests += 1;
        return requests === 1 ? new Response('{"Code":"Unauthorized"}', { status: 401 }) : 'stream';
      });
      const el = await fixture<CcAgentBoard>(html`<cc-agent-board events="/api/events"></cc-agent-board>`);
      await waitUntil(() => el.matches(':state(refused)'), 'refused', { timeout: 2000 });
      expect(connectionText(el)).to.equal('The call center refused the live updates (HTTP 401).');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(requests).to.equal(1);
      el.eventsHeaders = { Authorization: 'Bearer new' };
      await waitUntil(() => streams.length === 1, 'reconnected with the new token', { timeout: 2000 });
      expect(streams[0]!.headers.get('Authorization')).to.equal('Bearer new');
    });

    it('a host may set agents itself: no request is made', async () => {
      let requests = 0;
      stubFetch(() => {
        requests += 1;
        return 'stream';
      });
      const el = await mount();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requests).to.equal(0);
      expect(part(el, 'connection')).to.equal(null);
      expect(rows(el)).to.have.length(AGENTS.length);
    });
  });

  describe('readEventStream', () => {
    it('dispatches events at blank lines, joining data lines, across any chunking', async () => {
      expect(await read(['event: snapshot\ndata: {"a":\ndata: 1}\n\n'])).to.deep.equal([['snapshot', '{"a":\n1}']]);
      expect(await read(['event: snap', 'shot\r', '\ndata: x\r\n', '\r\n', 'data:y\n\n'])).to.deep.equal([
        ['snapshot', 'x'],
        ['message', 'y'],
      ]);
    });

    it('skips comments and events without data, reports retry, and keeps characters split across chunks', async () => {
      const bytes = new TextEncoder().encode('data: 坐席\n\n');
      const retries: number[] = [];
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(': heartbeat\n\nevent: snapshot\n\nretry: 1500\nretry: soon\n\n'));
          controller.enqueue(bytes.slice(0, 8));
          controller.enqueue(bytes.slice(8));
          controller.enqueue(encoder.encode('data: unterminated'));
          controller.close();
        },
      });
      const events: [string, string][] = [];
      await readEventStream(body, (type, data) => events.push([type, data]), (ms) => retries.push(ms));
      expect(events).to.deep.equal([['message', '坐席']]);
      expect(retries).to.deep.equal([1500]);
    });
  });
});
