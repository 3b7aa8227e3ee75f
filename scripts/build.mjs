// Build: tsc (typed ES modules in dist/esm) -> rollup (dist/cc-workbench.js + IIFE). The manifest (custom-elements.json) is committed and made by `npm run manifest`; `npm test` fails when it is stale.
//   node scripts/build.mjs          everything, always (npm test, npm run bench, publishing)
//   node scripts/build.mjs --demo   what the demo pages load: no IIFE bundle (faster `npm start`),
//                                   and nothing at all when dist/ was built from the same sources
// A successful build writes dist/.build-stamp.json: a SHA-256 over the path and bytes of every
// input (BUILD_INPUTS). `--demo` skips the build while that hash still matches ("build: up to
// date"); comparing contents, not mtimes, also keeps a `git checkout` back and forth from
// rebuilding. `npm run build` always builds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Everything the bundle is made from (folders are read whole; tsconfig*.json are added). */
export const BUILD_INPUTS = [
  'src',
  'machines',
  'elements',
  'rollup.config.mjs',
  'scripts/build.mjs',
  'scripts/jssip-lite.mjs',
  'scripts/minify-literals.mjs',
  // The installed dependencies: npm ci installs exactly what it lists.
  'package-lock.json',
];
export const STAMP = 'dist/.build-stamp.json';
/** What the demo pages load from dist/; a stamp without them does not count. */
const DEMO_OUTPUTS = ['dist/cc-workbench.js', 'dist/cc-phone.js', 'dist/esm/src/define.js'];

/** The input files under `root`, as sorted relative paths with '/' separators. */
export function inputFiles(root) {
  const walk = (rel) =>
    readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) => {
      const child = `${rel}/${e.name}`;
      return e.isDirectory() ? walk(child) : e.isFile() ? [child] : [];
    });
  const tsconfigs = readdirSync(root).filter((n) => /^tsconfig.*\.json$/.test(n));
  return [...BUILD_INPUTS, ...tsconfigs]
    .flatMap((rel) => {
      const stat = statSync(join(root, rel), { throwIfNoEntry: false });
      return stat?.isDirectory() ? walk(rel) : stat?.isFile() ? [rel] : [];
    })
    .sort();
}

/** SHA-256 over every input's path and bytes: equal hashes, equal build. */
export function inputsHash(root) {
  const hash = createHash('sha256');
  for (const rel of inputFiles(root)) {
    hash.update(`${rel}\0`);
    hash.update(readFileSync(join(root, rel)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The stamp the last successful build left, or null. */
export function readStamp(root) {
  try {
    return JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Why a build of `mode` ('demo' | 'full') must run, or null when dist/ already holds it.
 * Pure: `stamp` is the last build's, `inputs` the current inputsHash, `missing` the outputs
 * the demo needs that are not in dist/. A full build always runs; its stamp also serves `--demo`.
 */
export function rebuildReason({ mode, stamp, inputs, missing }) {
  if (mode !== 'demo') return 'full build';
  if (!stamp?.inputs) return 'no build stamp in dist/';
  if (stamp.inputs !== inputs) return 'sources changed';
  if (missing.length > 0) return `${missing.join(', ')} missing`;
  return null;
}

/** rebuildReason for the tree at `root`, with the inputs hash a build there would stamp. */
export function rebuildReasonAt(root, mode) {
  const stamp = readStamp(root);
  const inputs = inputsHash(root);
  const missing = DEMO_OUTPUTS.filter((f) => !existsSync(join(root, f)));
  return { reason: rebuildReason({ mode, stamp, inputs, missing }), inputs };
}

function run(label, cmd, args) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
  console.log(`build: ${label} ok (${Date.now() - started} ms)`);
}

function main(argv) {
  const mode = argv.includes('--demo') ? 'demo' : 'full';
  // Hashed before building: an edit made while tsc runs must make the next start rebuild.
  const { reason, inputs } = rebuildReasonAt(ROOT, mode);
  if (reason === null) {
    console.log(`build: up to date (${STAMP} matches the sources; \`npm run build\` forces a build)`);
    return;
  }
  if (mode === 'demo') console.log(`build: ${reason}`);
  const bin = (name) => `${ROOT}node_modules/.bin/${name}`;
  rmSync(`${ROOT}dist`, { recursive: true, force: true });
  run('tsc', bin('tsc'), ['-p', 'tsconfig.build.json']);
  if (mode === 'demo') process.env.CC_BUILD_ONLY_ESM = '1';
  run('rollup', bin('rollup'), ['-c', '--silent']);
  // The embed page is static (no bundling): it loads ./cc-workbench.js and ./cc-embed.js beside it.
  copyFileSync(join(ROOT, 'src/embed/embed.html'), join(ROOT, 'dist/embed.html'));
  writeFileSync(join(ROOT, STAMP), `${JSON.stringify({ mode, inputs, builtAt: new Date().toISOString() }, null, 2)}\n`);
}

// Imported by the tests for its decision; run as a script by npm and scripts/start.mjs.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main(process.argv.slice(2));
