/**
 * Reassembly of fragmented messages (`wire-codec.ts`, version 2), per (sender, epoch, message id).
 * Only fragments whose framing, MAC and freshness checked reach it, so without the key nothing is
 * stored. Memory is bounded for a peer holding the key too: at most `perSenderMax` incomplete
 * messages per sender (a new one evicts that sender's oldest) and `bytesMax` bytes of datagrams
 * held in all (a fragment that would pass it evicts the oldest incomplete messages, of any
 * sender, but never the one it belongs to). A message with no new fragment for `timeoutMs` is
 * given up (`sweep`). Duplicate fragments are ignored; fragments that disagree with the first of
 * their message (count, body length, chunk lengths) are refused as malformed. Nothing throws.
 */
import type { NodeId } from '../context.js';
import type { FragmentHeader } from './wire-codec.js';

export interface ReassemblyLimits {
  /** Incomplete messages held per sender. */
  readonly perSenderMax: number;
  /** Bytes of datagrams held in all (fragments keep the datagram they came in). */
  readonly bytesMax: number;
  /** An incomplete message with no new fragment for this long is given up. */
  readonly timeoutMs: number;
}

export const REASSEMBLY_DEFAULTS: ReassemblyLimits = { perSenderMax: 8, bytesMax: 16 * 1024 * 1024, timeoutMs: 2_000 };

/** Completed message ids remembered per sender, so a late duplicate does not start a new message. */
const COMPLETED_REMEMBERED = 32;

/** What became of one fragment. */
export type FragmentVerdict =
  | { readonly complete: Buffer }
  | 'pending' // stored, more to come
  | 'fragment-duplicate' // that index of that message is already held (or the message already complete)
  | 'malformed' // disagrees with the earlier fragments of its message
  | 'given-up'; // its message alone would pass `bytesMax`: given up (and counted as evicted)

/** Whole messages given up: too long without progress, or pushed out by the bounds. */
export type GiveUp = 'fragment-timeout' | 'fragment-evicted';

interface Incomplete {
  readonly key: string;
  readonly from: NodeId;
  readonly count: number;
  readonly bodyBytes: number;
  /** Length of every chunk but the last (0 until one arrived), and of the last (0 until it arrived). */
  chunkBytes: number;
  lastBytes: number;
  readonly chunks: (Buffer | undefined)[];
  /** Bytes of datagrams held for this message (what counts against `bytesMax`). */
  heldBytes: number;
  /** Bytes of body received so far. */
  bodyReceived: number;
  received: number;
  lastMs: number;
}

export class Reassembler {
  /** Incomplete messages in the order they started (Map keeps insertion order): the oldest first. */
  private readonly partials = new Map<string, Incomplete>();
  private readonly perSender: Uint32Array;
  private readonly completed: string[][];
  private held = 0;

  constructor(
    peerCount: number,
    private readonly limits: ReassemblyLimits,
    private readonly giveUp: (reason: GiveUp) => void,
  ) {
    this.perSender = new Uint32Array(peerCount);
    this.completed = Array.from({ length: peerCount }, () => []);
  }

  /** Incomplete messages held now. */
  get pendingMessages(): number {
    return this.partials.size;
  }

  /** Bytes of datagrams held now. */
  get heldBytes(): number {
    return this.held;
  }

  /**
   * Take one fragment (`chunk`, arrived in a datagram of `datagramBytes` bytes). Returns the whole
   * body once the last fragment is in.
   */
  add(from: NodeId, epochMs: number, fragment: FragmentHeader, chunk: Buffer, datagramBytes: number, nowMs: number): FragmentVerdict {
    const { messageId, index, count, bodyBytes } = fragment;
    const key = `${from}:${epochMs}:${messageId}`;
    const last = index === count - 1;
    let partial = this.partials.get(key);
    if (partial === undefined) {
      if (this.completed[from].includes(key)) return 'fragment-duplicate';
      if (datagramBytes > this.limits.bytesMax || chunk.length > bodyBytes) return 'malformed';
      // A chunk but the last is bodyBytes split in at most `count` pieces, the last one non-empty.
      if (!last && (chunk.length * (count - 1) >= bodyBytes || chunk.length * count < bodyBytes)) return 'malformed';
      while (this.perSender[from] >= this.limits.perSenderMax) this.evictOldest(from);
      partial = { key, from, count, bodyBytes, chunkBytes: 0, lastBytes: 0, chunks: new Array(count), heldBytes: 0, bodyReceived: 0, received: 0, lastMs: nowMs };
      this.partials.set(key, partial);
      this.perSender[from]++;
    } else {
      if (count !== partial.count || bodyBytes !== partial.bodyBytes) return 'malformed';
      if (partial.chunks[index] !== undefined) return 'fragment-duplicate';
    }
    // Every chunk but the last has one length C, the last bodyBytes - (count - 1) x C, as the sender cuts them.
    const chunkBytes = last ? partial.chunkBytes : chunk.length;
    const lastBytes = last ? chunk.length : partial.lastBytes;
    if ((!last && partial.chunkBytes !== 0 && chunk.length !== partial.chunkBytes) || (chunkBytes !== 0 && lastBytes !== 0 && (count - 1) * chunkBytes + lastBytes !== bodyBytes)) {
      if (partial.received === 0) this.remove(partial);
      return 'malformed';
    }
    while (this.held + datagramBytes > this.limits.bytesMax) {
      const oldest: Incomplete = this.oldestOtherThan(partial) ?? partial; // alone and still too big: itself
      this.remove(oldest);
      this.giveUp('fragment-evicted');
      if (oldest === partial) return 'given-up';
    }
    partial.chunkBytes = chunkBytes;
    partial.lastBytes = lastBytes;
    partial.chunks[index] = chunk;
    partial.heldBytes += datagramBytes;
    partial.bodyReceived += chunk.length;
    partial.received++;
    partial.lastMs = nowMs;
    this.held += datagramBytes;
    if (partial.received < count) return 'pending';
    this.remove(partial);
    const done = this.completed[from];
    done.push(key);
    if (done.length > COMPLETED_REMEMBERED) done.shift();
    return { complete: Buffer.concat(partial.chunks as Buffer[], bodyBytes) };
  }

  /** Give up every message with no new fragment for `timeoutMs`; returns how many. */
  sweep(nowMs: number): number {
    let given = 0;
    for (const partial of [...this.partials.values()]) {
      if (nowMs - partial.lastMs < this.limits.timeoutMs) continue;
      this.remove(partial);
      this.giveUp('fragment-timeout');
      given++;
    }
    return given;
  }

  /** Forget everything (the node stops). */
  clear(): void {
    this.partials.clear();
    this.perSender.fill(0);
    for (const done of this.completed) done.length = 0;
    this.held = 0;
  }

  private evictOldest(from: NodeId): void {
    for (const partial of this.partials.values()) {
      if (partial.from !== from) continue;
      this.remove(partial);
      this.giveUp('fragment-evicted');
      return;
    }
  }

  private oldestOtherThan(keep: Incomplete): Incomplete | undefined {
    for (const partial of this.partials.values()) if (partial !== keep) return partial;
    return undefined;
  }

  private remove(partial: Incomplete): void {
    if (!this.partials.delete(partial.key)) return;
    this.perSender[partial.from]--;
    this.held -= partial.heldBytes;
  }
}
