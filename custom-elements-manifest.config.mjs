export default {
  globs: ['elements/**/*.ts', 'src/events/**/*.ts'],
  exclude: ['**/*.styles.ts', '**/*.test.ts'],
  outdir: '.',
  litelement: true,
};
