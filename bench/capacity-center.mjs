// The call center under test in bench/capacity.mjs, in a process of its own (forked with IPC) so
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
      mainThreadCpuMicros: mainThreadCpuMicros(),
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
 * CPU time of this process's main thread alone (the call center's event loop; process.cpuUsage()
 * also counts the customers' worker and libuv's threads), from Linux's /proc; null elsewhere.
 * Times there are in clock ticks of 10 ms (CLK_TCK 100).
 */
function mainThreadCpuMicros() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

serveCommands(commands);
