#!/usr/bin/env node
// Idempotent machine setup, run before `npm test` / `npm start` (pretest/prestart).
//
//   node scripts/setup.mjs [--no-apt] [--only-apt] [--cjk-fonts]
//   (--cjk-fonts: also fonts-wqy-zenhei, so screenshots of lang="zh-CN" show Chinese, not boxes)
//
//   1. npm dependencies: runs `npm ci` when node_modules/.package-lock.json is
//      missing or older than package-lock.json, or when package.json's dependency
//      fields differ from the lock file's copy of them. `npm ci` installs
//      exactly what package-lock.json says and fails when it is out of sync with
//      package.json, as every downstream CI does: the fix is to commit a lock file
//      written by `npm install`, never to install around it here.
//   2. Debian packages chromium, kamailio, kamailio-websocket-modules:
//      installed with apt-get when missing (root only; otherwise prints the
//      missing packages and exits 1).
//
// Node builtins only.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APT_PACKAGES = ['chromium', 'kamailio', 'kamailio-websocket-modules'];
if (process.argv.includes('--cjk-fonts')) APT_PACKAGES.push('fonts-wqy-zenhei');

const argv = process.argv.slice(2);
for (const a of argv) {
  if (!['--no-apt', '--only-apt', '--cjk-fonts', '--help', '-h'].includes(a)) {
    console.error(`[setup] unknown argument: ${a} (use --no-apt, --only-apt or --cjk-fonts)`);
    process.exit(2);
  }
}
if (argv.includes('--help') || argv.includes('-h')) {
  console.log('usage: node scripts/setup.mjs [--no-apt] [--only-apt] [--cjk-fonts]');
  process.exit(0);
}
const doNpm = !argv.includes('--only-apt');
const doApt = !argv.includes('--no-apt');

const log = (msg) => console.log(`[setup] ${msg}`);
const mtime = (p) => {
  try { return fs.statSync(p).mtimeMs; } catch { return null; }
};

function run(cmd, args, { env } = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) return { ok: false, why: r.error.message };
  return { ok: r.status === 0, why: r.signal ? `killed by ${r.signal}` : `exit code ${r.status}` };
}

/** The dependency fields of package.json, as package-lock.json's root entry copies them. */
const dependenciesOf = (manifest) =>
  JSON.stringify(['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].map((k) => manifest?.[k] ?? {}));
const readJson = (p) => {
  try { return JSON.parse(fs.readFileSync(p, 'utf8')); } catch { return null; }
};

function npmStep() {
  const pkg = path.join(ROOT, 'package.json');
  const lock = path.join(ROOT, 'package-lock.json');
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const markerTime = mtime(marker);
  // An edit of package.json's scripts or exports must not reinstall node_modules under whoever is
  // using it: only a newer lock file or changed dependency fields do.
  const sameDependencies = dependenciesOf(readJson(pkg)) === dependenciesOf(readJson(lock)?.packages?.['']);
  if (markerTime !== null && markerTime >= (mtime(lock) ?? 0) && sameDependencies) {
    log('npm: node_modules is up to date (skipped)');
    return;
  }
  const reason =
    markerTime === null
      ? 'node_modules/.package-lock.json missing'
      : sameDependencies
        ? 'package-lock.json changed'
        : 'package.json dependencies differ from package-lock.json';
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  log(`npm: ${reason} -> npm ci`);
  const r = run(npm, ['ci', '--no-audit', '--no-fund']);
  if (!r.ok) {
    console.error(`[setup] npm ci failed (${r.why}). If it says package.json and package-lock.json are not in sync, ` +
      'run `npm install` and commit the package-lock.json it writes.');
    process.exit(1);
  }
  log('npm: dependencies installed');
}

function isInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  if (r.error) return null; // no dpkg-query (not Debian)
  return r.status === 0 && /\binstall ok installed\b/.test(r.stdout);
}

function aptStep() {
  const state = APT_PACKAGES.map((p) => [p, isInstalled(p)]);
  if (state.some(([, s]) => s === null)) {
    // Not a Debian system: only check that the binaries exist.
    const haveKam = fs.existsSync('/usr/sbin/kamailio');
    const haveChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
      .some((p) => fs.existsSync(p)) || !!process.env.CHROME_PATH;
    if (haveKam && haveChromium) {
      log('apt: dpkg-query not available; kamailio and chromium found (skipped)');
      return;
    }
    console.error('[setup] apt: this is not a Debian system (no dpkg-query). Install manually: ' +
      APT_PACKAGES.join(' ') + ' (or the equivalents providing /usr/sbin/kamailio with the ' +
      'websocket module and a Chromium binary; set CHROME_PATH).');
    process.exit(1);
  }
  const missing = state.filter(([, s]) => !s).map(([p]) => p);
  if (missing.length === 0) {
    log(`apt: ${APT_PACKAGES.join(', ')} already installed (skipped)`);
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`[setup] apt: missing Debian packages: ${missing.join(' ')}\n` +
      `[setup] run as root:  apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}\n` +
      '[setup] (or re-run `node scripts/setup.mjs` as root; `--no-apt` skips this check)');
    process.exit(1);
  }
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  log('apt: apt-get update');
  let r = run('apt-get', ['update', '-q'], { env });
  if (!r.ok) {
    console.error(`[setup] apt-get update failed (${r.why})`);
    process.exit(1);
  }
  log(`apt: apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  r = run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
  if (!r.ok) {
    console.error(`[setup] apt-get install failed (${r.why})`);
    process.exit(1);
  }
  const still = missing.filter((p) => !isInstalled(p));
  if (still.length) {
    console.error(`[setup] apt: still not installed: ${still.join(' ')}`);
    process.exit(1);
  }
  log(`apt: installed ${missing.join(', ')}`);
}

if (doNpm) npmStep();
else log('npm: skipped (--only-apt)');
if (doApt) aptStep();
else log('apt: skipped (--no-apt)');
