#!/usr/bin/env node
// Idempotent machine setup, run before `npm test` / `npm start` (pretest/prestart).
//
//   node scripts/setup.mjs [--no-apt] [--only-apt] [--cjk-fonts]
//   (--cjk-fonts: also fonts-wqy-zenhei, so screenshots of lang="zh-CN" show Chinese, not boxes)
//
//   1. npm dependencies: runs `npm ci` when node_modules/.package-lock.json is
//      missing, when the packages package-lock.json lists changed since the last
//      install here (their hash is kept in node_modules/.cc-setup.json; without it,
//      when the lock file is newer than node_modules), or when package.json's dependency
//      fields differ from the lock file's copy of them. `npm ci` installs
//      exactly what package-lock.json says and fails when it is out of sync with
//      package.json, as every downstream CI does: the fix is to commit a lock file
//      written by `npm install`, never to install around it here.
//      Setup never changes a tracked file: it never runs `npm install` (which rewrites
//      package-lock.json as soon as a field npm copies into it, such as `engines`, differs
//      from package.json; it only says so), and should an npm version ever write
//      package.json or package-lock.json during `npm ci`, their committed bytes are put back.
//   2. Debian packages chromium, kamailio, kamailio-websocket-modules, and for deploy/'s test
//      kamailio-tls-modules, kamailio-sqlite-modules, rtpengine-daemon, sip-tester, sqlite3,
//      openssl, iptables, coturn: installed with apt-get when missing (root only; otherwise prints the
//      missing packages and exits 1).
//
// Node builtins only. The decisions are exported for test/scripts/setup.test.mjs.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APT_PACKAGES = [
  'chromium', 'kamailio', 'kamailio-websocket-modules',
  // The production topology of deploy/ (test/e2e-pstn): Kamailio's TLS (WSS) and SQLite modules,
  // rtpengine, sipp (a classic SIP caller), and the tools that make its database and certificate.
  'kamailio-tls-modules', 'kamailio-sqlite-modules', 'rtpengine-daemon', 'sip-tester', 'sqlite3', 'openssl',
  // iptables-legacy: test/e2e/recovery.test.ts takes the media path (UDP on lo) away and back.
  'iptables',
  // coturn: a real TURN server on loopback for checkNetwork()'s relay (test/e2e/network-check.test.ts).
  'coturn',
];

const log = (msg) => console.log(`[setup] ${msg}`);
const mtime = (p) => {
  try { return fs.statSync(p).mtimeMs; } catch { return null; }
};

function run(cmd, args, { env } = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) return { ok: false, why: r.error.message };
  return { ok: r.status === 0, why: r.signal ? `killed by ${r.signal}` : `exit code ${r.status}` };
}

const readJson = (p) => {
  try { return JSON.parse(fs.readFileSync(p, 'utf8')); } catch { return null; }
};

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
// What npm copies from package.json into package-lock.json's root entry (@npmcli/arborist's
// Shrinkwrap.metaFromNode: pkgMetaKeys, plus name and devDependencies for the root). When one of
// them differs, the next `npm install` rewrites the lock file.
const LOCK_ROOT_FIELDS = [
  'name', 'version', 'license', 'engines', 'os', 'cpu', 'bin', 'funding', 'workspaces',
  'peerDependenciesMeta', 'bundleDependencies', 'acceptDependencies', 'deprecated', ...DEPENDENCY_FIELDS,
];

/** JSON with object keys sorted, so two copies of a field compare equal whatever their key order. */
const canonical = (value) =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v);

/** package.json's value of `field` as npm writes it into the lock's root entry (empty = absent). */
function lockValueOf(manifest, field) {
  const value = manifest?.[field];
  if (field === 'license' && value && typeof value === 'object' && value.type) return value.type;
  if (!value || (typeof value === 'object' && Object.keys(value).length === 0)) return undefined;
  return value;
}

/** The fields whose package.json value differs from package-lock.json's root entry. */
export function lockRootDrift(manifest, lock) {
  const root = lock?.packages?.[''] ?? {};
  return LOCK_ROOT_FIELDS.filter((f) => canonical(lockValueOf(manifest, f)) !== canonical(lockValueOf(root, f)));
}

/**
 * A hash of what package-lock.json installs: every package entry, and the root's dependency
 * fields (not its version or engines, whose edits install nothing).
 */
export function lockDependencyHash(lock) {
  const { '': root = {}, ...packages } = lock?.packages ?? {};
  const rootDependencies = Object.fromEntries(DEPENDENCY_FIELDS.map((f) => [f, lockValueOf(root, f) ?? null]));
  return createHash('sha256').update(canonical({ rootDependencies, packages })).digest('hex');
}

/**
 * Whether node_modules must be (re)installed with `npm ci`, and why. `markerTime` / `lockTime`
 * are the mtimes (ms, null = missing) of node_modules/.package-lock.json and package-lock.json;
 * `installedHash` is the lockDependencyHash the last `npm ci` here installed (null = unknown, as
 * before setup recorded it: then a lock newer than node_modules counts as changed).
 * `staleLockFields`: fields only the lock file's root entry is behind on (no install needed, but
 * the next `npm install` would rewrite the lock: commit one written by `npm install`).
 */
export function npmDecision({ markerTime, lockTime, manifest, lock, installedHash = null }) {
  const drift = lockRootDrift(manifest, lock);
  const dependencyDrift = drift.filter((f) => DEPENDENCY_FIELDS.includes(f));
  const staleLockFields = drift.filter((f) => !DEPENDENCY_FIELDS.includes(f));
  // An edit of package.json's scripts or exports, or of the lock's engines, must not reinstall
  // node_modules under whoever is using it: only changed dependencies do.
  const lockChanged = installedHash !== null ? installedHash !== lockDependencyHash(lock) : markerTime !== null && markerTime < (lockTime ?? 0);
  const reason =
    markerTime === null
      ? 'node_modules/.package-lock.json missing'
      : lockChanged
        ? 'package-lock.json changed'
        : dependencyDrift.length > 0
          ? `package.json ${dependencyDrift.join(', ')} differ from package-lock.json`
          : null;
  return { install: reason !== null, reason, staleLockFields };
}

/**
 * Runs `action`, then puts back any of `files` whose bytes it changed (a start or a test run
 * must leave tracked files as committed); returns the relative paths that had to be restored.
 */
export function keepingFiles(files, action) {
  const before = files.map((f) => [f, fs.existsSync(f) ? fs.readFileSync(f) : null]);
  action();
  const restored = [];
  for (const [f, bytes] of before) {
    const now = fs.existsSync(f) ? fs.readFileSync(f) : null;
    if (bytes === null || (now !== null && now.equals(bytes))) continue;
    fs.writeFileSync(f, bytes);
    restored.push(path.relative(ROOT, f));
  }
  return restored;
}

function npmStep() {
  const pkg = path.join(ROOT, 'package.json');
  const lock = path.join(ROOT, 'package-lock.json');
  // What the last `npm ci` installed (node_modules is not tracked).
  const installed = path.join(ROOT, 'node_modules', '.cc-setup.json');
  const lockJson = readJson(lock);
  const installedHash = readJson(installed)?.lockDependencyHash ?? null;
  const decision = npmDecision({
    markerTime: mtime(path.join(ROOT, 'node_modules', '.package-lock.json')),
    lockTime: mtime(lock),
    manifest: readJson(pkg),
    lock: lockJson,
    installedHash,
  });
  const lockHash = lockDependencyHash(lockJson);
  const remember = () => fs.writeFileSync(installed, `${JSON.stringify({ lockDependencyHash: lockHash })}\n`);
  if (decision.staleLockFields.length > 0) {
    console.warn(`[setup] warning: package-lock.json's root entry is behind package.json (${decision.staleLockFields.join(', ')}); ` +
      'the next `npm install` would rewrite it. Run `npm install --package-lock-only` and commit package-lock.json.');
  }
  if (!decision.install) {
    // Every start and test run passes here: write the record only when it is missing.
    if (installedHash !== lockHash) remember();
    log('npm: node_modules is up to date (skipped)');
    return;
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  log(`npm: ${decision.reason} -> npm ci`);
  let r;
  const restored = keepingFiles([pkg, lock], () => {
    r = run(npm, ['ci', '--no-audit', '--no-fund']);
  });
  if (restored.length > 0) log(`npm: ${restored.join(', ')} changed by npm ci; committed bytes put back`);
  if (!r.ok) {
    console.error(`[setup] npm ci failed (${r.why}). If it says package.json and package-lock.json are not in sync, ` +
      'run `npm install` and commit the package-lock.json it writes.');
    process.exit(1);
  }
  remember();
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

function main(argv) {
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
  if (argv.includes('--cjk-fonts')) APT_PACKAGES.push('fonts-wqy-zenhei');
  if (!argv.includes('--only-apt')) npmStep();
  else log('npm: skipped (--only-apt)');
  if (!argv.includes('--no-apt')) aptStep();
  else log('apt: skipped (--no-apt)');
}

// Imported by the tests for its decisions; run as a script by npm.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main(process.argv.slice(2));
