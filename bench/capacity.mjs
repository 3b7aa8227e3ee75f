#!/usr/bin/env node
// The dev call center's capacity on this machine, stepped until it breaks: (a) registered agents,
// (b) concurrent `sales` queue calls with audio both ways (the call center's simulated customers
// call, Node JsSIP + werift agents answer). Three processes: the call center (capacity-center.mjs),
// the load agents (capacity-agents.mjs) and this driver, which only sends commands and reads
// counters; the figures say how busy each of them was. Called by bench/run.mjs (section
// `capacity`); alone: `node bench/capacity.mjs` (prints the table, merges bench/results.json).
//   BENCH_CAPACITY_AGENTS=100,200,400,700,1000  agent steps
//   BENCH_CAPACITY_CALLS=10,20,30,40,50,60,80,100,120  concurrent call steps
//   BENCH_CAPACITY_SECONDS=10                   measured seconds per call step
//   BENCH_CPU_PROF=<dir>                        the call center runs with --cpu-prof into <dir>
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forkCommands } from './capacity-ipc.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (/** @type {string} */ f) => fileURLToPath(new URL(f, import.meta.url));
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const round = (/** @type {number} */ x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const list = (/** @type {string|undefined} */ v, /** @type {number[]} */ fallback) => (v ? v.split(',').map(Number).filter((n) => n > 0) : fallback);

/** Loss (or packets not sent) above which stepping stops: the next step would only lose more. */
const BREAK_LOSS = 0.05;
/** The capacity figure: the largest step held under this loss both ways. */
const HELD_LOSS = 0.01;
/** 20 ms packets. */
const PACKETS_PER_SECOND = 50;
/** A step holds when both sides sent at least this share of their packets (no media time skipped). */
const HELD_SENT_SHARE = 0.99;
/** First calling number; customer i calls from FIRST_NUMBER + i, which the agent sees as the caller. */
const FIRST_NUMBER = 13900000000;

/** Busy and total jiffies of the whole machine (/proc/stat, first line). */
function machineTicks() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + (cpu[4] ?? 0);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * TCP connections the kernel refused at a full listen queue (this network namespace's
 * TcpExt ListenDrops): a registration storm that overflows the SIP server's accept backlog shows
 * here, the agents then retry after SYN timeouts of 1, 3, 7... s.
 */
function listenDrops() {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const i = names.indexOf('ListenDrops');
  return i > 0 ? Number(values[i]) : null;
}

/** The 1, 5 and 15 minute load averages: other work on the machine shows there. */
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

/** users.json and queues.json for `count` load agents, all in `sales`, plus the demo's accounts. */
function loadConfig(count) {
  const demo = JSON.parse(readFileSync(`${root}demo/users.json`, 'utf8'));
  const queues = JSON.parse(readFileSync(`${root}demo/callcenter/queues.json`, 'utf8'));
  const accounts = Array.from({ length: count }, (_, i) => ({ user: String(30000 + i), password: `load${30000 + i}`, displayName: `Load ${i}`, role: 'agent' }));
  const sales = queues.queues.find((/** @type {any} */ q) => q.id === 'sales');
  sales.agents = accounts.map((a) => ({ agentId: a.user, level: 1 }));
  return { users: { ...demo, users: [...demo.users, ...accounts] }, queues, accounts };
}

/**
 * @param {{ agentSteps?: number[], callSteps?: number[], seconds?: number, log?: (s: string) => void }} [o]
 */
export async function measureCapacity({
  agentSteps = list(process.env.BENCH_CAPACITY_AGENTS, [100, 200, 400, 700, 1000]),
  callSteps = list(process.env.BENCH_CAPACITY_CALLS, [10, 20, 30, 40, 50, 60, 80, 100, 120]),
  seconds = Number(process.env.BENCH_CAPACITY_SECONDS ?? 10),
  log = (s) => console.log(s),
} = {}) {
  const maxAgents = Math.max(...agentSteps, ...callSteps);
  const { users, queues, accounts } = loadConfig(maxAgents);
  const prof = process.env.BENCH_CPU_PROF;
  const center = await forkCommands(here('./capacity-center.mjs'), { execArgv: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [] });
  const agents = await forkCommands(here('./capacity-agents.mjs'));
  const started = await center.call('start', { users, queues });
  const { wsUrl, domain } = started;
  const result = { date: new Date().toISOString(), loadAverage: loadAverage(), agents: /** @type {any[]} */ ([]), calls: /** @type {any[]} */ ([]) };

  /** CPU of both processes and the machine, and the call center's memory, between two marks. */
  const mark = async () => ({ center: await center.call('usage'), agents: await agents.call('usage'), machine: machineTicks() });
  const usage = (/** @type {any} */ a, /** @type {any} */ b) => ({
    centerCpuPct: round(((b.center.cpuMicros - a.center.cpuMicros) / 1000 / (b.center.at - a.center.at)) * 100),
    // the call center's main thread alone (its event loop: SIP, the ACD and the media it relays)
    centerMainThreadCpuPct: b.center.mainThreadCpuMicros === null ? null : round(((b.center.mainThreadCpuMicros - a.center.mainThreadCpuMicros) / 1000 / (b.center.at - a.center.at)) * 100),
    agentsCpuPct: round(((b.agents.cpuMicros - a.agents.cpuMicros) / 1000 / (b.agents.at - a.agents.at)) * 100),
    // share of all cores; 100 % is both cores busy
    machineBusyPct: round(((b.machine.busy - a.machine.busy) / Math.max(1, b.machine.total - a.machine.total)) * 100),
    centerRssMiB: round(b.center.rssBytes / 1048576),
    centerHeapMiB: round(b.center.heapUsedBytes / 1048576),
    agentsRssMiB: round(b.agents.rssBytes / 1048576),
    // busy share of the call center's event loop and of its customers' thread (when they have one)
    centerLoopBusyPct: round(b.center.mainLoopUtilization * 100),
    customersLoopBusyPct: b.center.customersLoopUtilization === null ? null : round(b.center.customersLoopUtilization * 100),
    centerLoopDelayP99Ms: round(b.center.loopDelayP99Ms ?? 0),
    centerLoopDelayMaxMs: round(b.center.loopDelayMaxMs ?? 0),
  });

  try {
    // (a) registered agents
    let registered = 0;
    for (const step of agentSteps) {
      const a = await mark();
      const drops = listenDrops();
      const r = await agents.call('register', { wsUrl, domain, accounts: accounts.slice(registered, step) });
      await sleep(500);
      const seen = await center.call('registeredAgents');
      const b = await mark();
      registered = r.registered;
      const row = { agents: step, newlyRegistered: step - (result.agents.at(-1)?.agents ?? 0), registerMs: round(r.ms), failures: r.failures, firstFailures: r.firstFailures, registeredAtCenter: seen, listenDrops: drops === null ? null : /** @type {number} */ (listenDrops()) - drops, ...usage(a, b) };
      result.agents.push(row);
      log(`agents ${String(step).padStart(5)}: ${row.newlyRegistered} registered in ${row.registerMs} ms, ${row.failures} failed, center sees ${seen}, TCP listen drops ${row.listenDrops}; center CPU ${row.centerCpuPct} %, RSS ${row.centerRssMiB} MiB`);
      if (r.failures) {
        log(`  failed: ${r.firstFailures.join('; ')}`);
        break;
      }
    }

    // (b) concurrent queue calls, with all agents above still registered (a real floor)
    let number = FIRST_NUMBER;
    for (const step of callSteps) {
      await center.call('place', { count: step, queue: 'sales', spacingMs: 20, firstNumber: number });
      number += step;
      const until = Date.now() + 60_000;
      /** @type {any[]} */ let cs = [];
      /** @type {any[]} */ let as = [];
      while (Date.now() < until) {
        [cs, as] = (await Promise.all([center.call('customers'), agents.call('calls')])).map((r) => r.calls);
        if (cs.filter((c) => c.state === 'talking').length >= step && as.filter((c) => c.received > 0).length >= step) break;
        await sleep(250);
      }
      const connected = Math.min(cs.filter((c) => c.state === 'talking').length, as.filter((c) => c.received > 0).length);
      // what the calls that did not connect were doing (queued: no agent answered; talking without
      // audio at the agent: media never flowed)
      const stuck = { customerStates: countBy(cs.filter((c) => c.state !== 'talking').map((c) => c.state)), agentCallsWithoutAudio: as.filter((c) => c.received === 0).length, customersEnded: step - cs.length };
      await sleep(2000); // past ICE, DTLS and the switch from queue music to the agent
      await Promise.all([center.call('resetGaps'), agents.call('resetGaps')]);
      // both ends read at once, so the windows of sent and received packets line up
      const [c0, a0] = await Promise.all([center.call('customers'), agents.call('calls')]);
      const u0 = await mark();
      await sleep(seconds * 1000);
      const [c1, a1] = await Promise.all([center.call('customers'), agents.call('calls')]);
      const u1 = await mark();
      const row = { calls: step, connected, ...(connected < step ? { stuck } : {}), seconds, load1: loadAverage()[0], ...flows(c0, c1, a0, a1), ...usage(u0, u1) };
      result.calls.push(row);
      log(
        `calls ${String(step).padStart(3)}: loss cust->agent ${pct(row.lossCustomerToAgent)}, agent->cust ${pct(row.lossAgentToCustomer)}, sent ${pct(row.customerSentShare)}/${pct(row.agentSentShare)}; ` +
          `gaps>60ms ${row.gapsAtAgent}/${row.gapsAtCustomer}; center CPU ${row.centerCpuPct} % (main thread ${row.centerMainThreadCpuPct} %, loop busy ${row.centerLoopBusyPct} %, customers ${row.customersLoopBusyPct ?? '-'} %), agents ${row.agentsCpuPct} %, machine ${row.machineBusyPct} % (load ${row.load1}); loop p99 ${row.centerLoopDelayP99Ms} ms`,
      );
      if (connected < step) {
        log(`  ${step - connected} calls not connected within 60 s: ${JSON.stringify(stuck)}`);
        const acd = await center.call('acdCalls');
        for (const c of as.filter((x) => x.received === 0)) {
          log(`    agent ${c.agent} (JsSIP status ${c.state}, pc ${c.pc}) caller ${c.caller}; ACD: ${JSON.stringify(acd.filter((/** @type {any} */ j) => j.caller === c.caller || j.agentId === c.agent || j.offeredTo === c.agent))}`);
        }
      }
      const left = await center.call('hangUpAll');
      await agents.call('prune');
      if (left) log(`  ${left} ACD calls still up after hanging up`);
      await sleep(2000);
      const broken = [row.lossCustomerToAgent, row.lossAgentToCustomer, 1 - row.customerSentShare, 1 - row.agentSentShare].some((x) => x > BREAK_LOSS);
      if (connected < step || broken) break;
    }
  } finally {
    await agents.call('close').catch(() => {});
    await center.call('close').catch(() => {});
    await Promise.all([center.exited, agents.exited]);
  }
  const held = result.calls.filter(
    (r) => r.connected === r.calls && r.lossCustomerToAgent < HELD_LOSS && r.lossAgentToCustomer < HELD_LOSS && r.customerSentShare >= HELD_SENT_SHARE && r.agentSentShare >= HELD_SENT_SHARE,
  );
  return {
    ...result,
    maxAgentsRegistered: Math.max(0, ...result.agents.filter((r) => r.failures === 0).map((r) => r.agents)),
    maxCallsUnder1PctLoss: Math.max(0, ...held.map((r) => r.calls)),
    // the same by packet loss alone (how the issue's figures were taken by hand)
    maxCallsUnder1PctLossOnly: Math.max(0, ...result.calls.filter((r) => r.connected === r.calls && r.lossCustomerToAgent < HELD_LOSS && r.lossAgentToCustomer < HELD_LOSS).map((r) => r.calls)),
  };
}

/** @param {string[]} xs @returns {Record<string, number>} */
const countBy = (xs) => xs.reduce((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), /** @type {Record<string, number>} */ ({}));
const pct = (/** @type {number} */ x) => `${round(x * 100, 2)} %`;

/**
 * Loss each way over the window: the rate the receivers got packets at against the rate the
 * senders sent them at, summed over the calls live at both ends of the window (customer and
 * agent paired by the calling number). Each side's counters and clock are read together in its
 * own process, so rates do not depend on when the two reads happened. Gaps: received audio that
 * stalled for more than 60 ms.
 * @param {{ at: number, calls: any[] }} c0 @param {{ at: number, calls: any[] }} c1 customers at the start / end
 * @param {{ at: number, calls: any[] }} a0 @param {{ at: number, calls: any[] }} a1 agents' calls at the start / end
 */
function flows(c0, c1, a0, a1) {
  const byFrom = (/** @type {any[]} */ xs) => new Map(xs.map((x) => [x.from, x]));
  const byCaller = (/** @type {any[]} */ xs) => new Map(xs.map((x) => [x.caller, x]));
  const [cs0, cs1, as0, as1] = [byFrom(c0.calls), byFrom(c1.calls), byCaller(a0.calls), byCaller(a1.calls)];
  const customerSeconds = (c1.at - c0.at) / 1000;
  const agentSeconds = (a1.at - a0.at) / 1000;
  let custSent = 0;
  let agentGot = 0;
  let agentSent = 0;
  let custGot = 0;
  let gapsAtAgent = 0;
  let gapsAtCustomer = 0;
  let longestGapMs = 0;
  let worstCallLoss = 0;
  let paired = 0;
  const lossOf = (/** @type {number} */ got, /** @type {number} */ gotSeconds, /** @type {number} */ sent, /** @type {number} */ sentSeconds) =>
    sent ? Math.max(0, 1 - got / gotSeconds / (sent / sentSeconds)) : 1;
  for (const [from, end] of cs1) {
    const start = cs0.get(from);
    const agentEnd = as1.get(from);
    const agentStart = as0.get(from);
    if (!start || !agentEnd || !agentStart) continue;
    paired++;
    const cs = end.sent - start.sent;
    const ag = agentEnd.received - agentStart.received;
    const as = agentEnd.sent - agentStart.sent;
    const cg = end.received - start.received;
    custSent += cs;
    agentGot += ag;
    agentSent += as;
    custGot += cg;
    gapsAtAgent += agentEnd.gaps;
    gapsAtCustomer += end.gaps;
    longestGapMs = Math.max(longestGapMs, agentEnd.longestGapMs, end.longestGapMs);
    worstCallLoss = Math.max(worstCallLoss, lossOf(ag, agentSeconds, cs, customerSeconds), lossOf(cg, customerSeconds, as, agentSeconds));
  }
  return {
    paired,
    lossCustomerToAgent: lossOf(agentGot, agentSeconds, custSent, customerSeconds),
    lossAgentToCustomer: lossOf(custGot, customerSeconds, agentSent, agentSeconds),
    worstCallLoss: round(worstCallLoss, 4),
    gapsAtAgent,
    gapsAtCustomer,
    longestGapMs: round(longestGapMs),
    // A sender whose event loop stalls skips media time rather than bursting (audio.mjs): packets
    // never sent are not "lost", so the share of the nominal 50 a second each side sent is reported too.
    customerSentShare: round(custSent / Math.max(1, paired * customerSeconds * PACKETS_PER_SECOND), 4),
    agentSentShare: round(agentSent / Math.max(1, paired * agentSeconds * PACKETS_PER_SECOND), 4),
  };
}

/** @param {Awaited<ReturnType<typeof measureCapacity>>} r */
export function printCapacity(r) {
  console.log(`\ndev call center capacity (load average at start ${r.loadAverage.join(' ')}):`);
  console.log('  agents  register ms  failures  center CPU %  center RSS MiB');
  for (const a of r.agents) console.log(`  ${String(a.agents).padStart(6)}  ${String(a.registerMs).padStart(11)}  ${String(a.failures).padStart(8)}  ${String(a.centerCpuPct).padStart(12)}  ${String(a.centerRssMiB).padStart(14)}`);
  console.log('  calls  loss c->a  loss a->c  sent c/a %  worst call  gaps>60ms a/c  longest gap ms  center CPU %  main thread %  loop busy %  cust. thread %  agents CPU %  machine %  center RSS MiB  loop p99 ms');
  for (const c of r.calls) {
    console.log(
      `  ${String(c.calls).padStart(5)}  ${pct(c.lossCustomerToAgent).padStart(9)}  ${pct(c.lossAgentToCustomer).padStart(9)}  ${`${round(c.customerSentShare * 100)}/${round(c.agentSentShare * 100)}`.padStart(10)}  ${pct(c.worstCallLoss).padStart(10)}  ${`${c.gapsAtAgent}/${c.gapsAtCustomer}`.padStart(13)}  ${String(c.longestGapMs).padStart(14)}  ${String(c.centerCpuPct).padStart(12)}  ${String(c.centerMainThreadCpuPct).padStart(13)}  ${String(c.centerLoopBusyPct).padStart(11)}  ${String(c.customersLoopBusyPct ?? '-').padStart(14)}  ${String(c.agentsCpuPct).padStart(12)}  ${String(c.machineBusyPct).padStart(9)}  ${String(c.centerRssMiB).padStart(14)}  ${String(c.centerLoopDelayP99Ms).padStart(11)}`,
    );
  }
  console.log(
    `  largest load held: ${r.maxAgentsRegistered} registered agents; ${r.maxCallsUnder1PctLoss} concurrent calls under 1 % loss both ways with >= 99 % of packets sent (${r.maxCallsUnder1PctLossOnly} by loss alone)`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { ensureNetns } = await import('../scripts/netns.mjs');
  ensureNetns(import.meta.url);
  const r = await measureCapacity();
  printCapacity(r);
  const file = `${root}bench/results.json`;
  const results = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(file, `${JSON.stringify({ ...results, capacity: r }, null, 2)}\n`);
  console.log('written: bench/results.json (capacity)');
}
