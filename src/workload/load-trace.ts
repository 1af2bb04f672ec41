import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sToUs } from '../kernel/index.js';
import type { LoadChange, LoadChangeSource } from './load-change.js';

/** The header a load trace must start with. */
export const TRACE_HEADER = ['time_s', 'vm', 'load_percent'] as const;

/** A load trace that cannot be used: the file, the line (1-based), the field, what was expected. */
export class TraceError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}:${line}: ${field}: expected ${expected}, found '${found}'`);
    this.name = 'TraceError';
  }
}

export interface LoadTraceOptions {
  /** When given, every vm must be below it. */
  readonly vmCount?: number;
}

/** A plain decimal number (no empty cells, hex, Infinity or NaN, which Number() would accept). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Load changes read from a CSV trace `time_s,vm,load_percent`, one change per row, sorted by time
 * (equal times keep file order). Times are rounded to whole microseconds here, at the boundary.
 * The whole file is checked when it is parsed, so a bad row fails before the run, not in it; the
 * changes are kept in three typed arrays (20 bytes a change) and handed out one at a time.
 */
export class LoadTrace implements LoadChangeSource {
  private cursor = 0;

  constructor(
    readonly file: string,
    private readonly timesUs: Float64Array,
    private readonly vms: Int32Array,
    private readonly loadsPercent: Float64Array,
  ) {}

  get length(): number {
    return this.timesUs.length;
  }

  next(): LoadChange | undefined {
    const i = this.cursor;
    if (i >= this.timesUs.length) return undefined;
    this.cursor = i + 1;
    return { timeUs: this.timesUs[i], vm: this.vms[i], loadPercent: this.loadsPercent[i] };
  }
}

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/** Parse the text of a trace; `file` names it in errors. */
export function parseLoadTrace(text: string, file: string, options: LoadTraceOptions = {}): LoadTrace {
  const { vmCount } = options;
  if (vmCount !== undefined && (!Number.isInteger(vmCount) || vmCount < 1)) {
    throw new RangeError(`load trace vmCount: expected an integer >= 1, found ${vmCount}`);
  }
  let rows: ParsedRecord[];
  try {
    rows = parse(text, { bom: true, info: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as unknown as ParsedRecord[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    throw new TraceError(file, line, 'csv', 'well-formed CSV', (error as Error).message);
  }
  const header = rows[0];
  if (header === undefined) throw new TraceError(file, 1, 'header', `'${TRACE_HEADER.join(',')}'`, '');
  if (header.record.join(',') !== TRACE_HEADER.join(',')) {
    throw new TraceError(file, header.info.lines, 'header', `'${TRACE_HEADER.join(',')}'`, header.record.join(','));
  }
  const n = rows.length - 1;
  const timesUs = new Float64Array(n);
  const vms = new Int32Array(n);
  const loadsPercent = new Float64Array(n);
  let previousS = 0;
  for (let i = 0; i < n; i++) {
    const { record, info } = rows[i + 1];
    const line = info.lines;
    if (record.length !== TRACE_HEADER.length) {
      throw new TraceError(file, line, 'row', `${TRACE_HEADER.length} fields (${TRACE_HEADER.join(',')})`, record.join(','));
    }
    const [timeCell, vmCell, loadCell] = record;
    const timeS = DECIMAL.test(timeCell) ? Number(timeCell) : NaN;
    if (!(timeS >= 0) || !Number.isFinite(timeS)) throw new TraceError(file, line, 'time_s', 'a number of seconds >= 0', timeCell);
    if (timeS < previousS) {
      throw new TraceError(file, line, 'time_s', `a time >= ${previousS} (the previous row's; traces are sorted by time)`, timeCell);
    }
    previousS = timeS;
    const vm = /^\d+$/.test(vmCell) ? Number(vmCell) : NaN;
    if (vmCount !== undefined) {
      if (!(vm < vmCount)) throw new TraceError(file, line, 'vm', `an integer in [0, ${vmCount - 1}]`, vmCell);
    } else if (!(vm <= 0x7fffffff)) {
      throw new TraceError(file, line, 'vm', 'an integer >= 0', vmCell);
    }
    const load = DECIMAL.test(loadCell) ? Number(loadCell) : NaN;
    if (!(load >= 0 && load <= 100)) throw new TraceError(file, line, 'load_percent', 'a number in [0, 100]', loadCell);
    timesUs[i] = sToUs(timeS);
    vms[i] = vm;
    loadsPercent[i] = load;
  }
  return new LoadTrace(file, timesUs, vms, loadsPercent);
}

/** Read and parse a trace file; errors name the path as given. */
export function readLoadTrace(path: string, options: LoadTraceOptions = {}): LoadTrace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TraceError(path, 0, 'file', 'a readable trace file', (error as Error).message);
  }
  return parseLoadTrace(text, path, options);
}
