/**
 * A scenario's faults as a testbed applies them to N live agents (agent i stands for host
 * `hosts[i]`): the ground truth of the modelled backbone decides, at each fault's start and end,
 * which agents are down (a crashed host, or any host of a crashed PoP) and which of the others
 * still reach each other (a cut link, a crashed PoP or a partition may split the backbone). Each
 * state is a list of groups: agents in one group reach each other, agents in different groups
 * do not. Reachability over an undirected graph is transitive, so groups are exact.
 *
 * What is not applied, and said so: stochastic faults, churn, a crash of a host no agent stands
 * for, and a reroute's new latency (pairs still connected keep the RTT the shim was given).
 */
import type { Fault as PlannedFault } from '../faults/fault-plan.js';
import type { BackboneNetwork } from '../platform/network.js';
import { buildWorld } from './build-world.js';
import type { Scenario } from './schema.js';

export interface TestbedStep {
  /** Run time of the step (ms since the epoch). */
  readonly atMs: number;
  /** Each agent's group (0, 1, ... in order of each group's first agent); -1: the agent is down. */
  readonly groups: readonly number[];
  /** Scenario fault indices starting and ending at this step. */
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/** An agent kept down from `fromMs` until `untilMs` (null: the end of the run). */
export interface TestbedDown {
  readonly id: number;
  readonly fromMs: number;
  readonly untilMs: number | null;
}

export interface TestbedFaultPlan {
  readonly steps: readonly TestbedStep[];
  readonly downs: readonly TestbedDown[];
  /** Scenario fault indices applied (those not listed are in `notApplied`, with why). */
  readonly applied: readonly number[];
  readonly notApplied: readonly string[];
}

type Timed = Exclude<PlannedFault, { kind: 'stochastic' } | { kind: 'links-lossy' }>;

export function planTestbedFaults(scenario: Scenario, scenarioFile: string, hosts: readonly number[], durationS: number): TestbedFaultPlan {
  // A world of its own: marking links and PoPs down here must not touch the scoring's ground truth.
  const world = buildWorld(scenario, scenarioFile);
  const endMs = durationS * 1000;
  const agentOf = new Map(hosts.map((host, id) => [host, id]));
  const notApplied: string[] = [];
  const applied: number[] = [];
  const timed: { fault: Timed; index: number }[] = [];
  world.faults.forEach((fault, index) => {
    if (fault.kind === 'stochastic') return void notApplied.push(`faults[${index}]: stochastic ${fault.target} faults`);
    // This kernel has no qdisc that drops a share of packets (no netem, no tc drop action).
    if (fault.kind === 'links-lossy') return void notApplied.push(`faults[${index}]: message loss`);
    if (fault.atUs / 1000 >= endMs) return void notApplied.push(`faults[${index}]: at ${fault.atUs / 1e6} s, after the run's ${durationS} s`);
    if ((fault.kind === 'hosts-down' || fault.kind === 'agents-down') && !fault.hosts.some((h) => agentOf.has(h))) return void notApplied.push(`faults[${index}]: host ${fault.hosts.join(', ')} has no agent`);
    timed.push({ fault, index });
    applied.push(index);
  });
  if (world.churn !== null) notApplied.push('churn');

  // Fault starts and ends in time order (ends first at equal times, as a repair then a new cut).
  const events = timed.flatMap(({ fault, index }) => {
    const startMs = fault.atUs / 1000;
    const untilMs = fault.durationUs === null ? null : (fault.atUs + fault.durationUs) / 1000;
    return [{ atMs: startMs, index, down: true, fault }, ...(untilMs !== null && untilMs < endMs ? [{ atMs: untilMs, index, down: false, fault }] : [])];
  });
  events.sort((a, b) => a.atMs - b.atMs || Number(a.down) - Number(b.down) || a.index - b.index);

  const hostDown = new Int32Array(world.network.hostCount);
  const backbone = world.backbone;
  const apply = (fault: Timed, down: boolean): void => {
    const d = down ? 1 : -1;
    // An agent crash kills the agent as a host crash does (its VMs, if any, come back with it empty: a testbed cannot keep them).
    if (fault.kind === 'hosts-down' || fault.kind === 'agents-down') for (const h of fault.hosts) hostDown[h] += d;
    else if (fault.kind === 'links-down') for (const link of fault.links) (backbone as BackboneNetwork).markLinkDown(link, down);
    else for (const pop of fault.pops) (backbone as BackboneNetwork).markPopDown(pop, down);
  };
  const steps: TestbedStep[] = [];
  for (let k = 0; k < events.length; ) {
    const atMs = events[k].atMs;
    const starts: number[] = [];
    const ends: number[] = [];
    for (; k < events.length && events[k].atMs === atMs; k++) {
      apply(events[k].fault, events[k].down);
      (events[k].down ? starts : ends).push(events[k].index);
    }
    steps.push({ atMs, groups: groupsOf(hosts, (h) => hostDown[h] === 0 && (backbone === null || backbone.isHostUp(h)), (a, b) => world.network.latencyUs(a, b) >= 0), starts, ends });
  }
  return { steps, downs: downsOf(steps, hosts.length), applied, notApplied };
}

/** Agents that are up, grouped by reachability (union-find); -1 for those that are down. */
function groupsOf(hosts: readonly number[], isUp: (host: number) => boolean, reach: (a: number, b: number) => boolean): number[] {
  const n = hosts.length;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const up = hosts.map(isUp);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) if (up[a] && up[b] && find(a) !== find(b) && reach(hosts[a], hosts[b])) parent[find(b)] = find(a);
  }
  const label = new Map<number, number>();
  return hosts.map((_, i) => {
    if (!up[i]) return -1;
    const root = find(i);
    if (!label.has(root)) label.set(root, label.size);
    return label.get(root) as number;
  });
}

/** Each agent's down intervals, from the steps' groups. */
function downsOf(steps: readonly TestbedStep[], agents: number): TestbedDown[] {
  const downs: TestbedDown[] = [];
  for (let id = 0; id < agents; id++) {
    let fromMs: number | null = null;
    for (const step of steps) {
      const down = step.groups[id] < 0;
      if (down && fromMs === null) fromMs = step.atMs;
      if (!down && fromMs !== null) {
        downs.push({ id, fromMs, untilMs: step.atMs });
        fromMs = null;
      }
    }
    if (fromMs !== null) downs.push({ id, fromMs, untilMs: null });
  }
  return downs.sort((a, b) => a.fromMs - b.fromMs || a.id - b.id);
}

/**
 * The scenario's faults for a twin whose host i is agent i (`hosts[i]` of the scenario), as a
 * scenario file writes them: PoP and link faults as they are, host crashes renumbered (dropped
 * when no agent stands for the host), stochastic faults dropped (the testbed does not apply them
 * either), and a fault for ever without its durationS (JSON has no Infinity).
 */
export function twinFaults(faults: Scenario['faults'], hosts: readonly number[]): Record<string, unknown>[] {
  const agentOf = new Map(hosts.map((host, id) => [host, id]));
  return faults.flatMap((fault) => {
    if (fault.kind === 'stochastic') return [];
    const { durationS, ...rest } = fault;
    const written: Record<string, unknown> = Number.isFinite(durationS) ? { ...rest, durationS } : rest;
    if (fault.kind !== 'host-crash') return [written];
    const id = agentOf.get(fault.host);
    return id === undefined ? [] : [{ ...written, host: id }];
  });
}
