/**
 * The unchanged Vivaldi stack on the live runtime: 8 agent OS processes on loopback, the latency
 * of an 8-row PlanetLab subset emulated by the shim (fixtures/README.md), scored at the end
 * against that matrix. Runs the compiled agents in dist/ (built here if missing or stale).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinateMedianRelativeError } from '../../../src/cli/live.js';
import { loadRttMatrix } from '../../../src/platform/rtt-matrix.js';
import type { AgentReport } from '../../../src/runtime/live/agent.js';
import { launchAgents, type LaunchResult } from '../../../src/runtime/live/launcher.js';
import { DIST_LIVE_CLI } from '../../support/dist-build.js';

const MATRIX_FILE = fileURLToPath(new URL('./fixtures/planetlab-8.tsv', import.meta.url));
const AGENTS = 8;
const DURATION_S = 20;
const SEED = 1;

describe('live Vivaldi on 8 agent processes', () => {
  const abort = new AbortController();
  let outDir = '';
  let passed = false;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'luc-live-'));
  }, 60_000);

  // Whatever happened, no agent outlives the test (SIGTERM now, SIGKILL after the grace).
  afterAll(() => {
    abort.abort();
    // A failed run keeps peers.json, agent-<i>.json and agent-<i>.log for inspection.
    if (outDir !== '' && passed && !process.env.LUC_KEEP_LIVE_OUTPUT) rmSync(outDir, { recursive: true, force: true });
  });

  it(`converge below 25% median relative error against the matrix within ${DURATION_S} s (Vivaldi period 100 ms)`, async () => {
    const startMs = performance.now();
    const result: LaunchResult = await launchAgents(
      {
        agents: AGENTS,
        host: '127.0.0.1',
        matrixFile: MATRIX_FILE,
        durationS: DURATION_S,
        outDir,
        seed: SEED,
        agentCommand: [process.execPath, DIST_LIVE_CLI, 'live', 'agent'],
        agentArgs: ['--vivaldi-period-ms', '100', '--gossip-period-ms', '200'],
        // Each agent runs DURATION_S from its own start; on a busy machine some load seconds late, and
        // the launcher's deadline counts from the launch: give them time to finish on their own.
        graceMs: 30_000,
      },
      abort.signal,
    );
    const wallS = (performance.now() - startMs) / 1000;
    expect(result.exits, `agent logs in ${outDir}`).toEqual(Array(AGENTS).fill(0));
    expect(statSync(result.keyFile).mode & 0o777).toBe(0o600); // a fresh cluster key, the owner's only
    const reports = result.reports as AgentReport[];
    expect(reports.every((r) => r !== null && r.stoppedBy === 'duration')).toBe(true);
    for (const report of reports) {
      expect(report.counters['messages.delivered']).toBeGreaterThan(100);
      expect(report.counters['live.datagrams.dropped'] ?? 0).toBe(0); // authenticated, none replayed or refused
      expect(report.counters['live.timer.errors'] ?? 0).toBe(0);
    }
    const matrix = loadRttMatrix(MATRIX_FILE, { unit: 'ms' });
    const medianError = coordinateMedianRelativeError(matrix, reports);
    console.log(`live Vivaldi: ${AGENTS} agents, seed ${SEED}, median relative error ${(100 * medianError).toFixed(1)}%, wall ${wallS.toFixed(1)} s`);
    expect(medianError).toBeLessThan(0.25);
    passed = true;
  }, 90_000);
});
