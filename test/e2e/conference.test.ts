/**
 * Conference through plain Kamailio (no media server): the agent's browser mixes. Three
 * workbenches in this page, each with its own tone microphone: caller 440 Hz, agent 1200 Hz,
 * colleague 1800 Hz; what each peer connection receives proves who hears whom.
 */
import { expect } from '@open-wc/testing';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { CcError } from '../../src/errors.js';
import { cleanUp, mountAgent, probe, readyAgent, startProbe } from '../support/e2e-agents.js';
import type { Agent } from '../support/e2e-agents.js';
import { waitFor } from '../support/e2e.js';
import { HEARD, SILENT, heardShares, installToneMicrophone, setTone, untilHeard } from '../support/tones.js';

/**
 * The next microphones opened get these tones, in order. A workbench opens its microphone when
 * it dials and when a call starts ringing (not at the answer), so the tone must be set by the
 * order the microphones open, not before the answer.
 */
function nextMicrophones(...tones: number[]): void {
  const gum = navigator.mediaDevices.getUserMedia;
  navigator.mediaDevices.getUserMedia = (constraints?: MediaStreamConstraints) => {
    const hz = tones.shift();
    if (hz !== undefined) setTone(hz);
    return gum.call(navigator.mediaDevices, constraints);
  };
}

const CALLER = 440;
const AGENT = 1200;
const COLLEAGUE = 1800;
const ALL = [CALLER, AGENT, COLLEAGUE];


/** Three workbenches, each with its tone: the caller (1003) calls the agent (1001), who answers; the colleague (1002) is ready. */
async function callerOnAgent(): Promise<{ agent: Agent; colleague: Agent; caller: Agent }> {
  const agent = await readyAgent('1001');
  const colleague = await readyAgent('1002');
  const caller = await mountAgent('1003');
  await caller.el.register();
  await caller.el.logIn();
  nextMicrophones(CALLER, AGENT);
  const dialled = caller.el.call('1001');
  await waitFor(() => agent.code() === STATUS.ringing, 'agent ringing');
  await agent.el.answer();
  await dialled;
  return { agent, colleague, caller };
}

/** The agent consults the colleague (the caller goes on hold), who answers. */
async function consultColleague(agent: Agent, colleague: Agent): Promise<void> {
  nextMicrophones(AGENT, COLLEAGUE);
  const consulted = agent.el.consult('1002');
  await waitFor(() => colleague.code() === STATUS.ringing, 'colleague ringing');
  await colleague.el.answer();
  await consulted;
}

describe('conference mixed in the agent browser, through Kamailio', () => {
  beforeEach(() => {
    startProbe();
    installToneMicrophone(probe!);
  });
  afterEach(async () => {
    const connections = probe!.connections;
    await cleanUp();
    expect(connections.filter((pc) => pc.connectionState !== 'closed').length, 'peer connections left open').to.equal(0);
  });

  it('consult, swap (18), conference (19): each party hears the other two; then one party dropped', async () => {
    const pcs = probe!.connections;
    const { agent, colleague, caller } = await callerOnAgent();
    const [callerPc, agentCallPc] = [pcs[0]!, pcs[1]!];

    // Consult the colleague (the caller goes on hold), then swap back to the caller (18) and again (17).
    await consultColleague(agent, colleague);
    expect(agent.code()).to.equal(STATUS.consultTalking);
    const [agentConsultPc, colleaguePc] = [pcs[2]!, pcs[3]!];
    await agent.el.swap();
    expect(agent.code()).to.equal(STATUS.consultSwitched);
    await untilHeard(() => heardShares(callerPc, ALL), (s) => s[AGENT]! > HEARD, 'caller hears the agent after the swap');
    await agent.el.swap();
    expect(agent.code()).to.equal(STATUS.consultTalking);

    // Conference: everyone hears the other two; the agent's playback mixes both remotes.
    await agent.el.conference();
    expect(agent.code()).to.equal(STATUS.conference);
    await untilHeard(() => heardShares(callerPc, ALL), (s) => s[AGENT]! > HEARD && s[COLLEAGUE]! > HEARD, 'caller hears agent and colleague');
    await untilHeard(() => heardShares(colleaguePc, ALL), (s) => s[AGENT]! > HEARD && s[CALLER]! > HEARD, 'colleague hears agent and caller');
    const playback = agent.el.shadowRoot!.querySelector('audio')?.srcObject;
    expect(playback instanceof MediaStream, 'the agent plays a stream').to.equal(true);
    await untilHeard(() => heardShares(playback as MediaStream, ALL), (s) => s[CALLER]! > HEARD && s[COLLEAGUE]! > HEARD && s[AGENT]! < SILENT, 'the agent hears caller and colleague (not itself)');
    expect(agentCallPc.connectionState).to.not.equal('closed');
    expect(agentConsultPc.connectionState).to.not.equal('closed');

    // Hold is not a conference command; mute keeps the remotes hearing each other.
    const refused = (await agent.el.hold().catch((e: CcError) => e)) as CcError;
    expect(refused.errorCode).to.equal(ERROR.stateNotAllowed);
    await agent.el.mute();
    await untilHeard(() => heardShares(callerPc, ALL), (s) => s[AGENT]! < SILENT && s[COLLEAGUE]! > HEARD, 'muted agent: the caller still hears the colleague');
    await agent.el.unmute();

    // Drop the colleague: the agent stays with the caller, without the mix.
    await agent.el.dropParty('consult');
    await waitFor(() => agent.code() === STATUS.internalTalk, 'agent back to a two-party call');
    await waitFor(() => colleague.code() !== STATUS.internalTalk, 'colleague call ended');
    await untilHeard(() => heardShares(callerPc, ALL), (s) => s[AGENT]! > HEARD && s[COLLEAGUE]! < SILENT, 'caller hears the agent only');
    await agent.el.hangUp();
    await waitFor(() => caller.code() !== STATUS.internalTalk, 'caller call ended');
  });

  it('dropping the caller leaves the agent with the colleague', async () => {
    const pcs = probe!.connections;
    const { agent, colleague, caller } = await callerOnAgent();
    await consultColleague(agent, colleague);
    const colleaguePc = pcs[3]!;
    await agent.el.conference();
    await untilHeard(() => heardShares(colleaguePc, ALL), (s) => s[AGENT]! > HEARD && s[CALLER]! > HEARD, 'colleague hears agent and caller');
    await agent.el.dropParty('customer');
    await waitFor(() => caller.code() !== STATUS.internalTalk, 'caller call ended');
    // The consultation becomes the call (an outgoing one: status 10, as when the customer leaves a consultation).
    await waitFor(() => agent.code() === STATUS.outboundTalk, 'agent talks with the colleague');
    await untilHeard(() => heardShares(colleaguePc, ALL), (s) => s[AGENT]! > HEARD && s[CALLER]! < SILENT, 'colleague hears the agent only');
    await agent.el.hangUp();
  });
});
