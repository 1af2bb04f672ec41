/** Where a VM's entry lives: its key on the Chord ring (see `ringKey`). */
import { ringKey } from '../ring-key.js';

export function vmKey(vmId: number, idBits: number): number {
  return ringKey(vmId, idBits, 0x632be5ab, 'vm');
}
