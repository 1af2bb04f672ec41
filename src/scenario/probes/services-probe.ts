/**
 * Metrics of the `services` section, from the services' state and the overlays' ground truth:
 *   services.replicas.full_share  share of live nodes whose data has `copies` live holders
 *                                 (nodes that hold a copy and are up now);
 *   services.watch.in_step_share  share of live nodes whose watch service's neighbourhood, built
 *                                 from notifications only, equals the overlay protocol's own
 *                                 neighbours right now (Chord's successors, CAN's zone
 *                                 neighbours, the gossip view), so the re-reading period and any
 *                                 lost notification show; for `live`, the truth itself: the
 *                                 peers its detector monitors that are up and reachable both
 *                                 ways now, so detection delays and false suspicions show too
 *                                 (comparing with the detector that feeds the watch would
 *                                 always say 1);
 *   services.watch.notifications  notifications the watch services received since they started;
 *   services.restarts             supervisor restarts of any service (the demonstration services,
 *                                 and a scheduler or the VE manager when they run), over live nodes.
 */
import { ACTORS, type ActorNode } from '../../actors/actor-stack.js';
import type { SupervisedService } from '../../actors/supervisor.js';
import type { NeighbourWatch } from '../../actors/services/neighbour-watch.js';
import type { ReplicaKeeper } from '../../actors/services/replica-keeper.js';
import type { MetricSeries } from '../../metrics/series.js';
import type { SimRuntime } from '../../runtime/sim/sim-runtime.js';
import { CAN, type CanProtocol } from '../../protocols/can/index.js';
import { CHORD, type ChordProtocol } from '../../protocols/chord/index.js';
import type { GossipProtocol } from '../../protocols/gossip/index.js';
import { GOSSIP } from '../../protocols/stack.js';
import { REPLICAS, WATCH } from '../../agent/services-stack.js';
import type { Services } from '../services.js';
import { FAILURE_DETECTOR, LIVE_OVERLAY } from '../../actors/actor-stack.js';
import type { FailureDetector } from '../../actors/failure-detector.js';
import type { NetworkModel } from '../../platform/network.js';

export function recordServices(series: MetricSeries, timeS: number, runtime: SimRuntime, network: NetworkModel, services: Services): void {
  const n = runtime.nodeCount;
  let restarts = 0;
  for (let id = 0; id < n; id++) {
    const node = runtime.protocolOf<ActorNode>(id, ACTORS);
    if (node === undefined) continue;
    for (const service of node.supervisor.services()) restarts += service.restarts; // the schedulers' and the VE manager's too
  }
  series.record(timeS, 'services.restarts', restarts);
  if (services.replicas !== undefined) recordReplicas(series, timeS, runtime, services.replicas.copies);
  if (services.watch !== undefined) recordWatch(series, timeS, runtime, network, services.watch.overlay);
}

function recordReplicas(series: MetricSeries, timeS: number, runtime: SimRuntime, copies: number): void {
  const n = runtime.nodeCount;
  const liveHolders = new Int32Array(n);
  let owners = 0;
  for (let h = 0; h < n; h++) {
    const keeper = runtime.protocolOf<SupervisedService>(h, REPLICAS)?.current<ReplicaKeeper>();
    if (keeper === null || keeper === undefined) continue;
    owners++;
    for (const owner of keeper.heldOwners()) liveHolders[owner]++;
  }
  if (owners === 0) return;
  let full = 0;
  for (let o = 0; o < n; o++) if (runtime.protocolOf<SupervisedService>(o, REPLICAS) !== undefined && liveHolders[o] >= copies) full++;
  series.record(timeS, 'services.replicas.full_share', full / owners);
}

function recordWatch(series: MetricSeries, timeS: number, runtime: SimRuntime, network: NetworkModel, overlay: string): void {
  let watchers = 0;
  let inStep = 0;
  let notifications = 0;
  for (let id = 0; id < runtime.nodeCount; id++) {
    const watch = runtime.protocolOf<SupervisedService>(id, WATCH)?.current<NeighbourWatch>();
    const node = runtime.protocolOf<ActorNode>(id, ACTORS);
    if (watch === null || watch === undefined || node === undefined) continue;
    watchers++;
    const counts = watch.notificationCounts();
    notifications += counts.joins + counts.leaves + counts.changes;
    if (sameMembers(watch.neighbours(), truthNeighbours(runtime, network, id, node, overlay))) inStep++;
  }
  if (watchers === 0) return;
  series.record(timeS, 'services.watch.in_step_share', inStep / watchers);
  series.record(timeS, 'services.watch.notifications', notifications);
}

/** The overlay's neighbours as its protocol holds them now (not as last re-read for notifications); for `live`, the truth. */
function truthNeighbours(runtime: SimRuntime, network: NetworkModel, id: number, node: ActorNode, overlay: string): readonly number[] {
  switch (overlay) {
    case 'chord': {
      const chord = runtime.protocolOf<ChordProtocol>(id, CHORD);
      return chord?.isJoined() ? chord.successorList().filter((p) => p !== id) : [];
    }
    case 'can':
      return runtime.protocolOf<CanProtocol>(id, CAN)?.neighbourList().map((info) => info.node).filter((p) => p !== id) ?? [];
    case 'sample':
      return runtime.protocolOf<GossipProtocol>(id, GOSSIP)?.peers().filter((p) => p !== id) ?? [];
    case LIVE_OVERLAY: {
      const detector = runtime.protocolOf<FailureDetector>(id, FAILURE_DETECTOR);
      const reachable = (p: number): boolean => runtime.isUp(p) && network.latencyUs(id, p) >= 0 && network.latencyUs(p, id) >= 0;
      return detector?.monitoredPeers().filter(reachable) ?? [];
    }
    default:
      return node.overlay(overlay).neighbours();
  }
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}
