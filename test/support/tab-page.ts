/**
 * One browser tab of an agent for the tests of one registration across tabs
 * (test/e2e/tabs.test.ts opens several of these with `tab-open`): a workbench configured as a
 * page would, and what the test asserts: the SIP requests this tab's sockets carried (REGISTER,
 * INVITE received), status codes, events, the media this tab plays.
 */
import '../../src/define.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';

interface Recorded {
  registers: number;
  invitesReceived: number;
  statuses: number[];
  events: string[];
}

const recorded: Recorded = { registers: 0, invitesReceived: 0, statuses: [], events: [] };
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function counted(this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
  if (typeof data === 'string' && data.startsWith('REGISTER ')) recorded.registers += 1;
  return send.call(this, data);
};
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    this.addEventListener('message', (e) => {
      if (typeof e.data === 'string' && e.data.startsWith('INVITE ')) recorded.invitesReceived += 1;
    });
  }
};

/** Every RTCPeerConnection of this tab, to see where the media is. */
const connections: RTCPeerConnection[] = [];
const NativePc = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePc {
  constructor(config?: RTCConfiguration) {
    super(config);
    connections.push(this);
  }
};

const EVENTS = ['cc-registered', 'cc-call-incoming', 'cc-call-established', 'cc-call-released', 'cc-error'];

function startTab(config: { server: string; sipUri: string; password: string; attrs?: Record<string, string> }): void {
  const el = document.createElement('cc-workbench') as CcWorkbench;
  el.addEventListener('cc-status-change', (e) => recorded.statuses.push((e as CustomEvent<{ code: number }>).detail.code));
  for (const name of EVENTS) el.addEventListener(name, () => recorded.events.push(name));
  el.password = config.password;
  for (const [name, value] of Object.entries({ lang: 'en', 'after-call': 'manual', ...config.attrs })) el.setAttribute(name, value);
  el.setAttribute('server', config.server);
  el.setAttribute('sip-uri', config.sipUri);
  document.body.append(el);
}

const agent = (): CcWorkbench => document.querySelector('cc-workbench') as CcWorkbench;

/** What the test reads of this tab. */
async function state(): Promise<Recorded & { code: number; holdsMedia: boolean | null; inboundPackets: number; label: string }> {
  const el = agent();
  let inboundPackets = 0;
  for (const pc of connections) {
    if (pc.connectionState === 'closed') continue;
    const stats = await pc.getStats();
    stats.forEach((s: { type: string; kind?: string; packetsReceived?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') inboundPackets += s.packetsReceived ?? 0;
    });
  }
  const status = el?.shadowRoot?.querySelector('cc-agent-status')?.shadowRoot?.querySelector('[part~="status"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  return { ...recorded, code: el?.getStatusCode().code ?? -2, holdsMedia: el?.phone?.holdsMedia ?? null, inboundPackets, label: status };
}

/** Clicks the button named `name` (its accessible name) inside the workbench's shadow roots. */
function press(name: string): boolean {
  const roots: ParentNode[] = [agent().shadowRoot!];
  while (roots.length > 0) {
    const root = roots.shift()!;
    for (const el of Array.from(root.querySelectorAll('*'))) {
      if (el.shadowRoot) roots.push(el.shadowRoot);
      if (el instanceof HTMLButtonElement && (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim() === name && !el.disabled) {
        el.click();
        return true;
      }
    }
  }
  return false;
}

Object.assign(window, { startTab, state, agent, press });
