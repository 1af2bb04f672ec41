/**
 * A bounded log of finished operations (lookups, locates), drained by a metrics probe. Protocols
 * only record what they saw; whether an outcome was right is judged outside, against the truth.
 * A ring buffer of rows in one Float64Array (every field of an outcome is a double, an int32 or
 * a flag, all exact in a double), grown by doubling up to `capacityMax` (a node drained often
 * stays small); when full, the oldest outcome is dropped and counted. One array, row-major: a
 * record writes one or two cache lines (at 100,000 nodes, each array a node touches is a miss).
 */

/** How a field is read back: a double, a 32-bit integer (node ids, hop counts) or a flag. */
export type ColumnKind = 'f64' | 'i32' | 'bool';

/** An outcome: flat, every field a number or a flag. */
export type Outcome<T> = { readonly [K in keyof T]: number | boolean };

/** Each field's storage, declared once; drained outcomes list their fields in this order. */
export type Columns<T extends Outcome<T>> = { readonly [K in keyof T]-?: T[K] extends boolean ? 'bool' : 'f64' | 'i32' };

export class OutcomeLog<T extends Outcome<T>> {
  private readonly fields: (keyof T)[];
  private readonly kinds: ColumnKind[];
  /** Fields per row. */
  private readonly width: number;
  private rows = new Float64Array(0);
  private capacity = 0;
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
    this.width = this.fields.length;
  }

  get size(): number {
    return this.count;
  }

  /** Outcomes dropped because the log was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  record(outcome: T): void {
    if (this.count === this.capacity) {
      if (this.capacity < this.capacityMax) this.grow(Math.min(this.capacityMax, Math.max(4, 2 * this.capacity)));
      else {
        this.head = (this.head + 1) % this.capacity;
        this.count--;
        this.droppedCount++;
      }
    }
    const base = ((this.head + this.count) % this.capacity) * this.width;
    for (let c = 0; c < this.width; c++) {
      const value = Number(outcome[this.fields[c]]);
      this.rows[base + c] = this.kinds[c] === 'i32' ? value | 0 : value; // as an Int32Array column would keep it
    }
    this.count++;
  }

  /** The outcomes recorded since the last drain, oldest first; the log is emptied. */
  drain(): T[] {
    const out: T[] = [];
    for (let k = 0; k < this.count; k++) {
      const base = ((this.head + k) % this.capacity) * this.width;
      const outcome: Partial<Record<keyof T, number | boolean>> = {};
      for (let c = 0; c < this.width; c++) outcome[this.fields[c]] = this.kinds[c] === 'bool' ? this.rows[base + c] === 1 : this.rows[base + c];
      out.push(outcome as T);
    }
    this.head = 0;
    this.count = 0;
    return out;
  }

  private grow(capacity: number): void {
    const rows = new Float64Array(capacity * this.width);
    for (let k = 0; k < this.count; k++) {
      const from = ((this.head + k) % this.capacity) * this.width;
      rows.set(this.rows.subarray(from, from + this.width), k * this.width);
    }
    this.rows = rows;
    this.capacity = capacity;
    this.head = 0;
  }
}
