/**
 * A page of its own with one registered, ready workbench, for the tests that do to a whole page
 * what they cannot do to the page that runs them: freeze it (CDP Page.setWebLifecycleState, in
 * a tab of its own) or tear it down mid-call as a reload or a crash does (an iframe removed).
 * It records what the tests assert: cc-warning codes, REGISTER requests sent, status codes.
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

interface AgentConfig {
  server: string;
  sipUri: string;
  password: string;
  /** CTI mode against the dev call center, with the agent's token. */
  cti?: string;
  ctiHeaders?: Record<string, string>;
}

async function startAgent(config: AgentConfig): Promise<number> {
  const el = document.createElement('cc-workbench') as CcWorkbench;
  el.addEventListener('cc-warning', (e) => recorded.warnings.push((e as CustomEvent<{ code: string }>).detail.code));
  el.addEventListener('cc-status-change', (e) => recorded.statuses.push((e as CustomEvent<{ code: number }>).detail.code));
  el.password = config.password;
  el.setAttribute('server', config.server);
  el.setAttribute('sip-uri', config.sipUri);
  el.setAttribute('lang', 'en');
  el.setAttribute('after-call', 'manual');
  if (config.cti) {
    el.ctiHeaders = config.ctiHeaders ?? {};
    el.setAttribute('cti', config.cti);
  }
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

const agent = (): CcWorkbench => document.querySelector('cc-workbench') as CcWorkbench;

Object.assign(window, { startAgent, report, agent });
