// The call center's side of the simulated customers when they run in a worker thread
// (worker.mjs): the same service API as service.mjs, with a mirror per customer call that the
// worker keeps current (a snapshot after every change, and with every answer to a command).
// Reads of the received audio (details, the recording) are asynchronous round trips.
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { CustomerStateError } from './customer.mjs';
import { CustomerInputError, checkCallParties } from './service.mjs';

const START_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 8_000;
const SNAPSHOT_COMMANDS = new Set(['placeCall', 'hangUp', 'hold', 'unhold', 'sendDtmf']);

/**
 * One customer call as the call center's thread sees it: the snapshot fields as properties,
 * updated from the worker, and the commands of customer.mjs's Customer sent to it.
 * Events: 'state' { state, previous }, 'dtmf', 'ended' { cause, originator }.
 */
export class RemoteCustomer extends EventEmitter {
  /**
   * @param {import('./customer.mjs').CustomerSnapshot} snapshot
   * @param {(cmd: string, args?: Record<string, unknown>) => Promise<any>} call
   */
  constructor(snapshot, call) {
    super();
    /** @type {import('./customer.mjs').CustomerSnapshot} */
    this.last = snapshot;
    this.call = call;
    /** @type {Promise<void>} resolves when the call ended */
    this.ended = new Promise((resolve) => this.once('ended', () => resolve()));
  }

  get id() { return this.last.id; }
  get direction() { return this.last.direction; }
  get from() { return this.last.from; }
  get to() { return this.last.to; }
  get state() { return this.last.state; }
  get endedBy() { return this.last.endedBy; }
  get endCause() { return this.last.endCause; }
  get holdCount() { return this.last.holdCount; }

  /** @returns {import('./customer.mjs').CustomerSnapshot} as of the last word from the worker */
  snapshot() {
    return { ...this.last };
  }

  /**
   * @param {import('./customer.mjs').CustomerSnapshot} next
   * @param {string} [what] what the worker reported ('dtmf', a state, ...)
   */
  update(next, what) {
    const previous = this.last.state;
    this.last = next;
    if (next.state !== previous) this.emit('state', { state: next.state, previous });
    if (what === 'dtmf') this.emit('dtmf', next.dtmfReceived.slice(-1));
    if (next.state === 'ended' && previous !== 'ended') this.emit('ended', { cause: next.endCause, originator: next.endedBy });
  }

  /** @param {{ lastMs?: number }} [options] */
  details(options = {}) {
    return this.call('details', { customerId: this.id, options });
  }

  /** @returns {Promise<Buffer>} the received audio as a WAV file */
  async recordingWav() {
    return Buffer.from(await this.call('wav', { customerId: this.id }));
  }

  hangUp() {
    return this.call('hangUp', { customerId: this.id }).then(() => undefined);
  }

  hold() {
    return this.call('hold', { customerId: this.id }).then(() => undefined);
  }

  unhold() {
    return this.call('unhold', { customerId: this.id }).then(() => undefined);
  }

  /** @param {string} digits @param {{ durationMs?: number, gapMs?: number }} [options] resolves once sent */
  sendDtmf(digits, options) {
    return this.call('sendDtmf', { customerId: this.id, digits, options }).then(() => undefined);
  }
}

/**
 * Starts the worker and resolves with the service once its trunk UA registered.
 * @param {import('./service.mjs').CustomerServiceOptions} options
 * @returns {Promise<import('./service.mjs').CustomerService>}
 */
export async function startCustomerThread(options) {
  const { log = { info() {}, warn: (/** @type {unknown[]} */ ...a) => console.warn('[customers]', ...a) }, thread: _thread, nextId: _nextId, ...plain } = options;
  const defaultFrom = options.defaultFrom ?? '13800000001';
  let maxActive = options.maxActive ?? 50;
  // One id counter for both threads: calls placed here and calls answered there never collide.
  const ids = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
    workerData: { options: { ...plain, maxActive }, ids, log: Boolean(options.log) },
  });
  /** @type {Map<string, RemoteCustomer>} */
  const mirrors = new Map();
  /** @type {RemoteCustomer[]} ended calls, oldest first */
  const history = [];
  const maxHistory = options.maxHistory ?? 20;
  /** @type {Set<(c: RemoteCustomer, what: string) => void>} */
  const listeners = new Set();
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void, snapshot: boolean }>} */
  const pending = new Map();
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
  const dtmfPending = new Map();
  let seq = 0;
  let closed = false;

  /** @type {(cmd: string, args?: Record<string, unknown>) => Promise<any>} */
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      if (closed && cmd !== 'close' && cmd !== 'hangUpAll') return reject(new CustomerStateError('the customer service is closed'));
      const id = ++seq;
      // these answer with the call's snapshot: the mirror is current before the caller resumes
      const snapshot = SNAPSHOT_COMMANDS.has(cmd);
      if (cmd === 'sendDtmf') {
        // answered at once, resolved when the worker reports the digits sent
        pending.set(id, { resolve: () => {}, reject, snapshot });
        dtmfPending.set(id, { resolve, reject });
      } else pending.set(id, { resolve, reject, snapshot });
      worker.postMessage({ ...args, seq: id, cmd });
    });

  /** @param {import('./customer.mjs').CustomerSnapshot} snap @param {string} [what] */
  function mirror(snap, what) {
    let m = mirrors.get(snap.id) ?? history.find((c) => c.id === snap.id);
    const created = !m;
    if (!m) {
      m = new RemoteCustomer(snap, call);
      mirrors.set(snap.id, m);
    } else m.update(snap, what);
    if (snap.state === 'ended' && mirrors.delete(snap.id)) {
      history.push(m);
      while (history.length > maxHistory) history.shift();
    }
    for (const l of listeners) {
      try {
        // a call placed here was announced when its mirror was made, not again when the worker says so
        l(m, created ? 'created' : what && what !== 'created' ? what : snap.state);
      } catch (error) {
        log.warn('listener failed', error);
      }
    }
    return m;
  }

  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`customers: the worker did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    worker.on('message', (/** @type {any} */ m) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(undefined);
      } else if (m.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(m.message));
      } else if (m.type === 'log') {
        (m.level === 'warn' ? log.warn : log.info)(m.text);
      } else if (m.type === 'change') {
        mirror(m.snapshot, m.what);
      } else if (m.type === 'reply') {
        const p = pending.get(m.seq);
        pending.delete(m.seq);
        if (!p) return;
        if (m.ok) {
          if (p.snapshot) mirror(m.value);
          p.resolve(m.value);
        } else {
          const e = m.error;
          const error = e.name === 'CustomerStateError' ? new CustomerStateError(e.message) : e.name === 'CustomerInputError' ? new CustomerInputError(e.field, e.message) : new Error(e.message);
          p.reject(error);
          dtmfPending.get(m.seq)?.reject(error);
          dtmfPending.delete(m.seq);
        }
      } else if (m.type === 'dtmfDone') {
        const p = dtmfPending.get(m.seq);
        dtmfPending.delete(m.seq);
        if (m.ok) p?.resolve(undefined);
        else p?.reject(new Error('audio source stopped'));
      }
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      log.warn(`customers: worker failed: ${e.message}`);
      reject(e);
    });
    worker.once('exit', () => {
      for (const p of [...pending.values(), ...dtmfPending.values()]) p.reject(new CustomerStateError('the customer service is closed'));
      pending.clear();
      dtmfPending.clear();
    });
  });
  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  /** @type {import('./service.mjs').CustomerService} */
  const service = {
    get maxActive() {
      return maxActive;
    },
    set maxActive(n) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`maxActive must be a positive integer, got ${n}`);
      maxActive = n;
      call('setMaxActive', { maxActive: n }).catch((error) => log.warn(`customers: maxActive not applied: ${error.message}`));
    },
    get customers() {
      return /** @type {any} */ ([...[...mirrors.values()].reverse(), ...[...history].reverse()]);
    },
    get(id) {
      return /** @type {any} */ (mirrors.get(id) ?? history.find((c) => c.id === id));
    },
    placeCall({ from = defaultFrom, to, audio, userData } = /** @type {any} */ ({})) {
      if (closed) throw new CustomerStateError('the customer service is closed');
      checkCallParties(from, to, userData);
      if (mirrors.size >= maxActive) throw new CustomerStateError(`already ${maxActive} customer calls`);
      const id = `c${Atomics.add(ids, 0, 1) + 1}`;
      const now = Date.now();
      // the mirror exists at once; the worker's answer (or its 'ended' when JsSIP refuses) updates it
      const m = mirror({
        id, direction: 'outgoing', from, to, state: 'idle', createdAt: now, queuedSince: null, ringingSince: null, talkingSince: null,
        endedAt: null, endCause: null, endedBy: null, held: false, heldBy: null, holdCount: 0, packetsIn: 0, packetsOut: 0,
        dtmfReceived: '', dtmfSent: '', sipCallId: null, remoteIdentity: null, userData: userData ?? '',
      });
      call('placeCall', { id, from, to, audio, ...(userData === undefined ? {} : { userData }) }).catch((error) => {
        log.warn(`customers: call ${id} not placed: ${error.message}`);
        mirror({ ...m.snapshot(), state: 'ended', endedAt: Date.now(), endCause: 'Failed', endedBy: 'system' });
      });
      return /** @type {any} */ (m);
    },
    async hangUp(id) {
      const c = mirrors.get(id);
      if (!c) return Boolean(service.get(id));
      await c.hangUp();
      return true;
    },
    async hangUpAll() {
      await call('hangUpAll');
    },
    stats(id) {
      const c = service.get(id);
      return c ? /** @type {any} */ (c.details()) : null;
    },
    async list() {
      const snaps = /** @type {import('./customer.mjs').CustomerSnapshot[]} */ (await call('list'));
      for (const s of snaps) if (mirrors.has(s.id)) mirror(s);
      return snaps;
    },
    counters() {
      return call('counters');
    },
    async resetGaps() {
      await call('resetGaps');
    },
    eventLoopUtilization() {
      return worker.performance.eventLoopUtilization();
    },
    onChange(listener) {
      listeners.add(/** @type {any} */ (listener));
      return () => listeners.delete(/** @type {any} */ (listener));
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.race([call('close').catch(() => {}), new Promise((r) => setTimeout(r, CLOSE_TIMEOUT_MS))]);
      await worker.terminate();
      listeners.clear();
    },
  };
  return service;
}
