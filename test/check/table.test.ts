import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/check/compare.js';
import { formatChange, formatNumber, formatResults, formatTolerance, formatVerdictLine } from '../../src/check/table.js';

const results: CheckResult[] = [
  { baseline: 'renater', metric: 'vivaldi.median_rel_error', expected: 0.068234, got: 0.14844, tolerance: { relative: 0.1 }, direction: 'lower-is-better', verdict: 'REGRESSION' },
  { baseline: 'renater', metric: 'messages.sent', expected: 64_511.5, got: 64_511.5, tolerance: { relative: 0.01 }, direction: 'two-sided', verdict: 'ok' },
  { baseline: 'planetlab-2d', metric: 'vivaldi.p90_rel_error', expected: 0.3357, got: 0.3, tolerance: { absolute: 0.02 }, direction: 'lower-is-better', verdict: 'improved' },
];

describe('the check table', () => {
  it('shows numbers to four significant digits and counts in full', () => {
    expect(formatNumber(0.06823440639206345)).toBe('0.06823');
    expect(formatNumber(64_511)).toBe('64511');
    expect(formatNumber(64_511.25)).toBe('64511.3');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });

  it('shows the bad direction in the tolerance: + for lower-is-better, - for higher-is-better, ± for two-sided', () => {
    expect(formatTolerance({ relative: 0.1 }, 'lower-is-better')).toBe('+10%');
    expect(formatTolerance({ absolute: 0.005 }, 'higher-is-better')).toBe('-0.005');
    expect(formatTolerance({ relative: 0.01 }, 'two-sided')).toBe('±1%');
  });

  it('shows the change relative to the expected value, absolute when that is 0', () => {
    expect(formatChange(0.08, 0.088)).toBe('+10.00%');
    expect(formatChange(0.08, 0.08)).toBe('0');
    expect(formatChange(0, 0.5)).toBe('+0.5');
  });

  it('aligns one row per metric under a header with baseline, metric, expected, got, tolerance and verdict', () => {
    const lines = formatResults(results).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0].split(/\s+/)).toEqual(['baseline', 'metric', 'expected', 'got', 'change', 'tolerance', 'verdict']);
    expect(lines[1]).toMatch(/^-+( +-+){6}$/);
    expect(lines[2].split(/\s+/)).toEqual(['renater', 'vivaldi.median_rel_error', '0.06823', '0.1484', '+117.55%', '+10%', 'REGRESSION']);
    expect(lines[3]).toMatch(/ ok$/);
    expect(lines[2].indexOf('REGRESSION')).toBe(lines[0].indexOf('verdict'));
    expect(lines[2].indexOf('+10%') + '+10%'.length).toBe(lines[0].indexOf('tolerance') + 'tolerance'.length);
  });

  it('closes with the count of each verdict and a hint to update improved values', () => {
    expect(formatVerdictLine(results)).toBe(
      '3 check(s): 1 ok, 1 improved, 1 REGRESSION\nimproved beyond tolerance: `luc check --update` records the new values\n',
    );
    expect(formatVerdictLine(results.slice(1, 2))).toBe('1 check(s): 1 ok, 0 improved, 0 REGRESSION\n');
  });
});
