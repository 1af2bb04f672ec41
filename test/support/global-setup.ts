import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './dist-build.js';

/** Build dist/ once before the tests, so the CLI and agent processes run the current code. */
export default function setup(): void {
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    throw new Error(`the build failed, so the end-to-end tests cannot run:\n${output}`);
  }
}
