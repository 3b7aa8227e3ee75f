// The production bundle and the test bundle of JsSIP both swap a few of its modules for smaller
// stand-ins (src/sip/lite/: debug, events, sdp-transform, its PEG.js grammar, package.json), so
// the tests exercise exactly the JsSIP that ships. test/sip/*.test.mjs compare the grammar and
// sdp-transform stand-ins with the originals.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import MagicString from 'magic-string';

const lite = (name) => fileURLToPath(new URL(`../src/sip/lite/${name}`, import.meta.url));
const jssipPackage = JSON.parse(readFileSync(new URL('../node_modules/jssip/package.json', import.meta.url), 'utf8'));

/** The JsSIP package.json reduced to the two fields JsSIP reads (the whole file is 1.5 KiB). */
// A virtual module (no file on disk) with a real-looking path, so the CommonJS plugin converts it.
export const JSSIP_PACKAGE_ID = lite('jssip-package.virtual.cjs');
export const jssipPackageSource = `module.exports = ${JSON.stringify({ title: jssipPackage.title, version: jssipPackage.version })};`;

const replaced = {
  debug: lite('debug.cjs'),
  events: lite('events.cjs'),
  './Message': lite('unsupported.cjs'),
  './Options': lite('unsupported.cjs'),
  './Subscriber': lite('unsupported.cjs'),
  './Notifier': lite('unsupported.cjs'),
  './Grammar': lite('grammar.cjs'),
  '../Grammar': lite('grammar.cjs'),
  'sdp-transform': lite('sdp-transform.cjs'),
  '../package.json': JSSIP_PACKAGE_ID,
};

/** Where `source`, required from `importer`, resolves to in the lite JsSIP, or null to leave it. */
export function resolveJssipLite(source, importer) {
  if (!importer || !/[\\/]node_modules[\\/]jssip[\\/]/.test(importer)) return null;
  return replaced[source] ?? null;
}

// JsSIP's debug lines with a fixed text ('emit "progress"', 'terminate()', ...: about 150) go; the
// ones that carry values (every SIP message sent and received, dialog ids, ...) and every warning
// and error stay. Each becomes `void 0;`, which is safe where it was the body of an `if`.
const FIXED_DEBUG = /\blogger\.debug\((?:'[^'\\\n]*'|"[^"\\\n]*"|`[^`\\$]*`)\);/g;
const JSSIP_LIB = /[\\/]node_modules[\\/]jssip[\\/]lib[\\/].*\.js$/;

/** `code` of a JsSIP module without its fixed-text debug lines, with a source map. */
export function stripFixedDebug(code) {
  const s = new MagicString(code);
  for (const m of code.matchAll(FIXED_DEBUG)) s.overwrite(m.index, m.index + m[0].length, 'void 0;');
  return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: true }) } : null;
}

/** Rollup plugin. */
export const jssipLiteRollup = {
  name: 'jssip-lite',
  resolveId: (source, importer) => resolveJssipLite(source, importer),
  load: (id) => (id === JSSIP_PACKAGE_ID ? jssipPackageSource : null),
  transform: (code, id) => (JSSIP_LIB.test(id) ? stripFixedDebug(code) : null),
};

/** esbuild plugin. */
export const jssipLiteEsbuild = {
  name: 'jssip-lite',
  setup(build) {
    build.onResolve({ filter: /^(debug|events|sdp-transform|\.\.?\/Grammar|\.\/(Message|Options|Subscriber|Notifier)|\.\.\/package\.json)$/ }, (args) => {
      const path = resolveJssipLite(args.path, args.importer);
      if (!path) return undefined;
      return path === JSSIP_PACKAGE_ID ? { path, namespace: 'jssip-lite' } : { path };
    });
    build.onLoad({ filter: /.*/, namespace: 'jssip-lite' }, () => ({ contents: jssipPackageSource, loader: 'js' }));
    build.onLoad({ filter: JSSIP_LIB }, (args) => {
      const code = readFileSync(args.path, 'utf8');
      return { contents: stripFixedDebug(code)?.code ?? code, loader: 'js' };
    });
  },
};
