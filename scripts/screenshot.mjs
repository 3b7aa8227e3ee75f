#!/usr/bin/env node
// `npm run screenshot`: runs the demo (scripts/start.mjs, the dev call center) in a network
// namespace with only `lo`, logs agent 1001 in, places a simulated customer call into the sales
// queue, answers it in the workbench, and saves docs/workbench-in-call.png (the README's picture)
// plus docs/demo-customers.png and docs/demo-supervisor.png taken during that call. Doubles as a
// smoke test of `npm start`.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureNetns } from './netns.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
ensureNetns(import.meta.url);

const { default: puppeteer } = await import('puppeteer-core');
const { chromeArgs, CHROMIUM } = await import('./chromium.mjs');

const demo = spawn(process.execPath, [`${root}scripts/start.mjs`], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, CC_QUIET: '1' },
});
let output = '';
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`demo did not start within 120 s:\n${output}`)), 120_000);
  demo.stdout.on('data', (chunk) => {
    output += chunk;
    const found = /(http:\/\/127\.0\.0\.1:\d+\/demo\/)/.exec(output);
    if (found) {
      clearTimeout(timer);
      resolve(found[1]);
    }
  });
  demo.once('exit', (code) => reject(new Error(`demo exited (${code}):\n${output}`)));
});

const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: chromeArgs({ media: true }) });
let failed = null;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 760, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${url}agent.html?agent=1001`);
  // The workbench is a shell of elements: search its shadow root and the nested ones.
  const workbench = (selector) =>
    page.waitForFunction(
      (s) => {
        const find = (root) => root.querySelector(s) ?? [...root.querySelectorAll('*')].reduce((hit, n) => hit ?? (n.shadowRoot ? find(n.shadowRoot) : null), null);
        const root = document.querySelector('cc-workbench')?.shadowRoot;
        return root ? find(root) : null;
      },
      { timeout: 20_000 },
      selector,
    );
  const code = (c) => page.waitForFunction((c) => document.querySelector('cc-workbench')?.getStatusCode?.().code === c, { timeout: 30_000 }, c);
  // Registered (1), log in through the CTI API (3), then a customer calls the sales queue.
  await code(1);
  await page.evaluate(() => document.querySelector('cc-workbench').logIn());
  await code(3);
  const customer = await page.evaluate(async () => {
    const r = await fetch('/api/customers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from: '13800000001', to: 'sales' }) });
    return r.json();
  });
  await code(6);
  const answer = await workbench('[part~="answer-button"]');
  await answer.click();
  await code(9);
  await new Promise((r) => setTimeout(r, 3000)); // let the call timer run and audio flow
  mkdirSync(`${root}docs`, { recursive: true });
  await page.screenshot({ path: `${root}docs/workbench-in-call.png` });
  console.log('saved docs/workbench-in-call.png');
  // The same call in Chinese: the workbench follows its lang attribute live.
  await page.evaluate(() => document.querySelector('cc-workbench').setAttribute('lang', 'zh-CN'));
  await new Promise((r) => setTimeout(r, 500));
  const box = await (await page.$('cc-workbench')).boundingBox();
  await page.screenshot({ path: `${root}docs/workbench-in-call-zh.png`, clip: { x: box.x - 8, y: box.y - 8, width: box.width + 16, height: box.height + 16 } });
  console.log('saved docs/workbench-in-call-zh.png');
  await page.evaluate(() => document.querySelector('cc-workbench').setAttribute('lang', 'en'));
  for (const [name, path] of [['customers', 'customers.html'], ['supervisor', 'supervisor.html']]) {
    const other = await browser.newPage();
    await other.setViewport({ width: 1280, height: 620, deviceScaleFactor: 1 });
    await other.goto(`${url}${path}`);
    await new Promise((r) => setTimeout(r, 2500)); // a few polls of the live tables
    await other.screenshot({ path: `${root}docs/demo-${name}.png` });
    console.log(`saved docs/demo-${name}.png`);
    await other.close();
  }
  const heard = await page.evaluate(async (id) => (await fetch(`/api/customers/${id}?lastMs=2000`)).json(), customer.id);
  console.log(`customer ${customer.id}: ${heard.state}, packets in ${heard.packetsIn} / out ${heard.packetsOut}, hears ${heard.audio.received.analysis.dominantFrequencyHz} Hz`);
  await page.evaluate(() => document.querySelector('cc-workbench').hangUp());
} catch (error) {
  failed = error;
} finally {
  await browser.close();
  demo.kill('SIGTERM');
  await new Promise((r) => demo.once('exit', r));
}
if (failed) {
  console.error(failed);
  process.exit(1);
}
