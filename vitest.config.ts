import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Vitest's default (cores - 1) is one worker on a 2-core machine, which then waits on the CLI
    // and agent processes its tests spawn while the other core idles; two workers keep both busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
