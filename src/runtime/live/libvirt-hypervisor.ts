/**
 * A real `Hypervisor` over libvirt, driven through one long-lived `virsh` shell (VirshSession).
 *
 * Why virsh and not a Node binding: npm has `libvirt` (hooklift/node-libvirt, 1.2.1) and
 * `@unraid/libvirt` (2.2.1, a fork of vmngr/libvirt); both are native addons built with
 * node-gyp against libvirt's headers (libvirt-dev and a C++ toolchain at install, rebuilt per
 * Node ABI), which the project's pure-JS install (`npm ci` on any machine) does not need today.
 * virsh is what every libvirt host (Grid'5000 nodes, Debian's libvirt-clients) already has, its
 * commands and messages are libvirt's documented CLI, and one command costs ~1 ms on the test
 * driver (measured: see the README), far below the protocols' periods.
 *
 * Protocols are synchronous, virsh is not, so the hypervisor keeps a MIRROR of its host's
 * domains (named `luc-vm-<id>`): queries read it; start/stop/suspend/resume check admissibility
 * against it, update it at once (as the simulated hypervisor does) and run virsh in the
 * background; a failure re-reads the domain's real state. A poll (`list --all`, and
 * `domstats --cpu-total` when demand is measured) every `pollMs` catches what changed behind
 * our back; entries changed locally since a poll was queued are left to the newer local state.
 * `migrate` and `snapshot` call back later, from a macrotask, never inside the call.
 *
 * Migration modes:
 *   - 'libvirt': `virsh migrate --live --persistent <dom> <target URI>` in a virsh process of
 *     its own (it blocks for the whole migration; the agent's session keeps serving polls),
 *     then `domjobinfo --completed` for the downtime and bytes, then `undefine` on the source.
 *   - 'emulated' (EMULATED, not a migration: the test driver cannot migrate, and its state is
 *     per connection): the source pauses its domain, hands the VM's spec to the target through
 *     the injected `transferDomain` (the agent carries it in a message; tests call the target's
 *     `receiveDomain` directly), the target defines and starts it, then the source destroys and
 *     undefines its copy (or resumes it if the target refused). Outcomes say `emulated: true`;
 *     the downtime is pause -> target running, bytes the spec's JSON size (no memory moves).
 *     With `emulatedCopy`, the hand-over takes the time the modelled pre-copy would: the VM runs
 *     on for the live rounds, then stays paused at least the stop-and-copy, and the outcome's
 *     bytes are the modelled ones (so a live run's migrations last as long as the simulation's).
 *
 * CPU demand: test-driver domains run no code, so their load comes from an injected source
 * (`injectedLoad(vm)`, percent; the scenario's workload model later); real domains' demand is
 * measured from `cpu.time` deltas over wall time between polls. `demandSource` says which.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Counters } from '../counters.js';
import type { NodeId } from '../context.js';
import type { HostInfo, Hypervisor, MigrationOutcome, RestoreOutcome, SnapshotOutcome, SnapshotShipOutcome, VmId, VmInfo, VmSpecInfo, VmState } from '../hypervisor.js';
import { buildDomainXml, checkVmSpec, domainName, parseDomainXml, vmIdOfDomain, type DomainXmlOptions, type VmSpec } from './libvirt-domain.js';
import { parseCpuTimes, parseDomainList, parseJobInfo, parseNodeInfo, reasonOfVirshError, vmStateOf } from './virsh-parse.js';
import { VirshSession, VirshSessionError, virshQuote, type VirshResult } from './virsh-session.js';

/** What the target answers to an emulated migration's hand-over. */
export interface TransferResult {
  readonly ok: boolean;
  readonly reason: string;
}

/** Carries a VM's spec to node `to` and resolves with its hypervisor's `receiveDomain` answer. */
export type TransferDomain = (to: NodeId, spec: VmSpec) => Promise<TransferResult>;

/** What an emulated migration waits, as the modelled pre-copy would take (`preCopyPlan`). */
export interface EmulatedCopy {
  /** The live rounds (the VM runs on at the source). */
  readonly liveMs: number;
  /** The stop-and-copy (the VM paused). */
  readonly downtimeMs: number;
  readonly bytes: number;
}

export interface LibvirtMigrationOutcome extends MigrationOutcome {
  /** True when the test driver's emulation ran, not a libvirt migration. */
  readonly emulated: boolean;
}

/** One finished operation, for the agent's report. */
export interface LibvirtOpRecord {
  /** ms since the hypervisor was created, at the end of the operation. */
  readonly atMs: number;
  readonly op: 'define' | 'start' | 'stop' | 'suspend' | 'resume' | 'migrate' | 'receive' | 'snapshot';
  readonly vm: VmId;
  readonly ok: boolean;
  readonly reason: string;
  readonly ms: number;
  readonly emulated: boolean;
}

/** A VM that came to this host or left it by a migration that succeeded (its VE from its domain's metadata). */
export interface VmMove {
  readonly vm: VmId;
  readonly ve: number;
  readonly arrived: boolean;
}

export interface LibvirtHypervisorOptions {
  /** libvirt connection URI of this host, e.g. 'test:///default', 'qemu:///system'. */
  readonly uri: string;
  readonly node: NodeId;
  /** The PoP (dense index) and country of this host, from the agent config. */
  readonly site: number;
  readonly country: string;
  /** Capacity; absent: `virsh nodeinfo`'s CPUs and memory. */
  readonly cores?: number;
  readonly memoryMiB?: number;
  /** Domain XML flavour; default: { type: 'test' } on a test: URI, else { type: 'qemu' }. */
  readonly domain?: DomainXmlOptions;
  /** Load of a VM in percent (clamped to 0..100); required on a test: URI (its domains run no code). */
  readonly injectedLoad?: (vm: VmId) => number;
  /** Default: 'emulated' on a test: URI, else 'libvirt'. */
  readonly migrationMode?: 'libvirt' | 'emulated';
  /** 'libvirt' mode: the libvirt URI of node `to` (from the peers file); undefined: refused 'no-path'. */
  readonly targetUriOf?: (to: NodeId) => string | undefined;
  /** 'emulated' mode: how the spec reaches the target (undefined: refused 'no-path'). */
  readonly transferDomain?: TransferDomain;
  /** 'emulated' mode: the modelled copy of `spec` to `to` (absent: the hand-over takes what it takes). */
  readonly emulatedCopy?: (spec: VmSpec, to: NodeId) => EmulatedCopy | undefined;
  /** Poll period of the mirror, ms (0: no polling, `refresh()` by hand). Default 1000. */
  readonly pollMs?: number;
  readonly outgoingMigrationsMax?: number;
  /** A migration (or emulated hand-over) not done in this time fails ('timeout' / 'target-down'). */
  readonly migrationTimeoutMs?: number;
  /** Any other virsh command not answered in this time kills the session. */
  readonly commandTimeoutMs?: number;
  /** virsh commands queued at most (operations beyond are refused 'busy'). */
  readonly queueMax?: number;
  /** Where `snapshot` puts memory (writable by libvirtd for qemu:///system). Default: a temp folder, removed by close(). */
  readonly snapshotDir?: string;
  /** Finished operations kept in `log()`. */
  readonly logMax?: number;
  readonly virsh?: string;
  /** Where counts go (e.g. the agent's LiveNode counters); default a fresh Counters. */
  readonly counters?: Counters;
  readonly warn?: (line: string) => void;
}

interface Entry {
  readonly spec: VmSpec;
  state: VmState;
  /** An operation that holds the VM (no other may start): migrating away, or being saved. */
  busy: '' | 'migrating' | 'snapshot';
  /** `mutations` at the last local change: a poll queued before it does not overwrite it. */
  changedAt: number;
  cpuNs: number;
  cpuAtMs: number;
  demandCores: number;
}

/** A virsh result with the outcome reason of its failure ('' when ok). */
type Ran = VirshResult & { readonly reason: string };

/** A session failure as an outcome reason: a full queue is 'busy', a command that hung 'timeout'. */
function sessionReason(error: VirshSessionError): string {
  return error.kind === 'queue-full' ? 'busy' : error.kind === 'timeout' ? 'timeout' : 'hypervisor-down';
}

const isVmId = (vm: number): boolean => Number.isSafeInteger(vm) && vm >= 0;
const isTestUri = (uri: string): boolean => uri.startsWith('test:');

/** Open the virsh session, read the node's capacity, take a first poll, start polling. */
export async function createLibvirtHypervisor(options: LibvirtHypervisorOptions): Promise<LibvirtHypervisor> {
  if (isTestUri(options.uri) && options.injectedLoad === undefined) {
    throw new RangeError(`libvirt hypervisor on ${options.uri}: test-driver domains run no code, give an injectedLoad (VM -> load %)`);
  }
  let hypervisor: LibvirtHypervisor | null = null;
  const session = await VirshSession.open({
    uri: options.uri,
    virsh: options.virsh,
    queueMax: options.queueMax,
    commandTimeoutMs: options.commandTimeoutMs,
    onDeath: (why) => hypervisor?.sessionDied(why),
  });
  try {
    let cores = options.cores;
    let memoryMiB = options.memoryMiB;
    if (cores === undefined || memoryMiB === undefined) {
      const result = await session.run('nodeinfo');
      if (!result.ok) throw new Error(`virsh nodeinfo on ${options.uri}: ${result.error}`);
      const info = parseNodeInfo(result.stdout);
      cores ??= info.cpus;
      memoryMiB ??= info.memoryMiB;
    }
    const host: HostInfo = { node: options.node, cores, memoryMiB, site: options.site, country: options.country };
    hypervisor = new LibvirtHypervisor(options, session, host);
    await hypervisor.refresh();
    hypervisor.startPolling();
    return hypervisor;
  } catch (error) {
    await session.close();
    throw error;
  }
}

export class LibvirtHypervisor implements Hypervisor {
  readonly counters: Counters;
  readonly migrationMode: 'libvirt' | 'emulated';
  readonly demandSource: 'injected' | 'cpu-time';
  private readonly entries = new Map<VmId, Entry>();
  /** VMs removed locally, with `mutations` then: a poll queued before must not rediscover them. */
  private readonly removedAt = new Map<VmId, number>();
  private readonly domainOptions: DomainXmlOptions;
  private readonly xmlDir: string;
  private readonly snapshotDir: string;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly records: LibvirtOpRecord[] = [];
  private readonly moveListeners: ((move: VmMove) => void)[] = [];
  private readonly changeListeners: (() => void)[] = [];
  private readonly t0 = performance.now();
  /** Date.now() when `atMs` of the log was 0 (to put the log's times on another clock). */
  readonly logOriginDateMs = Date.now();
  private mutations = 0;
  private snapshots = 0;
  /** Each VM's latest snapshot (older ones are deleted). */
  private readonly lastSnapshot = new Map<VmId, { readonly name: string; readonly file: string }>();
  private outgoing = 0;
  private incomingMiB = 0;
  /** Specs of the VMs an emulated hand-over is defining here, by VM id. */
  private readonly receiving = new Map<VmId, VmSpec>();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;
  private deadReason = '';

  constructor(
    private readonly options: LibvirtHypervisorOptions,
    private readonly session: VirshSession,
    private readonly info: HostInfo,
  ) {
    this.counters = options.counters ?? new Counters();
    this.migrationMode = options.migrationMode ?? (isTestUri(options.uri) ? 'emulated' : 'libvirt');
    this.demandSource = options.injectedLoad !== undefined ? 'injected' : 'cpu-time';
    this.counters.count(`libvirt.demand_source.${this.demandSource === 'injected' ? 'injected' : 'cpu_time'}`, 1);
    if (this.migrationMode === 'emulated') this.counters.count('libvirt.migration_mode.emulated', 1);
    this.domainOptions = options.domain ?? { type: isTestUri(options.uri) ? 'test' : 'qemu' };
    this.xmlDir = mkdtempSync(join(tmpdir(), `luc-libvirt-${options.node}-`));
    this.snapshotDir = options.snapshotDir ?? this.xmlDir;
  }

  // ---- the Hypervisor interface: synchronous, over the mirror ----

  host(): HostInfo {
    return this.info;
  }

  cpuDemand(): number {
    let cores = 0;
    for (const entry of this.entries.values()) cores += this.demandOf(entry);
    return cores;
  }

  memoryUsedMiB(): number {
    let mib = 0;
    for (const entry of this.entries.values()) mib += entry.spec.memoryMiB;
    return mib;
  }

  vmCount(): number {
    return this.entries.size;
  }

  vms(): VmInfo[] {
    return [...this.entries.values()]
      .sort((a, b) => a.spec.vm - b.spec.vm)
      .map((e) => ({ vm: e.spec.vm, vcpus: e.spec.vcpus, memoryMiB: e.spec.memoryMiB, cpuDemand: this.demandOf(e), state: e.state, ve: e.spec.ve, migrating: e.busy === 'migrating', incoming: false }));
  }

  /**
   * The VMs an emulated hand-over is defining here now (the emulation's own record, from
   * `receiveDomain` until the domain runs or is refused). Their demand is the injected load's
   * (0 when demand is measured: no CPU time is known for a domain not yet running here). A real
   * libvirt migration's incoming domain is not listed here: libvirt creates it paused on the
   * target, and the poll lists it in `vms()` as a suspended VM, already on this host.
   */
  incomingVms(): VmInfo[] {
    const load = this.options.injectedLoad;
    return [...this.receiving.values()]
      .sort((a, b) => a.vm - b.vm)
      .map((spec) => {
        const percent = load === undefined ? 0 : Math.min(100, Math.max(0, load(spec.vm) || 0));
        return { vm: spec.vm, vcpus: spec.vcpus, memoryMiB: spec.memoryMiB, cpuDemand: (spec.vcpus * percent) / 100, state: 'running' as const, ve: spec.ve, migrating: false, incoming: true };
      });
  }

  start(vm: VmId): boolean {
    return this.lifecycle('start', vm, 'stopped', 'running', 'start');
  }

  /** A hard stop (`destroy`): the guest gets no shutdown request (test-driver and tiny guests have no ACPI agent). */
  stop(vm: VmId): boolean {
    const entry = this.entries.get(vm);
    if (entry === undefined || entry.state === 'stopped') return false;
    return this.lifecycle('stop', vm, entry.state, 'stopped', 'destroy');
  }

  suspend(vm: VmId): boolean {
    return this.lifecycle('suspend', vm, 'running', 'suspended', 'suspend');
  }

  resume(vm: VmId): boolean {
    return this.lifecycle('resume', vm, 'suspended', 'running', 'resume');
  }

  migrate(vm: VmId, to: NodeId, onDone: (outcome: MigrationOutcome) => void): void {
    const t0 = performance.now();
    const emulated = this.migrationMode === 'emulated';
    const entry = this.entries.get(vm);
    const refusal = this.migrationRefusal(vm, entry, to);
    if (refusal !== '' || entry === undefined) {
      this.counters.count(`libvirt.migrations.refused.${refusal}`);
      this.record('migrate', vm, false, refusal, 0, emulated);
      setImmediate(() => onDone({ ok: false, reason: refusal, durationMs: 0, downtimeMs: 0, bytes: 0, emulated } as LibvirtMigrationOutcome));
      return;
    }
    entry.busy = 'migrating';
    this.outgoing++;
    const run = (emulated ? this.emulateMigration(entry, to, t0) : this.libvirtMigration(entry, to, t0)).catch((error: unknown): LibvirtMigrationOutcome => {
      this.options.warn?.(`[node ${this.info.node}] migration of VM ${vm} threw: ${(error as Error).stack ?? error}`);
      return { ok: false, reason: 'internal-error', durationMs: performance.now() - t0, downtimeMs: 0, bytes: 0, emulated };
    });
    this.track(
      run.then((outcome) => {
        this.outgoing--;
        entry.busy = '';
        this.counters.count(outcome.ok ? 'libvirt.migrations.done' : 'libvirt.migrations.failed');
        if (!outcome.ok) this.counters.count(`libvirt.migrations.failed.${outcome.reason}`);
        if (outcome.ok && emulated) this.counters.count('libvirt.migrations.emulated');
        if (outcome.ok) this.moved(entry.spec, false);
        this.record('migrate', vm, outcome.ok, outcome.reason, outcome.durationMs, emulated);
        setImmediate(() => onDone(outcome));
      }),
    );
  }

  /** A gather's VMs: all admitted (then each migrated as by `migrate`) or all refused with the first reason. */
  migrateTogether(vms: readonly VmId[], to: NodeId, onDone: (outcomes: readonly MigrationOutcome[]) => void): void {
    const refusal = vms.length === 0 ? 'empty-group' : this.groupRefusal(vms, to);
    if (refusal !== '') {
      const emulated = this.migrationMode === 'emulated';
      for (const vm of vms) {
        this.counters.count(`libvirt.migrations.refused.${refusal}`);
        this.record('migrate', vm, false, refusal, 0, emulated);
      }
      setImmediate(() => onDone(vms.map(() => ({ ok: false, reason: refusal, durationMs: 0, downtimeMs: 0, bytes: 0, emulated }) as LibvirtMigrationOutcome)));
      return;
    }
    const outcomes: MigrationOutcome[] = new Array(vms.length);
    let left = vms.length;
    vms.forEach((vm, k) =>
      this.migrate(vm, to, (outcome) => {
        outcomes[k] = outcome;
        if (--left === 0) onDone(outcomes);
      }),
    );
  }

  private groupRefusal(vms: readonly VmId[], to: NodeId): string {
    for (let k = 0; k < vms.length; k++) {
      const refusal = vms.indexOf(vms[k]) !== k ? 'busy' : this.migrationRefusal(vms[k], this.entries.get(vms[k]), to, vms.length);
      if (refusal !== '') return refusal;
    }
    return '';
  }

  /**
   * Snapshot files shipped between agents are not wired live yet (`scenario/live-cloud.ts`
   * refuses `cloud.snapshots`, so no agent calls these): each refuses with 'not-live'.
   */
  shipSnapshot(_vm: VmId, _to: number, onDone: (outcome: SnapshotShipOutcome) => void): void {
    setImmediate(() => onDone({ ok: false, reason: 'not-live', bytes: 0, stateMs: 0 }));
  }

  sendSnapshot(_vm: VmId, _to: number, onDone: (outcome: SnapshotShipOutcome) => void): void {
    setImmediate(() => onDone({ ok: false, reason: 'not-live', bytes: 0, stateMs: 0 }));
  }

  restoreSnapshot(_spec: VmSpecInfo, onDone: (outcome: RestoreOutcome) => void): void {
    setImmediate(() => onDone({ ok: false, reason: 'not-live' }));
  }

  dropSnapshot(_vm: VmId): void {}

  /** Save the VM's memory to `snapshotDir` (`virsh snapshot-create-as`, see `snapshotHere`); the VM stays in its state. */
  snapshot(vm: VmId, onDone: (outcome: SnapshotOutcome) => void): void {
    const entry = this.entries.get(vm);
    // A stopped VM has no memory to save.
    const refusal = !this.alive ? 'hypervisor-down' : !isVmId(vm) ? 'unknown-vm' : entry === undefined ? 'not-here' : entry.busy !== '' ? 'busy' : entry.state === 'stopped' ? 'not-running' : '';
    if (refusal !== '' || entry === undefined) {
      this.counters.count(`libvirt.snapshots.refused.${refusal}`);
      this.record('snapshot', vm, false, refusal, 0, false);
      setImmediate(() => onDone({ ok: false, reason: refusal, durationMs: 0, bytes: 0 }));
      return;
    }
    entry.busy = 'snapshot';
    const t0 = performance.now();
    const run = this.snapshotHere(entry).catch((error: unknown): SnapshotOutcome => {
      this.options.warn?.(`[node ${this.info.node}] snapshot of VM ${vm} threw: ${(error as Error).stack ?? error}`);
      return { ok: false, reason: 'internal-error', durationMs: performance.now() - t0, bytes: 0 };
    });
    this.track(
      run.then((outcome) => {
        entry.busy = '';
        this.counters.count(outcome.ok ? 'libvirt.snapshots.done' : 'libvirt.snapshots.failed');
        this.record('snapshot', vm, outcome.ok, outcome.reason, outcome.durationMs, false);
        setImmediate(() => onDone(outcome));
      }),
    );
  }

  // ---- beyond the interface: for the agent and tests ----

  /** False once virsh died (operations are then refused 'hypervisor-down'). */
  get alive(): boolean {
    return !this.closed && this.deadReason === '';
  }

  /** Why the virsh process died ('' while alive). */
  get deathCause(): string {
    return this.deadReason;
  }

  get virshPid(): number | undefined {
    return this.session.pid;
  }

  /** Any virsh command on this host's session (diagnostics, tests): queued like the hypervisor's own. */
  virshCommand(command: string): Promise<VirshResult> {
    return this.session.run(command);
  }

  /**
   * Told of each migration that succeeded, on both ends: the source once its copy is gone, the
   * target once the VM runs there (an emulated hand-over received, or a domain a real migration
   * brought, found by the poll). What a host's VE manager is told of, as the simulation tells it.
   */
  onVmMoved(listener: (move: VmMove) => void): void {
    this.moveListeners.push(listener);
  }

  /**
   * Told after anything that may have changed the host's demand: an operation finished (or was
   * refused), a poll read the domains and their CPU time. What a watch of overloads between
   * samples listens to.
   */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** The last `logMax` finished operations, oldest first. */
  log(): readonly LibvirtOpRecord[] {
    return this.records;
  }

  /** Define a VM on this host (and start it): how an agent places its initial VMs. */
  async deploy(spec: VmSpec, start = true): Promise<TransferResult> {
    checkVmSpec(spec);
    if (!this.alive) return { ok: false, reason: 'hypervisor-down' };
    if (this.entries.has(spec.vm)) return { ok: false, reason: 'busy' };
    return this.defineHere(spec, start, 'define');
  }

  /**
   * The target side of an emulated migration: define and start the VM here unless it is here
   * already ('busy') or there is no room ('no-room'); memory in flight counts as used.
   */
  receiveDomain(spec: VmSpec): Promise<TransferResult> {
    checkVmSpec(spec);
    if (!this.alive) return Promise.resolve({ ok: false, reason: 'target-down' });
    if (this.entries.has(spec.vm)) return Promise.resolve({ ok: false, reason: 'busy' });
    if (this.memoryUsedMiB() + this.incomingMiB + spec.memoryMiB > this.info.memoryMiB) return Promise.resolve({ ok: false, reason: 'no-room' });
    this.incomingMiB += spec.memoryMiB;
    this.receiving.set(spec.vm, spec);
    return this.track(
      this.defineHere(spec, true, 'receive').finally(() => {
        this.incomingMiB -= spec.memoryMiB;
        this.receiving.delete(spec.vm);
      }),
    );
  }

  /** Until every operation started so far has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Re-read the host's domains into the mirror now (what the poll does every `pollMs`). */
  async refresh(): Promise<void> {
    if (!this.alive) return;
    const since = this.mutations;
    const list = await this.virsh('list --all');
    if (!list.ok) {
      this.counters.count('libvirt.poll.errors');
      return;
    }
    this.counters.count('libvirt.polls');
    const seen = new Set<VmId>();
    for (const row of parseDomainList(list.stdout)) {
      const vm = vmIdOfDomain(row.name);
      if (vm === null) continue;
      seen.add(vm);
      const entry = this.entries.get(vm);
      if (entry !== undefined) {
        if (entry.changedAt <= since && entry.busy === '') entry.state = row.state;
      } else if (!((this.removedAt.get(vm) ?? -1) > since)) {
        await this.discover(vm, row.state, since);
      }
    }
    for (const [vm, entry] of this.entries) {
      if (seen.has(vm) || entry.changedAt > since || entry.busy !== '') continue;
      this.entries.delete(vm);
      this.counters.count('libvirt.vms.vanished');
    }
    for (const [vm, at] of this.removedAt) if (at <= since) this.removedAt.delete(vm);
    if (this.demandSource === 'cpu-time') await this.measureCpu();
    this.changed();
  }

  /** Stop polling, let running operations finish (up to `graceMs`), quit virsh, remove temp files. */
  async close(graceMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.settled(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    await this.session.close();
    rmSync(this.xmlDir, { recursive: true, force: true });
  }

  /** Called by the session when virsh dies: counted, warned, and every later operation refused. */
  sessionDied(why: string): void {
    if (this.closed) return;
    this.deadReason = why;
    this.counters.count('libvirt.virsh.died');
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.options.warn?.(`[node ${this.info.node}] virsh (${this.options.uri}) died: ${why}; VM operations refused from now on`);
  }

  startPolling(): void {
    const period = this.options.pollMs ?? 1000;
    if (period <= 0 || this.closed) return;
    const tick = (): void => {
      this.pollTimer = null;
      if (!this.alive) return;
      if (this.polling) return this.schedule(tick, period);
      this.polling = true;
      void this.refresh().finally(() => {
        this.polling = false;
        this.schedule(tick, period);
      });
    };
    this.schedule(tick, period);
  }

  // ---- internals ----

  private schedule(tick: () => void, period: number): void {
    if (!this.alive) return;
    this.pollTimer = setTimeout(tick, period);
    this.pollTimer.unref(); // polling alone must not keep a process alive
  }

  private demandOf(entry: Entry): number {
    if (entry.state !== 'running') return 0;
    const load = this.options.injectedLoad;
    if (load === undefined) return entry.demandCores;
    const percent = Math.min(100, Math.max(0, load(entry.spec.vm) || 0));
    return (entry.spec.vcpus * percent) / 100;
  }

  /** start/stop/suspend/resume: admissible against the mirror -> mirror updated, virsh in the background. */
  private lifecycle(op: 'start' | 'stop' | 'suspend' | 'resume', vm: VmId, from: VmState, to: VmState, command: string): boolean {
    const entry = this.entries.get(vm);
    if (!this.alive || entry === undefined || entry.busy !== '' || entry.state !== from) return false;
    entry.state = to;
    entry.changedAt = ++this.mutations;
    const t0 = performance.now();
    this.track(
      this.virsh(`${command} ${domainName(vm)}`).then(async (result) => {
        const reason = result.reason;
        this.counters.count(`libvirt.ops.${op}.${reason === '' ? 'ok' : 'failed'}`);
        if (reason !== '') {
          this.counters.count(`libvirt.ops.failed.${reason}`);
          this.options.warn?.(`[node ${this.info.node}] ${command} ${domainName(vm)} failed: ${result.error}`);
          await this.resync(vm);
        }
        this.record(op, vm, reason === '', reason, performance.now() - t0, false);
      }),
    );
    return true;
  }

  /** Why a migration is refused ('' if it is not); `slots`: the outgoing migrations it needs (a group's VM count). */
  private migrationRefusal(vm: VmId, entry: Entry | undefined, to: NodeId, slots = 1): string {
    if (!this.alive) return 'hypervisor-down';
    if (!isVmId(vm)) return 'unknown-vm';
    if (entry === undefined) return 'not-here';
    if (entry.busy !== '') return 'busy';
    if (entry.state !== 'running') return 'not-running';
    if (!(Number.isSafeInteger(to) && to >= 0) || to === this.info.node) return 'bad-target';
    if (this.outgoing + slots > (this.options.outgoingMigrationsMax ?? 2)) return 'busy';
    if (this.migrationMode === 'emulated' ? this.options.transferDomain === undefined : this.options.targetUriOf?.(to) === undefined) return 'no-path';
    return '';
  }

  /** EMULATED migration (test driver): pause here, target defines and starts, destroy here. */
  private async emulateMigration(entry: Entry, to: NodeId, t0: number): Promise<LibvirtMigrationOutcome> {
    const vm = entry.spec.vm;
    const dom = domainName(vm);
    const fail = (reason: string): LibvirtMigrationOutcome => ({ ok: false, reason, durationMs: performance.now() - t0, downtimeMs: 0, bytes: 0, emulated: true });
    const copy = this.options.emulatedCopy?.(entry.spec, to);
    if (copy !== undefined) {
      await sleep(copy.liveMs); // the live rounds: the VM runs on here
      if (!this.alive) return fail('source-down');
    }
    const paused = await this.virsh(`suspend ${dom}`);
    if (!paused.ok) {
      await this.resync(vm);
      return fail(paused.reason);
    }
    const pausedAt = performance.now();
    if (copy !== undefined) await sleep(copy.downtimeMs); // the stop-and-copy
    const transfer = this.options.transferDomain as TransferDomain;
    // A transfer that throws, rejects or never answers: the target is taken as down.
    const answer = await withTimeout(
      Promise.resolve().then(() => transfer(to, entry.spec)),
      this.options.migrationTimeoutMs ?? 120_000,
    ).catch((): TransferResult => ({ ok: false, reason: 'target-down' }));
    const upAt = performance.now();
    if (!answer.ok) {
      const resumed = await this.virsh(`resume ${dom}`);
      if (!resumed.ok) await this.resync(vm);
      return fail(answer.reason === '' ? 'target-down' : answer.reason);
    }
    // The VM runs on the target now: whatever happens to our copy, it has left this host.
    this.removeEntry(vm);
    for (const command of [`destroy ${dom}`, `undefine ${dom} --snapshots-metadata`]) {
      const result = await this.virsh(command);
      if (!result.ok) this.options.warn?.(`[node ${this.info.node}] after emulated migration of ${dom}: ${command} failed: ${result.error}`);
    }
    return { ok: true, reason: '', durationMs: performance.now() - t0, downtimeMs: upAt - pausedAt, bytes: copy?.bytes ?? JSON.stringify(entry.spec).length, emulated: true };
  }

  /**
   * A real live migration. In a virsh process of its own (`migrate` blocks for the whole
   * migration, and the agent's session must keep serving polls), except on a test: URI, whose
   * domains exist only in the agent's connection (there libvirt refuses: 'unsupported').
   */
  private async libvirtMigration(entry: Entry, to: NodeId, t0: number): Promise<LibvirtMigrationOutcome> {
    const dom = domainName(entry.spec.vm);
    const targetUri = this.options.targetUriOf?.(to) as string;
    const fail = (reason: string): LibvirtMigrationOutcome => ({ ok: false, reason, durationMs: performance.now() - t0, downtimeMs: 0, bytes: 0, emulated: false });
    let own: VirshSession | null = null;
    if (!isTestUri(this.options.uri)) {
      try {
        own = await VirshSession.open({ uri: this.options.uri, virsh: this.options.virsh, commandTimeoutMs: this.options.commandTimeoutMs });
      } catch {
        return fail('hypervisor-down');
      }
    }
    const session = own ?? this.session;
    try {
      const migrated = await session.run(`migrate --live --persistent ${dom} ${virshQuote(targetUri)}`, this.options.migrationTimeoutMs ?? 120_000);
      if (!migrated.ok) {
        this.options.warn?.(`[node ${this.info.node}] migrate ${dom} to ${targetUri} failed: ${migrated.error}`);
        return fail(reasonOfVirshError(migrated.error));
      }
      const durationMs = performance.now() - t0;
      this.removeEntry(entry.spec.vm);
      // The source keeps an inactive definition, so its completed job's statistics can be read.
      const job = await session.run(`domjobinfo ${dom} --completed`);
      const stats = job.ok ? parseJobInfo(job.stdout) : { elapsedMs: null, downtimeMs: null, bytes: null };
      if (stats.downtimeMs === null) this.counters.count('libvirt.migrations.downtime_unknown');
      await session.run(`undefine ${dom} --snapshots-metadata`);
      return { ok: true, reason: '', durationMs, downtimeMs: stats.downtimeMs ?? 0, bytes: stats.bytes ?? 0, emulated: false };
    } catch (error) {
      if (!(error instanceof VirshSessionError)) throw error;
      return fail(sessionReason(error));
    } finally {
      await own?.close();
    }
  }

  /**
   * `snapshot-create-as` with the memory in `snapshotDir` (qemu writes it there; the test
   * driver records metadata only, so its bytes are 0). Only the VM's latest snapshot is kept.
   * Not `virsh save` + `restore`: on virsh 9.0, `save` sometimes never returns (its main thread
   * stays in poll after the save worker has finished; about 1 save in 10 in our trials), and a
   * hung command costs the session and, on the test driver, every domain.
   */
  private async snapshotHere(entry: Entry): Promise<SnapshotOutcome> {
    const dom = domainName(entry.spec.vm);
    const name = `luc-snap-${++this.snapshots}`;
    const file = join(this.snapshotDir, `${dom}.${name}.mem`);
    const t0 = performance.now();
    const live = entry.state === 'running' ? ' --live' : '';
    // On a real libvirt, a domain with snapshot metadata cannot be live-migrated ("cannot migrate
    // domain with 1 snapshots", found by scripts/qemu-check.sh): keep the memory file, not the
    // record. The test driver keeps metadata only (its migrations are emulated anyway).
    const recorded = isTestUri(this.options.uri);
    const made = await this.virsh(`snapshot-create-as ${dom} ${name} --memspec ${virshQuote(`file=${file}`)}${live}${recorded ? '' : ' --no-metadata'}`);
    const durationMs = performance.now() - t0;
    if (!made.ok) {
      await this.resync(entry.spec.vm);
      return { ok: false, reason: made.reason, durationMs, bytes: 0 };
    }
    const bytes = existsSync(file) ? statSync(file).size : 0;
    const previous = this.lastSnapshot.get(entry.spec.vm);
    this.lastSnapshot.set(entry.spec.vm, { name, file });
    if (previous !== undefined && !recorded) rmSync(previous.file, { force: true });
    else if (previous !== undefined) {
      // The test driver refuses --metadata; a driver that cannot delete the snapshot itself may still drop its record.
      let dropped = await this.virsh(`snapshot-delete ${dom} ${previous.name}`);
      if (!dropped.ok) dropped = await this.virsh(`snapshot-delete ${dom} ${previous.name} --metadata`);
      if (!dropped.ok) this.counters.count('libvirt.snapshots.delete_failed');
      rmSync(previous.file, { force: true });
    }
    return { ok: true, reason: '', durationMs, bytes };
  }

  /** define (+ start) `spec` here; its entry appears once virsh has done it. */
  private async defineHere(spec: VmSpec, start: boolean, op: 'define' | 'receive'): Promise<TransferResult> {
    const t0 = performance.now();
    const dom = domainName(spec.vm);
    const file = join(this.xmlDir, `${dom}.xml`);
    writeFileSync(file, buildDomainXml(spec, this.domainOptions));
    const defined = await this.virsh(`define ${virshQuote(file)}`);
    let reason = defined.reason;
    if (reason === '' && start) {
      const started = await this.virsh(`start ${dom}`);
      reason = started.reason;
      if (reason !== '') await this.virsh(`undefine ${dom} --snapshots-metadata`);
    }
    if (reason === '') {
      this.entries.set(spec.vm, { spec, state: start ? 'running' : 'stopped', busy: '', changedAt: ++this.mutations, cpuNs: -1, cpuAtMs: 0, demandCores: 0 });
      this.removedAt.delete(spec.vm);
    }
    this.counters.count(`libvirt.ops.${op}.${reason === '' ? 'ok' : 'failed'}`);
    this.record(op, spec.vm, reason === '', reason, performance.now() - t0, op === 'receive' && this.migrationMode === 'emulated');
    if (reason === '' && op === 'receive') this.moved(spec, true);
    return { ok: reason === '', reason };
  }

  /** A domain of ours that the mirror does not know (defined by hand, or brought by a real migration). */
  private async discover(vm: VmId, state: VmState, since: number): Promise<void> {
    const xml = await this.virsh(`dumpxml ${domainName(vm)}`);
    if (!xml.ok) return;
    const spec = parseDomainXml(xml.stdout);
    if (spec === null || this.entries.has(vm) || (this.removedAt.get(vm) ?? -1) > since) return;
    this.entries.set(vm, { spec, state, busy: '', changedAt: since, cpuNs: -1, cpuAtMs: 0, demandCores: 0 });
    this.counters.count('libvirt.vms.discovered');
    this.moved(spec, true);
  }

  private moved(spec: VmSpec, arrived: boolean): void {
    for (const listener of this.moveListeners) listener({ vm: spec.vm, ve: spec.ve, arrived });
  }

  /** After a failed operation: the domain's real state, or its removal if libvirt no longer has it. */
  private async resync(vm: VmId): Promise<void> {
    const result = await this.virsh(`domstate ${domainName(vm)}`);
    const entry = this.entries.get(vm);
    if (entry === undefined) return;
    if (result.ok) {
      entry.state = vmStateOf(result.stdout.trim().split('\n')[0].trim());
      entry.changedAt = ++this.mutations;
    } else if (result.reason === 'unknown-vm') {
      this.removeEntry(vm);
    }
  }

  private async measureCpu(): Promise<void> {
    const stats = await this.virsh('domstats --cpu-total');
    if (!stats.ok) {
      this.counters.count('libvirt.poll.errors');
      return;
    }
    const nowMs = performance.now();
    for (const [name, ns] of parseCpuTimes(stats.stdout)) {
      const vm = vmIdOfDomain(name);
      const entry = vm === null ? undefined : this.entries.get(vm);
      if (entry === undefined) continue;
      if (entry.cpuNs >= 0 && nowMs > entry.cpuAtMs && ns >= entry.cpuNs) {
        entry.demandCores = Math.min(entry.spec.vcpus, (ns - entry.cpuNs) / 1e6 / (nowMs - entry.cpuAtMs));
      }
      entry.cpuNs = ns;
      entry.cpuAtMs = nowMs;
    }
  }

  private removeEntry(vm: VmId): void {
    this.entries.delete(vm);
    this.lastSnapshot.delete(vm); // its metadata goes with the domain (undefine --snapshots-metadata)
    this.removedAt.set(vm, ++this.mutations);
  }

  /** One command on the agent's session; a session failure becomes a failed result whose `reason` says it. */
  private async virsh(command: string): Promise<Ran> {
    try {
      const result = await this.session.run(command);
      return { ...result, reason: result.ok ? '' : reasonOfVirshError(result.error) };
    } catch (error) {
      if (!(error instanceof VirshSessionError)) throw error;
      this.counters.count(`libvirt.virsh.${error.kind}`);
      return { ok: false, stdout: '', error: error.message, ms: 0, reason: sessionReason(error) };
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private record(op: LibvirtOpRecord['op'], vm: VmId, ok: boolean, reason: string, ms: number, emulated: boolean): void {
    this.records.push({ atMs: performance.now() - this.t0, op, vm, ok, reason, ms, emulated });
    if (this.records.length > (this.options.logMax ?? 1000)) this.records.shift();
    this.changed();
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
