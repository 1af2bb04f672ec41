/**
 * A history checker for a replicated register store, in the spirit of Jepsen: a pure function of
 * the operations clients invoked and completed (with their virtual times, versions and values)
 * and of what the failures were, never of what the store says about itself.
 *   - stale read: a read that completed and returned a version older than a write acknowledged
 *     before the read began; its age is how long the value returned had been superseded then
 *     (the read's start minus the acknowledgement of the oldest write newer than it);
 *   - lost write (quorum stores only, R + W > N): an acknowledged write that a later quorum read
 *     missed (returned an older version) although the store's tolerance held: no more than N - W
 *     of the key's home replicas failed (down, or cut from the writer or the reader) between the
 *     write's invocation and the read's completion; beyond it the read is excused, and counted;
 *   - phantom read: a read returning a version no write of the history has, or another value
 *     than that write's.
 * Writes that never completed or failed are indeterminate: a read may see them or not.
 */

export interface RegisterOp {
  readonly client: number;
  readonly kind: 'read' | 'write';
  readonly key: number;
  readonly invokedAtMs: number;
  /** NaN when it never completed. */
  readonly completedAtMs: number;
  readonly ok: boolean;
  /** Write: the version written; read: the version returned (ts -1: none). */
  readonly ts: number;
  readonly writer: number;
  readonly value: number;
}

export interface HistoryCheckOptions {
  /** R + W > N: reads must see the writes acknowledged before they began, within tolerance. */
  readonly quorum: boolean;
  /** Whether the failures the store tolerates were exceeded for `key` in [fromMs, toMs], for operations of `clients`. */
  toleranceExceeded(key: number, fromMs: number, toMs: number, clients: readonly number[]): boolean;
}

export interface ReadVerdict {
  readonly stale: boolean;
  /** How long the value returned had been superseded when the read began; NaN when fresh. */
  readonly staleAgeMs: number;
  /** Acknowledged writes the read missed within the store's tolerance (quorum stores only). */
  readonly lost: readonly RegisterOp[];
  /** Missed acknowledged writes only beyond the store's tolerance. */
  readonly excused: boolean;
  readonly phantom: boolean;
}

/** > 0 when the version of `a` is newer than that of `b`. */
export function compareOpVersions(a: Pick<RegisterOp, 'ts' | 'writer'>, b: Pick<RegisterOp, 'ts' | 'writer'>): number {
  return a.ts !== b.ts ? a.ts - b.ts : a.writer - b.writer;
}

/**
 * One key's writes, as a checker needs them: acknowledged ones in order of acknowledgement (the
 * order a simulation completes them in), and every write by version for phantom checks.
 */
export class KeyWrites {
  readonly acked: RegisterOp[] = [];
  private readonly byVersion = new Map<string, RegisterOp>();

  invoked(write: RegisterOp): void {
    this.byVersion.set(`${write.ts}/${write.writer}`, write);
  }

  /** An acknowledged write; they must come in order of completion. */
  acknowledged(write: RegisterOp): void {
    const last = this.acked[this.acked.length - 1];
    if (last !== undefined && last.completedAtMs > write.completedAtMs) throw new RangeError('KeyWrites: acknowledged writes must come in order of completion');
    this.acked.push(write);
  }

  writeOf(ts: number, writer: number): RegisterOp | undefined {
    return this.byVersion.get(`${ts}/${writer}`);
  }
}

/** Judges a completed read against its key's writes (all writes acknowledged before it began must be in `writes`). */
export function judgeRead(read: RegisterOp, writes: KeyWrites, options: HistoryCheckOptions): ReadVerdict {
  const phantom = read.ts >= 0 && writes.writeOf(read.ts, read.writer)?.value !== read.value;
  // The writes acknowledged before the read began: a prefix of the acknowledgement order.
  let end = 0;
  let hi = writes.acked.length;
  while (end < hi) {
    const mid = (end + hi) >>> 1;
    if (writes.acked[mid].completedAtMs < read.invokedAtMs) end = mid + 1;
    else hi = mid;
  }
  const newer: RegisterOp[] = [];
  for (let i = 0; i < end; i++) if (compareOpVersions(writes.acked[i], read) > 0) newer.push(writes.acked[i]);
  if (newer.length === 0) return { stale: false, staleAgeMs: NaN, lost: [], excused: false, phantom };
  const staleAgeMs = read.invokedAtMs - newer[0].completedAtMs;
  if (!options.quorum) return { stale: true, staleAgeMs, lost: [], excused: false, phantom };
  const lost = newer.filter((w) => !options.toleranceExceeded(read.key, w.invokedAtMs, read.completedAtMs, [w.client, read.client]));
  return { stale: true, staleAgeMs, lost, excused: lost.length === 0, phantom };
}

export interface HistoryVerdict {
  readonly writes: number;
  readonly writesAcked: number;
  readonly reads: number;
  readonly readsOk: number;
  readonly staleReads: number;
  /** Ages of the stale reads, in order of completion. */
  readonly staleAgesMs: readonly number[];
  /** Distinct acknowledged writes missed by a quorum read within tolerance: must be 0. */
  readonly lostWrites: number;
  /** Quorum reads that missed an acknowledged write within tolerance. */
  readonly violatingReads: number;
  /** Quorum reads that missed acknowledged writes only beyond the tolerance. */
  readonly excusedReads: number;
  readonly phantomReads: number;
}

/** Checks a whole history (any order: operations are replayed by their times). */
export function checkHistory(history: readonly RegisterOp[], options: HistoryCheckOptions): HistoryVerdict {
  const keys = new Map<number, KeyWrites>();
  const writesOf = (key: number): KeyWrites => {
    let w = keys.get(key);
    if (w === undefined) keys.set(key, (w = new KeyWrites()));
    return w;
  };
  for (const op of history) if (op.kind === 'write') writesOf(op.key).invoked(op);
  // Completions in time order, writes before reads at one instant (a read judged then sees only writes acknowledged strictly before it began).
  const completed = history.filter((op) => op.ok && Number.isFinite(op.completedAtMs)).sort((a, b) => a.completedAtMs - b.completedAtMs || (a.kind === b.kind ? 0 : a.kind === 'write' ? -1 : 1));
  const lost = new Set<RegisterOp>();
  let staleReads = 0;
  let violatingReads = 0;
  let excusedReads = 0;
  let phantomReads = 0;
  const staleAgesMs: number[] = [];
  for (const op of completed) {
    if (op.kind === 'write') {
      writesOf(op.key).acknowledged(op);
      continue;
    }
    const verdict = judgeRead(op, writesOf(op.key), options);
    if (verdict.phantom) phantomReads++;
    if (!verdict.stale) continue;
    staleReads++;
    staleAgesMs.push(verdict.staleAgeMs);
    if (verdict.excused) excusedReads++;
    if (verdict.lost.length > 0) violatingReads++;
    for (const w of verdict.lost) lost.add(w);
  }
  const count = (kind: RegisterOp['kind'], ok: boolean) => history.filter((op) => op.kind === kind && (!ok || (op.ok && Number.isFinite(op.completedAtMs)))).length;
  return {
    writes: count('write', false),
    writesAcked: count('write', true),
    reads: count('read', false),
    readsOk: count('read', true),
    staleReads,
    staleAgesMs,
    lostWrites: lost.size,
    violatingReads,
    excusedReads,
    phantomReads,
  };
}
