import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import MagicString from 'magic-string';

// Rollup plugins: `css` literals lose comments and indentation, `html` ones their indentation, and
// the elements' private custom properties (`--_primary`) get short names.
// The css one shrinks the static text of Lit `css` tagged templates (comments, indentation,
// spaces around punctuation). Only the literal parts between `${}` are touched; spaces inside
// values (`calc(a + b)`, `0 0 1px`) and selectors (`a :hover`) are kept.
export function minifyCssText(text) {
  const flat = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};])\s*/g, '$1')
    .replace(/\s*,\s*/g, ',')
    // `prop: value` -> `prop:value`: a property name right after `{` or `;` (a selector there,
    // `{a:hover`, has no space after its colon).
    .replace(/([{;][-\w]+):\s+/g, '$1:')
    .replace(/;}/g, '}');
  return minifySelectors(flat);
}

/** A CSS identifier, which an attribute selector may have without quotes. */
const CSS_IDENT = /^-?[_a-zA-Z][-\w]*$/;

/**
 * In the selectors of flat CSS (minifyCssText's): no spaces around the combinators `>`, `+` and
 * `~` (`.a > b` -> `.a>b`, `:has(+ .btn)` -> `:has(+.btn)`), and no quotes around an attribute
 * selector's value that is an identifier (`[data-tone='ready']` -> `[data-tone=ready]`). A selector
 * is the text before a `{` that is not an at-rule; declarations (where `calc(a + b)` needs its
 * spaces) and quoted strings are left as they are.
 */
export function minifySelectors(css) {
  let out = '';
  let segment = '';
  const flush = (end) => {
    const selector = end === '{' && !segment.trimStart().startsWith('@');
    out += selector ? shrinkSelector(segment) : segment;
    segment = '';
  };
  for (let i = 0; i < css.length; i++) {
    const ch = css[i];
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < css.length && css[j] !== ch) j += css[j] === '\\' ? 2 : 1;
      segment += css.slice(i, j + 1);
      i = j;
    } else if (ch === '{' || ch === '}' || ch === ';') {
      flush(ch);
      out += ch;
    } else segment += ch;
  }
  flush('');
  return out;
}

function shrinkSelector(selector) {
  // Quoted parts are attribute values: unquoted when an identifier, else left alone.
  return selector
    .split(/('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")/)
    .map((part, i) => {
      if (i % 2 === 1) return CSS_IDENT.test(part.slice(1, -1)) ? part.slice(1, -1) : part;
      return part.replace(/\s*([>+~])\s*/g, '$1');
    })
    .join('');
}

const root = fileURLToPath(new URL('..', import.meta.url));
const CUSTOM_PROPERTY = /--_[A-Za-z][\w-]*/g;

/**
 * The elements' private custom properties (`--_primary`, `--_tone`: the house style's copies of
 * the `--cc-*` tokens, read only inside the elements' shadow roots) -> short names (`--_a`), the
 * most used first. Made from the sources and tsc's output of them (dist/esm, which the builds
 * bundle: a source edited while rollup runs changes nothing), so every build of one run (the ES
 * modules, the classic script, the embed page, the facades) names them alike, and elements of two
 * builds nested in one page still inherit each other's. The public `--cc-*` keep their names.
 */
export function customPropertyNames(base = root) {
  const count = new Map();
  const walk = (dir, pattern) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(dir, e.name), pattern);
      else if (pattern.test(e.name)) for (const [name] of readFileSync(join(dir, e.name), 'utf8').matchAll(CUSTOM_PROPERTY)) count.set(name, (count.get(name) ?? 0) + 1);
    }
  };
  for (const dir of ['elements', 'src']) {
    walk(join(base, dir), /(?<!\.d)\.ts$/);
    walk(join(base, 'dist', 'esm', dir), /\.js$/);
  }
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const short = (i) => (i < letters.length ? letters[i] : short(Math.floor(i / letters.length) - 1) + letters[i % letters.length]);
  const names = [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
  return new Map(names.map((name, i) => [name, `--_${short(i)}`]));
}

/** Minifies every css`...` literal in modules whose id matches `include`. */
export function minifyCssLiterals({ include = /\.styles\.js$/ } = {}) {
  return {
    name: 'minify-css-literals',
    transform(code, id) {
      if (!include.test(id)) return null;
      let changed = false;
      const out = code.replace(/\bcss\s*`((?:\\[\s\S]|\$\{[^}]*\}|[^`\\])*)`/g, (_whole, body) => {
        changed = true;
        const parts = body.split(/(\$\{[^}]*\})/);
        // White space at the literal's ends means nothing; next to a binding it may.
        const last = parts.length - 1;
        const small = parts.map((p, i) => (p.startsWith('${') ? p : minifyCssText(p)));
        small[0] = small[0].trimStart();
        small[last] = small[last].trimEnd();
        return `css\`${small.join('')}\``;
      });
      return changed ? { code: out, map: null } : null;
    },
  };
}

/**
 * Renames the private custom properties (customPropertyNames) wherever the workbench's modules
 * write them: css literals, templates, strings. The build fails on one that is not in the list.
 */
export function shortCustomProperties({ include = /[\\/]dist[\\/]esm[\\/](?:elements|src)[\\/].*\.js$/, names = customPropertyNames() } = {}) {
  return {
    name: 'short-custom-properties',
    transform(code, id) {
      if (!include.test(id) || !code.includes('--_')) return null;
      const s = new MagicString(code);
      for (const m of code.matchAll(CUSTOM_PROPERTY)) {
        const short = names.get(m[0]);
        if (!short) this.error(`short-custom-properties: ${m[0]} in ${id} is not in the list (customPropertyNames)`);
        s.overwrite(m.index, m.index + m[0].length, short);
      }
      return { code: s.toString(), map: s.generateMap({ hires: true }) };
    },
  };
}

/**
 * The static parts of one html`` template, smaller: every run of white space that holds a line
 * break becomes one space, which renders the same (HTML collapses such runs; the elements have no
 * <pre>, <textarea> or `white-space: pre`); and inside a tag, no space before its `>` and no quotes
 * around an attribute value made of letters, digits, `-` and `_` (`class="btn"` -> `class=btn`;
 * not before `/>`, which would join the value). `quasis` are the raw texts between the bindings;
 * the HTML state (text, tag, quoted value, comment) carries across them.
 */
export function minifyHtmlQuasis(quasis) {
  let state = 'text';
  let quote = '';
  return quasis.map((raw) => {
    const text = raw.replace(/\s*\n\s*/g, ' ');
    let out = '';
    for (let i = 0; i < text.length; ) {
      if (state === 'comment') {
        const end = text.indexOf('-->', i);
        if (end === -1) return out + text.slice(i);
        out += text.slice(i, end + 3);
        i = end + 3;
        state = 'text';
      } else if (state === 'quoted') {
        const end = text.indexOf(quote, i);
        if (end === -1) return out + text.slice(i);
        out += text.slice(i, end + 1);
        i = end + 1;
        state = 'tag';
      } else if (state === 'text') {
        const lt = text.indexOf('<', i);
        if (lt === -1) return out + text.slice(i);
        if (text.startsWith('<!--', lt)) {
          out += text.slice(i, lt + 4);
          i = lt + 4;
          state = 'comment';
        } else {
          out += text.slice(i, lt + 1);
          i = lt + 1;
          if (/[a-zA-Z/]/.test(text[i] ?? '')) state = 'tag';
        }
      } else {
        // In a tag: an unquoted value, `="..."` (shortened when it may go unquoted), white space before `>`, or `>`.
        const rest = text.slice(i);
        const plain = /^=(["'])([-\w]+)\1(?=[\s>])/.exec(rest);
        const space = /^\s+(?=>)/.exec(rest);
        if (plain) {
          out += `=${plain[2]}`;
          i += plain[0].length;
        } else if (space) i += space[0].length;
        else if (rest[0] === '"' || rest[0] === "'") {
          quote = rest[0];
          out += quote;
          i++;
          state = 'quoted';
        } else if (rest[0] === '>') {
          out += '>';
          i++;
          state = 'text';
        } else {
          out += rest[0];
          i++;
        }
      }
    }
    return out;
  });
}

/**
 * Shrinks the static parts of Lit `html` and `svg` templates (minifyHtmlQuasis). Template
 * literals are found with rollup's parser, so nested templates inside `${}` are handled.
 */
export function minifyHtmlLiterals({ include = /[\\/]dist[\\/]esm[\\/]elements[\\/].*\.js$/ } = {}) {
  return {
    name: 'minify-html-literals',
    transform(code, id) {
      if (!include.test(id) || !/\b(html|svg)\s*`/.test(code)) return null;
      const s = new MagicString(code);
      const visit = (node) => {
        if (!node || typeof node.type !== 'string') return;
        if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier' && (node.tag.name === 'html' || node.tag.name === 'svg')) {
          const quasis = node.quasi.quasis;
          const small = minifyHtmlQuasis(quasis.map((q) => q.value.raw));
          quasis.forEach((quasi, i) => {
            if (small[i] !== quasi.value.raw) s.overwrite(quasi.start, quasi.end, small[i]);
          });
        }
        for (const key of Object.keys(node)) {
          const child = node[key];
          if (Array.isArray(child)) child.forEach(visit);
          else if (child && typeof child === 'object' && key !== 'parent') visit(child);
        }
      };
      visit(this.parse(code));
      return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: true }) } : null;
    },
  };
}
