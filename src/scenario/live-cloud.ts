/**
 * A scenario's `cloud` section for a live launch of N agents: the same model as the simulated
 * cloud (`cloud-setup.ts`), laid on the agents instead of all the backbone's hosts. Agent a hosts
 * VMs a x perHost ... (a + 1) x perHost - 1 at the start, the VEs are placed over the agents'
 * hosts as the simulation places them, and the load is the scenario's own source (the VMPlaceS
 * model from the stream `workload.load`, or the trace) over the agents' VMs. Every agent builds
 * the same plan from the scenario, so the load of a VM is known wherever it migrates to.
 */
import { randomStream } from '../kernel/random.js';
import type { BackboneNetwork } from '../platform/network.js';
import type { VeConstraint } from '../placement/problem.js';
import { type LoadChangeSource, readLoadTrace, VmLoadChanges } from '../workload/index.js';
import { ScenarioError, scenarioIssue } from './errors.js';
import type { Scenario } from './schema.js';
import { liveHosts } from './live-hosts.js';
import { placeVes, type VeGroup, VeGroupError } from './ves.js';
import { stopCopyMiB, vmDirtyShares } from './cloud-setup.js';
import { type PreCopyPlan, preCopyPlan } from '../platform/pre-copy.js';

const MIB = 1024 * 1024;

export interface LiveVm {
  readonly vm: number;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** -1: in no VE. */
  readonly ve: number;
}

export interface LiveHost {
  readonly cores: number;
  readonly memoryMiB: number;
  /** The PoP of the host the agent stands for, and its country. */
  readonly site: number;
  readonly country: string;
}

export interface LiveCloudPlan {
  readonly vmCount: number;
  readonly constraints: readonly VeConstraint[];
  /** The members of each VE (index: VE id), increasing: the scenario's definition of its VEs. */
  readonly veMembers: readonly (readonly number[])[];
  /** The VMs agent `a` starts with. */
  vmsOf(agent: number): LiveVm[];
  hostOf(agent: number): LiveHost;
  /** A fresh load source over the agents' VMs, and the loads at time 0 (percent, by VM). */
  loads(): { readonly source: LoadChangeSource; readonly initial: Float64Array };
  /**
   * The simulation's pre-copy of VM `vm` at `loadPercent` from agent `from` to agent `to`, alone
   * on its path (the migration bandwidth, the hosts' NICs and the backbone links between them,
   * whichever is least; the same dirty rate as the simulated VM's), or null when no path joins them.
   */
  migrationCopy(vm: number, loadPercent: number, from: number, to: number): PreCopyPlan | null;
}

export function liveCloudPlan(scenario: Scenario, scenarioFile: string, network: BackboneNetwork, agentHosts: readonly number[]): LiveCloudPlan {
  const section = scenario.cloud;
  if (section === undefined) throw new RangeError('liveCloudPlan: the scenario has no cloud section');
  // Replication is the simulated model's (scenario/vm-replication.ts); the recovery agents' snapshot files do not travel between live agents yet (LibvirtHypervisor refuses 'not-live'): a live launch would silently skip both.
  if (section.replication !== undefined) throw new ScenarioError(scenarioFile, [scenarioIssue('cloud.replication', 'no replication section in a live launch (replication and failover are simulated only: luc run)', 'a replication section')]);
  if (section.snapshots !== undefined) throw new ScenarioError(scenarioFile, [scenarioIssue('cloud.snapshots', 'no snapshots section in a live launch (snapshot files do not travel between live agents yet: luc run)', 'a snapshots section')]);
  // Likewise the image store, boots and fetches (scenario/image-store.ts, image-boots.ts).
  if (section.images !== undefined) throw new ScenarioError(scenarioFile, [scenarioIssue('cloud.images', 'no images section in a live launch (the image store and boots are simulated only: luc run)', 'an images section')]);
  const agents = agentHosts.length;
  const { perHost, vcpus, memoryMiB } = section.vm;
  const vmCount = agents * perHost;
  const pops = network.backbone.pops;
  const hostPop = Int32Array.from(agentHosts, (h) => network.hostPop[h]);
  const place = (hosts: readonly number[]): ReturnType<typeof placeVes> =>
    placeVes({ groups: section.ves, hostCount: hosts.length, vmsPerHost: perHost, hostPop: Int32Array.from(hosts, (h) => network.hostPop[h]), popNames: pops.map((p) => p.name), popCountries: pops.map((p) => p.country) });
  let ves: ReturnType<typeof placeVes>;
  try {
    ves = place(agentHosts);
  } catch (error) {
    if (!(error instanceof VeGroupError)) throw error;
    const found = `${section.ves[error.group].constraint} VEs that do not fit the initial placement on ${agents} agents x ${perHost} VMs${whatFits(section.ves, agents, perHost, network.hostCount, place)}`;
    throw new ScenarioError(scenarioFile, [scenarioIssue(`cloud.ves[${error.group}]`, error.expected.replace(/^expected /, ''), found)]);
  }
  const veMembers = ves.constraints.map((): number[] => []);
  ves.vmVe.forEach((ve, vm) => ve >= 0 && veMembers[ve].push(vm));
  const dirtyShares = vmDirtyShares(section, scenario.seed, vmCount);
  const { migration } = section;
  return {
    vmCount,
    constraints: ves.constraints,
    veMembers,
    vmsOf: (agent) => Array.from({ length: perHost }, (_, k) => {
      const vm = agent * perHost + k;
      return { vm, vcpus, memoryMiB, ve: ves.vmVe[vm] };
    }),
    hostOf: (agent) => ({ cores: section.host.cores, memoryMiB: section.host.memoryMiB, site: hostPop[agent], country: pops[hostPop[agent]].country }),
    loads: () => {
      const workload = section.workload;
      if (workload.kind === 'trace') return { source: readLoadTrace(workload.file, { vmCount }), initial: new Float64Array(vmCount) };
      const { kind: _kind, ...config } = workload;
      const changes = new VmLoadChanges(vmCount, config, randomStream(scenario.seed, 'workload.load'));
      return { source: changes, initial: Float64Array.from(changes.initialLoads()) };
    },
    migrationCopy: (vm, loadPercent, from, to) => {
      const links = network.pathLinks(hostPop[from], hostPop[to]);
      if (links === null) return null;
      let bandwidthBps = Math.min(migration.bandwidthBps, network.nicBandwidthBps);
      for (const link of links) bandwidthBps = Math.min(bandwidthBps, network.backbone.links[link].bandwidthBps);
      const dirtyRateBytesPerS = (dirtyShares[vm] * (migration.bandwidthBps / 8) * loadPercent) / 100;
      return preCopyPlan({
        memoryBytes: memoryMiB * MIB,
        dirtyRateBytesPerS,
        stopCopyBytes: stopCopyMiB(migration) * MIB,
        roundsMax: migration.roundsMax,
        sentFactorMax: migration.sentFactorMax ?? Infinity,
        bandwidthBps,
      });
    },
  };
}

/**
 * Why the VEs do not fit N agents, and from how many they do: the VMs the VEs take against the
 * agents' VMs, and the smallest agent count (of the launch's subset, liveHosts) whose hosts give
 * the initial placement, if any up to the scenario's host count.
 */
function whatFits(groups: readonly VeGroup[], agents: number, perHost: number, hostCount: number, place: (hosts: readonly number[]) => unknown): string {
  const taken = groups.reduce((sum, g) => sum + g.count * g.size, 0);
  const need = taken > agents * perHost ? `: the VEs take ${taken} VMs, ${agents} agents have ${agents * perHost}` : '';
  for (let n = Math.max(agents + 1, Math.ceil(taken / perHost)); n <= hostCount; n++) {
    try {
      place(liveHosts(hostCount, n));
      return `${need}; they fit from ${n} agents (--agents ${n})`;
    } catch (error) {
      if (!(error instanceof VeGroupError)) throw error;
    }
  }
  return `${need}; they fit on no subset of the ${hostCount} hosts`;
}
