import { describe, expect, it } from 'vitest';
import type { MetricCheck } from '../../src/check/baseline.js';
import { allowedDeviation, compareBaseline, mean, meansOver, verdictOf } from '../../src/check/compare.js';

const check = (direction: MetricCheck['direction'], tolerance: MetricCheck['tolerance'] = { relative: 0.1 }): MetricCheck => ({
  metric: 'vivaldi.median_rel_error',
  expected: 0.08,
  tolerance,
  direction,
});

describe('verdicts against a baseline', () => {
  it('accepts a relative tolerance of 10% of the expected value on either side, bounds included', () => {
    expect(allowedDeviation(0.08, { relative: 0.1 })).toBeCloseTo(0.008, 12);
    expect(allowedDeviation(-50, { relative: 0.1 })).toBe(5);
    expect(verdictOf(check('lower-is-better'), 0.087)).toBe('ok');
    expect(verdictOf(check('lower-is-better'), 0.073)).toBe('ok');
    expect(verdictOf(check('lower-is-better', { absolute: 0.01 }), 0.09)).toBe('ok');
  });

  it('calls a lower-is-better error that rises beyond tolerance a REGRESSION and one that falls beyond it improved', () => {
    expect(verdictOf(check('lower-is-better'), 0.09)).toBe('REGRESSION');
    expect(verdictOf(check('lower-is-better'), 0.07)).toBe('improved');
    expect(verdictOf(check('lower-is-better', { absolute: 0.005 }), 0.0851)).toBe('REGRESSION');
  });

  it('mirrors this for higher-is-better metrics', () => {
    expect(verdictOf(check('higher-is-better'), 0.07)).toBe('REGRESSION');
    expect(verdictOf(check('higher-is-better'), 0.09)).toBe('improved');
  });

  it('calls any deviation beyond tolerance of a two-sided metric a REGRESSION', () => {
    const messages: MetricCheck = { metric: 'messages.sent', expected: 64_511.5, tolerance: { relative: 0.01 }, direction: 'two-sided' };
    expect(verdictOf(messages, 64_600)).toBe('ok');
    expect(verdictOf(messages, 66_000)).toBe('REGRESSION');
    expect(verdictOf(messages, 63_000)).toBe('REGRESSION');
  });

  it('calls a value that is not a finite number a REGRESSION whatever the direction', () => {
    expect(verdictOf(check('higher-is-better'), Number.NaN)).toBe('REGRESSION');
    expect(verdictOf(check('lower-is-better'), Number.NEGATIVE_INFINITY)).toBe('REGRESSION');
  });

  it('compares the mean over the seeds of each final value', () => {
    const runs = [
      { 'vivaldi.median_rel_error': 0.07, 'messages.sent': 10 },
      { 'vivaldi.median_rel_error': 0.1, 'messages.sent': 11 },
    ];
    const means = meansOver(runs, ['vivaldi.median_rel_error', 'messages.sent', 'absent']);
    expect(means.get('vivaldi.median_rel_error')).toBeCloseTo(0.085, 12);
    expect(means.get('messages.sent')).toBe(10.5);
    expect(means.has('absent')).toBe(false);
    const [result] = compareBaseline('b', [check('lower-is-better')], means);
    expect(result).toMatchObject({ baseline: 'b', expected: 0.08, verdict: 'ok' });
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(() => mean([])).toThrow(RangeError);
  });
});
