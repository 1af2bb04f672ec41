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
import type { NodeId } from '../../runtime/context.js';
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

/**
 * What the probe reads of one running node's services: from a simulated node (`servicesNodeOf`)
 * or from a live agent's sample of them (`live-samples.ts`).
 */
export interface ServicesNode {
  /** Supervisor restarts of the node's services so far. */
  readonly restarts: number;
  /** The replica keeper: whether its service runs, and whose data it holds (null while it restarts). */
  readonly replicas?: { readonly owners: readonly NodeId[] | null };
  /**
   * The watch service: its neighbourhood built from notifications, the notifications it received,
   * and the overlay's neighbours to compare with: the protocol's own now (for `live`, the peers its
   * detector monitors, to be kept to those up and reachable).
   */
  readonly watch?: { readonly neighbours: readonly NodeId[]; readonly notifications: number; readonly overlayNeighbours: readonly NodeId[] } | null;
}

export function recordServices(series: MetricSeries, timeS: number, runtime: SimRuntime, network: NetworkModel, services: Services): void {
  const nodes = Array.from({ length: runtime.nodeCount }, (_, id) => servicesNodeOf((name) => runtime.protocolOf(id, name), id, services));
  const reachable = (from: NodeId, to: NodeId): boolean => runtime.isUp(to) && network.latencyUs(from, to) >= 0 && network.latencyUs(to, from) >= 0;
  recordServicesOf(series, timeS, nodes, services, reachable);
}

/**
 * Records services.* from the running nodes' views (undefined: the node is down). `reachable`:
 * the truth that a message goes both ways between two nodes now (both up, a path each way).
 */
export function recordServicesOf(series: MetricSeries, timeS: number, nodes: readonly (ServicesNode | undefined)[], services: Services, reachable: (from: NodeId, to: NodeId) => boolean): void {
  let restarts = 0;
  for (const node of nodes) restarts += node?.restarts ?? 0; // the schedulers' and the VE manager's too
  series.count(timeS, 'services.restarts', restarts);
  if (services.replicas !== undefined) recordReplicas(series, timeS, nodes, services.replicas.copies);
  if (services.watch !== undefined) recordWatch(series, timeS, nodes, services.watch.overlay, reachable);
}

/**
 * A node's services as the probe reads them, through `protocolOf` of that node (a simulated
 * runtime's, or a live agent's own); undefined when the node runs no actor layer (it is down).
 */
export function servicesNodeOf(protocolOf: (name: string) => unknown, id: NodeId, services: Services): ServicesNode | undefined {
  const node = protocolOf(ACTORS) as ActorNode | undefined;
  if (node === undefined) return undefined;
  let restarts = 0;
  for (const service of node.supervisor.services()) restarts += service.restarts;
  const replicaService = services.replicas === undefined ? undefined : (protocolOf(REPLICAS) as SupervisedService | undefined);
  const keeper = replicaService?.current<ReplicaKeeper>() ?? null;
  const watch = services.watch === undefined ? null : ((protocolOf(WATCH) as SupervisedService | undefined)?.current<NeighbourWatch>() ?? null);
  return {
    restarts,
    ...(replicaService === undefined ? {} : { replicas: { owners: keeper === null ? null : [...keeper.heldOwners()] } }),
    ...(services.watch === undefined ? {} : { watch: watch === null ? null : watchView(watch, overlayNeighbours(protocolOf, id, node, services.watch.overlay)) }),
  };
}

/** A watch service's neighbourhood and notification count, beside the overlay's neighbours. */
function watchView(watch: NeighbourWatch, overlayNeighbours: readonly NodeId[]): NonNullable<ServicesNode['watch']> {
  const counts = watch.notificationCounts();
  return { neighbours: [...watch.neighbours()], notifications: counts.joins + counts.leaves + counts.changes, overlayNeighbours };
}

function recordReplicas(series: MetricSeries, timeS: number, nodes: readonly (ServicesNode | undefined)[], copies: number): void {
  const liveHolders = new Int32Array(nodes.length);
  let owners = 0;
  for (const node of nodes) {
    const held = node?.replicas?.owners;
    if (held === null || held === undefined) continue;
    owners++;
    for (const owner of held) liveHolders[owner]++;
  }
  if (owners === 0) return;
  let full = 0;
  nodes.forEach((node, o) => {
    if (node?.replicas !== undefined && liveHolders[o] >= copies) full++;
  });
  series.record(timeS, 'services.replicas.full_share', full / owners);
}

function recordWatch(series: MetricSeries, timeS: number, nodes: readonly (ServicesNode | undefined)[], overlay: string, reachable: (from: NodeId, to: NodeId) => boolean): void {
  let watchers = 0;
  let inStep = 0;
  let notifications = 0;
  nodes.forEach((node, id) => {
    const watch = node?.watch;
    if (watch === null || watch === undefined) return;
    watchers++;
    notifications += watch.notifications;
    const truth = overlay === LIVE_OVERLAY ? watch.overlayNeighbours.filter((p) => reachable(id, p)) : watch.overlayNeighbours;
    if (sameMembers(watch.neighbours, truth)) inStep++;
  });
  if (watchers === 0) return;
  series.record(timeS, 'services.watch.in_step_share', inStep / watchers);
  series.count(timeS, 'services.watch.notifications', notifications);
}

/**
 * The overlay's neighbours as its protocol holds them now (not as last re-read for
 * notifications); for `live`, the peers the detector monitors (the probe keeps the reachable ones).
 */
function overlayNeighbours(protocolOf: (name: string) => unknown, id: NodeId, node: ActorNode, overlay: string): readonly NodeId[] {
  switch (overlay) {
    case 'chord': {
      const chord = protocolOf(CHORD) as ChordProtocol | undefined;
      return chord?.isJoined() ? chord.successorList().filter((p) => p !== id) : [];
    }
    case 'can':
      return (protocolOf(CAN) as CanProtocol | undefined)?.neighbourList().map((info) => info.node).filter((p) => p !== id) ?? [];
    case 'sample':
      return (protocolOf(GOSSIP) as GossipProtocol | undefined)?.peers().filter((p) => p !== id) ?? [];
    case LIVE_OVERLAY:
      return (protocolOf(FAILURE_DETECTOR) as FailureDetector | undefined)?.monitoredPeers() ?? [];
    default:
      return node.overlay(overlay).neighbours();
  }
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}
