/**
 * A bounded event trace: plain records with a `kind`, kept in the order they happen (event
 * order, so the same scenario and seed give the same bytes), filtered by kind, at most `max`;
 * the ones beyond are counted, and the file's last line says how many were dropped.
 */

export type TraceValue = string | number | boolean | null | readonly (string | number)[];
/** One record: `kind` first, then its fields in a fixed order (JSON keeps insertion order). */
export type TraceRecord = { readonly kind: string } & Readonly<Record<string, TraceValue>>;

export class TraceLog {
  private readonly lines: string[] = [];
  private dropped = 0;
  private readonly kinds: ReadonlySet<string>;

  constructor(
    kinds: readonly string[],
    private readonly max: number,
  ) {
    if (!(Number.isInteger(max) && max >= 1)) throw new RangeError(`TraceLog: max must be an integer >= 1, got ${max}`);
    this.kinds = new Set(kinds);
  }

  /** Whether records of this kind are kept (a tracer skips the work of making the others). */
  wants(kind: string): boolean {
    return this.kinds.has(kind);
  }

  add(record: TraceRecord): void {
    if (!this.kinds.has(record.kind)) return;
    if (this.lines.length >= this.max) {
      this.dropped++;
      return;
    }
    this.lines.push(JSON.stringify(record));
  }

  get size(): number {
    return this.lines.length;
  }

  /** The JSON lines file: one record a line, then `{"kind":"truncated",...}` if any was dropped. */
  text(): string {
    const tail = this.dropped === 0 ? [] : [JSON.stringify({ kind: 'truncated', kept: this.lines.length, dropped: this.dropped })];
    const all = [...this.lines, ...tail];
    return all.length === 0 ? '' : all.join('\n') + '\n';
  }
}

/** Microseconds as seconds, exactly as a JS number prints (µs precision). */
export function usToS(us: number): number {
  return us / 1e6;
}
