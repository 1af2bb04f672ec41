/**
 * Replay protection per sender, as IPsec's anti-replay window (RFC 4303 §3.4.3) with an epoch in
 * front: a datagram is (epoch, counter). A later epoch is the sender restarted: its window starts
 * afresh. An earlier epoch is a replay of a past life. Within an epoch, a counter above the
 * highest seen is new; one at most WINDOW - 1 below it is new unless its bit is set (UDP may
 * reorder); anything older is too old to tell, so refused. Only call `accept` for datagrams whose
 * MAC checked: a forger must not move the window.
 */
export const REPLAY_WINDOW = 1024;
const WORDS = REPLAY_WINDOW / 32;

export type ReplayVerdict = 'ok' | 'replayed' | 'too-old' | 'old-epoch';

export class ReplayWindow {
  private readonly epochs: Float64Array;
  private readonly highest: Float64Array;
  /** Per sender, REPLAY_WINDOW bits: bit (counter mod REPLAY_WINDOW) set if seen; allocated on first datagram. */
  private readonly seen: (Uint32Array | undefined)[];

  constructor(peerCount: number) {
    this.epochs = new Float64Array(peerCount).fill(-1);
    this.highest = new Float64Array(peerCount);
    this.seen = new Array(peerCount);
  }

  accept(from: number, epochMs: number, counter: number): ReplayVerdict {
    const epoch = this.epochs[from];
    if (epochMs < epoch) return 'old-epoch';
    const bits = (this.seen[from] ??= new Uint32Array(WORDS));
    if (epochMs > epoch) {
      this.epochs[from] = epochMs;
      this.highest[from] = counter;
      bits.fill(0);
      setBit(bits, counter);
      return 'ok';
    }
    const highest = this.highest[from];
    if (counter > highest) {
      // Forget the slots the window slides past (all of them after a long gap).
      const gap = counter - highest;
      if (gap >= REPLAY_WINDOW) bits.fill(0);
      else for (let c = highest + 1; c <= counter; c++) clearBit(bits, c);
      this.highest[from] = counter;
      setBit(bits, counter);
      return 'ok';
    }
    if (highest - counter >= REPLAY_WINDOW) return 'too-old';
    if (getBit(bits, counter)) return 'replayed';
    setBit(bits, counter);
    return 'ok';
  }
}

function slot(counter: number): number {
  return counter % REPLAY_WINDOW;
}
function setBit(bits: Uint32Array, counter: number): void {
  const s = slot(counter);
  bits[s >>> 5] |= 1 << (s & 31);
}
function clearBit(bits: Uint32Array, counter: number): void {
  const s = slot(counter);
  bits[s >>> 5] &= ~(1 << (s & 31));
}
function getBit(bits: Uint32Array, counter: number): boolean {
  const s = slot(counter);
  return (bits[s >>> 5] & (1 << (s & 31))) !== 0;
}
