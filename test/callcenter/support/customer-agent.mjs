// A bare "agent" for the customer tests: a JsSIP UA on werift (no workbench, no ACD) that
// answers or places calls with its own audio source and recorder, so the tests see the
// customer's media from the other end. By default it sends what Chromium's fake microphone
// sends (--use-fake-device-for-media-stream): a 400 Hz beep of 20 ms every 500 ms.
import { loadNodeJsSIP, stopUa } from '../../../demo/callcenter/media/node-jssip.mjs';
import { createAudioSource, createRecorder } from '../../../demo/callcenter/media/audio.mjs';
import { telephoneEventPayloadTypes } from '../../../demo/callcenter/media/dtmf.mjs';

/** Chromium's fake microphone (media/audio/simple_sources.cc, BeepingSource). */
export const FAKE_MIC_BEEP = Object.freeze({ kind: /** @type {const} */ ('tone'), frequency: 400, pattern: { onMs: 20, offMs: 480 }, amplitude: 0.5 });

/**
 * Resolves when `predicate()` holds (it may return a promise), polling every 20 ms; rejects
 * after `timeoutMs` with `what`.
 * @param {() => unknown} predicate
 * @param {string} what
 * @param {number} [timeoutMs]
 */
export async function waitFor(predicate, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * @typedef {object} AgentCall
 * @property {import('jssip/lib/RTCSession.js').RTCSession} session
 * @property {ReturnType<typeof createAudioSource>} source
 * @property {ReturnType<typeof createRecorder>} recorder
 * @property {any} pc werift RTCPeerConnection
 * @property {string} callerUser From user of an incoming call
 * @property {Promise<{ cause: string, originator: string }>} ended
 * @property {boolean} isEnded
 * @property {string[]} holds 'hold:remote', 'unhold:remote', ... as JsSIP reported them
 */

/**
 * @param {{ wsUrl: string, domain: string, user: string, password: string,
 *           autoAnswer?: boolean, audio?: import('../../../demo/callcenter/media/audio.mjs').AudioSourceOptions,
 *           recordSeconds?: number }} o
 *   recordSeconds: received audio kept per call (default 60; a load test with many agents keeps little)
 */
export async function startTestAgent({ wsUrl, domain, user, password, autoAnswer = true, audio = FAKE_MIC_BEEP, recordSeconds = 60 }) {
  const JsSIP = loadNodeJsSIP();
  const ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(wsUrl)], uri: `sip:${user}@${domain}`, password, register: true, session_timers: false });
  /** @type {AgentCall[]} */
  const calls = [];
  /** @type {Array<(c: AgentCall) => void>} */
  const waiters = [];

  /** A call's media, before there is a session (an outgoing call needs its stream first). */
  function prepare() {
    const source = createAudioSource(audio);
    /** @type {{ types: number[] }} */
    const events = { types: [101] };
    const recorder = createRecorder(null, { maxSeconds: recordSeconds, telephoneEventPayloadTypes: () => events.types });
    /** @type {AgentCall & { attach: (pc: any) => void, events: { types: number[] } }} */
    const call = /** @type {any} */ ({ session: null, source, recorder, pc: null, callerUser: '', isEnded: false, holds: [], events });
    call.attach = (/** @type {any} */ pc) => {
      if (!pc || call.pc === pc) return;
      call.pc = pc;
      pc.onTrack.subscribe((/** @type {any} */ t) => t.onReceiveRtp.subscribe(recorder.feed));
    };
    return call;
  }

  /** @param {any} session @param {ReturnType<typeof prepare>} call */
  function bind(session, call = prepare()) {
    const { source, recorder, events } = call;
    call.session = session;
    call.callerUser = session.remote_identity?.uri?.user;
    call.attach(session.connection);
    session.on('peerconnection', (/** @type {any} */ e) => call.attach(e.peerconnection));
    session.on('sdp', (/** @type {any} */ e) => {
      const types = telephoneEventPayloadTypes(e.sdp);
      if (types.length) events.types = types;
    });
    session.on('accepted', () => source.start());
    session.on('hold', (/** @type {any} */ e) => call.holds.push(`hold:${e.originator}`));
    session.on('unhold', (/** @type {any} */ e) => call.holds.push(`unhold:${e.originator}`));
    call.ended = new Promise((resolve) => {
      const end = (/** @type {any} */ e) => {
        call.isEnded = true;
        source.stop();
        recorder.stop();
        resolve({ cause: e.cause, originator: e.originator });
      };
      session.on('ended', end);
      session.on('failed', end);
    });
    calls.push(call);
    return call;
  }

  ua.on('newRTCSession', (/** @type {any} */ e) => {
    if (e.originator !== 'remote') return;
    const call = bind(e.session);
    if (autoAnswer) {
      e.session.answer({ mediaStream: call.source.stream, pcConfig: { iceServers: [] } });
      call.attach(e.session.connection);
    }
    for (const w of waiters.splice(0)) w(call);
  });

  await new Promise((resolve, reject) => {
    ua.once('registered', resolve);
    ua.once('registrationFailed', (/** @type {any} */ e) => reject(new Error(`agent ${user}: ${e.cause}`)));
    ua.start();
  });

  return {
    ua,
    calls,
    /** The next incoming call (or the latest one if it already arrived and was not taken). */
    nextCall(timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`agent ${user}: no incoming call within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
    },
    /**
     * Places a call (like an agent dialling a customer's number).
     * @param {string} target user at the domain
     */
    call(target) {
      const call = prepare();
      const session = ua.call(`sip:${target}@${domain}`, {
        mediaStream: /** @type {any} */ (call.source.stream),
        pcConfig: { iceServers: [] },
        eventHandlers: { peerconnection: (/** @type {any} */ e) => call.attach(e.peerconnection) },
      });
      return bind(session, call);
    },
    async stop() {
      for (const c of calls) if (!c.isEnded) c.session.terminate();
      await Promise.all(calls.map((c) => Promise.race([c.ended, new Promise((r) => setTimeout(r, 3000))])));
      await stopUa(ua);
    },
  };
}
