/**
 * From a `cloud` section to the running model: the Cloud (hosts of the topology, `vm.perHost`
 * VMs on each, VM k on host floor(k / perHost)), the simulated hypervisors and the load driver.
 * Draws come from named streams: `cloud.vms` (dirtying shares) and `workload.load`.
 */
import type { Simulator } from '../kernel/simulator.js';
import { randomStream } from '../kernel/random.js';
import { sToUs } from '../kernel/time.js';
import { Cloud } from '../platform/cloud.js';
import type { BackboneNetwork } from '../platform/network.js';
import type { Counters } from '../runtime/counters.js';
import { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';
import { LoadDriver, type LoadChangeSource, readLoadTrace, VmLoadChanges } from '../workload/index.js';
import type { CloudSection } from './cloud.js';
import { ScenarioError, scenarioIssue } from './errors.js';
import type { VeConstraint } from '../placement/problem.js';
import { resolveOperators, type OperatorsSection, type ResolvedOperators } from './operators.js';
import type { Policy } from '../placement/policy.js';
import { compilePolicies, type PoliciesSection } from './policies.js';
import { groupHostFilter, initialPolicyViolations, schedulerPolicyFacts, type HostPlaces } from './policy-placement.js';
import type { PolicyFacts } from '../protocols/policy-view.js';
import { placeVes, VeGroupError } from './ves.js';

const MIB = 1024 * 1024;

export interface CloudSetup {
  readonly cloud: Cloud;
  readonly hypervisors: SimHypervisors;
  readonly loads: LoadDriver;
  /** PUE of each host's PoP. */
  readonly hostPue: Float64Array;
  readonly hostCountry: readonly string[];
  /** The VE constraints, for the schedulers and the checks. */
  readonly constraints: readonly VeConstraint[];
  /** The PoPs' operators and their trust (the `operators` section), null without it. */
  readonly operators: ResolvedOperators | null;
  /** The user policies of the VEs (the `policies` section; none without it) and each VE's tenant (-1: none). */
  readonly policies: readonly Policy[];
  readonly veTenant: Int32Array;
  /** What the schedulers plan the policies with; null without policies. */
  readonly policyFacts: PolicyFacts | null;
}

export interface CloudSetupInput {
  readonly section: CloudSection;
  readonly scenarioFile: string;
  readonly seed: number;
  readonly durationS: number;
  readonly sim: Simulator;
  readonly counters: Counters;
  readonly network: BackboneNetwork;
  /** Room for VMs created later (the VM index's, `vm-placement.ts`); 0 when absent. */
  readonly extraVms?: number;
  readonly operators?: OperatorsSection;
  readonly policies?: PoliciesSection;
}

/** Each VM's share of the migration bandwidth it dirties at 100% load, drawn in VM order (a live launch draws the same). */
export function vmDirtyShares(section: CloudSection, seed: number, vmCount: number): Float64Array {
  const rng = randomStream(seed, 'cloud.vms');
  const { dirtyPercentMin, dirtyPercentMax } = section.vm;
  return Float64Array.from({ length: vmCount }, () => (dirtyPercentMin + rng.next() * (dirtyPercentMax - dirtyPercentMin)) / 100);
}

/** The pre-copy's stop-and-copy threshold: what the migration bandwidth copies within the downtime allowed. */
export function stopCopyMiB(migration: CloudSection['migration']): number {
  return ((migration.bandwidthBps / 8) * (migration.downtimeMaxMs / 1000)) / MIB;
}

export function setUpCloud(input: CloudSetupInput): CloudSetup {
  const { section, network, sim, seed } = input;
  const n = network.hostCount;
  const backbone = network.backbone;
  const vmCount = n * section.vm.perHost;
  const cloud = new Cloud({ cores: new Array<number>(n).fill(section.host.cores), memoryMiB: new Array<number>(n).fill(section.host.memoryMiB) }, vmCount + (input.extraVms ?? 0));
  const operators = input.operators === undefined ? null : resolveOperators(input.operators, backbone.pops.map((pop) => pop.name), input.scenarioFile);
  const places: HostPlaces = { hostPop: network.hostPop, popCountries: backbone.pops.map((pop) => pop.country), popOperator: operators?.popOperator ?? null };
  const groupVes = veGroupRanges(section);
  const compiled = input.policies === undefined ? { policies: [], veTenant: new Int32Array(groupVes.reduce((a, [, n]) => a + n, 0)).fill(-1) } : compilePolicies({ section: input.policies, groupVes, popNames: backbone.pops.map((pop) => pop.name), popCountries: places.popCountries, operators, scenarioFile: input.scenarioFile });
  const ves = vesOf(input, compiled.policies.length === 0 ? undefined : groupHostFilter(compiled.policies, groupVes, places));
  const broken = compiled.policies.length === 0 ? [] : initialPolicyViolations({ policies: compiled.policies, vmVe: ves.vmVe, veTenant: compiled.veTenant, vmsPerHost: section.vm.perHost, places });
  if (broken.length > 0) throw new ScenarioError(input.scenarioFile, [scenarioIssue('policies', `policies the initial placement holds (each group of cloud.ves takes VMs in host order, on the hosts its bans, trust and among leave open)`, `${broken[0]}${broken.length > 1 ? ` (and ${broken.length - 1} more)` : ''}`)]);
  const dirtyShares = vmDirtyShares(section, seed, vmCount);
  for (let vm = 0; vm < vmCount; vm++) {
    cloud.addVm({ vcpus: section.vm.vcpus, memoryMiB: section.vm.memoryMiB, dirtyShare: dirtyShares[vm], ve: ves.vmVe[vm] }, Math.floor(vm / section.vm.perHost));
  }
  const popPue = backbone.pops.map(() => section.pue);
  const popByName = new Map(backbone.pops.map((pop, i) => [pop.name, i]));
  for (const [name, pue] of Object.entries(section.pueByPop)) {
    const pop = popByName.get(name);
    if (pop === undefined) throw new ScenarioError(input.scenarioFile, [scenarioIssue(`cloud.pueByPop.${name}`, `a PoP of ${backbone.name}`, `'${name}'`)]);
    popPue[pop] = pue;
  }
  const hostPue = Float64Array.from({ length: n }, (_, h) => popPue[network.hostPop[h]]);
  const { migration } = section;
  const hostCountry = Array.from({ length: n }, (_, h) => backbone.pops[network.hostPop[h]].country);
  const hypervisors = new SimHypervisors({
    sim,
    cloud,
    network,
    counters: input.counters,
    linkCapacityBps: backbone.links.map((link) => link.bandwidthBps),
    nicBandwidthBps: network.nicBandwidthBps,
    hostCountry,
    migration: {
      bandwidthBps: migration.bandwidthBps,
      stopCopyMiB: stopCopyMiB(migration),
      roundsMax: migration.roundsMax,
      sentFactorMax: migration.sentFactorMax,
      outgoingPerHostMax: migration.outgoingPerHostMax,
    },
    diskBandwidthBps: section.diskBandwidthBps,
    transfersMax: migration.transfersMax,
  });
  const source = loadSource(input, vmCount, cloud);
  const loads = new LoadDriver(sim, source, (vm, load) => cloud.setLoad(vm, load), sToUs(input.durationS));
  return { cloud, hypervisors, loads, hostPue, hostCountry, constraints: ves.constraints, operators, policies: compiled.policies, veTenant: compiled.veTenant, policyFacts: schedulerPolicyFacts(compiled.policies, compiled.veTenant, ves.vmVe, places, backbone.pops.length) };
}

/** The VEs of each group of cloud.ves, as placeVes numbers them: [first VE id, count]. */
function veGroupRanges(section: CloudSection): [number, number][] {
  let next = 0;
  return section.ves.map((group) => {
    const range: [number, number] = [next, group.count];
    next += group.count;
    return range;
  });
}

function vesOf(input: CloudSetupInput, allowed?: (group: number, h: number) => boolean): ReturnType<typeof placeVes> {
  const { network, section } = input;
  const pops = network.backbone.pops;
  try {
    return placeVes({
      groups: section.ves,
      hostCount: network.hostCount,
      vmsPerHost: section.vm.perHost,
      hostPop: network.hostPop,
      popNames: pops.map((pop) => pop.name),
      popCountries: pops.map((pop) => pop.country),
      allowed,
    });
  } catch (error) {
    if (!(error instanceof VeGroupError)) throw error;
    const found = `${section.ves[error.group].constraint} VEs that do not fit the initial placement (${network.hostCount} hosts x ${section.vm.perHost} VMs)`;
    throw new ScenarioError(input.scenarioFile, [scenarioIssue(`cloud.ves[${error.group}]`, error.expected.replace(/^expected /, ''), found)]);
  }
}

function loadSource(input: CloudSetupInput, vmCount: number, cloud: Cloud): LoadChangeSource {
  const workload = input.section.workload;
  if (workload.kind === 'trace') {
    // Errors name the trace file, line and field (TraceError); the CLI reports them like scenario errors.
    return readLoadTrace(workload.file, { vmCount });
  }
  if (vmCount === 0) return { next: () => undefined };
  const { kind: _kind, ...config } = workload;
  const changes = new VmLoadChanges(vmCount, config, randomStream(input.seed, 'workload.load'));
  const initial = changes.initialLoads();
  for (let vm = 0; vm < vmCount; vm++) if (initial[vm] > 0) cloud.setLoad(vm, initial[vm]);
  return changes;
}
