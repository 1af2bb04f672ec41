/**
 * A key on a Chord ring for an object id (a VM, a VE): lowbias32 (Wellons' 32-bit integer mixer,
 * a bijection on 32 bits) of the id plus a salt, cut to `idBits`. Each kind of object has its own
 * salt, so object k of two kinds do not share an owner, and the mixer is unrelated to
 * `chordRingId` (murmur3's finaliser of node ids), so object k is not owned by node k.
 */
export function ringKey(id: number, idBits: number, salt: number, what: string): number {
  if (!(Number.isInteger(id) && id >= 0 && id < 2 ** 31)) throw new RangeError(`${what} id must be an integer in [0, 2^31), got ${id}`);
  if (!(Number.isInteger(idBits) && idBits >= 1 && idBits <= 32)) throw new RangeError(`idBits must be an integer in [1, 32], got ${idBits}`);
  let h = (id + salt) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return idBits === 32 ? h >>> 0 : (h >>> 0) >>> (32 - idBits);
}
