#!/usr/bin/env node
// `npm run screenshot`: runs the demo (scripts/start.mjs) in a network namespace with only `lo`,
// lets the customer phone call agent 1001, answers in the workbench, and saves
// docs/workbench-in-call.png (the README's picture). Doubles as a smoke test of `npm start`.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureNetns } from './netns.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
ensureNetns(import.meta.url);

const { default: puppeteer } = await import('puppeteer-core');
const { chromeArgs, CHROMIUM } = await import('./chromium.mjs');

const demo = spawn(process.execPath, [`${root}scripts/start.mjs`], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
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
  await page.goto(url);
  const inWorkbench = (selector) => page.waitForFunction((s) => document.querySelector('cc-workbench')?.shadowRoot?.querySelector(s), { timeout: 20_000 }, selector);
  // Log in (status -1 or 1 -> ready), then let the customer call.
  await page.waitForFunction(() => document.querySelector('cc-workbench')?.getStatusCode?.().code === 1, { timeout: 20_000 });
  await page.evaluate(() => document.querySelector('cc-workbench').logIn());
  await page.waitForFunction(() => document.querySelector('#customer-status')?.textContent === 'Idle', { timeout: 20_000 });
  await page.click('#customer-call');
  await page.waitForFunction(() => document.querySelector('cc-workbench').getStatusCode().code === 6, { timeout: 20_000 });
  const answer = await inWorkbench('[part~="answer-button"]');
  await answer.click();
  await page.waitForFunction(() => document.querySelector('cc-workbench').getStatusCode().code === 9, { timeout: 20_000 });
  await new Promise((r) => setTimeout(r, 2500)); // let the call timer run
  mkdirSync(`${root}docs`, { recursive: true });
  await page.screenshot({ path: `${root}docs/workbench-in-call.png` });
  console.log('saved docs/workbench-in-call.png');
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
