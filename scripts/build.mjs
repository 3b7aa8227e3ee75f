// Build: tsc (typed ES modules in dist/esm) -> rollup (dist/cc-workbench.js + IIFE) -> custom-elements.json.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;

function run(label, cmd, args) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
  console.log(`build: ${label} ok (${Date.now() - started} ms)`);
}

rmSync(`${root}dist`, { recursive: true, force: true });
run('tsc', bin('tsc'), ['-p', 'tsconfig.build.json']);
run('rollup', bin('rollup'), ['-c', '--silent']);
run('custom-elements.json', bin('cem'), ['analyze', '--quiet']);
