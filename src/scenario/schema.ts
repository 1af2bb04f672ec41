/**
 * The scenario file schema (YAML or JSON). Parsing gives a fully filled `Scenario`: defaults
 * applied, derived defaults resolved (output directory, seed of a generated topology), so
 * code below never checks for undefined. The only optional parts are the protocol sections and
 * the `churn` and `detector` sections, where absence means "disabled".
 *
 * Decision: a fault at or after the end of the run (atS >= durationS) is an error. It would
 * never happen, and the usual cause is a unit slip (ms written for s). To shorten a run that
 * has late faults, override them too (`--set faults=[]`).
 */
import { z } from 'zod';
import { churnSchema } from './churn.js';
import { cloudSchema } from './cloud.js';
import { detectorSchema } from './detector.js';
import { servicesSchema } from './services.js';
import { faultsSchema } from './faults.js';
import { int, num, section, text, whenValid, time } from './fields.js';
import { hostsSchema } from './hosts.js';
import { operatorsSchema } from './operators.js';
import { checkPolicies, policiesSchema } from './policies.js';
import { anyProtocol, PROTOCOL_NAMES, protocolsSchema } from './protocols.js';
import { schedulerSchema } from './scheduler.js';
import { normaliseTopology, topologySchema } from './topology.js';
import { traceSchema } from './trace-section.js';
import { veRecordWords } from '../protocols/ve/ve-record-codec.js';
import { VM_ENTRY_WORDS } from '../protocols/vm-index/vm-entry-codec.js';

export const NAME_PATTERN = /^[a-z0-9-]{1,64}$/;
/** Bound on the samples of a run (durationS / metrics.intervalS): the series grows by every metric at each. */
export const METRIC_SAMPLES_MAX = 1_000_000;
/** Hosts or VMs a per-host or per-VM series samples at most: a row each at every sample. */
export const SERIES_SAMPLE_MAX = 100_000;
export const SCENARIO_PHRASE = 'a scenario: an object with name, seed, durationS, topology and protocols';

const metrics = section({
  intervalS: time('s', { gt: 0 }).default(10).meta({ description: 'sampling period of time series' }),
  pairSampleMax: int({ ge: 1 }).default(20_000).meta({ description: 'node pairs sampled for pairwise metrics' }),
  perHost: section({ hostsMax: int({ ge: 1, le: SERIES_SAMPLE_MAX }).default(64).meta({ description: 'hosts sampled at most (evenly spread)' }) }, 'an object ({} for 64 hosts at most)')
    .optional()
    .meta({ description: 'a cloud run: hosts.csv, each sampled host\'s CPU demand, cores, VMs and power at every sample' }),
  perVm: section({ vmsMax: int({ ge: 1, le: SERIES_SAMPLE_MAX }).default(64).meta({ description: 'VMs sampled at most (evenly spread)' }) }, 'an object ({} for 64 VMs at most)')
    .optional()
    .meta({ description: 'a cloud run: vms.csv, each sampled VM\'s host, state, load and CPU demand at every sample' }),
}).prefault({});

const output = section({
  dir: text('a directory path').optional().meta({ description: 'relative to the current directory; default results/<name>/seed-<seed>' }),
}).prefault({});

const limits = section({
  eventsMax: int({ ge: 1 }).default(2_000_000_000),
  pendingEventsMax: int({ ge: 1 }).default(2 ** 26),
}).prefault({});

const scenarioObject = section(
  {
    name: text("a name of 1 to 64 characters among a-z, 0-9 and '-'", NAME_PATTERN),
    seed: int({ ge: 0 }),
    durationS: time('s', { gt: 0 }),
    topology: topologySchema,
    hosts: hostsSchema,
    protocols: protocolsSchema,
    faults: faultsSchema,
    churn: churnSchema.optional(),
    detector: detectorSchema.optional(),
    services: servicesSchema.optional(),
    cloud: cloudSchema.optional(),
    scheduler: schedulerSchema.optional(),
    policies: policiesSchema.optional().meta({ description: 'user policies of the VEs of cloud.ves: tenants, isolation, minimum trust, bans, among, max per host, lonely, root, soft affinity and anti-affinity, quarantined PoPs' }),
    operators: operatorsSchema.optional().meta({ description: 'who runs each PoP and how much operators trust each other (for minimum-trust policies)' }),
    trace: traceSchema.optional(),
    metrics,
    output,
    limits,
  },
  SCENARIO_PHRASE,
);

type ScenarioObject = z.output<typeof scenarioObject>;

function checkTimes(scenario: ScenarioObject, context: z.core.$RefinementCtx<ScenarioObject>): void {
  const end = scenario.durationS;
  scenario.faults.forEach((fault, index) => {
    if (fault.kind !== 'stochastic' && fault.atS >= end) {
      const message = `expected a time in seconds < durationS (${end}): a fault after the end never happens`;
      context.addIssue({ code: 'custom', path: ['faults', index, 'atS'], message });
    }
  });
  if (scenario.churn !== undefined && scenario.churn.startS >= end) {
    const message = `expected a time in seconds < durationS (${end}): churn would never begin`;
    context.addIssue({ code: 'custom', path: ['churn', 'startS'], message });
  }
  if (end / scenario.metrics.intervalS > METRIC_SAMPLES_MAX) {
    const message = `expected a number >= durationS / ${METRIC_SAMPLES_MAX} (${end / METRIC_SAMPLES_MAX} s): a run samples its metrics at most ${METRIC_SAMPLES_MAX} times`;
    context.addIssue({ code: 'custom', path: ['metrics', 'intervalS'], message });
  }
  if (scenario.metrics.intervalS > end) {
    const message = `expected a number <= durationS (${end})`;
    context.addIssue({ code: 'custom', path: ['metrics', 'intervalS'], message });
  }
}

/** A service bound to `chord` or `can` needs that protocol in the scenario. */
function checkServiceOverlays(scenario: ScenarioObject, context: z.core.$RefinementCtx<ScenarioObject>): void {
  const services = scenario.services;
  if (services === undefined) return;
  for (const name of ['replicas', 'watch'] as const) {
    const overlay = services[name]?.overlay;
    if ((overlay === 'chord' || overlay === 'can') && scenario.protocols[overlay] === undefined) {
      context.addIssue({ code: 'custom', path: ['services', name, 'overlay'], message: `expected an overlay the scenario runs: protocols.${overlay} is absent (add it, or use ${overlay === 'chord' ? 'can' : 'chord'}, live or sample)` });
    }
  }
}

/** Something must run: a protocol, or a VM scheduler (which needs a cloud to schedule). */
function checkWhatRuns(scenario: ScenarioObject, context: z.core.$RefinementCtx<ScenarioObject>): void {
  if (scenario.scheduler === undefined && !anyProtocol(scenario.protocols)) {
    context.addIssue({ code: 'custom', path: ['protocols'], message: `expected at least one of ${PROTOCOL_NAMES.join(', ')} (or a scheduler section)` });
  }
  for (const field of ['perHost', 'perVm'] as const) {
    if (scenario.metrics[field] !== undefined && scenario.cloud === undefined) {
      context.addIssue({ code: 'custom', path: ['metrics', field], message: 'expected a cloud section beside it: per-host and per-VM series are of a cloud\'s hosts and VMs' });
    }
  }
  if (scenario.policies !== undefined) {
    if (scenario.cloud === undefined) context.addIssue({ code: 'custom', path: ['policies'], message: 'expected a cloud section beside it: policies bind where VEs of cloud.ves may go' });
    for (const issue of checkPolicies(scenario.policies, scenario.cloud, scenario.operators)) context.addIssue({ code: 'custom', path: ['policies', ...issue.path], message: issue.message });
  }
  if (scenario.operators !== undefined && scenario.cloud === undefined) {
    context.addIssue({ code: 'custom', path: ['operators'], message: "expected a cloud section beside it: operators' trust binds where a cloud's VMs may go" });
  }
  if (scenario.scheduler !== undefined && scenario.cloud === undefined) {
    context.addIssue({ code: 'custom', path: ['scheduler'], message: 'expected a cloud section beside it: a scheduler places VMs ({} gives the VMPlaceS defaults)' });
  }
}

/** A registry kept in the replicated store needs the store, with room for its values. */
function checkRegistries(scenario: ScenarioObject, context: z.core.$RefinementCtx<ScenarioObject>): void {
  const store = scenario.protocols.store;
  const users: { path: PropertyKey[]; what: string; words: number }[] = [];
  const lifecycle = scenario.cloud?.lifecycle;
  if (lifecycle?.registry === 'store') users.push({ path: ['cloud', 'lifecycle', 'registry'], what: 'the VE records', words: veRecordWords(lifecycle.membersMax) });
  const vmIndex = scenario.protocols.vmIndex;
  if (vmIndex?.registry === 'store') users.push({ path: ['protocols', 'vmIndex', 'registry'], what: "the VM index's entries", words: VM_ENTRY_WORDS });
  for (const user of users) {
    if (store === undefined) {
      context.addIssue({ code: 'custom', path: user.path, message: `expected 'soft' when protocols.store is absent: 'store' keeps ${user.what} in the replicated store (add protocols.store, {} for its defaults)` });
    } else if (store.dataWordsMax < user.words) {
      context.addIssue({ code: 'custom', path: ['protocols', 'store', 'dataWordsMax'], message: `expected an integer >= ${user.words}: ${user.what} take up to ${user.words} words` });
    }
  }
}

export const scenarioSchema = scenarioObject
  .superRefine(checkTimes, whenValid('durationS', 'faults', 'churn', 'metrics'))
  .superRefine(checkServiceOverlays, whenValid('services', 'protocols'))
  .superRefine(checkWhatRuns, whenValid('protocols', 'scheduler', 'cloud', 'metrics', 'operators', 'policies'))
  .superRefine(checkRegistries, whenValid('protocols', 'cloud'))
  .transform((scenario) => ({
  ...scenario,
  topology: normaliseTopology(scenario.topology, scenario.seed),
  output: { dir: scenario.output.dir ?? `results/${scenario.name}/seed-${scenario.seed}` },
}));

/** A validated scenario with every default filled. */
export type Scenario = z.output<typeof scenarioSchema>;

export type { Churn } from './churn.js';
export type { Fault } from './faults.js';
export type { Hosts, HostsPerPop } from './hosts.js';
export type { GossipConfig, Protocols, VivaldiConfig } from './protocols.js';
export type { Topology } from './topology.js';
