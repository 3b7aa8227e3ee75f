// @web/test-runner in Debian's Chromium (never a downloaded browser).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { chromeLauncher } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeArgs, CHROMIUM } from './scripts/chromium.mjs';
import { jssipLiteEsbuild } from './scripts/jssip-lite.mjs';
import { embedOrigins } from './test/support/embed-origins.mjs';

// JsSIP is CommonJS with circular requires, which a per-file dev server cannot convert;
// esbuild bundles it once into one ES module that the tests import as 'jssip', with the same
// stand-in modules as the production bundle.
mkdirSync('.cache', { recursive: true });
await build({
  entryPoints: ['jssip'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  outfile: '.cache/jssip.esm.js',
  plugins: [jssipLiteEsbuild],
  logLevel: 'warning',
});

/** @type {import('@web/test-runner').TestRunnerPlugin} */
const jssipBundle = {
  name: 'jssip-bundle',
  resolveImport({ source }) {
    if (source === 'jssip') return '/.cache/jssip.esm.js';
    return undefined;
  },
};

/** The group named by `--group`, or null when every group runs. Servers start only for groups that use them. */
const requestedGroup = (() => {
  const i = process.argv.indexOf('--group');
  return i >= 0 ? process.argv[i + 1] ?? null : null;
})();
const runs = (...groups) => requestedGroup === null || groups.includes(requestedGroup);
/** Mocha timeouts of the groups that place real calls. */
const CALL_GROUP_TIMEOUTS = { e2e: 90_000, 'callcenter-e2e': 120_000, 'pstn-e2e': 90_000 };

function hasTests(dir) {
  try {
    return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.test.ts'));
  } catch {
    return false;
  }
}

/**
 * Runs the SIP server (Kamailio on 127.0.0.1) for the whole test run and tells the pages where it
 * is. Tests can restart it on the same port (`executeServerCommand('sip-server-restart')`) to
 * prove that the workbench re-registers after its WebSocket reconnects.
 */
const users = JSON.parse(readFileSync('demo/users.json', 'utf8'));
let kamailio = null;
// A STUN server that never answers (UDP on 127.0.0.1, packets swallowed): proves that ICE
// gathering is capped instead of waiting for STUN timeouts.
let blackhole = null;
/** Runs kamcmd against the test Kamailio's control socket. */
async function kamcmd(...args) {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('/usr/sbin/kamcmd', ['-s', `unix:${kamailio.runDir}/kamailio_ctl`, ...args], { encoding: 'utf8', timeout: 5000 });
}

/**
 * Closes, from the server's side (Kamailio's ws.close RPC), the WebSocket over which `user`
 * registered: the source port of its registration names the connection. Returns the port.
 */
async function closeWebSocketOf(user) {
  const dump = await kamcmd('ul.dump');
  const aor = dump.split(/AoR: /).find((block) => block.startsWith(`${user}@`) || block.startsWith(`${user}\n`));
  const port = /Received: sip:127\.0\.0\.1:(\d+)/.exec(aor ?? '')?.[1];
  if (!port) throw new Error(`sip-ws-close: no registration of ${user} with a received port in ul.dump`);
  const id = new RegExp(`(\\d+): ws:127\\.0\\.0\\.1:${port} ->`).exec(await kamcmd('ws.dump'))?.[1];
  if (!id) throw new Error(`sip-ws-close: no WebSocket from port ${port} in ws.dump`);
  await kamcmd('ws.close', id);
  return { port: Number(port) };
}

/**
 * Drops (`on`) or lets through again every UDP packet on loopback, inside the test's network
 * namespace (iptables-legacy): the calls' media path goes away while SIP (TCP) stays.
 */
async function blockUdp(on) {
  const { execFileSync } = await import('node:child_process');
  const rule = ['OUTPUT', '-o', 'lo', '-p', 'udp', '-j', 'DROP'];
  const has = () => {
    try {
      execFileSync('iptables-legacy', ['-C', ...rule], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (on && !has()) execFileSync('iptables-legacy', ['-A', ...rule]);
  if (!on) while (has()) execFileSync('iptables-legacy', ['-D', ...rule]);
  return { blocked: has() };
}

/**
 * Opens test/support/agent-page.html in a new tab of the test browser with a ready workbench
 * (`agent`: server, sipUri, password), freezes that tab (Page Lifecycle `freeze`: no timers, no
 * tasks) for `ms`, resumes it, waits `afterMs`, and returns what the tab recorded. The tab that
 * runs the tests is never frozen: its connection to the runner would not survive it.
 */
async function freezePage(session, { agent, ms, afterMs }) {
  const testPage = session.browser.getPage(session.id);
  const page = await testPage.browser().newPage();
  try {
    await page.goto(new URL('/test/support/agent-page.html', testPage.url()).href);
    await page.waitForFunction(() => typeof window.startAgent === 'function', { timeout: 10_000 });
    const before = await page.evaluate((config) => window.startAgent(config), agent);
    const cdp = await page.createCDPSession();
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await new Promise((resolve) => setTimeout(resolve, ms));
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await cdp.detach();
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    return { before, after: await page.evaluate(() => window.report()) };
  } finally {
    await page.close();
  }
}

/**
 * Real tabs of the test browser for the one-registration-across-tabs tests: pages of the same
 * browser context (so they share the test page's origin, locks and BroadcastChannels), opened,
 * evaluated in and closed (a real close: pagehide, locks released) by the test page.
 */
const tabs = new Map();
let tabSequence = 0;
async function tabCommand(session, command, payload) {
  const testPage = session.browser.getPage(session.id);
  if (command === 'tab-open') {
    const page = await testPage.browserContext().newPage();
    page.on('pageerror', (error) => console.log(`[tab] page error: ${error.message}`));
    await page.goto(new URL(payload.path, testPage.url()).href);
    const id = `t${(tabSequence += 1)}`;
    tabs.set(id, page);
    return { id };
  }
  const page = tabs.get(payload.id);
  if (!page) throw new Error(`${command}: no tab ${payload.id}`);
  if (command === 'tab-eval') {
    // The expression is the test's own code, run in a page of this test run.
    return { value: await page.evaluate(`(async () => (${payload.expression}))()`) };
  }
  if (command === 'tab-close') {
    tabs.delete(payload.id);
    await page.close({ runBeforeUnload: false });
    return { closed: true };
  }
  return undefined;
}

/** The contacts Kamailio's location table holds for `user` (`kamcmd ul.dump`). */
async function sipBindings(user) {
  const dump = await kamcmd('ul.dump');
  const aor = dump.split(/AoR: /).find((block) => block.startsWith(`${user}@`) || block.startsWith(`${user}\n`)) ?? '';
  return { contacts: [...aor.matchAll(/Address: (\S+)/g)].map((m) => m[1]) };
}

const sipServer = {
  name: 'sip-server',
  async serverStart() {
    if (process.env.CC_NO_SIP_SERVER === '1' || !runs('unit', 'e2e')) return;
    const { createSocket } = await import('node:dgram');
    blackhole = createSocket('udp4');
    await new Promise((resolve) => blackhole.bind(0, '127.0.0.1', resolve));
    const { startKamailio } = await import('./test/support/kamailio.mjs');
    kamailio = await startKamailio({ users: 'demo/users.json', ...(process.env.CC_KAMAILIO_LOG ? { logFile: process.env.CC_KAMAILIO_LOG, debug: 3 } : {}) });
    console.log(`SIP server: ${kamailio.wsUrl} (pid ${kamailio.pid}, log ${kamailio.logFile})`);
  },
  async serverStop() {
    blackhole?.close();
    blackhole = null;
    await kamailio?.stop();
    kamailio = null;
  },
  async executeCommand({ command, payload, session }) {
    // A figure a test measured, printed with the run's output (browser logs are not).
    if (command === 'figure') {
      console.log(`[figure] ${payload.text}`);
      return true;
    }
    if (command === 'sip-ws-close') return closeWebSocketOf(payload.user);
    if (command === 'sip-bindings') return sipBindings(payload.user);
    if (command.startsWith('tab-')) return tabCommand(session, command, payload);
    if (command === 'udp-block') return blockUdp(payload.on);
    if (command === 'packet-loss') return (await import('./test/support/packet-loss.mjs')).packetLoss(payload ?? {});
    if (command === 'turn-server') return (await import('./test/support/turn-server.mjs')).startTurnServer();
    if (command === 'turn-server-stop') return (await import('./test/support/turn-server.mjs')).stopTurnServer().then(() => true);
    if (command === 'page-freeze') return freezePage(session, payload);
    if (command === 'sip-fuzz' || command === 'sip-hostile-invite') {
      const { fuzzSip, hostileInvite } = await import('./test/support/sip-fuzz.mjs');
      const caller = users.users.find((u) => u.user === payload.caller);
      const target = { ...payload, wsUrl: kamailio.wsUrl, domain: kamailio.domain, caller };
      if (command === 'sip-hostile-invite') return hostileInvite(target);
      const stats = await fuzzSip(target);
      console.log(`sip-fuzz (seed ${payload.seed}): ${JSON.stringify(stats)}`);
      return stats;
    }
    if (command !== 'sip-server-restart') return undefined;
    const { startKamailio } = await import('./test/support/kamailio.mjs');
    const port = kamailio.port;
    await kamailio.stop();
    kamailio = await startKamailio({ users: 'demo/users.json', port });
    return { wsUrl: kamailio.wsUrl };
  },
};

/**
 * The project's own dev call center (demo/callcenter: SIP proxy, queues, simulated customers,
 * CTI API), for the tests that run the workbench against it. Its HTTP APIs are served on the
 * test server's own origin, as `npm start` serves them next to the demo pages.
 */
let center = null;
const callCenter = {
  name: 'dev-call-center',
  async serverStart() {
    if (process.env.CC_NO_SIP_SERVER === '1' || !runs('callcenter-e2e') || !hasTests('test/e2e-callcenter')) return;
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { startCallCenter } = await import('./demo/callcenter/index.mjs');
    center = await startCallCenter({ quiet: true, dataDir: mkdtempSync(`${tmpdir()}/cc-center-`) });
    console.log(`dev call center: ${center.wsUrl}`);
  },
  async serverStop() {
    await center?.close();
    center = null;
  },
};

/**
 * The production topology of deploy/ (Kamailio with deploy/kamailio/kamailio.cfg over WSS,
 * rtpengine, a classic SIP caller with sipp) for the pstn-e2e group. Its throwaway certificate
 * is made here, before the group's browser starts, because that browser trusts exactly its key
 * (--ignore-certificate-errors-spki-list). Pages reach it with executeServerCommand('pstn-*').
 */
const pstnWanted = process.env.CC_NO_SIP_SERVER !== '1' && runs('pstn-e2e') && hasTests('test/e2e-pstn');
let pstnTls = null;
let pstnCertDir = null;
if (pstnWanted) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { createCertificate } = await import('./test/support/pstn.mjs');
  pstnCertDir = mkdtempSync(`${tmpdir()}/cc-pstn-tls-`);
  pstnTls = createCertificate(pstnCertDir);
}
/** The default browser, plus trust in the one key (the default browser stays strict). */
function pstnBrowser(spki) {
  return chromeLauncher({
    launchOptions: { executablePath: CHROMIUM, headless: true, args: [...chromeArgs({ media: true }), `--ignore-certificate-errors-spki-list=${spki}`] },
    async createPage({ config, context }) {
      await context.overridePermissions(`${config.protocol}//${config.hostname}:${config.port}`, ['microphone']);
      return context.newPage();
    },
  });
}
let pstn = null;
const pstnServer = {
  name: 'pstn-server',
  async serverStart() {
    if (!pstnTls) return;
    const { startPstn } = await import('./test/support/pstn.mjs');
    pstn = await startPstn({ users: 'demo/users.json', tls: pstnTls });
    console.log(`PSTN topology: Kamailio ${pstn.wssUrl}, SIP udp 127.0.0.1:${pstn.sipPort} (pids ${JSON.stringify(pstn.pids())})`);
  },
  async serverStop() {
    try {
      await pstn?.stop();
    } finally {
      pstn = null;
      if (pstnCertDir) {
        const { rmSync } = await import('node:fs');
        rmSync(pstnCertDir, { recursive: true, force: true });
      }
    }
  },
  async executeCommand({ command, payload }) {
    if (!command.startsWith('pstn-')) return undefined;
    if (!pstn) throw new Error('the PSTN topology is not running (pstn-e2e group only)');
    switch (command) {
      case 'pstn-env':
        return { wssUrl: pstn.wssUrl, domain: pstn.domain, users: users.users };
      case 'pstn-sipp':
        return pstn.startSipp(payload.scenario, payload);
      case 'pstn-media':
        return pstn.media.snapshot();
      case 'pstn-messages':
        return { messages: pstn.callerMessages() };
      case 'pstn-result':
        return pstn.callerResult(payload?.timeoutMs);
      case 'pstn-logs':
        return { kamailio: pstn.kamailioLogTail(80), rtpengine: pstn.rtpengineLogTail(40) };
      default:
        return undefined;
    }
  },
};

/** Koa middleware in front of the static files: the call center's HTTP APIs. */
async function callCenterApis(ctx, next) {
  for (const handle of center?.handlers ?? []) {
    if (handle(ctx.req, ctx.res)) {
      ctx.respond = false;
      if (!ctx.res.writableFinished) await new Promise((resolve) => ctx.res.once('close', resolve));
      return;
    }
  }
  await next();
}

const centerEnv = () => (center ? { wsUrl: center.wsUrl, domain: center.domain, users: center.users.users, cti: '/api/ccc' } : {});

const sipEnv = () =>
  kamailio
    ? { wsUrl: kamailio.wsUrl, domain: kamailio.domain, users: users.users, silentStun: `stun:127.0.0.1:${blackhole.address().port}` }
    : {};

export default {
  nodeResolve: { browser: true, exportConditions: ['browser'] },
  rootDir: '.',
  concurrency: 1,
  testsFinishTimeout: 20 * 60 * 1000,
  browserStartTimeout: 60_000,
  // One Mocha timeout per run (web-test-runner takes no test-framework config per group): the
  // call groups' when they run, alone or with the others.
  testFramework: { config: { timeout: CALL_GROUP_TIMEOUTS[requestedGroup] ?? (requestedGroup === null ? 120_000 : 30_000) } },
  // A group whose folder has no test file yet is left out (web-test-runner refuses empty groups).
  groups: [
    { name: 'machines', files: 'test/machines/**/*.test.ts' },
    { name: 'unit', files: ['test/sip/**/*.test.ts', 'test/config/**/*.test.ts'] },
    { name: 'elements', files: 'test/elements/**/*.test.ts' },
    { name: 'e2e', files: 'test/e2e/**/*.test.ts' },
    { name: 'callcenter-e2e', files: 'test/e2e-callcenter/**/*.test.ts' },
    {
      name: 'pstn-e2e',
      files: 'test/e2e-pstn/**/*.test.ts',
      // This group's browser trusts the throwaway certificate's key, and only that key.
      ...(pstnTls ? { browsers: [pstnBrowser(pstnTls.spki)] } : {}),
    },
  ].filter((g) => [g.files].flat().some((files) => hasTests(files.split('/**')[0]))),
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: CHROMIUM, headless: true, args: chromeArgs({ media: true }) },
      // The pages may show desktop notifications (an incoming call while hidden). Granting any
      // permission replaces the fake-UI microphone grant, so the microphone is granted with it.
      async createPage({ config, context }) {
        await context.overridePermissions(`${config.protocol}//${config.hostname}:${config.port}`, ['notifications', 'microphone']);
        return context.newPage();
      },
    }),
  ],
  middleware: [callCenterApis],
  plugins: [sipServer, callCenter, pstnServer, embedOrigins, jssipBundle, esbuildPlugin({ ts: true, target: 'es2021', tsconfig: './tsconfig.json' })],
  testRunnerHtml: (testFramework) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"></head>
<body>
<script>window.__CC_ENV__ = ${JSON.stringify(sipEnv())}; window.__CC_CENTER__ = ${JSON.stringify(centerEnv())};</script>
<script type="module" src="${testFramework}"></script>
</body></html>`,
};
