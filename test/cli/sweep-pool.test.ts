import { describe, expect, it } from 'vitest';
import { runInWorkers } from '../../src/cli/sweep/worker-pool.js';
import type { RunOutcome } from '../../src/cli/sweep/worker-protocol.js';

const FLAKY = new URL('./fixtures/flaky-worker.mjs', import.meta.url);
const CODE = { package: '0.0.0', gitCommit: null, node: process.version };

function run(tasks: string[], jobs: number): Promise<Map<string, RunOutcome>> {
  const outcomes = new Map<string, RunOutcome>();
  return runInWorkers(tasks, {
    jobs,
    code: CODE,
    workerUrl: FLAKY,
    toMessage: (task) => ({ scenarioFile: 'x.yaml', overrides: [], outDir: `/out/${task}`, commandLine: '' }),
    onDone: (task, outcome) => outcomes.set(task, outcome),
  }).then(() => outcomes);
}

describe('sweep worker pool', () => {
  it('gives every task an outcome when workers crash or exit, replacing them so the other runs go on', async () => {
    const outcomes = await run(['a', 'b-throw', 'c', 'd-exit', 'e', 'f', 'g'], 2);
    expect([...outcomes.keys()].sort()).toEqual(['a', 'b-throw', 'c', 'd-exit', 'e', 'f', 'g']);
    expect(outcomes.get('b-throw')).toMatchObject({ ok: false, error: 'the worker thread crashed: boom in worker' });
    expect(outcomes.get('d-exit')).toMatchObject({ ok: false, error: 'the worker thread exited with code 7' });
    for (const ok of ['a', 'c', 'e', 'f', 'g']) expect(outcomes.get(ok)?.ok).toBe(true);
  });

  it('resolves at once without tasks, and with more workers than tasks', async () => {
    expect((await run([], 4)).size).toBe(0);
    expect((await run(['only'], 8)).get('only')?.ok).toBe(true);
  });
});
