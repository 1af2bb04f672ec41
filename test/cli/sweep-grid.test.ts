import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/exit-codes.js';
import { expandGrid, parseParamOption, pointId, pointOverrides, runDir, runOverrides, sweepSeeds } from '../../src/cli/sweep/grid.js';
import { formatDuration, progressText } from '../../src/cli/sweep/progress.js';
import { shellJoin } from '../../src/cli/shell-quote.js';

describe('--param parsing', () => {
  it('reads values as YAML scalars, as --set does: numbers, booleans, null and strings', () => {
    expect(parseParamOption('protocols.vivaldi.dimensions=2,3,5')).toEqual({ path: 'protocols.vivaldi.dimensions', values: [2, 3, 5] });
    expect(parseParamOption('protocols.vivaldi.height=true,false').values).toEqual([true, false]);
    expect(parseParamOption('topology.bandwidthBps=10e9,1.5e9').values).toEqual([10e9, 1.5e9]);
    expect(parseParamOption('protocols.gossip=null').values).toEqual([null]);
    expect(parseParamOption('topology.file=a.tsv, b.tsv').values).toEqual(['a.tsv', 'b.tsv']);
  });

  it('keeps commas inside quotes', () => {
    expect(parseParamOption(`name="a,b",'c,d',e`).values).toEqual(['a,b', 'c,d', 'e']);
  });

  it('reads JSON lists and objects as values, keeping the commas inside brackets and braces', () => {
    const crash = { kind: 'host-crash', atS: 5, host: 1, durationS: 5 };
    expect(parseParamOption(`faults=[],[${JSON.stringify(crash)}]`)).toEqual({ path: 'faults', values: [[], [crash]] });
    expect(parseParamOption('protocols.vivaldi={"dimensions":2},{"dimensions":3,"periodMs":250}').values).toEqual([{ dimensions: 2 }, { dimensions: 3, periodMs: 250 }]);
    expect(parseParamOption('hosts.perPop={ rule: fixed, count: 2 },{ rule: degree, perLink: 2, min: 2 }').values).toEqual([
      { rule: 'fixed', count: 2 },
      { rule: 'degree', perLink: 2, min: 2 },
    ]);
    expect(parseParamOption('name="a]b",[1, "x,]"]').values).toEqual(['a]b', [1, 'x,]']]);
  });

  it('rejects a missing =, an empty value, a repeated value and unbalanced brackets, each error naming --param', () => {
    expect(() => parseParamOption('protocols.vivaldi.dimensions')).toThrow(UsageError);
    expect(() => parseParamOption('=1,2')).toThrow(UsageError);
    expect(() => parseParamOption('a=1,,2')).toThrow(/empty value/);
    expect(() => parseParamOption('a=1,2,1')).toThrow(/given twice/);
    expect(() => parseParamOption('faults=[],[]')).toThrow(/^--param faults=\[\],\[\]: value \[\] is given twice$/);
    expect(() => parseParamOption('faults=[{"kind":"x"}')).toThrow(/^--param faults=\[\{"kind":"x"\}: unclosed '\['$/);
    expect(() => parseParamOption('faults=[}]')).toThrow(/^--param faults=\[\}\]: unbalanced '\}'$/);
    expect(() => parseParamOption('a="x')).toThrow(/^--param a="x: unclosed "$/);
  });
});

describe('grid expansion', () => {
  const dims = { path: 'protocols.vivaldi.dimensions', values: [2, 3, 5] };
  const view = { path: 'protocols.gossip.viewSize', values: [10, 20] };

  it('is the cartesian product in grid order, the first parameter varying slowest', () => {
    const points = expandGrid([dims, view]);
    expect(points).toHaveLength(6);
    expect(points.map((p) => p.id)).toEqual(['p000', 'p001', 'p002', 'p003', 'p004', 'p005']);
    expect(points.map((p) => [p.params['protocols.vivaldi.dimensions'], p.params['protocols.gossip.viewSize']])).toEqual([
      [2, 10], [2, 20], [3, 10], [3, 20], [5, 10], [5, 20],
    ]);
  });

  it('has one point without parameters (seeds only)', () => {
    expect(expandGrid([])).toEqual([{ id: 'p000', params: {} }]);
  });

  it('widens the point ids past 1000 points, so they still sort in grid order', () => {
    expect(pointId(7, 1000)).toBe('p007');
    expect(pointId(7, 1001)).toBe('p0007');
    expect(expandGrid([{ path: 'a', values: Array.from({ length: 40 }, (_, k) => k) }, { path: 'b', values: Array.from({ length: 30 }, (_, k) => k) }]).at(-1)?.id).toBe('p1199');
  });

  it('rejects a path swept twice, and the seed (swept by --seeds)', () => {
    expect(() => expandGrid([dims, { ...dims, values: [8] }])).toThrow(/swept twice/);
    expect(() => expandGrid([{ path: 'seed', values: [1, 2] }])).toThrow(/--seeds/);
  });

  it('gives seeds from the scenario seed on, and bounds their number', () => {
    expect(sweepSeeds(42, 5)).toEqual([42, 43, 44, 45, 46]);
    expect(() => sweepSeeds(42, 0)).toThrow(UsageError);
    expect(() => sweepSeeds(42, 10_001)).toThrow(UsageError);
  });

  it("makes each run's overrides: the sweep's --set, the point's values (read back as the same scalars), then the seed", () => {
    const point = { id: 'p001', params: { 'protocols.vivaldi.dimensions': 3, name: 'x-1', 'protocols.vivaldi.height': false } };
    const overrides = runOverrides(['durationS=20', 'faults=[]'], point, 43);
    expect(overrides).toEqual(['durationS=20', 'faults=[]', 'protocols.vivaldi.dimensions=3', 'name="x-1"', 'protocols.vivaldi.height=false', 'seed=43']);
    for (const text of pointOverrides(point)) {
      const [path, value] = [text.slice(0, text.indexOf('=')), text.slice(text.indexOf('=') + 1)];
      expect(parseYaml(value)).toEqual(point.params[path as keyof typeof point.params]);
    }
    expect(runDir('/s', 'p001', 43)).toBe('/s/runs/p001/seed-43');
  });
});

describe('sweep progress line', () => {
  it('shows runs done of total, failures and an ETA from the runs of this session', () => {
    expect(progressText(12, 30, 0, 6, 6)).toBe('12/30 runs  6 s elapsed  ETA 18 s');
    expect(progressText(10, 30, 2, 100, 10)).toBe('10/30 runs  2 failed  1m40s elapsed  ETA 3m20s');
    expect(progressText(5, 30, 0, 0.2, 0)).toBe('5/30 runs  0 s elapsed  ETA ?');
    expect(progressText(30, 30, 0, 9, 30)).toMatch(/ETA 0 s$/);
    expect(formatDuration(7380)).toBe('2h03m');
  });
});

describe('shell quoting of recorded command lines', () => {
  it('quotes only what a shell would split or expand', () => {
    expect(shellJoin(['luc', 'run', 'a.yaml', '--set', 'faults=[]', '--set', "name=it's", '--set', 'x=1'])).toBe(
      `luc run a.yaml --set 'faults=[]' --set 'name=it'\\''s' --set x=1`,
    );
  });
});
