// Rollup plugin: shrinks the static text of Lit `css` tagged templates (comments, indentation,
// spaces around punctuation). Only the literal parts between `${}` are touched; spaces inside
// values (`calc(a + b)`, `0 0 1px`) and selectors (`a :hover`) are kept.
export function minifyCssText(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};])\s*/g, '$1')
    .replace(/,\s+/g, ',')
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
