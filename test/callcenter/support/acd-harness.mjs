// Test phones for the ACD tests: real JsSIP UAs in Node with werift media, each sending a tone
// of its own frequency (so a recording tells whose audio arrived) and recording what it receives.
import { loadNodeJsSIP, stopUa } from '../../../demo/callcenter/media/node-jssip.mjs';
import { createAudioSource, createRecorder } from '../../../demo/callcenter/media/audio.mjs';
import { telephoneEventPayloadTypes } from '../../../demo/callcenter/media/dtmf.mjs';

const JsSIP = loadNodeJsSIP();

/**
 * JsSIP's WebSocket socket, keeping the status line and CSeq of every SIP response received, and
 * every request as the text that arrived (what was on the wire, before JsSIP parsed it).
 */
class RecordingSocket extends JsSIP.WebSocketInterface {
  /** @param {string} url */
  constructor(url) {
    super(url);
    /** @type {Array<{ status: number, cseq: string }>} */
    this.responses = [];
    /** @type {Array<{ method: string, text: string, at: number }>} */
    this.requests = [];
  }

  /** @param {{ data: unknown }} message */
  _onMessage(message) {
    const text = String(message?.data ?? '');
    const m = /^SIP\/2\.0 (\d{3})/.exec(text);
    if (m) this.responses.push({ status: Number(m[1]), cseq: /^CSeq:\s*(.+)$/im.exec(text)?.[1]?.trim() ?? '' });
    const r = /^([A-Z]+) \S+ SIP\/2\.0\r\n/.exec(text);
    if (r) this.requests.push({ method: r[1], text, at: Date.now() });
    // @ts-ignore JsSIP's own handler
    super._onMessage(message);
  }
}

/**
 * Polls `predicate` every 20 ms until it returns a truthy value; rejects after `timeout` ms.
 * @template T
 * @param {() => T} predicate
 * @param {{ timeout?: number, what?: string }} [o]
 * @returns {Promise<T>}
 */
export async function waitFor(predicate, { timeout = 8000, what = 'condition' } = {}) {
  const until = Date.now() + timeout;
  for (let i = 0; Date.now() < until && i < 10_000; i++) {
    const v = predicate();
    if (v) return v;
    await sleep(20);
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
}

/**
 * The first `name` header of a SIP message as it came off the wire (no parser involved).
 * @param {string} text the raw message
 * @param {string} name full header name, e.g. 'Reason'
 */
export function wireHeader(text, name) {
  const head = text.split('\r\n\r\n')[0];
  const line = head.split('\r\n').find((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === name.toLowerCase());
  return line === undefined ? undefined : line.slice(line.indexOf(':') + 1).trim();
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * One call as a test phone sees it.
 */
export class TestCall {
  /**
   * @param {any} session
   * @param {ReturnType<typeof createAudioSource>} source what this phone sends on the call
   */
  constructor(session, source) {
    this.session = session;
    this.source = source;
    /** @type {string[]} JsSIP events in order, e.g. 'progress:182', 'accepted', 'hold:remote' */
    this.events = [];
    /** @type {Record<string, number>} ms epoch of the first occurrence of each event */
    this.times = { created: Date.now() };
    const push = this.events.push.bind(this.events);
    this.events.push = (/** @type {string[]} */ ...names) => {
      for (const n of names) this.times[n] ??= Date.now();
      return push(...names);
    };
    /**
     * @type {{ name: string, originator: string, cause: string, status: number|null, reason: string|null, reasonHeader: string|null } | null}
     * 'failed' / 'ended' event data; `reason` is the final response's reason phrase, `reasonHeader` its Reason header
     */
    this.end = null;
    /** Audio packets received before the call was answered (early media). */
    this.earlyPackets = 0;
    this.answered = false;
    const tracks = new WeakSet();
    this.recorder = createRecorder(null, {
      telephoneEventPayloadTypes: () => telephoneEventPayloadTypes(session.connection?.remoteDescription?.sdp),
    });
    const attach = (/** @type {any} */ pc) => {
      if (!pc?.onTrack || tracks.has(pc)) return;
      tracks.add(pc);
      pc.onTrack.subscribe((/** @type {any} */ track) => {
        // werift fires onTrack again for the same track after a renegotiation.
        if (tracks.has(track)) return;
        tracks.add(track);
        track.onReceiveRtp.subscribe((/** @type {any} */ rtp) => {
          if (!this.answered) this.earlyPackets++;
          this.recorder.feed(rtp);
        });
      });
    };
    if (session.connection) attach(session.connection);
    session.on('peerconnection', (/** @type {any} */ e) => attach(e.peerconnection));
    session.on('progress', (/** @type {any} */ e) => this.events.push(`progress:${e.response?.status_code ?? 'local'}`));
    session.on('accepted', () => {
      this.answered = true;
      this.events.push('accepted');
    });
    session.on('confirmed', () => this.events.push('confirmed'));
    session.on('hold', (/** @type {any} */ e) => this.events.push(`hold:${e.originator}`));
    session.on('unhold', (/** @type {any} */ e) => this.events.push(`unhold:${e.originator}`));
    session.on('newDTMF', (/** @type {any} */ e) => {
      if (e.originator !== 'remote') return;
      this.events.push(`dtmf:${e.dtmf.tone}`);
      this.recorder.addDigit({ digit: e.dtmf.tone, event: 0, at: Date.now(), rtpTimestamp: 0, durationMs: e.dtmf.duration ?? 0, ended: true, via: 'info' });
    });
    for (const name of /** @type {const} */ (['failed', 'ended'])) {
      session.on(name, (/** @type {any} */ e) => {
        this.events.push(name);
        this.end = {
          name,
          originator: e.originator,
          cause: e.cause,
          status: e.message?.status_code ?? null,
          reason: e.message?.reason_phrase ?? null,
          reasonHeader: e.message?.getHeader?.('Reason') ?? null,
        };
        this.source.stop();
      });
    }
    this.source.start();
  }

  get ended() {
    return this.end !== null;
  }

  /**
   * Share (0..1) of the last `ms` of received audio within ±25 Hz of `frequency`.
   * @param {number} frequency @param {number} [ms]
   */
  toneShare(frequency, ms = 600) {
    return this.recorder.analyse({ lastMs: ms, frequencies: [frequency] }).tones[String(frequency)] ?? 0;
  }

  /** @param {string} name */
  has(name) {
    return this.events.includes(name);
  }

  /** Answers an incoming call that was left ringing ('manual' phones). */
  answer() {
    this.session.answer({ mediaStream: this.source.stream });
  }

  hangUp() {
    if (!this.session.isEnded()) this.session.terminate();
  }
}

/**
 * A registered JsSIP phone.
 * @param {{ wsUrl: string, domain: string, user: string, password: string, frequency: number,
 *           answer?: 'auto' | 'manual' | number, authorizationUser?: string }} o
 *   answer: 'auto' answers every call, a number rejects with that status, 'manual' leaves it ringing;
 *   authorizationUser: digest credentials of another user (a trunk calling as `user`): the phone
 *   then does not register, it only places calls
 */
export async function startPhone({ wsUrl, domain, user, password, frequency, answer = 'auto', authorizationUser }) {
  const socket = new RecordingSocket(wsUrl);
  const ua = new JsSIP.UA({
    sockets: [socket],
    uri: `sip:${user}@${domain}`,
    password,
    register: authorizationUser === undefined,
    ...(authorizationUser === undefined ? {} : { authorization_user: authorizationUser }),
  });
  /** @type {TestCall[]} */
  const incoming = [];
  /** @type {TestCall[]} */
  const all = [];
  /** @type {{ answer: 'auto' | 'manual' | number }} */
  const policy = { answer };
  /** Headers of each incoming INVITE, in order. */
  const invites = /** @type {Array<{ from: string, fromName: string, pai: string|undefined, queue: string|undefined, queueName: string|undefined, referredBy: string|undefined, jobId: string|undefined, replaces: boolean, callInfo: string|undefined, monitor: string|undefined, userData: string[], callerArea: string|undefined, callId: string, at: number }>} */ ([]);
  ua.on('newRTCSession', (/** @type {any} */ { session, originator, request }) => {
    if (originator !== 'remote') return;
    const call = new TestCall(session, createAudioSource({ kind: 'tone', frequency, amplitude: 0.3 }));
    all.push(call);
    incoming.push(call);
    invites.push({
      from: request.from.uri.user,
      fromName: request.from.display_name,
      pai: request.getHeader('P-Asserted-Identity'),
      queue: request.getHeader('X-CC-Queue'),
      queueName: request.getHeader('X-CC-Queue-Name'),
      referredBy: request.getHeader('Referred-By'),
      jobId: request.getHeader('X-CC-Job-Id'),
      callId: request.call_id,
      replaces: request.hasHeader('Replaces'),
      callInfo: request.getHeader('Call-Info'),
      monitor: request.getHeader('X-CC-Monitor'),
      // Every X-CC-User-Data line, so a duplicated header shows too.
      userData: request.getHeaders('X-CC-User-Data'),
      callerArea: request.getHeader('X-CC-Caller-Area'),
      at: Date.now(),
    });
    // A replacing INVITE (consult transfer) is answered like any other call here.
    if (policy.answer === 'auto' || request.hasHeader('Replaces')) {
      setTimeout(() => {
        if (!session.isEnded()) session.answer({ mediaStream: call.source.stream });
      }, 50);
    } else if (typeof policy.answer === 'number') {
      const status = policy.answer;
      setTimeout(() => {
        if (!session.isEnded()) session.terminate({ status_code: status });
      }, 50);
    }
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${user} did not register`)), 8000);
    ua.once(authorizationUser === undefined ? 'registered' : 'connected', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    ua.once('registrationFailed', (/** @type {any} */ e) => {
      clearTimeout(timer);
      reject(new Error(`${user}: registration failed: ${e.cause}`));
    });
    ua.start();
  });
  // The consult dialog's 'replaces' event: accept, so the replacing INVITE becomes a new session.
  const watchReplaces = (/** @type {any} */ session) =>
    session.on('replaces', (/** @type {any} */ e) => e.accept());
  ua.on('newRTCSession', (/** @type {any} */ { session }) => watchReplaces(session));

  return {
    user,
    ua,
    /** SIP responses this phone received, in order. */
    responses: socket.responses,
    /** SIP requests this phone received, as raw text, in order. */
    requests: socket.requests,
    incoming,
    invites,
    policy,
    /**
     * Calls `target` (a user or queue).
     * @param {string} target
     * @param {string[]} [extraHeaders]
     */
    call(target, extraHeaders = []) {
      const source = createAudioSource({ kind: 'tone', frequency, amplitude: 0.3 });
      const session = ua.call(`sip:${target}@${domain}`, {
        mediaStream: /** @type {any} */ (source.stream),
        extraHeaders,
        pcConfig: { iceServers: [] },
        eventHandlers: {},
      });
      const call = new TestCall(session, source);
      all.push(call);
      return call;
    },
    /** The next incoming call after `count` earlier ones. @param {number} [index] */
    async nextIncoming(index = incoming.length, timeout = 8000) {
      return waitFor(() => incoming[index], { timeout, what: `incoming call #${index + 1} at ${user}` });
    },
    /**
     * The phone's page reloaded or crashed: its audio stops and its socket closes, with no BYE and
     * no reconnection (what the SIP side of a closed browser tab looks like).
     */
    crash() {
      // Socket first: JsSIP would send a BYE for a session whose media fails.
      ua._transport.disconnect();
      for (const c of all) c.source.stop();
    },
    async close() {
      for (const c of all) {
        try {
          if (!c.session.isEnded()) c.session.terminate();
        } catch {
          // already ending
        }
        c.source.stop();
        c.recorder.stop();
      }
      await sleep(100);
      await stopUa(ua);
    },
  };
}
