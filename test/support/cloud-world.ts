/**
 * A small simulated cloud for tests of VM schedulers: PoPs on a line joined by links, hosts spread
 * over them, VMs placed round robin, the real kernel, SimRuntime, Cloud and SimHypervisors, and
 * optionally the VMPlaceS load changes. `stack` gets the protocols under test; each node's
 * context carries its host's hypervisor.
 */
import { Simulator } from '../../src/kernel/simulator.js';
import { randomStream } from '../../src/kernel/random.js';
import { sToUs } from '../../src/kernel/time.js';
import { Cloud } from '../../src/platform/cloud.js';
import { BackboneNetwork } from '../../src/platform/network.js';
import type { Backbone } from '../../src/platform/types.js';
import { Counters } from '../../src/runtime/counters.js';
import type { StackBuilder } from '../../src/runtime/context.js';
import { type MigrationModel, type MigrationRecord, SimHypervisors } from '../../src/runtime/sim/sim-hypervisor.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import { LoadDriver, VmLoadChanges } from '../../src/workload/index.js';

export interface CloudWorldOptions {
  readonly hosts: number;
  readonly vmsPerHost: number;
  readonly seed: number;
  readonly stack: StackBuilder;
  /** PoPs on a line, 2 ms apart, hosts spread evenly (default 1: one site). */
  readonly pops?: number;
  readonly hostCores?: number;
  readonly hostMemoryMiB?: number;
  readonly vmMemoryMiB?: number;
  /** Drive the VMPlaceS load changes (rate VMs / 300 s) until `loadsUntilS`. */
  readonly loadsUntilS?: number;
  readonly migration?: Partial<MigrationModel>;
  /** A crashed host's VMs are lost and its migrations fail, as in a scenario run (default false: only its protocols stop). */
  readonly crashTakesVms?: boolean;
  /** Room for this many VMs beyond the initial ones (created later through the hypervisors). */
  readonly extraVms?: number;
  /** The VE of each initial VM (default: none, -1). */
  readonly veOf?: (vm: number) => number;
}

export const TEST_MIGRATION: MigrationModel = { bandwidthBps: 1e9, stopCopyMiB: 16, roundsMax: 30, sentFactorMax: Infinity, outgoingPerHostMax: 4 };

export class CloudWorld {
  readonly sim = new Simulator();
  readonly counters = new Counters();
  readonly cloud: Cloud;
  readonly network: BackboneNetwork;
  readonly hypervisors: SimHypervisors;
  readonly runtime: SimRuntime;
  readonly migrations: MigrationRecord[] = [];

  constructor(readonly options: CloudWorldOptions) {
    const pops = options.pops ?? 1;
    const backbone: Backbone = {
      name: 'line',
      pops: Array.from({ length: pops }, (_, p) => ({ name: `p${p}`, latitude: 45, longitude: p, country: p % 2 === 0 ? 'FR' : 'DE' })),
      links: Array.from({ length: Math.max(0, pops - 1) }, (_, p) => ({ a: p, b: p + 1, latencyUs: 2000, bandwidthBps: 10e9 })),
    };
    const hostsPerPop = Array.from({ length: pops }, (_, p) => Math.floor(options.hosts / pops) + (p < options.hosts % pops ? 1 : 0));
    this.network = new BackboneNetwork(backbone, { hostsPerPop, intraPopLatencyUs: 100, nicBandwidthBps: 10e9, pathCacheBytesMax: 1 << 20 });
    const n = this.network.hostCount;
    this.cloud = new Cloud({ cores: new Array(n).fill(options.hostCores ?? 8), memoryMiB: new Array(n).fill(options.hostMemoryMiB ?? 32768) }, n * options.vmsPerHost + (options.extraVms ?? 0));
    for (let k = 0; k < n * options.vmsPerHost; k++) this.cloud.addVm({ vcpus: 1, memoryMiB: options.vmMemoryMiB ?? 1024, dirtyShare: 0.2, ve: options.veOf?.(k) ?? -1 }, k % n);
    this.hypervisors = new SimHypervisors({
      sim: this.sim,
      cloud: this.cloud,
      network: this.network,
      counters: this.counters,
      linkCapacityBps: backbone.links.map((l) => l.bandwidthBps),
      nicBandwidthBps: 10e9,
      hostCountry: Array.from({ length: n }, (_, h) => backbone.pops[this.network.hostPop[h]].country),
      migration: { ...TEST_MIGRATION, ...options.migration },
      diskBandwidthBps: 1.6e9,
      transfersMax: 10_000,
    });
    this.hypervisors.onMigrationEnded((record) => this.migrations.push(record));
    this.runtime = new SimRuntime({
      sim: this.sim,
      network: this.network,
      seed: options.seed,
      stack: options.stack,
      bootstrapCount: 3,
      counters: this.counters,
      hypervisorOf: (id) => this.hypervisors.of(id),
      onHostUp: options.crashTakesVms === true ? (id, up) => this.hypervisors.setHostUp(id, up) : undefined,
    });
    if (options.loadsUntilS !== undefined) {
      const source = new VmLoadChanges(this.cloud.vmCount, {}, randomStream(options.seed, 'workload.load'));
      new LoadDriver(this.sim, source, (vm, load) => this.cloud.setLoad(vm, load), sToUs(options.loadsUntilS)).start();
    }
    this.runtime.startAll();
  }

  /** Set the load of every VM of `host` so that its demand is `cores` in total (spread evenly). */
  loadHost(host: number, cores: number): void {
    const vms = this.cloud.vmsOf(host);
    for (const vm of vms) this.cloud.setLoad(vm, Math.min(100, (100 * cores) / vms.length / this.cloud.vmVcpus[vm]));
  }

  /** Set every VM to `loadPercent`. */
  loadAll(loadPercent: number): void {
    for (let vm = 0; vm < this.cloud.vmCount; vm++) this.cloud.setLoad(vm, loadPercent);
  }

  overloadedHosts(): number[] {
    const out: number[] = [];
    for (let h = 0; h < this.cloud.hostCount; h++) if (this.cloud.isOverloaded(h)) out.push(h);
    return out;
  }

  runUntilS(s: number): void {
    this.sim.run({ endUs: sToUs(s), eventsMax: 50_000_000 });
  }

  /** Model consistency: every VM on one host or lost by a crash, sums right. */
  checkInvariants(): string[] {
    return this.cloud.checkInvariants();
  }
}
