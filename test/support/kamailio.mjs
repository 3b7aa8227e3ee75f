#!/usr/bin/env node
// Local Kamailio (SIP over WebSocket registrar + proxy) for tests and `npm start`.
//
//   import { startKamailio } from './test/support/kamailio.mjs';
//   const pbx = await startKamailio({ port: 0, logFile: 'test-results/kamailio.log' });
//   // pbx.wsUrl -> 'ws://127.0.0.1:PORT', pbx.domain -> 'pbx.test'
//   await pbx.stop();
//
// CLI:  node test/support/kamailio.mjs [--port 5066] [--users demo/users.json]
//                                      [--log FILE] [--debug 1|2|3]
//
// Node builtins only. Kamailio listens on 127.0.0.1 only; run it inside a
// network namespace with only `lo` (scripts/in-netns.sh) in CI.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const CFG_TEMPLATE = path.join(HERE, 'kamailio', 'kamailio.cfg');
const DEFAULT_USERS = path.join(REPO_ROOT, 'demo', 'users.json');
const KAMAILIO_BIN = process.env.KAMAILIO_BIN || '/usr/sbin/kamailio';
const SETPRIV_BIN = '/usr/bin/setpriv';

const START_TIMEOUT_MS = 10_000;
const STOP_TERM_TIMEOUT_MS = 5_000;
const STOP_KILL_TIMEOUT_MS = 3_000;

// Unref'd: a race against a process's exit must not keep Node alive after the exit won.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms).unref());

/** Kamailio module dir: $KAMAILIO_MPATH or the first known dir holding websocket.so. */
function findModulePath() {
  const candidates = [];
  if (process.env.KAMAILIO_MPATH) candidates.push(process.env.KAMAILIO_MPATH);
  const multiarch =
    { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', arm: 'arm-linux-gnueabihf' }[process.arch];
  if (multiarch) candidates.push(`/usr/lib/${multiarch}/kamailio/modules`);
  try {
    for (const d of fs.readdirSync('/usr/lib')) candidates.push(`/usr/lib/${d}/kamailio/modules`);
  } catch {}
  candidates.push('/usr/lib64/kamailio/modules', '/usr/lib/kamailio/modules',
    '/usr/local/lib64/kamailio/modules', '/usr/local/lib/kamailio/modules');
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'websocket.so'))) return c.endsWith('/') ? c : `${c}/`;
  }
  throw new Error(
    'Kamailio modules (websocket.so) not found; install kamailio + kamailio-websocket-modules ' +
      '(node scripts/setup.mjs) or set KAMAILIO_MPATH');
}

/** A free TCP port on 127.0.0.1 (small race until Kamailio binds it; start retries). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const md5 = (s) => createHash('md5').update(s).digest('hex');
// db_text field escaping
const dbt = (v) => String(v ?? '').replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/\n/g, '\\n');

async function writeDbText(dbDir, domain, users) {
  await fsp.mkdir(dbDir, { recursive: true });
  // Table versions expected by Kamailio 5.6 (see /usr/share/kamailio/dbtext/kamailio/version).
  await fsp.writeFile(path.join(dbDir, 'version'),
    'id(int,auto) table_name(string) table_version(int)\n' +
      '1:version:1\n2:subscriber:7\n3:location:9\n4:location_attrs:1\n');
  const rows = users.map((u, i) => {
    const ha1 = md5(`${u.user}:${domain}:${u.password}`);
    const ha1b = md5(`${u.user}@${domain}:${domain}:${u.password}`);
    return [i + 1, u.user, domain, u.password, ha1, ha1b].map(dbt).join(':');
  });
  await fsp.writeFile(path.join(dbDir, 'subscriber'),
    'id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null)\n' +
      rows.join('\n') + '\n');
  // usrloc runs with db_mode=0 (memory only); an empty location table keeps
  // `kamctl`-style tooling and a later db_mode switch happy.
  await fsp.writeFile(path.join(dbDir, 'location'),
    'id(int,auto) ruid(string) username(string) domain(string,null) contact(string) ' +
      'received(string,null) path(string,null) expires(int) q(double) callid(string) cseq(int) ' +
      'last_modified(int) flags(int) cflags(int) user_agent(string) socket(string,null) ' +
      'methods(int,null) instance(string,null) reg_id(int) server_id(int) connection_id(int) ' +
      'keepalive(int) partition(int)\n');
}

/** PIDs whose process group is `pgid` (Linux /proc scan; does not match by name). */
export function processGroupPids(pgid) {
  const out = [];
  let entries = [];
  try { entries = fs.readdirSync('/proc'); } catch { return out; }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...  -- comm may contain spaces/parens
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = rest[0];
      if (Number(rest[2]) === pgid && state !== 'Z') out.push(Number(e));
    } catch {}
  }
  return out;
}

function isAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch { return false; }
}

/** Socket inodes of TCP listeners on 127.0.0.1:port (from /proc/net/tcp). */
function listenInodes(port) {
  const want = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set();
  try {
    for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1] === want && f[3] === '0A') inodes.add(f[9]);
    }
  } catch {}
  return inodes;
}

/** True if a process in Kamailio's process group owns the listener on port. */
function listenerOwnedBy(port, pgid) {
  const inodes = listenInodes(port);
  if (inodes.size === 0) return false;
  for (const pid of processGroupPids(pgid)) {
    let fds = [];
    try { fds = fs.readdirSync(`/proc/${pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return true;
      } catch {}
    }
  }
  return false;
}

/** Rejects if 127.0.0.1:port cannot be bound (already in use). */
function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (e) => reject(new Error(`127.0.0.1:${port} is not available (${e.code}); is another PBX running?`)));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve()));
  });
}

function tail(file, maxLines = 40) {
  try {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return lines.slice(-maxLines).join('\n');
  } catch { return '(no log)'; }
}

/** Resolves true once a WebSocket handshake (subprotocol sip) gets "101". */
function probeWebSocket(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    let buf = '';
    let done = false;
    const sock = net.connect({ host: '127.0.0.1', port });
    const finish = (ok) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (ok) {
        // masked close frame, no payload, then FIN
        try { sock.end(Buffer.from([0x88, 0x80, 1, 2, 3, 4])); } catch {}
        setTimeout(() => sock.destroy(), 200).unref();
      } else {
        sock.destroy();
      }
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('error', () => finish(false));
    sock.on('close', () => finish(false));
    sock.on('connect', () => {
      const key = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256))).toString('base64');
      sock.write(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n`);
    });
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) finish(/^HTTP\/1\.1 101/.test(buf));
    });
  });
}

async function launch({ port, runDir, cfgText, domain, users, logFile, debug }) {
  const cfgPath = path.join(runDir, 'kamailio.cfg');
  const cfg = cfgText
    .replaceAll('@@PORT@@', String(port))
    .replaceAll('@@DOMAIN@@', domain)
    .replaceAll('@@RUNDIR@@', runDir)
    .replaceAll('@@MPATH@@', findModulePath())
    .replaceAll('@@DEBUG@@', String(debug));
  await fsp.writeFile(cfgPath, cfg);
  await writeDbText(path.join(runDir, 'db'), domain, users);

  const logFd = fs.openSync(logFile, 'a');
  const kamArgs = ['-DD', '-E', '-f', cfgPath, '-Y', runDir, '-w', runDir, '-m', '128', '-M', '16'];
  // setpriv --pdeathsig: Kamailio gets SIGTERM if this Node process dies
  // without calling stop() (e.g. SIGKILL), so no orphaned PBX is left behind.
  const usePdeath = fs.existsSync(SETPRIV_BIN);
  const cmd = usePdeath ? SETPRIV_BIN : KAMAILIO_BIN;
  const args = usePdeath ? ['--pdeathsig', 'TERM', '--', KAMAILIO_BIN, ...kamArgs] : kamArgs;
  let child;
  try {
    child = spawn(cmd, args, {
      cwd: runDir,
      detached: true, // own process group (pgid == pid) -> reliable group kill
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    fs.closeSync(logFd);
  }
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => resolve({ code: null, signal: null, err }));
  });
  let exitInfo = null;
  exited.then((e) => { exitInfo = e; });

  const deadline = Date.now() + START_TIMEOUT_MS;
  let ready = false;
  for (let i = 0; i < 200 && Date.now() < deadline; i++) {
    if (exitInfo) break;
    // Ready = our process group owns the listener AND the WS handshake works
    // (guards against answering a different server that holds the port).
    if (listenerOwnedBy(port, child.pid) &&
        (await probeWebSocket(port, Math.min(1000, Math.max(100, deadline - Date.now())))) &&
        !exitInfo) {
      ready = true;
      break;
    }
    await sleep(100);
  }
  return { child, exited, ready, exitInfo: () => exitInfo };
}

async function killGroup(pid, exited) {
  // 1) SIGTERM the main process: Kamailio then terminates all its children.
  try { process.kill(pid, 'SIGTERM'); } catch {}
  await Promise.race([exited, sleep(STOP_TERM_TIMEOUT_MS)]);
  // 2) Wait (bounded) for the rest of the process group, then SIGKILL it.
  for (let i = 0; i < 30 && processGroupPids(pid).length > 0; i++) await sleep(100);
  if (processGroupPids(pid).length > 0 || isAlive(pid)) {
    try { process.kill(-pid, 'SIGKILL'); } catch {}
    try { process.kill(pid, 'SIGKILL'); } catch {}
    const until = Date.now() + STOP_KILL_TIMEOUT_MS;
    for (let i = 0; i < 60 && Date.now() < until && processGroupPids(pid).length > 0; i++) await sleep(50);
  }
  await Promise.race([exited, sleep(500)]);
  return processGroupPids(pid);
}

/**
 * Start a private Kamailio instance.
 * @param {{port?: number, users?: string|object, logFile?: string, debug?: number}} [opts]
 *   port    - WebSocket port on 127.0.0.1; 0 (default) picks a free port
 *   users   - path to users.json (default demo/users.json) or the parsed
 *             object {domain, users: [{user, password, ...}]}
 *   logFile - Kamailio stderr log (appended); default <runDir>/kamailio.log
 *             (removed by stop())
 *   debug   - Kamailio log level (default 2 or $CC_KAMAILIO_DEBUG)
 * @returns {Promise<{wsUrl: string, domain: string, port: number, pid: number,
 *   runDir: string, logFile: string, users: Array<object>, stop: () => Promise<void>}>}
 */
export async function startKamailio({ port = 0, users = DEFAULT_USERS, logFile, debug } = {}) {
  if (!fs.existsSync(KAMAILIO_BIN)) {
    throw new Error(`${KAMAILIO_BIN} not found; run: node scripts/setup.mjs (installs kamailio)`);
  }
  // `users`: path to a users.json file, or the parsed object itself.
  const usersDoc = typeof users === 'object' && users !== null
    ? users
    : JSON.parse(await fsp.readFile(users, 'utf8'));
  const domain = usersDoc.domain || 'pbx.test';
  const userList = usersDoc.users || [];
  const cfgText = await fsp.readFile(CFG_TEMPLATE, 'utf8');
  const level = Number(debug ?? process.env.CC_KAMAILIO_DEBUG ?? 2);

  const runDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cc-kamailio-'));
  const log = logFile ? path.resolve(logFile) : path.join(runDir, 'kamailio.log');
  if (logFile) await fsp.mkdir(path.dirname(log), { recursive: true });

  const fixedPort = Number(port) > 0;
  let lastError;
  for (let attempt = 0; attempt < (fixedPort ? 1 : 3); attempt++) {
    const p = fixedPort ? Number(port) : await freePort();
    if (fixedPort) {
      try { await assertPortFree(p); } catch (e) {
        await fsp.rm(runDir, { recursive: true, force: true }).catch(() => {});
        throw e;
      }
    }
    const r = await launch({ port: p, runDir, cfgText, domain, users: userList, logFile: log, debug: level });
    const pid = r.child.pid;
    if (r.ready && pid) {
      return makeHandle({ pid, port: p, domain, runDir, logFile: log, exited: r.exited, users: userList });
    }
    const leftover = pid ? await killGroup(pid, r.exited) : [];
    const info = r.exitInfo();
    const why = info?.err ? info.err.message
      : info ? `exited early (code ${info.code}, signal ${info.signal})`
      : `did not accept WebSocket connections on 127.0.0.1:${p} within ${START_TIMEOUT_MS} ms`;
    lastError = new Error(`Kamailio ${why}${leftover.length ? `; leftover pids ${leftover}` : ''}\n` +
      `--- ${log} (tail) ---\n${tail(log)}`);
    const retryable = !fixedPort && /in use|bind/i.test(tail(log, 15));
    if (!retryable) break;
  }
  await fsp.rm(runDir, { recursive: true, force: true }).catch(() => {});
  throw lastError;
}

function makeHandle({ pid, port, domain, runDir, logFile, exited, users }) {
  let stopping = null;
  const onExit = () => {
    // Synchronous last resort when the Node process exits without stop().
    if (processGroupPids(pid).length > 0) {
      try { process.kill(-pid, 'SIGKILL'); } catch {}
    }
    try { fs.rmSync(runDir, { recursive: true, force: true }); } catch {}
  };
  process.on('exit', onExit);

  const stop = () => {
    if (!stopping) {
      stopping = (async () => {
        const leftover = await killGroup(pid, exited);
        process.off('exit', onExit);
        await fsp.rm(runDir, { recursive: true, force: true }).catch(() => {});
        if (leftover.length) throw new Error(`Kamailio processes survived stop(): ${leftover.join(', ')}`);
      })();
    }
    return stopping;
  };

  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    domain,
    port,
    pid,
    runDir,
    logFile, // default: <runDir>/kamailio.log (removed by stop())
    users,
    /** PIDs currently in Kamailio's process group (main + workers). */
    pids: () => processGroupPids(pid),
    /** Resolves with {code, signal} when the Kamailio main process exits. */
    exited,
    stop,
  };
}

// ---------------------------------------------------------------- CLI
function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [k, inline] = a.startsWith('--') ? a.slice(2).split(/=(.*)/s) : [a];
    const val = () => (inline !== undefined ? inline : argv[++i]);
    if (k === 'port') o.port = Number(val());
    else if (k === 'users') o.users = path.resolve(val());
    else if (k === 'log') o.logFile = path.resolve(val());
    else if (k === 'debug') o.debug = Number(val());
    else if (k === 'help' || k === 'h' || a === '-h') o.help = true;
    else throw new Error(`unknown argument: ${a}`);
  }
  return o;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (opts.help) {
    console.log('usage: node test/support/kamailio.mjs [--port 5066] [--users demo/users.json] [--log FILE] [--debug 2]');
    return;
  }
  const pbx = await startKamailio(opts);
  console.log(`SIP WebSocket: ${pbx.wsUrl} (domain ${pbx.domain})`);
  console.log(`Kamailio pid ${pbx.pid}, run dir ${pbx.runDir}, log ${pbx.logFile}`);
  let closing = false;
  const shutdown = async (sig) => {
    if (closing) return;
    closing = true;
    console.log(`${sig}: stopping Kamailio (pid ${pbx.pid})`);
    try {
      await pbx.stop();
      process.exit(0);
    } catch (e) {
      console.error(e.message);
      process.exit(1);
    }
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => shutdown(sig));
  pbx.exited.then(({ code, signal }) => {
    if (closing) return;
    console.error(`Kamailio exited unexpectedly (code ${code}, signal ${signal})`);
    pbx.stop().catch(() => {}).finally(() => process.exit(1));
  });
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch { return false; }
})();
if (invokedDirectly) {
  main().catch((e) => {
    console.error(process.env.DEBUG ? e.stack : e.message);
    process.exit(1);
  });
}
