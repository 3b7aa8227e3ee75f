#!/usr/bin/env node
// `npm test`: type-check, check that the committed custom-elements.json is up to date, build, the
// Node tests (node:test: the dev call center in test/callcenter, the bundle's JsSIP stand-ins in
// test/sip; setup, build, serve and the demo pages in test/scripts),
// then every test group in Debian's Chromium, with a real SIP server (Kamailio on 127.0.0.1, run
// by the test runner's sip-server plugin), all inside a network namespace that has only `lo`.
// Extra arguments go to web-test-runner (e.g. `npm test -- --group e2e`); `--group node`
// (or `callcenter`) runs only the Node tests.
import { existsSync, readdirSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureNetns } from './netns.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

// Installs already happened outside (pretest/setup); the rest runs in a fresh namespace.
ensureNetns(import.meta.url);

const bin = (name) => `${root}node_modules/.bin/${name}`;

function step(label, cmd, cmdArgs) {
  const started = Date.now();
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`test: ${label} failed (exit ${r.status ?? r.signal})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`test: ${label} ok (${Date.now() - started} ms)`);
}

step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
// Before the build: the check must read the committed custom-elements.json, not one a build wrote.
step('custom-elements.json is up to date', process.execPath, [`${root}scripts/check-manifest.mjs`]);
step('build', process.execPath, [`${root}scripts/build.mjs`]);

/** Runs a command, echoing and collecting its standard output. */
function run(cmd, cmdArgs) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd, cmdArgs, { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    const stop = () => child.kill('SIGTERM');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('close', (c, signal) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve({ code: c ?? (signal ? 1 : 0), output: output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '') });
    });
  });
}

const groupIndex = args.indexOf('--group');
const group = groupIndex >= 0 ? args[groupIndex + 1] : null;
let passed = 0;
let failed = 0;
let skipped = 0;

const nodeTests = ['test/callcenter', 'test/sip', 'test/scripts'].flatMap((dir) =>
  (existsSync(`${root}${dir}`) ? readdirSync(`${root}${dir}`, { withFileTypes: true }) : [])
    .filter((e) => e.isFile() && e.name.endsWith('.test.mjs'))
    .map((e) => `${dir}/${e.name}`),
);
const nodeOnly = group === 'node' || group === 'callcenter';
if ((group === null || nodeOnly) && nodeTests.length > 0) {
  const node = await run(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...nodeTests]);
  const count = (name) => Number(node.output.match(new RegExp(`ℹ ${name} (\\d+)`))?.[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped') + count('todo');
  if (node.code !== 0 && count('fail') + count('cancelled') === 0) failed += 1;
  console.log(`test: Node tests (node --test) ${node.code === 0 ? 'ok' : 'FAILED'}`);
}
if (nodeOnly) {
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed === 0 ? 0 : 1);
}

const browser = await run(bin('web-test-runner'), ['--config', 'web-test-runner.config.mjs', ...args]);
// web-test-runner's final progress block has one summary line per browser launcher (the
// pstn-e2e group has a launcher of its own), just before its last "Finished running tests".
const SUMMARY = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/;
const end = browser.output.lastIndexOf('Finished running tests');
const finalBlock = [];
for (const line of browser.output.slice(0, end < 0 ? undefined : end).trimEnd().split('\n').reverse()) {
  if (SUMMARY.test(line)) finalBlock.push(line);
  else if (finalBlock.length > 0) break;
}
let browserFailed = 0;
for (const line of finalBlock) {
  const m = /** @type {RegExpExecArray} */ (SUMMARY.exec(line));
  passed += Number(m[1]);
  browserFailed += Number(m[2]);
  skipped += Number(m[3] ?? 0);
}
failed += browserFailed;
if (browser.code !== 0 && browserFailed === 0) failed += 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
