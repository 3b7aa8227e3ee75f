// Issue 11, "never drop a call": an agent's page that reloads (or crashes) mid-call, against the
// dev call center in Chromium. The workbench lives in an iframe (test/support/agent-page.html);
// removing the iframe tears its document down as a reload does: no BYE, its WebSocket and peer
// connection closed. The customer must stay connected (the queue prompt) and be offered to the
// same agent once it is back.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { STATUS } from '../../machines/agent-types.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { waitFor } from '../support/e2e.js';
import { centerEnv, centerUser, ctiHeaders, customers, serverState } from '../support/center.js';

interface AgentPage extends Window {
  startAgent(config: { server: string; sipUri: string; password: string; cti?: string; ctiHeaders?: Record<string, string> }): Promise<number>;
  agent(): CcWorkbench;
}

const frames: HTMLIFrameElement[] = [];

/** A page with a CTI workbench for `id`, registered, logged in and ready. */
async function agentPage(id: string): Promise<{ frame: HTMLIFrameElement; el: () => CcWorkbench }> {
  const frame = document.createElement('iframe');
  frame.allow = 'microphone; autoplay';
  frame.src = '/test/support/agent-page.html';
  document.body.append(frame);
  frames.push(frame);
  const win = await waitFor(() => (typeof (frame.contentWindow as AgentPage | null)?.startAgent === 'function' ? (frame.contentWindow as AgentPage) : null), 'agent page loaded');
  const account = centerUser(id);
  const code = await win.startAgent({ server: centerEnv().wsUrl, sipUri: account.uri, password: account.password, cti: centerEnv().cti, ctiHeaders: await ctiHeaders(id) });
  // Ready; or already ringing: a call waiting for this agent is offered the moment it is ready.
  expect(code).to.be.oneOf([STATUS.ready, STATUS.ringing]);
  return { frame, el: () => win.agent() };
}

/** The ACD's bound for a lost agent leg (3 s without its audio) plus its 2 s check period. */
const AGENT_PAGE_LOST_MS = 3000 + 2000;

describe('a reload mid-call does not drop the customer (dev call center)', () => {
  afterEach(async () => {
    await customers.hangUpAll();
    for (const f of frames.splice(0)) f.remove();
  });

  it('keeps the customer on the queue prompt and offers the call to the same agent once its page is back', async function () {
    this.timeout(90_000);
    const first = await agentPage('1001');
    await waitFor(async () => (await serverState('1001')) === 'Ready', '1001 ready at the call center');
    const placed = await customers.place('13800000001', 'sales');
    await waitFor(() => first.el().getStatusCode().code === STATUS.ringing, 'agent ringing', 15_000);
    await first.el().answer();
    const talking = await customers.until(placed.id, (c) => c.state === 'talking' && c.packetsIn > 50, 'talking with audio');
    // The page goes away as in a reload: no BYE, socket and media gone.
    first.frame.remove();
    const goneAt = Date.now();
    await waitFor(async () => (await serverState('1001')) === 'Offline', '1001 offline at the call center', 5000);
    // The ACD notices the lost leg (no audio from it for 3 s) and plays the prompt: the customer
    // keeps receiving audio and is not hung up.
    await new Promise((r) => setTimeout(r, AGENT_PAGE_LOST_MS));
    const waiting = await customers.get(placed.id);
    expect(waiting.state, 'the customer is still in the call').to.not.equal('ended');
    expect(waiting.packetsIn, 'and hears something (the prompt)').to.be.greaterThan(talking.packetsIn + 50);
    // The agent's page is back (a reload): it signs in, is ready, and the waiting call is offered
    // to it at once (at the call center it goes from ready to ringing).
    const again = await agentPage('1001');
    await waitFor(() => again.el().getStatusCode().code === STATUS.ringing, 'the same agent rings again', 15_000);
    const reoffered = Date.now() - goneAt;
    await again.el().answer();
    expect(again.el().getStatusCode().code).to.equal(STATUS.inboundTalk);
    const before = (await customers.get(placed.id)).packetsIn;
    const after = await customers.until(placed.id, (c) => c.state === 'talking' && c.packetsIn > before + 50, 'audio after the re-offer');
    expect(after.state).to.equal('talking');
    await executeServerCommand('figure', { text: `reload mid-call: the customer waited ${reoffered} ms on the prompt until the agent's new page rang (includes the new page's sign-in)` });
    await again.el().hangUp();
  });
});
