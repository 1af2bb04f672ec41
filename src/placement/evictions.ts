/**
 * Which units to take off a host so that what stays fits: the minimal sets (no member can be
 * dropped) of `vmCounts[0]` to `vmCounts[1]` VMs that free at least `cpuNeed` cores and
 * `memNeedMiB`, by number of VMs, then memory moved, then CPU freed (most first), then
 * candidate order; at most `setsMax` (the counts after the one reaching it are not searched).
 * Candidates must come sorted by CPU, most first: the depth-first enumeration prunes a branch as
 * soon as the largest CPUs left cannot reach the need, and stops after `nodesMax` nodes per count
 * (the sets found so far are kept), so a host with many VMs costs a bounded search.
 */
export interface EvictionCandidates {
  readonly cpu: readonly number[];
  readonly memMiB: readonly number[];
  /** VMs in each candidate (a gathered VE moves as one unit of several VMs). */
  readonly size: readonly number[];
}

export function evictionSets(
  cands: EvictionCandidates,
  cpuNeed: number,
  memNeedMiB: number,
  vmCounts: readonly [number, number],
  tolerance: number,
  nodesMax: number,
  onNode: () => void,
  setsMax = Infinity,
): number[][] {
  const n = cands.cpu.length;
  const cpuPrefix = new Float64Array(n + 1);
  const memSuffix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cpuPrefix[i + 1] = cpuPrefix[i] + cands.cpu[i];
  for (let i = n - 1; i >= 0; i--) memSuffix[i] = memSuffix[i + 1] + cands.memMiB[i];
  const cpuMin = cpuNeed - tolerance;
  const memMin = memNeedMiB - tolerance;
  const out: number[][] = [];
  const chosen: number[] = [];
  let found: { set: number[]; cpu: number; mem: number }[] = [];
  let nodes = 0;

  const minimal = (cpu: number, mem: number): boolean =>
    chosen.every((j) => cpu - cands.cpu[j] < cpuMin || mem - cands.memMiB[j] < memMin);

  const visit = (vmCount: number, start: number, size: number, cpu: number, mem: number): void => {
    if (size === vmCount) {
      if (cpu >= cpuMin && mem >= memMin && minimal(cpu, mem)) found.push({ set: [...chosen], cpu, mem });
      return;
    }
    const slots = vmCount - size;
    for (let i = start; i < n && nodes < nodesMax; i++) {
      // At most `slots` more candidates, and the next ones have the most CPU left.
      if (cpu + cpuPrefix[Math.min(n, i + slots)] - cpuPrefix[i] < cpuMin) break;
      if (mem + memSuffix[i] < memMin) break;
      if (size + cands.size[i] > vmCount) continue;
      nodes++;
      onNode();
      chosen.push(i);
      visit(vmCount, i + 1, size + cands.size[i], cpu + cands.cpu[i], mem + cands.memMiB[i]);
      chosen.pop();
    }
  };
  for (let vmCount = vmCounts[0]; vmCount <= vmCounts[1] && out.length < setsMax; vmCount++) {
    nodes = 0;
    found = [];
    visit(vmCount, 0, 0, 0, 0);
    found.sort((a, b) => a.mem - b.mem || b.cpu - a.cpu || lexicographic(a.set, b.set));
    for (const f of found) out.push(f.set);
  }
  return out.slice(0, setsMax);
}

function lexicographic(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
