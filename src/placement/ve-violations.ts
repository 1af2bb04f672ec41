/**
 * Violations of a gather or a spread over placed VMs: the VE constraints' rule, shared by the
 * checker (`check.ts`) and the soft variants of user policies (`policy-check.ts`).
 */
import type { IndexedProblem } from './indexed.js';

/** Gather: every VM at the first one's place; spread: no two VMs at one place (host id or site). */
export function gatherSpreadViolations(ix: IndexedProblem, hostOf: Int32Array, kind: 'gather' | 'spread', scope: 'host' | 'site', members: readonly number[], label: string, out: string[]): void {
  const { hosts, vms } = ix.problem;
  const place = (v: number): number => (scope === 'host' ? hosts[hostOf[v]].id : hosts[hostOf[v]].site);
  if (kind === 'gather') {
    const first = members[0];
    for (const v of members) {
      if (place(v) !== place(first)) out.push(`${label}: vms ${vms[first].id} and ${vms[v].id} on ${scope}s ${place(first)} and ${place(v)}`);
    }
  } else {
    const firstAt = new Map<number, number>();
    for (const v of members) {
      const other = firstAt.get(place(v));
      if (other === undefined) firstAt.set(place(v), v);
      else out.push(`${label}: vms ${vms[other].id} and ${vms[v].id} both on ${scope} ${place(v)}`);
    }
  }
}
