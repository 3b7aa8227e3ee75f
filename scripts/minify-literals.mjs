import MagicString from 'magic-string';

// Rollup plugins: `css` literals lose comments and indentation, `html` ones their indentation.
// The css one shrinks the static text of Lit `css` tagged templates (comments, indentation,
// spaces around punctuation). Only the literal parts between `${}` are touched; spaces inside
// values (`calc(a + b)`, `0 0 1px`) and selectors (`a :hover`) are kept.
export function minifyCssText(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};])\s*/g, '$1')
    .replace(/,\s+/g, ',')
    // `prop: value` -> `prop:value`: a property name right after `{` or `;` (a selector there,
    // `{a:hover`, has no space after its colon).
    .replace(/([{;][-\w]+):\s+/g, '$1:')
    .replace(/;}/g, '}');
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
        return `css\`${parts.map((p) => (p.startsWith('${') ? p : minifyCssText(p))).join('')}\``;
      });
      return changed ? { code: out, map: null } : null;
    },
  };
}

/**
 * Collapses the indentation of Lit `html` and `svg` templates: in their static parts every run of
 * white space that holds a line break becomes one space, which renders the same (HTML collapses
 * such runs; the elements have no <pre>, <textarea> or `white-space: pre`). Template literals are
 * found with rollup's parser, so nested templates inside `${}` are handled.
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
          for (const quasi of node.quasi.quasis) {
            const raw = quasi.value.raw;
            const small = raw.replace(/\s*\n\s*/g, ' ');
            if (small !== raw) s.overwrite(quasi.start, quasi.end, small);
          }
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
