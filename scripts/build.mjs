// Build: tsc (typed ES modules in dist/esm) -> rollup (dist/cc-workbench.js + IIFE). The manifest (custom-elements.json) is committed and made by `npm run manifest`; `npm test` fails when it is stale.
//   node scripts/build.mjs          everything (npm test, npm run bench, publishing)
//   node scripts/build.mjs --demo   what the demo pages load: no IIFE bundle (faster `npm start`)
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

const demo = process.argv.includes('--demo');
rmSync(`${root}dist`, { recursive: true, force: true });
run('tsc', bin('tsc'), ['-p', 'tsconfig.build.json']);
if (demo) process.env.CC_BUILD_ONLY_ESM = '1';
run('rollup', bin('rollup'), ['-c', '--silent']);
