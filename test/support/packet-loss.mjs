/**
 * Real packet loss on loopback for the call quality test (test/e2e/call-quality.test.ts): an
 * iptables rule (iptables-legacy, as `udp-block` in web-test-runner.config.mjs) that drops a
 * random share of the UDP packets sent TO ONE PORT, the agent's side of one call's media path.
 * netem is not in this kernel (no sch_netem); the statistic match gives random, independent loss
 * (G.107's BurstR = 1). Only that port is touched, so other calls in the same network namespace
 * (other test files, the far end's own receiving port) keep a clean line.
 *
 * The e2e group runs inside scripts/in-netns.sh (its own namespace, root), so rules never reach
 * the machine's own network.
 */
import { execFileSync } from 'node:child_process';

/** Ports with a rule of ours, so a forgotten one can still be removed (`{ clear: true }`). */
const active = new Map();

const ruleOf = (port, percent) => [
  'INPUT', '-p', 'udp', '--dport', String(port),
  '-m', 'statistic', '--mode', 'random', '--probability', (percent / 100).toFixed(4),
  '-j', 'DROP',
];

const iptables = (...args) => execFileSync('iptables-legacy', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });

function has(rule) {
  try {
    iptables('-C', ...rule);
    return true;
  } catch {
    return false;
  }
}

function remove(port) {
  const rule = active.get(port);
  active.delete(port);
  if (rule) while (has(rule)) iptables('-D', ...rule);
}

/**
 * `{ port, percent }` drops `percent` % (0 < percent < 100) of the UDP packets to `port` (replacing
 * an earlier rule for that port); `{ port, percent: 0 }` removes it; `{ clear: true }` removes every
 * rule this module added. Returns the ports that have loss now and how many packets to `port`
 * the rule this command replaced or removed had dropped (its iptables counter; 0 without one).
 */
export function packetLoss({ port, percent = 0, clear = false }) {
  const dropped = port ? droppedTo(port) : 0;
  if (clear) for (const p of [...active.keys()]) remove(p);
  else {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`packet-loss: bad port ${port}`);
    if (!(percent >= 0 && percent < 100)) throw new Error(`packet-loss: bad percent ${percent}`);
    remove(port);
    if (percent > 0) {
      const rule = ruleOf(port, percent);
      iptables('-I', ...rule);
      active.set(port, rule);
    }
  }
  return { ports: [...active.keys()], dropped };
}

/** Packets our rule for `port` dropped so far (its iptables counter), 0 without a rule. */
function droppedTo(port) {
  if (!active.has(port)) return 0;
  const listing = execFileSync('iptables-legacy', ['-L', 'INPUT', '-v', '-n', '-x'], { encoding: 'utf8', timeout: 5000 });
  const line = listing.split('\n').find((l) => / DROP /.test(l) && l.includes(`udp dpt:${port} statistic`));
  return Number(line?.trim().split(/\s+/)[0] ?? 0);
}

/**
 * The same as a web-test-runner plugin (command `packet-loss`), for a config that lists plugins;
 * rules left by a test that failed half-way are removed when the server stops.
 */
export const packetLossPlugin = {
  name: 'packet-loss',
  executeCommand({ command, payload }) {
    return command === 'packet-loss' ? packetLoss(payload ?? {}) : undefined;
  },
  serverStop() {
    packetLoss({ clear: true });
  },
};
