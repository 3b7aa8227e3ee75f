// The README's facade table is counted from the facades' declarations (npm test builds first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { countRows, countTable, loadDeclarations, migrationPage, rowTables, ROWS_END, ROWS_START, withTable } from '../../scripts/facade-counts.mjs';

const root = new URL('../../', import.meta.url);

test('counts implemented rows: yes and partial of all, with partial / n/a / not done named', () => {
  const rows = { a: { support: 'yes' }, b: { support: 'partial' }, c: { support: 'n/a' }, d: { support: 'no' }, e: { support: 'yes' } };
  assert.equal(countRows(rows), '3 / 5 (1 partly, 1 n/a, 1 not done)');
  assert.equal(countRows({ a: { support: 'yes' } }), '1 / 1');
  assert.equal(countRows({}), '— (none defined)');
});

test('README.md holds the table of the built declarations', async () => {
  const declarations = await loadDeclarations(root.pathname);
  assert.equal(declarations.length, 5);
  assert.deepEqual(declarations.map((d) => d.reference), ['000', '001', '002', '003', '004']);
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  assert.equal(withTable(readme, countTable(declarations)), readme, 'run `npm run build && node scripts/facade-counts.mjs --write`');
});

test('each declaration names every row with a known support and a description', async () => {
  for (const d of await loadDeclarations(root.pathname)) {
    for (const kind of ['config', 'hooks', 'methods', 'statusCodes', 'errorCodes', 'extensions']) {
      for (const [name, row] of Object.entries(d[kind])) {
        assert.ok(['yes', 'partial', 'n/a', 'no'].includes(row.support), `${d.reference} ${kind}.${name}: support ${row.support}`);
        assert.ok(typeof row.ours === 'string' && row.ours.length > 3, `${d.reference} ${kind}.${name}: no description`);
      }
    }
  }
});

test('each migration page in docs/ lists every declared row with our behaviour', async () => {
  for (const d of await loadDeclarations(root.pathname)) {
    const text = readFileSync(new URL(migrationPage(d), root), 'utf8');
    assert.equal(withTable(text, rowTables(d), ROWS_START, ROWS_END), text, `${migrationPage(d)}: run \`node scripts/facade-counts.mjs --write\``);
    for (const name of Object.keys(d.methods)) assert.ok(text.includes(`| \`${name}\` |`), `${migrationPage(d)} lists ${name}`);
  }
});
