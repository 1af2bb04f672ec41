/**
 * What a probe reads of the nodes: how many there are, which are up, and a protocol's public
 * accessors by name. A simulated run passes its `SimRuntime`; a live launch passes the agents'
 * samples taken at one tick (`scenario/live-score.ts`), so the same probes score both.
 */
import type { NodeId } from '../../runtime/context.js';

export interface NodesView {
  readonly nodeCount: number;
  isUp(id: NodeId): boolean;
  /** Protocol `name` of node `id` (undefined where it does not run); each probe names the accessors it reads. */
  protocolOf(id: NodeId, name: string): unknown;
}
