import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/define.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { MediaProbe, packetsGrow, rtpCounters, sleep, userIn, waitFor } from '../support/e2e.js';
import type { TestUser } from '../support/e2e.js';
import { EVENT_TYPES } from '../elements/helpers.js';

/**
 * A classic SIP caller (sipp, RTP/AVP with PCMA and telephone-event, media at a Node socket of
 * the test server) calls the widget through the production configuration of deploy/: Kamailio
 * over WSS with digest auth from SQLite, and rtpengine bridging RTP/AVP and WebRTC
 * (test/support/pstn.mjs, started by web-test-runner.config.mjs's pstn-server plugin).
 */

const CALLER = '13800000001';

interface PstnEnv {
  wssUrl: string;
  domain: string;
  users: TestUser[];
}

/** What the classic side's media socket saw (CcGatewayMedia.snapshot()). */
interface GatewayMedia {
  received: number;
  audible: number;
  byPayloadType: Record<string, number>;
  sent: number;
  sources: string[];
  events: string[];
  dtmf: string;
  held: boolean;
}

interface CallerResult {
  finished: boolean;
  code: number | null;
  messages: string;
  errors: string;
  output: string;
}

interface Agent {
  el: CcWorkbench;
  events: CustomEvent[];
  of(type: string): CustomEvent[];
  code(): number;
}

let env: PstnEnv;
const mounted: HTMLElement[] = [];
let probe: MediaProbe | null = null;

/** A command of the pstn-server plugin (web-test-runner.config.mjs), run in the test server. */
function server<R>(command: string, payload?: Record<string, unknown>): Promise<R> {
  return executeServerCommand<R, Record<string, unknown> | undefined>(command, payload);
}

const media = (): Promise<GatewayMedia> => server<GatewayMedia>('pstn-media');

/** Starts sipp on the gateway's address with a scenario of test/support/sipp/. */
async function sipp(scenario: string, callee = 'gateway', durationMs = 4000): Promise<void> {
  await server('pstn-sipp', { scenario, callee, durationMs });
}

/** sipp's verdict: exit code 0 means every message of the scenario came, in order, and matched its checks. */
async function callerResult(): Promise<CallerResult> {
  const result = await server<CallerResult>('pstn-result', { timeoutMs: 20_000 });
  if (result.code !== 0) {
    const logs = await server<{ kamailio: string; rtpengine: string }>('pstn-logs');
    console.error(`sipp failed (${String(result.code)}):\n${result.output}\n${result.errors}\n--- kamailio ---\n${logs?.kamailio ?? ''}`);
  }
  return result;
}

async function mountAgent(user: string, password?: string): Promise<Agent> {
  const account = userIn(env.users, env.domain, user);
  const el = document.createElement('cc-workbench') as CcWorkbench;
  const events: CustomEvent[] = [];
  for (const type of EVENT_TYPES) el.addEventListener(type, (e) => events.push(e as CustomEvent));
  el.password = password ?? account.password;
  el.setAttribute('lang', 'en');
  el.setAttribute('after-call', 'manual');
  el.setAttribute('server', env.wssUrl);
  el.setAttribute('sip-uri', account.uri);
  document.body.append(el);
  mounted.push(el);
  return { el, events, of: (type) => events.filter((e) => e.type === type), code: () => el.getStatusCode().code };
}

async function readyAgent(user: string): Promise<Agent> {
  const agent = await mountAgent(user);
  await agent.el.register();
  await agent.el.logIn();
  expect(agent.code()).to.equal(STATUS.ready);
  return agent;
}

/** Waits until the classic side has `more` further packets matching `count`. */
async function gatewayGrows(what: string, count: (m: GatewayMedia) => number, more: number, timeoutMs = 10_000): Promise<void> {
  const start = count(await media());
  await waitFor(async () => count(await media()) >= start + more, what, timeoutMs, 100);
}

/** The sipp call rings `agent`; the agent answers; audio flows both ways through rtpengine. */
async function answerClassicCall(agent: Agent): Promise<RTCPeerConnection> {
  await waitFor(() => agent.code() === STATUS.ringing, 'the agent rings', 15_000);
  const incoming = agent.of('cc-call-incoming').at(-1)!;
  expect(incoming.detail).to.include({ caller: CALLER, direction: 'inbound' });
  await agent.el.answer();
  expect(agent.code()).to.equal(STATUS.inboundTalk);
  const pc = probe!.latest()!;
  await packetsGrow(pc, 'the widget receives the caller\'s RTP', 25);
  await gatewayGrows('the classic side receives PCMA RTP from the widget', (m) => m.byPayloadType['8'] ?? 0, 25);
  return pc;
}

describe('<cc-workbench> and a classic SIP caller through deploy/ (Kamailio WSS + rtpengine)', () => {
  before(async () => {
    env = await server<PstnEnv>('pstn-env');
  });

  beforeEach(() => {
    probe = new MediaProbe().install();
  });

  afterEach(async function dumpOnFailure() {
    if (this.currentTest?.state !== 'failed') return;
    // What the far side and the proxy saw, next to the failed assertion (best effort: the test
    // may have failed before sipp started). Stops a sipp the test left waiting.
    const result = await server<CallerResult>('pstn-result', { timeoutMs: 1000 }).catch((e: unknown) => String(e));
    const logs = await server<{ kamailio: string; rtpengine: string }>('pstn-logs').catch(() => null);
    console.error(`sipp: ${JSON.stringify(result)}\n--- kamailio ---\n${logs?.kamailio ?? ''}\n--- rtpengine ---\n${logs?.rtpengine ?? ''}`);
  });

  afterEach(async () => {
    for (const el of mounted.splice(0)) el.remove();
    await sleep(300);
    expect(probe!.liveTracks().length, 'microphone tracks left live').to.equal(0);
    probe!.uninstall();
    probe = null;
  });

  it('registers over WSS with digest auth from the SQLite database, and refuses a wrong password', async () => {
    expect(env.wssUrl).to.match(/^wss:\/\/127\.0\.0\.1:\d+$/);
    const good = await mountAgent('1003');
    await good.el.register();
    expect(good.of('cc-registered').length).to.equal(1);
    const bad = await mountAgent('1004', 'not-the-password');
    await bad.el.register().catch(() => undefined);
    await waitFor(() => bad.of('cc-registration-failed').length === 1, 'cc-registration-failed');
    expect(bad.of('cc-registration-failed')[0]!.detail.sipCode, 'digest challenge failed').to.equal(401);
    expect(bad.of('cc-error').at(-1)!.detail.errorCode).to.equal(ERROR.registrationFailed);
  });

  it('answers a classic RTP/AVP caller: two-way audio, hold and resume seen by the caller, RFC 4733 DTMF, the agent hangs up', async () => {
    const agent = await readyAgent('1001');
    await sipp('caller-agent-hangs-up.xml', '1001');
    const pc = await answerClassicCall(agent);
    const before = await media();
    expect(before.audible, 'the widget\'s tone reaches the classic side').to.be.greaterThan(0);
    expect(before.sources.length, 'one rtpengine port faces the classic side').to.equal(1);

    await agent.el.hold();
    expect(agent.code()).to.equal(STATUS.hold);
    await waitFor(async () => (await media()).held, 'the classic side got the hold re-INVITE', 5000, 50);
    const messages = (await server<{ messages: string }>('pstn-messages')).messages;
    const reinvite = messages.split(/-{10,}/).find((m) => /^\s*INVITE sip:/m.test(m) && /a=sendonly/.test(m));
    expect(reinvite, 'the re-INVITE sipp received').to.be.a('string');
    expect(reinvite).to.match(/m=audio \d+ RTP\/AVP 8/);
    expect(reinvite).not.to.match(/a=(ice-ufrag|fingerprint|candidate)/);
    await sleep(400);
    const heldFrom = (await rtpCounters(pc)).received;
    const audibleFrom = (await media()).audible;
    await sleep(1500);
    expect((await rtpCounters(pc)).received - heldFrom, 'packets the widget received while held').to.be.lessThan(3);
    expect((await media()).audible - audibleFrom, 'audible packets the caller received while held').to.equal(0);

    await agent.el.retrieve();
    await waitFor(async () => !(await media()).held, 'the classic side got the resume re-INVITE', 5000, 50);
    await packetsGrow(pc, 'the widget hears the caller again', 25);
    await gatewayGrows('the caller hears the widget again', (m) => m.audible, 1, 5000);

    await agent.el.sendDtmf('19#*');
    await waitFor(async () => (await media()).dtmf === '19#*', 'telephone-event packets 1, 9, #, * at the classic side', 10_000, 100);
    const afterDtmf = await media();
    expect(afterDtmf.byPayloadType['101'] ?? 0).to.be.greaterThan(4);

    await agent.el.hangUp();
    expect(agent.of('cc-call-hangup').at(-1)!.detail.type).to.equal('inbound');
    const result = await callerResult();
    expect(result.code, 'sipp scenario caller-agent-hangs-up.xml').to.equal(0);
    expect(result.messages).to.match(/BYE sip:/);
  });

  it('ends the widget\'s call when the classic caller hangs up', async () => {
    const agent = await readyAgent('1001');
    await sipp('caller-hangs-up.xml', '1001', 3000);
    await answerClassicCall(agent);
    await waitFor(() => agent.code() === STATUS.afterCall, 'after-call work once the caller hung up', 10_000);
    expect(agent.of('cc-call-released').length).to.equal(1);
    expect(probe!.openConnections().length, 'peer connections left open').to.equal(0);
    const result = await callerResult();
    expect(result.code, 'sipp scenario caller-hangs-up.xml').to.equal(0);
  });

  it('blind-transfers the classic caller to another agent: the caller follows the REFER through Kamailio and rtpengine', async () => {
    const agent = await readyAgent('1001');
    const target = await readyAgent('1002');
    await sipp('caller-transferred.xml', '1001', 3000);
    const first = await answerClassicCall(agent);

    const transferred = agent.el.transfer('1002');
    await waitFor(() => target.code() === STATUS.ringing, 'the transfer target rings', 15_000);
    const offered = target.of('cc-call-incoming').at(-1)!;
    expect(offered.detail).to.include({ caller: CALLER, referredBy: '1001' });
    await target.el.answer();
    await transferred;
    await waitFor(() => agent.code() === STATUS.afterCall, 'the transferring agent leaves the call', 10_000);

    const second = probe!.latest()!;
    expect(second).not.to.equal(first);
    await packetsGrow(second, 'the transfer target hears the caller', 25);
    const now = await media();
    expect(now.sources.length, 'a second rtpengine port (the new call) sends to the caller').to.equal(2);
    await gatewayGrows('the caller hears the transfer target', (m) => m.byPayloadType['8'] ?? 0, 25);

    await waitFor(() => target.code() === STATUS.afterCall, 'the caller hangs up the transferred call', 10_000);
    const result = await callerResult();
    expect(result.code, 'sipp scenario caller-transferred.xml').to.equal(0);
    expect(result.messages).to.match(/INVITE sip:1002@/);
  });

  it('dials a PSTN number: Kamailio routes it to the gateway, rtpengine offers it plain RTP/AVP, audio flows both ways', async () => {
    const agent = await readyAgent('1001');
    await sipp('gateway-answers.xml');
    await agent.el.call('+8613800000000');
    expect(agent.code()).to.equal(STATUS.outboundTalk);
    const pc = probe!.latest()!;
    await packetsGrow(pc, 'the widget hears the gateway', 25);
    await gatewayGrows('the gateway receives PCMA RTP from the widget', (m) => m.byPayloadType['8'] ?? 0, 25);
    const messages = (await server<{ messages: string }>('pstn-messages')).messages;
    const invite = messages.split(/-{10,}/).find((m) => /^\s*INVITE sip:\+8613800000000@/m.test(m));
    expect(invite, 'the INVITE the gateway received').to.be.a('string');
    expect(invite).to.match(/m=audio \d+ RTP\/AVP /);
    expect(invite).not.to.match(/a=(ice-ufrag|fingerprint|candidate|setup)/);
    await agent.el.sendDtmf('5');
    await waitFor(async () => (await media()).dtmf === '5', 'telephone-event 5 at the gateway', 10_000, 100);
    await agent.el.hangUp();
    expect(agent.of('cc-call-hangup').at(-1)!.detail.type).to.equal('outbound');
    const result = await callerResult();
    expect(result.code, 'sipp scenario gateway-answers.xml').to.equal(0);
  });

  it('connects two agents through rtpengine (WebRTC on both sides): audio both ways, either can hang up', async () => {
    const caller = await readyAgent('1002');
    const callee = await readyAgent('1003');
    const dialled = caller.el.call('1003');
    await waitFor(() => callee.code() === STATUS.ringing, 'the other agent rings', 15_000);
    await callee.el.answer();
    await dialled;
    const [first, second] = probe!.openConnections();
    expect(second, 'two peer connections in this page').not.to.equal(undefined);
    await packetsGrow(first, 'the calling agent hears the other', 25);
    await packetsGrow(second, 'the called agent hears the other', 25);
    // Both legs face rtpengine, not each other: the selected ICE pair's remote port is in the
    // range test/support/pstn.mjs gives rtpengine (--port-min/--port-max).
    for (const pc of [first!, second!]) {
      const stats = await pc.getStats();
      const pair = [...stats.values()].find((r: { type: string; state?: string; nominated?: boolean }) => r.type === 'candidate-pair' && r.state === 'succeeded' && r.nominated);
      const remote = stats.get((pair as { remoteCandidateId: string }).remoteCandidateId) as { port: number };
      expect(remote.port, 'remote media port (rtpengine: 40000-40999)').to.be.within(40000, 40999);
    }
    await callee.el.hangUp();
    await waitFor(() => caller.code() === STATUS.afterCall, 'the calling agent sees the hang-up', 10_000);
  });
});
