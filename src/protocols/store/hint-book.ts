/**
 * Hinted handoff's side: writes a node keeps for a home replica that did not acknowledge them
 * in time, newest per key, until that replica takes them back. Bounded: beyond `max` hints a new
 * one is refused (the key still converges by anti-entropy).
 */
import type { NodeId } from '../../runtime/context.js';
import { compareVersions, type Version } from './hlc.js';
import type { KeyedValue, StoredValue } from './replica-table.js';

export class HintBook {
  private readonly byTarget = new Map<NodeId, Map<number, StoredValue>>();
  private count = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.count;
  }

  /** Keeps `value` for `target`; false when refused (the book is full). */
  add(target: NodeId, key: number, value: StoredValue): boolean {
    let hints = this.byTarget.get(target);
    const held = hints?.get(key);
    if (held !== undefined) {
      if (compareVersions(value, held) > 0) hints!.set(key, value);
      return true;
    }
    if (this.count >= this.max) return false;
    if (hints === undefined) this.byTarget.set(target, (hints = new Map()));
    hints.set(key, value);
    this.count++;
    return true;
  }

  /** The targets with hints, in the order they first got one. */
  targets(): NodeId[] {
    return [...this.byTarget.keys()];
  }

  /** Up to `max` hints for `target`. */
  hintsFor(target: NodeId, max: number): KeyedValue[] {
    const out: KeyedValue[] = [];
    for (const [key, value] of this.byTarget.get(target) ?? []) {
      if (out.length >= max) break;
      out.push({ key, ...value });
    }
    return out;
  }

  /** `target` took `key` at `version`: forget the hint unless a newer one came meanwhile. True if forgotten. */
  delivered(target: NodeId, key: number, version: Version): boolean {
    const hints = this.byTarget.get(target);
    const held = hints?.get(key);
    if (held === undefined || compareVersions(held, version) !== 0) return false;
    hints!.delete(key);
    this.count--;
    if (hints!.size === 0) this.byTarget.delete(target);
    return true;
  }
}
