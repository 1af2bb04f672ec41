import { describe, expect, it } from 'vitest';
import { loadRttMatrix, parseRttMatrix } from '../../src/platform/rtt-matrix.js';
import { TopologyError } from '../../src/platform/types.js';
import { fixturePath, topologyPath } from './paths.js';

describe('RTT matrix loader', () => {
  it('loads planetlab-490 as 490 x 490 us with a 0.175 ms RTT between rows 1 and 2', () => {
    const matrix = loadRttMatrix(topologyPath('planetlab-490.tsv'), { unit: 'ms' });
    expect(matrix.n).toBe(490);
    expect(matrix.rttUs).toHaveLength(490 * 490);
    expect(matrix.rttUs[1]).toBeCloseTo(175, 9);
    expect(matrix.rttUs[490]).toBeCloseTo(175, 9);
    expect(matrix.name).toBe('planetlab-490');
  });

  it('finds the documented planetlab-490 median of about 135 ms and max of 2984 ms', () => {
    const matrix = loadRttMatrix(topologyPath('planetlab-490.tsv'), { unit: 'ms' });
    const offDiagonal: number[] = [];
    for (let i = 0; i < matrix.n; i++) for (let j = i + 1; j < matrix.n; j++) offDiagonal.push(matrix.rttUs[i * matrix.n + j]);
    offDiagonal.sort((x, y) => x - y);
    expect(offDiagonal[offDiagonal.length >> 1] / 1000).toBeGreaterThan(125);
    expect(offDiagonal[offDiagonal.length >> 1] / 1000).toBeLessThan(145);
    expect(Math.round(offDiagonal[offDiagonal.length - 1] / 1000)).toBe(2984);
  });

  it('reads a header row and a label column, with RTTs in ms as us', () => {
    const matrix = loadRttMatrix(fixturePath('matrix-labelled.csv'), { unit: 'ms' });
    expect(matrix.labels).toEqual(['paris', 'lyon', 'nice']);
    expect(Array.from(matrix.rttUs)).toEqual([0, 8500, 14000, 8500, 0, 6100, 14000, 6100, 0]);
  });

  it('converts seconds and microseconds: 0.002 s is 2000 us, 7 us is 7 us', () => {
    expect(parseRttMatrix('0 0.002\n0.002 0\n', 'inline', { unit: 's' }).rttUs[1]).toBe(2000);
    expect(parseRttMatrix('0 7\n7 0\n', 'inline', { unit: 'us' }).rttUs[1]).toBe(7);
  });

  it('accepts a 1% asymmetry when the caller allows 2%', () => {
    expect(parseRttMatrix('0 100\n101 0\n', 'inline', { unit: 'ms', symmetryToleranceRel: 0.02 }).n).toBe(2);
  });

  const malformed: [string, string][] = [
    ['matrix-not-square.tsv', 'row 1: expected 2 values (a square matrix, 2 rows), found 3 values'],
    ['matrix-asymmetric.tsv', 'row 2, column 3: expected a value within 0.1% of row 3, column 2 (31 ms): a symmetric matrix, found 30 ms'],
    ['matrix-negative.csv', 'row 1, column 3: expected a non-negative RTT, found -20'],
    ['matrix-non-numeric.tsv', 'row 2, column 3: expected a number, found "n/a"'],
    ['matrix-non-zero-diagonal.tsv', 'row 2, column 2: expected 0 on the diagonal, found 5'],
  ];
  for (const [file, message] of malformed) {
    it(`rejects ${file} at the first offending cell: "${message}"`, () => {
      const path = fixturePath(file);
      expect(() => loadRttMatrix(path, { unit: 'ms' })).toThrow(TopologyError);
      expect(() => loadRttMatrix(path, { unit: 'ms' })).toThrow(`${path}: ${message}`);
    });
  }
});
