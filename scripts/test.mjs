#!/usr/bin/env node
// `npm test`: type-check, build, then every test group in Debian's Chromium, with a real SIP
// server (Kamailio on 127.0.0.1, run by the test runner's sip-server plugin), all inside a
// network namespace that has only `lo`.
// Extra arguments go to web-test-runner (e.g. `npm test -- --group e2e`).
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
step('build', process.execPath, [`${root}scripts/build.mjs`]);

let output = '';
const code = await new Promise((resolve) => {
  const child = spawn(bin('web-test-runner'), ['--config', 'web-test-runner.config.mjs', ...args], {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.on('data', (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});

// web-test-runner's last summary line counts every group of the run.
const plain = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
const last = [...plain.matchAll(/(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/g)].at(-1);
const passed = Number(last?.[1] ?? 0);
let failed = Number(last?.[2] ?? 0);
const skipped = Number(last?.[3] ?? 0);
if (code !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
