// @web/test-runner in Debian's Chromium (never a downloaded browser).
import { mkdirSync } from 'node:fs';
import { build } from 'esbuild';
import { chromeLauncher } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeArgs, CHROMIUM } from './scripts/chromium.mjs';

// JsSIP is CommonJS with circular requires, which a per-file dev server cannot convert;
// esbuild bundles it once into one ES module that the tests import as 'jssip'.
mkdirSync('.cache', { recursive: true });
await build({
  entryPoints: ['jssip'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  outfile: '.cache/jssip.esm.js',
  logLevel: 'warning',
});

/** @type {import('@web/test-runner').TestRunnerPlugin} */
const jssipBundle = {
  name: 'jssip-bundle',
  resolveImport({ source }) {
    if (source === 'jssip') return '/.cache/jssip.esm.js';
    return undefined;
  },
};

// Facts the test harness (scripts/test.mjs) learned when it started servers, e.g. the SIP URL.
const env = JSON.parse(process.env.CC_TEST_ENV ?? '{}');

export default {
  nodeResolve: { browser: true, exportConditions: ['browser'] },
  rootDir: '.',
  concurrency: 1,
  testsFinishTimeout: 20 * 60 * 1000,
  browserStartTimeout: 60_000,
  testFramework: { config: { timeout: 30_000 } },
  groups: [
    { name: 'machines', files: 'test/machines/**/*.test.ts' },
    { name: 'unit', files: ['test/sip/**/*.test.ts', 'test/src/**/*.test.ts'] },
    { name: 'elements', files: 'test/elements/**/*.test.ts' },
    { name: 'e2e', files: 'test/e2e/**/*.test.ts', testFramework: { config: { timeout: 90_000 } } },
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: CHROMIUM, headless: true, args: chromeArgs({ media: true }) },
    }),
  ],
  plugins: [jssipBundle, esbuildPlugin({ ts: true, target: 'es2021', tsconfig: './tsconfig.json' })],
  testRunnerHtml: (testFramework) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"></head>
<body>
<script>window.__CC_ENV__ = ${JSON.stringify(env)};</script>
<script type="module" src="${testFramework}"></script>
</body></html>`,
};
