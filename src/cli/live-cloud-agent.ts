/**
 * The host side of a live agent whose scenario has a `cloud` section: its hypervisor over libvirt
 * (`--hypervisor URI`), the VMs it starts with (the scenario's placement laid on the agents,
 * `scenario/live-cloud.ts`), their load played from the scenario's workload at wall-clock times
 * from the run's epoch (test-driver domains run no code: the load is injected, and labelled so),
 * the protocol that carries emulated migrations, and what the agent samples of its host.
 */
import type { MessageSchemas, MessageValidator, Protocol, StackBuilder } from '../runtime/context.js';
import type { Counters } from '../runtime/counters.js';
import { DOMAIN_TRANSFER, DomainTransferProtocol, domainTransferMessageSchema } from '../runtime/live/domain-transfer.js';
import { createLibvirtHypervisor, type LibvirtHypervisor } from '../runtime/live/libvirt-hypervisor.js';
import { LiveConfigError } from '../runtime/live/live-errors.js';
import type { BackboneNetwork } from '../platform/network.js';
import type { VeConstraint } from '../placement/problem.js';
import { buildWorld } from '../scenario/build-world.js';
import { liveCloudPlan } from '../scenario/live-cloud.js';
import type { CloudSample } from '../scenario/live-samples.js';
import type { Scenario } from '../scenario/schema.js';
import type { LoadChangeSource } from '../workload/index.js';
import { liveHosts } from '../scenario/live-hosts.js';
import { withVeAgentHooks } from '../agent/ve-agent-hooks.js';
import { OverloadWatch } from '../runtime/live/overload-watch.js';

/** An emulated migration's hand-over not answered this long is 'target-down' (the source resumes its VM). */
const TRANSFER_TIMEOUT_MS = 10_000;

export interface LiveCloudAgent {
  readonly hypervisor: LibvirtHypervisor;
  readonly constraints: readonly VeConstraint[];
  /** The agent's stack with the hand-over protocol of emulated migrations. */
  withTransfer(stack: StackBuilder): StackBuilder;
  withTransferSchema(schemas: MessageSchemas): MessageSchemas;
  /** With `cloud.lifecycle`: the hooks of the agent's VE manager (its VEs configured, its host's migrations told). */
  withVeHooks(stack: StackBuilder): StackBuilder;
  /** Play the load changes from the run's epoch until its end. */
  startLoads(epochMs: number, durationMs: number): void;
  sample(): CloudSample;
  close(): Promise<void>;
}

export interface LiveCloudInput {
  readonly scenario: Scenario;
  readonly scenarioFile: string;
  readonly id: number;
  readonly agents: number;
  readonly uri: string;
  /** Where a real live migration to node `to` goes (its peers-file entry's `libvirt`). */
  readonly targetUriOf: (to: number) => string | undefined;
  /** A restarted agent's host comes back empty: its VMs were lost with the crash (or live on elsewhere). */
  readonly deployVms: boolean;
  readonly counters: Counters;
  readonly log: (line: string) => void;
}

export async function startLiveCloud(input: LiveCloudInput): Promise<LiveCloudAgent> {
  const { scenario, scenarioFile, id, agents, uri } = input;
  const world = buildWorld(scenario, scenarioFile);
  if (world.backbone === null) throw new LiveConfigError(scenarioFile, 'topology', 'a backbone topology (graphml or generate) for a cloud section');
  const network = world.backbone as BackboneNetwork;
  const plan = liveCloudPlan(scenario, scenarioFile, network, liveHosts(network.hostCount, agents));
  const host = plan.hostOf(id);
  const { source, initial } = plan.loads();
  const loads = initial;
  let transfer: DomainTransferProtocol | null = null;
  const hypervisor = await createLibvirtHypervisor({
    uri,
    node: id,
    site: host.site,
    country: host.country,
    cores: host.cores,
    memoryMiB: host.memoryMiB,
    injectedLoad: uri.startsWith('test:') ? (vm) => loads[vm] ?? 0 : undefined,
    targetUriOf: input.targetUriOf,
    transferDomain: (to, spec) => transfer?.transfer(to, spec) ?? Promise.resolve({ ok: false, reason: 'target-down' }),
    // An emulated hand-over lasts what the simulated pre-copy would (the twin's migrations take as long).
    emulatedCopy: (spec, to) => {
      const copy = plan.migrationCopy(spec.vm, loads[spec.vm] ?? 0, id, to);
      return copy === null ? undefined : { liveMs: (copy.durationS - copy.downtimeS) * 1000, downtimeMs: copy.downtimeS * 1000, bytes: copy.bytesSent };
    },
    counters: input.counters,
    warn: input.log,
  });
  if (input.deployVms) {
    for (const vm of plan.vmsOf(id)) {
      const result = await hypervisor.deploy(vm);
      if (!result.ok) throw new LiveConfigError(uri, `VM ${vm.vm}`, 'a VM the hypervisor defines and starts', result.reason);
    }
  }
  let loadTimer: NodeJS.Timeout | undefined;
  let migrationsSeenAtMs = -Infinity;
  let runOriginDateMs = NaN;
  // On the wall clock (ms since the Unix epoch) until the run's epoch is known: `sample` moves episodes to the run's clock.
  const overloads = new OverloadWatch(() => hypervisor.cpuDemand(), hypervisor.host().cores, () => Date.now());
  hypervisor.onChange(() => overloads.check());
  overloads.check();
  return {
    hypervisor,
    constraints: plan.constraints,
    withTransfer: (stack) => (contextFor) => {
      const protocols = new Map<string, Protocol>(stack(contextFor));
      transfer = new DomainTransferProtocol(contextFor(DOMAIN_TRANSFER), (spec) => hypervisor.receiveDomain(spec), TRANSFER_TIMEOUT_MS);
      protocols.set(DOMAIN_TRANSFER, transfer);
      return protocols;
    },
    withVeHooks: (stack) => {
      const lifecycle = scenario.cloud?.lifecycle;
      if (lifecycle === undefined) return stack;
      return withVeAgentHooks(stack, { configureAtS: lifecycle.configureAtS, members: plan.veMembers, nodeCount: agents, moves: hypervisor });
    },
    withTransferSchema: (schemas) => new Map<string, MessageValidator>([...schemas, [DOMAIN_TRANSFER, domainTransferMessageSchema()]]),
    startLoads: (epochMs, durationMs) => {
      runOriginDateMs = epochMs;
      loadTimer = playLoads(source, loads, epochMs, durationMs, (timer) => (loadTimer = timer), () => overloads.check());
    },
    sample: () => {
      const migrations = hypervisor.log().filter((r) => r.op === 'migrate' && r.atMs > migrationsSeenAtMs);
      if (migrations.length > 0) migrationsSeenAtMs = migrations[migrations.length - 1].atMs;
      return {
        cores: hypervisor.host().cores,
        vms: hypervisor.vms().map((v) => ({ vm: v.vm, state: v.state, cpuDemand: v.cpuDemand, migrating: v.migrating })),
        migrations: migrations.map((r) => ({ vm: r.vm, ok: r.ok, reason: r.reason, ms: r.ms, emulated: r.emulated, ...migrationEnd(hypervisor.logOriginDateMs + r.atMs - runOriginDateMs) })),
        // An overload older than the run's epoch starts with the run (its clock starts there).
        overloads: overloads.take().map((e) => ({ startMs: Math.max(0, e.startMs - runOriginDateMs), ...(e.endMs === undefined ? {} : { endMs: Math.max(0, e.endMs - runOriginDateMs) }) })),
      };
    },
    close: async () => {
      clearTimeout(loadTimer);
      await hypervisor.close();
    },
  };
}

/**
 * Applies each change at epoch + its time (one timer pending at a time, as the simulator's load
 * driver keeps one event); changes already due when the agent starts (a restart) apply at once.
 */
function playLoads(source: LoadChangeSource, loads: Float64Array, epochMs: number, durationMs: number, setTimer: (timer: NodeJS.Timeout) => void, applied: () => void): NodeJS.Timeout | undefined {
  let change = source.next();
  const step = (): void => {
    while (change !== undefined && change.timeUs / 1000 <= Math.min(Date.now() - epochMs, durationMs)) {
      if (change.vm < loads.length) loads[change.vm] = change.loadPercent;
      change = source.next();
    }
    applied();
    if (change === undefined || change.timeUs / 1000 > durationMs) return;
    setTimer(setTimeout(step, Math.max(0, epochMs + change.timeUs / 1000 - Date.now())));
  };
  step();
  return undefined;
}

/** A migration's end on the run's clock, once the run's epoch is known. */
function migrationEnd(endMs: number): { endMs?: number } {
  return Number.isFinite(endMs) ? { endMs: Math.round(endMs * 1000) / 1000 } : {};
}
