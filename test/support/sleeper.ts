/**
 * A page of its own with one registered, ready workbench, for the frozen-tab test: the test
 * runner freezes this page (CDP Page.setWebLifecycleState), never the page that runs the tests,
 * whose own connection to the runner would not survive the freeze. It records what the test
 * asserts: cc-warning codes, REGISTER requests sent, status codes.
 */
import '../../src/define.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';

interface Recorded {
  warnings: string[];
  registers: number;
  statuses: number[];
}

const recorded: Recorded = { warnings: [], registers: 0, statuses: [] };
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function counted(this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
  if (typeof data === 'string' && data.startsWith('REGISTER ')) recorded.registers += 1;
  return send.call(this, data);
};

async function startAgent(config: { server: string; sipUri: string; password: string }): Promise<number> {
  const el = document.createElement('cc-workbench') as CcWorkbench;
  el.addEventListener('cc-warning', (e) => recorded.warnings.push((e as CustomEvent<{ code: string }>).detail.code));
  el.addEventListener('cc-status-change', (e) => recorded.statuses.push((e as CustomEvent<{ code: number }>).detail.code));
  el.password = config.password;
  el.setAttribute('server', config.server);
  el.setAttribute('sip-uri', config.sipUri);
  el.setAttribute('lang', 'en');
  document.body.append(el);
  await el.register();
  await el.logIn();
  return el.getStatusCode().code;
}

function report(): Recorded & { code: number; banner: string } {
  const el = document.querySelector('cc-workbench') as CcWorkbench;
  const banner = el.shadowRoot?.querySelector('[part="notice"], [part="error"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  return { ...recorded, code: el.getStatusCode().code, banner };
}

Object.assign(window, { startAgent, report });
