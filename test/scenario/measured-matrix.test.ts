import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { buildWorld } from '../../src/scenario/build-world.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { truthRttMs } from '../../src/scenario/probes/overlay-probes.js';
import { ROOT } from '../support/dist-build.js';
import { perturbRttMatrix } from '../support/perturbed-matrix.js';

/**
 * Vivaldi on planetlab-490 with its two directions perturbed by up to 20% each and holes
 * (10% of pairs in neither direction, 5% in one), marked NaN, blank and -1: the run delivers
 * every message and scores over the measured pairs only.
 */
describe('Vivaldi on an asymmetric planetlab-490 with holes', () => {
  let dir = '';
  let scenarioFile = '';
  let unmeasuredPairs = 0;
  let unmeasured: [number, number] = [-1, -1];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-measured-'));
    const text = perturbRttMatrix(readFileSync(join(ROOT, 'topologies/planetlab-490.tsv'), 'utf8'));
    writeFileSync(join(dir, 'perturbed.tsv'), text);
    // Counted from the text, apart from the loader: a pair is unmeasured when both its cells are markers.
    const cells = text.trimEnd().split('\n').map((line) => line.split('\t'));
    const marker = (cell: string): boolean => cell === 'NaN' || cell === '' || cell === '-1';
    for (let i = 0; i < cells.length; i++) {
      for (let j = i + 1; j < cells.length; j++) {
        if (!(marker(cells[i][j]) && marker(cells[j][i]))) continue;
        unmeasuredPairs++;
        if (unmeasured[0] < 0) unmeasured = [i, j];
      }
    }
    scenarioFile = join(dir, 'scenario.yaml');
    writeFileSync(
      scenarioFile,
      [
        'name: perturbed-vivaldi',
        'seed: 1',
        'durationS: 200',
        "topology: { kind: matrix, file: perturbed.tsv, unit: ms, missing: ['NaN', '', -1] }",
        'protocols:',
        '  gossip: { viewSize: 20, periodMs: 5000 }',
        '  vivaldi: { dimensions: 2, height: true, periodMs: 1000 }',
        'metrics: { intervalS: 200, pairSampleMax: 200000 }',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has about 10% of its 119,805 pairs measured in neither direction', () => {
    expect(unmeasuredPairs / 119_805).toBeGreaterThan(0.09);
    expect(unmeasuredPairs / 119_805).toBeLessThan(0.11);
  });

  it('delivers between an unmeasured pair along measured ones, but gives it no true RTT', () => {
    const world = buildWorld(loadScenario(scenarioFile), scenarioFile);
    const [a, b] = unmeasured;
    expect(world.network.isMeasuredPair(a, b)).toBe(false);
    expect(world.network.latencyUs(a, b)).toBeGreaterThan(0);
    expect(truthRttMs(world.network)(a, b)).toBeNaN();
    expect(world.network.isMeasuredPair(0, 1)).toBe(true);
    expect(truthRttMs(world.network)(0, 1)).toBe((world.network.latencyUs(0, 1) + world.network.latencyUs(1, 0)) / 1000);
  });

  it('scores every measured pair and no other, below 15% median relative error after 200 rounds (measured: 12.7%)', () => {
    const finals = runScenario(loadScenario(scenarioFile), scenarioFile).series.finalValues();
    expect(finals['vivaldi.pairs_measured']).toBe(119_805 - unmeasuredPairs);
    expect(finals['vivaldi.median_rel_error']).toBeLessThan(0.15);
    expect(finals['vivaldi.median_rel_error']).toBeGreaterThan(0);
  });
});
