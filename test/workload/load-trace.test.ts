import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  LoadTrace,
  TraceError,
  VmLoadChanges,
  parseLoadTrace,
  readLoadTrace,
  type LoadChange,
  type LoadChangeSource,
} from '../../src/workload/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/small-trace.csv', import.meta.url));

/** Every change before `untilUs`: works on any source, so the two kinds are interchangeable. */
function drain(source: LoadChangeSource, untilUs: number): LoadChange[] {
  const out: LoadChange[] = [];
  for (let change = source.next(); change !== undefined && change.timeUs < untilUs; change = source.next()) out.push(change);
  return out;
}

function errorOf(text: string, vmCount?: number): TraceError {
  try {
    parseLoadTrace(text, 'trace.csv', { vmCount });
  } catch (error) {
    expect(error).toBeInstanceOf(TraceError);
    return error as TraceError;
  }
  throw new Error('expected a TraceError');
}

describe('load traces', () => {
  it('reads changes in file order with times rounded to whole microseconds, then ends', () => {
    const text = 'time_s,vm,load_percent\n0,0,50\n0.5,1,20.5\n\n0.5,0,100\n1.0000004, 2 ,0\n';
    const trace = parseLoadTrace(text, 'trace.csv');
    expect(trace).toBeInstanceOf(LoadTrace);
    expect(trace.length).toBe(4);
    expect([trace.next(), trace.next(), trace.next(), trace.next()]).toEqual([
      { timeUs: 0, vm: 0, loadPercent: 50 },
      { timeUs: 500_000, vm: 1, loadPercent: 20.5 },
      { timeUs: 500_000, vm: 0, loadPercent: 100 },
      { timeUs: 1_000_000, vm: 2, loadPercent: 0 },
    ]);
    expect(trace.next()).toBeUndefined();
    expect(trace.next()).toBeUndefined();
  });

  it('accepts a header alone (no changes) and a byte-order mark', () => {
    expect(parseLoadTrace('\uFEFFtime_s,vm,load_percent\n', 'trace.csv').next()).toBeUndefined();
  });

  it('reads a trace file, and serves it through the same interface as the VMPlaceS model', () => {
    expect(drain(readLoadTrace(FIXTURE, { vmCount: 2 }), 31_000_000)).toEqual([
      { timeUs: 0, vm: 0, loadPercent: 50 },
      { timeUs: 30_000_000, vm: 1, loadPercent: 20 },
      { timeUs: 30_000_000, vm: 0, loadPercent: 100 },
    ]);
    expect(drain(VmLoadChanges.fromSeed(1, 1000), 10_000_000).length).toBeGreaterThan(10) // ~33 expected;
  });

  it('names the file, line, field and expectation in every error', () => {
    const H = 'time_s,vm,load_percent\n';
    const cases: [string, string, number?][] = [
      ['', "trace.csv:1: header: expected 'time_s,vm,load_percent', found ''"],
      ['time,vm,load_percent\n0,0,1\n', "trace.csv:1: header: expected 'time_s,vm,load_percent', found 'time,vm,load_percent'"],
      [`${H}0,0\n`, "trace.csv:2: row: expected 3 fields (time_s,vm,load_percent), found '0,0'"],
      [`${H}0,0,50,7\n`, "trace.csv:2: row: expected 3 fields (time_s,vm,load_percent), found '0,0,50,7'"],
      [`${H}0,0,50\n1,1,120\n`, "trace.csv:3: load_percent: expected a number in [0, 100], found '120'"],
      [`${H}0,0,-1\n`, "trace.csv:2: load_percent: expected a number in [0, 100], found '-1'"],
      [`${H}0,0,\n`, "trace.csv:2: load_percent: expected a number in [0, 100], found ''"],
      [`${H}0,0,NaN\n`, "trace.csv:2: load_percent: expected a number in [0, 100], found 'NaN'"],
      [`${H}-1,0,5\n`, "trace.csv:2: time_s: expected a number of seconds >= 0, found '-1'"],
      [`${H}0x10,0,5\n`, "trace.csv:2: time_s: expected a number of seconds >= 0, found '0x10'"],
      [`${H}Infinity,0,5\n`, "trace.csv:2: time_s: expected a number of seconds >= 0, found 'Infinity'"],
      [`${H}1,0,5\n2,0,5\n\n1.5,1,5\n`, "trace.csv:5: time_s: expected a time >= 2 (the previous row's; traces are sorted by time), found '1.5'"],
      [`${H}0,-1,5\n`, "trace.csv:2: vm: expected an integer >= 0, found '-1'"],
      [`${H}0,1.5,5\n`, "trace.csv:2: vm: expected an integer >= 0, found '1.5'"],
      [`${H}0,2,5\n0,3,5\n`, "trace.csv:3: vm: expected an integer in [0, 2], found '3'", 3],
    ];
    for (const [text, message, vmCount] of cases) expect(errorOf(text, vmCount).message, text).toBe(message);
  });

  it('keeps the parts of an error as fields, and reports malformed CSV with its line', () => {
    const error = errorOf('time_s,vm,load_percent\n0,0,50\n1,1,120\n');
    expect({ file: error.file, line: error.line, field: error.field, expected: error.expected, found: error.found }).toEqual({
      file: 'trace.csv',
      line: 3,
      field: 'load_percent',
      expected: 'a number in [0, 100]',
      found: '120',
    });
    expect(error.name).toBe('TraceError');
    const csv = errorOf('time_s,vm,load_percent\n0,0,"50\n');
    expect(csv.field).toBe('csv');
    expect(csv.line).toBe(2);
    expect(csv.message).toMatch(/^trace\.csv:2: csv: expected well-formed CSV, found 'Quote Not Closed/);
  });

  it('reports a missing file as a TraceError on the file', () => {
    expect(() => readLoadTrace('/nonexistent/trace.csv')).toThrow(/^\/nonexistent\/trace\.csv:0: file: expected a readable trace file, found 'ENOENT/);
  });

  it('rejects an invalid vmCount option with a RangeError', () => {
    expect(() => parseLoadTrace('time_s,vm,load_percent\n', 'trace.csv', { vmCount: 0 })).toThrow(RangeError);
  });
});
