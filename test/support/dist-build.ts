/**
 * Tests that start OS processes (the CLI, live agents) run the compiled JS in dist/. The build
 * happens once, in vitest's global setup (test/support/global-setup.ts), before any test file.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const DIST_LIVE_CLI = join(ROOT, 'dist/cli/live.js');
export const DIST_MAIN = join(ROOT, 'dist/cli/main.js');
