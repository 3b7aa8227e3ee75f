// The production topology on 127.0.0.1, for test/e2e-pstn: Kamailio running deploy/kamailio/
// kamailio.cfg (WSS with a throwaway certificate, digest auth and usrloc in SQLite made with
// deploy/bin/cc-kamdb, rtpengine, the gateway trusted by address), rtpengine in userspace, and a
// classic SIP caller: sipp (Debian's sip-tester) for the signalling, with RTP/AVP PCMA and
// telephone-event whose media address is a Node UDP socket (CcGatewayMedia), so the test can
// send a tone to the widget and count and decode what the widget sends back.
//
//   const pstn = await startPstn({ users: 'demo/users.json', tls: await createCertificate(dir) });
//   pstn.wssUrl; await pstn.startSipp('caller-hangs-up.xml', { callee: '1001' }); await pstn.callerResult(); await pstn.stop();
//
// Every process is started by this module in its own process group and stopped by its PID;
// the run directory (config copy, database, logs, sipp traces) is removed by stop().

import { spawn, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { processGroupPids } from './kamailio.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const KAMAILIO_CFG = path.join(ROOT, 'deploy', 'kamailio', 'kamailio.cfg');
const CC_KAMDB = path.join(ROOT, 'deploy', 'bin', 'cc-kamdb');
const SIPP_DIR = path.join(HERE, 'sipp');
const BIN = { kamailio: '/usr/sbin/kamailio', rtpengine: '/usr/bin/rtpengine', sipp: '/usr/bin/sipp', openssl: '/usr/bin/openssl' };
const SETPRIV = '/usr/bin/setpriv';
const START_TIMEOUT_MS = 10_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms).unref());

/** A port on 127.0.0.1 that is free now (UDP and TCP both, for Kamailio's SIP port). */
async function freePort(kind = 'both') {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const s = net.createServer();
      s.unref();
      s.on('error', reject);
      s.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    if (kind === 'tcp') return port;
    const udpFree = await new Promise((resolve) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port on 127.0.0.1');
}

/**
 * A self-signed certificate for 127.0.0.1 / pbx.test, made with openssl into `dir`. `spki` is
 * the base64 SHA-256 of its public key, for Chromium's --ignore-certificate-errors-spki-list
 * (which trusts exactly this key, not every certificate).
 */
export function createCertificate(dir, domain = 'pbx.test') {
  fs.mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = spawnSync(BIN.openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '2', '-subj', `/CN=${domain}`, '-addext', `subjectAltName=DNS:${domain},DNS:localhost,IP:127.0.0.1`,
    '-keyout', key, '-out', cert], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr || r.error?.message}`);
  const der = new X509Certificate(fs.readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' });
  return { cert, key, spki: createHash('sha256').update(der).digest('base64') };
}

/** Starts `cmd` in its own process group (Linux: SIGTERM when this Node process dies). */
function launch(cmd, args, { cwd, log }) {
  const fd = fs.openSync(log, 'a');
  const usePdeath = fs.existsSync(SETPRIV);
  let child;
  try {
    child = spawn(usePdeath ? SETPRIV : cmd, usePdeath ? ['--pdeathsig', 'TERM', '--', cmd, ...args] : args, {
      cwd, detached: true, stdio: ['ignore', fd, fd],
    });
  } finally {
    fs.closeSync(fd);
  }
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => resolve({ code: null, signal: null, err }));
  });
  let exit = null;
  exited.then((e) => { exit = e; });
  return { pid: child.pid, exited, exit: () => exit };
}

/** SIGTERM, then SIGKILL after a bound, for the whole process group of `pid`. */
async function stopGroup(proc, termMs = 4000) {
  if (!proc?.pid) return [];
  try { process.kill(proc.pid, 'SIGTERM'); } catch {}
  await Promise.race([proc.exited, sleep(termMs)]);
  for (let i = 0; i < 20 && processGroupPids(proc.pid).length > 0; i++) await sleep(100);
  if (processGroupPids(proc.pid).length > 0) {
    try { process.kill(-proc.pid, 'SIGKILL'); } catch {}
    for (let i = 0; i < 40 && processGroupPids(proc.pid).length > 0; i++) await sleep(50);
  }
  return processGroupPids(proc.pid);
}

function tail(file, lines = 30) {
  try { return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
}

/** Resolves true when a TLS connection to the port upgrades to a `sip` WebSocket. */
function probeWss(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    let buf = '';
    const sock = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' });
    const finish = (ok) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('error', () => finish(false));
    sock.on('secureConnect', () => {
      sock.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${Buffer.from('cc-workbench-pstn').toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n`);
    });
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) finish(/^HTTP\/1\.1 101/.test(buf));
    });
  });
}

/** Resolves true when rtpengine answers an ng `ping` on its control port. */
function probeNg(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => { s.close(); resolve(false); }, timeoutMs);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(/pong/.test(m.toString()));
    });
    s.on('error', () => { clearTimeout(timer); s.close(); resolve(false); });
    s.send('cc1 d7:command4:pinge', port, '127.0.0.1');
  });
}

// ---------------------------------------------------------------- the gateway's media

/** G.711 A-law encoding of one 16-bit linear sample (ITU-T G.191 reference). */
function linearToAlaw(sample) {
  let pcm = sample >> 3;
  let mask;
  if (pcm >= 0) mask = 0xd5;
  else { mask = 0x55; pcm = -pcm - 1; }
  const seg = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff].findIndex((end) => pcm <= end);
  if (seg < 0) return 0x7f ^ mask;
  const aval = (seg << 4) | (seg < 2 ? (pcm >> 1) & 0xf : (pcm >> seg) & 0xf);
  return aval ^ mask;
}

function alawToLinear(a) {
  a ^= 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else { t += 0x108; t <<= seg - 1; }
  return a & 0x80 ? t : -t;
}

/** RFC 4733 event codes 0-15. */
const DTMF_EVENTS = '0123456789*#ABCD';

/**
 * The classic side's media, as a PSTN gateway does it: symmetric RTP on one socket (it answers
 * to the address the other side's packets come from, so it needs no knowledge of rtpengine's
 * ports), 20 ms PCMA frames of a 400 Hz tone, silence while the call is held (sipp tells it by
 * appending `hold` / `resume` to the run directory's `events` file when the re-INVITEs arrive).
 */
export class CcGatewayMedia {
  constructor() {
    this.socket = dgram.createSocket('udp4');
    this.port = 0;
    this.remote = null;
    this.held = false;
    this.timer = null;
    this.seq = 1;
    this.ts = 0;
    this.ssrc = 0x0cc0ffee;
    this.phase = 0;
    this.reset();
    this.socket.on('message', (msg, rinfo) => this.receive(msg, rinfo));
  }

  async start() {
    await new Promise((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
    // 20 ms frames; setInterval drifts a little, which RTP receivers absorb (jitter buffer).
    this.timer = setInterval(() => this.sendFrame(), 20);
    this.timer.unref();
  }

  /** Forget what was seen (a new call). */
  reset() {
    this.remote = null;
    this.held = false;
    this.stats = { received: 0, audible: 0, byPayloadType: {}, sent: 0, sources: [], events: [], dtmf: '' };
    this.lastEventTs = null;
  }

  setHeld(held) {
    this.held = held;
    this.stats.events.push(held ? 'hold' : 'resume');
  }

  sendFrame() {
    if (!this.remote || this.held) return;
    const payload = Buffer.alloc(160);
    for (let i = 0; i < 160; i++) {
      payload[i] = linearToAlaw(Math.round(8000 * Math.sin(this.phase)));
      this.phase += (2 * Math.PI * 400) / 8000;
    }
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = 8;
    header.writeUInt16BE(this.seq++ & 0xffff, 2);
    header.writeUInt32BE(this.ts >>> 0, 4);
    header.writeUInt32BE(this.ssrc, 8);
    this.ts += 160;
    this.socket.send(Buffer.concat([header, payload]), this.remote.port, this.remote.address);
    this.stats.sent++;
  }

  receive(msg, rinfo) {
    if (msg.length < 12 || msg[0] >> 6 !== 2) return;
    const pt = msg[1] & 0x7f;
    if (pt >= 72 && pt <= 76) return; // RTCP sent to the RTP port
    const key = `${rinfo.address}:${rinfo.port}`;
    if (!this.stats.sources.includes(key)) this.stats.sources.push(key);
    this.remote = { address: rinfo.address, port: rinfo.port };
    this.stats.received++;
    this.stats.byPayloadType[pt] = (this.stats.byPayloadType[pt] ?? 0) + 1;
    const cc = msg[0] & 0x0f;
    const payload = msg.subarray(12 + 4 * cc);
    if (pt === 8) {
      let energy = 0;
      for (const b of payload) energy += alawToLinear(b) ** 2;
      if (payload.length > 0 && Math.sqrt(energy / payload.length) > 300) this.stats.audible++;
    } else if (pt >= 96 && payload.length === 4) {
      // RFC 4733 telephone-event (dynamic payload type: 101 in sipp's offers, Chrome's own 126
      // when the widget offers): one digit is several 4-byte packets with the same timestamp,
      // the last ones with the E bit set.
      const ended = (payload[1] & 0x80) !== 0;
      const ts = msg.readUInt32BE(4);
      if (ended && ts !== this.lastEventTs) {
        this.lastEventTs = ts;
        this.stats.dtmf += DTMF_EVENTS[payload[0]] ?? '?';
      }
    }
  }

  snapshot() {
    return { ...this.stats, byPayloadType: { ...this.stats.byPayloadType }, sources: [...this.stats.sources], events: [...this.stats.events], held: this.held };
  }

  close() {
    clearInterval(this.timer);
    this.socket.close();
  }
}

// ---------------------------------------------------------------- the topology

/**
 * Starts rtpengine and Kamailio (deploy/kamailio/kamailio.cfg, unchanged, with a
 * kamailio-local.cfg of loopback values next to it) with the accounts of `users`.
 * @param {{ users?: string, tls: { cert: string, key: string }, debug?: number }} opts
 */
export async function startPstn({ users = path.join(ROOT, 'demo', 'users.json'), tls: certs, debug = 2 }) {
  for (const [name, bin] of Object.entries(BIN)) {
    if (!fs.existsSync(bin)) throw new Error(`${bin} (${name}) not found: run node scripts/setup.mjs as root`);
  }
  const usersDoc = JSON.parse(await fsp.readFile(users, 'utf8'));
  const domain = usersDoc.domain;
  const runDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cc-pstn-'));
  const procs = {};
  const cleanup = async () => {
    const left = [];
    for (const p of [procs.sipp, procs.kamailio, procs.rtpengine]) left.push(...(await stopGroup(p)));
    await fsp.rm(runDir, { recursive: true, force: true }).catch(() => {});
    return left;
  };
  const onExit = () => {
    for (const p of Object.values(procs)) {
      if (p?.pid && processGroupPids(p.pid).length > 0) try { process.kill(-p.pid, 'SIGKILL'); } catch {}
    }
    try { fs.rmSync(runDir, { recursive: true, force: true }); } catch {}
  };
  process.on('exit', onExit);
  try {
    // The database, made the way an operator makes it (deploy/bin/cc-kamdb).
    const db = path.join(runDir, 'kamailio.sqlite');
    const kamdb = (args, input) => {
      const r = spawnSync(CC_KAMDB, ['-d', db, ...args], { input, encoding: 'utf8', timeout: 10_000 });
      if (r.status !== 0) throw new Error(`cc-kamdb ${args.join(' ')}: ${r.stderr || r.error?.message}`);
    };
    kamdb(['init']);
    for (const u of usersDoc.users) kamdb(['add-agent', u.user, domain], `${u.password}\n`);
    const sippPort = await freePort();
    kamdb(['add-gateway', '127.0.0.1', String(sippPort)]);

    const ngPort = await freePort();
    const rtpLog = path.join(runDir, 'rtpengine.log');
    // Userspace only (--table=-1: no kernel module); no config file (Debian's would be read).
    procs.rtpengine = launch(BIN.rtpengine, ['--config-file=none', '--foreground', '--table=-1', '--interface=127.0.0.1',
      `--listen-ng=127.0.0.1:${ngPort}`, '--port-min=40000', '--port-max=40999', '--log-stderr', '--log-level=5',
      `--pidfile=${path.join(runDir, 'rtpengine.pid')}`, '--delete-delay=0', '--timeout=60'], { cwd: runDir, log: rtpLog });
    for (let i = 0; i < 50 && !(await probeNg(ngPort)); i++) {
      if (procs.rtpengine.exit()) throw new Error(`rtpengine exited: ${tail(rtpLog)}`);
      await sleep(100);
    }
    if (!(await probeNg(ngPort))) throw new Error(`rtpengine does not answer on 127.0.0.1:${ngPort}\n${tail(rtpLog)}`);

    const sipPort = await freePort();
    const wssPort = await freePort('tcp');
    await fsp.copyFile(KAMAILIO_CFG, path.join(runDir, 'kamailio.cfg'));
    const local = {
      SIP_DOMAIN: domain, LISTEN_IP: '127.0.0.1', ADVERTISE_IP: '127.0.0.1', SIP_PORT: sipPort, WSS_PORT: wssPort,
      TLS_CERT: certs.cert, TLS_KEY: certs.key, DB_URL: `sqlite:///${db}`, RTPENGINE_SOCK: `udp:127.0.0.1:${ngPort}`,
      PSTN_GATEWAY: `sip:127.0.0.1:${sippPort}`, CTL_SOCKET: `unix:${path.join(runDir, 'kamailio_ctl')}`,
    };
    await fsp.writeFile(path.join(runDir, 'kamailio-local.cfg'),
      `${Object.entries(local).map(([k, v]) => `#!substdef "!${k}!${v}!g"`).join('\n')}\n#!define WORKERS 2\n#!define LOG_LEVEL ${debug}\n`);
    const kamLog = path.join(runDir, 'kamailio.log');
    procs.kamailio = launch(BIN.kamailio, ['-DD', '-E', '-f', path.join(runDir, 'kamailio.cfg'), '-Y', runDir, '-w', runDir, '-m', '64', '-M', '16'],
      { cwd: runDir, log: kamLog });
    const deadline = Date.now() + START_TIMEOUT_MS;
    let ready = false;
    while (!ready && Date.now() < deadline && !procs.kamailio.exit()) {
      ready = await probeWss(wssPort);
      if (!ready) await sleep(100);
    }
    if (!ready) throw new Error(`Kamailio did not accept WSS on 127.0.0.1:${wssPort}\n${tail(kamLog)}`);

    const media = new CcGatewayMedia();
    await media.start();
    let sippRun = 0;
    let caller = null;

    /** Follows the run directory's `events` file that sipp's <exec> appends to. */
    const eventsFile = path.join(runDir, 'events');
    let eventsSeen = 0;
    const eventsTimer = setInterval(() => {
      let lines = [];
      try { lines = fs.readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean); } catch { return; }
      for (const line of lines.slice(eventsSeen)) {
        if (line === 'hold') media.setHeld(true);
        if (line === 'resume') media.setHeld(false);
      }
      eventsSeen = lines.length;
    }, 10);
    eventsTimer.unref();

    return {
      domain,
      wssUrl: `wss://127.0.0.1:${wssPort}`,
      sipPort,
      runDir,
      kamailioLog: kamLog,
      pids: () => Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, p?.pid])),
      media,
      /**
       * Runs one sipp call (a scenario of test/support/sipp/) on the gateway's address: a caller
       * to `callee` (caller-*.xml), or the gateway answering a call (gateway-*.xml);
       * `durationMs` is sipp's -d (its <pause/>). Resolves once sipp runs.
       */
      async startSipp(scenario, { callee = 'gateway', caller: from = '13800000001', durationMs = 4000 }) {
        // A call left over by a failed test would hold the gateway's port.
        if (caller && !caller.exit()) await stopGroup(caller, 1000);
        media.reset();
        fs.rmSync(eventsFile, { force: true });
        eventsSeen = 0;
        sippRun++;
        const name = `sipp-${sippRun}`;
        const files = { messages: path.join(runDir, `${name}-messages.log`), errors: path.join(runDir, `${name}-errors.log`), out: path.join(runDir, `${name}.out`) };
        caller = launch(BIN.sipp, [`127.0.0.1:${sipPort}`, '-sf', path.join(SIPP_DIR, scenario), '-i', '127.0.0.1', '-p', String(sippPort),
          '-mp', String(await freePort()), '-t', 'u1', '-m', '1', '-l', '1', '-s', callee, '-d', String(durationMs),
          '-key', 'domain', domain, '-key', 'caller', from, '-key', 'gw_media_port', String(media.port),
          '-nostdin', '-trace_msg', '-message_file', files.messages, '-trace_err', '-error_file', files.errors,
          '-timeout', '60s', '-timeout_error', '-max_recv_loops', '100'], { cwd: runDir, log: files.out });
        caller.files = files;
        procs.sipp = caller;
        return { pid: caller.pid };
      },
      /** Waits (bounded) for sipp to finish; its exit code, messages and errors. */
      async callerResult(timeoutMs = 20_000) {
        if (!caller) throw new Error('no sipp was started');
        const result = await Promise.race([caller.exited, sleep(timeoutMs).then(() => null)]);
        const read = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch { return ''; } };
        if (!result) await stopGroup(caller, 1000);
        return {
          finished: result !== null,
          code: result?.code ?? null,
          messages: read(caller.files.messages),
          errors: read(caller.files.errors),
          output: tail(caller.files.out, 40),
        };
      },
      /** SIP messages sipp sent and received so far (its -trace_msg file). */
      callerMessages() {
        try { return fs.readFileSync(caller?.files.messages ?? '', 'utf8'); } catch { return ''; }
      },
      kamailioLogTail: (lines = 60) => tail(kamLog, lines),
      rtpengineLogTail: (lines = 60) => tail(rtpLog, lines),
      async stop() {
        clearInterval(eventsTimer);
        media.close();
        const left = await cleanup();
        process.off('exit', onExit);
        if (left.length) throw new Error(`processes survived stop(): ${left.join(', ')}`);
      },
    };
  } catch (error) {
    await cleanup();
    process.off('exit', onExit);
    throw error;
  }
}
