/**
 * The VE lifecycle in a run (`cloud.lifecycle`): the VE protocol on every host beside its Chord
 * (Chord added with its defaults and no lookups of its own when the scenario has none), each VE
 * configured at `configureAtS` from node ve mod hosts (retried every 10 s while the ring is not
 * ready), the hosts told of every finished migration (`vmArrived` / `vmDeparted`, as a local
 * hypervisor agent would) and of every lost member restarted on them, and the operations' outcomes counted per kind, and failures per
 * reason, at each sample.
 *
 * Each operation is scored against the cloud model when its answer reaches the issuer
 * (`probes/ve-score.ts`, through the VE protocol's observer): `ve.<op>.ok_share` is the share
 * the model shows right, `ve.<op>.reported_ok_share` the share the issuer believed succeeded.
 */
import type { Simulator } from '../kernel/simulator.js';
import { sToUs } from '../kernel/time.js';
import type { Cloud } from '../platform/cloud.js';
import type { MetricSeries } from '../metrics/series.js';
import type { Counters } from '../runtime/counters.js';
import type { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';
import type { SimRuntime } from '../runtime/sim/sim-runtime.js';
import { VE_OP_NAMES, VE_REASONS } from '../protocols/ve/ve-log.js';
import type { VeProtocol, VeResult } from '../protocols/ve/ve-protocol.js';
import { veAnswerRight, veMembers } from './probes/ve-score.js';
import { VE } from '../protocols/ve/ve-stack.js';
import { serviceInstance } from '../actors/supervisor.js';

const CONFIGURE_RETRY_US = 10_000_000;
const CONFIGURE_ATTEMPTS_MAX = 30;

export interface VeLifecycleInput {
  readonly sim: Simulator;
  readonly runtime: SimRuntime;
  readonly cloud: Cloud;
  readonly hypervisors: SimHypervisors;
  readonly counters: Counters;
  readonly configureAtS: number;
}

export class VeLifecycle {
  private readonly total = new Float64Array(VE_OP_NAMES.length);
  /** Right against the model, and believed right by the issuer. */
  private readonly right = new Float64Array(VE_OP_NAMES.length);
  private readonly reported = new Float64Array(VE_OP_NAMES.length);
  private readonly failedBy = new Float64Array(VE_REASONS.length);
  private readonly members: Map<number, number[]>;

  constructor(private readonly input: VeLifecycleInput) {
    this.members = veMembers(input.cloud);
    for (const name of ['ve.configured', 've.configure_given_up']) input.counters.cell(name);
    input.hypervisors.onMigrationEnded((record) => {
      if (!record.ok) return;
      const ve = input.cloud.vmVe[record.vm];
      if (ve < 0) return;
      veOf(input.runtime, record.from)?.vmDeparted(record.vm);
      veOf(input.runtime, record.to)?.vmArrived(record.vm, ve);
    });
    // A lost member restarted (from a snapshot, a replica, an image): its new host tells the owner at
    // once too, as it does of a migration, rather than at its next refresh: until then the owner
    // judged relocations against the crashed host's place (torture-replication-small seed 773: a
    // spread by site broken by a relocation into the PoP a member had just failed over to).
    input.hypervisors.onVmPlaced((vm, from, to) => {
      const ve = from < 0 && to >= 0 && vm < input.cloud.vmCount ? input.cloud.vmVe[vm] : -1;
      if (ve >= 0) veOf(input.runtime, to)?.vmArrived(vm, ve);
    });
  }

  start(): void {
    const { sim, cloud } = this.input;
    const members = new Map<number, number[]>();
    for (let vm = 0; vm < cloud.vmCount; vm++) {
      const ve = cloud.vmVe[vm];
      if (ve >= 0) members.set(ve, [...(members.get(ve) ?? []), vm]);
    }
    const ves = [...members.keys()].sort((a, b) => a - b);
    sim.at(Math.max(sim.nowUs(), sToUs(this.input.configureAtS)), () => {
      for (const ve of ves) this.configure(ve, members.get(ve) as number[], 1);
    });
  }

  /** Configure from node ve mod n (the next one up if it is down); retried while the ring is not ready. */
  private configure(ve: number, members: readonly number[], attempt: number): void {
    const { runtime, sim, counters } = this.input;
    const n = runtime.nodeCount;
    let issuer: VeProtocol | undefined;
    for (let k = 0; k < n && issuer === undefined; k++) issuer = veOf(runtime, (ve + k) % n);
    const retry = (): void => {
      if (attempt >= CONFIGURE_ATTEMPTS_MAX) {
        counters.count('ve.configure_given_up');
        return;
      }
      sim.after(CONFIGURE_RETRY_US, () => this.configure(ve, members, attempt + 1));
    };
    if (issuer === undefined) return retry();
    issuer.configure(ve, members, (result) => {
      if (result.ok) counters.count('ve.configured');
      else retry();
    });
  }

  /** An operation's answer reached its issuer (the VE protocol's observer): score it against the model now. */
  readonly observe = (_node: number, result: VeResult): void => {
    const kind = VE_OP_NAMES.indexOf(result.op);
    this.total[kind]++;
    if (result.ok) this.reported[kind]++;
    else this.failedBy[VE_REASONS.indexOf(result.reason)]++;
    if (veAnswerRight(this.input.cloud, this.members.get(result.ve) ?? [], result)) this.right[kind]++;
  };

  /** Operations finished so far, per kind: count, share right against the model, share the issuers believed right; failures per reason. */
  record(series: MetricSeries, timeS: number): void {
    // Counted as they finish: a node that crashes before the sample takes its log with it.
    // The logs are still drained, so that they stay bounded and report drops as they should.
    const { runtime } = this.input;
    for (let id = 0; id < runtime.nodeCount; id++) veOf(runtime, id)?.drainOperations();
    VE_OP_NAMES.forEach((name, kind) => {
      if (this.total[kind] === 0) return;
      series.count(timeS, `ve.${name}.ops`, this.total[kind]);
      series.record(timeS, `ve.${name}.ok_share`, this.right[kind] / this.total[kind]);
      series.record(timeS, `ve.${name}.reported_ok_share`, this.reported[kind] / this.total[kind]);
    });
    VE_REASONS.forEach((reason, code) => {
      if (this.failedBy[code] > 0) series.count(timeS, `ve.failed.${reason}`, this.failedBy[code]);
    });
  }
}

/** The VE manager of node `id`, when it runs (it is a supervised service). */
function veOf(runtime: SimRuntime, id: number): VeProtocol | undefined {
  return serviceInstance<VeProtocol>(runtime.protocolOf(id, VE));
}
