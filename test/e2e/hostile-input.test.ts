import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { STATUS } from '../../machines/agent-types.js';
import { waitFor } from '../support/e2e.js';
import { cleanUp, connectInbound, readyAgent, startProbe } from '../support/e2e-agents.js';

declare global {
  interface Window {
    __pwned?: number;
  }
}

/** Every element and text of `root` and the shadow trees inside it. */
function deep(root: Element | ShadowRoot): { elements: Element[]; text: string } {
  const elements: Element[] = [];
  let text = '';
  const walk = (node: Element | ShadowRoot) => {
    node.querySelectorAll('*').forEach((el) => {
      elements.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    });
    text += ` ${node.textContent ?? ''}`;
  };
  walk(root);
  return { elements, text };
}

interface FuzzStats {
  sent: number;
  rang: number;
  noAnswer: number;
  answered: Record<string, number>;
  cases: Record<string, number>;
}

const MARKUP = '<img src=x onerror="window.__pwned=1"><b>Sales</b>';

describe('hostile input from the far end, through Kamailio', () => {
  const pageErrors: string[] = [];
  const onError = (e: ErrorEvent) => pageErrors.push(e.message);
  const onRejection = (e: PromiseRejectionEvent) => pageErrors.push(String(e.reason));
  beforeEach(() => {
    startProbe();
    pageErrors.length = 0;
    delete window.__pwned;
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
  });
  afterEach(async () => {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
    await cleanUp();
  });

  it('shows markup in the caller name and the queue name as text, and never runs it', async () => {
    const agent = await readyAgent('1001');
    const invite = executeServerCommand<{ final: number | null; rang: boolean }, object>('sip-hostile-invite', { caller: '13800000003', target: '1001', markup: MARKUP, holdMs: 2500 });
    await waitFor(() => agent.code() === STATUS.ringing, 'agent ringing');
    const incoming = agent.of('cc-call-incoming').at(-1)?.detail as { remoteName: string; queueName: string };
    expect(incoming.remoteName, 'the event carries the name as data').to.equal(MARKUP);
    expect(incoming.queueName).to.equal(MARKUP);
    await waitFor(() => deep(agent.el.shadowRoot!).text.includes(MARKUP), 'the markup shown as text on the card');
    const { elements } = deep(agent.el.shadowRoot!);
    expect(elements.filter((el) => el.localName === 'img' || el.localName === 'b').length, 'no element made from the far end\'s text').to.equal(0);
    const result = await invite;
    expect(result.rang).to.equal(true);
    expect(result.final).to.equal(487);
    await waitFor(() => agent.code() === STATUS.ready, 'ready again after the cancel');
    expect(window.__pwned).to.equal(undefined);
    expect(pageErrors).to.deep.equal([]);
  });

  it('stays registered and usable after 150 seeded malformed, oversize and markup-laden requests', async function () {
    this.timeout(240_000);
    const agent = await readyAgent('1001');
    const stats = await executeServerCommand<FuzzStats, object>('sip-fuzz', { caller: '13800000003', target: '1001', seed: 20261207, count: 150 });
    console.info(`fuzz: ${JSON.stringify(stats)}`);
    expect(stats.sent).to.equal(150);
    // Most of them reached the agent's phone (they rang and were cancelled, or the phone answered them).
    const codes = agent.of('cc-status-change').map((e) => (e.detail as { code: number }).code);
    expect(stats.rang, `${JSON.stringify(stats)} statuses ${codes.join(',')} errors ${agent.of('cc-error').map((e) => (e.detail as { errorMsg: string }).errorMsg).join(' | ')}`).to.be.greaterThan(50);
    await waitFor(() => agent.code() === STATUS.ready, 'ready after the fuzz', 10_000);
    expect(agent.of('cc-unregistered').length).to.equal(0);
    expect(window.__pwned).to.equal(undefined);
    expect(pageErrors).to.deep.equal([]);
    // Still usable: a real call with audio both ways, then hang up.
    await connectInbound(agent, '13800000002');
    await agent.el.hangUp();
    expect(agent.code()).to.equal(STATUS.afterCall);
  });
});
