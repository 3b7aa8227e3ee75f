// One simulated customer: a single call on the shared `pstn` JsSIP UA, with real audio both
// ways (a werift peer sending a tone or a melody, a recorder analysing what the agent sends),
// DTMF both ways (RFC 4733, plus SIP INFO received), hold in both directions and hang-up.
// The customer either places the call (`call()`, e.g. into a queue) or answers one
// (`answerIncoming()`, e.g. an agent dialling +8613800000000), automatically after a delay.
import { EventEmitter } from 'node:events';
import { createAudioSource, createRecorder } from '../media/audio.mjs';
import { isDtmfString, telephoneEventPayloadTypes } from '../media/dtmf.mjs';
import { USER_DATA_HEADER } from '../user-data.mjs';

/**
 * idle: not started; dialing: INVITE sent; queued: a 182 (Queued) came back; ringing: the far
 * end is alerting (180/183), or, for a call to the customer, the customer's phone is ringing;
 * talking: answered; held: on hold (either side); ended: over, everything released.
 * @typedef {'idle'|'dialing'|'queued'|'ringing'|'talking'|'held'|'ended'} CustomerState
 */
export const CUSTOMER_STATES = Object.freeze(['idle', 'dialing', 'queued', 'ringing', 'talking', 'held', 'ended']);

/** How long a customer phone lets a call ring before giving up (SIP 480), like a real handset. */
const INCOMING_RING_LIMIT_MS = 60_000;

/**
 * @typedef {import('../media/audio.mjs').AudioSourceOptions} AudioSourceOptions
 * @typedef {{ info: (...a: unknown[]) => void, warn: (...a: unknown[]) => void }} Logger
 */

/**
 * @typedef {object} CustomerSnapshot
 * @property {string} id
 * @property {'outgoing'|'incoming'} direction outgoing: the customer called; incoming: the customer was called
 * @property {string} from  calling party (a customer number for outgoing calls)
 * @property {string} to    called party (a queue, an extension, or the customer's number)
 * @property {CustomerState} state
 * @property {number} createdAt ms epoch
 * @property {number|null} queuedSince  first 182
 * @property {number|null} ringingSince
 * @property {number|null} talkingSince answered
 * @property {number|null} endedAt
 * @property {string|null} endCause     JsSIP cause (Terminated, BYE, Busy, Canceled, ...)
 * @property {'local'|'remote'|'system'|null} endedBy
 * @property {boolean} held
 * @property {'local'|'remote'|'both'|null} heldBy
 * @property {number} holdCount         times the remote side put the customer on hold
 * @property {number} packetsIn
 * @property {number} packetsOut
 * @property {string} dtmfReceived      digits received (RFC 4733 and SIP INFO)
 * @property {string} dtmfSent
 * @property {string|null} sipCallId
 * @property {string|null} remoteIdentity who answered / who called, as the SIP signalling says
 * @property {string} userData          the call's X-CC-User-Data: what the customer sent (outgoing), or
 *   what the INVITE to it carried (incoming, e.g. an agent's call with the host's data); '' when none
 */

export class Customer extends EventEmitter {
  /**
   * @param {{ id: string, ua: import('jssip').UA, domain: string, direction: 'outgoing'|'incoming',
   *           from: string, to: string, audio?: AudioSourceOptions, answerDelayMs?: number,
   *           recordSeconds?: number, log?: Logger, displayName?: string, userData?: string }} o
   *   userData: checked by the caller (user-data.mjs); sent with an outgoing call, or received with an incoming one
   */
  constructor({ id, ua, domain, direction, from, to, audio = { kind: 'tone', frequency: 440 }, answerDelayMs = 1000, recordSeconds = 60, log, displayName, userData = '' }) {
    super();
    this.id = id;
    this.ua = ua;
    this.domain = domain;
    this.direction = direction;
    this.from = from;
    this.to = to;
    this.displayName = displayName;
    this.userData = userData;
    this.answerDelayMs = answerDelayMs;
    this.log = log ?? { info() {}, warn() {} };
    /** @type {CustomerState} */
    this.state = 'idle';
    this.createdAt = Date.now();
    /** @type {number|null} */ this.queuedSince = null;
    /** @type {number|null} */ this.ringingSince = null;
    /** @type {number|null} */ this.talkingSince = null;
    /** @type {number|null} */ this.endedAt = null;
    /** @type {string|null} */ this.endCause = null;
    /** @type {'local'|'remote'|'system'|null} */ this.endedBy = null;
    /** @type {string|null} */ this.remoteIdentity = null;
    this.localHold = false;
    this.remoteHold = false;
    this.holdCount = 0;
    this.dtmfSent = '';
    /** @type {import('jssip/lib/RTCSession.js').RTCSession|null} */
    this.session = null;
    /** @type {import('werift').RTCPeerConnection|null} the call's peer connection (kept after the end, closed) */
    this.peerConnection = null;
    /** Telephone-event payload types of this session, from both SDPs (Chromium: 126, werift: 101). */
    /** @type {number[]} */
    this.eventPayloadTypes = [101];
    /** @type {number[]|null} */
    this.sdpEventTypes = null;
    /** @type {string|null} */
    this.sipCallId = null;
    this.source = createAudioSource(audio);
    this.recorder = createRecorder(null, {
      maxSeconds: recordSeconds,
      telephoneEventPayloadTypes: () => this.eventPayloadTypes,
      onDigit: (d) => this.emit('dtmf', d),
    });
    /** @type {Array<() => void>} */
    this.releases = [];
    /** @type {NodeJS.Timeout|null} */
    this.answerTimer = null;
    /** @type {Promise<void>} resolves when the call ended and everything was released */
    this.ended = new Promise((resolve) => this.once('ended', () => resolve()));
  }

  /**
   * Places the call: `target` is a user at the service's domain (`sales`, `1002`) or a SIP URI.
   * Resolves once the INVITE went out (the outcome arrives as state changes).
   * @param {string} [target] defaults to `this.to`
   * @param {{ from?: string, extraHeaders?: string[] }} [options] from: the calling number
   *   (JsSIP's `fromUserName`: the trunk authenticates, the From shows the customer)
   */
  call(target = this.to, { from = this.from, extraHeaders = [] } = {}) {
    if (this.state !== 'idle') throw new Error(`customer ${this.id}: call() in state ${this.state}`);
    const uri = target.startsWith('sip:') ? target : `sip:${target}@${this.domain}`;
    this.setState('dialing');
    const fromUserName = from && from !== /** @type {any} */ (this.ua).configuration?.uri?.user ? from : undefined;
    const session = this.ua.call(uri, {
      mediaStream: /** @type {MediaStream} */ (/** @type {unknown} */ (this.source.stream)),
      pcConfig: { iceServers: [] },
      fromUserName,
      fromDisplayName: this.displayName,
      extraHeaders: this.direction === 'outgoing' && this.userData ? [...extraHeaders, `${USER_DATA_HEADER}: ${this.userData}`] : extraHeaders,
      eventHandlers: {
        // emitted inside ua.call(), before it returns
        peerconnection: (/** @type {{ peerconnection: unknown }} */ e) => this.attachPeerConnection(e.peerconnection),
        sending: (/** @type {{ request: { call_id: string } }} */ e) => {
          this.sipCallId = e.request.call_id;
        },
      },
    });
    this.bindSession(session);
  }

  /**
   * Takes an incoming session (the call center calling this customer's number) and answers it
   * after `answerDelayMs` (a negative delay: never, the call rings until the caller gives up).
   * @param {import('jssip/lib/RTCSession.js').RTCSession} session
   * @param {{ call_id?: string }} [request] the INVITE
   */
  answerIncoming(session, request) {
    this.sipCallId = request?.call_id ?? null;
    this.bindSession(session);
    this.remoteIdentity = session.remote_identity?.uri?.user ?? null;
    this.setState('ringing');
    if (this.answerDelayMs < 0) return;
    this.answerTimer = setTimeout(() => {
      this.answerTimer = null;
      this.answer();
    }, Math.min(this.answerDelayMs, INCOMING_RING_LIMIT_MS));
  }

  /** Answers a ringing incoming call now. */
  answer() {
    if (this.state !== 'ringing' || this.direction !== 'incoming' || !this.session) return false;
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.answerTimer = null;
    this.session.answer({
      mediaStream: /** @type {MediaStream} */ (/** @type {unknown} */ (this.source.stream)),
      pcConfig: { iceServers: [] },
    });
    if (this.session.connection) this.attachPeerConnection(this.session.connection);
    return true;
  }

  /**
   * @param {import('jssip/lib/RTCSession.js').RTCSession} session
   * @private
   */
  bindSession(session) {
    this.session = session;
    if (session.connection) this.attachPeerConnection(session.connection);
    const on = (/** @type {string} */ name, /** @type {(...a: any[]) => void} */ fn) => {
      session.on(/** @type {any} */ (name), fn);
      this.releases.push(() => session.off(/** @type {any} */ (name), fn));
    };
    on('peerconnection', (e) => this.attachPeerConnection(e.peerconnection));
    on('sdp', (e) => {
      // both SDPs: what the remote sends events with is normally its own number, mirrored
      const types = telephoneEventPayloadTypes(e.sdp);
      if (!types.length) return;
      this.sdpEventTypes = [...new Set([...(this.sdpEventTypes ?? []), ...types])].slice(-8);
      this.eventPayloadTypes = this.sdpEventTypes;
    });
    on('progress', (e) => {
      if (e.originator !== 'remote' || !e.response) return;
      const code = e.response.status_code;
      if (code === 182) {
        this.queuedSince ??= Date.now();
        this.setState('queued');
      } else if (code === 180 || code === 183) {
        this.setState('ringing');
      }
    });
    on('accepted', (e) => {
      if (this.direction === 'outgoing') this.remoteIdentity = e.response?.to?.uri?.user ?? this.to;
      this.talkingSince ??= Date.now();
      this.source.start();
      this.setState('talking');
    });
    on('hold', (e) => {
      if (e.originator === 'remote') {
        this.remoteHold = true;
        this.holdCount++;
        // held with a=sendonly: the other side wants no media from the customer until resumed
        this.source.setPaused(true);
      } else this.localHold = true;
      this.updateHoldState();
      this.emit('hold', { originator: e.originator });
    });
    on('unhold', (e) => {
      if (e.originator === 'remote') {
        this.remoteHold = false;
        this.source.setPaused(false);
      } else this.localHold = false;
      this.updateHoldState();
      this.emit('unhold', { originator: e.originator });
    });
    on('newDTMF', (e) => {
      if (e.originator !== 'remote') return;
      this.recorder.addDigit({
        digit: String(e.dtmf.tone).toUpperCase(),
        event: '0123456789*#ABCD'.indexOf(String(e.dtmf.tone).toUpperCase()),
        at: Date.now(),
        rtpTimestamp: -1,
        durationMs: Number(e.dtmf.duration) || 0,
        ended: true,
        via: 'info',
      });
    });
    on('ended', (e) => this.finish(e.cause, e.originator));
    on('failed', (e) => this.finish(e.cause, e.originator));
  }

  /**
   * Subscribes the recorder to every remote track of the call's peer connection (once per PC).
   * @param {any} pc werift RTCPeerConnection
   * @private
   */
  attachPeerConnection(pc) {
    if (!pc || this.peerConnection === pc) return;
    this.peerConnection = pc;
    /** @type {Set<unknown>} */
    const tracks = new Set();
    const subscribeTrack = (/** @type {any} */ track) => {
      if (tracks.has(track) || track.kind !== 'audio') return;
      tracks.add(track);
      const sub = track.onReceiveRtp.subscribe((/** @type {any} */ rtp) => this.recorder.feed(rtp));
      this.releases.push(() => sub.unSubscribe());
    };
    const sub = pc.onTrack.subscribe(subscribeTrack);
    this.releases.push(() => sub.unSubscribe());
    // ICE or DTLS gave up: a call without media would otherwise sit in the list forever
    const stateSub = pc.connectionStateChange?.subscribe((/** @type {string} */ state) => {
      if (state !== 'failed' || this.state === 'ended') return;
      this.log.warn(`customer ${this.id}: media connection failed, hanging up`);
      try {
        this.session?.terminate({ cause: 'RTP Timeout', status_code: 408, reason_phrase: 'Media Failed' });
      } catch {
        this.finish('RTP Timeout', 'system');
      }
    });
    if (stateSub) this.releases.push(() => stateSub.unSubscribe());
  }

  /** @private */
  updateHoldState() {
    if (this.state === 'ended') return;
    if (this.localHold || this.remoteHold) this.setState('held');
    else if (this.talkingSince !== null) this.setState('talking');
  }

  /**
   * @param {CustomerState} state
   * @private
   */
  setState(state) {
    if (this.state === state || this.state === 'ended') return;
    const previous = this.state;
    this.state = state;
    if (state === 'ringing') this.ringingSince ??= Date.now();
    this.log.info(`customer ${this.id} (${this.from} -> ${this.to}): ${previous} -> ${state}`);
    this.emit('state', { state, previous });
  }

  /**
   * Releases the audio source, recorder subscriptions, timers and the session's listeners.
   * JsSIP closes the peer connection itself when the session ends.
   * @param {string} cause
   * @param {'local'|'remote'|'system'} originator
   * @private
   */
  finish(cause, originator) {
    if (this.state === 'ended') return;
    this.endCause = cause ?? null;
    this.endedBy = originator ?? null;
    this.endedAt = Date.now();
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.answerTimer = null;
    this.source.stop();
    this.recorder.stop();
    for (const release of this.releases.splice(0)) release();
    // JsSIP closes it in _close(); closing again is a no-op, and covers a session that failed
    // before JsSIP kept a reference to it
    try {
      if (this.peerConnection && this.peerConnection.connectionState !== 'closed') void this.peerConnection.close();
    } catch {}
    this.setState('ended');
    this.emit('ended', { cause: this.endCause, originator: this.endedBy });
  }

  /** Hangs up (CANCEL, reject with 486, or BYE, whichever fits). Resolves once ended. */
  hangUp() {
    if (this.state === 'ended') return this.ended;
    if (this.state === 'idle' || !this.session) {
      this.finish('Canceled', 'local');
      return this.ended;
    }
    try {
      this.session.terminate(this.state === 'ringing' && this.direction === 'incoming' ? { status_code: 486 } : undefined);
    } catch (error) {
      // terminate() throws when JsSIP already considers the session over
      this.log.warn(`customer ${this.id}: terminate: ${/** @type {Error} */ (error).message}`);
      this.finish('Terminated', 'local');
    }
    return this.ended;
  }

  /**
   * Puts the agent on hold (re-INVITE a=sendonly; the customer's track is muted meanwhile).
   * Resolves when the other side accepted. JsSIP ends the call if the re-INVITE is refused.
   * @returns {Promise<void>}
   */
  hold() {
    return this.reinvite(true);
  }

  /** Resumes a call the customer put on hold. @returns {Promise<void>} */
  unhold() {
    return this.reinvite(false);
  }

  /**
   * @param {boolean} hold
   * @returns {Promise<void>}
   * @private
   */
  reinvite(hold) {
    const session = this.session;
    if (!session || (this.state !== 'talking' && this.state !== 'held')) {
      return Promise.reject(new CustomerStateError(`cannot ${hold ? 'hold' : 'unhold'} in state ${this.state}`));
    }
    if (hold === this.localHold) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onEnd = () => reject(new CustomerStateError('the call ended'));
      this.once('ended', onEnd);
      const done = () => {
        this.off('ended', onEnd);
        resolve();
      };
      const ok = hold ? session.hold({}, done) : session.unhold({}, done);
      if (!ok) {
        this.off('ended', onEnd);
        reject(new CustomerStateError(`JsSIP refused to ${hold ? 'hold' : 'unhold'} now (a renegotiation is in progress)`));
      }
    });
  }

  /**
   * Sends RFC 4733 DTMF in the audio stream. Resolves when the last digit was sent.
   * @param {string} digits 0-9 * # A-D
   * @param {{ durationMs?: number, gapMs?: number }} [options]
   */
  sendDtmf(digits, options) {
    if (!isDtmfString(digits)) return Promise.reject(new TypeError(`"${digits}" is not a string of DTMF digits (0-9 * # A-D)`));
    if (this.state !== 'talking') return Promise.reject(new CustomerStateError(`cannot send DTMF in state ${this.state}`));
    this.dtmfSent = (this.dtmfSent + digits).slice(-256);
    return this.source.sendDtmf(digits, options);
  }

  /** @returns {Promise<Buffer>} the received audio as a WAV file (asynchronous like thread.mjs's mirror) */
  async recordingWav() {
    return this.recorder.toWav();
  }

  /** @returns {CustomerSnapshot} */
  snapshot() {
    return {
      id: this.id,
      direction: this.direction,
      from: this.from,
      to: this.to,
      state: this.state,
      createdAt: this.createdAt,
      queuedSince: this.queuedSince,
      ringingSince: this.ringingSince,
      talkingSince: this.talkingSince,
      endedAt: this.endedAt,
      endCause: this.endCause,
      endedBy: this.endedBy,
      held: this.localHold || this.remoteHold,
      heldBy: this.localHold && this.remoteHold ? 'both' : this.localHold ? 'local' : this.remoteHold ? 'remote' : null,
      holdCount: this.holdCount,
      packetsIn: this.recorder.packets,
      packetsOut: this.source.packetsSent,
      dtmfReceived: this.recorder.digits,
      dtmfSent: this.dtmfSent,
      sipCallId: this.sipCallId ?? null,
      remoteIdentity: this.remoteIdentity,
      userData: this.userData,
    };
  }

  /**
   * The snapshot plus the received audio's analysis and the DTMF log.
   * @param {{ lastMs?: number, tones?: number[] }} [options] analyse only the last `lastMs` of
   *   received audio; `tones`: frequencies (Hz) whose share the analysis reports besides 400
   */
  details({ lastMs, tones = [] } = {}) {
    return {
      ...this.snapshot(),
      audio: {
        sending: { kind: this.source.kind, packets: this.source.packetsSent, eventPackets: this.source.eventPacketsSent, paused: this.source.paused },
        received: {
          packets: this.recorder.packets,
          audioPackets: this.recorder.audioPackets,
          voicedPackets: this.recorder.voicedPackets,
          eventPackets: this.recorder.eventPackets,
          bytes: this.recorder.bytes,
          payloadTypes: this.recorder.payloadTypes,
          firstPacketAt: this.recorder.firstPacketAt,
          lastPacketAt: this.recorder.lastPacketAt,
          lastVoiceAt: this.recorder.lastVoiceAt,
          analysis: this.recorder.analyse({ frequencies: [400, ...tones], ...(lastMs ? { lastMs } : {}) }),
        },
      },
      dtmf: this.recorder.eventsLog.map((d) => ({ digit: d.digit, at: d.at, durationMs: d.durationMs, via: d.via })),
    };
  }
}

/** A command the customer's current state does not allow (HTTP 409). */
export class CustomerStateError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'CustomerStateError';
  }
}
