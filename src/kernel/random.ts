import seedrandom from 'seedrandom';

/**
 * A seeded random stream. Every consumer gets its own stream derived from
 * (scenario seed, stream name, node id), so adding a consumer never shifts another's numbers.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal deviate (Box-Muller). */
  normal(): number;
  /** Exponential deviate with the given mean. */
  exponential(mean: number): number;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Shuffle an array in place (Fisher-Yates) and return it. */
  shuffle<T>(items: T[]): T[];
}

/** The state of Alea (Baagoe), as seedrandom's `alea` exports it. */
interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/**
 * Alea's step, on fields of this object: the same numbers as seedrandom's `alea` from the same
 * state, without its closure call and property hops on every draw (simulations draw millions).
 * seedrandom still does the seeding (its Mash hash of the key).
 */
class AleaRandom implements Random {
  private spare = NaN;
  private c: number;
  private s0: number;
  private s1: number;
  private s2: number;

  constructor(state: AleaState) {
    this.c = state.c;
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
  }

  next(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return this.s2;
  }

  int(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`Random.int: n must be an integer >= 1, got ${n}`);
    return Math.floor(this.next() * n);
  }

  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  exponential(mean: number): number {
    let u = 0;
    while (u === 0) u = this.next();
    return -mean * Math.log(u);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Random.pick on an empty array');
    return items[this.int(items.length)];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

/** The stream named `name` (and `nodeId`, for per-node streams) under the root `seed`. */
export function randomStream(seed: number | string, name: string, nodeId?: number): Random {
  const key = nodeId === undefined ? `${seed}/${name}` : `${seed}/${name}/${nodeId}`;
  return new AleaRandom(seedrandom.alea(key, { state: true }).state() as AleaState);
}
