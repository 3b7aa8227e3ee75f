// scripts/setup.mjs (run by `npm start` and `npm test` before anything else): when it installs,
// and that it never leaves a tracked file changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keepingFiles, lockDependencyHash, lockRootDrift, npmDecision } from '../../scripts/setup.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const json = (rel) => JSON.parse(readFileSync(join(repo, rel), 'utf8'));

const manifest = {
  name: 'cc-workbench',
  version: '0.1.0',
  license: 'MIT',
  engines: { node: '^20.19.0 || >=22.12.0' },
  scripts: { start: 'node scripts/start.mjs' },
  dependencies: { lit: '^3.3.3', xstate: '^5.33.3' },
  devDependencies: { rollup: '^4.68.7' },
};
/** A lock whose root entry is what npm writes for `manifest` (scripts are not copied). */
const lockFor = (m) => {
  const { scripts, ...root } = m;
  return {
    name: m.name,
    version: m.version,
    lockfileVersion: 3,
    packages: { '': root, 'node_modules/lit': { version: '3.3.3', integrity: 'sha512-lit' } },
  };
};

test('the committed package-lock.json root entry matches package.json, so `npm install` would not rewrite it', () => {
  assert.deepEqual(lockRootDrift(json('package.json'), json('package-lock.json')), []);
});

test('lockRootDrift names each field npm copies into the lock and that differs', () => {
  const lock = lockFor(manifest);
  assert.deepEqual(lockRootDrift(manifest, lock), []);
  // Key order is not a difference; scripts and exports are not copied into the lock.
  const reordered = { ...manifest, dependencies: { xstate: '^5.33.3', lit: '^3.3.3' }, scripts: { other: 'x' }, exports: { '.': './x.js' } };
  assert.deepEqual(lockRootDrift(reordered, lock), []);
  const { engines, ...noEngines } = manifest;
  assert.deepEqual(lockRootDrift(manifest, lockFor(noEngines)), ['engines']);
  assert.deepEqual(lockRootDrift({ ...manifest, version: '0.2.0' }, lock), ['version']);
  assert.deepEqual(lockRootDrift({ ...manifest, dependencies: { ...manifest.dependencies, jssip: '~3.13.8' } }, lock), ['dependencies']);
  // npm writes no empty objects: an empty field equals an absent one.
  assert.deepEqual(lockRootDrift({ ...manifest, optionalDependencies: {} }, lock), []);
});

test('npmDecision: npm ci only for a missing or older node_modules, or changed dependencies', () => {
  const lock = lockFor(manifest);
  const fresh = { markerTime: 2000, lockTime: 1000, manifest, lock };
  assert.deepEqual(npmDecision(fresh), { install: false, reason: null, staleLockFields: [] });
  assert.equal(npmDecision({ ...fresh, markerTime: null }).reason, 'node_modules/.package-lock.json missing');
  assert.equal(npmDecision({ ...fresh, markerTime: 500 }).reason, 'package-lock.json changed');
  const added = { ...manifest, devDependencies: { ...manifest.devDependencies, ws: '^8.23.0' } };
  assert.equal(npmDecision({ ...fresh, manifest: added }).reason, 'package.json devDependencies differ from package-lock.json');
  assert.equal(npmDecision({ ...fresh, manifest: { ...manifest, scripts: { start: 'x' } } }).install, false, 'a scripts edit installs nothing');
});

test('npmDecision: with the hash of the last install, only a change of what the lock installs reinstalls', () => {
  const lock = lockFor(manifest);
  // The lock file was just edited (newer than node_modules), its packages were not.
  const edited = { markerTime: 1000, lockTime: 2000, manifest, lock, installedHash: lockDependencyHash(lock) };
  assert.equal(npmDecision(edited).install, false);
  const bumped = structuredClone(lock);
  bumped.packages['node_modules/lit'] = { version: '3.3.4', integrity: 'sha512-lit2' };
  assert.equal(npmDecision({ ...edited, lock: bumped }).reason, 'package-lock.json changed');
  // Without the hash (node_modules installed before setup kept it), the mtimes decide.
  assert.equal(npmDecision({ ...edited, installedHash: null }).reason, 'package-lock.json changed');
});

test("lockDependencyHash ignores the root entry's version and engines, not its dependencies or any package", () => {
  const lock = lockFor(manifest);
  const hash = lockDependencyHash(lock);
  const { engines, ...noEngines } = manifest;
  assert.equal(lockDependencyHash(lockFor(noEngines)), hash);
  assert.equal(lockDependencyHash(lockFor({ ...manifest, version: '9.9.9' })), hash);
  assert.notEqual(lockDependencyHash(lockFor({ ...manifest, devDependencies: { rollup: '^5.0.0' } })), hash);
  const other = structuredClone(lock);
  other.packages['node_modules/ws'] = { version: '8.23.0', dev: true };
  assert.notEqual(lockDependencyHash(other), hash);
});

test('npmDecision: a lock behind package.json on engines or version installs nothing but is named', () => {
  const { engines, ...noEngines } = manifest;
  const d = npmDecision({ markerTime: 2000, lockTime: 1000, manifest, lock: lockFor(noEngines) });
  assert.equal(d.install, false);
  assert.deepEqual(d.staleLockFields, ['engines']);
});

test('keepingFiles puts back the bytes of a file the action rewrote and names it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-setup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lock = join(dir, 'package-lock.json');
  const pkg = join(dir, 'package.json');
  writeFileSync(lock, '{ "lockfileVersion": 3 }\n');
  writeFileSync(pkg, '{}\n');
  const restored = keepingFiles([lock, pkg], () => writeFileSync(lock, '{\n  "rewritten": true\n}\n'));
  assert.equal(readFileSync(lock, 'utf8'), '{ "lockfileVersion": 3 }\n');
  assert.equal(readFileSync(pkg, 'utf8'), '{}\n');
  assert.equal(restored.length, 1);
  assert.match(restored[0], /package-lock\.json$/);
  assert.deepEqual(keepingFiles([lock, pkg], () => {}), [], 'nothing changed, nothing written');
});
