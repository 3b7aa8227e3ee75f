// Issue 10, "Must hold": what a call-center floor needs, seen end to end in Chromium against the
// dev call center (demo/callcenter, started by web-test-runner.config.mjs for this group with the
// default demo/callcenter/queues.json: a queue rings an agent for 15 s, retryAgentSeconds 5).
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import type { CcEventMap } from '../../src/events/event-map.js';
import { sleep, waitFor } from '../support/e2e.js';
import {
  agentState,
  callRecordCount,
  customers,
  liveSnapshot,
  mountCtiAgent,
  queueFigures,
  serverState,
} from '../support/center.js';
import type { CustomerView } from '../support/center.js';
import { EVENT_TYPES } from '../elements/helpers.js';

/** The queues' ring time in the test call center (queues.json `ringTimeoutSeconds`). */
const QUEUE_RING_MS = 15_000;
/** How long the ACD skips an agent after a failed offer (acd.mjs default), plus its 2 s re-offer period. */
const RETRY_AGENT_MS = 5_000 + 2_000;

type CcEventName = (typeof EVENT_TYPES)[number];

interface Agent {
  readonly el: CcWorkbench;
  readonly id: string;
  /** Every cc-* event of this workbench, in order. */
  of<K extends CcEventName>(type: K): CcEventMap[K][];
  code(): number;
}

const mounted: HTMLElement[] = [];
/** Undo functions of the window stubs a test installed (AudioContext, Notification, document.hidden). */
const restores: (() => void)[] = [];

/** A workbench in CTI mode against the dev call center, registered, logged in and ready. */
async function readyAgent(id: string): Promise<Agent> {
  const events: Event[] = [];
  const el = await mountCtiAgent(id, {}, (el) => {
    mounted.push(el);
    for (const type of EVENT_TYPES) el.addEventListener(type, (e) => events.push(e));
  });
  return {
    el,
    id,
    of: <K extends CcEventName>(type: K) => events.filter((e) => e.type === type) as CcEventMap[K][],
    code: () => el.getStatusCode().code,
  };
}

/** Every element matching `selector` in `root` and in the shadow roots below it. */
function deepAll(root: ParentNode, selector: string): Element[] {
  const found = [...root.querySelectorAll(selector)];
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...deepAll(el.shadowRoot, selector));
  return found;
}

/** The workbench's part `name`, wherever an inner element renders it; null when not rendered. */
function part(agent: Agent, name: string): HTMLElement | null {
  return (deepAll(agent.el.shadowRoot!, `[part~="${name}"]`)[0] as HTMLElement | undefined) ?? null;
}

/** Visible text of an element, whitespace collapsed. */
const textOf = (el: Element | null): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** A customer calls the queue and is queued (182 with queue music) or already with an agent. */
async function placeCall(from: string, queueId = 'sales'): Promise<CustomerView> {
  const customer = await customers.place(from, queueId);
  return customers.until(customer.id, (c) => c.state === 'queued' || c.state === 'ringing' || c.state === 'talking', 'queued');
}

/** `agent` rings with the call of `from` (at most `timeoutMs`), then answers it. */
async function ringsAndAnswers(agent: Agent, from: string, timeoutMs = QUEUE_RING_MS): Promise<void> {
  await waitFor(() => agent.code() === STATUS.ringing, `${agent.id} ringing`, timeoutMs).catch(async (error: unknown) => {
    // Say where the call and the agent are, so a failure reads without a rerun.
    const seen = await Promise.all([agentState(agent.id), queueFigures('sales'), customers.list()]).catch((e: unknown) => String(e));
    throw new Error(`${String(error)}; ${agent.id} status ${agent.code()}, call center: ${JSON.stringify(seen)}`);
  });
  expect(agent.of('cc-call-incoming').at(-1)!.detail.caller).to.equal(from);
  await agent.el.answer();
  expect(agent.code()).to.equal(STATUS.inboundTalk);
}

describe('<cc-workbench> on a call-center floor (dev call center: RONA, presence, call context, messages, alerts)', () => {
  afterEach(async () => {
    for (const restore of restores.splice(0).reverse()) restore();
    await customers.hangUpAll();
    for (const el of mounted.splice(0)) el.remove();
    // The phones are destroyed one task after removal; their sockets close, the agents go offline.
    await sleep(500);
  });

  it('redirects an unanswered queue call (RONA): the first agent goes to break missed, the next one rings, and the absent agent is not rung again until ready', async function () {
    // Two ring periods and two retry periods: longer than the 30 s default timeout (web-test-runner
    // ignores the group's own testFramework timeout).
    this.timeout(2 * QUEUE_RING_MS + 2 * RETRY_AGENT_MS + 20_000);
    const a = await readyAgent('1001');
    const b = await readyAgent('1002');
    const caller = '13800000021';
    const customer = await placeCall(caller);
    // The ACD offers the longest-idle agent first; either may be offered, the test follows the call.
    const first = await waitFor(() => [a, b].find((x) => x.code() === STATUS.ringing), 'one agent ringing', QUEUE_RING_MS);
    const second = first === a ? b : a;
    expect(first.of('cc-call-incoming')).to.have.length(1);
    expect(second.of('cc-call-incoming'), 'one agent at a time').to.have.length(0);

    // Nobody answers: after the queue's ring time the call is redirected.
    const released = await waitFor(
      () => first.of('cc-call-released').find((e) => e.detail.missed),
      `${first.id}: cc-call-released with missed: true after the queue's ring time`,
      QUEUE_RING_MS + 5_000,
    );
    expect(released.detail.caller).to.equal(caller);
    await waitFor(() => first.code() === STATUS.break, `${first.id} on break`, 5_000);
    const toBreak = first.of('cc-status-change').filter((e) => e.detail.code === STATUS.break);
    expect(toBreak.at(-1)!.detail.context.breakReason, 'break reason of the status change').to.equal('missed');
    await first.el.updateComplete;
    await waitFor(() => textOf(part(first, 'missed')).includes(`Missed call from`), `${first.id}: missed-call notice`, 3_000);
    expect(textOf(part(first, 'missed'))).to.contain(caller);
    const firstAtCenter = await waitFor(async () => {
      const row = await agentState(first.id);
      return row.State === 'Break' ? row : null;
    }, `${first.id} on break at the call center`, 5_000);
    expect(firstAtCenter.StateCode).to.equal('missed');

    // The next ready agent rings at once with the same caller, and answers.
    await ringsAndAnswers(second, caller, 5_000);
    await customers.until(customer.id, (c) => c.state === 'talking', 'talking to the second agent');

    // A second caller: the second agent is busy, the first on break missed: nobody is offered it,
    // for longer than the ACD's retry period (which would bring back an agent without CTI).
    const caller2 = '13800000022';
    const customer2 = await placeCall(caller2);
    const until = Date.now() + RETRY_AGENT_MS + 1_000;
    while (Date.now() < until) {
      expect(first.of('cc-call-incoming'), `${first.id} rung again while on break missed`).to.have.length(1);
      expect(first.code()).to.equal(STATUS.break);
      await sleep(250);
    }
    expect((await customers.get(customer2.id)).state, 'the second caller waits in the queue').to.equal('queued');
    expect((await queueFigures('sales')).waiting).to.equal(1);

    // Ready again: the waiting call is offered to the first agent at once. The ACD's INVITE may
    // overtake the HTTP answer to ReadyForService; the workbench rings then too (no 486).
    await first.el.ready();
    await ringsAndAnswers(first, caller2, 3_000);
    expect(first.of('cc-call-incoming')).to.have.length(2);
    await customers.until(customer2.id, (c) => c.state === 'talking', 'second caller talking');
  });

  it('takes an agent whose page closed offline at once for routing, counts and transfer lists', async () => {
    // 1002 ready, 1001 on a queue call (so 1001's card shows the transfer targets).
    const bob = await readyAgent('1002');
    await bob.el.applyForBreak('meeting');
    const alice = await readyAgent('1001');
    await placeCall('13800000023');
    await ringsAndAnswers(alice, '13800000023');
    await bob.el.ready();
    await waitFor(async () => (await serverState('1002')) === 'Ready', '1002 ready');

    // Before: everyone counts 1002 as ready, and 1001's transfer list offers it as Ready.
    expect(await queueFigures('sales')).to.include({ readyAgents: 1, availableAgents: 1 });
    const bobOption = (): string => textOf(deepAll(alice.el.shadowRoot!, 'datalist#transfer-targets option[value="1002"]')[0] ?? null);
    /** Presses the list's refresh button and waits for 1002's entry to read `expected`. */
    const refreshUntil = async (expected: string): Promise<void> => {
      const button = await waitFor(
        () => deepAll(alice.el.shadowRoot!, '[part~="transfer-targets"] button.refresh')[0] as HTMLButtonElement | undefined,
        '1001: the transfer list refresh button',
      );
      button.click();
      await waitFor(() => bobOption() === expected, `1001's transfer list, refreshed, says "${expected}" (last: "${bobOption()}")`, 3_000);
    };
    // Loaded when the call card appeared (1002 on break then); a refresh shows 1002 ready.
    await waitFor(() => bobOption() !== '', "1001's transfer list loaded");
    await refreshUntil('Bob (1002) · Ready');

    // The page of 1002 closes: the element leaves the DOM for longer than its one-task grace, the
    // phone is destroyed and its WebSocket closed (what closing a tab does to the socket).
    const closedAt = performance.now();
    bob.el.remove();
    const offline = await waitFor(async () => {
      const row = await agentState('1002');
      return row.State === 'Offline' && !row.Registered ? row : null;
    }, '1002 offline and not registered in ListRealtimeAgentStates', 3_000, 20);
    const detectedMs = Math.round(performance.now() - closedAt);
    console.log(`closed agent page: 1002 offline at the call center after ${detectedMs} ms`);
    expect(offline.State).to.equal('Offline');

    // Counts: not ready, not offerable; the supervisor's pushed snapshot agrees.
    expect(await queueFigures('sales')).to.include({ readyAgents: 0, availableAgents: 0 });
    const snapshot = await liveSnapshot(
      (s) => s.agents.some((x) => x.agentId === '1002' && x.state === 'offline' && !x.registered),
      '1002 offline and not registered',
    );
    expect(snapshot.queues.find((q) => q.id === 'sales')).to.include({ readyAgents: 0, availableAgents: 0 });

    // 1001's transfer list, refreshed, no longer offers 1002 as Ready.
    await refreshUntil('Bob (1002) · Offline');
    expect(textOf(part(alice, 'transfer-targets'))).to.match(/^0 of \d+ agents ready/);

    // Routing: a new caller is not offered to 1002 (an offer to its dead binding would fail and,
    // for a CTI agent, return it to Ready); it waits, as 1001 is busy.
    const waiting = await placeCall('13800000024');
    await sleep(RETRY_AGENT_MS - 2_000);
    expect((await customers.get(waiting.id)).state).to.equal('queued');
    const sales = await queueFigures('sales');
    expect(sales.waiting).to.equal(1);
    expect(sales.calls[0]?.offeredTo ?? null, 'the waiting call is offered to nobody').to.equal(null);
    expect((await agentState('1002')).State).to.equal('Offline');
  });

  it("carries the queue's name and the transferring agent to the call card and cc-call-incoming", async () => {
    const bob = await readyAgent('1002');
    await bob.el.applyForBreak('meeting');
    const alice = await readyAgent('1001');
    await placeCall('13800000025');
    await waitFor(() => alice.code() === STATUS.ringing, '1001 ringing', QUEUE_RING_MS);
    const incoming = alice.of('cc-call-incoming').at(-1)!.detail;
    expect(incoming).to.include({ caller: '13800000025', queue: 'sales', queueName: 'Sales', referredBy: '' });
    await alice.el.updateComplete;
    await waitFor(() => part(alice, 'call-origin'), '1001: call-origin part');
    expect(textOf(part(alice, 'call-origin'))).to.equal('Sales');
    await alice.el.answer();

    await bob.el.ready();
    await waitFor(async () => (await serverState('1002')) === 'Ready', '1002 ready');
    const transferring = alice.el.transfer('1002');
    await waitFor(() => bob.code() === STATUS.ringing, '1002 rings with the transferred call', QUEUE_RING_MS);
    const transferred = bob.of('cc-call-incoming').at(-1)!.detail;
    expect(transferred).to.include({ caller: '13800000025', referredBy: '1001', queue: 'sales', queueName: 'Sales' });
    await waitFor(() => textOf(part(bob, 'call-origin')).includes('Transferred by 1001'), '1002: "Transferred by 1001" on the card', 3_000);
    expect(textOf(part(bob, 'call-origin'))).to.equal('Sales · Transferred by 1001');
    await bob.el.answer();
    await transferring;
    expect(alice.code()).to.equal(STATUS.afterCall);
  });

  it('clears an error banner once the next call is answered', async () => {
    const alice = await readyAgent('1001');
    // 1099 is nobody: the call center answers 404.
    const failure = await alice.el.call('1099').then(
      () => null,
      (e: unknown) => e as { errorCode?: number; errorMsg?: string },
    );
    expect(failure?.errorCode).to.equal(ERROR.callFailed);
    await alice.el.updateComplete;
    const banner = await waitFor(() => part(alice, 'error'), 'error banner');
    expect(textOf(banner)).to.contain(String(ERROR.callFailed));
    // A call that never connected leaves the agent ready: nothing the agent does clears the banner.
    await waitFor(() => alice.code() === STATUS.ready, '1001 ready after the failed call', 3_000);
    await sleep(500);
    await alice.el.updateComplete;
    expect(part(alice, 'error'), 'the banner is still there before the next call').to.not.equal(null);
    expect(textOf(part(alice, 'error'))).to.contain(String(ERROR.callFailed));

    await placeCall('13800000026');
    await ringsAndAnswers(alice, '13800000026');
    await waitFor(() => part(alice, 'error') === null, 'error banner gone after the answered call', 3_000);
  });

  it('never lets garbage reach SIP: the keypad refuses it, call() rejects with 7101, no INVITE leaves the page', async () => {
    const alice = await readyAgent('1001');
    const recordsBefore = await callRecordCount('1001');
    // Every SIP message the page sends, from now on.
    const sent: string[] = [];
    const originalSend = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (typeof data === 'string') sent.push(data);
      return originalSend.call(this, data);
    };
    restores.push(() => (WebSocket.prototype.send = originalSend));

    await alice.el.updateComplete;
    const input = await waitFor(
      () => alice.el.shadowRoot!.querySelector('cc-dialpad')?.shadowRoot?.querySelector<HTMLInputElement>('input[part~="input"]'),
      'the keypad number field',
    );
    input.focus();
    await sendKeys({ type: 'abc!!@@' });
    const pad = input.getRootNode() as ShadowRoot;
    const callButton = pad.querySelector<HTMLButtonElement>('[part~="call-button"]')!;
    await waitFor(() => textOf(pad.querySelector('[part~="number-error"]')) === 'Enter a valid number', '"Enter a valid number" in the field');
    expect(input.value).to.equal('abc!!@@');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(callButton.disabled, 'Call stays disabled').to.equal(true);
    // Enter submits the keypad's form: still nothing is dialled.
    await sendKeys({ press: 'Enter' });

    const refused = await alice.el.call('abc!!@@').then(
      () => null,
      (e: unknown) => e as { errorCode?: number; errorMsg?: string },
    );
    expect(refused?.errorCode).to.equal(ERROR.invalidArgument);
    await sleep(1_000);
    expect(alice.of('cc-dial-request'), 'no dial request').to.have.length(0);
    expect(alice.of('cc-call-dialing'), 'no call dialled').to.have.length(0);
    expect(sent.filter((m) => m.startsWith('INVITE ')), 'no INVITE sent').to.have.length(0);
    expect(alice.code()).to.equal(STATUS.ready);
    expect(await callRecordCount('1001'), 'no call record at the call center').to.equal(recordsBefore);

    // The same page still dials a valid number (proves the spy would have seen an INVITE).
    const dialing = alice.el.call('1099').catch(() => undefined);
    await waitFor(() => sent.some((m) => m.startsWith('INVITE sip:1099@')), 'an INVITE for a valid number', 5_000);
    await dialing;
  });

  it('rings audibly while a call rings and is silent once answered (output level measured in the page)', async () => {
    // Taps every AudioContext's output: `destination` is a gain node that feeds an analyser and
    // the real destination, so the ringtone's graph is measured without changing it.
    const analysers: AnalyserNode[] = [];
    const Original = window.AudioContext;
    class TappedAudioContext extends Original {
      private tap: GainNode | null = null;
      override get destination(): AudioDestinationNode {
        if (!this.tap) {
          const tap = new GainNode(this);
          const analyser = new AnalyserNode(this, { fftSize: 2048 });
          tap.connect(analyser).connect(super.destination);
          analysers.push(analyser);
          this.tap = tap;
        }
        return this.tap as unknown as AudioDestinationNode;
      }
    }
    window.AudioContext = TappedAudioContext;
    restores.push(() => (window.AudioContext = Original));
    const level = (): number => {
      let max = 0;
      for (const analyser of analysers) {
        const samples = new Float32Array(analyser.fftSize);
        analyser.getFloatTimeDomainData(samples);
        max = Math.max(max, Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length));
      }
      return max;
    };

    const alice = await readyAgent('1001');
    await placeCall('13800000027');
    await waitFor(() => alice.code() === STATUS.ringing, '1001 ringing', QUEUE_RING_MS);
    // The ring cadence is 2 s on, 4 s off from the first ring: it sounds within one 6 s period.
    const ringing = await waitFor(() => {
      const rms = level();
      return rms > 0.05 ? rms : null;
    }, 'the ringtone is audible (RMS > 0.05)', 7_000, 20);
    console.log(`ringtone RMS while ringing: ${ringing.toFixed(3)}`);
    expect(part(alice, 'notice'), 'no "enable sound" prompt: the sound was not blocked').to.equal(null);

    await alice.el.answer();
    // The analyser's window (2048 frames, ~43 ms) still holds the last ringing samples for a moment.
    await sleep(100);
    // Silent for a whole cadence period (so an "on" phase would have been seen).
    let loudest = 0;
    const until = performance.now() + 6_500;
    while (performance.now() < until) {
      loudest = Math.max(loudest, level());
      await sleep(20);
    }
    console.log(`ringtone RMS after answer (max over 6.5 s): ${loudest.toFixed(5)}`);
    expect(loudest, 'silent after answer').to.be.below(0.001);
  });

  it('shows a desktop notification for a call ringing while the page is hidden, and closes it on answer', async () => {
    // The test browser granted the permission (web-test-runner.config.mjs); the page's
    // Notification is a recording subclass, still the real class underneath.
    const shown: { title: string; tag: string; closed: boolean }[] = [];
    const OriginalNotification = window.Notification;
    expect(OriginalNotification.permission).to.equal('granted');
    class RecordingNotification extends OriginalNotification {
      private readonly record: { title: string; tag: string; closed: boolean };
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        this.record = { title, tag: options?.tag ?? '', closed: false };
        shown.push(this.record);
      }
      override close(): void {
        this.record.closed = true;
        super.close();
      }
    }
    window.Notification = RecordingNotification;
    restores.push(() => (window.Notification = OriginalNotification));
    // The agent looks at another tab.
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    restores.push(() => {
      Reflect.deleteProperty(document, 'hidden');
      Reflect.deleteProperty(document, 'visibilityState');
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const title = document.title;

    const alice = await readyAgent('1001');
    await placeCall('13800000028');
    await waitFor(() => alice.code() === STATUS.ringing, '1001 ringing', QUEUE_RING_MS);
    await waitFor(() => shown.length > 0, 'a notification', 3_000);
    expect(shown).to.have.length(1);
    expect(shown[0]!.title).to.contain('13800000028');
    expect(shown[0]!.tag).to.equal('cc-workbench-incoming');
    expect(shown[0]!.closed).to.equal(false);
    // The title flashes too while the page is hidden.
    await waitFor(() => document.title.includes('13800000028'), 'the page title names the caller', 3_000, 20);

    await alice.el.answer();
    await waitFor(() => shown[0]!.closed, 'the notification closed after answer', 3_000);
    expect(shown).to.have.length(1);
    await sleep(1_200);
    expect(document.title, 'the title is back after answer').to.equal(title);
  });
});
