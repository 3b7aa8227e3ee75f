// The production bundle and the test bundle of JsSIP both swap a few of its modules for smaller
// stand-ins (src/sip/lite/: debug, events, sdp-transform, its PEG.js grammar, package.json), so
// the tests exercise exactly the JsSIP that ships. test/sip/*.test.mjs compare the grammar and
// sdp-transform stand-ins with the originals.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

/** Rollup plugin. */
export const jssipLiteRollup = {
  name: 'jssip-lite',
  resolveId: (source, importer) => resolveJssipLite(source, importer),
  load: (id) => (id === JSSIP_PACKAGE_ID ? jssipPackageSource : null),
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
  },
};
