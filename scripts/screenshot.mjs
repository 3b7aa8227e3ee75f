#!/usr/bin/env node
// `npm run screenshot`: runs the demo (scripts/start.mjs, the dev call center) in a network
// namespace with only `lo`, logs agent 1001 in, places a simulated customer call into the sales
// queue, answers it in the workbench, and saves docs/workbench-in-call.png (the README's picture),
// docs/workbench-in-call-zh.png, the widget at its minimum width in both languages
// (docs/workbench-min-en.png, docs/workbench-min-zh.png; it fails when anything in the card
// overflows there) plus docs/demo-customers.png and docs/demo-supervisor.png taken during that
// call, and docs/demo-supervisor-monitoring.png after the board's Listen. Doubles as a smoke test of `npm start`.
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

/** The smallest `--cc-width` the workbench supports (README; test/elements/min-width.test.ts). */
const MIN_WIDTH = 300;

/**
 * Runs in the page: what in the workbench's shadow trees sticks out of its card or holds content
 * wider than its box (a smoke check of the real demo; the element tests cover every state).
 */
function overflowsIn() {
  const host = document.querySelector('cc-workbench');
  const card = host.getBoundingClientRect();
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      if (el.getClientRects().length === 0 || getComputedStyle(el).clipPath !== 'none') continue;
      const r = el.getBoundingClientRect();
      const name = `${el.localName}${el.className && typeof el.className === 'string' ? `.${el.className.trim().replace(/\s+/g, '.')}` : ''}`;
      if (r.left < card.left - 0.5 || r.right > card.right + 0.5) found.push(`${name} sticks out of the card`);
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth) found.push(`${name} holds ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
  };
  walk(host.shadowRoot);
  return found;
}

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
  /** Sets the workbench to the minimum width in `lang`, fails when anything in it overflows, returns its box. */
  const atMinWidth = async (lang, when) => {
    await page.evaluate((l, w) => {
      const el = document.querySelector('cc-workbench');
      el.setAttribute('lang', l);
      el.style.setProperty('--cc-width', `${w}px`);
    }, lang, MIN_WIDTH);
    await new Promise((r) => setTimeout(r, 500));
    const problems = await page.evaluate(overflowsIn);
    if (problems.length > 0) throw new Error(`the workbench overflows at ${MIN_WIDTH}px (${lang}, ${when}):\n  ${problems.join('\n  ')}`);
    const card = await (await page.$('cc-workbench')).boundingBox();
    if (Math.round(card.width) !== MIN_WIDTH) throw new Error(`the workbench is ${card.width}px wide, not ${MIN_WIDTH}px`);
    return card;
  };
  const fullWidth = () =>
    page.evaluate(() => {
      const el = document.querySelector('cc-workbench');
      el.setAttribute('lang', 'en');
      el.style.removeProperty('--cc-width');
    });
  // Registered (1), log in through the CTI API (3), then a customer calls the sales queue.
  await code(1);
  await page.evaluate(() => document.querySelector('cc-workbench').logIn());
  await code(3);
  // Ready, with the call center's caller IDs ("+86... · Hangzhou, Zhejiang") in their select.
  await workbench('[part~="caller-id"] option[value^="+"]');
  for (const lang of ['en', 'zh-CN']) await atMinWidth(lang, 'ready');
  console.log(`ready at ${MIN_WIDTH}px, en and zh-CN: nothing overflows (caller ID select inside the card)`);
  await fullWidth();
  const customer = await page.evaluate(async () => {
    const r = await fetch('/api/customers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from: '13800000001', to: 'sales' }) });
    return r.json();
  });
  await code(6);
  const answer = await workbench('[part~="answer-button"]');
  await answer.click();
  await page.mouse.move(0, 0); // no hover left on the control under the Answer button in the pictures
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
  // The same call at the minimum width the README states, in both languages.
  for (const [lang, file] of [['zh-CN', 'workbench-min-zh.png'], ['en', 'workbench-min-en.png']]) {
    const card = await atMinWidth(lang, 'in a call');
    await page.screenshot({ path: `${root}docs/${file}`, clip: { x: card.x - 8, y: card.y - 8, width: card.width + 16, height: card.height + 16 } });
    console.log(`saved docs/${file} (${MIN_WIDTH}px, ${lang}: nothing overflows)`);
  }
  await fullWidth();
  for (const [name, path] of [['customers', 'customers.html'], ['supervisor', 'supervisor.html']]) {
    const other = await browser.newPage();
    await other.setViewport({ width: 1280, height: 620, deviceScaleFactor: 1 });
    await other.goto(`${url}${path}`);
    await new Promise((r) => setTimeout(r, 2500)); // a few polls of the live tables
    await other.screenshot({ path: `${root}docs/demo-${name}.png` });
    console.log(`saved docs/demo-${name}.png`);
    if (name === 'supervisor') {
      // The supervisor listens from the board: its own workbench goes to monitoring (21).
      await other.waitForFunction(() => document.querySelector('cc-workbench')?.getStatusCode().code === 1, { timeout: 20_000 });
      await other.evaluate(() => {
        const board = document.querySelector('cc-agent-board');
        const listen = [...(board?.shadowRoot?.querySelectorAll('button') ?? [])].find((b) => b.getAttribute('aria-label') === 'Listen to Alice (1001)');
        if (!listen) throw new Error('the board shows no "Listen to Alice (1001)" button');
        listen.click();
      });
      await other.waitForFunction(() => document.querySelector('cc-workbench')?.getStatusCode().code === 21, { timeout: 15_000 });
      await new Promise((r) => setTimeout(r, 2000));
      await other.screenshot({ path: `${root}docs/demo-supervisor-monitoring.png` });
      console.log('saved docs/demo-supervisor-monitoring.png (the supervisor listens, status 21)');
      await other.evaluate(() => document.querySelector('cc-workbench').hangUp());
    }
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
