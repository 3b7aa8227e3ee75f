// The dev call center's queues (ACD): a back-to-back user agent made of JsSIP UAs in Node with
// werift media. One UA per queue registers the queue's AOR (sip:sales@..., sip:support@...), so
// customers' calls to a queue reach it. A queued caller gets `182 Queued` with early media (queue
// music), the call is offered to the longest-idle available agent of the queue (a second call
// from the ACD to the agent), and once the agent answers the caller gets `200 OK` and the ACD
// relays RTP between the two legs. Hold, DTMF, hang-up and transfers (REFER, with or without
// Replaces) are carried across; the CTI API drives calls through the call-control methods.
//
// Agent availability and call states live in the AgentDirectory (../agents.mjs); the ACD reads
// `availableFor()` and sets 'ringing' / 'talking' / 'afterCall' (CTI agents) or back to
// 'offline' (agents without CTI).
//
// Redirect on no answer (RONA): an agent who lets an offered call ring for the queue's ring time
// gets a CANCEL with `Reason: SIP ;cause=480 ;text="No Answer"` (the workbench shows it as a
// missed call), goes to break 'missed', and the call goes to the next ready agent at once or
// waits. The break keeps the absent agent from being rung again until it says it is ready.
//
// A lost agent leg (the agent's page reloaded or crashed: its registration is gone and its audio
// stopped for LOST_AGENT_SILENCE_MS) does not drop the customer: the ACD ends that leg, the
// customer hears the queue's prompt ("please hold") and the call waits at the head of its queue,
// offered only to the same agent once it is back and available, for lostAgentHoldSeconds
// (queues.json, default 60); after that to any agent of the queue. A WebSocket that drops and
// reconnects keeps its audio flowing, so it is not a lost leg.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { loadNodeJsSIP, stopUa } from '../media/node-jssip.mjs';
import { createDtmfReceiver, telephoneEventPayloadTypes } from '../media/dtmf.mjs';
import { createAudioSource } from '../media/audio.mjs';
import { RtpOut } from './rtp-out.mjs';
import { holdBackRinging, answerEarly, answerWithPeer } from './early-media.mjs';
import { MONITOR_MODES, MonitorMixer } from './mixer.mjs';
import { parseFeatureCode, resolveFeatureCodes } from './feature-codes.mjs';
import { DIALED_HEADER } from '../sip/server.mjs';
import { readUserData, USER_DATA_HEADER } from '../user-data.mjs';
import { CALLER_AREA_HEADER, callerAreaHeader } from './caller-area.mjs';

const REGISTER_TIMEOUT_MS = 10_000;
/**
 * How long an agent who rejected a call is skipped for that call before it is offered again;
 * also how long an agent without CTI stays on break 'missed' (it has no way to say "ready").
 */
const DEFAULT_RETRY_AGENT_SECONDS = 5;
/** Break reason of an agent who let an offered call ring out (the workbench uses the same). */
export const MISSED_BREAK_REASON = 'missed';
/** How the ACD cancels an offer nobody answered (RFC 3326 Reason in the CANCEL). */
const NO_ANSWER = Object.freeze({ status_code: 480, reason_phrase: 'No Answer' });
/** Periodic re-check of waiting calls, besides the directory's change events. */
const RECHECK_MS = 2000;
/** After a REFER succeeded, the transferor ends its leg itself; the ACD ends it after this. */
const TRANSFEROR_GRACE_MS = 4000;
/** Bound on retries of a hold / resume re-INVITE that JsSIP refused (another one in progress). */
const MAX_HOLD_RETRIES = 25;
/** An unregistered agent whose leg sent no audio this long has lost its leg (reload, crash). */
const LOST_AGENT_SILENCE_MS = 3000;
/** How long a call whose agent leg was lost waits for that agent before any agent may take it. */
const DEFAULT_LOST_AGENT_HOLD_SECONDS = 60;

/**
 * @typedef {object} AcdOptions
 * @property {string} wsUrl       SIP over WebSocket URL of the proxy
 * @property {string} domain      SIP domain, e.g. "pbx.test"
 * @property {{ users: Array<{user: string, password: string, role?: string, displayName?: string}> }} users  demo/users.json
 * @property {{ ringTimeoutSeconds?: number, retryAgentSeconds?: number, maxWaitSeconds?: number, lostAgentHoldSeconds?: number,
 *   queues: Array<{id: string, name?: string, ringTimeoutSeconds?: number, agents: Array<{agentId: string, level?: number}>}> }} queues
 *   demo/callcenter/queues.json
 * @property {import('../agents.mjs').AgentDirectory} directory
 * @property {(record: CdrRecord) => void} [onRecord] one call detail record per finished call
 * @property {{ info?: Function, warn?: Function, debug?: Function }} [log]
 * @property {Readonly<import('./feature-codes.mjs').FeatureCodes>} [featureCodes] supervisor feature codes
 *   and mode digits; default resolveFeatureCodes(queues.featureCodes) (feature-codes.mjs)
 */

/**
 * @typedef {object} CdrRecord
 * @property {string} contactId     the ACD's jobId
 * @property {string} callId        SIP Call-ID of the customer leg
 * @property {'inbound'|'outbound'} direction
 * @property {string} caller
 * @property {string} callee        the queue (inbound) or the dialled number (outbound)
 * @property {string} [queue]
 * @property {string|null} agentId  the agent who handled the call last (or was offered it)
 * @property {string[]} agentIds    every agent who talked on the call (transfer targets too)
 * @property {number} startTime     ms epoch
 * @property {number|null} ringTime ms epoch an agent's phone was first called
 * @property {number|null} establishedTime ms epoch
 * @property {number} releaseTime   ms epoch
 * @property {number} duration      talk time, whole seconds
 * @property {'customer'|'agent'|'system'} releaseInitiator
 * @property {'answered'|'abandoned'|'failed'} result
 * @property {string} [userData]    the host's data of the call (X-CC-User-Data), when it had any
 */

/** One SIP dialog of the ACD with its media. */
class Leg {
  /**
   * @param {{ id: string, role: 'customer'|'agent'|'consult'|'monitor', agentId?: string|null, party: string }} o
   */
  constructor({ id, role, agentId = null, party }) {
    this.id = id;
    this.role = role;
    /** Directory agent on this leg (null for customers and plain numbers). */
    this.agentId = agentId;
    /** SIP user of the far end. */
    this.party = party;
    /** @type {any} JsSIP RTCSession */
    this.session = null;
    this.out = new RtpOut();
    /** @type {Leg|null} the leg whose media this one exchanges */
    this.peer = null;
    /** Send queue / hold music to this leg. */
    this.prompt = false;
    this.answered = false;
    this.ended = false;
    /** The far end holds this leg (re-INVITE with sendonly / inactive). */
    this.remoteHold = false;
    /** @type {NodeJS.Timeout|null} */
    this.timer = null;
    this.received = { audio: 0, events: 0 };
    /** RTP packets counted at the last lost-leg check, and since when none came (ms epoch). */
    this.audioSeen = 0;
    /** @type {number|null} */
    this.silentSince = null;
    /** @type {WeakSet<object>} werift fires onTrack again for the same track after renegotiation */
    this.tracks = new WeakSet();
    /** @type {{ description: unknown, types: number[] }} telephoneEventTypes()'s cache */
    this.eventTypes = { description: undefined, types: [] };
    /** SIP Call-ID of this leg's dialog. */
    this.callId = '';
    /** @type {any} the customer leg's early-media peer connection (inbound calls) */
    this.pc = null;
    /** The ACD gave up ringing this leg (ring timeout). */
    this.noAnswer = false;
    /** @type {ReferProgress|null} reports this leg's progress to the agent whose REFER placed it */
    this.referProgress = null;
    /**
     * @type {((payload: Buffer) => void)|null} set only while a supervisor monitors the call:
     * this leg's audio goes to the mixer instead of being relayed to its peer
     */
    this.mix = null;
    /** ms epoch this leg was answered (the 2xx sent or received). */
    this.answeredAt = /** @type {number|null} */ (null);
    /**
     * @type {ReturnType<typeof createDtmfReceiver>|null} monitor legs only: RFC 4733 digits the
     * supervisor sends (mode switches, feature-codes.mjs `digits`)
     */
    this.dtmf = null;
  }

  /**
   * Payload types the far end uses for telephone-event, from the remote SDP. Read for every RTP
   * packet, so it parses only when a new remote description was set: werift's public
   * `remoteDescription` re-serialises the whole SDP on every read, while its parsed description
   * (`sdpManager._remoteDescription`, werift 0.24) is a new object exactly when one is set.
   */
  telephoneEventTypes() {
    const pc = this.session?.connection;
    const description = pc?.sdpManager?._remoteDescription ?? pc?.remoteDescription?.sdp;
    if (description !== this.eventTypes.description) {
      this.eventTypes = { description, types: telephoneEventPayloadTypes(pc?.remoteDescription?.sdp) };
    }
    return this.eventTypes.types;
  }
}

/**
 * @typedef {object} Call
 * @property {string} jobId
 * @property {'inbound'|'outbound'} direction
 * @property {string} queue         '' for outbound calls
 * @property {string} caller
 * @property {string} callerName
 * @property {string} callee
 * @property {Leg} customer
 * @property {string} offerSdp      the customer's offer (inbound)
 * @property {Leg|null} agent       the agent leg the customer is (or will be) bridged to
 * @property {Leg|null} offer       an agent leg ringing for this queued call
 * @property {{ leg: Leg, from: Leg|null, via: 'refer'|'cti' }|null} transfer a new agent leg ringing
 * @property {{ leg: Leg, jobId: string }|null} consult CTI attended transfer: the consulted leg
 * @property {Leg[]} detached       earlier agent legs of a transferred call, until they end
 * @property {any} [ua]             the JsSIP UA that places this call's outgoing legs
 * @property {number} [dialTimeoutMs] outbound: how long the callee may ring
 * @property {Map<string, number>} tried agentId -> ms epoch of the failed offer
 * @property {'queued'|'talking'|'dialing'|'ended'} state
 * @property {boolean} ctiHold
 * @property {number} holdRetries
 * @property {string[]} agentIds
 * @property {number} startTime
 * @property {number|null} ringTime
 * @property {number|null} establishedTime
 * @property {{ agentId: string, until: number }|null} [lost] the agent whose leg was lost, offered the call first until `until`
 * @property {Monitor|null} [monitor] a supervisor listening / whispering / barging in
 * @property {string} userData      the host's data for the call (X-CC-User-Data of the customer's INVITE,
 *   or makeCall's userData), '' when none: sent on every INVITE to an agent, kept in the record
 */

/**
 * @typedef {object} AgentCall  acd.agentCalls(): an agent's current call, for the supervisor's board
 * @property {string} jobId
 * @property {string} caller        the customer's number
 * @property {string|null} queue    the queue's name (queues.json), null for outbound calls
 * @property {string|null} queueId
 * @property {'inbound'|'outbound'} direction
 * @property {number|null} since    ms epoch the agent started talking with the customer; null while ringing
 * @property {{ supervisorId: string, mode: string }|null} monitor  listen | whisper | barge (intercept while a `*225` leg is being answered)
 */

/**
 * @typedef {object} Monitor
 * @property {string} supervisorId
 * @property {string} agentId       the monitored agent
 * @property {Leg} leg              the ACD's call to the supervisor's softphone
 * @property {import('./mixer.mjs').MonitorMode} mode
 * @property {MonitorMixer} mixer
 * @property {'cti'|'sip'} via      CTI MonitorCall & co. (the ACD called the supervisor) or a feature code the supervisor dialled
 * @property {boolean} intercept     a `*225` leg: it takes the customer over once answered, no mixing
 * @property {boolean} announced     monitorStarted was emitted (monitorEnded follows it)
 */

/**
 * Starts the ACD: registers one UA per queue and resolves once all are registered.
 * @param {AcdOptions} options
 * @returns {Promise<Acd>}
 */
export async function startAcd(options) {
  const acd = new Acd(options);
  try {
    await acd.start();
  } catch (e) {
    await acd.close();
    throw e;
  }
  return acd;
}

/**
 * The queues. Events (all with `jobId`):
 *  - 'queued'       { jobId, callId, queue, caller }            caller got 182 Queued + queue music
 *  - 'offered'      { jobId, queue, agentId }                   an agent's phone is being called
 *  - 'offerFailed'  { jobId, queue, agentId, reason }           rejected (486, 603, ...) or 'noAnswer'
 *  - 'missed'       { jobId, queue, agentId }                   RONA: the agent went to break 'missed'
 *  - 'answered'     { jobId, queue, agentId, callId }           bridged; caller got 200 OK
 *  - 'held' / 'resumed' { jobId, agentId, by: 'agent'|'cti' }   the customer leg was put on / off hold
 *  - 'dtmf'         { jobId, from: 'agent'|'customer', digit }  relayed a SIP INFO digit
 *  - 'transferring' { jobId, from, to, via: 'refer'|'cti', replaces }
 *  - 'transferred'  { jobId, from, to }  / 'transferFailed' { jobId, from, to, reason }
 *  - 'ended'        { jobId, record }                           the CDR
 *  - monitoring: 'monitorStarted' / 'monitorChanged' { jobId, supervisorId, agentId, mode },
 *    'monitorEnded' { jobId, supervisorId, agentId, reason }, 'intercepted' { jobId, from, to },
 *    'interceptFailed' { jobId, supervisorId, agentId, reason } (a `*225` leg gone before it took over),
 *    'featureCodeRefused' { supervisorId, dialled, status, reason }
 */
export class Acd extends EventEmitter {
  /** @param {AcdOptions} o */
  constructor({ wsUrl, domain, users, queues, directory, onRecord, log, featureCodes }) {
    super();
    this.wsUrl = wsUrl;
    this.domain = domain;
    this.usersConfig = users;
    this.queueConfig = queues;
    this.directory = directory;
    this.onRecord = onRecord;
    this.log = { info: log?.info?.bind(log) ?? (() => {}), warn: log?.warn?.bind(log) ?? (() => {}), debug: log?.debug?.bind(log) ?? (() => {}) };
    this.JsSIP = loadNodeJsSIP();
    /** @type {Map<string, any>} queue id -> JsSIP UA */
    this.uas = new Map();
    /** @type {Map<string, Call>} jobId -> call */
    this.jobs = new Map();
    /** @type {Map<string, Call[]>} queue id -> waiting calls, first come first */
    this.waitingCalls = new Map();
    /** @type {WeakMap<object, string>} outgoing JsSIP session -> SIP Call-ID */
    this.callIds = new WeakMap();
    this.seq = 0;
    this.closed = false;
    this.dispatchScheduled = false;
    this.retryAgentMs = (queues.retryAgentSeconds ?? DEFAULT_RETRY_AGENT_SECONDS) * 1000;
    this.prompt = createAudioSource({ kind: 'prompt', amplitude: 0.2 });
    /** @type {NodeJS.Timeout|null} */
    this.recheckTimer = null;
    /** @type {Set<NodeJS.Timeout>} ends of breaks 'missed' of agents without CTI */
    this.missedTimers = new Set();
    this.lostAgentHoldMs = (queues.lostAgentHoldSeconds ?? DEFAULT_LOST_AGENT_HOLD_SECONDS) * 1000;
    this.onDirectoryChange = () => this.#scheduleDispatch();
    /** The supervisor feature codes and mode digits in force (feature-codes.mjs). */
    this.featureCodes = featureCodes ?? resolveFeatureCodes(queues.featureCodes);
  }

  /** Registers the queue UAs; called by startAcd(). */
  async start() {
    for (const q of this.queueConfig.queues) {
      this.waitingCalls.set(q.id, []);
      const account = this.usersConfig.users.find((u) => u.user === q.id);
      if (!account) throw new Error(`ACD: queue "${q.id}" has no SIP account in users.json`);
      const ua = new this.JsSIP.UA({
        sockets: [new this.JsSIP.WebSocketInterface(this.wsUrl)],
        uri: `sip:${q.id}@${this.domain}`,
        password: account.password,
        display_name: account.displayName ?? q.name ?? q.id,
        register: true,
        user_agent: 'cc-workbench dev ACD',
        // JsSIP answers 408 to an incoming call not answered within this; callers may wait long.
        no_answer_timeout: Math.max(60, this.queueConfig.maxWaitSeconds ?? 3600),
      });
      ua.on('newRTCSession', (/** @type {any} */ e) => this.#onNewSession(q.id, e));
      this.uas.set(q.id, ua);
    }
    await Promise.all(
      [...this.uas.entries()].map(
        ([id, ua]) =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`ACD: queue "${id}" did not register within ${REGISTER_TIMEOUT_MS} ms`)), REGISTER_TIMEOUT_MS);
            ua.once('registered', () => {
              clearTimeout(timer);
              resolve(undefined);
            });
            ua.once('registrationFailed', (/** @type {any} */ e) => {
              clearTimeout(timer);
              reject(new Error(`ACD: queue "${id}" registration failed: ${e.cause}`));
            });
            ua.start();
          }),
      ),
    );
    this.prompt.start();
    this.prompt.track.onReceiveRtp.subscribe((rtp) => {
      for (const call of this.jobs.values()) {
        for (const leg of this.#legs(call)) if (leg.prompt && !leg.ended) leg.out.relay(rtp, 'prompt', false);
      }
    });
    this.directory.on('change', this.onDirectoryChange);
    this.recheckTimer = setInterval(() => this.#scheduleDispatch(), RECHECK_MS);
    this.log.info(`ACD: queues ${[...this.uas.keys()].join(', ')} registered`);
  }

  // ----------------------------------------------------------------------------------- views

  /**
   * `ready`: agents logged in through the CTI API, ready and registered (the "Ready agents"
   * figure); `available`: who may be offered a call now (`ready` plus registered idle agents
   * without CTI); `oldestSince`: ms epoch the longest-waiting call arrived (null when none).
   * @returns {Array<{id: string, name: string, waiting: number, longestWaitMs: number, oldestSince: number|null, ready: string[], available: string[], talking: number}>}
   */
  queues() {
    const now = Date.now();
    return this.queueConfig.queues.map((q) => {
      const waiting = this.waitingCalls.get(q.id) ?? [];
      return {
        id: q.id,
        name: q.name ?? q.id,
        waiting: waiting.length,
        longestWaitMs: waiting.length ? now - waiting[0].startTime : 0,
        oldestSince: waiting.length ? waiting[0].startTime : null,
        ready: this.directory.readyFor(q.id),
        available: this.directory.availableFor(q.id).flatMap((a) => (a ? [a.agentId] : [])),
        talking: [...this.jobs.values()].filter((c) => c.queue === q.id && c.state === 'talking').length,
      };
    });
  }

  /**
   * Calls waiting in `queue`, first come first.
   * @param {string} queue
   * @returns {Array<{jobId: string, callId: string, caller: string, since: number, offeredTo: string|null}>}
   */
  waiting(queue) {
    return (this.waitingCalls.get(queue) ?? []).map((c) => ({
      jobId: c.jobId,
      callId: c.customer.callId,
      caller: c.caller,
      since: c.startTime,
      offeredTo: c.offer?.agentId ?? null,
    }));
  }

  /** Every call the ACD holds now. */
  calls() {
    return [...this.jobs.values()].map((c) => ({
      jobId: c.jobId,
      callId: c.customer.callId,
      direction: c.direction,
      queue: c.queue || null,
      caller: c.caller,
      callee: c.callee,
      state: c.state,
      agentId: c.agent?.agentId ?? c.agent?.party ?? null,
      offeredTo: c.offer?.agentId ?? null,
      held: this.#customerHeldWanted(c),
      startTime: c.startTime,
      establishedTime: c.establishedTime,
      packets: {
        fromCustomer: c.customer.received.audio,
        toCustomer: c.customer.out.audioPackets,
        fromAgent: c.agent?.received.audio ?? 0,
        toAgent: c.agent?.out.audioPackets ?? 0,
      },
      monitor: this.#monitorView(c),
    }));
  }

  /**
   * The call each agent is on now (ringing for it, or talking on it), by agent id: what a
   * supervisor's board shows next to the agent. `caller` is the customer's number (the caller of
   * an inbound call, the dialled number of an outbound one); `since` is when the agent started
   * talking with the customer (its leg answered and the customer connected), null while ringing;
   * `monitor` is the supervisor monitoring this agent's leg, if any.
   * @returns {Map<string, AgentCall>}
   */
  agentCalls() {
    /** @type {Map<string, AgentCall>} */
    const out = new Map();
    for (const call of this.jobs.values()) {
      if (call.state === 'ended') continue;
      for (const leg of [call.agent, call.offer, call.transfer?.leg, call.consult?.leg]) {
        if (!leg?.agentId || leg.ended || out.has(leg.agentId)) continue;
        out.set(leg.agentId, {
          jobId: call.jobId,
          caller: call.direction === 'inbound' ? call.caller : call.callee,
          queue: call.queue ? this.#queueName(call.queue) : null,
          queueId: call.queue || null,
          direction: call.direction,
          since: leg.answeredAt && call.establishedTime ? Math.max(leg.answeredAt, call.establishedTime) : null,
          monitor: leg === call.agent ? this.#monitorView(call) : null,
        });
      }
    }
    return out;
  }

  /**
   * @param {Call} call
   * @returns {{ supervisorId: string, mode: import('./mixer.mjs').MonitorMode | 'intercept' } | null}
   */
  #monitorView(call) {
    const m = call.monitor;
    return m ? { supervisorId: m.supervisorId, mode: m.intercept ? 'intercept' : m.mode } : null;
  }

  /**
   * The agent who controls `jobId` (a call's id or its consultation's id), if any.
   * @param {string} jobId
   */
  ownerOf(jobId) {
    const call = this.#findJob(jobId);
    return call?.agent?.agentId ?? undefined;
  }

  // ------------------------------------------------------------------------- inbound calls

  /** @param {string} queue @param {{ session: any, originator: string, request: any }} e */
  #onNewSession(queue, { session, originator, request }) {
    if (originator === 'local') {
      this.callIds.set(session, request.call_id);
      return;
    }
    if (this.closed) {
      session.terminate({ status_code: 480, reason_phrase: 'Temporarily Unavailable' });
      return;
    }
    // Only the proxy writes X-CC-Dialed (sip/server.mjs FeatureRoute): a supervisor's feature code.
    const dialled = request.getHeader(DIALED_HEADER);
    if (dialled) {
      this.#onFeatureCode(session, request, String(dialled));
      return;
    }
    if (!request.body) {
      // A late-SDP INVITE cannot get early media from here; not something JsSIP / browsers send.
      session.terminate({ status_code: 488, reason_phrase: 'SDP Offer Required' });
      return;
    }
    const provisional = holdBackRinging(request);
    const jobId = this.#newJobId();
    const caller = request.from?.uri?.user ?? 'anonymous';
    // The proxy already drops an invalid one; the ACD may sit behind another proxy (Kamailio).
    const userData = readUserData(request.getHeaders(USER_DATA_HEADER));
    if (userData.dropped) this.log.warn(`ACD: ${jobId} from ${caller}: ${userData.dropped}; dropped, not passed to the agent`);
    const customer = new Leg({ id: `${jobId}/customer`, role: 'customer', party: caller });
    customer.session = session;
    customer.callId = request.call_id;
    customer.prompt = true;
    /** @type {Call} */
    const call = {
      jobId,
      direction: 'inbound',
      queue,
      caller,
      callerName: request.from?.display_name || caller,
      callee: queue,
      customer,
      offerSdp: request.body,
      agent: null,
      offer: null,
      transfer: null,
      consult: null,
      tried: new Map(),
      state: 'queued',
      ctiHold: false,
      holdRetries: 0,
      agentIds: [],
      startTime: Date.now(),
      ringTime: null,
      establishedTime: null,
      detached: [],
      userData: userData.value,
    };
    this.jobs.set(jobId, call);
    this.#wireCustomer(call, session);
    answerEarly(request.body, customer.out.stream, (pc) => this.#receive(customer, pc))
      .then(({ pc, sdp }) => {
        if (call.state === 'ended') {
          pc.close().catch(() => {});
          return;
        }
        customer.pc = pc;
        provisional.sendProvisional(182, 'Queued', sdp);
        this.waitingCalls.get(queue)?.push(call);
        this.log.info(`ACD: ${caller} queued in ${queue} (${jobId})`);
        this.emit('queued', { jobId, callId: customer.callId, queue, caller });
        this.#scheduleDispatch();
      })
      .catch((e) => {
        this.log.warn(`ACD: early media for ${caller} failed: ${e.message}`);
        if (call.state !== 'ended') {
          try {
            session.terminate({ status_code: 500, reason_phrase: 'Media Setup Failed' });
          } catch {
            // already gone
          }
        }
      });
  }

  /** @param {Call} call @param {any} session */
  #wireCustomer(call, session) {
    const leg = call.customer;
    session.on('failed', (/** @type {any} */ e) => {
      leg.ended = true;
      const byCustomer = e.originator === 'remote';
      this.#endCall(call, byCustomer ? 'customer' : 'system', call.direction === 'inbound' && byCustomer ? 'abandoned' : 'failed', `customer leg failed: ${e.cause}`);
    });
    session.on('confirmed', () => this.#refresh(call));
    session.on('replaces', (/** @type {any} */ e) => e.reject());
    session.on('ended', (/** @type {any} */ e) => {
      leg.ended = true;
      this.#endCall(call, e.originator === 'remote' ? 'customer' : 'system', 'answered', `customer leg ended: ${e.cause}`);
    });
    session.on('hold', () => this.#syncHold(call));
    session.on('unhold', () => this.#syncHold(call));
    session.on('newDTMF', (/** @type {any} */ e) => {
      if (e.originator !== 'remote') return;
      const agent = call.agent;
      if (!agent || agent.ended || !agent.answered) return;
      try {
        agent.session.sendDTMF(e.dtmf.tone, { transportType: 'INFO', duration: e.dtmf.duration });
        this.emit('dtmf', { jobId: call.jobId, from: 'customer', digit: e.dtmf.tone });
      } catch (err) {
        this.log.warn(`ACD: DTMF to agent failed: ${/** @type {Error} */ (err).message}`);
      }
    });
  }

  // ------------------------------------------------------------------------------ dispatch

  #scheduleDispatch() {
    if (this.dispatchScheduled || this.closed) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      if (!this.closed) this.#dispatch();
    });
  }

  #dispatch() {
    const now = Date.now();
    this.#checkLostAgents(now);
    for (const [queue, list] of this.waitingCalls) {
      for (const call of list) {
        if (call.offer || call.state !== 'queued') continue;
        const exclude = [...call.tried].filter(([, at]) => now - at < this.retryAgentMs).map(([id]) => id);
        const available = this.directory.availableFor(queue, { exclude });
        // A call whose agent leg was lost waits for that agent first.
        const agent = call.lost && now < call.lost.until ? available.find((a) => a.agentId === call.lost?.agentId) : available[0];
        if (!agent) continue;
        this.#offer(call, agent.agentId);
      }
    }
  }

  /**
   * Finds talking calls whose agent is no longer registered and whose agent leg has sent no
   * audio for LOST_AGENT_SILENCE_MS: that leg is lost (a reload, a crashed tab).
   * @param {number} now
   */
  #checkLostAgents(now) {
    for (const call of this.jobs.values()) {
      const leg = call.agent;
      if (call.state !== 'talking' || !call.queue || !leg?.agentId || !leg.answered || leg.ended) continue;
      if (this.directory.get(leg.agentId)?.registered) {
        leg.silentSince = null;
        continue;
      }
      const packets = leg.received.audio + leg.received.events;
      if (packets !== leg.audioSeen) {
        leg.audioSeen = packets;
        leg.silentSince = now;
        continue;
      }
      leg.silentSince ??= now;
      if (now - leg.silentSince >= LOST_AGENT_SILENCE_MS) this.#agentLost(call, leg);
    }
  }

  /**
   * Keeps the customer of a lost agent leg: ends the leg, plays the prompt, and queues the call
   * first in its queue, for the same agent until lostAgentHoldMs.
   * @param {Call} call @param {Leg} leg
   */
  #agentLost(call, leg) {
    const agentId = /** @type {string} */ (leg.agentId);
    if (call.monitor) this.#endMonitor(call, 'agentLost');
    call.agent = null;
    call.ctiHold = false;
    call.detached.push(leg);
    this.#unlink(leg);
    this.#releaseAgent(call, agentId, true);
    this.#terminate(leg);
    call.state = 'queued';
    call.lost = { agentId, until: Date.now() + this.lostAgentHoldMs };
    call.tried.delete(agentId);
    this.waitingCalls.get(call.queue)?.unshift(call);
    this.#refresh(call);
    this.log.info(`ACD: ${call.jobId}: ${agentId}'s leg was lost; the customer waits for ${agentId} for ${this.lostAgentHoldMs / 1000} s`);
    this.emit('agentLost', { jobId: call.jobId, queue: call.queue, agentId });
    this.#scheduleDispatch();
  }

  /** @param {Call} call @param {string} agentId */
  #offer(call, agentId) {
    const leg = new Leg({ id: `${call.jobId}/agent-${++this.seq}`, role: 'agent', agentId, party: agentId });
    call.offer = leg;
    call.ringTime ??= Date.now();
    this.directory.setState(agentId, 'ringing', { callId: call.jobId });
    const session = this.#callAgentLeg(call, leg, this.uas.get(call.queue), this.#agentHeaders(call));
    if (!session) return;
    leg.timer = setTimeout(() => {
      if (call.offer === leg) this.#ringedOut(leg);
    }, this.#ringTimeoutMs(call.queue));
    this.log.info(`ACD: ${call.jobId} offered to ${agentId}`);
    this.emit('offered', { jobId: call.jobId, queue: call.queue, agentId });
  }

  /**
   * Nobody answered `leg` within the ring time: CANCEL with the RFC 3326 Reason the workbench
   * reads as a missed call. JsSIP fails the session at once (no wait for the 487), so the call
   * moves on at once.
   * @param {Leg} leg
   */
  #ringedOut(leg) {
    if (leg.answered || leg.ended) return;
    leg.noAnswer = true;
    this.#terminate(leg, NO_ANSWER);
  }

  /**
   * The call context an agent's phone shows: caller (PAI), the ACD's job, the queue (id and its
   * name from queues.json, raw UTF-8), on a transfer who transferred it (RFC 3892), the host's
   * data of the call (X-CC-User-Data), which stays with the call through every transfer, and the
   * caller's area (X-CC-Caller-Area) when the caller's number is one the table knows.
   * @param {Call} call
   * @param {{ referredBy?: string|null }} [o] the transferring agent (or party)
   */
  #agentHeaders(call, { referredBy } = {}) {
    const headers = [`P-Asserted-Identity: <sip:${call.caller}@${this.domain}>`, `X-CC-Job-Id: ${call.jobId}`];
    if (call.queue) headers.push(`X-CC-Queue: ${call.queue}`, `X-CC-Queue-Name: ${this.#queueName(call.queue)}`);
    if (referredBy && isDialable(referredBy)) headers.push(`Referred-By: <sip:${referredBy}@${this.domain}>`);
    if (call.userData) headers.push(`${USER_DATA_HEADER}: ${call.userData}`);
    // Where the customer calls from (caller-area.mjs), for the agent's screen; inbound calls only.
    const area = call.direction === 'inbound' ? callerAreaHeader(call.caller) : null;
    if (area) headers.push(`${CALLER_AREA_HEADER}: ${area}`);
    return headers;
  }

  /** @param {string} queue */
  #queueName(queue) {
    const name = this.queueConfig.queues.find((q) => q.id === queue)?.name ?? queue;
    // A header value is one line: a line break in queues.json must not start a header of its own.
    return String(name).replace(/[\r\n]+/g, ' ').trim() || queue;
  }

  /**
   * Calls an agent (or any number) from `ua` for `call`; wires the new leg. Returns the session,
   * or null when JsSIP refused to start the call (the leg is then treated as failed).
   * @param {Call} call @param {Leg} leg @param {any} ua @param {string[]} extraHeaders
   */
  #callAgentLeg(call, leg, ua, extraHeaders) {
    try {
      const session = ua.call(`sip:${leg.party}@${this.domain}`, {
        mediaStream: leg.out.stream,
        fromDisplayName: call.direction === 'inbound' ? call.caller : call.callee,
        extraHeaders,
        pcConfig: { iceServers: [] },
      });
      this.#wireAgentLeg(call, leg, session);
      return session;
    } catch (e) {
      this.log.warn(`ACD: calling ${leg.party} failed: ${/** @type {Error} */ (e).message}`);
      leg.ended = true;
      leg.referProgress?.notify(500);
      setImmediate(() => this.#agentLegFailed(call, leg, 'error'));
      return null;
    }
  }

  /** @param {Call} call @param {Leg} leg @param {any} session */
  #wireAgentLeg(call, leg, session) {
    leg.session = session;
    leg.callId = this.callIds.get(session) ?? '';
    if (session.connection) this.#receive(leg, session.connection);
    session.on('peerconnection', (/** @type {any} */ e) => this.#receive(leg, e.peerconnection));
    session.on('progress', (/** @type {any} */ e) => {
      if (e.response?.status_code > 100) leg.referProgress?.notify(e.response.status_code, e.response.reason_phrase);
    });
    session.on('accepted', (/** @type {any} */ e) => {
      leg.answered = true;
      leg.answeredAt = Date.now();
      if (leg.timer) clearTimeout(leg.timer);
      leg.timer = null;
      leg.referProgress?.notify(e.response?.status_code ?? 200, e.response?.reason_phrase);
      this.#agentLegAnswered(call, leg);
    });
    session.on('failed', (/** @type {any} */ e) => {
      leg.ended = true;
      if (leg.timer) clearTimeout(leg.timer);
      const reason = leg.noAnswer ? 'noAnswer' : e.message?.status_code ? String(e.message.status_code) : e.cause;
      leg.referProgress?.notify(...finalStatus(leg, e));
      this.#agentLegFailed(call, leg, reason);
    });
    session.on('ended', (/** @type {any} */ e) => {
      leg.ended = true;
      this.#agentLegEnded(call, leg, e.originator);
    });
    session.on('hold', (/** @type {any} */ e) => {
      if (e.originator !== 'remote') return;
      leg.remoteHold = true;
      this.#refresh(call);
    });
    session.on('unhold', (/** @type {any} */ e) => {
      if (e.originator !== 'remote') return;
      leg.remoteHold = false;
      this.#refresh(call);
    });
    session.on('newDTMF', (/** @type {any} */ e) => {
      if (e.originator !== 'remote') return;
      const to = leg === call.agent ? call.customer : leg === call.consult?.leg ? call.agent : null;
      if (!to || to.ended) return;
      to.out.sendDtmf(e.dtmf.tone, { durationMs: Math.max(100, Math.min(500, Number(e.dtmf.duration) || 160)) });
      this.emit('dtmf', { jobId: call.jobId, from: 'agent', digit: e.dtmf.tone });
    });
    session.on('refer', (/** @type {any} */ e) => this.#onRefer(call, leg, e));
    // An INVITE with Replaces aimed at an ACD leg: not supported; answer it rather than let it time out.
    session.on('replaces', (/** @type {any} */ e) => e.reject());
  }

  /** @param {Call} call @param {Leg} leg */
  #agentLegAnswered(call, leg) {
    if (call.state === 'ended') {
      this.#terminate(leg);
      return;
    }
    if (call.offer === leg && call.establishedTime) {
      // The customer was answered before: its agent leg was lost and this agent takes it over.
      call.offer = null;
      call.lost = null;
      this.#unqueue(call);
      call.agent = leg;
      call.state = 'talking';
      this.#agentTalking(call, leg);
      this.#refresh(call);
      this.log.info(`ACD: ${call.jobId} taken over by ${leg.agentId} after a lost agent leg`);
      this.emit('answered', { jobId: call.jobId, queue: call.queue, agentId: leg.agentId, callId: call.customer.callId, again: true });
    } else if (call.offer === leg) {
      call.offer = null;
      this.#unqueue(call);
      call.agent = leg;
      call.state = 'talking';
      this.#agentTalking(call, leg);
      try {
        answerWithPeer(call.customer.session, call.customer.pc, call.offerSdp);
      } catch (e) {
        this.log.warn(`ACD: answering ${call.caller} failed: ${/** @type {Error} */ (e).message}`);
        this.#endCall(call, 'system', 'failed', 'customer answer failed');
        return;
      }
      call.establishedTime = Date.now();
      this.#refresh(call);
      this.log.info(`ACD: ${call.jobId} answered by ${leg.agentId}`);
      this.emit('answered', { jobId: call.jobId, queue: call.queue, agentId: leg.agentId, callId: call.customer.callId });
    } else if (call.transfer?.leg === leg) {
      this.#transferAnswered(call);
    } else if (call.consult?.leg === leg) {
      this.#agentTalking(call, leg);
      this.#refresh(call);
    } else if (call.direction === 'outbound' && call.agent === leg && call.state === 'dialing') {
      this.#agentTalking(call, leg);
      this.#dialCustomer(call);
    } else {
      this.#terminate(leg);
    }
  }

  /** @param {Call} call @param {Leg} leg @param {string} reason */
  #agentLegFailed(call, leg, reason) {
    leg.ended = true;
    leg.out.close();
    if (call.offer === leg) {
      call.offer = null;
      // A missed offer is kept from the agent by its break; a rejection by the retry delay.
      if (leg.agentId && !leg.noAnswer) call.tried.set(leg.agentId, Date.now());
      this.#agentNotReached(call, leg);
      this.log.info(`ACD: ${call.jobId} not taken by ${leg.agentId} (${reason})`);
      this.emit('offerFailed', { jobId: call.jobId, queue: call.queue, agentId: leg.agentId, reason });
      this.#scheduleDispatch();
    } else if (call.transfer?.leg === leg) {
      const from = call.transfer.from?.agentId ?? call.agent?.agentId ?? null;
      call.transfer = null;
      this.#agentNotReached(call, leg);
      this.emit('transferFailed', { jobId: call.jobId, from, to: leg.party, reason });
      this.#refresh(call);
    } else if (call.consult?.leg === leg) {
      call.consult = null;
      this.#agentNotReached(call, leg);
      this.emit('transferFailed', { jobId: call.jobId, from: call.agent?.agentId ?? null, to: leg.party, reason });
      this.#refresh(call);
    } else if (call.agent === leg) {
      this.#endCall(call, 'agent', 'failed', `agent leg failed: ${reason}`);
    }
  }

  /** @param {Call} call @param {Leg} leg @param {string} originator */
  #agentLegEnded(call, leg, originator) {
    leg.out.close();
    if (leg.timer) clearTimeout(leg.timer);
    leg.timer = null;
    if (leg.agentId && leg.answered) this.#releaseAgent(call, leg.agentId, true);
    if (call.agent === leg) {
      this.#endCall(call, originator === 'remote' ? 'agent' : 'system', 'answered', 'agent leg ended');
    } else if (call.consult?.leg === leg) {
      call.consult = null;
      this.#refresh(call);
    } else if (call.transfer?.leg === leg) {
      call.transfer = null;
      this.#refresh(call);
    }
  }

  // --------------------------------------------------------------------------------- media

  /**
   * Relays what arrives on `leg` to its peer leg.
   * @param {Leg} leg @param {any} pc werift RTCPeerConnection
   */
  #receive(leg, pc) {
    if (!pc?.onTrack || leg.tracks.has(pc)) return;
    leg.tracks.add(pc);
    pc.onTrack.subscribe((/** @type {any} */ track) => {
      if (leg.tracks.has(track)) return;
      leg.tracks.add(track);
      track.onReceiveRtp.subscribe((/** @type {any} */ rtp) => {
        if (leg.ended) return;
        const isEvent = leg.telephoneEventTypes().includes(rtp.header.payloadType);
        if (isEvent) {
          leg.received.events++;
          // A supervisor's digits switch the monitor's mode; they reach nobody else.
          leg.dtmf?.handle(rtp);
        } else leg.received.audio++;
        // Monitored call: audio goes to the mixer (mixer.mjs); unmonitored calls pay one check.
        if (leg.mix && !isEvent) {
          leg.mix(rtp.payload);
          return;
        }
        const to = leg.peer;
        if (to && !to.ended && to.peer === leg) to.out.relay(rtp, leg.id, isEvent);
      });
    });
  }

  /** @param {Leg} a @param {Leg} b */
  #link(a, b) {
    if (a.peer && a.peer !== b) this.#unlink(a);
    if (b.peer && b.peer !== a) this.#unlink(b);
    a.peer = b;
    b.peer = a;
  }

  /** @param {Leg} a */
  #unlink(a) {
    if (a.peer?.peer === a) a.peer.peer = null;
    a.peer = null;
  }

  /** @param {Call} call */
  #customerHeldWanted(call) {
    return Boolean(call.agent?.remoteHold || call.ctiHold || call.consult);
  }

  /**
   * Puts media and the customer's hold state in line with the call: the customer hears the agent
   * when bridged and nobody holds, queue / hold music otherwise; during a CTI consultation the
   * agent talks with the consulted party.
   * @param {Call} call
   */
  #refresh(call) {
    if (call.state === 'ended') return;
    const { customer, agent } = call;
    const held = this.#customerHeldWanted(call);
    const bridged = Boolean(agent && agent.answered && !agent.ended && call.establishedTime);
    if (bridged && !held) this.#link(customer, /** @type {Leg} */ (agent));
    else this.#unlink(customer);
    customer.prompt = !bridged || held;
    const consult = call.consult?.leg;
    if (agent && consult?.answered && !consult.ended) this.#link(agent, consult);
    else if (consult) this.#unlink(consult);
    if (agent) agent.prompt = call.direction === 'outbound' && !call.establishedTime && agent.answered;
    this.#syncHold(call);
  }

  /** @param {Call} call */
  #syncHold(call) {
    const s = call.customer.session;
    if (call.state === 'ended' || !call.establishedTime || !s?.isEstablished?.()) return;
    const want = this.#customerHeldWanted(call);
    const held = Boolean(s.isOnHold().local);
    if (held === want) {
      call.holdRetries = 0;
      return;
    }
    const ok = want ? s.hold() : s.unhold();
    if (ok) {
      call.holdRetries = 0;
      this.emit(want ? 'held' : 'resumed', { jobId: call.jobId, agentId: call.agent?.agentId ?? null, by: call.ctiHold ? 'cti' : 'agent' });
      return;
    }
    // Another re-INVITE is in progress: JsSIP refuses a second one; try again shortly (bounded).
    if (call.holdRetries++ < MAX_HOLD_RETRIES) {
      setTimeout(() => this.#syncHold(call), 200);
    } else {
      this.log.warn(`ACD: ${call.jobId}: could not ${want ? 'hold' : 'resume'} the customer`);
    }
  }

  // ----------------------------------------------------------------------------- transfers

  /**
   * REFER from an agent on its ACD leg: blind transfer (Refer-To a user or number) or consult
   * transfer (Refer-To with Replaces, copied into the new INVITE). JsSIP has already answered 202
   * and sent the first NOTIFY (100 Trying). The new leg is placed here rather than with JsSIP's
   * `accept()`, whose NOTIFYs say `487 Canceled` for a target that did not answer: the ACD
   * reports the real outcome (ReferProgress), so the transferring agent can name the cause.
   * @param {Call} call @param {Leg} leg @param {{ request: any, reject: Function }} e
   */
  #onRefer(call, leg, { request, reject }) {
    if (leg !== call.agent || call.state !== 'talking' || call.transfer || call.consult) {
      reject();
      return;
    }
    const uri = request.refer_to.uri;
    const target = String(uri.user ?? '');
    if (!isDialable(target)) {
      reject();
      return;
    }
    const replaces = uri.hasHeader('replaces');
    const newLeg = this.#newTransferLeg(call, target);
    newLeg.referProgress = new ReferProgress(leg.session, request.cseq, this.log);
    call.transfer = { leg: newLeg, from: leg, via: 'refer' };
    this.emit('transferring', { jobId: call.jobId, from: leg.agentId, to: target, via: 'refer', replaces });
    const headers = this.#agentHeaders(call, { referredBy: leg.agentId ?? leg.party });
    if (replaces) headers.push(`Replaces: ${decodeURIComponent(uri.getHeader('replaces'))}`);
    if (!this.#callAgentLeg(call, newLeg, this.#uaOf(call), headers)) return;
    this.#armTransferTimer(call, newLeg);
  }

  /** @param {Call} call @param {string} target */
  #newTransferLeg(call, target) {
    const agentId = this.directory.has(target) ? target : null;
    const leg = new Leg({ id: `${call.jobId}/agent-${++this.seq}`, role: 'agent', agentId, party: target });
    if (agentId) this.directory.setState(agentId, 'ringing', { callId: call.jobId });
    return leg;
  }

  /** @param {Call} call @param {Leg} leg */
  #armTransferTimer(call, leg) {
    leg.timer = setTimeout(() => this.#ringedOut(leg), this.#ringTimeoutMs(call.queue));
  }

  /** @param {Call} call */
  #transferAnswered(call) {
    const t = /** @type {NonNullable<Call['transfer']>} */ (call.transfer);
    // The monitored agent leaves the call: the monitor ends with it (the mix is per agent leg).
    if (call.monitor) this.#endMonitor(call, 'transferred');
    const old = call.agent;
    call.transfer = null;
    call.agent = t.leg;
    call.ctiHold = false;
    this.#agentTalking(call, t.leg);
    if (old) {
      call.detached.push(old);
      this.#unlink(old);
      old.prompt = false;
      if (old.agentId) this.#releaseAgent(call, old.agentId, true);
      if (t.via === 'refer') {
        // The transferor ends its leg on the NOTIFY 200 (RFC 5589); end it here if it does not.
        old.timer = setTimeout(() => this.#terminate(old), TRANSFEROR_GRACE_MS);
      } else {
        this.#terminate(old);
      }
    }
    this.#refresh(call);
    this.log.info(`ACD: ${call.jobId} transferred from ${old?.party} to ${t.leg.party}`);
    this.emit('transferred', { jobId: call.jobId, from: old?.agentId ?? old?.party ?? null, to: t.leg.party });
  }

  // ---------------------------------------------------------------------- agent states, end

  /** @param {Call} call @param {Leg} leg */
  #agentTalking(call, leg) {
    if (leg.party && !call.agentIds.includes(leg.party)) call.agentIds.push(leg.party);
    if (leg.agentId) this.directory.setState(leg.agentId, 'talking', { callId: call.jobId });
  }

  /**
   * After an offer or a call: back to 'ready' / 'afterCall' (CTI agents) or 'offline' (no CTI),
   * unless the agent's state no longer refers to this call (the CTI changed it meanwhile).
   * @param {Call} call @param {string} agentId @param {boolean} talked
   */
  #releaseAgent(call, agentId, talked) {
    const a = this.directory.get(agentId);
    if (!a || a.callId !== call.jobId || (a.state !== 'ringing' && a.state !== 'talking')) return;
    const next = a.ctiManaged ? (talked ? 'afterCall' : 'ready') : 'offline';
    this.directory.setState(agentId, next);
  }

  /**
   * RONA: the agent let `call` ring out. Break 'missed' (unless its state no longer refers to the
   * call); a CTI agent stays there until ReadyForService, an agent without CTI, which cannot say
   * it is back, for retryAgentSeconds.
   * @param {Call} call @param {string} agentId
   */
  #missed(call, agentId) {
    const a = this.directory.get(agentId);
    if (!a || a.callId !== call.jobId || a.state !== 'ringing') return;
    this.directory.setState(agentId, 'break', { reason: MISSED_BREAK_REASON });
    const now = this.directory.get(agentId);
    this.log.info(`ACD: ${agentId} did not answer ${call.jobId}: break '${MISSED_BREAK_REASON}'`);
    this.emit('missed', { jobId: call.jobId, queue: call.queue, agentId });
    if (a.ctiManaged || now?.state !== 'break') return;
    const since = now.stateSince;
    const timer = setTimeout(() => {
      this.missedTimers.delete(timer);
      const b = this.directory.get(agentId);
      // Only the break this timer belongs to: not one the agent took or left itself since.
      if (b && !b.ctiManaged && b.state === 'break' && b.breakReason === MISSED_BREAK_REASON && b.stateSince === since) {
        this.directory.setState(agentId, 'offline');
      }
    }, this.retryAgentMs);
    this.missedTimers.add(timer);
  }

  /**
   * An agent offered a call, a transfer or a consultation that it did not take: missed when it
   * rang out, else back to its state before the ring.
   * @param {Call} call @param {Leg} leg
   */
  #agentNotReached(call, leg) {
    if (!leg.agentId) return;
    if (leg.noAnswer) this.#missed(call, leg.agentId);
    else this.#releaseAgent(call, leg.agentId, false);
  }

  /** @param {Call} call */
  #unqueue(call) {
    const list = this.waitingCalls.get(call.queue);
    const i = list ? list.indexOf(call) : -1;
    if (i >= 0) list?.splice(i, 1);
  }

  /** @param {Call} call @returns {Leg[]} */
  #legs(call) {
    return /** @type {Leg[]} */ ([call.customer, call.agent, call.offer, call.transfer?.leg, call.consult?.leg, call.monitor?.leg, ...call.detached].filter(Boolean));
  }

  /**
   * @param {Call} call
   * @param {'customer'|'agent'|'system'} initiator
   * @param {'answered'|'abandoned'|'failed'} result  used when the call was never established
   * @param {string} why
   */
  #endCall(call, initiator, result, why) {
    if (call.state === 'ended') return;
    call.state = 'ended';
    // A monitoring supervisor's leg gets its BYE here (and the mixer stops) before the others.
    if (call.monitor) this.#endMonitor(call, 'callEnded');
    this.#unqueue(call);
    const releaseTime = Date.now();
    for (const leg of new Set([...this.#legs(call)])) {
      if (leg.timer) clearTimeout(leg.timer);
      this.#unlink(leg);
      leg.prompt = false;
      if (!leg.ended) this.#terminate(leg);
      leg.out.close();
      if (leg.agentId) this.#releaseAgent(call, leg.agentId, leg.answered);
    }
    // JsSIP closes the peer connections of its sessions; the early-media peer of a caller who
    // was never answered is not JsSIP's (a werift peer keeps UDP sockets, and the process, alive).
    const early = call.customer.pc;
    if (early && call.customer.session?.connection !== early) Promise.resolve(early.close()).catch(() => {});
    this.jobs.delete(call.jobId);
    const established = call.establishedTime;
    /** @type {CdrRecord} */
    const record = {
      contactId: call.jobId,
      callId: call.customer.callId,
      direction: call.direction,
      caller: call.caller,
      callee: call.callee,
      ...(call.queue ? { queue: call.queue } : {}),
      agentId: call.agent?.agentId ?? call.agent?.party ?? call.offer?.agentId ?? [...call.tried.keys()].at(-1) ?? null,
      agentIds: [...call.agentIds],
      startTime: call.startTime,
      ringTime: call.ringTime,
      establishedTime: established,
      releaseTime,
      duration: established ? Math.max(0, Math.round((releaseTime - established) / 1000)) : 0,
      releaseInitiator: initiator,
      result: established ? 'answered' : result === 'answered' ? 'failed' : result,
      ...(call.userData ? { userData: call.userData } : {}),
    };
    this.log.info(`ACD: ${call.jobId} ended (${record.result}, by ${initiator}: ${why})`);
    try {
      this.onRecord?.(record);
    } catch (e) {
      this.log.warn(`ACD: onRecord failed: ${/** @type {Error} */ (e).message}`);
    }
    this.emit('ended', { jobId: call.jobId, record });
    this.#scheduleDispatch();
  }

  /**
   * Ends a leg whatever its state (CANCEL, reject or BYE); never throws.
   * @param {Leg} leg @param {{ status_code: number, reason_phrase: string }} [why] Reason of a CANCEL
   */
  #terminate(leg, why) {
    const s = leg.session;
    if (!s || s.isEnded?.()) return;
    try {
      s.terminate(why ? { ...why } : undefined);
    } catch (e) {
      this.log.debug?.(`ACD: terminate ${leg.id}: ${/** @type {Error} */ (e).message}`);
    }
  }

  /** @param {string} queue */
  #ringTimeoutMs(queue) {
    const q = this.queueConfig.queues.find((x) => x.id === queue);
    return (q?.ringTimeoutSeconds ?? this.queueConfig.ringTimeoutSeconds ?? 15) * 1000;
  }

  #newJobId() {
    return `job-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  }

  // -------------------------------------------------------------------------- call control

  /** @param {string} jobId @returns {Call|undefined} */
  #findJob(jobId) {
    const direct = this.jobs.get(jobId);
    if (direct) return direct;
    for (const c of this.jobs.values()) if (c.consult?.jobId === jobId) return c;
    return undefined;
  }

  /**
   * The call `jobId` when `agentId` controls it; rejects otherwise (CTI error shape).
   * @param {string} agentId @param {string} jobId
   */
  #own(agentId, jobId) {
    const call = this.#findJob(jobId);
    if (!call) throw ccError('NotExists.JobId', 404, `The call "${jobId}" does not exist.`);
    if (call.agent?.agentId !== agentId) throw ccError('Forbidden.NotAuthorized', 403, `The call "${jobId}" is not agent ${agentId}'s call.`);
    return call;
  }

  /**
   * Outbound call for an agent: rings the agent's phone first (Call-Info answer-after=0, so the
   * workbench answers by itself), then dials `callee` and bridges the two.
   * @param {{ agentId: string, callee: string, caller?: string, timeoutSeconds?: number }} o
   *   timeoutSeconds: how long the callee may ring (default 30)
   * @returns {Promise<{ jobId: string, callId: string }>} once the agent's phone is being called
   */
  async makeCall({ agentId, callee, caller, timeoutSeconds, userData: data }) {
    if (this.closed) throw ccError('ServiceUnavailable.CallControl', 503, 'The ACD is closed.');
    const a = this.directory.get(agentId);
    if (!a) throw ccError('NotExists.UserId', 404, `The user "${agentId}" does not exist.`);
    if (!a.registered) throw ccError('AgentNotRegistered', 409, `Agent ${agentId} has no registered softphone.`);
    if (a.state === 'ringing' || a.state === 'talking') throw ccError('CurrentStateIsBusy', 409, `Agent ${agentId} is on a call.`);
    if (!isDialable(callee)) throw ccError('Parameter.Invalid', 400, `The callee "${callee}" is not a number.`);
    if (caller != null && caller !== '' && !isDialable(caller)) throw ccError('Parameter.Invalid', 400, `The caller "${caller}" is not a number.`);
    const userData = readUserData(data ?? undefined);
    if (userData.dropped) throw ccError('Parameter.Invalid', 400, `The userData is refused: ${userData.dropped}.`);
    const queue = a.skills[0]?.queue ?? this.queueConfig.queues[0]?.id;
    const ua = this.uas.get(queue) ?? [...this.uas.values()][0];
    const jobId = this.#newJobId();
    const customer = new Leg({ id: `${jobId}/customer`, role: 'customer', party: callee });
    const agent = new Leg({ id: `${jobId}/agent-${++this.seq}`, role: 'agent', agentId, party: agentId });
    /** @type {Call} */
    const call = {
      jobId,
      direction: 'outbound',
      queue: '',
      caller: caller || agentId,
      callerName: caller || agentId,
      callee,
      customer,
      offerSdp: '',
      agent,
      offer: null,
      transfer: null,
      consult: null,
      tried: new Map(),
      state: 'dialing',
      ctiHold: false,
      holdRetries: 0,
      agentIds: [],
      startTime: Date.now(),
      ringTime: Date.now(),
      establishedTime: null,
      detached: [],
      userData: userData.value,
    };
    call.ua = ua;
    call.dialTimeoutMs = Math.max(1, Math.min(300, Number(timeoutSeconds) || 30)) * 1000;
    this.jobs.set(jobId, call);
    this.directory.setState(agentId, 'ringing', { callId: jobId });
    const session = this.#callAgentLeg(call, agent, ua, [
      'Call-Info: <sip:' + this.domain + '>;answer-after=0',
      `P-Asserted-Identity: <sip:${callee}@${this.domain}>`,
      `X-CC-Job-Id: ${jobId}`,
      ...(call.userData ? [`${USER_DATA_HEADER}: ${call.userData}`] : []),
    ]);
    if (!session) throw ccError('InternalError', 500, `Could not call agent ${agentId}.`);
    agent.timer = setTimeout(() => {
      if (!agent.answered) this.#terminate(agent);
    }, this.#ringTimeoutMs(queue));
    return { jobId, callId: agent.callId };
  }

  /** @param {Call} call */
  #dialCustomer(call) {
    const leg = call.customer;
    const ua = call.ua ?? [...this.uas.values()][0];
    try {
      const session = ua.call(`sip:${call.callee}@${this.domain}`, {
        mediaStream: leg.out.stream,
        fromDisplayName: call.caller,
        extraHeaders: [
          `P-Asserted-Identity: <sip:${call.caller}@${this.domain}>`,
          `X-CC-Job-Id: ${call.jobId}`,
          ...(call.userData ? [`${USER_DATA_HEADER}: ${call.userData}`] : []),
        ],
        pcConfig: { iceServers: [] },
      });
      leg.session = session;
      leg.callId = this.callIds.get(session) ?? '';
      if (session.connection) this.#receive(leg, session.connection);
      session.on('peerconnection', (/** @type {any} */ e) => this.#receive(leg, e.peerconnection));
      this.#wireCustomer(call, session);
      leg.timer = setTimeout(() => {
        if (!leg.answered) this.#terminate(leg);
      }, call.dialTimeoutMs ?? 30_000);
      session.on('accepted', () => {
        leg.answered = true;
        if (leg.timer) clearTimeout(leg.timer);
        leg.timer = null;
        if (call.state !== 'dialing') return;
        call.state = 'talking';
        call.establishedTime = Date.now();
        this.#refresh(call);
        this.emit('answered', { jobId: call.jobId, queue: '', agentId: call.agent?.agentId ?? null, callId: leg.callId });
      });
      this.#refresh(call);
    } catch (e) {
      this.#endCall(call, 'system', 'failed', `dialing ${call.callee} failed: ${/** @type {Error} */ (e).message}`);
    }
  }

  /** Hangs up the call (both legs). @param {{ agentId: string, jobId: string }} o */
  async releaseCall({ agentId, jobId }) {
    const call = this.#own(agentId, jobId);
    if (call.consult?.jobId === jobId) {
      await this.cancelAttendedTransfer({ agentId, jobId });
      return { jobId };
    }
    this.#endCall(call, 'agent', call.direction === 'inbound' ? 'abandoned' : 'failed', 'released via CTI');
    return { jobId };
  }

  /** Puts the customer on hold (the customer hears hold music). @param {{ agentId: string, jobId: string }} o */
  async holdCall({ agentId, jobId }) {
    const call = this.#own(agentId, jobId);
    if (call.state !== 'talking' || !call.establishedTime) throw ccError('InvalidState.Call', 409, `The call "${jobId}" is not connected.`);
    if (call.ctiHold) throw ccError('InvalidState.Call', 409, `The call "${jobId}" is already on hold.`);
    call.ctiHold = true;
    this.#refresh(call);
    return { jobId };
  }

  /** Takes the customer off hold. @param {{ agentId: string, jobId: string }} o */
  async retrieveCall({ agentId, jobId }) {
    const call = this.#own(agentId, jobId);
    if (!call.ctiHold) throw ccError('InvalidState.Call', 409, `The call "${jobId}" is not on hold.`);
    if (call.consult) throw ccError('InvalidState.Call', 409, `The call "${jobId}" has a consultation; complete or cancel it first.`);
    call.ctiHold = false;
    this.#refresh(call);
    return { jobId };
  }

  /**
   * Blind transfer through the ACD: calls `transferee`; when it answers the customer is bridged
   * to it and the agent's leg is released. Resolves once the transferee is being called.
   * @param {{ agentId: string, jobId: string, transferee: string }} o
   */
  async blindTransfer({ agentId, jobId, transferee }) {
    const call = this.#own(agentId, jobId);
    this.#checkTransfer(call, jobId, transferee);
    const leg = this.#newTransferLeg(call, String(transferee));
    call.transfer = { leg, from: call.agent, via: 'cti' };
    this.emit('transferring', { jobId, from: agentId, to: leg.party, via: 'cti', replaces: false });
    if (!this.#callAgentLeg(call, leg, this.#uaOf(call), this.#agentHeaders(call, { referredBy: agentId }))) throw ccError('InternalError', 500, `Could not call ${transferee}.`);
    this.#armTransferTimer(call, leg);
    return { jobId };
  }

  /**
   * Consultation: holds the customer and calls `transferee`; once answered the agent talks with
   * the transferee. Resolves with the consultation's jobId.
   * @param {{ agentId: string, jobId: string, transferee: string }} o
   */
  async initiateAttendedTransfer({ agentId, jobId, transferee }) {
    const call = this.#own(agentId, jobId);
    this.#checkTransfer(call, jobId, transferee);
    const leg = new Leg({ id: `${call.jobId}/consult-${++this.seq}`, role: 'consult', agentId: this.directory.has(transferee) ? transferee : null, party: transferee });
    if (leg.agentId) this.directory.setState(leg.agentId, 'ringing', { callId: call.jobId });
    const consultJobId = `${call.jobId}-consult-${this.seq}`;
    call.consult = { leg, jobId: consultJobId };
    this.#refresh(call);
    if (!this.#callAgentLeg(call, leg, this.#uaOf(call), this.#agentHeaders(call, { referredBy: agentId }))) throw ccError('InternalError', 500, `Could not call ${transferee}.`);
    this.#armTransferTimer(call, leg);
    this.emit('transferring', { jobId: call.jobId, from: agentId, to: leg.party, via: 'cti', replaces: false, consultJobId });
    return { jobId: consultJobId };
  }

  /** Bridges the customer to the consulted party and releases the agent. @param {{ agentId: string, jobId: string }} o */
  async completeAttendedTransfer({ agentId, jobId }) {
    const call = this.#own(agentId, jobId);
    const consult = call.consult;
    if (!consult) throw ccError('InvalidState.Call', 409, `The call "${jobId}" has no consultation.`);
    if (!consult.leg.answered || consult.leg.ended) throw ccError('InvalidState.Call', 409, `The consultation of "${jobId}" is not connected.`);
    call.consult = null;
    call.transfer = { leg: consult.leg, from: call.agent, via: 'cti' };
    this.#transferAnswered(call);
    return { jobId: call.jobId };
  }

  /** Ends the consultation and reconnects the agent with the customer. @param {{ agentId: string, jobId: string }} o */
  async cancelAttendedTransfer({ agentId, jobId }) {
    const call = this.#own(agentId, jobId);
    const consult = call.consult;
    if (!consult) throw ccError('InvalidState.Call', 409, `The call "${jobId}" has no consultation.`);
    call.consult = null;
    call.ctiHold = false;
    this.#unlink(consult.leg);
    this.#terminate(consult.leg);
    if (consult.leg.agentId) this.#releaseAgent(call, consult.leg.agentId, consult.leg.answered);
    this.#refresh(call);
    return { jobId: call.jobId };
  }

  /** @param {Call} call @param {string} jobId @param {unknown} transferee */
  #checkTransfer(call, jobId, transferee) {
    if (call.state !== 'talking' || !call.establishedTime) throw ccError('InvalidState.Call', 409, `The call "${jobId}" is not connected.`);
    if (call.transfer || call.consult) throw ccError('InvalidState.Call', 409, `The call "${jobId}" is already being transferred.`);
    if (!isDialable(transferee)) throw ccError('Parameter.Invalid', 400, `The transferee "${transferee}" is not a number or agent.`);
    if (transferee === call.agent?.party) throw ccError('Parameter.Invalid', 400, 'An agent cannot transfer a call to itself.');
  }

  /** @param {Call} call */
  #uaOf(call) {
    return call.ua ?? this.uas.get(call.queue) ?? [...this.uas.values()][0];
  }

  // ---------------------------------------------------------------------------- monitoring
  // A supervisor listens to, coaches (whisper) or joins (barge) a connected call, or takes it
  // over (intercept). Two ways in, one media path: the CTI actions make the ACD call the
  // supervisor's softphone with auto-answer (monitor()), or the supervisor's softphone dials a
  // feature code such as `*2221001` and the ACD answers that INVITE (#onFeatureCode). Either
  // way the leg becomes the call's Monitor and, once answered, the three legs' audio goes
  // through a MonitorMixer (mixer.mjs) instead of the packet relay; when the monitor ends the
  // relay carries on as before. The mode changes in place (CTI, or the digits of
  // featureCodes.digits sent on the monitor leg): the supervisor's leg stays up.

  /** @param {string} supervisorId @returns {Call|undefined} */
  #monitoredBy(supervisorId) {
    for (const c of this.jobs.values()) if (c.monitor?.supervisorId === supervisorId) return c;
    return undefined;
  }

  /**
   * What `supervisorId` monitors now, if anything.
   * @param {string} supervisorId
   * @returns {{ jobId: string, agentId: string, mode: import('./mixer.mjs').MonitorMode, answered: boolean, callId: string }|undefined}
   */
  monitorOf(supervisorId) {
    const call = this.#monitoredBy(supervisorId);
    const m = call?.monitor;
    if (!call || !m) return undefined;
    return { jobId: call.jobId, agentId: m.agentId, mode: m.mode, answered: m.leg.answered, callId: m.leg.callId };
  }

  /**
   * The connected call of `agentId` (or the call `jobId`); rejects when there is none.
   * @param {{ agentId?: string, jobId?: string }} o
   */
  #talkingCall({ agentId, jobId }) {
    let call;
    if (jobId) {
      call = this.jobs.get(jobId);
      if (!call) throw ccError('NotExists.JobId', 404, `The call "${jobId}" does not exist.`);
      if (agentId && call.agent?.agentId !== agentId) throw ccError('Parameter.Invalid', 400, `The call "${jobId}" is not agent ${agentId}'s call.`);
    } else {
      if (!agentId || this.directory.get(agentId)?.role !== 'agent') throw ccError('NotExists.UserId', 404, `The agent "${agentId}" does not exist.`);
      call = [...this.jobs.values()].find((c) => c.agent?.agentId === agentId && c.state === 'talking');
    }
    const agent = call?.agent;
    if (!call || call.state !== 'talking' || !call.establishedTime || !agent?.agentId || !agent.answered || agent.ended) {
      throw ccError('InvalidState.AgentNotTalking', 409, `${agentId ? `Agent ${agentId}` : `The call "${jobId}"`} is not on a connected call with a customer.`);
    }
    return call;
  }

  /** @param {unknown} mode */
  #checkMode(mode) {
    if (!/** @type {readonly unknown[]} */ (MONITOR_MODES).includes(mode)) throw ccError('Parameter.Invalid', 400, `The monitor mode "${mode}" is not one of ${MONITOR_MODES.join(', ')}.`);
    return /** @type {import('./mixer.mjs').MonitorMode} */ (mode);
  }

  /**
   * The checks both ways in share, after the caller's role and the target: the call is not
   * monitored by someone else, the supervisor monitors no other call, no transfer is under way.
   * @param {Call} call @param {string} supervisorId
   */
  #checkMonitorable(call, supervisorId) {
    const current = this.#monitoredBy(supervisorId);
    if (current && current !== call) throw ccError('CurrentStateIsBusy', 409, `Supervisor ${supervisorId} already monitors ${current.jobId}; end that first.`);
    if (call.monitor && call.monitor.supervisorId !== supervisorId) {
      throw ccError('InvalidState.Monitored', 409, `The call "${call.jobId}" is already monitored by ${call.monitor.supervisorId}.`);
    }
    if (call.transfer || call.consult) throw ccError('InvalidState.Call', 409, `The call "${call.jobId}" is being transferred.`);
  }

  /**
   * The Monitor of a new supervisor leg (not wired yet).
   * @param {Call} call
   * @param {{ supervisorId: string, mode: import('./mixer.mjs').MonitorMode, via: 'cti'|'sip', intercept?: boolean }} o
   * @returns {Monitor}
   */
  #newMonitor(call, { supervisorId, mode, via, intercept = false }) {
    const leg = new Leg({ id: `${call.jobId}/monitor-${++this.seq}`, role: 'monitor', party: supervisorId });
    const mixer = new MonitorMixer({ mode, send: (listener, payload) => this.#sendMixed(call, listener, payload) });
    return { supervisorId, agentId: /** @type {string} */ (call.agent?.agentId), leg, mode, mixer, via, intercept, announced: false };
  }

  /** @param {Call} call @param {Monitor} m */
  #announceMonitor(call, m) {
    m.announced = true;
    this.log.info(`ACD: ${m.supervisorId} monitors ${call.jobId} (${m.agentId}, ${m.mode}, ${m.via === 'sip' ? 'feature code' : 'CTI'})`);
    this.emit('monitorStarted', { jobId: call.jobId, supervisorId: m.supervisorId, agentId: m.agentId, mode: m.mode });
  }

  /**
   * A supervisor starts monitoring the connected call of `agentId` (or `jobId`): the ACD calls
   * the supervisor's softphone (auto-answer, `X-CC-Monitor`). Monitoring the call the supervisor
   * already monitors only changes the mode. Resolves once the supervisor's INVITE is sent.
   * @param {{ supervisorId: string, agentId?: string, jobId?: string, mode?: import('./mixer.mjs').MonitorMode }} o
   * @returns {Promise<{ jobId: string, agentId: string, mode: string, callId: string, changed?: boolean }>}
   */
  async monitor({ supervisorId, agentId, jobId, mode = 'listen' }) {
    if (this.closed) throw ccError('ServiceUnavailable.CallControl', 503, 'The ACD is closed.');
    this.#checkMode(mode);
    const sup = this.directory.get(supervisorId);
    if (!sup) throw ccError('NotExists.UserId', 404, `The user "${supervisorId}" does not exist.`);
    const call = this.#talkingCall({ agentId, jobId });
    if (call.monitor?.supervisorId === supervisorId) return { ...(await this.changeMonitorMode({ supervisorId, jobId: call.jobId, mode })), changed: true };
    this.#checkMonitorable(call, supervisorId);
    if (!sup.registered) throw ccError('AgentNotRegistered', 409, `Supervisor ${supervisorId} has no registered softphone.`);
    const m = this.#newMonitor(call, { supervisorId, mode, via: 'cti' });
    const { leg } = m;
    call.monitor = m;
    const headers = [
      `Call-Info: <sip:${this.domain}>;answer-after=0`,
      `P-Asserted-Identity: <sip:${call.caller}@${this.domain}>`,
      `X-CC-Job-Id: ${call.jobId}`,
      `X-CC-Monitor: ${mode};job=${call.jobId};agent=${m.agentId}`,
    ];
    try {
      const session = this.#uaOf(call).call(`sip:${supervisorId}@${this.domain}`, {
        mediaStream: leg.out.stream,
        fromDisplayName: call.direction === 'inbound' ? call.caller : call.callee,
        extraHeaders: headers,
        pcConfig: { iceServers: [] },
      });
      this.#wireMonitorLeg(call, leg, session);
    } catch (e) {
      call.monitor = null;
      leg.out.close();
      throw ccError('InternalError', 500, `Could not call supervisor ${supervisorId}: ${/** @type {Error} */ (e).message}`);
    }
    leg.timer = setTimeout(() => {
      if (!leg.answered) this.#terminate(leg);
    }, this.#ringTimeoutMs(call.queue));
    this.#announceMonitor(call, m);
    return { jobId: call.jobId, agentId: m.agentId, mode, callId: leg.callId };
  }

  /**
   * An INVITE the proxy routed here for a dialled feature code (`X-CC-Dialed`, the caller in
   * the proxy's `P-Asserted-Identity`). Called synchronously from 'newRTCSession', so a refusal
   * goes out before JsSIP's automatic 180 and no media is ever set up for it. Accepted: the ACD
   * answers (200 with its SDP, PCMU) and that leg is the monitor leg, as a CTI-placed one would be.
   * @param {any} session incoming JsSIP RTCSession
   * @param {any} request its INVITE
   * @param {string} dialled e.g. `*2221001`
   */
  #onFeatureCode(session, request, dialled) {
    const asserted = request.getHeader('P-Asserted-Identity');
    const supervisorId = /^\s*<?sips?:([^@>;\s]+)@/i.exec(String(asserted ?? ''))?.[1] ?? '';
    const code = parseFeatureCode(dialled, this.featureCodes);
    /** @type {Call} */
    let call;
    try {
      if (this.directory.get(supervisorId)?.role !== 'supervisor') {
        throw ccError('Forbidden.NotAuthorized', 403, `${supervisorId || 'The caller'} is not a supervisor: monitoring codes are for supervisors only.`);
      }
      if (!code) throw ccError('NotExists.UserId', 404, `"${dialled}" names no agent extension after a monitoring code.`);
      call = this.#talkingCall({ agentId: code.extension });
      this.#checkMonitorable(call, supervisorId);
      if (!request.body) throw ccError('Parameter.Invalid', 488, 'A monitoring call needs an SDP offer.');
      if (!offersPcmu(request.body)) throw ccError('Parameter.Invalid', 488, 'A monitoring call must offer PCMU (the mixer speaks G.711 mu-law).');
    } catch (e) {
      const [status, phrase] = featureRefusal(/** @type {{ code?: string, httpStatus?: number }} */ (e));
      const text = String(/** @type {Error} */ (e).message).replace(/["\\\r\n]/g, "'");
      this.log.info(`ACD: ${supervisorId || '?'} dialled ${dialled}: ${status} ${phrase} (${text})`);
      this.emit('featureCodeRefused', { supervisorId, dialled, status, reason: phrase });
      session.terminate({ status_code: status, reason_phrase: phrase, extraHeaders: [`Reason: SIP;cause=${status};text="${text}"`] });
      return;
    }
    const action = /** @type {NonNullable<typeof code>} */ (code).action;
    // The supervisor's own monitor of this call (e.g. a CTI one) makes way for the new leg.
    if (call.monitor) this.#endMonitor(call, 'replaced');
    const intercept = action === 'intercept';
    const m = this.#newMonitor(call, { supervisorId, mode: intercept ? 'listen' : action, via: 'sip', intercept });
    m.leg.callId = request.call_id;
    call.monitor = m;
    this.#wireMonitorLeg(call, m.leg, session);
    try {
      session.answer({ mediaStream: m.leg.out.stream, pcConfig: { iceServers: [] } });
    } catch (e) {
      this.log.warn(`ACD: answering ${supervisorId}'s ${dialled} failed: ${/** @type {Error} */ (e).message}`);
      this.#endMonitor(call, 'failed: answer');
      return;
    }
    if (!intercept) this.#announceMonitor(call, m);
    else this.log.info(`ACD: ${supervisorId} intercepts ${call.jobId} from ${m.agentId} (feature code)`);
  }

  /**
   * Switches the supervisor's monitor between listen, whisper and barge, on the same leg.
   * @param {{ supervisorId: string, jobId?: string, mode: import('./mixer.mjs').MonitorMode }} o
   */
  async changeMonitorMode({ supervisorId, jobId, mode }) {
    this.#checkMode(mode);
    const call = this.#monitoring(supervisorId, jobId);
    const m = /** @type {Monitor} */ (call.monitor);
    if (m.intercept) throw ccError('InvalidState.Call', 409, `Supervisor ${supervisorId} is taking the call "${call.jobId}" over.`);
    m.mode = mode;
    m.mixer.mode = mode;
    this.log.info(`ACD: ${supervisorId} on ${call.jobId}: ${mode}`);
    this.emit('monitorChanged', { jobId: call.jobId, supervisorId, agentId: m.agentId, mode });
    return { jobId: call.jobId, agentId: m.agentId, mode, callId: m.leg.callId };
  }

  /**
   * A digit the supervisor sent on its monitor leg (RFC 4733 or SIP INFO): one of
   * featureCodes.digits switches the mode (ChanSpy's `d`: 4 listen, 5 whisper, 6 barge); any
   * other digit, or one on a leg that is no longer the monitor leg, does nothing.
   * @param {Call} call @param {Leg} leg @param {string} digit
   */
  #monitorDigit(call, leg, digit) {
    const m = call.monitor;
    const mode = this.featureCodes.digits[digit];
    if (!m || m.leg !== leg || m.intercept || !mode || !leg.answered || mode === m.mode) return;
    this.changeMonitorMode({ supervisorId: m.supervisorId, jobId: call.jobId, mode }).catch((e) => this.log.warn(`ACD: digit ${digit}: ${e.message}`));
  }

  /**
   * Intercept: the monitored agent's leg ends (the agent goes to after-call work) and the
   * customer talks with the supervisor, whose leg becomes the call's agent leg (plain relay).
   * @param {{ supervisorId: string, jobId?: string, agentId?: string }} o
   */
  async intercept({ supervisorId, jobId, agentId }) {
    const call = this.#monitoring(supervisorId, jobId, agentId);
    const m = /** @type {Monitor} */ (call.monitor);
    if (!m.leg.answered || m.leg.ended) throw ccError('InvalidState.Call', 409, `Supervisor ${supervisorId} has not answered the monitoring call yet.`);
    this.#takeOver(call, m);
    return { jobId: call.jobId, agentId: m.agentId };
  }

  /**
   * The supervisor's (answered) monitor leg takes the customer over: shared by CTI InterceptCall
   * and the `*225` feature code.
   * @param {Call} call @param {Monitor} m
   */
  #takeOver(call, m) {
    call.monitor = null;
    this.#stopMixing(call, m);
    if (m.leg.timer) clearTimeout(m.leg.timer);
    m.leg.timer = null;
    const old = call.agent;
    call.agent = m.leg;
    call.ctiHold = false;
    this.#agentTalking(call, m.leg);
    if (old) {
      call.detached.push(old);
      this.#unlink(old);
      old.prompt = false;
      if (old.agentId) this.#releaseAgent(call, old.agentId, true);
      this.#terminate(old);
    }
    this.#refresh(call);
    this.log.info(`ACD: ${m.supervisorId} intercepted ${call.jobId} from ${m.agentId}`);
    if (m.announced) this.emit('monitorEnded', { jobId: call.jobId, supervisorId: m.supervisorId, agentId: m.agentId, reason: 'intercepted' });
    this.emit('intercepted', { jobId: call.jobId, from: m.agentId, to: m.supervisorId });
  }

  /**
   * Ends the supervisor's monitor (BYE to its leg); the call goes on as a two-party relay.
   * @param {{ supervisorId: string, jobId?: string }} o
   */
  async endMonitor({ supervisorId, jobId }) {
    const call = this.#monitoring(supervisorId, jobId);
    this.#endMonitor(call, 'ended');
    return { jobId: call.jobId };
  }

  /**
   * The call `supervisorId` monitors, checked against `jobId` / `agentId` when given.
   * @param {string} supervisorId @param {string} [jobId] @param {string} [agentId]
   */
  #monitoring(supervisorId, jobId, agentId) {
    if (jobId && !this.jobs.has(jobId)) throw ccError('NotExists.JobId', 404, `The call "${jobId}" does not exist.`);
    const call = this.#monitoredBy(supervisorId);
    if (!call || (jobId && call.jobId !== jobId) || (agentId && call.monitor?.agentId !== agentId)) {
      throw ccError('InvalidState.NotMonitoring', 409, `Supervisor ${supervisorId} is not monitoring ${jobId ? `the call "${jobId}"` : 'a call'}.`);
    }
    return call;
  }

  /**
   * Wires a supervisor leg, outgoing (CTI) or incoming (feature code): the mixer starts when it
   * is answered (or, for `*225`, the leg takes the customer over), digits on it switch the mode,
   * and its end ends the monitor (or, after an intercept, the call).
   * @param {Call} call @param {Leg} leg @param {any} session
   */
  #wireMonitorLeg(call, leg, session) {
    leg.session = session;
    leg.callId ||= this.callIds.get(session) ?? '';
    leg.dtmf = createDtmfReceiver({
      payloadTypes: () => leg.telephoneEventTypes(),
      maxDigits: 32,
      onDigit: (d) => this.#monitorDigit(call, leg, d.digit),
    });
    if (session.connection) this.#receive(leg, session.connection);
    session.on('peerconnection', (/** @type {any} */ e) => this.#receive(leg, e.peerconnection));
    session.on('accepted', () => {
      leg.answered = true;
      leg.answeredAt = Date.now();
      if (leg.timer) clearTimeout(leg.timer);
      leg.timer = null;
      const m = call.monitor;
      if (m?.leg !== leg || call.state === 'ended') this.#terminate(leg);
      else if (m.intercept) this.#takeOver(call, m);
      else this.#startMixing(call, m);
    });
    session.on('failed', (/** @type {any} */ e) => {
      leg.ended = true;
      if (leg.timer) clearTimeout(leg.timer);
      if (call.monitor?.leg === leg) this.#endMonitor(call, `failed: ${e.message?.status_code ?? e.cause}`);
    });
    session.on('ended', (/** @type {any} */ e) => {
      leg.ended = true;
      leg.out.close();
      // After an intercept this leg is the call's agent leg: the supervisor hanging up ends the call.
      if (call.agent === leg) this.#endCall(call, e.originator === 'remote' ? 'agent' : 'system', 'answered', 'supervisor leg ended');
      else if (call.monitor?.leg === leg) this.#endMonitor(call, e.originator === 'remote' ? 'supervisorHungUp' : 'ended');
    });
    session.on('newDTMF', (/** @type {any} */ e) => {
      if (e.originator !== 'remote') return;
      if (call.monitor?.leg === leg) {
        this.#monitorDigit(call, leg, e.dtmf.tone);
      } else if (call.agent === leg && !call.customer.ended) {
        // After an intercept the supervisor is the call's agent: its SIP INFO digits go on, as an agent's do.
        call.customer.out.sendDtmf(e.dtmf.tone, { durationMs: Math.max(100, Math.min(500, Number(e.dtmf.duration) || 160)) });
        this.emit('dtmf', { jobId: call.jobId, from: 'agent', digit: e.dtmf.tone });
      }
    });
    session.on('replaces', (/** @type {any} */ e) => e.reject());
  }

  /** @param {Call} call @param {Monitor} m */
  #startMixing(call, m) {
    const { customer } = call;
    // A held customer is not heard (as with the relay, which unlinks it).
    customer.mix = (p) => {
      if (!customer.prompt) m.mixer.push('customer', p);
    };
    if (call.agent) call.agent.mix = (p) => m.mixer.push('agent', p);
    m.leg.mix = (p) => m.mixer.push('supervisor', p);
    m.mixer.start();
  }

  /** @param {Call} call @param {Monitor} m */
  #stopMixing(call, m) {
    m.mixer.stop();
    for (const leg of this.#legs(call)) leg.mix = null;
    m.leg.mix = null;
  }

  /**
   * One mixed frame for `listener`, on one timeline per call (the mixer's frame count).
   * @param {Call} call @param {import('./mixer.mjs').Party} listener @param {Buffer} payload
   */
  #sendMixed(call, listener, payload) {
    const m = call.monitor;
    if (!m) return;
    const leg = listener === 'customer' ? call.customer : listener === 'agent' ? call.agent : m.leg;
    // A held customer hears hold music (the prompt); a leg not up yet hears nothing.
    if (!leg || leg.ended || leg.prompt || (leg !== call.customer && !leg.answered)) return;
    leg.out.relay({ header: { timestamp: (m.mixer.frames * 160) >>> 0, payloadType: 0 }, payload }, 'mix', false);
  }

  /** @param {Call} call @param {string} reason */
  #endMonitor(call, reason) {
    const m = call.monitor;
    if (!m) return;
    call.monitor = null;
    this.#stopMixing(call, m);
    if (m.leg.timer) clearTimeout(m.leg.timer);
    m.leg.timer = null;
    this.#terminate(m.leg);
    m.leg.out.close();
    this.log.info(`ACD: ${m.supervisorId} stopped monitoring ${call.jobId} (${reason})`);
    if (m.announced) this.emit('monitorEnded', { jobId: call.jobId, supervisorId: m.supervisorId, agentId: m.agentId, reason });
    // A `*225` leg that ended before it took the call over.
    else this.emit('interceptFailed', { jobId: call.jobId, supervisorId: m.supervisorId, agentId: m.agentId, reason });
  }

  // ---------------------------------------------------------------------------------- close

  /** Ends every call, unregisters the queues and stops all timers. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    for (const t of this.missedTimers) clearTimeout(t);
    this.missedTimers.clear();
    this.directory.off('change', this.onDirectoryChange);
    for (const call of [...this.jobs.values()]) this.#endCall(call, 'system', 'failed', 'ACD closing');
    this.prompt.stop();
    // Let the BYEs / CANCELs go out before the sockets close (bounded). The queues' un-REGISTERs
    // get half a second: the call center is stopping, and the agents' pages should hear that
    // their connection went (7006) right after their calls ended, not seconds later.
    if (this.uas.size) await new Promise((r) => setTimeout(r, 200));
    await Promise.all([...this.uas.values()].map((ua) => stopUa(ua, 500)));
    this.uas.clear();
  }
}

/**
 * NOTIFYs (RFC 3515, message/sipfrag) that tell the agent who sent a REFER how the new leg is
 * doing, on that agent's dialog with the ACD. JsSIP sent the first (100 Trying) on receipt.
 */
class ReferProgress {
  /**
   * @param {any} session the transferring agent's leg (JsSIP RTCSession)
   * @param {number} id the REFER's CSeq number (the `id` of `Event: refer`)
   * @param {{ warn: Function }} log
   */
  constructor(session, id, log) {
    this.session = session;
    this.id = id;
    this.log = log;
    this.done = false;
  }

  /** @param {number} status @param {string} [reason] */
  notify(status, reason) {
    if (this.done || !this.session || this.session.isEnded?.()) return;
    const final = status >= 200;
    this.done = final;
    try {
      this.session.sendRequest('NOTIFY', {
        extraHeaders: [
          `Event: refer;id=${this.id}`,
          `Subscription-State: ${final ? 'terminated;reason=noresource' : 'active;expires=300'}`,
          'Content-Type: message/sipfrag;version=2.0',
        ],
        body: `SIP/2.0 ${status} ${reason || reasonPhrase(status)}`,
      });
    } catch (e) {
      this.log.warn(`ACD: NOTIFY ${status} to the transferring agent failed: ${/** @type {Error} */ (e).message}`);
    }
  }
}

/**
 * The RFC 3261 reason phrase of `status` (JsSIP's table), or its class for one it does not know:
 * a sipfrag status line always says something.
 * @param {number} status
 */
function reasonPhrase(status) {
  // JsSIP's table names 500 after itself ("JsSIP Internal Error").
  if (status === 500) return 'Server Internal Error';
  /** @type {Record<number, string>} */
  const phrases = loadNodeJsSIP().C.REASON_PHRASE;
  if (phrases[status]) return phrases[status];
  return status < 200 ? 'Trying' : status < 300 ? 'OK' : status < 400 ? 'Redirection' : status < 500 ? 'Request Failure' : status < 600 ? 'Server Failure' : 'Global Failure';
}

/** @type {Readonly<Record<string, number>>} JsSIP's causes of a failure without a SIP response, as the status a transferor should see */
const CAUSE_STATUS = Object.freeze({
  'Request Timeout': 408, 'Connection Error': 503, Busy: 486, Rejected: 603, 'Not Found': 404,
  Unavailable: 480, 'Address Incomplete': 484, 'No Answer': 408, Canceled: 487,
});

/**
 * The final status of a failed leg, for the sipfrag: the response that ended it, 408 when the
 * ACD gave up ringing, else what JsSIP's cause means.
 * @param {Leg} leg @param {{ message?: any, cause?: string }} e JsSIP 'failed' event
 * @returns {[number, string]}
 */
function finalStatus(leg, e) {
  if (leg.noAnswer) return [408, reasonPhrase(408)];
  const status = Number(e.message?.status_code);
  if (status >= 300 && status < 700) return [status, e.message.reason_phrase || reasonPhrase(status)];
  const mapped = CAUSE_STATUS[e.cause ?? ''] ?? 500;
  return [mapped, reasonPhrase(mapped)];
}

/** A SIP user part the ACD puts into URIs and headers: digits, letters and a few marks only. */
function isDialable(/** @type {unknown} */ v) {
  return typeof v === 'string' && /^[A-Za-z0-9_.+*#-]{1,64}$/.test(v);
}

/**
 * A call-control rejection in the shape the CTI API maps onto its answers.
 * @param {string} code @param {number} httpStatus @param {string} message
 */
function ccError(code, httpStatus, message) {
  return Object.assign(new Error(message), { code, httpStatus });
}

/**
 * Whether an SDP offer can carry PCMU (static payload type 0, or an rtpmap naming it): the
 * monitor mixer decodes and encodes G.711 mu-law only.
 * @param {string} sdp
 */
function offersPcmu(sdp) {
  const audio = /^m=audio \S+ \S+ ([0-9 ]+)$/m.exec(String(sdp));
  if (!audio) return false;
  const types = audio[1].trim().split(/\s+/);
  return types.includes('0') || types.some((t) => new RegExp(`^a=rtpmap:${t} PCMU/8000`, 'mi').test(sdp));
}

/**
 * The SIP answer to a refused feature code (the CTI code of the same refusal -> status, phrase).
 * The phrases keep RFC 3261's words and add why, so a softphone that shows the reason phrase
 * tells the supervisor what happened; the `Reason` header carries the full sentence.
 * @type {Readonly<Record<string, [number, string]>>}
 */
const FEATURE_REFUSALS = Object.freeze({
  'Forbidden.NotAuthorized': [403, 'Forbidden - Supervisors Only'],
  'NotExists.UserId': [404, 'Not Found - No Such Agent'],
  'InvalidState.AgentNotTalking': [480, 'Temporarily Unavailable - Agent Not In A Connected Call'],
  'InvalidState.Call': [480, 'Temporarily Unavailable - Call Being Transferred'],
  'InvalidState.Monitored': [486, 'Busy Here - Call Already Monitored'],
  'CurrentStateIsBusy': [486, 'Busy Here - Already Monitoring Another Call'],
  'Parameter.Invalid': [488, 'Not Acceptable Here - PCMU Offer Required'],
});

/**
 * @param {{ code?: string, httpStatus?: number }} e a call-control rejection (ccError) or a bug
 * @returns {[number, string]}
 */
function featureRefusal(e) {
  return FEATURE_REFUSALS[e.code ?? ''] ?? [500, 'Server Internal Error'];
}
