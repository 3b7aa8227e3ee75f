/**
 * A real TURN server for the tests (coturn's `turnserver`, Debian package coturn, installed by
 * scripts/setup.mjs): on 127.0.0.1 only, long-term credentials, relays on loopback (the tests'
 * network namespace has nothing else). Started on demand by the `turn-server` command of
 * web-test-runner.config.mjs and stopped by its PID (`turn-server-stop`, and when the runner exits).
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';

let server = null;

/** A UDP port free on 127.0.0.1 now. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });

const stopNow = () => {
  if (server?.child.exitCode === null) server.child.kill('SIGKILL');
};
process.once('exit', stopNow);

/** Starts the server (once) and resolves its RTCIceServer: `{ urls, username, credential }`. */
export async function startTurnServer() {
  if (server) return server.iceServer;
  const port = await freePort();
  const relayFrom = 40000 + (port % 20000);
  const username = 'cc-agent';
  const credential = 'cc-turn-secret';
  const child = spawn(
    'turnserver',
    [
      '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
      `--min-port=${relayFrom}`, `--max-port=${relayFrom + 40}`,
      '--lt-cred-mech', `--user=${username}:${credential}`, '--realm=cc.test',
      '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers', '--no-software-attribute',
      '--log-file=stdout', '--simple-log', '--pidfile=/dev/null',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d) => (log = (log + d).slice(-4000)));
  child.stderr.on('data', (d) => (log = (log + d).slice(-4000)));
  // Ready once it listens; bounded.
  const deadline = Date.now() + 10_000;
  while (!/listener opened on|IPv4\. UDP listener opened|Total General servers/i.test(log)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`turnserver did not start: ${log.slice(-800)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  server = { child, iceServer: { urls: `turn:127.0.0.1:${port}?transport=udp`, username, credential } };
  return server.iceServer;
}

/** Stops the server by its PID; resolves once it exited. */
export async function stopTurnServer() {
  const running = server;
  server = null;
  if (!running || running.child.exitCode !== null) return;
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
