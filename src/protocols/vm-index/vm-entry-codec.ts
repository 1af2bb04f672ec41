/**
 * A VM index entry as `registry: 'store'` keeps it in the replicated store: [host, version]
 * (the VM's migration count when that host published it). Pure.
 */
import type { NodeId } from '../../runtime/context.js';

export const VM_ENTRY_WORDS = 2;

export interface VmEntry {
  readonly host: NodeId;
  readonly version: number;
}

export function encodeVmEntry(entry: VmEntry): number[] {
  return [entry.host, entry.version];
}

/** The entry in `data`, or null when it is not one. */
export function decodeVmEntry(data: readonly number[]): VmEntry | null {
  if (data.length !== VM_ENTRY_WORDS) return null;
  const [host, version] = data;
  return Number.isInteger(host) && host >= 0 && Number.isInteger(version) && version >= 0 ? { host, version } : null;
}
