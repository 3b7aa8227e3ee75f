import { fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import type { StatusCode } from '../../machines/agent-types.js';
import type { PhoneConfig } from '../../src/config.js';
import { Phone } from '../../src/phone.js';
import { createFakeSip } from '../support/fake-sip.js';
import type { FakeSip, FakeSipOptions } from '../support/fake-sip.js';

export const SERVER = 'wss://pbx.example.test/ws';
export const SIP_URI = 'sip:1001@pbx.example.test';
export const CUSTOMER = '13800000000';

export const EVENT_TYPES = [
  'cc-init',
  'cc-registered',
  'cc-unregistered',
  'cc-registration-failed',
  'cc-status-change',
  'cc-call-incoming',
  'cc-call-dialing',
  'cc-call-established',
  'cc-call-released',
  'cc-call-hangup',
  'cc-error',
  'cc-warning',
  'cc-dial-request',
  'cc-hangup-request',
] as const;

export interface Mounted {
  readonly el: CcWorkbench;
  readonly sip: FakeSip;
  /** Every cc-* event the element dispatched, in order. */
  readonly events: CustomEvent[];
  of<T = unknown>(type: string): CustomEvent<T>[];
}

/**
 * Mounts a `<cc-workbench>` whose phone runs on the in-memory fake SIP. Attributes default to a
 * valid server and SIP URI; pass `null` to leave one out.
 */
export async function mountWorkbench(
  attrs: Record<string, string | null> = {},
  sipOptions: FakeSipOptions = { autoRespond: true },
  /** Sets properties before the element connects (e.g. `ctiRequest`), so the first phone has them. */
  setup: (el: CcWorkbench) => void = () => undefined,
): Promise<Mounted> {
  const sip = createFakeSip(sipOptions);
  const el = document.createElement('cc-workbench');
  const events: CustomEvent[] = [];
  for (const type of EVENT_TYPES) el.addEventListener(type, (e) => events.push(e as CustomEvent));
  el.phoneFactory = (config) => new Phone(config, { sipActor: sip.actor });
  el.password = 'secret';
  setup(el);
  for (const [name, value] of Object.entries({ server: SERVER, 'sip-uri': SIP_URI, ...attrs })) {
    if (value !== null) el.setAttribute(name, value);
  }
  await fixture(html`<div>${el}</div>`);
  await el.updateComplete;
  return { el, sip, events, of: <T>(type: string) => events.filter((e) => e.type === type) as CustomEvent<T>[] };
}

/** Phones made by `fakePhone()`, destroyed by `destroyFakePhones()` (call it in `afterEach`). */
const fakePhones: Phone[] = [];

/** A phone on the in-memory fake SIP, for a child element tested on its own. */
export function fakePhone(
  config: Partial<PhoneConfig> = {},
  sipOptions: FakeSipOptions = { autoRespond: true },
): { phone: Phone; sip: FakeSip } {
  const sip = createFakeSip(sipOptions);
  const phone = new Phone({ server: SERVER, sipUri: SIP_URI, password: 'secret', ...config }, { sipActor: sip.actor });
  fakePhones.push(phone);
  return { phone, sip };
}

export function destroyFakePhones(): void {
  for (const phone of fakePhones.splice(0)) phone.destroy();
}

/** Offers an inbound call to a phone on the fake SIP and waits until it rings. */
export async function ringPhone(phone: Phone, sip: FakeSip, callId = 'in-1', caller = CUSTOMER, remoteName = 'Alice Chen'): Promise<void> {
  sip.push({ type: 'sip.call.incoming', callId, caller, callee: '1001', remoteName, internal: false });
  await waitUntil(() => phone.getStatusCode().code === 6, 'ringing', { timeout: 2000 });
}

/** Lets queued microtasks (fake SIP replies, promise chains) run, then waits for the render. */
export async function settle(el: { updateComplete: Promise<boolean> }): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await el.updateComplete;
}

export async function untilCode(el: CcWorkbench, code: StatusCode): Promise<void> {
  await waitUntil(() => el.getStatusCode().code === code, `status ${code}, is ${el.getStatusCode().code}`, {
    timeout: 2000,
  });
  await settle(el);
}

/** Text a screen reader would use as the element's name: aria-label, else text not aria-hidden. */
export function accessibleName(element: Element): string {
  const label = element.getAttribute('aria-label');
  if (label) return label.trim();
  const textOf = (node: Node): string => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
    if (node instanceof Element && node.getAttribute('aria-hidden') === 'true') return '';
    return [...node.childNodes].map(textOf).join(' ');
  };
  return textOf(element).replace(/\s+/g, ' ').trim();
}

/** Every button inside the element's shadow tree, nested shadow roots included. */
export function allButtons(host: Element): HTMLButtonElement[] {
  const found: HTMLButtonElement[] = [];
  const walk = (root: ShadowRoot | Element): void => {
    for (const node of root.querySelectorAll('*')) {
      if (node instanceof HTMLButtonElement) found.push(node);
      if (node.shadowRoot) walk(node.shadowRoot);
    }
  };
  if (host.shadowRoot) walk(host.shadowRoot);
  return found;
}

/** Names of the visible buttons (rendered and not hidden by CSS). */
export function buttonNames(host: Element): string[] {
  return allButtons(host)
    .filter((b) => b.getClientRects().length > 0)
    .map(accessibleName);
}

/** The visible button with exactly this accessible name; fails listing the names there are. */
export function button(host: Element, name: string): HTMLButtonElement {
  const match = allButtons(host).find((b) => b.getClientRects().length > 0 && accessibleName(b) === name);
  if (!match) throw new Error(`no button named "${name}"; buttons: ${JSON.stringify(buttonNames(host))}`);
  return match;
}

/** Every element matching `selector` in the element's shadow tree, nested shadow roots included, in tree order. */
export function deepQueryAll<T extends Element = HTMLElement>(host: Element, selector: string): T[] {
  const found: T[] = [];
  const walk = (root: ShadowRoot): void => {
    for (const node of root.querySelectorAll('*')) {
      if (node.matches(selector)) found.push(node as T);
      if (node.shadowRoot) walk(node.shadowRoot);
    }
  };
  if (host.shadowRoot) walk(host.shadowRoot);
  return found;
}

/** The first element matching `selector` in the element's shadow tree, nested shadow roots included. */
export function deepQuery<T extends Element = HTMLElement>(host: Element, selector: string): T | null {
  return deepQueryAll<T>(host, selector)[0] ?? null;
}

/** The first element with this part name in the element's shadow tree (the children's included). */
export function part(host: Element, name: string): HTMLElement | null {
  return deepQuery(host, `[part~="${name}"]`);
}

/** The focused element inside the host's shadow tree, following nested shadow roots; null when focus is elsewhere. */
export function focusedIn(host: Element): Element | null {
  let active = host.shadowRoot?.activeElement ?? null;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

export function shadow(el: Element): ShadowRoot {
  if (!el.shadowRoot) throw new Error(`${el.localName} has no shadow root`);
  return el.shadowRoot;
}

/** Registers, logs in, and waits for status 3 (ready). */
export async function toReady(el: CcWorkbench): Promise<void> {
  await el.register();
  await el.logIn();
  await settle(el);
}

/** Offers an inbound call from the customer and waits for status 6 (ringing). */
export async function ring(m: Mounted, callId = 'in-1', caller = CUSTOMER, remoteName = 'Alice Chen'): Promise<void> {
  m.sip.push({ type: 'sip.call.incoming', callId, caller, callee: '1001', remoteName, internal: false });
  await untilCode(m.el, 6);
}

/** Ready, ringing, answered: status 9. */
export async function toTalking(m: Mounted): Promise<void> {
  await toReady(m.el);
  await ring(m);
  button(m.el, 'Answer').click();
  await untilCode(m.el, 9);
}
