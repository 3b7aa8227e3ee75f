// The README's table of the reference SDKs' facades, counted from the facades' own declarations
// (src/facades/*-declarations.ts, as tsc compiled them into dist/esm): for each reference, how
// many of its config keys, hooks, methods, status codes and error codes are implemented.
//   node scripts/facade-counts.mjs           prints the table
//   node scripts/facade-counts.mjs --check   exits 1 when README.md's table differs (npm test runs it)
//   node scripts/facade-counts.mjs --write   puts the table into README.md, and each facade's
//                                            row tables into its docs/migration-<name>.md
// Run after a build (`npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The facades, in the references' order (000 ... 004): their declaration modules. */
export const DECLARATIONS = [
  'workbench-sdk-declarations',
  'workbench-sdk-v03-declarations',
  'phone-sdk-declarations',
  'emic-phonebar-declarations',
  'phonekit-declarations',
];
export const START = '<!-- facade-counts: made by scripts/facade-counts.mjs, do not edit -->';
export const END = '<!-- /facade-counts -->';
const KINDS = [
  ['config', 'config keys'],
  ['hooks', 'hooks / events'],
  ['methods', 'methods'],
  ['statusCodes', 'status codes'],
  ['errorCodes', 'error codes'],
];

/** "yes + partial of all (n/a m)" for one table of rows. */
export function countRows(rows) {
  const values = Object.values(rows);
  const of = (support) => values.filter((row) => row.support === support).length;
  const done = of('yes') + of('partial');
  const notes = [of('partial') && `${of('partial')} partly`, of('n/a') && `${of('n/a')} n/a`, of('no') && `${of('no')} not done`].filter(Boolean);
  return values.length === 0 ? '— (none defined)' : `${done} / ${values.length}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

/** The markdown table of `declarations` (FacadeDeclaration objects). */
export function countTable(declarations) {
  const head = `| reference | global / file | ${KINDS.map(([, label]) => label).join(' | ')} |`;
  const rule = `| ${['---', '---', ...KINDS.map(() => '---')].join(' | ')} |`;
  const rows = declarations.map(
    (d) => `| ${d.reference} ${d.title} | \`${d.global}\`, \`dist/${d.file}\` | ${KINDS.map(([key]) => countRows(d[key])).join(' | ')} |`,
  );
  return [START, head, rule, ...rows, END].join('\n');
}

/** The built declaration modules that exist (a facade still being written has none yet). */
export async function loadDeclarations(root = ROOT) {
  const found = [];
  for (const name of DECLARATIONS) {
    const url = pathToFileURL(`${root}dist/esm/src/facades/${name}.js`).href;
    const module = await import(url);
    found.push(module.declaration);
  }
  return found;
}

/** README.md with its table replaced by `table`; throws when the markers are missing. */
export function withTable(readme, table, start = START, end = END) {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to === -1 || to < from) throw new Error(`no "${start}" ... "${end}" block`);
  return readme.slice(0, from) + table + readme.slice(to + end.length);
}

export const ROWS_START = '<!-- facade-rows: made by scripts/facade-counts.mjs from the declarations, do not edit -->';
export const ROWS_END = '<!-- /facade-rows -->';
const SUPPORT_TEXT = { yes: 'yes', partial: 'partly', 'n/a': 'not applicable', no: 'not done' };
const SECTIONS = [...KINDS, ['extensions', 'cc-workbench additions (not in the reference)']];

/** A migration page's tables: every row of the declaration with our behaviour. */
export function rowTables(declaration) {
  const escape = (text) => String(text).replace(/\|/g, '\\|');
  const parts = SECTIONS.filter(([key]) => Object.keys(declaration[key]).length > 0).map(([key, label]) =>
    [
      `### ${label[0].toUpperCase()}${label.slice(1)} (${countRows(declaration[key])})`,
      '',
      '| name | implemented | what cc-workbench does |',
      '| --- | --- | --- |',
      ...Object.entries(declaration[key]).map(([name, row]) => `| \`${escape(name)}\` | ${SUPPORT_TEXT[row.support]} | ${escape(row.ours)} |`),
    ].join('\n'),
  );
  return [ROWS_START, ...parts, ROWS_END].join('\n\n');
}

/** docs/migration-<name>.md of a declaration (`file` facades/<name>.js). */
export const migrationPage = (declaration) => `docs/migration-${declaration.file.replace(/^facades\/|\.js$/g, '')}.md`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const table = countTable(await loadDeclarations());
  const path = `${ROOT}README.md`;
  const readme = readFileSync(path, 'utf8');
  const declarations = await loadDeclarations();
  const pages = declarations.map((d) => {
    const page = `${ROOT}${migrationPage(d)}`;
    const text = readFileSync(page, 'utf8');
    return { page, text, next: withTable(text, rowTables(d), ROWS_START, ROWS_END) };
  });
  if (process.argv.includes('--write')) {
    writeFileSync(path, withTable(readme, table));
    for (const { page, next } of pages) writeFileSync(page, next);
    console.log('facade-counts: README.md and the migration pages updated');
  } else if (process.argv.includes('--check')) {
    const stale = [...(withTable(readme, table) !== readme ? ['README.md'] : []), ...pages.filter((p) => p.next !== p.text).map((p) => p.page)];
    if (stale.length) {
      console.error(`facade-counts: ${stale.join(', ')} differ from the declarations; run \`npm run build && node scripts/facade-counts.mjs --write\``);
      process.exit(1);
    }
    console.log('facade-counts: README.md and the migration pages are up to date');
  } else console.log(table);
}
