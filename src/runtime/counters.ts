/** A counter that hot paths hold on to, so that counting is one addition, not a map lookup. */
export interface CounterCell {
  value: number;
}

/**
 * Named counters (messages, bytes, losses, protocol events). Output is sorted by name, so it
 * never depends on the order in which counters were first used.
 */
export class Counters {
  private readonly cells = new Map<string, CounterCell>();

  count(name: string, delta = 1): void {
    this.cell(name).value += delta;
  }

  /** The cell behind `name`, created at zero on first use. */
  cell(name: string): CounterCell {
    let cell = this.cells.get(name);
    if (cell === undefined) {
      cell = { value: 0 };
      this.cells.set(name, cell);
    }
    return cell;
  }

  get(name: string): number {
    return this.cells.get(name)?.value ?? 0;
  }

  /** Snapshot, sorted by name. */
  entries(): [string, number][] {
    return [...this.cells.entries()]
      .map(([name, cell]): [string, number] => [name, cell.value])
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  }
}
