/**
 * From a validated scenario to the modelled world: the network (a backbone with hosts, or an
 * RTT matrix), the host count of every PoP, and the faults with their targets resolved.
 * Targets that name something the topology does not have are scenario errors, with the field.
 */
import { nearestNames } from './suggest.js';
import { loadGraphml } from '../platform/graphml.js';
import { buildBackbone, type BackboneOptionsInput, type BackboneReport } from '../platform/backbone.js';
import { generateBackbone } from '../platform/generate.js';
import { loadRttMatrix } from '../platform/rtt-matrix.js';
import { oneWayLatencies } from '../platform/one-way-latency.js';
import { BackboneNetwork, MatrixNetwork, type NetworkModel } from '../platform/network.js';
import { TopologyError, type Backbone } from '../platform/types.js';
import { sToUs } from '../kernel/time.js';
import type { Fault as PlannedFault } from '../faults/fault-plan.js';
import type { ChurnPlan } from '../faults/churn-driver.js';
import { planChurn } from './churn-plan.js';
import { ScenarioError, scenarioIssue } from './errors.js';
import type { Scenario } from './schema.js';

/** Shortest-path rows may use this much memory (each is 4 bytes per PoP). */
export const PATH_CACHE_BYTES_MAX = 512 * 1024 * 1024;

/**
 * Hosts of one run. Host ids index typed arrays everywhere (counters, views, paths); the largest
 * bundled runs have 10^5 hosts, and a count past typed-array lengths is a typo, not a run.
 */
export const HOSTS_MAX = 10_000_000;

export interface World {
  readonly network: NetworkModel;
  /** Null for an RTT-matrix topology (no links, no PoPs to fail). */
  readonly backbone: BackboneNetwork | null;
  readonly faults: readonly PlannedFault[];
  /** Joins and leaves of the churning hosts; null without a `churn` section. */
  readonly churn: ChurnPlan | null;
  /** What the GraphML loader dropped (self-loops, PoPs it could not place), one sentence each. */
  readonly warnings: readonly string[];
}

/** The set-up phases of a run before its first event (for a progress display): loading the topology, latencies and paths, hosts, the cloud, the agents. */
export type SetupPhase = 'topology' | 'paths' | 'hosts' | 'cloud' | 'agents';

export function buildWorld(scenario: Scenario, scenarioFile: string, onPhase?: (phase: SetupPhase) => void): World {
  const fail = (field: string, expected: string, found: string): never => {
    throw new ScenarioError(scenarioFile, [scenarioIssue(field, expected, found)]);
  };
  const topology = scenario.topology;
  onPhase?.('topology');
  if (topology.kind === 'matrix') {
    const matrix = loadRttMatrix(topology.file, { unit: topology.unit, missing: topology.missing });
    onPhase?.('paths');
    const latencies = oneWayLatencies(matrix, { symmetrize: topology.symmetrize, fill: topology.fill }, topology.file);
    onPhase?.('hosts');
    const network = new MatrixNetwork(matrix, scenario.hosts.nicBandwidthBps, latencies);
    if (scenario.hosts.perPop.rule !== 'fixed' || scenario.hosts.perPop.count !== 1) {
      fail('hosts.perPop', 'one host per matrix row ({ rule: fixed, count: 1 }) with a matrix topology', JSON.stringify(scenario.hosts.perPop));
    }
    const faults = scenario.faults.map((fault, index) => {
      if (fault.kind === 'host-crash') {
        if (fault.host >= network.hostCount) fail(`faults[${index}].host`, `a host index < ${network.hostCount}`, String(fault.host));
        return timed('hosts-down', fault, { hosts: [fault.host] });
      }
      if (fault.kind === 'agent-crash') {
        if (fault.host >= network.hostCount) fail(`faults[${index}].host`, `a host index < ${network.hostCount}`, String(fault.host));
        return timed('agents-down', fault, { hosts: [fault.host] });
      }
      if (fault.kind === 'stochastic' && fault.target === 'hosts') return stochastic(fault, index);
      return fail(`faults[${index}].kind`, 'host-crash, agent-crash or stochastic hosts faults with a matrix topology (it has no links or PoPs)', fault.kind);
    });
    return { network, backbone: null, faults, churn: churnOf(scenario, network.hostCount, faults, null, fail), warnings: [] };
  }

  const { backbone, warnings } = loadBackbone(scenario);
  onPhase?.('hosts');
  const hostsPerPop = hostCounts(scenario, backbone, fail);
  const hostTotal = hostsPerPop.reduce((sum, count) => sum + count, 0);
  if (hostTotal > HOSTS_MAX) fail('hosts.perPop', `at most ${HOSTS_MAX} hosts in all`, `${hostTotal} over ${backbone.pops.length} PoPs`);
  onPhase?.('paths');
  const network = new BackboneNetwork(backbone, {
    hostsPerPop,
    intraPopLatencyUs: Math.round(scenario.hosts.intraPopLatencyUs),
    nicBandwidthBps: scenario.hosts.nicBandwidthBps,
    pathCacheBytesMax: PATH_CACHE_BYTES_MAX,
  });
  if (network.hostCount < 2) fail('hosts.perPop', 'at least 2 hosts in all', String(network.hostCount));
  const popIndex = popResolver(backbone, fail);
  const faults = scenario.faults.map((fault, index): PlannedFault => {
    const field = `faults[${index}]`;
    switch (fault.kind) {
      case 'link-down': {
        const a = popIndex(fault.link[0], `${field}.link[0]`);
        const b = popIndex(fault.link[1], `${field}.link[1]`);
        const links = backbone.links.flatMap((l, i) => ((l.a === a && l.b === b) || (l.a === b && l.b === a) ? [i] : []));
        if (links.length === 0) fail(`${field}.link`, 'two PoPs joined by a link', `no link between ${fault.link[0]} and ${fault.link[1]}${linksOf(backbone, a)}`);
        return timed('links-down', fault, { links });
      }
      case 'pop-crash':
        return timed('pops-down', fault, { pops: [popIndex(fault.pop, `${field}.pop`)] });
      case 'host-crash':
        if (fault.host >= network.hostCount) fail(`${field}.host`, `a host index < ${network.hostCount}`, String(fault.host));
        return timed('hosts-down', fault, { hosts: [fault.host] });
      case 'agent-crash':
        if (fault.host >= network.hostCount) fail(`${field}.host`, `a host index < ${network.hostCount}`, String(fault.host));
        return timed('agents-down', fault, { hosts: [fault.host] });
      case 'partition': {
        const inside = new Uint8Array(backbone.pops.length);
        fault.pops.forEach((pop, k) => (inside[popIndex(pop, `${field}.pops[${k}]`)] = 1));
        const links = backbone.links.flatMap((l, i) => (inside[l.a] !== inside[l.b] ? [i] : []));
        // Listing every PoP (or a part no link joins to the rest) would cut nothing: a no-op is a mistake.
        if (links.length === 0) {
          const outside = backbone.pops.length - inside.reduce((sum, v) => sum + v, 0);
          const found = outside === 0 ? `all ${backbone.pops.length} PoPs (none left outside to cut off)` : `PoPs that no link joins to the other ${outside}`;
          fail(`${field}.pops`, 'PoPs joined to the others by at least one link (a partition cuts those links)', found);
        }
        return timed('links-down', fault, { links });
      }
      case 'message-loss': {
        let links: number[];
        if (fault.link !== undefined) {
          const a = popIndex(fault.link[0], `${field}.link[0]`);
          const b = popIndex(fault.link[1], `${field}.link[1]`);
          links = backbone.links.flatMap((l, i) => ((l.a === a && l.b === b) || (l.a === b && l.b === a) ? [i] : []));
          if (links.length === 0) fail(`${field}.link`, 'two PoPs joined by a link', `no link between ${fault.link[0]} and ${fault.link[1]}${linksOf(backbone, a)}`);
        } else {
          links = boundaryLinks(backbone, fault.pops ?? [], field, popIndex);
        }
        return { kind: 'links-lossy', atUs: sToUs(fault.atS), durationUs: Number.isFinite(fault.durationS) ? sToUs(fault.durationS) : null, links, lossProbability: fault.lossProbability };
      }
      case 'stochastic':
        return stochastic(fault, index);
    }
  });
  const churn = churnOf(scenario, network.hostCount, faults, (pop) => network.hostsOf(pop), fail);
  return { network, backbone: network, faults, churn, warnings };
}

/** The links between the listed PoPs and the others (what a partition of them cuts). */
function boundaryLinks(backbone: Backbone, pops: readonly (string | number)[], field: string, popIndex: (ref: string | number, field: string) => number): number[] {
  const inside = new Uint8Array(backbone.pops.length);
  pops.forEach((pop, k) => (inside[popIndex(pop, `${field}.pops[${k}]`)] = 1));
  return backbone.links.flatMap((l, i) => (inside[l.a] !== inside[l.b] ? [i] : []));
}

function churnOf(scenario: Scenario, hostCount: number, faults: readonly PlannedFault[], hostsOfPop: ((pop: number) => readonly [number, number]) | null, fail: Fail): ChurnPlan | null {
  if (scenario.churn === undefined) return null;
  return planChurn({ churn: scenario.churn, seed: scenario.seed, durationS: scenario.durationS, hostCount, faults, hostsOfPop }, fail);
}

function loadBackbone(scenario: Scenario): { backbone: Backbone; warnings: string[] } {
  const topology = scenario.topology;
  if (topology.kind === 'matrix') throw new Error('unreachable: matrix handled by the caller');
  const latency: BackboneOptionsInput['latency'] =
    topology.latency.model === 'geo'
      ? { model: 'geo', routeFactor: topology.latency.routeFactor, perHopUs: topology.latency.perHopUs }
      : { model: 'explicit', latencyUs: topology.latency.linkUs };
  if (topology.kind === 'graphml') {
    const raw = loadGraphml(topology.file);
    const { backbone, report } = buildBackbone(raw, { latency, bandwidthBps: topology.bandwidthBps, bandwidthFrom: topology.bandwidthFrom });
    if (backbone.pops.length === 0) {
      throw new TopologyError(topology.file, 'graph.node[*].Latitude, Longitude', 'coordinates on at least one node for the geo latency model (or topology.latency: { model: explicit, linkUs: N })', `none on any of its ${raw.nodes.length} nodes`);
    }
    return { backbone, warnings: graphmlWarnings(topology.file, report) };
  }
  // Generated: capacity tiers come from the generator; bandwidthBps fills any gap.
  const generated = generateBackbone({ popCount: topology.pops, seed: topology.seed });
  return { backbone: buildBackbone(generated.graph, { latency, bandwidthBps: topology.bandwidthBps, bandwidthFrom: 'file' }).backbone, warnings: [] };
}

/** The loader's documented drops (docs: backbone.ts), said aloud so that none goes unnoticed. */
function graphmlWarnings(file: string, report: BackboneReport): string[] {
  const warnings: string[] = [];
  if (report.selfLoopCount > 0) warnings.push(`${file}: ${report.selfLoopCount} self-loop edge(s) (a PoP linked to itself) dropped: a link joins two PoPs`);
  if (report.droppedPops.length > 0) {
    const names = report.droppedPops.slice(0, 5).join(', ') + (report.droppedPops.length > 5 ? ', ...' : '');
    warnings.push(`${file}: ${report.droppedPops.length} PoP(s) without coordinates and no located neighbour dropped, with ${report.droppedEdgeCount} edge(s): ${names}`);
  }
  return warnings;
}

type Fail = (field: string, expected: string, found: string) => never;

function hostCounts(scenario: Scenario, backbone: Backbone, fail: Fail): number[] {
  return hostsPerPopOf(scenario.hosts.perPop, backbone, fail);
}

/** Hosts of each PoP of `backbone` under a `hosts.perPop` rule (`luc topo info --list --scenario` too). */
export function hostsPerPopOf(rule: Scenario['hosts']['perPop'], backbone: Backbone, fail: Fail): number[] {
  const n = backbone.pops.length;
  if (rule.rule === 'fixed') return new Array<number>(n).fill(rule.count);
  if (rule.rule === 'degree') {
    const degree = new Array<number>(n).fill(0);
    for (const link of backbone.links) {
      degree[link.a]++;
      degree[link.b]++;
    }
    return degree.map((d) => Math.max(rule.min, rule.perLink * d));
  }
  const byName = new Map(backbone.pops.map((pop, i) => [pop.name, i]));
  const counts = new Array<number>(n).fill(rule.default);
  for (const [name, count] of Object.entries(rule.counts)) {
    const pop = byName.get(name);
    if (pop === undefined) fail(`hosts.perPop.counts.${name}`, `a PoP of ${backbone.name}`, `'${name}'`);
    counts[pop as number] = count;
  }
  return counts;
}

/** PoPs by name (when the name is unique) or by index. */
function popResolver(backbone: Backbone, fail: Fail): (ref: string | number, field: string) => number {
  const byName = new Map<string, number>();
  const ambiguous = new Set<string>();
  backbone.pops.forEach((pop, i) => {
    if (byName.has(pop.name)) ambiguous.add(pop.name);
    byName.set(pop.name, i);
  });
  return (ref, field) => {
    if (typeof ref === 'number') {
      if (ref >= backbone.pops.length) fail(field, `a PoP index < ${backbone.pops.length}`, String(ref));
      return ref;
    }
    if (ambiguous.has(ref)) fail(field, 'a unique PoP name (this one is shared: use the index)', `'${ref}'`);
    const index = byName.get(ref);
    if (index === undefined) fail(field, `a PoP of ${backbone.name}`, `'${ref}'${nearNames(backbone.pops.map((p) => p.name), ref, 'PoPs')}`);
    return index as number;
  };
}

/** ` (known PoPs like it: a, b, c)`: the 5 names nearest by edit distance (ties by name). */
export function nearNames(names: readonly string[], ref: string, what: string): string {
  const near = nearestNames(ref, names, 5);
  return near.length > 0 ? ` (known ${what} like it: ${near.join(', ')})` : '';
}

/** A link's two ends: ` (Lyon's links: Paris, Marseille)`. */
function linksOf(backbone: Backbone, pop: number): string {
  const ends = backbone.links.flatMap((l) => (l.a === pop ? [l.b] : l.b === pop ? [l.a] : [])).map((i) => backbone.pops[i].name);
  return ` (${backbone.pops[pop].name}'s links: ${[...new Set(ends)].sort().join(', ') || 'none'})`;
}

type TimedFault = Extract<Scenario['faults'][number], { atS: number }>;

function timed<K extends 'links-down' | 'pops-down' | 'hosts-down' | 'agents-down'>(kind: K, fault: TimedFault, targets: object): PlannedFault {
  const durationUs = Number.isFinite(fault.durationS) ? sToUs(fault.durationS) : null;
  return { kind, atUs: sToUs(fault.atS), durationUs, ...targets } as PlannedFault;
}

function stochastic(fault: Extract<Scenario['faults'][number], { kind: 'stochastic' }>, index: number): PlannedFault {
  return { kind: 'stochastic', target: fault.target, mttfUs: sToUs(fault.mttfS), mttrUs: sToUs(fault.mttrS), streamName: `faults[${index}]` };
}
