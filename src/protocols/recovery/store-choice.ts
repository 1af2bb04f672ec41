/**
 * Where an agent stores a VM's snapshots, from static facts alone (every agent computes the same
 * answer wherever the VM runs): the PoP nearest the VM's home host's (where the deployment first
 * placed it) by latency, other than its own and than `avoidPop` (the PoP it runs in now), with a
 * host the agent may use (not itself, not one its failed sends made it suspect); ties by PoP index; there
 * the usable host at position key mod (usable hosts), the key being the VM's VE (so the members
 * of a VE that share a PoP share a store, which then plans their restarts together) or the VM
 * itself outside a VE. -1 when no other PoP has a usable host within reach. Pure.
 */
import type { NodeId } from '../../runtime/context.js';

export interface PlaceFacts {
  readonly hostCount: number;
  /** Each host's PoP (dense index). */
  readonly hostPop: ArrayLike<number>;
  readonly hostCountry: readonly string[];
  readonly popCount: number;
  /** One-way latency between PoPs as the deployment was laid out, us (< 0: no path). */
  popLatencyUs(pa: number, pb: number): number;
}

export function storeFor(facts: PlaceFacts, homeHost: NodeId, key: number, usable: (h: NodeId) => boolean, avoidPop = -1): NodeId {
  const home = facts.hostPop[homeHost];
  const count = new Int32Array(facts.popCount);
  for (let h = 0; h < facts.hostCount; h++) if (usable(h)) count[facts.hostPop[h]]++;
  let best = -1;
  let bestUs = Infinity;
  for (let pop = 0; pop < facts.popCount; pop++) {
    if (pop === home || pop === avoidPop || count[pop] === 0) continue;
    const us = facts.popLatencyUs(home, pop);
    if (us < 0 || us >= bestUs) continue;
    best = pop;
    bestUs = us;
  }
  if (best < 0) return -1;
  let k = key % count[best];
  for (let h = 0; h < facts.hostCount; h++) if (facts.hostPop[h] === best && usable(h) && k-- === 0) return h;
  return -1;
}
