// The simulated customers in a worker thread (started by thread.mjs): the `pstn` JsSIP UA, the
// customers' werift peers, their audio generation and recording run on this thread's event loop,
// not on the call center's, which relays every RTP packet of every queue call. Everything the
// call center's thread needs crosses as messages: snapshots after every change, answers to
// commands.
import { parentPort, workerData } from 'node:worker_threads';
import { startLocalCustomerService } from './service.mjs';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const post = (/** @type {unknown} */ m) => port.postMessage(m);

const log = {
  info: (/** @type {unknown[]} */ ...a) => workerData.log && post({ type: 'log', level: 'info', text: a.map(String).join(' ') }),
  warn: (/** @type {unknown[]} */ ...a) => post({ type: 'log', level: 'warn', text: a.map(String).join(' ') }),
};

/** @type {Awaited<ReturnType<typeof startLocalCustomerService>>|null} */
let service = null;

/** @param {import('./customer.mjs').Customer} c */
const snapshot = (c) => c.snapshot();

/** @type {Record<string, (m: any) => unknown>} */
const commands = {
  placeCall: ({ id, from, to, audio, userData }) => snapshot(/** @type {NonNullable<typeof service>} */ (service).placeCall({ id, from, to, audio, userData })),
  hangUp: async ({ customerId }) => {
    const c = customer(customerId);
    await c.hangUp();
    return snapshot(c);
  },
  hold: async ({ customerId }) => {
    const c = customer(customerId);
    await c.hold();
    return snapshot(c);
  },
  unhold: async ({ customerId }) => {
    const c = customer(customerId);
    await c.unhold();
    return snapshot(c);
  },
  sendDtmf: ({ customerId, digits, options }) => {
    const c = customer(customerId);
    // resolves when the digits were sent; the snapshot shows them as sent at once
    const sent = c.sendDtmf(digits, options);
    return { snapshot: snapshot(c), sent: sent.then(() => true) };
  },
  details: ({ customerId, options }) => customer(customerId).details(options),
  wav: ({ customerId }) => customer(customerId).recorder.toWav(),
  list: () => /** @type {NonNullable<typeof service>} */ (service).customers.map(snapshot),
  counters: () =>
    /** @type {NonNullable<typeof service>} */ (service).customers
      .filter((c) => c.state !== 'ended')
      .map((c) => ({ ...snapshot(c), gaps: c.recorder.gaps, longestGapMs: c.recorder.longestGapMs })),
  resetGaps: () => {
    for (const c of /** @type {NonNullable<typeof service>} */ (service).customers) if (c.state !== 'ended') c.recorder.resetGaps();
    return true;
  },
  setMaxActive: ({ maxActive }) => {
    /** @type {NonNullable<typeof service>} */ (service).maxActive = maxActive;
    return true;
  },
  hangUpAll: async () => {
    await /** @type {NonNullable<typeof service>} */ (service).hangUpAll();
    return true;
  },
  close: async () => {
    await service?.close();
    return true;
  },
};

/** @param {string} id */
function customer(id) {
  const c = service?.get(id);
  if (!c) throw Object.assign(new Error(`no customer call ${id}`), { name: 'CustomerNotFound' });
  return c;
}

port.on('message', async (/** @type {{ seq: number, cmd: string }} */ m) => {
  try {
    const value = await commands[m.cmd](m);
    if (m.cmd === 'sendDtmf') {
      // sendDtmf: answer now, report the end separately
      post({ type: 'reply', seq: m.seq, ok: true, value: value.snapshot });
      value.sent.catch(() => false).then((ok) => post({ type: 'dtmfDone', seq: m.seq, ok }));
      return;
    }
    post({ type: 'reply', seq: m.seq, ok: true, value });
  } catch (e) {
    const error = /** @type {Error & { field?: string }} */ (e);
    post({ type: 'reply', seq: m.seq, ok: false, error: { name: error.name, message: error.message, field: error.field } });
  }
});

try {
  /** @type {Int32Array} shared with thread.mjs: one id counter for calls placed there and answered here */
  const ids = workerData.ids;
  service = await startLocalCustomerService({ ...workerData.options, log, nextId: () => `c${Atomics.add(ids, 0, 1) + 1}` });
  service.onChange((c, what) => post({ type: 'change', what, snapshot: snapshot(c) }));
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'failed', message: /** @type {Error} */ (e).message });
}
