import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import terser from '@rollup/plugin-terser';
import { jssipLiteRollup, litLiteRollup, privateNamesRollup, xstateLiteRollup } from './scripts/jssip-lite.mjs';
import { minifyCssLiterals, minifyHtmlLiterals, shortCustomProperties } from './scripts/minify-literals.mjs';

// Rollup bundles the JavaScript that `tsc -p tsconfig.build.json` emitted into dist/esm
// (scripts/build.mjs runs both), so TypeScript is compiled once, by tsc.
// dist/cc-workbench.js registers the elements and is all a page needs up front; the phone core
// (XState, the statechart, the SIP adapter) is dist/cc-phone.js, which the element imports after
// its first paint and which headless users import directly; JsSIP is a chunk of its own.
// dist/cc-supervisor.js: the supervisor module (monitoring, the agent board), loaded only by
// supervisors' pages and by `<cc-workbench supervisor>`; its size is reported on its own.
const esInput = { 'cc-workbench': 'dist/esm/src/define.js', 'cc-phone': 'dist/esm/src/phone.js', 'cc-supervisor': 'dist/esm/src/supervisor.js' };
const iifeInput = 'dist/esm/src/bundle.js';

// JsSIP's `debug`, `events`, package.json and unused MESSAGE/OPTIONS/SUBSCRIBE classes are
// swapped for small stand-ins, what the workbench never runs of JsSIP and XState is left out, and
// XState's and Lit's error messages are shorter (scripts/jssip-lite.mjs); the tests bundle JsSIP
// the same way. The elements' css and html literals are minified and their private custom
// properties (`--_primary`) get short names (scripts/minify-literals.mjs).
const plugins = () => [
  jssipLiteRollup,
  xstateLiteRollup(),
  litLiteRollup(),
  minifyCssLiterals(),
  minifyHtmlLiterals(),
  shortCustomProperties(),
  nodeResolve({ browser: true, preferBuiltins: false }),
  // JsSIP and its helpers are CommonJS; its modules require each other in cycles.
  commonjs({ strictRequires: 'auto' }),
  json(),
  // unsafe / unsafe_comps: shorter builtin calls and comparisons (npm test, including the built
  // bundle's own test, runs on this output); unsafe_math: `Number(x)` becomes `+x` (the same but
  // for a BigInt, and none reaches one). Not pure_new: JsSIP creates server transactions with a
  // bare `new` that registers them. Four passes: a fifth finds nothing more.
  terser({
    ecma: 2020,
    module: true,
    toplevel: true,
    format: { comments: false },
    compress: { passes: 4, unsafe: true, unsafe_comps: true, unsafe_arrows: true, unsafe_methods: true, unsafe_math: true, pure_getters: true },
  }),
];

const configs = [
  {
    input: esInput,
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      sourcemap: true,
    },
    // The supervisor module imports the phone core from dist/cc-phone.js: letting that entry
    // export what it needs keeps the core in one file (else rollup splits it into a shared chunk).
    preserveEntrySignatures: 'allow-extension',
    // After terser: short private member names (JsSIP chunk and phone core; scripts/jssip-lite.mjs).
    plugins: [...plugins(), privateNamesRollup],
  },
  {
    input: iifeInput,
    output: {
      file: 'dist/cc-workbench.iife.js',
      format: 'iife',
      name: 'CcWorkbench',
      // this.CcWorkbench = ...: terser (toplevel) would drop an unused `var CcWorkbench`.
      extend: true,
      inlineDynamicImports: true,
      sourcemap: true,
    },
    plugins: plugins(),
  },
];

// dist/cc-embed.js: the bridge of dist/embed.html, the page a legacy system shows in an iframe
// (the workbench configured from the URL, driven by the host through postMessage). The page
// loads cc-workbench.js itself; the bridge talks to the element only through its public API
// (attributes, methods, events), so it is built alone: as another entry of the build above it
// would pull the modules it shares with the workbench out of cc-workbench.js into a chunk of
// their own, one more request for every agent's first load.
configs.push({
  input: 'dist/esm/src/embed/embed-frame.js',
  output: { file: 'dist/cc-embed.js', format: 'es', sourcemap: true },
  plugins: plugins(),
});

// The host page's side of the embed (dist/embed-client.js, and dist/embed-client.iife.js for
// classic scripts: window.CcEmbed): built alone, so it shares no chunk with the workbench.
configs.push({
  input: 'dist/esm/src/embed/embed-client.js',
  output: [
    { file: 'dist/embed-client.js', format: 'es', sourcemap: true },
    { file: 'dist/embed-client.iife.js', format: 'iife', name: 'CcEmbed', extend: true, sourcemap: true },
  ],
  plugins: plugins(),
});

// The reference SDKs' facades (src/facades/, issue 14): dist/facades/<name>.js and, for pages
// that load the vendor's SDK with a classic script, <name>.iife.js, which defines the same global
// as the reference (window.WorkbenchSdk, window.PhoneKit, ...). Each is built alone like the
// embed client: it drives <cc-workbench> through its public API and loads dist/cc-workbench.js
// itself (next to dist/facades/), so a facade adds nothing to the agent's first load. The IIFE's
// exports also land on window.CcFacades.
export const FACADES = ['workbench-sdk', 'workbench-sdk-v03', 'phone-sdk', 'emic-phonebar', 'phonekit'];
// In the classic scripts `import.meta.url` would be rollup's document.currentScript shim, whose
// variable rollup leaves undeclared when import.meta sits in a module other than the entry; the
// facades read their script's URL themselves (facade-core.ts facadeUrl), so there it is ''.
const classicScriptUrl = {
  name: 'classic-script-url',
  resolveImportMeta(property, { format }) {
    return format === 'iife' && property === 'url' ? '""' : null;
  },
};
for (const name of FACADES) {
  configs.push({
    input: `dist/esm/src/facades/${name}.js`,
    output: [
      { file: `dist/facades/${name}.js`, format: 'es', sourcemap: true },
      { file: `dist/facades/${name}.iife.js`, format: 'iife', name: 'CcFacades', extend: true, inlineDynamicImports: true, sourcemap: true },
    ],
    plugins: [classicScriptUrl, ...plugins()],
  });
}

// `scripts/build.mjs --demo` (npm start) skips the IIFE bundle, which the demo pages do not load.
// The embed page and client go with the ES build (the demo's embed page loads them).
export default process.env.CC_BUILD_ONLY_ESM === '1' ? configs.filter((_, i) => i !== 1) : configs;
