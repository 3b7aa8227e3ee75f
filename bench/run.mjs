#!/usr/bin/env node
// `npm run bench`: prints figures and writes bench/results.json. Never asserts timings; the
// targets are printed next to the figures. Runs inside a network namespace with only `lo`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { ensureNetns } from '../scripts/netns.mjs';
import { FACADES } from '../rollup.config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
ensureNetns(import.meta.url);

const { default: puppeteer } = await import('puppeteer-core');
const { chromeArgs, CHROMIUM } = await import('../scripts/chromium.mjs');
const { serveStatic } = await import('../scripts/serve.mjs');
const { startKamailio } = await import('../test/support/kamailio.mjs');
const { startCallCenter } = await import('../demo/callcenter/index.mjs');
const { measureClickToHear, measureMixingCpu } = await import('./supervisor.mjs');

const build = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};
const round = (x, d = 1) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
const kib = (n) => round(n / 1024, 2);

/**
 * Configures the page's `#agent` workbench, registers it six times (the first register() also
 * loads JsSIP and opens the WebSocket) and logs in; resolves with the six durations in ms.
 */
function measureRegister(page, { server, domain, agent, attributes = {}, ctiHeaders = null }) {
  return page.evaluate(
    async ({ server, domain, agent, attributes, ctiHeaders }) => {
      await customElements.whenDefined('cc-workbench');
      const el = document.querySelector('#agent');
      el.password = agent.password;
      if (ctiHeaders) el.ctiHeaders = ctiHeaders;
      for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
      el.setAttribute('server', server);
      el.setAttribute('sip-uri', `sip:${agent.user}@${domain}`);
      const times = [];
      for (let i = 0; i < 6; i++) {
        const t0 = performance.now();
        await el.register();
        times.push(performance.now() - t0);
        if (i < 5) await el.unregister();
      }
      await el.logIn();
      return times;
    },
    { server, domain, agent, attributes, ctiHeaders },
  );
}
const registerSummary = (times) => ({ first: round(times[0]), medianWarm: round(median(times.slice(1))), runs: times.map((x) => round(x)) });

/**
 * One call from the customer page's phone to the agent page's workbench (1001), through
 * Kamailio, as fast as is still realistic: the agent answers as soon as it rings and hangs up at
 * the first RTP packet; resolves once both sides are idle again. Used by the 40-call figures and
 * by the soak.
 */
async function customerCallsAgent(page, customerPage) {
  await page.evaluate(() => {
    const el = document.querySelector('#agent');
    window.__incoming = new Promise((resolve, reject) => {
      el.addEventListener('cc-call-incoming', (e) => resolve({ at: performance.now(), callId: e.detail.callId }), { once: true });
      setTimeout(() => reject(new Error('bench: no cc-call-incoming within 15 s')), 15000);
    });
    // a rejection before the agent's evaluate awaits it would be reported as unhandled
    window.__incoming.catch(() => {});
  });
  await customerPage.evaluate(() => {
    window.__dialing = window.__customer.call('1001').catch((e) => e);
  });
  const measured = await page.evaluate(async () => {
    const el = document.querySelector('#agent');
    const waitFor = async (check, what, ms = 15000) => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        const v = await check();
        if (v) return v;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`bench: timed out waiting for ${what} (agent status ${el.getStatusCode().code})`);
    };
    const inboundPackets = async (pc) => {
      let n = 0;
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') n += r.packetsReceived ?? 0;
      });
      return n;
    };
    const { at, callId } = await window.__incoming;
    const arrived = window.__inviteArrivals.get(callId);
    const pcsBefore = window.__pcs.created;
    const t0 = performance.now();
    await el.answer();
    const pc = await waitFor(() => (window.__pcs.created > pcsBefore ? window.__pcs.latest() : null), 'agent peer connection');
    await waitFor(async () => (await inboundPackets(pc)) > 0, 'first RTP packet');
    const media = performance.now() - t0;
    await el.hangUp();
    await waitFor(() => el.getStatusCode().code === 3, 'agent ready again');
    return { inviteToIncomingMs: arrived === undefined ? null : at - arrived, answerToMediaMs: media };
  });
  await customerPage.waitForFunction(() => !window.__customer.snapshot.context.call, { timeout: 15_000, polling: 5 });
  return measured;
}

/**
 * Answer -> first RTP packet, as the issue asks it: the agent answers after a ring of `ringMs`
 * (like a person, so what may happen while it rings has had the time a person gives it), and
 * the clock stops when the customer's browser receives the agent's first RTP packet: its remote
 * track's `unmute`, which Chromium fires for the first packet that arrives (webrtc-pc, "receiving
 * an RTP packet" unmutes the receiver's track; checked against a packet capture on lo, 0.5-1 ms
 * after the packet's kernel time, /work/notes/answer-fast.md). Both pages stamp
 * performance.timeOrigin + now(): one machine, one clock. (The agent's getStats() is no such
 * clock: Chromium serves it from a cache for 50 ms.)
 */
async function answerToCustomerRtp(page, customerPage, ringMs) {
  await page.evaluate(() => {
    const el = document.querySelector('#agent');
    window.__incoming = new Promise((resolve) => el.addEventListener('cc-call-incoming', resolve, { once: true }));
  });
  await customerPage.evaluate(() => {
    const before = window.__pcs.created;
    window.__dialing = window.__customer.call('1001').catch((e) => e);
    window.__firstRtp = new Promise((resolve, reject) => {
      const stop = setTimeout(() => reject(new Error('bench: the customer received no RTP within 15 s')), 15_000);
      const watch = () => {
        if (window.__pcs.created === before) return void setTimeout(watch, 1);
        window.__pcs.latest().addEventListener('track', ({ track }) => {
          if (track.kind !== 'audio') return;
          const at = () => (clearTimeout(stop), resolve(performance.timeOrigin + performance.now()));
          // Muted until its first packet; a track that arrives unmuted cannot be measured.
          if (track.muted) track.addEventListener('unmute', at, { once: true });
          else reject(new Error('bench: the remote track was not muted before its first packet'));
        });
      };
      watch();
    });
    window.__firstRtp.catch(() => {});
  });
  const t0 = await page.evaluate(async (ringMs) => {
    const el = document.querySelector('#agent');
    await window.__incoming;
    await new Promise((r) => setTimeout(r, ringMs));
    const t = performance.timeOrigin + performance.now();
    await el.answer();
    return t;
  }, ringMs);
  const ms = (await customerPage.evaluate(() => window.__firstRtp)) - t0;
  await page.evaluate(async () => {
    const el = document.querySelector('#agent');
    await el.hangUp();
    while (el.getStatusCode().code !== 3) await new Promise((r) => setTimeout(r, 5));
  });
  await customerPage.waitForFunction(() => !window.__customer.snapshot.context.call, { timeout: 15_000, polling: 5 });
  return ms;
}

/** Prints the 30 largest growths between two heap snapshots' counts (snapshotCounts). */
function printHeapDiff(before, after, title) {
  const rows = [...after].map(([k, v]) => [k, v.n - (before.get(k)?.n ?? 0), v.size - (before.get(k)?.size ?? 0)]);
  rows.sort((x, y) => y[2] - x[2]);
  console.log(`${title}: name, count delta, bytes delta`);
  for (const r of rows.slice(0, 30)) console.log(' ', r.join('  '));
}

/**
 * The soak: `calls` sequential calls like the 40 above (customerCallsAgent), then 35 s for
 * JsSIP's finished transactions to expire (RFC 3261 timers D and K, 32 s), then the agent page's
 * heap against the one before the soak, and the peer connections and media tracks the page
 * still holds (bench/page.html counts every one it created).
 */
async function soak({ page, customerPage, heap, calls, snapshotCounts }) {
  // One call first, not counted: lazily created objects (audio element, codecs) are not a leak.
  await customerCallsAgent(page, customerPage);
  const before = await heap();
  const countsBefore = process.env.BENCH_HEAP_DIFF ? await snapshotCounts() : null;
  const t0 = performance.now();
  const answerToMedia = [];
  for (let i = 0; i < calls; i++) {
    answerToMedia.push((await customerCallsAgent(page, customerPage)).answerToMediaMs);
    if ((i + 1) % 50 === 0 || i + 1 === calls) process.stdout.write(`soak ${i + 1}/${calls} `);
  }
  console.log();
  const seconds = (performance.now() - t0) / 1000;
  const afterCalls = await heap();
  await new Promise((r) => setTimeout(r, 35_000));
  const settled = await heap();
  if (countsBefore) printHeapDiff(countsBefore, await snapshotCounts(), `heap diff over the soak (${calls} calls, 35 s settled)`);
  const left = await page.evaluate(() => ({
    peerConnectionsCreated: window.__pcs.created,
    openPeerConnections: window.__pcs.open(),
    openPeerConnectionStates: window.__pcs.states(),
    tracksCreated: window.__tracks.created,
    liveTracks: window.__tracks.live(),
    liveTrackKinds: window.__tracks.kinds(),
  }));
  return {
    calls,
    seconds: round(seconds),
    callsPerSecond: round(calls / seconds, 2),
    answerToMediaMs: { median: round(median(answerToMedia)), max: round(Math.max(...answerToMedia)) },
    heapBeforeMiB: round(before / 1048576, 2),
    heapAfterCallsMiB: round(afterCalls / 1048576, 2),
    heapSettledMiB: round(settled / 1048576, 2),
    heapGrowthKiB: round((settled - before) / 1024, 1),
    ...left,
  };
}

// 1. Sizes of what a page downloads. Initial: dist/cc-workbench.js and the chunks it imports
//    statically (what the first paint waits for). Everything: every ES file an agent's page can
//    load (the phone core after the first paint, then JsSIP), found by following the built
//    files' static and dynamic imports from cc-workbench.js and cc-phone.js. The supervisor
//    module (dist/cc-supervisor.js, which the workbench imports only with `supervisor`) is an
//    entry of its own: the agent's figure stops there, and what only it reaches is its figure.
const read = (rel) => readFileSync(`${root}dist/${rel}`);
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const AGENT_ENTRIES = ['cc-workbench.js', 'cc-phone.js'];
const SUPERVISOR_ENTRY = 'cc-supervisor.js';
/** The relative imports of a built file: `static` (import/export ... from, bare import) and `dynamic` (import()). */
function importsOf(file) {
  const code = read(file).toString('utf8');
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const resolve = (spec) => normalize(dir + spec);
  const statics = [...code.matchAll(/(?:^|[;}\s)])(?:import|export)\s*(?:[\w$*{}\s,]+from\s*)?["'](\.\.?\/[^"']+)["']/g)].map((m) => resolve(m[1]));
  const dynamics = [...code.matchAll(/\bimport\s*\(\s*["'](\.\.?\/[^"']+)["']\s*\)/g)].map((m) => resolve(m[1]));
  return { static: statics, dynamic: dynamics };
}
/**
 * Every built file reachable from `entries`, in the order found; `dynamic` follows import() too;
 * files in `stop` are neither counted nor followed (another entry's graph).
 */
function reachable(entries, { dynamic = true, stop = [] } = {}) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || stop.includes(file)) return;
    seen.add(file);
    const { static: s, dynamic: d } = importsOf(file);
    for (const next of dynamic ? [...s, ...d] : s) visit(next);
  };
  for (const entry of entries) visit(entry);
  return [...seen];
}
/**
 * Chunks an agent's page loads only where used, with figures of their own (like the supervisor
 * module): the tab election (`tabs="shared"`) and its relay (a second tab of the agent opened),
 * the page links (`click-to-dial`, `use-local-storage-to-call`), and the call history with
 * `<cc-my-work>` (loaded once the agent is logged in, with `history`), the devices and call
 * quality chunk (at log-in in the tab holding the media; the device code the budget leaves out)
 * and the network check (its methods). What only they
 * reach (the monitor events a supervisor's relay fires) goes with them.
 */
const WHERE_USED = ['chunks/tab-seat-', 'chunks/tab-relay-', 'chunks/page-links-controller-', 'chunks/history-', 'chunks/media-', 'chunks/network-'];
const whereUsed = readdirSync(`${root}dist/chunks`)
  .map((f) => `chunks/${f}`)
  .filter((f) => f.endsWith('.js') && WHERE_USED.some((prefix) => f.startsWith(prefix)));
const initialFiles = reachable(['cc-workbench.js'], { dynamic: false });
const allFiles = reachable(AGENT_ENTRIES, { stop: [SUPERVISOR_ENTRY, ...whereUsed] });
const agentSet = new Set(allFiles);
const whereUsedFiles = reachable(whereUsed, { stop: [SUPERVISOR_ENTRY] }).filter((f) => !agentSet.has(f));
// The supervisor module and what only it reaches (a supervisor's page also loads the agent's files).
const supervisorFiles = reachable([SUPERVISOR_ENTRY], { stop: whereUsed }).filter((f) => !agentSet.has(f));
// Built chunks neither graph reaches: the import parsing missed something.
const unreached = readdirSync(`${root}dist/chunks`)
  .filter((f) => f.endsWith('.js'))
  .map((f) => `chunks/${f}`)
  .filter((f) => !agentSet.has(f) && !supervisorFiles.includes(f) && !whereUsedFiles.includes(f));
if (unreached.length) console.warn(`bench: built chunks no entry imports (not counted): ${unreached.join(', ')}`);
const sum = (files, f) => files.reduce((n, file) => n + f(read(file)), 0);
const sizes = {
  initialFiles,
  initialMinKiB: kib(sum(initialFiles, (b) => b.length)),
  initialGzipKiB: kib(sum(initialFiles, gz)),
  totalMinKiB: kib(sum(allFiles, (b) => b.length)),
  totalGzipKiB: kib(sum(allFiles, gz)),
  perFileGzipKiB: Object.fromEntries(allFiles.map((f) => [f, kib(gz(read(f)))])),
  iifeGzipKiB: kib(gz(read('cc-workbench.iife.js'))),
};
const supervisorModule = {
  files: supervisorFiles,
  minKiB: kib(sum(supervisorFiles, (b) => b.length)),
  gzipKiB: kib(sum(supervisorFiles, gz)),
  perFileGzipKiB: Object.fromEntries(supervisorFiles.map((f) => [f, kib(gz(read(f)))])),
};

// The embed page (dist/embed.html + its bridge, besides cc-workbench.js it loads like any page),
// the host's client, and the tab coordination (the election, the relay a second tab loads) and
// page links: each loaded only where used, so not in the agent's "everything".
const chunkOf = (prefix) => `chunks/${readdirSync(`${root}dist/chunks`).find((f) => f.startsWith(prefix) && f.endsWith('.js'))}`;
const gzOf = (files) => kib(sum(files, gz));
const embedAndTabs = {
  whereUsedFiles,
  embedPageGzipKiB: kib(gz(read('cc-embed.js')) + gz(read('embed.html'))),
  embedClientGzipKiB: kib(gz(read('embed-client.js'))),
  embedClientIifeGzipKiB: kib(gz(read('embed-client.iife.js'))),
  tabSeatGzipKiB: kib(gz(read(chunkOf('tab-seat-')))),
  tabRelayGzipKiB: gzOf(whereUsedFiles.filter((f) => !/^chunks\/(?:page-links-controller|tab-seat|history|media|network)-/.test(f))),
  pageLinksGzipKiB: kib(gz(read(chunkOf('page-links-controller-')))),
  historyGzipKiB: kib(gz(read(chunkOf('history-')))),
  mediaGzipKiB: kib(gz(read(chunkOf('media-')))),
  networkGzipKiB: kib(gz(read(chunkOf('network-')))),
};

// The reference SDKs' facades (dist/facades/<name>.js, .iife.js): pages that used a vendor's SDK
// load one of them besides cc-workbench.js (and the phone core, as any agent's page).
const facades = Object.fromEntries(
  FACADES.map((name) => [name, { esGzipKiB: kib(gz(read(`facades/${name}.js`))), iifeGzipKiB: kib(gz(read(`facades/${name}.iife.js`))) }]),
);

const users = JSON.parse(readFileSync(`${root}demo/users.json`, 'utf8')).users;
const agent = users.find((u) => u.user === '1001');
const customer = users.find((u) => u.user === '13800000001');
const kamailio = await startKamailio({ users: `${root}demo/users.json` });
const { mkdtempSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const center = await startCallCenter({ quiet: true, dataDir: mkdtempSync(`${tmpdir()}/cc-bench-`) });
const web = await serveStatic(root, { index: '/bench/page.html', handlers: center.handlers });
const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: chromeArgs({ media: true }), protocolTimeout: 120_000 });
// BENCH_ONLY=soak,capacity (sections: render, calls, answer, soak, center, supervisor, capacity) runs only
// those and merges their figures into the existing bench/results.json.
const only = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));
const want = (section) => only.size === 0 || only.has(section);
const previous = only.size ? JSON.parse(readFileSync(`${root}bench/results.json`, 'utf8')) : {};
const results = { ...previous, date: new Date().toISOString(), sizes, embedAndTabs, facades, supervisor: { ...previous.supervisor, module: supervisorModule } };

try {
  if (want('render')) {
    // 2. First render, median of 10 fresh page loads (new context each time: no warm cache).
    const renders = [];
    for (let i = 0; i < 10; i++) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.goto(`${web.url}/bench/first-render.html`);
      await page.waitForFunction(() => window.__firstRender !== undefined, { timeout: 20_000 });
      renders.push(await page.evaluate(() => window.__firstRender));
      await context.close();
    }
    results.firstRenderMs = { median: round(median(renders)), runs: renders.map((x) => round(x)) };
  }

  // 3. Calls: an agent workbench and a customer phone (createPhone) in one page, through Kamailio.
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  if (process.env.BENCH_DEBUG) page.on('console', (m) => console.log('page:', m.text()));
  await page.goto(`${web.url}/bench/page.html`);
  const cdp = await page.createCDPSession();
  const snapshotCounts = async () => {
    const chunks = [];
    const onChunk = ({ chunk }) => chunks.push(chunk);
    cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    const snap = JSON.parse(chunks.join(''));
    const f = snap.snapshot.meta.node_fields;
    const types = snap.snapshot.meta.node_types[0];
    const counts = new Map();
    for (let i = 0; i < snap.nodes.length; i += f.length) {
      const type = types[snap.nodes[i + f.indexOf('type')]];
      const name = type === 'object' || type === 'closure' ? `${type}:${snap.strings[snap.nodes[i + f.indexOf('name')]]}` : `(${type})`;
      const c = counts.get(name) ?? { n: 0, size: 0 };
      c.n += 1;
      c.size += snap.nodes[i + f.indexOf('self_size')];
      counts.set(name, c);
    }
    return counts;
  };
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await new Promise((r) => setTimeout(r, 200));
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const registerMs = await measureRegister(page, { server: kamailio.wsUrl, domain: kamailio.domain, agent });
  // The customer is a headless phone in its own browser context, so its memory is not the agent's.
  const customerContext = await browser.createBrowserContext();
  const customerPage = await customerContext.newPage();
  await customerPage.goto(`${web.url}/bench/page.html`);
  await customerPage.evaluate(
    async ({ server, domain, customer }) => {
      const { createPhone } = await import('/dist/cc-phone.js');
      window.__customer = createPhone({ server, sipUri: `sip:${customer.user}@${domain}`, password: customer.password, afterCall: 0 });
      await window.__customer.register();
      await window.__customer.logIn();
    },
    { server: kamailio.wsUrl, domain: kamailio.domain, customer },
  );
  results.registerMs = registerSummary(registerMs);

  if (want('calls')) {
    const heapAfterLoad = await heap();
    const calls = [];
    let heapAfterFirstCall = 0;
    // 40 calls: the figures are those of the first 20; calls 21..40 show whether the heap keeps
    // growing (a leak) or stopped (V8 has compiled what the calls run).
    let heapAfter20 = 0;
    for (let i = 0; i < 40; i++) {
      calls.push(await customerCallsAgent(page, customerPage));
      if (i === 0) heapAfterFirstCall = await heap();
      if (i === 19) heapAfter20 = await heap();
      if (i === 0 && process.env.BENCH_HEAP_DIFF) globalThis.__countsA = await snapshotCounts();
      process.stdout.write(`call ${i + 1}/40 `);
    }
    console.log();
    const heapAfter40 = await heap();
    const heapAfterCalls = heapAfter20;
    // JsSIP keeps finished SIP transactions for up to 32 s (RFC 3261 timers D and K); what is
    // still there after they expired would be a leak.
    await new Promise((r) => setTimeout(r, 35_000));
    const heapSettled = await heap();
    if (process.env.BENCH_HEAP_DIFF) printHeapDiff(globalThis.__countsA, await snapshotCounts(), 'heap diff (after call 1 -> 35 s after call 40)');
    const first20 = calls.slice(0, 20);
    results.inviteToIncomingMs = { median: round(median(first20.map((c) => c.inviteToIncomingMs).filter((x) => x !== null)), 2), runs: first20.map((c) => round(c.inviteToIncomingMs, 2)) };
    results.heap = {
      afterLoadMiB: round(heapAfterLoad / 1048576, 2),
      after20CallsMiB: round(heapAfterCalls / 1048576, 2),
      growthKiB: round((heapAfterCalls - heapAfterLoad) / 1024, 1),
      // The first call warms up lazily created objects (audio element, codecs, DTMF sender);
      // growth over the next 19 calls is what a leak would show.
      afterFirstCallMiB: round(heapAfterFirstCall / 1048576, 2),
      growthCalls2to20KiB: round((heapAfterCalls - heapAfterFirstCall) / 1024, 1),
      growthCalls21to40KiB: round((heapAfter40 - heapAfter20) / 1024, 1),
      settledAfter35sMiB: round(heapSettled / 1048576, 2),
      settledGrowthKiB: round((heapSettled - heapAfterLoad) / 1024, 1),
    };
    results.openPeerConnections = await page.evaluate(() => window.__pcs.open());
  }

  if (want('answer')) {
    // 3b. Answer -> the customer's first RTP packet, 20 calls, each answered after a 400 ms ring.
    const runs = [];
    for (let i = 0; i < 20; i++) runs.push(await answerToCustomerRtp(page, customerPage, 400));
    results.answerToMediaMs = { median: round(median(runs)), min: round(Math.min(...runs)), max: round(Math.max(...runs)), ringMs: 400, runs: runs.map((x) => round(x)) };
  }

  if (want('soak')) {
    // 5. The soak: as many calls again, one after the other, then the heap once SIP transaction
    //    timers ran out, and what is still open in the agent's page.
    results.soak = await soak({ page, customerPage, heap, snapshotCounts, calls: Number(process.env.BENCH_SOAK_CALLS ?? 1000) });
  }

  if (want('center')) {
    // 4. The dev call center: a CTI-mode workbench (agent 1002) and simulated customers calling
    //    the sales queue. Queue-to-ring: the ACD sent 182 Queued -> cc-call-incoming in the page
    //    (one machine, one clock: Date.now() on both sides).
    const centerContext = await browser.createBrowserContext();
    const agentPage = await centerContext.newPage();
    agentPage.on('pageerror', (e) => console.error('page error:', e.message));
    await agentPage.goto(`${web.url}/bench/page.html`);
    const bob = users.find((u) => u.user === '1002');
    const centerRegisterMs = await measureRegister(agentPage, {
      server: center.wsUrl,
      domain: center.domain,
      agent: bob,
      attributes: { 'after-call': '0', cti: '/api/ccc' },
      // The CTI API wants the agent's token on every request (the page's host would get it).
      ctiHeaders: { Authorization: `Bearer ${center.auth.issue(bob.user, bob.password).token}` },
    });
    const queuedAt = new Map();
    center.acd.on('queued', ({ jobId }) => queuedAt.set(jobId, Date.now()));
    const offeredJob = [];
    center.acd.on('offered', ({ jobId, agentId }) => agentId === '1002' && offeredJob.push(jobId));
    const queueCalls = [];
    for (let i = 0; i < 10; i++) {
      const jobsBefore = offeredJob.length;
      await agentPage.evaluate(() => {
        const el = document.querySelector('#agent');
        window.__ringAt = new Promise((resolve, reject) => {
          el.addEventListener('cc-call-incoming', () => resolve(Date.now()), { once: true });
          setTimeout(() => reject(new Error('bench: the queue call did not ring within 15 s')), 15000);
        });
      });
      const customerCall = await agentPage.evaluate(async () => {
        const r = await fetch('/api/customers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from: '13800000002', to: 'sales' }) });
        return r.json();
      });
      const ringAt = await agentPage.evaluate(() => window.__ringAt);
      const jobId = offeredJob[jobsBefore];
      const measured = await agentPage.evaluate(async (customerId) => {
        const el = document.querySelector('#agent');
        const counters = async (pc) => {
          let received = 0;
          let sent = 0;
          (await pc.getStats()).forEach((r) => {
            if (r.type === 'inbound-rtp' && r.kind === 'audio') received += r.packetsReceived ?? 0;
            if (r.type === 'outbound-rtp' && r.kind === 'audio') sent += r.packetsSent ?? 0;
          });
          return { received, sent };
        };
        const customer = async () => (await fetch(`/api/customers/${customerId}`)).json();
        const pcsBefore = window.__pcs.created;
        await el.answer();
        const pc = window.__pcs.latest();
        if (window.__pcs.created === pcsBefore || !pc) throw new Error('bench: no agent peer connection');
        // Five seconds of conversation, counted at both ends.
        await new Promise((r) => setTimeout(r, 1000));
        const a0 = await counters(pc);
        const c0 = await customer();
        await new Promise((r) => setTimeout(r, 5000));
        const a1 = await counters(pc);
        const c1 = await customer();
        await el.hangUp();
        const end = performance.now() + 15000;
        while (el.getStatusCode().code !== 3 && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
        return {
          agentReceived: a1.received - a0.received,
          agentSent: a1.sent - a0.sent,
          customerReceived: c1.packetsIn - c0.packetsIn,
          customerSent: c1.packetsOut - c0.packetsOut,
        };
      }, customerCall.id);
      queueCalls.push({ queueToRingMs: jobId && queuedAt.has(jobId) ? ringAt - queuedAt.get(jobId) : null, ...measured });
      process.stdout.write(`queue call ${i + 1}/10 `);
    }
    console.log();
    results.callCenter = {
      registerMs: registerSummary(centerRegisterMs),
      queueToRingMs: { median: round(median(queueCalls.map((c) => c.queueToRingMs).filter((x) => x !== null))), runs: queueCalls.map((c) => c.queueToRingMs) },
      // Packets in 5 s of conversation (50 a second is 20 ms PCMU/Opus framing, both ways).
      packetsIn5s: {
        customerToAgent: median(queueCalls.map((c) => c.agentReceived)),
        agentToCustomer: median(queueCalls.map((c) => c.customerReceived)),
        agentSent: median(queueCalls.map((c) => c.agentSent)),
        customerSent: median(queueCalls.map((c) => c.customerSent)),
      },
    };
    await centerContext.close();
  }

  if (want('supervisor')) {
    // 7. A supervisor's click to hearing the call: agent 1001 (CTI) talks to a simulated
    //    customer, supervisor 1009's workbench listens through CTI MonitorCall (bench/supervisor.mjs).
    results.supervisor.listen = await measureClickToHear({ browser, url: web.url, center, users });
  }
} finally {
  await browser.close();
  await web.close();
  await center.close();
  await kamailio.stop();
}

// 8. The ACD's CPU per mixed call (bench/supervisor.mjs), with the browser and the call center
//    above gone: its call center and Node phones run in processes of their own.
if (want('supervisor')) results.supervisor.mixingCpu = await measureMixingCpu({ counts: [1, 5], seconds: Number(process.env.BENCH_SUPERVISOR_SECONDS ?? 6) });

// 6. The dev call center's capacity, stepped until it breaks (bench/capacity.mjs), once the
//    browser, Kamailio and the call center above are gone: its processes get the machine alone.
const { measureCapacity, printCapacity } = await import('./capacity.mjs');
if (want('capacity')) results.capacity = await measureCapacity();

writeFileSync(`${root}bench/results.json`, `${JSON.stringify(results, null, 2)}\n`);
const line = (label, value, target) => console.log(`${label.padEnd(34)} ${String(value).padStart(10)}   ${target}`);
console.log('\ncc-workbench bench (figures, not assertions)');
line('initial module (min / gzip KiB)', `${sizes.initialMinKiB} / ${sizes.initialGzipKiB}`, 'target gzip <= 25');
line('everything (min / gzip KiB)', `${sizes.totalMinKiB} / ${sizes.totalGzipKiB}`, 'target gzip <= 85');
line('IIFE bundle (gzip KiB)', sizes.iifeGzipKiB, '');
line('supervisor module (gzip KiB)', supervisorModule.gzipKiB, `supervisors only, not in the agent's figures (${supervisorModule.files.join(', ')})`);
line('embed page bridge + html (gzip KiB)', embedAndTabs.embedPageGzipKiB, 'embed pages only, besides cc-workbench.js');
line('embed client ES / classic (gzip KiB)', `${embedAndTabs.embedClientGzipKiB} / ${embedAndTabs.embedClientIifeGzipKiB}`, 'host pages of a frame; target <= 3');
line('tabs: election (gzip KiB)', embedAndTabs.tabSeatGzipKiB, 'tabs="shared" only, not in "everything"');
line('tabs: relay (gzip KiB)', embedAndTabs.tabRelayGzipKiB, 'tabs="shared" with a second tab open (with the monitor events)');
line('click-to-dial + localStorage calls', embedAndTabs.pageLinksGzipKiB, 'gzip KiB, loaded with their attributes, not in "everything"');
line('call history + my work (gzip KiB)', embedAndTabs.historyGzipKiB, 'after log-in with the history attribute, not in "everything"');
line('devices + call quality (gzip KiB)', embedAndTabs.mediaGzipKiB, 'after log-in (the tab holding the media) or its methods, not in "everything"');
line('network check + access points (gzip KiB)', embedAndTabs.networkGzipKiB, 'checkNetwork() / switchAccessPoint() only, not in "everything"');
for (const [name, figure] of Object.entries(facades)) {
  line(`facade ${name} ES / classic`, `${figure.esGzipKiB} / ${figure.iifeGzipKiB}`, 'gzip KiB, pages of that reference SDK only, besides cc-workbench.js');
}
line('first render, median of 10 (ms)', results.firstRenderMs.median, '');
line('register() first / warm median (ms)', `${results.registerMs.first} / ${results.registerMs.medianWarm}`, '');
line('INVITE -> cc-call-incoming (ms)', results.inviteToIncomingMs.median, 'target <= 20 median');
const a = results.answerToMediaMs;
line('answer -> first RTP, customer (ms)', a.median, `target <= 50 median of ${a.runs.length}; min ${a.min}, max ${a.max}; answered after a ${a.ringMs} ms ring`);
line('heap after load / after 20 calls', `${results.heap.afterLoadMiB} / ${results.heap.after20CallsMiB} MiB`, '');
line('heap growth after 20 calls (KiB)', results.heap.growthKiB, 'target <= 1024');
line('heap growth, calls 2..20 (KiB)', results.heap.growthCalls2to20KiB, '');
line('heap growth, calls 21..40 (KiB)', results.heap.growthCalls21to40KiB, 'a leak keeps growing');
line('heap growth, 35 s later (KiB)', results.heap.settledGrowthKiB, 'after SIP transaction timers');
line('peer connections left open', results.openPeerConnections, 'expected 0');
if (results.soak) {
  const k = results.soak;
  console.log(`soak: ${k.calls} sequential calls in ${k.seconds} s (${k.callsPerSecond} calls/s):`);
  line('  heap growth after settling (KiB)', k.heapGrowthKiB, 'target <= 2048');
  line('  peer connections left open', k.openPeerConnections, `expected 0 (of ${k.peerConnectionsCreated} created)`);
  line('  live media tracks left', k.liveTracks, `expected 0 (of ${k.tracksCreated} created)`);
}
console.log('dev call center (agent 1002 in CTI mode, customers calling sales):');
line('  register() first / warm (ms)', `${results.callCenter.registerMs.first} / ${results.callCenter.registerMs.medianWarm}`, '');
line('  182 Queued -> agent rings (ms)', results.callCenter.queueToRingMs.median, 'median of 10');
const p5 = results.callCenter.packetsIn5s;
line('  packets in 5 s cust->agent', p5.customerToAgent, `(customer sent ${p5.customerSent})`);
line('  packets in 5 s agent->cust', p5.agentToCustomer, `(agent sent ${p5.agentSent})`);
const sv = results.supervisor;
if (sv.listen || sv.mixingCpu) console.log('supervisor monitoring (CTI MonitorCall, listen):');
if (sv.listen) {
  const h = sv.listen.clickToHearMs;
  line('  click -> hears the customer (ms)', h.median, `median of ${sv.listen.runs}; min ${h.min}, max ${h.max}`);
  line('  click -> monitoring (21) (ms)', sv.listen.clickToMonitoringMs, `median; peer connection ${sv.listen.clickToPeerConnectionMs}, track ${sv.listen.clickToTrackMs}`);
  line('  peer connections left open', sv.listen.openPeerConnections, `expected 0 (of ${sv.listen.peerConnectionsCreated} created); live microphones ${sv.listen.liveMicrophones}`);
}
if (sv.mixingCpu) {
  // the ACD's thread (relay, mixer, SIP); the whole process also counts the customers' worker
  line('ACD CPU per mixed call (% of one core)', sv.mixingCpu.perMixedCallPctOfOneCore, `${sv.mixingCpu.steps.at(-1)?.monitoredCalls ?? '-'} calls mixed at once vs unmonitored, ACD thread`);
  for (const st of sv.mixingCpu.steps) {
    line(`  ${st.monitoredCalls} mixed: per call (%)`, st.perMixedCallMainThreadPct, `ACD thread ${st.mainThreadCpuPct.unmonitoredBefore} -> ${st.mainThreadCpuPct.monitored} -> ${st.mainThreadCpuPct.unmonitoredAfter} % (off, on, off; median 1 s of ${sv.mixingCpu.seconds})`);
  }
}
if (want('capacity')) printCapacity(results.capacity);
console.log(`\nwritten: bench/results.json`);
