import { describe, expect, it } from 'vitest';
import { OutcomeLog } from '../../src/protocols/outcome-log.js';

interface Row {
  readonly key: number;
  readonly node: number;
  readonly ok: boolean;
}

describe('OutcomeLog', () => {
  it('drains what was recorded, oldest first, with fields as declared (f64 exact, i32 truncated, flags)', () => {
    const log = new OutcomeLog<Row>(100, { key: 'f64', node: 'i32', ok: 'bool' });
    log.record({ key: 2 ** 32 - 1, node: -1, ok: false });
    log.record({ key: 0.25, node: 7.9, ok: true });
    expect(log.size).toBe(2);
    expect(log.drain()).toEqual([
      { key: 2 ** 32 - 1, node: -1, ok: false },
      { key: 0.25, node: 7, ok: true },
    ]);
    expect(log.size).toBe(0);
    expect(log.drain()).toEqual([]);
  });

  it('grows up to its bound, then drops the oldest and counts them, across wrap-arounds', () => {
    const log = new OutcomeLog<Row>(5, { key: 'f64', node: 'i32', ok: 'bool' });
    for (let k = 0; k < 3; k++) log.record({ key: k, node: k, ok: true });
    expect(log.drain().map((r) => r.key)).toEqual([0, 1, 2]);
    for (let k = 10; k < 23; k++) log.record({ key: k, node: k, ok: k % 2 === 0 });
    expect(log.dropped).toBe(8);
    const rows = log.drain();
    expect(rows.map((r) => r.key)).toEqual([18, 19, 20, 21, 22]);
    expect(rows.map((r) => r.ok)).toEqual([true, false, true, false, true]);
    log.record({ key: 99, node: 1, ok: true });
    expect(log.drain()).toEqual([{ key: 99, node: 1, ok: true }]);
  });

  it('refuses a bound below 1 and a log without columns', () => {
    expect(() => new OutcomeLog<Row>(0, { key: 'f64', node: 'i32', ok: 'bool' })).toThrow(/capacityMax/);
    expect(() => new OutcomeLog<Record<string, never>>(4, {})).toThrow(/at least one column/);
  });
});
