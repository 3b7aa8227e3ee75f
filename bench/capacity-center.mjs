// The call center under test in bench/capacity.mjs and bench/supervisor.mjs, in a process of its own (forked with IPC) so
// its CPU time (process.cpuUsage), memory and event-loop delay are its own and not the load
// agents' or the driver's. Its simulated customers place the queue calls; their counters are
// read here. Commands over IPC (capacity-ipc.mjs).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startCallCenter } from '../demo/callcenter/index.mjs';
import { serveCommands } from './capacity-ipc.mjs';

/** @type {Awaited<ReturnType<typeof startCallCenter>>|null} */
let center = null;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let mainLoop = performance.eventLoopUtilization();
/** @type {import('node:perf_hooks').EventLoopUtilization|null} */
let customersLoop = null;

/** @type {Record<string, (m: any) => Promise<unknown> | unknown>} */
const commands = {
  async start({ users, queues }) {
    center = await startCallCenter({ quiet: true, users, queues, dataDir: mkdtempSync(`${tmpdir()}/cc-capacity-`) });
    center.customers.maxActive = 1000;
    return { wsUrl: center.wsUrl, domain: center.domain, pid: process.pid };
  },
  registeredAgents() {
    return (center?.directory.list?.() ?? []).filter((/** @type {any} */ a) => a.registered).length;
  },
  /** Places `count` customer calls to `queue`, `spacingMs` apart (callers do not all dial in one millisecond). */
  async place({ count, queue, spacingMs, firstNumber }) {
    const c = /** @type {NonNullable<typeof center>} */ (center);
    for (let i = 0; i < count; i++) {
      // a number per call: the driver pairs each customer with the agent's call by it
      c.customers.placeCall({ from: String(firstNumber + i), to: queue });
      if (spacingMs) await new Promise((r) => setTimeout(r, spacingMs));
    }
    return count;
  },
  /** Live customer calls with their counters (cumulative since each call started) and when they were read. */
  async customers() {
    const live = await /** @type {NonNullable<typeof center>} */ (center).customers.counters();
    // when the counters were read, on this process's clock: rates come from this side's own times
    const at = performance.now();
    return { at, calls: live.map((x) => ({ id: x.id, from: x.from, state: x.state, sent: x.packetsOut, received: x.packetsIn, gaps: x.gaps, longestGapMs: x.longestGapMs })) };
  },
  async resetGaps() {
    await /** @type {NonNullable<typeof center>} */ (center).customers.resetGaps();
    loopDelay.reset();
    mainLoop = performance.eventLoopUtilization();
    customersLoop = center?.customers.eventLoopUtilization?.() ?? null;
  },
  /** Starts a listen monitor for each `{ supervisorId, agentId }` on the ACD directly (what CTI MonitorCall does after its checks). */
  async monitor({ pairs }) {
    const c = /** @type {NonNullable<typeof center>} */ (center);
    return Promise.all(pairs.map((/** @type {{ supervisorId: string, agentId: string }} */ p) => c.acd.monitor({ ...p, mode: 'listen' })));
  },
  /** The supervisors that monitor a call now (answered legs only: those whose audio is mixed). */
  monitoring({ supervisorIds }) {
    return supervisorIds.filter((/** @type {string} */ id) => center?.acd.monitorOf(id)?.answered);
  },
  async endMonitors({ supervisorIds }) {
    const c = /** @type {NonNullable<typeof center>} */ (center);
    for (const supervisorId of supervisorIds) if (c.acd.monitorOf(supervisorId)) await c.acd.endMonitor({ supervisorId });
    return true;
  },
  /** The ACD's view of its calls (diagnosis of calls that did not connect). */
  acdCalls() {
    return /** @type {NonNullable<typeof center>} */ (center).acd.calls();
  },
  /** CPU time (µs, user + system, all threads of this process), memory, event-loop delay since resetGaps. */
  usage() {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const customers = center?.customers.eventLoopUtilization?.() ?? null;
    return {
      ...mainThread(),
      // busy share of each event loop since resetGaps: the call center's own, and the customers' thread
      mainLoopUtilization: performance.eventLoopUtilization(mainLoop).utilization,
      customersLoopUtilization: customers && customersLoop ? /** @type {any} */ (performance).eventLoopUtilization(customers, customersLoop).utilization : null,
      cpuMicros: cpu.user + cpu.system,
      at: performance.now(),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
    };
  },
  async hangUpAll() {
    const c = /** @type {NonNullable<typeof center>} */ (center);
    await c.customers.hangUpAll();
    const until = Date.now() + 20_000;
    while (c.acd.calls().length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    return c.acd.calls().length;
  },
  async close() {
    await center?.close();
    center = null;
    setTimeout(() => process.exit(0), 50);
    return true;
  },
};

/**
 * CPU time of this process's main thread alone (the call center's event loop: the ACD's relay
 * and mixer, the SIP proxy; process.cpuUsage() also counts the customers' worker and libuv's
 * threads), and its time waiting for a core (others' load shows there), from Linux's
 * /proc/.../schedstat in nanoseconds (stat's 10 ms ticks are too coarse for 1 s slices); nulls
 * elsewhere (Node 20 has no process.threadCpuUsage()).
 */
function mainThread() {
  try {
    const [run, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { mainThreadCpuMicros: run / 1000, mainThreadWaitMicros: wait / 1000 };
  } catch {
    return { mainThreadCpuMicros: null, mainThreadWaitMicros: null };
  }
}

serveCommands(commands);
