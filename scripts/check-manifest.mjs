#!/usr/bin/env node
// custom-elements.json is committed (editors, Storybook and docs read the public face of the
// elements from it), so a change to an element's JSDoc, properties, events or parts must come
// with a regenerated manifest.
//
//   node scripts/check-manifest.mjs           exits 1 when custom-elements.json is stale
//   node scripts/check-manifest.mjs --write   rewrites it (`npm run manifest`)
//
// Both run @custom-elements-manifest/analyzer with custom-elements-manifest.config.mjs, the one
// way the manifest is produced.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '@custom-elements-manifest/analyzer/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const file = join(root, 'custom-elements.json');
const args = process.argv.slice(2);
if (args.some((a) => a !== '--write')) {
  console.error(`check-manifest: unknown argument (use --write): ${args.join(' ')}`);
  process.exit(2);
}

const manifest = await cli({ argv: ['analyze', '--quiet'], cwd: root, noWrite: true });
// The same text the analyzer's CLI writes.
const fresh = `${JSON.stringify(manifest, null, 2)}\n`;

if (args.includes('--write')) {
  writeFileSync(file, fresh);
  console.log(`check-manifest: wrote custom-elements.json (${manifest.modules.length} modules)`);
  process.exit(0);
}

let committed = null;
try {
  committed = readFileSync(file, 'utf8');
} catch {
  committed = null;
}
if (committed === fresh) {
  console.log(`check-manifest: custom-elements.json is up to date (${manifest.modules.length} modules)`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'cc-manifest-'));
writeFileSync(join(dir, 'custom-elements.json'), fresh);
console.error(
  committed === null
    ? 'custom-elements.json is missing: run npm run manifest'
    : 'custom-elements.json is stale: run npm run manifest',
);
if (committed !== null) {
  let old = null;
  try {
    old = JSON.parse(committed);
  } catch {
    old = null;
  }
  // Name the modules that differ, so the message says which element changed.
  const byPath = (m) => new Map((m?.modules ?? []).map((mod) => [mod.path, JSON.stringify(mod)]));
  const before = byPath(old);
  const after = byPath(manifest);
  const changed = [...new Set([...before.keys(), ...after.keys()])]
    .filter((path) => before.get(path) !== after.get(path))
    .sort();
  if (changed.length > 0) console.error(`  modules that differ: ${changed.join(', ')}`);
}
console.error(`  regenerated manifest: ${join(dir, 'custom-elements.json')}`);
process.exit(1);
