// Supervisor figures for bench/run.mjs (section `supervisor`), besides the supervisor module's
// size (computed with the other sizes in run.mjs):
//  - measureClickToHear: in Chromium against the dev call center, the supervisor's click on a
//    "Listen" button until the monitoring call's received audio carries the customer's tone
//    (bench/supervisor.html), 10 times on one customer call.
//  - measureMixingCpu: the ACD's CPU per mixed call: N queue calls between simulated customers
//    and Node JsSIP + werift agents, measured unmonitored, then each listened to by a Node
//    supervisor phone, then unmonitored again; the call center runs in a process of its own
//    (capacity-center.mjs), the phones in another (capacity-agents.mjs).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forkCommands } from './capacity-ipc.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (/** @type {string} */ f) => fileURLToPath(new URL(f, import.meta.url));
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const round = (/** @type {number} */ x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

/**
 * Polls `check` (which may be async) every `every` ms until it returns a truthy value.
 * @template T @param {() => T | Promise<T>} check @param {string} what @param {number} [ms] @param {number} [every]
 * @returns {Promise<T>}
 */
async function until(check, what, ms = 15_000, every = 100) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`bench: timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/**
 * The supervisor's click to hearing the call, in Chromium: agent 1001 (CTI workbench) answers a
 * simulated customer of the `sales` queue; supervisor 1009's `<cc-workbench supervisor>` (CTI)
 * listens `runs` times, hanging up the monitoring call after each. Bounded by `budgetMs`.
 * @param {{ browser: import('puppeteer-core').Browser, url: string, center: any, users: any[], runs?: number, budgetMs?: number }} o
 */
export async function measureClickToHear({ browser, url, center, users, runs = 10, budgetMs = 90_000 }) {
  const account = (/** @type {string} */ user) => users.find((u) => u.user === user);
  const agent = account('1001');
  const supervisor = account('1009');
  const bearer = (/** @type {any} */ u) => ({ Authorization: `Bearer ${center.auth.issue(u.user, u.password).token}` });
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('supervisor page error:', e.message));
  if (process.env.BENCH_DEBUG) page.on('console', (m) => console.log('supervisor page:', m.text()));
  try {
    await page.goto(`${url}/bench/supervisor.html`);
    // Agent on a call with a customer; the supervisor registered (not logged in to a queue).
    const customerId = await page.evaluate(
      async ({ server, domain, agent, supervisor, agentHeaders, supervisorHeaders }) => {
        await customElements.whenDefined('cc-workbench');
        const configure = (el, user, headers, attrs) => {
          el.password = user.password;
          el.ctiHeaders = headers;
          const all = { cti: '/api/ccc', 'cti-method': 'post', 'cti-action-param': 'action', ...attrs, server, 'sip-uri': `sip:${user.user}@${domain}` };
          for (const [k, v] of Object.entries(all)) el.setAttribute(k, v);
        };
        const waitFor = async (check, what, ms = 15000) => {
          const end = performance.now() + ms;
          while (!check()) {
            if (performance.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        const el = document.querySelector('#agent');
        configure(el, agent, agentHeaders, { 'after-call': '0' });
        window.__nextTone = 1200;
        await el.register();
        await el.logIn();
        const placed = await (await fetch('/api/customers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from: '13800000031', to: 'sales' }) })).json();
        await waitFor(() => el.getStatusCode().code === 6, 'agent 1001 ringing');
        await el.answer();
        const sup = document.querySelector('#supervisor');
        configure(sup, supervisor, supervisorHeaders, {});
        await sup.register();
        return placed.id;
      },
      { server: center.wsUrl, domain: center.domain, agent, supervisor, agentHeaders: bearer(agent), supervisorHeaders: bearer(supervisor) },
    );
    await until(async () => (await center.customers.counters()).find((/** @type {any} */ c) => c.id === customerId)?.state === 'talking', 'the customer talking');
    const origin = await page.evaluate(() => document.querySelector('#supervisor').getStatusCode().code);

    const measured = [];
    const deadline = Date.now() + budgetMs;
    for (let i = 0; i < runs && Date.now() < deadline; i++) {
      await page.click('#listen');
      measured.push(await page.evaluate(() => window.__run));
      await page.evaluate(async (origin) => {
        const sup = document.querySelector('#supervisor');
        await sup.hangUp();
        const end = performance.now() + 15000;
        while (sup.getStatusCode().code !== origin || window.__openPcs() > 1) {
          if (performance.now() > end) throw new Error(`bench: the monitoring call did not end (status ${sup.getStatusCode().code}, ${window.__openPcs()} peer connections open)`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }, origin);
      await until(() => center.acd.monitorOf(supervisor.user) === undefined, 'the ACD to end the monitor', 10_000, 20);
      process.stdout.write(`monitor ${i + 1}/${runs} `);
    }
    console.log();

    await fetch(`${url}/api/customers/${encodeURIComponent(customerId)}/hangup`, { method: 'POST' });
    const left = await page.evaluate(async () => {
      const agentEl = document.querySelector('#agent');
      const end = performance.now() + 15000;
      while (agentEl.getStatusCode().code !== 3 && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
      await agentEl.logOut().catch(() => {});
      for (const el of document.querySelectorAll('cc-workbench')) el.remove();
      await new Promise((r) => setTimeout(r, 1000));
      return { openPeerConnections: window.__openPcs(), liveMicrophones: window.__liveMicrophones(), peerConnectionsCreated: window.__pcs.length };
    });
    const heard = measured.map((r) => r.clickToHeardMs);
    return {
      runs: heard.length,
      clickToHearMs: { median: round(median(heard)), min: round(Math.min(...heard)), max: round(Math.max(...heard)), runs: heard.map((x) => round(x)) },
      // Where the time goes: monitor() resolved (the monitoring call connected, status 21), the
      // monitoring call's peer connection created and its remote audio track there (20 ms polls).
      clickToMonitoringMs: round(median(measured.map((r) => r.clickToMonitoringMs))),
      clickToPeerConnectionMs: round(median(measured.map((r) => r.clickToPeerConnectionMs))),
      clickToTrackMs: round(median(measured.map((r) => r.clickToTrackMs))),
      customerShareWhenHeard: round(median(measured.map((r) => r.share)), 2),
      ...left,
    };
  } finally {
    await context.close();
  }
}

/** users.json and queues.json with `count` load agents (the only `sales` members) and `count` load supervisors. */
function loadConfig(count) {
  const demo = JSON.parse(readFileSync(`${root}demo/users.json`, 'utf8'));
  const queues = JSON.parse(readFileSync(`${root}demo/callcenter/queues.json`, 'utf8'));
  const agents = Array.from({ length: count }, (_, i) => ({ user: String(31000 + i), password: `load${31000 + i}`, displayName: `Load agent ${i}`, role: 'agent' }));
  const supervisors = Array.from({ length: count }, (_, i) => ({ user: String(31100 + i), password: `load${31100 + i}`, displayName: `Load supervisor ${i}`, role: 'supervisor' }));
  const sales = queues.queues.find((/** @type {any} */ q) => q.id === 'sales');
  sales.agents = agents.map((a) => ({ agentId: a.user, level: 1 }));
  return { users: { ...demo, users: [...demo.users, ...agents, ...supervisors] }, queues, agents, supervisors };
}

/**
 * The ACD's CPU per mixed call: for each N in `counts`, N queue calls measured over `seconds`
 * unmonitored, then with a supervisor listening to each, then unmonitored again; the cost of
 * mixing is the monitored window against the mean of the two others, divided by N.
 * @param {{ counts?: number[], seconds?: number, log?: (s: string) => void }} [o]
 */
export async function measureMixingCpu({ counts = [1, 5], seconds = 6, log = (s) => console.log(s) } = {}) {
  const most = Math.max(...counts);
  const { users, queues, agents: agentAccounts, supervisors: supervisorAccounts } = loadConfig(most);
  const agentIds = new Set(agentAccounts.map((a) => a.user));
  const supervisorIds = supervisorAccounts.map((a) => a.user);
  const center = await forkCommands(here('./capacity-center.mjs'));
  const phones = await forkCommands(here('./capacity-agents.mjs'));
  const result = { loadAverageAtStart: loadAverage(), seconds, steps: /** @type {any[]} */ ([]) };
  try {
    const { wsUrl, domain } = await center.call('start', { users, queues });
    const registered = await phones.call('register', { wsUrl, domain, accounts: [...agentAccounts, ...supervisorAccounts] });
    if (registered.failures) throw new Error(`bench: Node phones not registered: ${registered.firstFailures.join('; ')}`);
    /** The phones' live calls, split into the agents' and the supervisors'. */
    const calls = async () => {
      const { at, calls: all } = await phones.call('calls');
      // live calls only (capacity-agents.mjs leaves ended ones out)
      return { at, agents: all.filter((/** @type {any} */ c) => agentIds.has(c.agent)), supervisors: all.filter((/** @type {any} */ c) => !agentIds.has(c.agent)) };
    };
    /**
     * CPU (% of one core) of the call center over `seconds` one-second slices: the main thread's
     * median slice (a slice with a garbage collection or a stall from the machine's other load
     * does not decide the figure) and its mean, the whole process's mean, the main thread's wait
     * for a core; also the packets the supervisors and agents received a second.
     */
    const measureWindow = async () => {
      const [u0, p0] = [await center.call('usage'), await calls()];
      const marks = [u0];
      for (let i = 0; i < seconds; i++) {
        await sleep(1000);
        marks.push(await center.call('usage'));
      }
      const p1 = await calls();
      const u1 = /** @type {any} */ (marks.at(-1));
      const pct = (/** @type {any} */ a, /** @type {any} */ b, /** @type {string} */ k) => (a[k] === null ? null : ((b[k] - a[k]) / 1000 / (b.at - a.at)) * 100);
      const received = (/** @type {any[]} */ xs) => xs.reduce((n, c) => n + c.received, 0);
      return {
        mainThreadPct: median(marks.slice(1).map((b, i) => /** @type {number} */ (pct(marks[i], b, 'mainThreadCpuMicros')))),
        mainThreadMeanPct: pct(u0, u1, 'mainThreadCpuMicros'),
        mainThreadWaitPct: pct(u0, u1, 'mainThreadWaitMicros'),
        processPct: pct(u0, u1, 'cpuMicros'),
        supervisorPacketsPerSecond: (received(p1.supervisors) - received(p0.supervisors)) / ((p1.at - p0.at) / 1000),
        agentPacketsPerSecond: (received(p1.agents) - received(p0.agents)) / ((p1.at - p0.at) / 1000),
      };
    };
    let number = 13900100000;
    for (const n of counts) {
      await center.call('place', { count: n, queue: 'sales', spacingMs: 50, firstNumber: number });
      number += n;
      await until(async () => {
        const [{ calls: customers }, phoneCalls] = await Promise.all([center.call('customers'), calls()]);
        return customers.filter((/** @type {any} */ c) => c.state === 'talking').length >= n && phoneCalls.agents.filter((c) => c.received > 0).length >= n;
      }, `${n} calls connected`, 30_000, 200);
      await sleep(2000); // past ICE, DTLS and the switch from queue music to the agent
      const before = await measureWindow();
      const talking = (await calls()).agents.map((c) => c.agent);
      const pairs = talking.slice(0, n).map((agentId, i) => ({ agentId, supervisorId: supervisorIds[i] }));
      await center.call('monitor', { pairs });
      const ids = pairs.map((p) => p.supervisorId);
      await until(async () => (await center.call('monitoring', { supervisorIds: ids })).length === n && (await calls()).supervisors.filter((c) => c.received > 0).length >= n, `${n} supervisors hearing`, 20_000, 200);
      await sleep(2000);
      const monitored = await measureWindow();
      await center.call('endMonitors', { supervisorIds: ids });
      await until(async () => (await calls()).supervisors.length === 0, 'the monitoring calls ended', 10_000, 100);
      await sleep(2000); // the ended legs' teardown is not the relay's cost
      const after = await measureWindow();
      /** @typedef {'mainThreadPct'|'mainThreadMeanPct'|'mainThreadWaitPct'|'processPct'} Figure */
      const perCall = (/** @type {Figure} */ k) =>
        before[k] === null || after[k] === null || monitored[k] === null ? null : round((/** @type {number} */ (monitored[k]) - (/** @type {number} */ (before[k]) + /** @type {number} */ (after[k])) / 2) / n, 2);
      const windows = (/** @type {Figure} */ k) => ({ unmonitoredBefore: round(/** @type {number} */ (before[k])), monitored: round(/** @type {number} */ (monitored[k])), unmonitoredAfter: round(/** @type {number} */ (after[k])) });
      const step = {
        monitoredCalls: n,
        mainThreadCpuPct: windows('mainThreadPct'),
        mainThreadMeanCpuPct: windows('mainThreadMeanPct'),
        processCpuPct: windows('processPct'),
        mainThreadWaitPct: windows('mainThreadWaitPct'),
        perMixedCallMainThreadPct: perCall('mainThreadPct'),
        perMixedCallMainThreadMeanPct: perCall('mainThreadMeanPct'),
        perMixedCallProcessPct: perCall('processPct'),
        // 50 a second per supervisor: the mixer sent every frame
        supervisorPacketsPerSecond: round(monitored.supervisorPacketsPerSecond),
        agentPacketsPerSecondMonitored: round(monitored.agentPacketsPerSecond),
        load1: loadAverage()[0],
      };
      result.steps.push(step);
      log(
        `mixing ${n} call(s): ACD main thread (median 1 s slice) ${step.mainThreadCpuPct.unmonitoredBefore} / ${step.mainThreadCpuPct.monitored} / ${step.mainThreadCpuPct.unmonitoredAfter} %, ` +
          `mean ${step.mainThreadMeanCpuPct.unmonitoredBefore} / ${step.mainThreadMeanCpuPct.monitored} / ${step.mainThreadMeanCpuPct.unmonitoredAfter} %, ` +
          `process ${step.processCpuPct.unmonitoredBefore} / ${step.processCpuPct.monitored} / ${step.processCpuPct.unmonitoredAfter} %; ` +
          `per mixed call ${step.perMixedCallMainThreadPct} % (mean ${step.perMixedCallMainThreadMeanPct}, process ${step.perMixedCallProcessPct}); ` +
          `supervisors got ${step.supervisorPacketsPerSecond} packets/s; main thread waited ${step.mainThreadWaitPct.monitored} %; load ${step.load1}`,
      );
      const left = await center.call('hangUpAll');
      await phones.call('prune');
      if (left) log(`  ${left} ACD calls still up after hanging up`);
      await sleep(1000);
    }
  } finally {
    await phones.call('close').catch(() => {});
    await center.call('close').catch(() => {});
    await Promise.all([center.exited, phones.exited]);
  }
  const largest = result.steps.at(-1);
  return {
    ...result,
    // the figure: the largest N measured (its per-call cost is the least noisy)
    perMixedCallPctOfOneCore: largest?.perMixedCallMainThreadPct ?? null,
    perMixedCallMeanPctOfOneCore: largest?.perMixedCallMainThreadMeanPct ?? null,
    perMixedCallProcessPctOfOneCore: largest?.perMixedCallProcessPct ?? null,
  };
}
