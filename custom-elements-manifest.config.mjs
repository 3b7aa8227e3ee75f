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
      // Modules in path order, not in the file system's listing order, so that every machine
      // writes the same file and the staleness check compares text.
      name: 'cc-sort-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
    },
  ],
};
