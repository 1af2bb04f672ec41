/**
 * Scores a cloud run from the model itself, never from what a scheduler believes:
 *   - violations: a host is in violation while its running VMs ask for more CPU than it has;
 *     each violation is timed from the event that started it to the event that ended it (a
 *     load change or a migration), exactly, not at samples;
 *   - migrations as the hypervisors ran them (count, failures, duration, bytes, share across
 *     the backbone); with a VE lifecycle, the scheduler's migrations and the VE relocations
 *     (migrations asked by 've') also apart, each with its share across the backbone; energy (each host linear between idle and full power, times its PoP's PUE,
 *     integrated exactly between changes) and hosts in use;
 *   - the schedulers' own logs (rounds, problem sizes, planning time), drained at each sample;
 *   - with crashes in the run: VMs lost with their hosts (`cloud.vms_lost`, every loss since the
 *     start; `cloud.vms_unrecovered`, those not restored now), and of those lost now the
 *     members of VEs (`cloud.ve_vms_lost`), the VEs with a member lost (`cloud.ves_hit`) and
 *     those with every member lost (`cloud.ves_lost`). A crashed host draws nothing.
 */
import type { Simulator } from '../../kernel/simulator.js';
import { type Cloud } from '../../platform/cloud.js';
import { EnergyMeter, hostPowerW, type PowerModel } from '../../platform/power.js';
import type { MigrationRecord, SimHypervisors } from '../../runtime/sim/sim-hypervisor.js';
import type { SimRuntime } from '../../runtime/sim/sim-runtime.js';
import { serviceInstance } from '../../actors/supervisor.js';
import type { MetricSeries } from '../../metrics/series.js';
import { mean, quantile } from '../../metrics/stats.js';
import type { SchedulerProtocol } from '../../protocols/scheduling-outcome.js';

/** A growable list of numbers in a typed array. */
class Samples {
  private data = new Float64Array(64);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(2 * this.data.length);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export class CloudProbe {
  private readonly overloadSinceUs: Float64Array;
  private violations = 0;
  private resolvedViolationUs = 0;
  private readonly resolveS = new Samples();
  private readonly meters: EnergyMeter[];
  private migrationsDone = 0;
  private migrationsFailed = 0;
  private migrationsWan = 0;
  /** Successful VE relocations (migrations asked by 've'), and those across the backbone. */
  private relocationsDone = 0;
  private relocationsWan = 0;
  private migrationBytes = 0;
  private readonly migrationS = new Samples();
  private readonly downtimeMs = new Samples();
  private rounds = 0;
  private roundsSolved = 0;
  private planningMsTotal = 0;
  private readonly roundHosts = new Samples();
  private readonly roundS = new Samples();

  constructor(
    private readonly sim: Simulator,
    private readonly cloud: Cloud,
    private readonly hypervisors: SimHypervisors,
    private readonly power: PowerModel,
    hostPue: Float64Array,
    /** The scheduler protocol's name on every node, or null when none runs. */
    private readonly schedulerName: string | null,
    /** Hosts may crash in this run: record the VMs lost (runs without crashes keep their rows). */
    private readonly crashes = false,
    /** A VE lifecycle relocates VMs too: record its migrations apart from the scheduler's. */
    private readonly relocations = false,
  ) {
    const n = cloud.hostCount;
    this.overloadSinceUs = new Float64Array(n).fill(-1);
    this.meters = Array.from({ length: n }, (_, h) => new EnergyMeter(sim.nowUs(), hostPue[h]));
    for (let h = 0; h < n; h++) this.hostChanged(h);
    cloud.onHostChanged((host) => this.hostChanged(host));
    hypervisors.onMigrationEnded((record) => this.migrationEnded(record));
  }

  private hostChanged(host: number): void {
    const nowUs = this.sim.nowUs();
    const overloaded = this.cloud.isOverloaded(host);
    const since = this.overloadSinceUs[host];
    if (overloaded && since < 0) {
      this.overloadSinceUs[host] = nowUs;
      this.violations++;
    } else if (!overloaded && since >= 0) {
      this.overloadSinceUs[host] = -1;
      this.resolvedViolationUs += nowUs - since;
      this.resolveS.push((nowUs - since) / 1e6);
    }
    const utilisation = this.cloud.hostDemandMilli[host] / (1000 * this.cloud.hostCores[host]);
    this.meters[host].set(nowUs, this.cloud.hostUp[host] === 1 ? hostPowerW(this.power, utilisation) : 0);
  }

  private migrationEnded(record: MigrationRecord): void {
    if (!record.ok) {
      this.migrationsFailed++;
      return;
    }
    this.migrationsDone++;
    if (record.wan) this.migrationsWan++;
    if (record.by === 've') {
      this.relocationsDone++;
      if (record.wan) this.relocationsWan++;
    }
    this.migrationBytes += record.bytes;
    this.migrationS.push(record.durationUs / 1e6);
    this.downtimeMs.push(record.downtimeUs / 1000);
  }

  /** Violations in progress now. */
  overloadedNow(): number {
    let count = 0;
    for (const since of this.overloadSinceUs) if (since >= 0) count++;
    return count;
  }

  record(series: MetricSeries, timeS: number, runtime: SimRuntime): void {
    const nowUs = this.sim.nowUs();
    let openUs = 0;
    let open = 0;
    for (const since of this.overloadSinceUs) {
      if (since >= 0) {
        openUs += nowUs - since;
        open++;
      }
    }
    series.count(timeS, 'cloud.violations', this.violations);
    series.record(timeS, 'cloud.hosts_overloaded', open);
    series.record(timeS, 'cloud.violation_time_s', (this.resolvedViolationUs + openUs) / 1e6);
    const resolved = this.resolveS.view();
    series.count(timeS, 'cloud.violations_resolved', resolved.length);
    if (resolved.length > 0) {
      series.record(timeS, 'cloud.resolve_s_mean', mean(resolved));
      series.record(timeS, 'cloud.resolve_s_p50', quantile(resolved, 0.5));
      series.record(timeS, 'cloud.resolve_s_p90', quantile(resolved, 0.9));
      series.record(timeS, 'cloud.resolve_s_max', quantile(resolved, 1));
    }
    series.count(timeS, 'cloud.migrations', this.migrationsDone);
    series.count(timeS, 'cloud.migrations_failed', this.migrationsFailed);
    // Durations below are of finished migrations only: those still running are counted here.
    series.record(timeS, 'cloud.migrations_in_progress', this.hypervisors.migrationsInProgress);
    series.record(timeS, 'cloud.migration_gb', this.migrationBytes / 1e9);
    series.record(timeS, 'cloud.migrations_wan_share', this.migrationsDone === 0 ? 0 : this.migrationsWan / this.migrationsDone);
    if (this.relocations) {
      const scheduled = this.migrationsDone - this.relocationsDone;
      series.count(timeS, 'cloud.scheduler_migrations', scheduled);
      series.record(timeS, 'cloud.scheduler_migrations_wan_share', scheduled === 0 ? 0 : (this.migrationsWan - this.relocationsWan) / scheduled);
      series.count(timeS, 'cloud.ve_relocations', this.relocationsDone);
      series.record(timeS, 'cloud.ve_relocations_wan_share', this.relocationsDone === 0 ? 0 : this.relocationsWan / this.relocationsDone);
    }
    const durations = this.migrationS.view();
    if (durations.length > 0) {
      series.record(timeS, 'cloud.migration_s_mean', mean(durations));
      series.record(timeS, 'cloud.migration_s_p90', quantile(durations, 0.9));
      series.record(timeS, 'cloud.downtime_ms_mean', mean(this.downtimeMs.view()));
    }
    let energyWh = 0;
    let inUse = 0;
    for (let h = 0; h < this.cloud.hostCount; h++) {
      energyWh += this.meters[h].watthoursAt(nowUs);
      if (this.cloud.hostDemandMilli[h] > 0) inUse++;
    }
    series.record(timeS, 'cloud.energy_kwh', energyWh / 1000);
    series.record(timeS, 'cloud.hosts_in_use', inUse);
    if (this.crashes) this.recordLosses(series, timeS);
    if (this.schedulerName !== null) this.recordScheduler(series, timeS, runtime, this.schedulerName);
  }

  private recordLosses(series: MetricSeries, timeS: number): void {
    const { cloud } = this;
    series.count(timeS, 'cloud.vms_lost', cloud.vmLosses);
    series.record(timeS, 'cloud.vms_unrecovered', cloud.vmsLost);
    const members = new Map<number, number>();
    const lostOf = new Map<number, number>();
    for (let vm = 0; vm < cloud.vmCount; vm++) {
      const ve = cloud.vmVe[vm];
      if (ve < 0) continue;
      members.set(ve, (members.get(ve) ?? 0) + 1);
      if (cloud.vmLost[vm] === 1) lostOf.set(ve, (lostOf.get(ve) ?? 0) + 1);
    }
    if (members.size === 0) return;
    let lost = 0;
    let whole = 0;
    for (const [ve, count] of lostOf) {
      lost += count;
      if (count === members.get(ve)) whole++;
    }
    series.count(timeS, 'cloud.ve_vms_lost', lost);
    series.count(timeS, 'cloud.ves_hit', lostOf.size);
    series.count(timeS, 'cloud.ves_lost', whole);
  }

  private recordScheduler(series: MetricSeries, timeS: number, runtime: SimRuntime, name: string): void {
    for (let id = 0; id < runtime.nodeCount; id++) {
      const scheduler = serviceInstance<SchedulerProtocol>(runtime.protocolOf(id, name)); // a supervised service: its current instance
      if (scheduler === undefined) continue;
      for (const outcome of scheduler.drainSchedulingOutcomes()) {
        this.rounds++;
        if (outcome.solved) this.roundsSolved++;
        this.planningMsTotal += outcome.planningMs;
        this.roundHosts.push(outcome.hosts);
        this.roundS.push((outcome.endMs - outcome.startMs) / 1000);
      }
    }
    series.count(timeS, 'scheduler.rounds', this.rounds);
    series.count(timeS, 'scheduler.rounds_solved', this.roundsSolved);
    series.record(timeS, 'scheduler.planning_s_total', this.planningMsTotal / 1000);
    const hosts = this.roundHosts.view();
    if (hosts.length > 0) {
      series.record(timeS, 'scheduler.round_hosts_mean', mean(hosts));
      series.record(timeS, 'scheduler.round_hosts_max', quantile(hosts, 1));
      series.record(timeS, 'scheduler.round_s_mean', mean(this.roundS.view()));
      series.record(timeS, 'scheduler.planning_s_mean', this.planningMsTotal / 1000 / hosts.length);
    }
  }
}
