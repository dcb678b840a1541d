import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env.MIP6SCOPE_JSON_REPORT
      ? ['default', ['json', { outputFile: process.env.MIP6SCOPE_JSON_REPORT }]]
      : ['default'],
  },
});
