// The demo pages (demo/*.html): the same links and language switch on each, an icon (no
// /favicon.ico 404), and every text in both languages. The behaviour in a browser is checked by
// hand (see the issue 10 report); this holds the markup that the pages share in step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';

const demo = fileURLToPath(new URL('../../demo/', import.meta.url));
const read = (page) => readFileSync(`${demo}${page}`, 'utf8');
const PAGES = ['index.html', 'agent.html', 'customers.html', 'supervisor.html'];

const NAV =
  '<nav class="demo-nav" aria-label="Demo pages"><a href="./">Home</a> <a href="./agent.html?agent=1001">Agent 1001</a> ' +
  '<a href="./agent.html?agent=1002">Agent 1002</a> <a href="./customers.html">Customers</a> <a href="./supervisor.html">Supervisor</a></nav>';
const LANG_SELECT = '<select class="demo-lang" aria-label="Language"><option value="en">English</option><option value="zh-CN">中文</option></select>';
/** Where each page marks itself in the nav (agent.html marks the agent it shows, at run time). */
const CURRENT = { 'index.html': './', 'customers.html': './customers.html', 'supervisor.html': './supervisor.html', 'agent.html': null };

const header = (html) => /<header>([\s\S]*?)<\/header>/.exec(html)?.[1] ?? '';

for (const page of PAGES) {
  test(`${page}: the page links, the language switch and the icon`, () => {
    const html = read(page);
    const current = CURRENT[page];
    const nav = current ? NAV.replace(`<a href="${current}">`, `<a href="${current}" aria-current="page">`) : NAV;
    assert.ok(header(html).includes(nav), `${page} has the demo nav in its header`);
    assert.equal(header(html).split('aria-current').length - 1, current ? 1 : 0, 'one current page at most');
    assert.ok(header(html).includes(LANG_SELECT), `${page} has the language select in its header`);
    assert.match(html, /<link rel="icon" href="\.\/favicon\.svg"\s*\/?>/);
    assert.match(html, /<link rel="stylesheet" href="\.\/demo\.css"\s*\/?>/);
  });
}

test('every page takes its language code from the shared files (head script, then the module)', () => {
  for (const page of PAGES) {
    const html = read(page);
    assert.match(html.slice(0, html.indexOf('</head>')), /<script src="\.\/demo-lang-head\.js"><\/script>/, page);
    assert.match(html, /import \{ setUpLanguage \} from '\.\/demo-lang\.mjs';/, page);
  }
});

/** The page's TEXTS table, evaluated on its own. */
function textsOf(html) {
  const source = /const TEXTS = (\{[\s\S]*?\n\s*\});\n/.exec(html)?.[1];
  assert.ok(source, 'a TEXTS table');
  return runInNewContext(`(${source})`);
}

/** Every key path of a text table with the type of its value. */
function shape(table, prefix = '') {
  return Object.entries(table).flatMap(([k, v]) =>
    v && typeof v === 'object' ? shape(v, `${prefix}${k}.`) : [`${prefix}${k}: ${typeof v}`]).sort();
}

for (const page of PAGES) {
  test(`${page}: every text exists in English and in simplified Chinese`, () => {
    const html = read(page);
    const texts = textsOf(html);
    assert.deepEqual(Object.keys(texts), ['en', 'zh-CN']);
    assert.deepEqual(shape(texts['zh-CN']), shape(texts.en));
    const han = /[\u4e00-\u9fff]/;
    const strings = (table) => shape(table).filter((s) => s.endsWith(': string')).map((s) => s.split(':')[0]);
    const at = (table, path) => path.split('.').reduce((o, k) => o[k], table);
    for (const path of strings(texts['zh-CN'])) {
      const zh = at(texts['zh-CN'], path);
      if (zh === '' && at(texts.en, path) === '') continue; // an empty text in both, e.g. no reason
      assert.match(zh, han, `zh-CN ${path} is Chinese`);
    }
    // Every data-text / data-html / data-label key the markup names has a text.
    for (const [, key] of html.matchAll(/data-(?:text|html|label)="([^"]+)"/g)) {
      assert.equal(typeof texts.en[key], 'string', `en.${key}`);
    }
  });
}
