import { readFileSync } from 'node:fs';

/**
 * The element's command methods are installed from one list (src/compat/phone-methods.ts), which
 * the analyzer cannot follow: this lists them on <cc-workbench> with the description of the
 * `Phone` method each one forwards to (src/phone.ts), so the manifest documents them.
 */
function phoneMethods() {
  const list = readFileSync(new URL('./src/compat/phone-methods.ts', import.meta.url), 'utf8');
  const phone = readFileSync(new URL('./src/phone.ts', import.meta.url), 'utf8');
  const block = /PHONE_COMMANDS = \[([^\]]*)\]/.exec(list)?.[1] ?? '';
  const names = [...block.matchAll(/'(\w+)'/g)].map((m) => m[1]);
  return [...names, 'getStatusCode'].map((name) => {
    const doc = new RegExp(`/\\*\\*\\s*((?:[^*]|\\*(?!/))*?)\\s*\\*/\\s*\n\\s*(?:async\\s+)?${name}\\(([^)]*)\\)`).exec(phone);
    if (!doc) throw new Error(`custom-elements-manifest.config.mjs: no JSDoc for Phone.${name} in src/phone.ts`);
    const description = doc[1].replace(/^\*\s*/, '').replace(/\s*\n\s*\*\s*/g, ' ').trim();
    const parameters = doc[2]
      .split(',')
      .map((p) => p.trim().split(/[?:=\s]/)[0])
      .filter(Boolean)
      .map((p) => ({ name: p }));
    return { kind: 'method', name, description, ...(parameters.length ? { parameters } : {}) };
  });
}

// custom-elements.json is committed and `npm test` fails when it is stale
// (scripts/check-manifest.mjs); `npm run manifest` rewrites it with this config.
export default {
  globs: ['elements/**/*.ts', 'src/events/**/*.ts'],
  exclude: ['**/*.styles.ts', '**/*.test.ts'],
  outdir: '.',
  litelement: true,
  // package.json states `customElements` itself: the analyzer must never rewrite package.json.
  packagejson: false,
  plugins: [
    {
      name: 'cc-phone-methods',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const decl of mod.declarations ?? []) {
            if (decl.tagName === 'cc-workbench') decl.members = [...(decl.members ?? []), ...phoneMethods()];
          }
        }
      },
    },
    {
      // Modules in path order, not in the file system's listing order, so that every machine
      // writes the same file and the staleness check compares text.
      name: 'cc-sort-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
    },
  ],
};
