import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/define.js';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import { checkNetwork } from '../../src/media/network-check.js';
import { currentAccessPoint, readAccessPoints, switchAccessPoint } from '../../src/media/access-points.js';
import type { CcError } from '../../src/errors.js';
import { packetsGrow, sipEnv, sleep, waitFor } from '../support/e2e.js';
import { cleanUp, connectInbound, mountAgent, probe, readyAgent, startProbe } from '../support/e2e-agents.js';

/** Records every WebSocket the page opens (JsSIP's and the check's) without touching product code. */
class SocketProbe {
  readonly sockets: WebSocket[] = [];
  private readonly original = window.WebSocket;

  install(): this {
    const sockets = this.sockets;
    const Original = this.original;
    class ProbedWebSocket extends Original {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    }
    window.WebSocket = ProbedWebSocket;
    return this;
  }

  uninstall(): void {
    window.WebSocket = this.original;
  }

  /** The URLs of the sockets still open (or opening). */
  open(): string[] {
    return this.sockets.filter((s) => s.readyState <= WebSocket.OPEN).map((s) => s.url);
  }
}

const rejection = (work: Promise<unknown>): Promise<CcError> =>
  work.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: CcError) => error,
  );

/** The same Kamailio through another URL: `localhost` instead of 127.0.0.1 (the browser resolves it to loopback). */
const otherUrl = (wsUrl: string): string => wsUrl.replace('127.0.0.1', 'localhost');

/** A loopback port nothing listens on (Kamailio's port is random; the test server's is 8000 and up). */
const closedPort = (wsUrl: string): number => (new URL(wsUrl).port === '59999' ? 59998 : 59999);

describe('checkNetwork() through Kamailio', () => {
  let sockets: SocketProbe;
  beforeEach(() => {
    startProbe();
    sockets = new SocketProbe().install();
  });
  afterEach(async () => {
    sockets.uninstall();
    await cleanUp();
  });

  it('opens the SIP WebSocket, gathers host candidates on loopback, and closes both', async () => {
    const { wsUrl } = sipEnv();
    const result = await checkNetwork({ server: `${wsUrl} ws://127.0.0.1:${closedPort(wsUrl)}`, iceServers: [] });
    expect(result.websocket).to.include({ ok: true, server: wsUrl, error: '' });
    expect(result.websocket.ms).to.be.a('number').and.lessThan(5000);
    expect(result.ice.ok, result.ice.error).to.equal(true);
    expect(result.ice.candidates.host ?? 0, JSON.stringify(result.ice.candidates)).to.be.greaterThan(0);
    expect(result.ice.relay, 'no TURN server configured').to.equal(null);
    expect(result.ice.ms).to.be.a('number');
    expect(result.ok).to.equal(true);
    await executeServerCommand('figure', { text: `checkNetwork on loopback: socket ${result.websocket.ms} ms, ICE ${result.ice.ms} ms ${JSON.stringify(result.ice.candidates)}` });
    expect(sockets.sockets.map((s) => s.url), 'only the first server is tried').to.deep.equal([`${wsUrl}/`]);
    expect(sockets.open(), 'the check left its WebSocket open').to.deep.equal([]);
    expect(probe!.connections.length).to.equal(1);
    expect(probe!.openConnections().length, 'the check left its peer connection open').to.equal(0);
  });

  it('names the server when its port is closed, within the bound', async () => {
    const server = `ws://127.0.0.1:${closedPort(sipEnv().wsUrl)}`;
    const started = performance.now();
    const result = await checkNetwork({ server, iceServers: [], timeoutMs: 3000 });
    expect(performance.now() - started).to.be.lessThan(3000);
    expect(result.ok).to.equal(false);
    expect(result.websocket.ok).to.equal(false);
    expect(result.websocket.ms).to.equal(null);
    expect(result.websocket.error).to.contain(server).and.contain('refused');
    expect(result.ice.ok, 'ICE does not depend on the SIP server').to.equal(true);
    expect(sockets.open()).to.deep.equal([]);
  });

  it('says relay false when the configured TURN server does not answer, within the bound', async () => {
    // The harness's silent UDP port: it swallows every packet, as a TURN server behind a firewall.
    const turn = sipEnv().silentStun.replace(/^stun:/, 'turn:');
    const started = performance.now();
    // Under the 5 s default: the 1.5 s bound given was honoured (with room for a loaded machine).
    const result = await checkNetwork({ server: sipEnv().wsUrl, iceServers: [{ urls: turn, username: 'agent', credential: 'secret' }], timeoutMs: 1500 });
    expect(performance.now() - started).to.be.lessThan(4000);
    expect(result.ice.relay).to.equal(false);
    expect(result.ice.candidates.relay ?? 0).to.equal(0);
    expect(result.ice.candidates.host ?? 0, 'host candidates still gathered').to.be.greaterThan(0);
    expect(result.ice.ok).to.equal(false);
    expect(result.ice.error).to.contain(turn);
    expect(result.websocket.ok).to.equal(true);
    expect(result.ok).to.equal(false);
    expect(probe!.openConnections().length).to.equal(0);
  });
});

describe('checkNetwork() with a real TURN server (coturn on loopback)', () => {
  beforeEach(startProbe);
  afterEach(async () => {
    await executeServerCommand('turn-server-stop');
    await cleanUp();
  });

  it('says relay true when the TURN server allocates a relay, and false with a wrong password', async () => {
    const turn = (await executeServerCommand('turn-server')) as RTCIceServer;
    const result = await checkNetwork({ server: sipEnv().wsUrl, iceServers: [turn], timeoutMs: 5000 });
    await executeServerCommand('figure', { text: `checkNetwork with coturn: ICE ${result.ice.ms} ms ${JSON.stringify(result.ice.candidates)}` });
    expect(result.ice.relay, result.ice.error).to.equal(true);
    expect(result.ice.candidates.relay ?? 0, JSON.stringify(result.ice.candidates)).to.be.greaterThan(0);
    expect(result.ice.ok).to.equal(true);
    expect(result.ok).to.equal(true);
    const refused = await checkNetwork({ server: sipEnv().wsUrl, iceServers: [{ ...turn, credential: 'wrong' }], timeoutMs: 3000 });
    expect(refused.ice.relay, 'a refused allocation').to.equal(false);
    expect(refused.ice.ok).to.equal(false);
    expect(refused.ice.error).to.contain(String(turn.urls));
    expect(probe!.openConnections().length).to.equal(0);
  });
});

describe('switchAccessPoint() of a <cc-workbench> through Kamailio', () => {
  let sockets: SocketProbe;
  beforeEach(() => {
    startProbe();
    sockets = new SocketProbe().install();
  });
  afterEach(async () => {
    sockets.uninstall();
    await cleanUp();
  });

  /** Access points "a" (the harness's URL) and "b" (the same Kamailio through localhost). */
  const points = (): { a: string; b: string; attribute: string } => {
    const a = sipEnv().wsUrl;
    const b = otherUrl(a);
    return { a, b, attribute: JSON.stringify([{ name: 'a', server: a }, { name: 'b', server: b, iceServers: [{ urls: 'stun:127.0.0.1:3478' }] }]) };
  };

  it('refuses a bad access-points attribute with 7100 naming it, and an unknown name with 7101', async () => {
    const agent = await mountAgent('1001', { 'access-points': '[{"name": "a", ' });
    const bad = await rejection(switchAccessPoint(agent.el, 'a'));
    expect(bad.errorCode).to.equal(ERROR.configInvalid);
    expect(bad.errorMsg).to.contain('access-points is not valid JSON');
    agent.el.setAttribute('access-points', JSON.stringify([{ name: 'a', server: 'https://pbx.example.com/ws' }]));
    const entry = await rejection(switchAccessPoint(agent.el, 'a'));
    expect(entry.errorCode).to.equal(ERROR.configInvalid);
    expect(entry.errorMsg).to.contain('access-points [0] ("a")').and.contain('https://pbx.example.com/ws').and.contain('ws://');
    agent.el.setAttribute('access-points', JSON.stringify([{ name: 'a', server: 'ws://x' }, { name: 'a', server: 'ws://y' }]));
    expect(() => readAccessPoints(agent.el)).to.throw('the name "a" is used twice');
    agent.el.setAttribute('access-points', JSON.stringify([{ name: 'a', server: 'ws://x', iceServers: 'stun:x' }]));
    expect(() => readAccessPoints(agent.el)).to.throw('"iceServers" must be an array');
    agent.el.setAttribute('access-points', points().attribute);
    const unknown = await rejection(switchAccessPoint(agent.el, 'c'));
    expect(unknown.errorCode).to.equal(ERROR.invalidArgument);
    expect(unknown.errorMsg).to.contain('"c"').and.contain('default, a, b');
  });

  it('moves a ready agent from access point a to b without a reload: registers through b, ready again, takes a call', async () => {
    const { a, b, attribute } = points();
    const agent = await readyAgent('1001', { 'access-points': attribute });
    expect(currentAccessPoint(agent.el)).to.equal('a');
    const before = agent.el.phone;
    expect(sockets.open()).to.deep.equal([`${a}/`]);

    await switchAccessPoint(agent.el, 'b');
    expect(agent.el.phone, 'a new phone').to.not.equal(before);
    expect(agent.el.getAttribute('server')).to.equal(b);
    expect(JSON.parse(agent.el.getAttribute('ice-servers')!)).to.deep.equal([{ urls: 'stun:127.0.0.1:3478' }]);
    expect(currentAccessPoint(agent.el)).to.equal('b');
    expect(agent.code(), 'back to ready').to.equal(STATUS.ready);
    await waitFor(() => sockets.open().join() === `${b}/`, `only the socket to ${b} open (open: ${sockets.open().join()})`);
    expect(agent.of('cc-registered').length, 'registered once through a, once through b').to.equal(2);

    const { call } = await connectInbound(agent);
    await packetsGrow(call.session.connection, 'the customer hears the agent through b');
    await agent.el.hangUp();
    await call.ended;
    await waitFor(() => agent.code() === STATUS.afterCall, 'after-call work');

    // And back: 'default' is the server the element had before its first switch.
    await agent.el.ready();
    await switchAccessPoint(agent.el, 'default');
    expect(agent.el.getAttribute('server')).to.equal(a);
    expect(agent.el.hasAttribute('ice-servers')).to.equal(false);
    expect(agent.code()).to.equal(STATUS.ready);
    await waitFor(() => sockets.open().join() === `${a}/`, `only the socket to ${a} open`);
  });

  it('waits for the call and its after-call work before switching, then brings the agent back on break with the same reason', async () => {
    const { b, attribute } = points();
    const agent = await readyAgent('1001', { 'access-points': attribute });
    const { call } = await connectInbound(agent);
    const phone = agent.el.phone;
    let switched = false;
    const switching = switchAccessPoint(agent.el, 'b').then(() => {
      switched = true;
    });
    await sleep(1000);
    expect(agent.el.phone, 'the call keeps its phone').to.equal(phone);
    expect(agent.code()).to.equal(STATUS.inboundTalk);
    expect(switched).to.equal(false);
    await packetsGrow(call.session.connection, 'the call goes on while the switch waits');

    call.session.terminate();
    await waitFor(() => agent.code() === STATUS.afterCall, 'after-call work');
    await sleep(500);
    expect(agent.el.phone, 'after-call work keeps its phone').to.equal(phone);
    expect(currentAccessPoint(agent.el)).to.equal('a');
    await agent.el.applyForBreak('lunch');
    await switching;
    expect(agent.el.phone).to.not.equal(phone);
    expect(currentAccessPoint(agent.el)).to.equal('b');
    expect(agent.code()).to.equal(STATUS.break);
    expect(agent.el.phone!.view.breakReason).to.equal('lunch');
    await waitFor(() => sockets.open().join() === `${b}/`, `only the socket to ${b} open`);
  });

  it('refuses with 7006 naming the access point when its server cannot be reached, and the agent stays ready where it was', async () => {
    const { a } = points();
    const dead = `ws://127.0.0.1:${closedPort(a)}`;
    const agent = await readyAgent('1001', { 'access-points': JSON.stringify([{ name: 'a', server: a }, { name: 'dead', server: dead }]) });
    const phone = agent.el.phone;
    const started = performance.now();
    const error = await rejection(switchAccessPoint(agent.el, 'dead'));
    expect(performance.now() - started).to.be.lessThan(5000);
    expect(error.errorCode).to.equal(ERROR.connectionLost);
    expect(error.errorMsg).to.contain('access point "dead" cannot be reached').and.contain(dead).and.contain('stays on "a"');
    expect(agent.el.phone).to.equal(phone);
    expect(agent.el.getAttribute('server')).to.equal(a);
    expect(agent.code()).to.equal(STATUS.ready);
    expect(sockets.open()).to.deep.equal([`${a}/`]);
  });

  it('rejects with 7020 when the new phone does not register in time, and the next switch restores the status', async () => {
    const { a } = points();
    const agent = await mountAgent('1001', { 'auto-register': '', 'access-points': JSON.stringify([{ name: 'late', server: a.replace(/\/?$/, '/late') }]) });
    await waitFor(() => agent.code() === STATUS.offline, 'registered by auto-register');
    await agent.el.logIn();
    // The probe's socket opens; the phone's are held back, as behind a proxy that stalls SIP.
    const Probed = window.WebSocket;
    let held = 0;
    window.WebSocket = class extends Probed {
      constructor(url: string | URL, protocols?: string | string[]) {
        const late = String(url).endsWith('/late') && held++ > 0;
        super(late ? `ws://127.0.0.1:${closedPort(a)}` : url, protocols);
      }
    };
    try {
      const error = await rejection(switchAccessPoint(agent.el, 'late'));
      expect(error.errorCode).to.equal(ERROR.timeout);
      expect(error.errorMsg).to.contain('no registration through access point "late" within 20 s');
      expect(agent.code()).to.be.lessThan(STATUS.offline);
      await switchAccessPoint(agent.el, 'default');
      expect(agent.code(), 'ready as before the failed switch').to.equal(STATUS.ready);
      expect(sockets.open()).to.deep.equal([`${a}/`]);
    } finally {
      window.WebSocket = Probed;
    }
  });
});
