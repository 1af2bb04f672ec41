/**
 * Where a VE's record lives: its key on the Chord ring, a hash of the VE id. lowbias32 (as
 * `vmKey`) with another constant, so that VE k and VM k do not land on the same owner, and
 * unrelated to `chordRingId`, so that VE k is not owned by node k.
 */
export function veKey(veId: number, idBits: number): number {
  if (!(Number.isInteger(veId) && veId >= 0 && veId < 2 ** 31)) throw new RangeError(`ve id must be an integer in [0, 2^31), got ${veId}`);
  if (!(Number.isInteger(idBits) && idBits >= 1 && idBits <= 32)) throw new RangeError(`idBits must be an integer in [1, 32], got ${idBits}`);
  let h = (veId + 0x1b873593) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return idBits === 32 ? h >>> 0 : (h >>> 0) >>> (32 - idBits);
}
