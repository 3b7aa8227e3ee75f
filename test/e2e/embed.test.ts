// The embed page (dist/embed.html) in a cross-origin frame, driven only through the built host
// client (dist/embed-client.js, dist/embed-client.iife.js), with real calls through Kamailio.
// Three loopback origins: this test page (the host, http://localhost:PORT), the embed frame's
// and an intruder's (test/support/embed-origins.mjs). The frame is cross-origin: what its element
// fired is read with the runner's browser (executeServerCommand('embed-frame-eval')), and the
// calls' facts from the JsSIP peer on the other end. `npm test` builds dist/ before this runs.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { ERROR, STATUS } from '../../machines/agent-types.js';
import type * as ClientModule from '../../src/embed/embed-client.js';
import type { CcEmbedClient, EmbedRequestEvent } from '../../src/embed/embed-client.js';
import { EMBED_EVENTS } from '../../src/embed/protocol.js';
import { openPeer, packetsGrow, sipEnv, sleep, testUser, waitFor } from '../support/e2e.js';
import type { OpenPeer } from '../support/e2e.js';

/** Variables, so neither TypeScript nor the test bundler touches the built files. */
const DIST_CLIENT = '/dist/embed-client.js';
const DIST_CLIENT_IIFE = '/dist/embed-client.iife.js';
const EVENT_NAMES = Object.keys(EMBED_EVENTS);

interface Seen {
  readonly name: string;
  readonly detail: unknown;
}
type Detail = Record<string, unknown>;

/** Every cc-* event a client dispatched, with a copy of its detail taken when it arrived. */
function record(client: EventTarget): { seen: Seen[]; of(name: string): Detail[] } {
  const seen: Seen[] = [];
  for (const name of EVENT_NAMES) {
    client.addEventListener(name, (event) => seen.push({ name, detail: JSON.parse(JSON.stringify((event as CustomEvent).detail ?? null)) as unknown }));
  }
  return { seen, of: (name) => seen.filter((s) => s.name === name).map((s) => s.detail as Detail) };
}

/** Runs `expression` in the framed page whose address starts with `src`. */
function frameEval<T>(src: string, expression: string): Promise<T> {
  return executeServerCommand<T, { url: string; expression: string }>('embed-frame-eval', { url: src, expression });
}

/** Starts recording, inside the frame, every cc-* event its element fires (as the bridge makes it postable). */
const FRAME_RECORDER = `(() => {
  window.__seen = [];
  for (const name of ${JSON.stringify(EVENT_NAMES)}) {
    window.ccEmbed.element.addEventListener(name, (e) =>
      window.__seen.push({ name, detail: name === 'cc-init' ? {} : JSON.parse(JSON.stringify(e.detail ?? null)) }));
  }
  return true;
})()`;

let origins: { frame: string; intruder: string };
const frames: HTMLIFrameElement[] = [];
const clients: CcEmbedClient[] = [];
const peers: OpenPeer[] = [];

/** The embed page's address on the frame origin with these parameters. */
function embedSrc(params: Record<string, string>): string {
  return `${origins.frame}/dist/embed.html?${new URLSearchParams(params).toString()}`;
}

/** An `<iframe allow="microphone; autoplay">` of the embed page, in this page. */
function addFrame(src: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.allow = 'microphone; autoplay';
  frame.title = 'embedded workbench';
  frame.style.cssText = 'width:360px;height:560px;border:0';
  frame.src = src;
  document.body.append(frame);
  frames.push(frame);
  return frame;
}

/** The agent's parameters: SIP from the test's Kamailio, DTMF by SIP INFO (which the peer logs). */
function agentParams(user: string, extra: Record<string, string> = {}): Record<string, string> {
  return { server: sipEnv().wsUrl, 'sip-uri': testUser(user).uri, 'dtmf-mode': 'info', 'after-call': 'manual', lang: 'en', ...extra };
}

async function connected(frame: HTMLIFrameElement, options: Partial<ClientModule.ConnectOptions> = {}): Promise<CcEmbedClient> {
  const { connect } = (await import(DIST_CLIENT)) as typeof ClientModule;
  const client = connect(frame, { origin: origins.frame, ...options });
  clients.push(client);
  await client.connected;
  return client;
}

/** `user`'s workbench in a frame that allows this page, registered and logged in through the client. */
async function signedIn(user: string) {
  const src = embedSrc(agentParams(user, { 'allowed-origins': location.origin }));
  const frame = addFrame(src);
  const client = await connected(frame);
  const log = record(client);
  await client.set('password', testUser(user).password);
  await client.register();
  await client.logIn();
  return { src, frame, client, log };
}

async function customer(user: string, setup?: Parameters<typeof openPeer>[1]): Promise<OpenPeer> {
  const p = await openPeer(user, setup);
  peers.push(p);
  return p;
}

/** The rejection of `promise` (null when it resolved). */
const rejection = <T>(promise: Promise<T>): Promise<{ errorCode: number; errorMsg: string } | null> =>
  promise.then(
    () => null,
    (error: { errorCode: number; errorMsg: string }) => error,
  );

describe('the embed page in a cross-origin frame, driven through the host client', () => {
  before(async () => {
    const { origins: list } = await executeServerCommand<{ origins: string[] }, undefined>('embed-origins');
    origins = { frame: list[0]!, intruder: list[1]! };
    expect(new URL(origins.frame).origin).to.not.equal(location.origin);
  });

  afterEach(async () => {
    // Unregistered first: the next test file may register the same agent.
    await Promise.all(clients.map((client) => Promise.race([client.unregister().catch(() => undefined), sleep(3000)])));
    for (const client of clients.splice(0)) client.close();
    for (const p of peers.splice(0)) p.close();
    for (const frame of frames.splice(0)) frame.remove();
    await sleep(200);
  });

  it('registers, logs in, answers a real call, holds, sends DTMF and hangs up; every event arrives with its detail', async () => {
    const agent = testUser('1001');
    const src = embedSrc(agentParams('1001', { 'allowed-origins': location.origin }));
    const frame = addFrame(src);
    const client = await connected(frame);
    const log = record(client);
    // Events before the hello were kept and come after the welcome: the phone's creation at least.
    await waitFor(() => log.of('cc-init').length === 1, 'cc-init in the host');
    expect(log.of('cc-init')[0]).to.deep.equal({});
    expect(await client.getStatusCode()).to.deep.equal({ code: STATUS.unregistered, lastCode: STATUS.unregistered });
    await sleep(200);
    await frameEval(src, FRAME_RECORDER);
    const from = log.seen.length;

    await client.set('password', agent.password);
    await client.register();
    await client.logIn();
    expect(await client.getStatusCode()).to.deep.equal({ code: STATUS.ready, lastCode: STATUS.offline });

    const { peer } = await customer('13800000001');
    const call = peer.call(agent.uri);
    await waitFor(() => log.of('cc-call-incoming').length === 1, 'cc-call-incoming in the host');
    const incoming = log.of('cc-call-incoming')[0]!;
    expect(incoming).to.include({ caller: '13800000001', callee: '1001', direction: 'inbound', internal: false });
    // The peer's session id is its Call-ID followed by its From tag.
    expect(call.session.id.startsWith(String(incoming.callId)), `${call.session.id} starts with ${String(incoming.callId)}`).to.equal(true);
    expect((await client.getStatusCode()).code).to.equal(STATUS.ringing);

    const answered = (await client.answer()) as unknown as Detail;
    expect(answered).to.include({ caller: '13800000001', direction: 'inbound' });
    await call.confirmed;
    await packetsGrow(call.session.connection, 'the customer hears the agent');
    expect(log.of('cc-call-established')[0]).to.include({ callId: incoming.callId, caller: '13800000001' });

    await client.hold();
    await waitFor(() => call.events.includes('hold:remote'), 'the customer sees the hold');
    expect((await client.getStatusCode()).code).to.equal(STATUS.hold);
    await client.retrieve();
    await waitFor(() => call.events.includes('unhold:remote'), 'the customer sees the resume');

    await client.sendDtmf('42*');
    await waitFor(() => call.dtmf.join('') === '42*', 'the customer receives 4, 2, *');

    // The host refuses the first hang-up: the call stays up.
    client.addEventListener('cc-hangup-request', (e) => e.preventDefault(), { once: true });
    const refused = await rejection(client.hangUp());
    expect(refused?.errorCode).to.equal(ERROR.hangupVetoed);
    expect(refused).to.be.instanceOf(Error);
    expect(call.session.isEstablished()).to.equal(true);

    await client.hangUp();
    const ended = await call.ended;
    expect(ended.originator).to.equal('remote');
    await waitFor(() => log.of('cc-call-hangup').length === 1, 'cc-call-hangup in the host');
    expect(log.of('cc-call-hangup')[0]).to.deep.equal({ type: 'inbound', callId: incoming.callId });
    expect(log.of('cc-call-released')[0]).to.include({ callId: incoming.callId, caller: '13800000001', callee: '1001' });
    const hangupRequests = log.of('cc-hangup-request');
    expect(hangupRequests.length).to.equal(2);
    expect(hangupRequests[0]).to.include({ callId: incoming.callId });
    expect(log.of('cc-error').map((e) => e.errorCode)).to.include(ERROR.hangupVetoed);
    expect(log.of('cc-status-change').map((e) => e.code)).to.deep.equal([
      STATUS.registering,
      STATUS.offline,
      STATUS.ready,
      STATUS.ringing,
      STATUS.inboundTalk,
      STATUS.hold,
      STATUS.inboundTalk,
      STATUS.afterCall,
    ]);

    // Exactly what the element fired in the frame, in order, with the same details.
    let fired: Seen[] = [];
    await waitFor(async () => {
      fired = await frameEval<Seen[]>(src, 'window.__seen');
      return fired.length === log.seen.length - from;
    }, 'the host heard as many events as the frame fired');
    expect(log.seen.slice(from)).to.deep.equal(fired);
    expect(fired.length).to.be.greaterThan(15);
  });

  it('lets the host veto a dial (no INVITE reaches the peer, 7010) and rewrite the number', async () => {
    const { frame, client, log } = await signedIn('1002');
    const { peer } = await customer('13800000003', (p) => {
      p.autoAnswer = true;
    });

    client.addEventListener('cc-dial-request', (e) => e.preventDefault(), { once: true });
    const vetoed = await rejection(client.call('13800000003'));
    expect(vetoed?.errorCode).to.equal(ERROR.dialVetoed);
    expect(log.of('cc-dial-request')[0]).to.include({ callee: '13800000003' });
    // A host that asks its own server first: waitUntil, then false.
    client.addEventListener('cc-dial-request', (e) => (e as EmbedRequestEvent).waitUntil(sleep(300).then(() => false)), { once: true });
    const vetoedLater = await rejection(client.call('13800000003'));
    expect(vetoedLater?.errorCode).to.equal(ERROR.dialVetoed);
    await sleep(1000);
    expect(peer.calls.length, 'INVITEs that reached the customer').to.equal(0);
    expect((await client.getStatusCode()).code).to.equal(STATUS.ready);

    // The number without its leading 1 does not exist; the host's rewrite puts it back.
    client.addEventListener(
      'cc-dial-request',
      (e) => {
        const detail = (e as CustomEvent<{ callee: string }>).detail;
        detail.callee = `1${detail.callee}`;
      },
      { once: true },
    );
    const answered = (await client.call('3800000003')) as unknown as Detail;
    expect(answered).to.include({ callee: '13800000003', direction: 'outbound' });
    expect(peer.calls.length).to.equal(1);
    expect((await client.getStatusCode()).code).to.equal(STATUS.outboundTalk);
    expect(log.of('cc-dial-request').at(-1)).to.include({ callee: '3800000003', originalCallee: '3800000003' });
    expect(log.of('cc-call-dialing').at(-1)).to.include({ callee: '13800000003' });
    await client.hangUp();
    await peer.calls[0]!.ended;

    // A reloaded frame knows no host: the client says hello again and hears the new page.
    await client.unregister();
    const inits = log.of('cc-init').length;
    frame.src = `${frame.src}`;
    await waitFor(() => log.of('cc-init').length === inits + 1, 'cc-init of the reloaded frame', 15_000);
    expect(await client.getStatusCode()).to.deep.equal({ code: STATUS.unregistered, lastCode: STATUS.unregistered });
  });

  it('ignores messages from a third origin and from a sibling frame of the host origin (no call, counted); the client ignores forged replies', async () => {
    const { src, frame, client, log } = await signedIn('1003');
    const { peer } = await customer('13800000002', (p) => {
      p.autoAnswer = true;
    });
    const before = await client.stats();

    const index = [...Array(window.frames.length).keys()].find((i) => window.frames[i] === frame.contentWindow);
    expect(index).to.not.equal(undefined);
    const reports: { intruder: string; sent: number; received: unknown[] }[] = [];
    const onReport = (event: MessageEvent) => {
      const data = event.data as { intruder?: string };
      if (data && typeof data.intruder === 'string') reports.push(event.data as (typeof reports)[number]);
    };
    addEventListener('message', onReport);
    try {
      // The intruder's page on a third origin; the same page on this page's own (allowed)
      // origin, a sibling frame, not the embed frame's parent; and on the embed frame's origin,
      // whose forged replies to this page come from a window that is not the frame's.
      const query = `?frame=${index}&callee=13800000002`;
      const at = [origins.intruder, location.origin, origins.frame];
      for (const origin of at) {
        const intruder = document.createElement('iframe');
        intruder.src = `${origin}/test/support/embed-intruder.html${query}`;
        document.body.append(intruder);
        frames.push(intruder);
      }
      await waitFor(() => reports.length === at.length, 'every intruder reported');
    } finally {
      removeEventListener('message', onReport);
    }
    expect(reports.map((r) => r.intruder).sort()).to.deep.equal([origins.intruder, location.origin, origins.frame].sort());
    for (const report of reports) expect(report.received, `messages that reached ${report.intruder}`).to.deep.equal([]);
    await sleep(1000);
    const after = await client.stats();
    expect(peer.calls.length, 'calls placed').to.equal(0);
    // The intruders' forged frame messages to this page were not taken for the frame's.
    expect(log.of('cc-call-incoming'), 'forged events').to.deep.equal([]);
    expect(log.of('cc-dial-request'), 'forged requests').to.deep.equal([]);
    expect(after.ignored - before.ignored).to.equal(reports.reduce((n, r) => n + r.sent, 0));
    expect(after.accepted - before.accepted, 'only this stats request').to.equal(1);
    expect(await client.getStatusCode()).to.deep.equal({ code: STATUS.ready, lastCode: STATUS.offline });
    expect(await frameEval<number>(src, 'window.ccEmbed.stats.ignored')).to.equal(after.ignored);
    // Still registered with the host's password and server (the intruders' set was not applied).
    expect(await frameEval<string>(src, 'window.ccEmbed.element.getAttribute("server")')).to.equal(sipEnv().wsUrl);
  });

  it('posts nothing at all to a host page whose origin is not in allowed-origins, while the frame auto-registers', async () => {
    const agent = testUser('1004');
    const src = embedSrc(agentParams('1004', { 'auto-register': '', 'allowed-origins': origins.intruder }));
    const heard: MessageEvent[] = [];
    const onMessage = (event: MessageEvent) => heard.push(event);
    addEventListener('message', onMessage);
    try {
      const frame = addFrame(src);
      const { connect } = (await import(DIST_CLIENT)) as typeof ClientModule;
      const client = connect(frame, { origin: origins.frame, timeoutMs: 3000 });
      const refused = await rejection(client.connected);
      expect(refused?.errorCode).to.equal(ERROR.timeout);
      client.close();
      // The frame goes on: it registers once it has a password (given here from inside the frame).
      await frameEval(src, FRAME_RECORDER);
      await frameEval(src, `(window.ccEmbed.element.password = ${JSON.stringify(agent.password)}, true)`);
      await waitFor(
        () => frameEval<number>(src, 'window.ccEmbed.element.getStatusCode().code').then((code) => code === STATUS.offline),
        'the frame registered',
        20_000,
        250,
      );
      await sleep(1000);
      const fired = await frameEval<Seen[]>(src, 'window.__seen');
      expect(fired.map((s) => s.name)).to.include('cc-registered');
      const stats = await frameEval<{ ignored: number; accepted: number }>(src, '({ ...window.ccEmbed.stats })');
      expect(stats.accepted).to.equal(0);
      expect(stats.ignored, "this page's hellos").to.be.greaterThan(5);
      expect(heard.length, 'messages this page received').to.equal(0);
      await frameEval(src, 'window.ccEmbed.element.unregister().then(() => true)');
    } finally {
      removeEventListener('message', onMessage);
    }
  });

  it('embeds with the classic script in one call: credentials on request, auto-register, click-to-dial from tel: links', async () => {
    const agent = testUser('1005');
    const script = document.createElement('script');
    script.src = DIST_CLIENT_IIFE;
    const loaded = new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = reject;
    });
    document.head.append(script);
    await loaded;
    const CcEmbed = (window as unknown as { CcEmbed: typeof ClientModule }).CcEmbed;
    const box = document.createElement('div');
    box.style.cssText = 'width:360px;height:560px';
    document.body.append(box);
    let asked = 0;
    const client = CcEmbed.embed(box, {
      src: `${origins.frame}/dist/embed.html`,
      params: { ...agentParams('1005'), 'auto-register': true, 'no-header': false },
      credentials: async () => {
        asked++;
        return { password: agent.password };
      },
    });
    clients.push(client);
    frames.push(client.frame!);
    expect(client.frame!.allow).to.equal('microphone; autoplay');
    const url = new URL(client.frame!.src);
    expect(url.searchParams.get('allowed-origins')).to.equal(location.origin);
    expect(url.searchParams.has('auto-register')).to.equal(true);
    expect(url.searchParams.has('no-header')).to.equal(false);
    expect(() => CcEmbed.embed(box, { src: `${origins.frame}/dist/embed.html`, params: { password: 'x' } })).to.throw(/secret/);
    const log = record(client);
    await client.connected;
    await waitFor(() => log.of('cc-registered').length === 1, 'registered with the password the host gave on request', 15_000);
    expect(asked).to.equal(1);
    await client.logIn();

    const { peer } = await customer('13800000004', (p) => {
      p.autoAnswer = true;
    });
    const links = document.createElement('p');
    links.innerHTML = '<a href="tel:138-0000-0004">call</a> <a href="tel:13800000004">modified</a>';
    document.body.append(links);
    const off = client.clickToDial();
    try {
      // A ctrl-click is the browser's (here nobody's: this listener keeps it from leaving the page).
      let leftAlone = false;
      const keep = (e: Event) => {
        leftAlone = !e.defaultPrevented;
        e.preventDefault();
      };
      document.addEventListener('click', keep, { once: true });
      links.querySelectorAll('a')[1]!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }));
      expect(leftAlone).to.equal(true);

      links.querySelector('a')!.click();
      await waitFor(() => log.of('cc-call-established').length === 1, 'the clicked number answered', 15_000);
      expect(log.of('cc-dial-request')[0]).to.include({ originalCallee: '13800000004' });
      expect(peer.calls.length).to.equal(1);
      await client.hangUp();
      await peer.calls[0]!.ended;
    } finally {
      off();
      links.remove();
      box.remove();
    }
  });
});
