/**
 * Puts the `scheduler` section's VM scheduler on top of a node's protocols, as a service under
 * the node's supervisor (a handler that throws restarts it with fresh state; the node's other
 * protocols run on). DVMS runs over the node's Chord ring, bound to it through a peer actor
 * (and Vivaldi for the locality variant); when the scenario does not run them, they are added
 * with their defaults, Chord without lookups of its own. Each scheduler gets the
 * VE constraints of the cloud, the user policies with their static facts (each PoP's operator,
 * each VE's tenant), and runs as many migrations at once per host as the hypervisor
 * allows (`cloud.migration.outgoingPerHostMax`), so no order is refused as 'busy'.
 */
import type { NodeId, Protocol, StackBuilder } from '../runtime/context.js';
import { superviseIn, superviseOver } from '../actors/actor-stack.js';
import type { VeConstraint } from '../placement/problem.js';
import type { PolicyFacts } from '../protocols/policy-view.js';
import { CHORD, VivaldiCoordinateSource } from '../protocols/chord/index.js';
import { chordBeneath } from './chord-beneath.js';
import { GossipProtocol, defaultGossipConfig } from '../protocols/gossip/index.js';
import { VivaldiProtocol, defaultVivaldiConfig, rememberingPeerCoordinates } from '../protocols/vivaldi/index.js';
import { GOSSIP, VIVALDI } from '../protocols/stack.js';
import { DvmsProtocol } from '../protocols/dvms/dvms-protocol.js';
import { type DvmsConfig, defaultDvmsConfig } from '../protocols/dvms/dvms-config.js';
import { CENTRAL, CentralSchedulerProtocol, type CentralConfig, defaultCentralConfig } from '../protocols/central/index.js';
import { SNOOZE, SnoozeProtocol, type SnoozeConfig, defaultSnoozeConfig, groupManagersEvery } from '../protocols/snooze/index.js';
import { ChordVivaldiOverlay } from './dvms-overlay.js';
import type { CloudSection } from '../scenario/cloud.js';
import type { SchedulerSection } from '../scenario/scheduler.js';

export const DVMS = 'dvms';

/** The locality variant picks among peers whose coordinates Vivaldi remembers: at least this many. */
export const LOCALITY_PEER_COORDINATES_MIN = 128;

/** The protocol name the scheduler runs under (its scheduling log is read under this name). */
export function schedulerProtocolName(scheduler: SchedulerSection): string {
  return scheduler.kind === 'dvms' ? DVMS : scheduler.kind === 'central' ? CENTRAL : SNOOZE;
}

export interface SchedulerStackInput {
  readonly scheduler: SchedulerSection;
  readonly cloud: CloudSection;
  readonly hostCount: number;
  readonly constraints: readonly VeConstraint[];
  /** User policies and their static facts; absent or null: none. */
  readonly policies?: PolicyFacts | null;
}

export function withScheduler(inner: StackBuilder, input: SchedulerStackInput): StackBuilder {
  const { scheduler } = input;
  if (scheduler.kind === 'dvms') return withDvms(inner, dvmsConfig(input));
  if (scheduler.kind === 'central') {
    const config = centralConfig(input);
    return (contextFor) => supervisedIn(inner(contextFor), contextFor, CENTRAL, (ctx) => new CentralSchedulerProtocol(ctx, config));
  }
  const config = snoozeConfig(input);
  return (contextFor) => supervisedIn(inner(contextFor), contextFor, SNOOZE, (ctx) => new SnoozeProtocol(ctx, config));
}

/** The baselines need no overlay: a supervised service without a peer actor. */
function supervisedIn(protocols: ReadonlyMap<string, Protocol>, contextFor: Parameters<StackBuilder>[0], name: string, factory: Parameters<typeof superviseIn>[3]): ReadonlyMap<string, Protocol> {
  const out = new Map(protocols);
  superviseIn(out, contextFor, name, factory);
  return out;
}

function planning(input: SchedulerStackInput, timeLimitMs: number) {
  return { ...input.scheduler.planning, timeLimitMs };
}

function dvmsConfig(input: SchedulerStackInput): DvmsConfig {
  const { dvms } = input.scheduler;
  const { timeLimitMs, ispHopsMax, ...rest } = dvms;
  if (ispHopsMax !== undefined && ispHopsMax <= input.hostCount) throw new SchedulerNodeError('dvms.ispHopsMax', input.hostCount, ispHopsMax, `a number of hops > the host count (${input.hostCount}): an ISP must be able to go around the ring`);
  const hops = ispHopsMax ?? Math.max(defaultDvmsConfig.ispHopsMax, input.hostCount + 1);
  return { ...defaultDvmsConfig, ...rest, ispHopsMax: hops, planningCost: planning(input, timeLimitMs), constraints: input.constraints, policies: input.policies ?? null, veSizes: veSizesOf(input.cloud), migrationsPerHostMax: input.cloud.migration.outgoingPerHostMax };
}

/** Each VE's VM count, by VE id: the cloud section's groups in order, `count` VEs of `size` each (as the VEs are numbered when placed). */
function veSizesOf(cloud: CloudSection): number[] {
  const sizes: number[] = [];
  for (const group of cloud.ves) for (let k = 0; k < group.count; k++) sizes.push(group.size);
  return sizes;
}

function centralConfig(input: SchedulerStackInput): CentralConfig {
  const { timeLimitMs, ...rest } = input.scheduler.central;
  checkNode('central.managerNode', rest.managerNode, input.hostCount);
  return { ...defaultCentralConfig, ...rest, planningCost: planning(input, timeLimitMs), constraints: input.constraints, policies: input.policies ?? null, migrationsInFlightMax: input.cloud.migration.outgoingPerHostMax };
}

function snoozeConfig(input: SchedulerStackInput): SnoozeConfig {
  const { timeLimitMs, groupManagerEvery, ...rest } = input.scheduler.snooze;
  checkNode('snooze.groupLeader', rest.groupLeader, input.hostCount);
  const groupManagers = groupManagersEvery(input.hostCount, groupManagerEvery, rest.groupLeader);
  return { ...defaultSnoozeConfig, ...rest, groupManagers, planningCost: planning(input, timeLimitMs), constraints: input.constraints, policies: input.policies ?? null, migrationsInFlightMax: input.cloud.migration.outgoingPerHostMax };
}

/** Thrown when a setting does not fit the run's hosts (a node id outside it, too few ISP hops); the caller names the field. */
export class SchedulerNodeError extends RangeError {
  constructor(
    readonly field: string,
    readonly hostCount: number,
    readonly node: NodeId,
    readonly expected = `a host index < ${hostCount}`,
  ) {
    super(`scheduler.${field}: expected ${expected}, found ${node}`);
  }
}

function checkNode(field: string, node: NodeId, hostCount: number): void {
  if (node >= hostCount) throw new SchedulerNodeError(field, hostCount, node);
}

/** DVMS over the node's Chord, and Vivaldi for the locality variant, added when missing. */
function withDvms(inner: StackBuilder, config: DvmsConfig): StackBuilder {
  const locality = config.variant === 'locality';
  return (contextFor) => {
    const protocols = new Map(inner(contextFor));
    let vivaldi = protocols.get(VIVALDI) as VivaldiProtocol | undefined;
    if (vivaldi === undefined && locality) {
      let gossip = protocols.get(GOSSIP) as GossipProtocol | undefined;
      if (gossip === undefined) {
        gossip = new GossipProtocol(contextFor(GOSSIP), defaultGossipConfig);
        protocols.set(GOSSIP, gossip);
      }
      vivaldi = new VivaldiProtocol(contextFor(VIVALDI), gossip, rememberingPeerCoordinates(defaultVivaldiConfig, LOCALITY_PEER_COORDINATES_MIN));
      protocols.set(VIVALDI, vivaldi);
    }
    const chord = chordBeneath(protocols, contextFor, vivaldi === undefined ? null : new VivaldiCoordinateSource(vivaldi));
    // The ring is read through the peer actor at every (re)start: a swapped overlay is followed.
    superviseOver(protocols, contextFor, DVMS, { name: CHORD, source: chord }, (ctx, peer) => new DvmsProtocol(ctx, new ChordVivaldiOverlay(ctx.id, peer.overlay.source, locality ? vivaldi : undefined), config));
    return protocols;
  };
}
