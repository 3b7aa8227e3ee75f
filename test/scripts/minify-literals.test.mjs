// What scripts/minify-literals.mjs does to the elements' css`` and html`` literals: shorter text
// that the browser reads the same (selectors, declarations, strings and bindings keep their
// meaning), and the private custom properties' short names, alike in every build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { customPropertyNames, minifyCssLiterals, minifyCssText, minifyHtmlQuasis, minifySelectors, shortCustomProperties } from '../../scripts/minify-literals.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('selectors lose the spaces around combinators and the quotes around identifiers; declarations and strings keep theirs', () => {
  assert.equal(
    minifyCssText(`.status > * , .a + .b ~ .c { margin: 0 }
      /* the status line */
      .status[data-tone='ready'] { --x: calc(1px + 2px); }
      .text:has(+ .btn) { flex-basis: 100% }
      [title='two words'], [lang="zh-CN"], [data-n='1x'] { content: 'a > b' }
      @media (min-width: 400px) { .a > .b { gap: 0 1px } }
    `),
    ".status>*,.a+.b~.c{margin:0}.status[data-tone=ready]{--x:calc(1px + 2px)}.text:has(+.btn){flex-basis:100%}[title='two words'],[lang=zh-CN],[data-n='1x']{content:'a > b'}@media (min-width: 400px){.a>.b{gap:0 1px}}",
  );
  // A literal's ends lose their white space; a binding keeps the spaces around it.
  const plugin = minifyCssLiterals();
  assert.equal(plugin.transform('x = css`\n  .a { margin: ${m} auto }\n  .b > .c { color: red }\n`;', '/x/a.styles.js').code, 'x = css`.a{margin:${m} auto}.b>.c{color:red}`;');
  // A quoted `{` or `;` is no block's edge.
  assert.equal(minifySelectors(".a::before{content:'{ ; }'}.b > .c{x:y}"), ".a::before{content:'{ ; }'}.b>.c{x:y}");
});

test('templates lose indentation, the space before a tag ends and the quotes around plain attribute values', () => {
  assert.deepEqual(
    minifyHtmlQuasis([
      '\n  <div part="base" class="a b" data-x=\'y\'\n  >\n    <input .value=',
      ' @input=',
      ' />\n    <span class="tile ',
      '" title="x" ?hidden=',
      ' >a > b class="q"</span><!-- a="b" >\n -->',
    ]),
    [' <div part=base class="a b" data-x=y> <input .value=', ' @input=', ' /> <span class="tile ', '" title=x ?hidden=', '>a > b class="q"</span><!-- a="b" > -->'],
  );
  // A value right before `/>` keeps its quotes (unquoted, the `/` would join it).
  assert.deepEqual(minifyHtmlQuasis(['<input type="tel"/><br class="x" >']), ['<input type="tel"/><br class=x>']);
});

test('every private custom property of the sources gets a short name of its own, the same for every build', () => {
  const names = customPropertyNames();
  const styles = readdirSync(join(root, 'elements'), { recursive: true })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(root, 'elements', f), 'utf8'))
    .join('\n');
  const used = new Set(styles.match(/--_[A-Za-z][\w-]*/g));
  assert.ok(used.has('--_primary') && used.size >= 10);
  for (const name of used) assert.ok(names.has(name), name);
  assert.equal(new Set(names.values()).size, names.size);
  for (const short of names.values()) assert.match(short, /^--_[A-Za-z]{1,2}$/);
  assert.deepEqual([...customPropertyNames()], [...names]);
  // The public tokens keep their names.
  assert.ok(![...names.keys()].some((name) => name.startsWith('--cc-')));
});

test('the renaming covers css, templates and strings, and fails on a name that is not in the list', () => {
  const plugin = shortCustomProperties({ names: new Map([['--_primary', '--_a'], ['--_tone', '--_b']]) });
  const id = '/x/dist/esm/elements/a/a.styles.js';
  const errors = [];
  const context = {
    error(message) {
      errors.push(message);
      throw new Error(message);
    },
  };
  const out = plugin.transform.call(context, 'css`:host{--_primary:var(--cc-primary-color)}.a{color:var(--_primary)}`; html`<i style="--_tone: red"></i>`; s.setProperty("--_tone", x);', id);
  assert.equal(out.code, 'css`:host{--_a:var(--cc-primary-color)}.a{color:var(--_a)}`; html`<i style="--_b: red"></i>`; s.setProperty("--_b", x);');
  assert.deepEqual(errors, []);
  assert.throws(() => plugin.transform.call(context, 'css`.a{color:var(--_other)}`', id));
  assert.match(errors[0], /--_other/);
  assert.equal(plugin.transform.call(context, 'css`.a{color:var(--_primary)}`', '/x/node_modules/lit/index.js'), null);
});
