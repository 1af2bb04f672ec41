import { describe, expect, it } from 'vitest';
import type { RunFolder } from '../../src/plot/run-folder.js';
import { groupRuns } from '../../src/plot/run-groups.js';
import { scenarioDifferences } from '../../src/plot/scenario-differences.js';

/** A results folder as read, with only what grouping reads: its folder, scenario and seed. */
function run(dir: string, scenario: Record<string, unknown>): RunFolder {
  const seed = Number(scenario.seed);
  return { dir, scenarioName: String(scenario.name), seed, scenario, series: new Map(), nodeValues: new Map(), coordinates: null };
}

const BASE = {
  name: 'renater-vivaldi',
  seed: 1,
  durationS: 60,
  output: { dir: 'results/x' },
  protocols: { vivaldi: { dimensions: 2, useHeight: true }, gossip: { viewSize: 20 } },
  faults: [{ kind: 'link-down', atS: 30, durationS: 10, link: ['Paris', 'Lyon'] }],
};

const labelsOf = (runs: RunFolder[], labels?: string[]): string[] => groupRuns(runs, labels).map((g) => g.label);

describe('legend labels of groups of runs', () => {
  it('names the fields whose values differ, as path=value, and nothing the runs share', () => {
    const runs = [run('a', BASE), run('b', { ...BASE, protocols: { ...BASE.protocols, vivaldi: { dimensions: 8, useHeight: true } } })];
    expect(labelsOf(runs)).toEqual(['protocols.vivaldi.dimensions=2', 'protocols.vivaldi.dimensions=8']);
  });

  it('shortens the paths to their last segments when the full ones would pass 60 characters', () => {
    const two = [run('a', BASE), run('b', { ...BASE, protocols: { vivaldi: { dimensions: 8, useHeight: true }, gossip: { viewSize: 300 } } })];
    expect(labelsOf(two)).toEqual(['gossip.viewSize=20, vivaldi.dimensions=2', 'gossip.viewSize=300, vivaldi.dimensions=8']);
    const three = [run('a', BASE), run('b', { ...BASE, protocols: { vivaldi: { dimensions: 8, useHeight: false }, gossip: { viewSize: 30 } } })];
    expect(labelsOf(three)).toEqual(['viewSize=20, dimensions=2, useHeight=true', 'viewSize=30, dimensions=8, useHeight=false']);
  });

  it('names the scenario when names differ, and the seed only when seeds differ', () => {
    expect(labelsOf([run('a', BASE), run('b', { ...BASE, name: 'renater-chord' })])).toEqual(['renater-vivaldi', 'renater-chord']);
    const fields = [run('a', BASE), run('b', { ...BASE, seed: 2, durationS: 120 })];
    expect(labelsOf(fields)).toEqual(['durationS=60, seed 1', 'durationS=120, seed 2']);
  });

  it('groups runs differing only by seed, and names a lone run its seed beside the group', () => {
    const groups = groupRuns([run('s1', BASE), run('s2', { ...BASE, seed: 2 }), run('d8', { ...BASE, seed: 1, durationS: 90 })]);
    expect(groups.map((g) => [g.label, g.runs.map((r) => r.dir)])).toEqual([
      ['durationS=60', ['s1', 's2']],
      ['durationS=90, seed 1', ['d8']],
    ]);
  });

  it('walks fault lists of one length item by item, and summarises lists of different lengths by their kinds', () => {
    expect(labelsOf([run('a', BASE), run('b', { ...BASE, faults: [{ ...BASE.faults[0], atS: 40 }] })])).toEqual(['faults[0].atS=30', 'faults[0].atS=40']);
    expect(labelsOf([run('a', BASE), run('b', { ...BASE, faults: [] })])).toEqual(['faults=[link-down]', 'faults=[]']);
  });

  it('falls back to the folder only when nothing differs (two runs of one scenario and seed)', () => {
    const groups = groupRuns([run('main/seed-1', BASE), run('branch/seed-1', BASE)]);
    expect(groups.map((g) => g.label)).toEqual(['main/seed-1', 'branch/seed-1']);
  });

  it('names a single run by its scenario', () => {
    expect(labelsOf([run('results/renater-vivaldi/seed-1', BASE)])).toEqual(['renater-vivaldi']);
  });

  it('takes the labels given, one group per label in the order first given', () => {
    const runs = [run('a1', BASE), run('b1', { ...BASE, durationS: 90 }), run('a2', { ...BASE, seed: 2 })];
    const groups = groupRuns(runs, ['A', 'B', 'A']);
    expect(groups.map((g) => [g.label, g.runs.map((r) => r.dir)])).toEqual([
      ['A', ['a1', 'a2']],
      ['B', ['b1']],
    ]);
  });

  it('ignores the key order of objects when comparing', () => {
    expect(scenarioDifferences([{ p: { a: 1, b: 2 } }, { p: { b: 2, a: 1 } }])).toEqual([]);
    expect(scenarioDifferences([{ p: { a: 1 } }, { p: { a: 1, b: 2 } }])).toEqual([{ path: 'p.b', values: ['-', '2'] }]);
  });
});
