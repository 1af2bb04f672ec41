import { randomStream } from '../../kernel/random.js';
import type { NodeId } from '../context.js';

/**
 * The introducers of node `id`: `count` distinct other nodes drawn from the seed's 'bootstrap'
 * stream, the same draw as the simulated runtime's, so a live run starts from the same overlay as
 * the simulation of the same seed.
 */
export function drawBootstrapPeers(seed: number, id: NodeId, nodeCount: number, count: number): NodeId[] {
  const want = Math.min(count, nodeCount - 1);
  const rng = randomStream(seed, 'bootstrap', id);
  const chosen = new Set<NodeId>();
  while (chosen.size < want) {
    const peer = rng.int(nodeCount);
    if (peer !== id) chosen.add(peer);
  }
  return [...chosen];
}
