import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBaselineJson, formatChanges, withExpected } from '../../src/check/update.js';
import { ROOT } from '../support/dist-build.js';

const data = {
  description: 'short',
  scenario: '../renater-vivaldi.yaml',
  overrides: ['durationS=120', 'faults=[]'],
  seeds: [1, 2],
  checks: [
    { metric: 'vivaldi.median_rel_error', expected: 0.07, tolerance: { relative: 0.1 }, direction: 'lower-is-better' },
    { metric: 'messages.sent', expected: 100, tolerance: { absolute: 5 }, direction: 'two-sided' },
  ],
};

describe('updating a baseline', () => {
  it('replaces only the expected values, at full precision, and keeps field order, tolerance and direction', () => {
    const updated = withExpected(data, new Map([['vivaldi.median_rel_error', 0.06823440639206345]]));
    expect(updated).toEqual({ ...data, checks: [{ ...data.checks[0], expected: 0.06823440639206345 }, data.checks[1]] });
    expect(Object.keys(updated)).toEqual(Object.keys(data));
    expect(JSON.parse(formatBaselineJson(updated))).toEqual(updated);
  });

  it('writes one field per line, plain lists inline and each check on a line of its own', () => {
    expect(formatBaselineJson(data)).toBe(
      [
        '{',
        '  "description": "short",',
        '  "scenario": "../renater-vivaldi.yaml",',
        '  "overrides": ["durationS=120", "faults=[]"],',
        '  "seeds": [1, 2],',
        '  "checks": [',
        '    { "metric": "vivaldi.median_rel_error", "expected": 0.07, "tolerance": { "relative": 0.1 }, "direction": "lower-is-better" },',
        '    { "metric": "messages.sent", "expected": 100, "tolerance": { "absolute": 5 }, "direction": "two-sided" }',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('keeps the committed baselines in the layout --update writes', () => {
    const dir = join(ROOT, 'scenarios/baselines');
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const text = readFileSync(join(dir, name), 'utf8');
      expect(formatBaselineJson(JSON.parse(text)), name).toBe(text);
    }
  });

  it('shows old -> new per metric with the relative change', () => {
    const text = formatChanges([
      { baseline: 'renater', metric: 'vivaldi.median_rel_error', old: 0.07, new: 0.0682344 },
      { baseline: 'renater', metric: 'messages.sent', old: 64_511.5, new: 64_511.5 },
    ]);
    expect(text).toBe(
      'renater  vivaldi.median_rel_error  0.07 -> 0.06823  (-2.52%)\n' + 'renater  messages.sent             64511.5 -> 64511.5  (unchanged)\n',
    );
  });
});
