// The simulated customers of the dev call center: one JsSIP UA registered as the `pstn` trunk
// places "customer calls" (From a customer number, to a queue or an extension) and answers
// every call the proxy routes to the trunk (an agent dialling +8613800000000) as a customer
// who picks up after a short delay. Keeps the live calls plus a bounded history of ended ones.
//
// By default all of it runs in a worker thread (thread.mjs, worker.mjs): the customers' werift
// peers and audio would otherwise share the call center's event loop with the ACD, which relays
// every packet of every queue call; the call center's thread keeps mirrors of the customers.
// `thread: false` runs it on the caller's thread (tests that reach into a Customer's recorder).
import { loadNodeJsSIP, stopUa } from '../media/node-jssip.mjs';
import { Customer, CustomerStateError } from './customer.mjs';
import { startCustomerThread } from './thread.mjs';
import { readUserData, USER_DATA_HEADER, USER_DATA_MAX_BYTES } from '../user-data.mjs';

/** SIP user part accepted for `from` / `to`: a phone number, an extension or a queue name. */
const SIP_USER = /^[A-Za-z0-9][A-Za-z0-9+._-]{0,63}$|^\+[0-9]{3,20}$/;
const REGISTER_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 5_000;

/** An invalid request parameter (HTTP 400); `field` names it. */
export class CustomerInputError extends Error {
  /** @param {string} field @param {string} message */
  constructor(field, message) {
    super(message);
    this.name = 'CustomerInputError';
    this.field = field;
  }
}

/**
 * @typedef {object} CustomerServiceOptions
 * @property {string} wsUrl      SIP over WebSocket server
 * @property {string} domain     SIP domain (pbx.test)
 * @property {string} [user]     trunk user the service registers as (default 'pstn')
 * @property {string} password
 * @property {string} [defaultFrom] calling number when placeCall gets none (default 13800000001)
 * @property {number} [answerDelayMs] incoming calls are answered after this (default 1000; <0: never)
 * @property {import('../media/audio.mjs').AudioSourceOptions} [audio] what customers who call send
 *   (default a 440 Hz tone)
 * @property {import('../media/audio.mjs').AudioSourceOptions} [answerAudio] what customers who
 *   answer send (default the melody prompt)
 * @property {number} [maxActive] concurrent calls (default 50)
 * @property {number} [maxHistory] ended calls kept, with their recordings (default 20: up to 20 MB)
 * @property {number} [recordSeconds] received audio kept per call (default 60)
 * @property {boolean} [thread] run in a worker thread (default true; see the top of this file)
 * @property {() => string} [nextId] ids of new calls (thread.mjs shares one counter between threads)
 * @property {{ info: (...a: unknown[]) => void, warn: (...a: unknown[]) => void }} [log]
 */

/**
 * @typedef {object} CustomerService
 * @property {Customer[]} customers live calls then ended ones, newest first
 * @property {(id: string) => Customer|undefined} get
 * @property {(o: { from?: string, to: string, audio?: import('../media/audio.mjs').AudioSourceOptions, userData?: string }) => Customer} placeCall
 *   userData: sent as X-CC-User-Data (the host's data a caller brings, e.g. from an IVR or a web form)
 * @property {(id: string) => Promise<boolean>} hangUp resolves false for an unknown id
 * @property {() => Promise<void>} hangUpAll
 * @property {(id: string) => ReturnType<Customer['details']>|null} stats
 * @property {(listener: (c: Customer, what: string) => void) => () => void} onChange
 * @property {number} maxActive concurrent calls allowed from now on (a load test raises it)
 * @property {() => Promise<import('./customer.mjs').CustomerSnapshot[]>} list fresh snapshots, as `customers`
 * @property {() => Promise<Array<import('./customer.mjs').CustomerSnapshot & { gaps: number, longestGapMs: number }>>} counters
 *   live calls with their received audio's gaps over 60 ms (a load test reads them)
 * @property {() => Promise<void>} resetGaps restarts the gap counters of the live calls
 * @property {() => import('node:perf_hooks').EventLoopUtilization|null} eventLoopUtilization of
 *   the customers' thread (null when they share the caller's)
 * @property {() => Promise<void>} close hangs up everything and unregisters
 */

/**
 * Registers the trunk UA and resolves with the service once registered; in a worker thread
 * unless `options.thread` is false.
 * @param {CustomerServiceOptions} options
 * @returns {Promise<CustomerService>}
 */
export function startCustomerService(options) {
  return options.thread === false ? startLocalCustomerService(options) : startCustomerThread(options);
}

/**
 * Checks the calling and called party of a new customer call; throws CustomerInputError.
 * @param {unknown} from @param {unknown} to
 */
export function checkCallParties(from, to, userData) {
  if (typeof to !== 'string' || !to) throw new CustomerInputError('to', '"to" is required: a queue (sales, support), an extension or a number');
  if (!SIP_USER.test(to)) throw new CustomerInputError('to', `"to" must be a SIP user (letters, digits, + . _ -), got ${JSON.stringify(to).slice(0, 80)}`);
  if (typeof from !== 'string' || !SIP_USER.test(from)) throw new CustomerInputError('from', `"from" must be a phone number or SIP user, got ${JSON.stringify(from).slice(0, 80)}`);
  if (userData !== undefined && (typeof userData !== 'string' || readUserData(userData).dropped !== '')) {
    throw new CustomerInputError('userData', `"userData" must be up to ${USER_DATA_MAX_BYTES} letters, digits or -_.:=,; (${USER_DATA_HEADER})`);
  }
}

/**
 * The service on the caller's thread (what the worker thread runs).
 * @param {CustomerServiceOptions} options
 * @returns {Promise<CustomerService & { ua: import('jssip').UA, customers: Customer[], get: (id: string) => Customer|undefined, placeCall: (o: { id?: string, from?: string, to: string, audio?: import('../media/audio.mjs').AudioSourceOptions, userData?: string }) => Customer }>}
 */
export async function startLocalCustomerService(options) {
  const {
    wsUrl, domain, user = 'pstn', password, defaultFrom = '13800000001', answerDelayMs = 1000,
    audio = { kind: 'tone', frequency: 440 }, answerAudio = { kind: 'prompt' },
    maxHistory = 20, recordSeconds = 60,
    log = { info() {}, warn: (...a) => console.warn('[customers]', ...a) },
  } = options;
  const JsSIP = loadNodeJsSIP();
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(wsUrl)],
    uri: `sip:${user}@${domain}`,
    password,
    display_name: 'Simulated customers',
    register: true,
    session_timers: false,
    user_agent: 'cc-workbench simulated customers',
    connection_recovery_min_interval: 1,
    connection_recovery_max_interval: 5,
  });

  /** @type {Map<string, Customer>} */
  const active = new Map();
  /** @type {Customer[]} ended calls, oldest first */
  const history = [];
  /** @type {Set<(c: Customer, what: string) => void>} */
  const listeners = new Set();
  let counter = 0;
  let closed = false;
  let maxActive = options.maxActive ?? 50;
  const nextId = options.nextId ?? (() => `c${++counter}`);

  const notify = (/** @type {Customer} */ c, /** @type {string} */ what) => {
    for (const l of listeners) {
      try {
        l(c, what);
      } catch (error) {
        log.warn('listener failed', error);
      }
    }
  };

  /** @param {Customer} c */
  function track(c) {
    active.set(c.id, c);
    c.on('state', ({ state }) => notify(c, state));
    c.on('dtmf', () => notify(c, 'dtmf'));
    c.once('ended', () => {
      active.delete(c.id);
      history.push(c);
      while (history.length > maxHistory) history.shift();
    });
  }

  ua.on('newRTCSession', (/** @type {any} */ e) => {
    if (e.originator !== 'remote') return;
    /** @type {import('jssip/lib/RTCSession.js').RTCSession} */
    const session = e.session;
    if (closed || active.size >= maxActive) {
      session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    // the To user is the number dialled; the Request-URI was rewritten to our registered contact
    const called = e.request?.to?.uri?.user ?? e.request?.ruri?.user ?? user;
    const caller = session.remote_identity?.uri?.user ?? 'unknown';
    // What the agent's call carried (the proxy passes only valid data; checked again all the same).
    const userData = readUserData(e.request?.getHeaders?.(USER_DATA_HEADER)).value;
    const c = new Customer({ id: nextId(), ua, domain, direction: 'incoming', from: caller, to: called, audio: answerAudio, answerDelayMs, recordSeconds, log, userData });
    track(c);
    c.answerIncoming(session, e.request);
    notify(c, 'created');
  });

  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`customers: no registration as ${user} at ${wsUrl} within ${REGISTER_TIMEOUT_MS} ms`)), REGISTER_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      ua.off('registered', onRegistered);
      ua.off('registrationFailed', onFailed);
    };
    const onRegistered = () => {
      done();
      resolve(undefined);
    };
    const onFailed = (/** @type {any} */ e) => fail(new Error(`customers: registration as ${user} failed: ${e.cause}`));
    const fail = (/** @type {Error} */ error) => {
      done();
      ua.stop();
      reject(error);
    };
    ua.on('registered', onRegistered);
    ua.on('registrationFailed', onFailed);
    ua.start();
  });
  log.info(`customers: registered as ${user}@${domain}`);

  /** @type {CustomerService} */
  const service = {
    ua,
    get maxActive() {
      return maxActive;
    },
    set maxActive(n) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`maxActive must be a positive integer, got ${n}`);
      maxActive = n;
    },
    get customers() {
      return [...[...active.values()].reverse(), ...[...history].reverse()];
    },
    get(id) {
      return active.get(id) ?? history.find((c) => c.id === id);
    },
    placeCall({ id, from = defaultFrom, to, audio: callAudio, userData } = /** @type {any} */ ({})) {
      if (closed) throw new CustomerStateError('the customer service is closed');
      checkCallParties(from, to, userData);
      if (active.size >= maxActive) throw new CustomerStateError(`already ${maxActive} customer calls`);
      const c = new Customer({
        id: id ?? nextId(), ua, domain, direction: 'outgoing', from, to, audio: callAudio ?? audio, recordSeconds, log, displayName: `Customer ${from}`, userData: userData ?? '',
      });
      track(c);
      try {
        c.call(to, { from });
      } catch (error) {
        // JsSIP throws synchronously on a bad target or when the UA is not started
        c.hangUp();
        throw error;
      }
      notify(c, 'created');
      return c;
    },
    async hangUp(id) {
      const c = active.get(id);
      if (!c) return Boolean(service.get(id));
      await withTimeout(c.hangUp(), CLOSE_TIMEOUT_MS);
      return true;
    },
    async hangUpAll() {
      await Promise.all([...active.values()].map((c) => withTimeout(c.hangUp(), CLOSE_TIMEOUT_MS)));
    },
    stats(id) {
      return service.get(id)?.details() ?? null;
    },
    async list() {
      return service.customers.map((c) => c.snapshot());
    },
    async counters() {
      return [...active.values()].map((c) => ({ ...c.snapshot(), gaps: c.recorder.gaps, longestGapMs: c.recorder.longestGapMs }));
    },
    async resetGaps() {
      for (const c of active.values()) c.recorder.resetGaps();
    },
    eventLoopUtilization() {
      return null;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      await service.hangUpAll();
      await stopUa(ua, CLOSE_TIMEOUT_MS);
      listeners.clear();
    },
  };
  return service;
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @returns {Promise<T|undefined>}
 */
function withTimeout(promise, ms) {
  /** @type {NodeJS.Timeout|undefined} */
  let timer;
  return Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}
