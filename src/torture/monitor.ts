/**
 * The invariant registry of `luc torture`: installs, on a run about to start, every check that
 * applies to its scenario, each the protocol's own, and runs them from the simulator's
 * after-event hook (a null test per event when unused) and the runtime's handler hook:
 * - after every event: the cloud model's consistency on the hosts it changed and the VE
 *   constraints when it moved a VM (`cloud-checks.ts`); the store's history (no acknowledged
 *   quorum write lost within its tolerance, `storeHistory`); with `cloud.images`, every image
 *   chunk with a copy on a live store while fewer PoPs than its replicas are down
 *   (`image-checks.ts`); with `cloud.replication`, every replicated VM lost with a synced backup
 *   running again within the watcher's delay, and backups apart from their primaries' PoPs
 *   (`replication-checks.ts`);
 * - before every handler: a message or timer is handled only by the incarnation it was meant for;
 * - every `scanS` of virtual time (at the first event at or after each tick): the whole cloud
 *   model, the VE constraints and the liveness bounds after the last fault healed
 *   (`liveness-checks.ts`).
 * A broken invariant throws `InvariantBroken` at the event that broke it.
 */
import { sToUs } from '../kernel/time.js';
import { msToUs } from '../kernel/time.js';
import { DVMS } from '../agent/scheduler-stack.js';
import type { RunInstruments } from '../scenario/run-scenario.js';
import type { StoreProbe } from '../scenario/probes/store-probe.js';
import type { World } from '../scenario/build-world.js';
import type { ChunkPlacement } from '../platform/chunk-placement.js';
import { cloudChecks, type CloudModelCheck } from './cloud-checks.js';
import { imageChunksAlive } from './image-checks.js';
import { replicationChecks } from './replication-checks.js';
import { type Check, InvariantBroken } from './invariant.js';
import { canTiling, chordRing, partitionsReleased } from './liveness-checks.js';

export interface MonitorOptions {
  /** Partitions released, Chord ring right and CAN zones tiled this long after the last fault heals. */
  readonly livenessS: number;
  /** Virtual seconds between scans. */
  readonly scanS: number;
  readonly cloudCheck?: CloudModelCheck;
  /** The chunk placement the image check holds the stores to (default: the store's own). */
  readonly imagePlacement?: ChunkPlacement;
}

/** Times each check ran (not counting calls where nothing it reads had changed). */
export type CheckCounts = Record<string, number>;

export function installMonitor(run: RunInstruments, options: MonitorOptions): CheckCounts {
  const { sim, runtime, world, cloud, scenario, store, images, replication } = run;
  const counts: CheckCounts = {};
  const perEvent: Check[] = [];
  const perScan: Check[] = [];
  if (cloud !== null && world.backbone !== null) {
    const checks = cloudChecks(cloud, world.backbone, options.cloudCheck);
    perEvent.push(...checks.perEvent);
    perScan.push(...checks.perScan);
  }
  if (store !== null) perEvent.push(storeHistory(store));
  if (images !== null && cloud !== null && world.backbone !== null) {
    perEvent.push(imageChunksAlive(images.store, cloud.hypervisors, world.backbone.hostPop, world.backbone.backbone.pops.length, options.imagePlacement));
  }
  if (replication !== null && cloud !== null && world.backbone !== null) {
    const { backbone } = world;
    const checks = replicationChecks({ cloud: cloud.cloud, hypervisors: cloud.hypervisors, replication, hostPop: backbone.hostPop, hostCountry: cloud.hostCountry, constraints: cloud.constraints, popName: (pop) => backbone.backbone.pops[pop].name, nowUs: () => sim.nowUs() });
    perEvent.push(...checks.perEvent);
    perScan.push(...checks.perScan);
  }
  const healUs = lastHealUs(world);
  if (Number.isFinite(healUs)) {
    const window = { healUs, livenessUs: sToUs(options.livenessS) };
    if (scenario.scheduler?.kind === 'dvms') perScan.push(partitionsReleased(runtime, DVMS, window));
    if (scenario.scheduler?.kind === 'dvms' || scenario.protocols.chord !== undefined || scenario.cloud?.lifecycle !== undefined) perScan.push(chordRing(runtime, window));
    if (scenario.protocols.can !== undefined) perScan.push(canTiling(runtime, window));
  }
  for (const check of [...perEvent, ...perScan]) counts[check.name] = 0;
  counts['runtime.incarnation'] = 0;

  runtime.onHandle = (node, incarnation) => {
    counts['runtime.incarnation']++;
    const current = runtime.incarnationOf(node);
    if (incarnation !== current) {
      throw new InvariantBroken('runtime.incarnation', sim.nowUs(), `node ${node} handled a message or timer meant for its incarnation ${incarnation}, while running incarnation ${current}`);
    }
  };
  const scanUs = sToUs(options.scanS);
  let nextScanUs = 0;
  const runCheck = (check: Check, nowUs: number): void => {
    const problem = check.check(nowUs);
    if (problem === undefined) return;
    counts[check.name]++;
    if (problem !== null) throw new InvariantBroken(check.name, nowUs, problem);
  };
  sim.afterEvent = () => {
    const nowUs = sim.nowUs();
    for (let k = 0; k < perEvent.length; k++) runCheck(perEvent[k], nowUs);
    if (nowUs < nextScanUs) return;
    nextScanUs = (Math.floor(nowUs / scanUs) + 1) * scanUs;
    for (let k = 0; k < perScan.length; k++) runCheck(perScan[k], nowUs);
  };
  return counts;
}

/** The store never loses an acknowledged quorum write within its tolerance: judged at each read's completion. */
export function storeHistory(store: Pick<StoreProbe, 'readsJudged' | 'lostWrites'>): Check {
  let judged = 0;
  return {
    name: 'store.acked_writes',
    check() {
      if (store.readsJudged === judged) return undefined;
      judged = store.readsJudged;
      return store.lostWrites.first;
    },
  };
}

/** When the last fault or churn step is over: Infinity when one never ends (no liveness then). */
export function lastHealUs(world: World): number {
  let heal = 0;
  for (const fault of world.faults) {
    if (fault.kind === 'stochastic' || fault.durationUs === null) return Infinity;
    heal = Math.max(heal, fault.atUs + fault.durationUs);
  }
  for (const step of world.churn?.steps ?? []) heal = Math.max(heal, msToUs(step.timeMs));
  return heal;
}
