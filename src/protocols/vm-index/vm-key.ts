/**
 * Where a VM's entry lives: its key on the Chord ring, a hash of the VM id. The hash is
 * lowbias32 (Wellons' 32-bit integer mixer, a bijection on 32 bits) of the id plus a constant,
 * unrelated to `chordRingId` (murmur3's finaliser of node ids): with the same function VM k
 * would sit exactly on node k's identifier and be owned by node k.
 */
export function vmKey(vmId: number, idBits: number): number {
  if (!(Number.isInteger(vmId) && vmId >= 0 && vmId < 2 ** 31)) throw new RangeError(`vm id must be an integer in [0, 2^31), got ${vmId}`);
  if (!(Number.isInteger(idBits) && idBits >= 1 && idBits <= 32)) throw new RangeError(`idBits must be an integer in [1, 32], got ${idBits}`);
  let h = (vmId + 0x632be5ab) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return idBits === 32 ? h >>> 0 : (h >>> 0) >>> (32 - idBits);
}
