// scripts/build.mjs: `--demo` (npm start) skips the build while dist/ was built from the same
// sources, and rebuilds when one changed; a full build (npm test, npm run bench) always runs.
// The end-to-end cases run a copy of build.mjs in a temp tree whose tsc and rollup are stand-ins
// that log each run, so no real build happens here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputFiles, inputsHash, rebuildReason, rebuildReasonAt, STAMP } from '../../scripts/build.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** A tree with the build's inputs (and a few files that are not inputs). */
function tree(t) {
  const root = mkdtempSync(join(tmpdir(), 'cc-build-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const files = {
    'src/embed/embed.html': '<!doctype html>\n',
    'src/index.ts': 'export const a = 1;\n',
    'src/sip/lite/events.cjs': 'module.exports = {};\n',
    'machines/agent-machine.ts': 'export {};\n',
    'elements/workbench/workbench.ts': 'export {};\n',
    'rollup.config.mjs': 'export default [];\n',
    'scripts/jssip-lite.mjs': '',
    'scripts/minify-literals.mjs': '',
    'tsconfig.json': '{}\n',
    'tsconfig.build.json': '{}\n',
    'package-lock.json': '{}\n',
    'README.md': 'not an input\n',
    'demo/index.html': 'not an input\n',
    'test/sip/x.test.mjs': 'not an input\n',
  };
  for (const [rel, text] of Object.entries(files)) write(root, rel, text);
  copyFileSync(join(repo, 'scripts/build.mjs'), join(root, 'scripts/build.mjs'));
  return root;
}

function write(root, rel, text) {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** Stand-ins for node_modules/.bin/tsc and rollup: each logs its run and writes its outputs. */
function fakeTools(root) {
  const tool = (name, script) => {
    write(root, `node_modules/.bin/${name}`, `#!/bin/sh\necho ${name} >> "${root}/tool-runs.log"\n${script}\n`);
    chmodSync(join(root, `node_modules/.bin/${name}`), 0o755);
  };
  tool('tsc', 'mkdir -p dist/esm/src && echo esm > dist/esm/src/define.js');
  tool('rollup', 'echo es > dist/cc-workbench.js && echo es > dist/cc-phone.js && if [ "$CC_BUILD_ONLY_ESM" != 1 ]; then echo iife > dist/cc-workbench.iife.js; fi');
}

/** Runs the tree's build.mjs; returns its output and the tools that ran. */
function build(root, ...args) {
  rmSync(join(root, 'tool-runs.log'), { force: true });
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CC_BUILD_ONLY_ESM: '' } });
  assert.equal(r.status, 0, r.stderr);
  const runs = existsSync(join(root, 'tool-runs.log')) ? readFileSync(join(root, 'tool-runs.log'), 'utf8').trim().split('\n') : [];
  return { out: r.stdout, runs };
}

test('rebuildReason: a full build always runs, a demo build only without a matching stamp and outputs', () => {
  const stamp = { mode: 'demo', inputs: 'abc' };
  assert.equal(rebuildReason({ mode: 'full', stamp, inputs: 'abc', missing: [] }), 'full build');
  assert.equal(rebuildReason({ mode: 'demo', stamp: null, inputs: 'abc', missing: [] }), 'no build stamp in dist/');
  assert.equal(rebuildReason({ mode: 'demo', stamp: {}, inputs: 'abc', missing: [] }), 'no build stamp in dist/');
  assert.equal(rebuildReason({ mode: 'demo', stamp, inputs: 'abd', missing: [] }), 'sources changed');
  assert.equal(rebuildReason({ mode: 'demo', stamp, inputs: 'abc', missing: ['dist/cc-phone.js'] }), 'dist/cc-phone.js missing');
  assert.equal(rebuildReason({ mode: 'demo', stamp, inputs: 'abc', missing: [] }), null);
  assert.equal(rebuildReason({ mode: 'demo', stamp: { mode: 'full', inputs: 'abc' }, inputs: 'abc', missing: [] }), null);
});

test('the inputs are src, machines, elements, the rollup and tsc configs, the build scripts and the lock file', (t) => {
  const root = tree(t);
  assert.deepEqual(inputFiles(root), [
    'elements/workbench/workbench.ts',
    'machines/agent-machine.ts',
    'package-lock.json',
    'rollup.config.mjs',
    'scripts/build.mjs',
    'scripts/jssip-lite.mjs',
    'scripts/minify-literals.mjs',
    'src/embed/embed.html',
    'src/index.ts',
    'src/sip/lite/events.cjs',
    'tsconfig.build.json',
    'tsconfig.json',
  ]);
});

test('inputsHash changes with any input byte, name or file, and with nothing else', (t) => {
  const root = tree(t);
  const first = inputsHash(root);
  assert.match(first, /^[0-9a-f]{64}$/);
  assert.equal(inputsHash(root), first, 'same tree, same hash');

  // Only the bytes count: a touch (or a git checkout back and forth) builds nothing new.
  utimesSync(join(root, 'src/index.ts'), new Date(), new Date(Date.now() + 60_000));
  assert.equal(inputsHash(root), first, 'mtime only');
  write(root, 'README.md', 'edited\n');
  write(root, 'demo/index.html', 'edited\n');
  write(root, 'test/sip/y.test.mjs', 'new\n');
  assert.equal(inputsHash(root), first, 'files that are not inputs');

  const changes = [
    ['an edited source', () => write(root, 'src/index.ts', 'export const a = 2;\n')],
    ['an edited machine', () => write(root, 'machines/agent-machine.ts', 'export const m = 1;\n')],
    ['an edited element', () => write(root, 'elements/workbench/workbench.ts', 'export const w = 1;\n')],
    ['a new source file', () => write(root, 'src/new.ts', '')],
    ['a renamed source file', () => renameSync(join(root, 'src/new.ts'), join(root, 'src/renamed.ts'))],
    ['a deleted source file', () => rmSync(join(root, 'src/sip/lite/events.cjs'))],
    ['a new tsconfig', () => write(root, 'tsconfig.extra.json', '{}')],
    ['the rollup config', () => write(root, 'rollup.config.mjs', 'export default [{}];\n')],
    ['the JsSIP stand-ins', () => write(root, 'scripts/jssip-lite.mjs', '// changed\n')],
    ['the literal minifier', () => write(root, 'scripts/minify-literals.mjs', '// changed\n')],
    ['the lock file', () => write(root, 'package-lock.json', '{ "lockfileVersion": 3 }\n')],
  ];
  const seen = new Set([first]);
  for (const [what, change] of changes) {
    change();
    const now = inputsHash(root);
    assert.ok(!seen.has(now), `${what} changes the hash`);
    seen.add(now);
  }
});

test('rebuildReasonAt reads the stamp and the outputs the demo pages load', (t) => {
  const root = tree(t);
  assert.equal(rebuildReasonAt(root, 'demo').reason, 'no build stamp in dist/');
  for (const f of ['dist/cc-workbench.js', 'dist/cc-phone.js', 'dist/esm/src/define.js']) write(root, f, '');
  const { inputs } = rebuildReasonAt(root, 'demo');
  write(root, STAMP, JSON.stringify({ mode: 'demo', inputs }));
  assert.equal(rebuildReasonAt(root, 'demo').reason, null);
  assert.equal(rebuildReasonAt(root, 'full').reason, 'full build');
  rmSync(join(root, 'dist/cc-phone.js'));
  assert.equal(rebuildReasonAt(root, 'demo').reason, 'dist/cc-phone.js missing');
  write(root, 'dist/cc-phone.js', '');
  write(root, 'src/index.ts', 'export const a = 3;\n');
  assert.equal(rebuildReasonAt(root, 'demo').reason, 'sources changed');
});

test('build.mjs --demo builds once, says "build: up to date" while nothing changed, rebuilds after an edit', (t) => {
  const root = tree(t);
  fakeTools(root);

  const first = build(root, '--demo');
  assert.deepEqual(first.runs, ['tsc', 'rollup']);
  assert.match(first.out, /build: no build stamp in dist\//);
  assert.equal(existsSync(join(root, 'dist/cc-workbench.iife.js')), false, 'the demo build leaves the IIFE out');
  assert.equal(JSON.parse(readFileSync(join(root, STAMP), 'utf8')).mode, 'demo');

  const second = build(root, '--demo');
  assert.deepEqual(second.runs, [], 'nothing changed: no tool runs');
  assert.match(second.out, /^build: up to date/m);

  write(root, 'elements/workbench/workbench.ts', 'export const changed = true;\n');
  const third = build(root, '--demo');
  assert.deepEqual(third.runs, ['tsc', 'rollup']);
  assert.match(third.out, /build: sources changed/);
  assert.deepEqual(build(root, '--demo').runs, []);
});

test('build.mjs without --demo always builds everything, and its stamp serves the next --demo', (t) => {
  const root = tree(t);
  fakeTools(root);
  assert.deepEqual(build(root).runs, ['tsc', 'rollup']);
  assert.deepEqual(build(root).runs, ['tsc', 'rollup'], 'npm test and npm run bench never skip');
  assert.equal(existsSync(join(root, 'dist/cc-workbench.iife.js')), true);
  assert.equal(JSON.parse(readFileSync(join(root, STAMP), 'utf8')).mode, 'full');
  assert.match(build(root, '--demo').out, /^build: up to date/m);
});

test('a failed build leaves no stamp, so the next start builds again', (t) => {
  const root = tree(t);
  fakeTools(root);
  build(root, '--demo');
  write(root, 'src/index.ts', 'export const broken = ;\n');
  write(root, 'node_modules/.bin/tsc', `#!/bin/sh\necho tsc >> "${root}/tool-runs.log"\nexit 2\n`);
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--demo'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(existsSync(join(root, STAMP)), false);
  fakeTools(root);
  assert.deepEqual(build(root, '--demo').runs, ['tsc', 'rollup']);
});
