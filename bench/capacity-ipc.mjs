// Request / response over a forked child's IPC channel, both ends, for bench/capacity.mjs and the
// processes it forks (capacity-center.mjs, capacity-agents.mjs).
import { fork } from 'node:child_process';

/**
 * In the child: answers `{ id, cmd, ...args }` with `{ id, ok, value }` or `{ id, ok: false, error }`
 * from `commands[cmd](message)`, then tells the parent it is ready. Exits when the parent goes away.
 * @param {Record<string, (m: any) => unknown>} commands
 */
export function serveCommands(commands) {
  const send = (/** @type {unknown} */ m) => /** @type {NonNullable<typeof process.send>} */ (process.send)(m);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (/** @type {any} */ m) => {
    Promise.resolve()
      .then(() => {
        const command = commands[m.cmd];
        if (!command) throw new Error(`unknown command ${m.cmd}`);
        return command(m);
      })
      .then(
        (value) => send({ id: m.id, ok: true, value }),
        (error) => send({ id: m.id, ok: false, error: String(error?.stack ?? error) }),
      );
  });
  send({ ready: true });
}

/**
 * In the parent: forks `script` and resolves, once it is ready, with `call(cmd, args)` and its pid.
 * @param {string} script absolute path
 * @param {{ execArgv?: string[] }} [o]
 */
export function forkCommands(script, { execArgv = [] } = {}) {
  const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  let next = 0;
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
  const pending = new Map();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${script} exited with ${code} before it was ready`));
      for (const p of pending.values()) p.reject(new Error(`${script} exited with ${code}`));
    });
    child.on('message', (/** @type {any} */ m) => {
      if (m.ready) {
        resolve({
          pid: /** @type {number} */ (child.pid),
          /** @param {string} cmd @param {Record<string, unknown>} [args] @returns {Promise<any>} */
          call(cmd, args = {}) {
            const id = ++next;
            child.send({ id, cmd, ...args });
            return new Promise((res, rej) => pending.set(id, { resolve: res, reject: rej }));
          },
          exited,
        });
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`${cmd(script)}: ${m.error}`));
    });
  });
}

const cmd = (/** @type {string} */ script) => script.slice(script.lastIndexOf('/') + 1);
