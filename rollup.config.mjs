import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import terser from '@rollup/plugin-terser';

// Rollup bundles the JavaScript that `tsc -p tsconfig.build.json` emitted into dist/esm
// (scripts/build.mjs runs both), so TypeScript is compiled once, by tsc.
const input = 'dist/esm/src/bundle.js';

const plugins = () => [
  nodeResolve({ browser: true, preferBuiltins: false }),
  // JsSIP and its helpers are CommonJS; its modules require each other in cycles.
  commonjs({ strictRequires: 'auto' }),
  json(),
  terser({ format: { comments: false }, compress: { passes: 2 } }),
];

export default [
  {
    input,
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: 'cc-workbench.js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      sourcemap: true,
    },
    plugins: plugins(),
  },
  {
    input,
    output: {
      file: 'dist/cc-workbench.iife.js',
      format: 'iife',
      name: 'CcWorkbench',
      inlineDynamicImports: true,
      sourcemap: true,
    },
    plugins: plugins(),
  },
];
