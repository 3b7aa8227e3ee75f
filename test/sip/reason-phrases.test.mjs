// The bundle's JsSIP keeps only the reason phrases it can send (scripts/jssip-lite.mjs): every
// status code JsSIP answers with by itself, found in its source, and the ones the workbench
// sends, must keep their phrase, word for word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEPT_REASON_PHRASES, liteJssipModule } from '../../scripts/jssip-lite.mjs';

const lib = fileURLToPath(new URL('../../node_modules/jssip/lib/', import.meta.url));
const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));

/** `code: 'phrase'` pairs of a REASON_PHRASE table. */
function phrases(source) {
  const table = /REASON_PHRASE:\s*\{([^}]*)\}/.exec(source)?.[1] ?? '';
  return Object.fromEntries([...table.matchAll(/(\d{3})\s*:\s*'([^']*)'/g)].map((m) => [Number(m[1]), m[2]]));
}

test('keeps the phrase of every status code JsSIP replies with by itself', () => {
  const sent = new Set();
  for (const file of files(lib)) {
    const code = readFileSync(file, 'utf8');
    // reply(486), reply_sl(405), reply(416) in sanityCheck, terminate({ status_code: 487 }), ...
    for (const m of code.matchAll(/\b(?:reply|reply_sl|_reply)\(\s*(\d{3})\b/g)) sent.add(Number(m[1]));
    for (const m of code.matchAll(/\bstatus_code\s*[:=]\s*(\d{3})\b/g)) sent.add(Number(m[1]));
  }
  assert.ok(sent.size >= 15, `found only ${[...sent]} in JsSIP's source: the scan is broken`);
  assert.deepEqual([...sent].filter((c) => !KEPT_REASON_PHRASES.includes(c)).sort(), []);
});

test('keeps the status codes the workbench rejects calls with', () => {
  const ours = ['src/sip/session-legs.ts', 'machines/call-machine.ts', 'machines/agent-machine.ts']
    .map((f) => readFileSync(fileURLToPath(new URL(`../../${f}`, import.meta.url)), 'utf8'))
    .join('\n');
  const codes = [...ours.matchAll(/\bcode:\s*(\d{3})\b/g)].map((m) => Number(m[1]));
  assert.ok(codes.length >= 3);
  assert.deepEqual(codes.filter((c) => !KEPT_REASON_PHRASES.includes(c)), []);
});

test('the lite table has exactly the kept codes, with JsSIP\'s own phrases', () => {
  const path = join(lib, 'Constants.js');
  const original = readFileSync(path, 'utf8');
  const lite = liteJssipModule(original, path)?.code ?? original;
  const all = phrases(original);
  const kept = phrases(lite);
  assert.ok(Object.keys(all).length > 60);
  assert.deepEqual(Object.keys(kept).map(Number).sort(), [...KEPT_REASON_PHRASES].sort());
  for (const [code, phrase] of Object.entries(kept)) assert.equal(phrase, all[code], `phrase of ${code}`);
});
