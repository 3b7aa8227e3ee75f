import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { STATUS } from '../../machines/agent-types.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { MediaProbe, openPeer, packetsGrow, sipEnv, sleep, testUser, waitFor } from './e2e.js';
import type { OpenPeer } from './e2e.js';
import { EVENT_TYPES } from '../elements/helpers.js';

/** Workbenches and JsSIP peers of the end-to-end tests, with what each test must clean up. */
export interface Agent {
  el: CcWorkbench;
  events: CustomEvent[];
  of(type: string): CustomEvent[];
  code(): number;
}

const mounted: HTMLElement[] = [];
const peers: OpenPeer[] = [];
/** Watches the page's peer connections and microphone tracks during each test (installed by `startProbe`). */
export let probe: MediaProbe | null = null;

/** Removes `el` after the test, with the workbenches. */
export function removeLater(el: HTMLElement): void {
  mounted.push(el);
}

export function startProbe(): void {
  probe = new MediaProbe().install();
}

/** Removes the workbenches and peers, then checks that no microphone track was left live. */
export async function cleanUp(): Promise<void> {
  for (const el of mounted.splice(0)) el.remove();
  for (const p of peers.splice(0)) p.close();
  await sleep(300);
  expect(probe!.liveTracks().length, 'microphone tracks left live').to.equal(0);
  probe!.uninstall();
  probe = null;
}

export async function mountAgent(user: string, attrs: Record<string, string> = {}, password?: string): Promise<Agent> {
  const account = testUser(user);
  const el = document.createElement('cc-workbench') as CcWorkbench;
  const events: CustomEvent[] = [];
  for (const type of EVENT_TYPES) el.addEventListener(type, (e) => events.push(e as CustomEvent));
  el.password = password ?? account.password;
  el.setAttribute('lang', 'en');
  for (const [k, v] of Object.entries({ 'after-call': 'manual', ...attrs })) el.setAttribute(k, v);
  el.setAttribute('server', sipEnv().wsUrl);
  el.setAttribute('sip-uri', account.uri);
  document.body.append(el);
  mounted.push(el);
  return {
    el,
    events,
    of: (type) => events.filter((e) => e.type === type),
    code: () => el.getStatusCode().code,
  };
}

export async function readyAgent(user = '1001', attrs: Record<string, string> = {}): Promise<Agent> {
  const agent = await mountAgent(user, attrs);
  await agent.el.register();
  await agent.el.logIn();
  expect(agent.code()).to.equal(STATUS.ready);
  return agent;
}

export async function peer(user: string, setup?: Parameters<typeof openPeer>[1]): Promise<OpenPeer> {
  const p = await openPeer(user, setup);
  peers.push(p);
  return p;
}

/** Customer calls the agent; the agent answers; both sides hear each other. */
export async function connectInbound(agent: Agent, customerUser = '13800000001') {
  const customer = await peer(customerUser);
  const call = customer.peer.call(testUser(agent.el.getAttribute('sip-uri')!.slice(4).split('@')[0]!).uri);
  await waitFor(() => agent.code() === STATUS.ringing, 'agent ringing');
  await agent.el.answer();
  await call.confirmed;
  await packetsGrow(probe!.latest(), 'agent hears the customer');
  await packetsGrow(call.session.connection, 'customer hears the agent');
  return { customer, call };
}

/** A visible, enabled button in the element's shadow trees with this accessible name. */
export function shadowButton(el: HTMLElement, name: string): HTMLButtonElement | undefined {
  const all: HTMLButtonElement[] = [];
  const walk = (root: ShadowRoot | Document | Element) => {
    root.querySelectorAll('*').forEach((n) => {
      if (n instanceof HTMLButtonElement) all.push(n);
      if (n.shadowRoot) walk(n.shadowRoot);
    });
  };
  if (el.shadowRoot) walk(el.shadowRoot);
  return all.find((b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim() === name && !b.disabled && b.offsetParent !== null);
}
