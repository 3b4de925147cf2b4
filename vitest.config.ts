import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // every compiled response serialisation is checked against zod's output (src/platform/serialize.ts)
    setupFiles: ['test/helpers/setup.ts'],
  },
});
