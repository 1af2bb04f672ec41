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

  it('keeps both directions of an asymmetric matrix as measured: 30 ms one way, 31 ms the other', () => {
    const matrix = loadRttMatrix(fixturePath('matrix-asymmetric.tsv'), { unit: 'ms' });
    expect(matrix.rttUs[1 * 3 + 2]).toBe(30_000);
    expect(matrix.rttUs[2 * 3 + 1]).toBe(31_000);
  });

  const malformed: [string, string][] = [
    ['matrix-not-square.tsv', 'row 1: expected 2 values (a square matrix, 2 rows), found 3 values'],
    ['matrix-negative.csv', 'row 1, column 3: expected a non-negative RTT, found -20'],
    ['matrix-non-numeric.tsv', 'row 2, column 3: expected a number (declare the cells that mark a missing pair in missing), found "n/a"'],
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

describe('RTT matrix loader: measured data as it comes', () => {
  it('reads declared missing markers (NaN, -1, a blank cell) as NaN, whatever their case or spelling', () => {
    const text = '0\t-1.0\tnan\n10\t0\t\n\t30\t0\n';
    const matrix = parseRttMatrix(text, 'inline', { unit: 'ms', missing: ['NaN', -1, ''] });
    expect(Array.from(matrix.rttUs, (v) => (Number.isNaN(v) ? 'x' : v))).toEqual([0, 'x', 'x', 10_000, 0, 'x', 'x', 30_000, 0]);
  });

  it('takes 0 as a missing marker off the diagonal only, when declared', () => {
    const matrix = parseRttMatrix('0 0 5\n0 0 7\n5 7 0\n', 'inline', { unit: 'ms', missing: [0] });
    expect(matrix.rttUs[0]).toBe(0);
    expect(Number.isNaN(matrix.rttUs[1])).toBe(true);
    expect(matrix.rttUs[2]).toBe(5000);
  });

  it('keeps a blank corner before a header when blanks are markers', () => {
    const matrix = parseRttMatrix('\ta\tb\na\t0\t\nb\t4\t0\n', 'inline', { unit: 'ms', missing: [''] });
    expect(matrix.labels).toEqual(['a', 'b']);
    expect(matrix.rttUs[2]).toBe(4000);
  });

  const hostile: [string, string, string][] = [
    ['an RTT of an hour and a second', '0 3601\n3601 0\n', 'row 1, column 2: expected an RTT of at most 3600 s (is the unit s right?), found 3601 s'],
    ['an RTT whose microseconds are infinite', '0 1e305\n1e305 0\n', 'row 1, column 2: expected an RTT of at most 3600 s (is the unit s right?), found 1e305 s'],
    ['an all-zero matrix', '0 0\n0 0\n', 'inline: matrix: expected at least one RTT > 0 off the diagonal (if 0 marks a missing pair, declare it in missing), found only zeros'],
    ['a single row', '0\n', 'inline: matrix: expected at least 2 rows (a network of two hosts), found 1 row'],
    ['a non-square matrix', '0 1 2\n1 0 2\n', 'inline: row 1: expected 2 values (a square matrix, 2 rows), found 3 values'],
  ];
  for (const [what, text, message] of hostile) {
    it(`rejects ${what} with the file, the cell and what was expected`, () => {
      expect(() => parseRttMatrix(text, 'inline', { unit: 's' })).toThrow(TopologyError);
      expect(() => parseRttMatrix(text, 'inline', { unit: 's' })).toThrow(message);
    });
  }

  it('rejects a matrix whose every pair is missing', () => {
    expect(() => parseRttMatrix('0 NaN\nNaN 0\n', 'inline', { unit: 'ms', missing: ['NaN'] })).toThrow('inline: matrix: expected at least one measured RTT off the diagonal, found every pair missing');
  });

  it('names the declared markers when a cell is neither a number nor one of them', () => {
    expect(() => parseRttMatrix('0 x\n1 0\n', 'inline', { unit: 'ms', missing: ['NaN', -1] })).toThrow('row 1, column 2: expected a number or a missing marker (NaN, -1), found "x"');
  });

  it('reads quoted labels holding commas or quotes, as CSV writes them (csv-parse), in comma and tab files', () => {
    const csv = ',"Paris, FR","Lyon, FR","Nice ""Côte"""\n"Paris, FR",0,8.5,14\n"Lyon, FR",8.5,0,6.1\n"Nice ""Côte""",14,6.1,0\n';
    const matrix = parseRttMatrix(csv, 'quoted.csv', { unit: 'ms' });
    expect(matrix.labels).toEqual(['Paris, FR', 'Lyon, FR', 'Nice "Côte"']);
    expect(Array.from(matrix.rttUs)).toEqual([0, 8500, 14000, 8500, 0, 6100, 14000, 6100, 0]);
    const tsv = '"a\tb"\t"c, d"\n"a\tb"\t0\t5\n"c, d"\t5\t0\n';
    expect(parseRttMatrix(tsv, 'quoted.tsv', { unit: 'ms' }).labels).toEqual(['a\tb', 'c, d']);
  });

  it('splits a line that is not valid CSV as before, so the row checks name what is wrong with it', () => {
    expect(() => parseRttMatrix('0,"5\n5,0\n', 'bad.csv', { unit: 'ms' })).toThrow('bad.csv: row 1, column 2: expected a number (declare the cells that mark a missing pair in missing), found ""5"');
    expect(parseRttMatrix('x,y\n"a"b,0,5\nb,5,0\n', 'bad.csv', { unit: 'ms' }).labels).toEqual(['x', 'y']);
  });
});
