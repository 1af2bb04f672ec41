/**
 * Named counters (messages, bytes, losses, protocol events). Names are kept in first-use
 * order, which is deterministic because the simulation is.
 */
export class Counters {
  private readonly values = new Map<string, number>();

  count(name: string, delta = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + delta);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Snapshot, sorted by name so that output never depends on first-use order. */
  entries(): [string, number][] {
    return [...this.values.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  }
}
