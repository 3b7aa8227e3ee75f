// Scripts that start servers or browsers run inside a network namespace with only `lo`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Re-runs the calling script (its `import.meta.url`) through scripts/in-netns.sh and exits with
 * its status, unless this process already runs in such a namespace.
 */
export function ensureNetns(scriptUrl, args = process.argv.slice(2)) {
  if (process.env.CC_IN_NETNS === '1') return;
  const r = spawnSync(`${root}scripts/in-netns.sh`, [process.execPath, fileURLToPath(scriptUrl), ...args], { stdio: 'inherit', cwd: root });
  process.exit(r.status ?? 1);
}
