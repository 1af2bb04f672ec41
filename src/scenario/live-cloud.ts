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
import { placeVes, VeGroupError } from './ves.js';

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
  /** The VMs agent `a` starts with. */
  vmsOf(agent: number): LiveVm[];
  hostOf(agent: number): LiveHost;
  /** A fresh load source over the agents' VMs, and the loads at time 0 (percent, by VM). */
  loads(): { readonly source: LoadChangeSource; readonly initial: Float64Array };
}

export function liveCloudPlan(scenario: Scenario, scenarioFile: string, network: BackboneNetwork, agentHosts: readonly number[]): LiveCloudPlan {
  const section = scenario.cloud;
  if (section === undefined) throw new RangeError('liveCloudPlan: the scenario has no cloud section');
  const agents = agentHosts.length;
  const { perHost, vcpus, memoryMiB } = section.vm;
  const vmCount = agents * perHost;
  const pops = network.backbone.pops;
  const hostPop = Int32Array.from(agentHosts, (h) => network.hostPop[h]);
  let ves: ReturnType<typeof placeVes>;
  try {
    ves = placeVes({ groups: section.ves, hostCount: agents, vmsPerHost: perHost, hostPop, popNames: pops.map((p) => p.name), popCountries: pops.map((p) => p.country) });
  } catch (error) {
    if (!(error instanceof VeGroupError)) throw error;
    const found = `${section.ves[error.group].constraint} VEs that do not fit the initial placement on ${agents} agents x ${perHost} VMs`;
    throw new ScenarioError(scenarioFile, [scenarioIssue(`cloud.ves[${error.group}]`, error.expected.replace(/^expected /, ''), found)]);
  }
  return {
    vmCount,
    constraints: ves.constraints,
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
  };
}
