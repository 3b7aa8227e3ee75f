#!/usr/bin/env node
// `npm run bench`: prints figures and writes bench/results.json. Never asserts timings; the
// targets are printed next to the figures. Runs inside a network namespace with only `lo`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.env.CC_IN_NETNS !== '1') {
  const r = spawnSync(`${root}scripts/in-netns.sh`, [process.execPath, fileURLToPath(import.meta.url)], { stdio: 'inherit', cwd: root });
  process.exit(r.status ?? 1);
}

const { default: puppeteer } = await import('puppeteer-core');
const { chromeArgs, CHROMIUM } = await import('../scripts/chromium.mjs');
const { serveStatic } = await import('../scripts/serve.mjs');
const { startKamailio } = await import('../test/support/kamailio.mjs');

const build = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};
const round = (x, d = 1) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
const kib = (n) => round(n / 1024, 2);

// 1. Sizes of what a page downloads: the initial module, then everything (with the JsSIP chunk).
const initial = readFileSync(`${root}dist/cc-workbench.js`);
const chunks = readdirSync(`${root}dist/chunks`).filter((f) => f.endsWith('.js')).map((f) => readFileSync(`${root}dist/chunks/${f}`));
const iife = readFileSync(`${root}dist/cc-workbench.iife.js`);
const sizes = {
  initialMinKiB: kib(initial.length),
  initialGzipKiB: kib(gzipSync(initial, { level: 9 }).length),
  totalMinKiB: kib(initial.length + chunks.reduce((n, c) => n + c.length, 0)),
  totalGzipKiB: kib(gzipSync(initial, { level: 9 }).length + chunks.reduce((n, c) => n + gzipSync(c, { level: 9 }).length, 0)),
  iifeGzipKiB: kib(gzipSync(iife, { level: 9 }).length),
};

const users = JSON.parse(readFileSync(`${root}demo/users.json`, 'utf8')).users;
const agent = users.find((u) => u.user === '1001');
const customer = users.find((u) => u.user === '13800000001');
const kamailio = await startKamailio({ users: `${root}demo/users.json` });
const web = await serveStatic(root, { index: '/bench/page.html' });
const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: chromeArgs({ media: true }) });
const results = { date: new Date().toISOString(), sizes };

try {
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

  // 3. Calls: an agent workbench and a customer phone (createPhone) in one page, through Kamailio.
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${web.url}/bench/page.html`);
  const cdp = await page.createCDPSession();
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await new Promise((r) => setTimeout(r, 200));
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const registerMs = await page.evaluate(
    async ({ server, domain, agent, customer }) => {
      await customElements.whenDefined('cc-workbench');
      const el = document.querySelector('#agent');
      el.password = agent.password;
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
      const { createPhone } = await import('/dist/cc-workbench.js');
      window.__customer = createPhone({ server, sipUri: `sip:${customer.user}@${domain}`, password: customer.password, afterCall: 0 });
      await window.__customer.register();
      // The first register() includes loading JsSIP and opening the WebSocket.
      return times;
    },
    { server: kamailio.wsUrl, domain: kamailio.domain, agent, customer },
  );
  results.registerMs = { first: round(registerMs[0]), medianWarm: round(median(registerMs.slice(1))), runs: registerMs.map((x) => round(x)) };

  const heapAfterLoad = await heap();
  const calls = await page.evaluate(async (count) => {
    const el = document.querySelector('#agent');
    const out = [];
    const waitFor = async (check, what, ms = 15000) => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        const v = await check();
        if (v) return v;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`bench: timed out waiting for ${what}`);
    };
    const inboundPackets = async (pc) => {
      let n = 0;
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') n += r.packetsReceived ?? 0;
      });
      return n;
    };
    for (let i = 0; i < count; i++) {
      const incoming = new Promise((resolve) => el.addEventListener('cc-call-incoming', (e) => resolve({ at: performance.now(), callId: e.detail.callId }), { once: true }));
      const dialing = window.__customer.call('1001').catch(() => undefined);
      const { at, callId } = await incoming;
      const arrived = window.__inviteArrivals.get(callId);
      const pcsBefore = window.__pcs.length;
      const t0 = performance.now();
      await el.answer();
      const pc = await waitFor(() => (window.__pcs.length > pcsBefore ? window.__pcs.at(-1) : null), 'agent peer connection');
      await waitFor(async () => (await inboundPackets(pc)) > 0, 'first RTP packet');
      const media = performance.now() - t0;
      await dialing;
      await el.hangUp();
      await waitFor(() => el.getStatusCode().code === 3, 'ready again');
      await waitFor(() => window.__customer.getStatusCode().code === 3, 'customer idle');
      out.push({ inviteToIncomingMs: arrived === undefined ? null : at - arrived, answerToMediaMs: media });
    }
    return out;
  }, 20);
  const heapAfterCalls = await heap();
  results.inviteToIncomingMs = { median: round(median(calls.map((c) => c.inviteToIncomingMs).filter((x) => x !== null)), 2), runs: calls.map((c) => round(c.inviteToIncomingMs, 2)) };
  results.answerToMediaMs = { median: round(median(calls.map((c) => c.answerToMediaMs))), runs: calls.map((c) => round(c.answerToMediaMs)) };
  results.heap = {
    afterLoadMiB: round(heapAfterLoad / 1048576, 2),
    after20CallsMiB: round(heapAfterCalls / 1048576, 2),
    growthKiB: round((heapAfterCalls - heapAfterLoad) / 1024, 1),
  };
  results.openPeerConnections = await page.evaluate(() => window.__pcs.filter((pc) => pc.signalingState !== 'closed').length);
} finally {
  await browser.close();
  await web.close();
  await kamailio.stop();
}

writeFileSync(`${root}bench/results.json`, `${JSON.stringify(results, null, 2)}\n`);
const line = (label, value, target) => console.log(`${label.padEnd(34)} ${String(value).padStart(10)}   ${target}`);
console.log('\ncc-workbench bench (figures, not assertions)');
line('initial module (min / gzip KiB)', `${sizes.initialMinKiB} / ${sizes.initialGzipKiB}`, 'target gzip <= 25');
line('everything (min / gzip KiB)', `${sizes.totalMinKiB} / ${sizes.totalGzipKiB}`, 'target gzip <= 85');
line('IIFE bundle (gzip KiB)', sizes.iifeGzipKiB, '');
line('first render, median of 10 (ms)', results.firstRenderMs.median, '');
line('register() first / warm median (ms)', `${results.registerMs.first} / ${results.registerMs.medianWarm}`, '');
line('INVITE -> cc-call-incoming (ms)', results.inviteToIncomingMs.median, 'target <= 20 median');
line('answer -> first RTP packet (ms)', results.answerToMediaMs.median, 'target <= 300 median');
line('heap after load / after 20 calls', `${results.heap.afterLoadMiB} / ${results.heap.after20CallsMiB} MiB`, '');
line('heap growth after 20 calls (KiB)', results.heap.growthKiB, 'target <= 1024');
line('peer connections left open', results.openPeerConnections, 'expected 0');
console.log(`\nwritten: bench/results.json`);
