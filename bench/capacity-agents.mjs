// The load agents of bench/capacity.mjs: Node JsSIP + werift phones from the test harness
// (test/callcenter/support/customer-agent.mjs), each answering at once and sending a steady tone.
// In a process of its own (forked with IPC) so their CPU time is not counted as the call
// center's, and so the driver can report it: when this process is saturated the loss figures
// measure the agents, not the call center. Commands over IPC (capacity-ipc.mjs).
import { startTestAgent } from '../test/callcenter/support/customer-agent.mjs';
import { serveCommands } from './capacity-ipc.mjs';


/** @type {Array<Awaited<ReturnType<typeof startTestAgent>>>} */
const agents = [];

/** @type {Record<string, (m: any) => Promise<unknown> | unknown>} */
const commands = {
  /**
   * Registers `accounts` in parallel; resolves with the time until the last one was registered
   * and the failures (a registration refused or not answered within 30 s).
   */
  async register({ wsUrl, domain, accounts }) {
    const t0 = performance.now();
    const results = await Promise.allSettled(
      accounts.map((/** @type {{ user: string, password: string }} */ a) =>
        Promise.race([
          startTestAgent({ wsUrl, domain, user: a.user, password: a.password, audio: { kind: 'tone', frequency: 400, amplitude: 0.3 }, recordSeconds: 2 }),
          new Promise((_, reject) => setTimeout(() => reject(new Error(`${a.user}: not registered within 30 s`)), 30_000)),
        ]),
      ),
    );
    const ms = performance.now() - t0;
    const failures = [];
    for (const r of results) {
      if (r.status === 'fulfilled') agents.push(/** @type {any} */ (r.value));
      else failures.push(String(r.reason?.message ?? r.reason));
    }
    return { ms, registered: agents.length, failures: failures.length, firstFailures: failures.slice(0, 3) };
  },
  /** Calls in progress with their counters (cumulative since each call started) and when they were read. */
  calls() {
    // when the counters were read, on this process's clock: rates come from this side's own times
    return { at: performance.now(), calls: agents.flatMap((a) =>
      a.calls
        .filter((c) => !c.isEnded)
        // the ACD calls from the queue, with the customer's number as the display name
        .map((c) => ({ agent: a.ua.configuration.uri.user, state: c.session.status, pc: c.pc?.connectionState ?? null, caller: c.session.remote_identity?.display_name || c.callerUser, sent: c.source.packetsSent, received: c.recorder.audioPackets, gaps: c.recorder.gaps, longestGapMs: c.recorder.longestGapMs })),
    ) };
  },
  resetGaps() {
    for (const a of agents) for (const c of a.calls) if (!c.isEnded) c.recorder.resetGaps();
  },
  /** Forgets ended calls (their recorders), so a long run does not grow this process. */
  prune() {
    for (const a of agents) for (let i = a.calls.length - 1; i >= 0; i--) if (a.calls[i].isEnded) a.calls.splice(i, 1);
  },
  usage() {
    const cpu = process.cpuUsage();
    return { cpuMicros: cpu.user + cpu.system, at: performance.now(), rssBytes: process.memoryUsage().rss };
  },
  async close() {
    await Promise.all(agents.splice(0).map((a) => a.stop().catch(() => {})));
    setTimeout(() => process.exit(0), 50);
    return true;
  },
};

serveCommands(commands);
