import { describe, expect, it } from 'vitest';
import { oneWayLatencies, type Symmetrize } from '../../src/platform/one-way-latency.js';
import { parseRttMatrix } from '../../src/platform/rtt-matrix.js';
import { TopologyError } from '../../src/platform/types.js';
import { randomStream } from '../../src/kernel/random.js';

const matrixOf = (text: string) => parseRttMatrix(text, 'inline', { unit: 'ms', missing: ['NaN'] });
const row = (latencies: { oneWayUs: Float64Array; n: number }, i: number) => Array.from(latencies.oneWayUs.subarray(i * latencies.n, (i + 1) * latencies.n));

describe('one-way latencies from a measured RTT matrix', () => {
  // Row 0 measured 10 ms to row 1, which measured 14 ms back.
  const asymmetric = matrixOf('0 10\n14 0\n');

  const expected: [Symmetrize, number, number][] = [
    ['none', 5000, 7000],
    ['mean', 6000, 6000],
    ['min', 5000, 5000],
    ['max', 7000, 7000],
  ];
  for (const [symmetrize, ab, ba] of expected) {
    it(`symmetrize ${symmetrize}: 10 ms and 14 ms measured give ${ab / 1000} ms one way and ${ba / 1000} ms back`, () => {
      const latencies = oneWayLatencies(asymmetric, { symmetrize, fill: 'shortest-path' }, 'inline');
      expect(latencies.oneWayUs[1]).toBe(ab);
      expect(latencies.oneWayUs[2]).toBe(ba);
      expect(latencies.measured).toBeNull();
    });
  }

  it('uses the one measured direction both ways: the pair is measured', () => {
    const latencies = oneWayLatencies(matrixOf('0 NaN\n8 0\n'), { symmetrize: 'none', fill: 'shortest-path' }, 'inline');
    expect(row(latencies, 0)).toEqual([0, 4000]);
    expect(row(latencies, 1)).toEqual([4000, 0]);
    expect(latencies.measured).toBeNull();
  });

  it('fills a pair measured in neither direction with the shortest chain of measured one-way delays, and marks it', () => {
    // 0-1: 10 ms, 1-2: 20 ms, 0-3: 2 ms, 3-2: 4 ms; 0-2 missing both ways: 0 -> 3 -> 2 is 1 + 2 ms one way.
    const text = ['0 10 NaN 2', '10 0 20 NaN', 'NaN 20 0 4', '2 NaN 4 0'].join('\n');
    const latencies = oneWayLatencies(matrixOf(text), { symmetrize: 'none', fill: 'shortest-path' }, 'inline');
    expect(latencies.oneWayUs[0 * 4 + 2]).toBe(3000);
    expect(latencies.oneWayUs[2 * 4 + 0]).toBe(3000);
    expect(latencies.oneWayUs[1 * 4 + 3]).toBe(5000 + 1000); // 1 -> 0 -> 3
    expect(latencies.measured?.[0 * 4 + 2]).toBe(0);
    expect(latencies.measured?.[0 * 4 + 1]).toBe(1);
  });

  it('fills along directed delays: the chain out is not the chain back when the directions differ', () => {
    // 0 -> 1 is 1 ms, 1 -> 0 is 5 ms; 1 <-> 2 is 1 ms; 0 <-> 2 unmeasured.
    const text = ['0 2 NaN', '10 0 2', 'NaN 2 0'].join('\n');
    const latencies = oneWayLatencies(matrixOf(text), { symmetrize: 'none', fill: 'shortest-path' }, 'inline');
    expect(latencies.oneWayUs[0 * 3 + 2]).toBe(2000);
    expect(latencies.oneWayUs[2 * 3 + 0]).toBe(6000);
  });

  it('never makes a filled delay shorter than a chain of measured ones (property, 30 random matrices)', () => {
    for (let trial = 0; trial < 30; trial++) {
      const rng = randomStream(trial, 'one-way-property');
      const n = 3 + rng.int(8);
      const cells = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? '0' : rng.next() < 0.3 ? 'NaN' : (1 + rng.int(100)).toString())));
      for (let i = 1; i < n; i++) cells[0][i] = (1 + rng.int(100)).toString(); // row 0 reaches everyone
      const latencies = oneWayLatencies(matrixOf(cells.map((r) => r.join(' ')).join('\n')), { symmetrize: 'none', fill: 'shortest-path' }, 'inline');
      const d = latencies.oneWayUs;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (i === j || latencies.measured === null || latencies.measured[i * n + j] === 1) continue;
          expect(Number.isInteger(d[i * n + j])).toBe(true);
          for (let k = 0; k < n; k++) if (k !== i && k !== j) expect(d[i * n + j]).toBeLessThanOrEqual(d[i * n + k] + d[k * n + j]);
        }
      }
    }
  });

  it('rejects a missing pair with no chain of measured pairs between its ends, naming the cell', () => {
    const text = ['0 1 NaN NaN', '1 0 NaN NaN', 'NaN NaN 0 1', 'NaN NaN 1 0'].join('\n');
    expect(() => oneWayLatencies(matrixOf(text), { symmetrize: 'none', fill: 'shortest-path' }, 'm.tsv')).toThrow(TopologyError);
    expect(() => oneWayLatencies(matrixOf(text), { symmetrize: 'none', fill: 'shortest-path' }, 'm.tsv')).toThrow('m.tsv: row 1, column 3: expected a chain of measured pairs');
  });
});
