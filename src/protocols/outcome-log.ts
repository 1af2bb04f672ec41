/**
 * A bounded log of finished operations (lookups, locates), drained by a metrics probe. Protocols
 * only record what they saw; whether an outcome was right is judged outside, against the truth.
 * A ring buffer of flat typed arrays, one per field, grown by doubling up to `capacityMax` (a
 * node drained often stays small); when full, the oldest outcome is dropped and counted.
 */

/** How a field is stored: a double, a 32-bit integer (node ids, hop counts) or a flag. */
export type ColumnKind = 'f64' | 'i32' | 'bool';

/** An outcome: flat, every field a number or a flag. */
export type Outcome<T> = { readonly [K in keyof T]: number | boolean };

/** Each field's storage, declared once; drained outcomes list their fields in this order. */
export type Columns<T extends Outcome<T>> = { readonly [K in keyof T]-?: T[K] extends boolean ? 'bool' : 'f64' | 'i32' };

type Column = Float64Array | Int32Array | Uint8Array;

function column(kind: ColumnKind, capacity: number): Column {
  if (kind === 'f64') return new Float64Array(capacity);
  return kind === 'i32' ? new Int32Array(capacity) : new Uint8Array(capacity);
}

export class OutcomeLog<T extends Outcome<T>> {
  private readonly fields: (keyof T)[];
  private readonly kinds: ColumnKind[];
  private data: Column[];
  private head = 0;
  private count = 0;
  private droppedCount = 0;

  constructor(
    private readonly capacityMax: number,
    columns: Columns<T>,
  ) {
    if (!(Number.isInteger(capacityMax) && capacityMax >= 1)) throw new RangeError(`capacityMax must be an integer >= 1, got ${capacityMax}`);
    this.fields = Object.keys(columns) as (keyof T)[];
    if (this.fields.length === 0) throw new RangeError('OutcomeLog: at least one column');
    this.kinds = this.fields.map((field) => columns[field]);
    this.data = this.kinds.map((kind) => column(kind, 0));
  }

  get size(): number {
    return this.count;
  }

  /** Outcomes dropped because the log was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  record(outcome: T): void {
    const capacity = this.data[0].length;
    if (this.count === capacity) {
      if (capacity < this.capacityMax) this.grow(Math.min(this.capacityMax, Math.max(4, 2 * capacity)));
      else {
        this.head = (this.head + 1) % capacity;
        this.count--;
        this.droppedCount++;
      }
    }
    const at = (this.head + this.count) % this.data[0].length;
    for (let c = 0; c < this.fields.length; c++) this.data[c][at] = Number(outcome[this.fields[c]]);
    this.count++;
  }

  /** The outcomes recorded since the last drain, oldest first; the log is emptied. */
  drain(): T[] {
    const out: T[] = [];
    const capacity = this.data[0].length;
    for (let k = 0; k < this.count; k++) {
      const at = (this.head + k) % capacity;
      const outcome: Partial<Record<keyof T, number | boolean>> = {};
      for (let c = 0; c < this.fields.length; c++) outcome[this.fields[c]] = this.kinds[c] === 'bool' ? this.data[c][at] === 1 : this.data[c][at];
      out.push(outcome as T);
    }
    this.head = 0;
    this.count = 0;
    return out;
  }

  private grow(capacity: number): void {
    const old = this.data[0].length;
    this.data = this.data.map((from, c) => {
      const to = column(this.kinds[c], capacity);
      for (let k = 0; k < this.count; k++) to[k] = from[(this.head + k) % old];
      return to;
    });
    this.head = 0;
  }
}
