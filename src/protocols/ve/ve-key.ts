/** Where a VE's record lives: its key on the Chord ring (see `ringKey`), salted apart from VM keys. */
import { ringKey } from '../ring-key.js';

export function veKey(veId: number, idBits: number): number {
  return ringKey(veId, idBits, 0x1b873593, 've');
}
