/**
 * The modelled hosts and VMs: where each VM runs, its state and CPU load, and each host's CPU
 * demand and memory in use. The ground truth that schedulers act on (through hypervisors) and
 * that metrics read (violations, energy, invariants).
 *
 * Flat typed arrays indexed by host and by VM id (100,000 VMs are a few MB). A host's VMs form
 * a doubly linked list through `vmNext`/`vmPrev`, so a move is O(1). CPU demand is kept in whole
 * millicores (vcpus x load% x 10, rounded), so a host's sum is exact whatever the order of
 * updates and an overload test never depends on a floating-point last bit.
 *
 * A host that crashes (`setHostUp(h, false)`) runs nothing and draws no power: its VMs are lost
 * (memory gone, disk on that host), on no host's list and counted in `vmsLost` until something
 * restores them (`restoreVm`); the host comes back empty. A lost VM keeps its load and state
 * but adds no demand anywhere.
 */

export type VmStateCode = 0 | 1 | 2;
export const VM_RUNNING = 0;
export const VM_SUSPENDED = 1;
export const VM_STOPPED = 2;
export const VM_STATE_NAMES = ['running', 'suspended', 'stopped'] as const;

export interface CloudHosts {
  readonly cores: ArrayLike<number>;
  readonly memoryMiB: ArrayLike<number>;
}

export interface VmSpec {
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** Share of the migration bandwidth the VM dirties per second at 100% load (SimGrid's dp_intensity). */
  readonly dirtyShare: number;
  /** The VE it belongs to, -1 if none. */
  readonly ve: number;
}

/** Told after a host's CPU demand (or its VM count) changed. */
export type HostListener = (host: number) => void;

const NONE = -1;

export class Cloud {
  readonly hostCount: number;
  readonly hostCores: Float64Array;
  readonly hostMemoryMiB: Float64Array;
  /** Per host: CPU demand of running VMs in millicores, memory of hosted VMs, VMs hosted. */
  readonly hostDemandMilli: Float64Array;
  readonly hostMemoryUsedMiB: Float64Array;
  readonly hostVmCount: Int32Array;
  /** 1 while the host is up (it runs its VMs and draws power), 0 while it is crashed. */
  readonly hostUp: Uint8Array;
  private readonly hostHead: Int32Array;

  readonly vmHost: Int32Array;
  readonly vmVcpus: Float64Array;
  readonly vmMemoryMiB: Float64Array;
  readonly vmLoadPercent: Float64Array;
  readonly vmDirtyShare: Float64Array;
  readonly vmVe: Int32Array;
  readonly vmState: Uint8Array;
  /** 1 while the VM is lost: its host crashed with it (then vmHost is -1). */
  readonly vmLost: Uint8Array;
  /** Demand the VM adds to its host now (0 unless running), in millicores. */
  private readonly vmDemandMilli: Float64Array;
  private readonly vmNext: Int32Array;
  private readonly vmPrev: Int32Array;
  private vmTotal = 0;
  private lostTotal = 0;
  private lossesTotal = 0;
  private readonly listeners: HostListener[] = [];
  private placements = 0;

  constructor(hosts: CloudHosts, readonly vmsMax: number) {
    const n = hosts.cores.length;
    if (hosts.memoryMiB.length !== n) throw new RangeError(`Cloud: ${hosts.memoryMiB.length} memory sizes for ${n} hosts`);
    if (!(Number.isInteger(vmsMax) && vmsMax >= 0)) throw new RangeError(`Cloud: vmsMax must be an integer >= 0, got ${vmsMax}`);
    this.hostCount = n;
    this.hostCores = Float64Array.from(hosts.cores);
    this.hostMemoryMiB = Float64Array.from(hosts.memoryMiB);
    for (let h = 0; h < n; h++) {
      if (!(this.hostCores[h] > 0)) throw new RangeError(`Cloud: host ${h} has ${this.hostCores[h]} cores, expected > 0`);
      if (!(this.hostMemoryMiB[h] > 0)) throw new RangeError(`Cloud: host ${h} has ${this.hostMemoryMiB[h]} MiB, expected > 0`);
    }
    this.hostDemandMilli = new Float64Array(n);
    this.hostMemoryUsedMiB = new Float64Array(n);
    this.hostVmCount = new Int32Array(n);
    this.hostUp = new Uint8Array(n).fill(1);
    this.hostHead = new Int32Array(n).fill(NONE);
    this.vmHost = new Int32Array(vmsMax).fill(NONE);
    this.vmVcpus = new Float64Array(vmsMax);
    this.vmMemoryMiB = new Float64Array(vmsMax);
    this.vmLoadPercent = new Float64Array(vmsMax);
    this.vmDirtyShare = new Float64Array(vmsMax);
    this.vmVe = new Int32Array(vmsMax).fill(NONE);
    this.vmState = new Uint8Array(vmsMax);
    this.vmLost = new Uint8Array(vmsMax);
    this.vmDemandMilli = new Float64Array(vmsMax);
    this.vmNext = new Int32Array(vmsMax).fill(NONE);
    this.vmPrev = new Int32Array(vmsMax).fill(NONE);
  }

  get vmCount(): number {
    return this.vmTotal;
  }

  /** VMs lost by host crashes and not restored. */
  get vmsLost(): number {
    return this.lostTotal;
  }

  /** VMs lost by host crashes since the start, restored since or not (a VM lost twice counts twice). */
  get vmLosses(): number {
    return this.lossesTotal;
  }

  /**
   * Changes of placement so far (a VM linked to or unlinked from a host: placed, moved, lost,
   * restored); a load or state change is none. Whoever checks placement only can skip the
   * events that leave this count alone.
   */
  get placementChanges(): number {
    return this.placements;
  }

  /** Listen to host changes (demand, VMs arriving or leaving). */
  onHostChanged(listener: HostListener): void {
    this.listeners.push(listener);
  }

  /** Place a new VM (ids are dense, given in order 0, 1, ...), running at 0% load. */
  addVm(spec: VmSpec, host: number): number {
    const vm = this.vmTotal;
    if (vm >= this.vmsMax) throw new RangeError(`Cloud: more than vmsMax = ${this.vmsMax} VMs`);
    this.checkHost(host);
    if (!(Number.isInteger(spec.vcpus) && spec.vcpus >= 1)) throw new RangeError(`Cloud.addVm: vcpus must be an integer >= 1, got ${spec.vcpus}`);
    if (!(spec.memoryMiB > 0 && Number.isFinite(spec.memoryMiB))) throw new RangeError(`Cloud.addVm: memoryMiB must be a finite number > 0, got ${spec.memoryMiB}`);
    if (!(spec.dirtyShare >= 0 && spec.dirtyShare <= 1)) throw new RangeError(`Cloud.addVm: dirtyShare must be in [0, 1], got ${spec.dirtyShare}`);
    this.vmTotal++;
    this.vmVcpus[vm] = spec.vcpus;
    this.vmMemoryMiB[vm] = spec.memoryMiB;
    this.vmDirtyShare[vm] = spec.dirtyShare;
    this.vmVe[vm] = spec.ve;
    this.vmState[vm] = VM_RUNNING;
    this.checkUp(host, 'addVm');
    this.link(vm, host);
    return vm;
  }

  /** The host of a VM, -1 while it is lost. */
  hostOf(vm: number): number {
    this.checkVm(vm);
    return this.vmHost[vm];
  }

  /** CPU demand of a host's running VMs, in cores. */
  demandCores(host: number): number {
    return this.hostDemandMilli[host] / 1000;
  }

  isOverloaded(host: number): boolean {
    return this.hostDemandMilli[host] > this.hostCores[host] * 1000;
  }

  /** The VMs of `host`, by increasing id. */
  vmsOf(host: number): number[] {
    this.checkHost(host);
    const out: number[] = [];
    for (let vm = this.hostHead[host]; vm !== NONE; vm = this.vmNext[vm]) out.push(vm);
    return out.sort((a, b) => a - b);
  }

  /** Set a VM's CPU load, in percent of its vCPUs (0..100). */
  setLoad(vm: number, loadPercent: number): void {
    this.checkVm(vm);
    if (!(loadPercent >= 0 && loadPercent <= 100)) throw new RangeError(`Cloud.setLoad: load must be in [0, 100] %, got ${loadPercent}`);
    this.vmLoadPercent[vm] = loadPercent;
    this.refreshDemand(vm);
  }

  setState(vm: number, state: VmStateCode): void {
    this.checkVm(vm);
    this.vmState[vm] = state;
    this.refreshDemand(vm);
  }

  /** Demand of one VM now, in cores (0 unless running). */
  vmDemandCores(vm: number): number {
    return this.vmDemandMilli[vm] / 1000;
  }

  /** Move a VM to another host at once (the end of a migration). Both hosts must be up. */
  moveVm(vm: number, to: number): void {
    this.checkVm(vm);
    this.checkHost(to);
    if (this.vmLost[vm] === 1) throw new RangeError(`Cloud.moveVm: VM ${vm} is lost`);
    this.checkUp(to, 'moveVm');
    const from = this.vmHost[vm];
    if (from === to) return;
    this.unlink(vm);
    this.link(vm, to);
    this.changed(from);
  }

  /**
   * A host crashes (`up` false: its VMs are lost, it draws nothing) or comes back (empty).
   * Returns the VMs lost, by increasing id. Listeners are told once.
   */
  setHostUp(host: number, up: boolean): number[] {
    this.checkHost(host);
    if ((this.hostUp[host] === 1) === up) return [];
    this.hostUp[host] = up ? 1 : 0;
    const lost = up ? [] : this.vmsOf(host);
    for (const vm of lost) {
      this.unlink(vm);
      this.vmDemandMilli[vm] = 0;
      this.vmLost[vm] = 1;
    }
    this.lostTotal += lost.length;
    this.lossesTotal += lost.length;
    this.changed(host);
    return lost;
  }

  /** A lost VM placed again on an up host (from a replica or snapshot), in the state it had. */
  restoreVm(vm: number, host: number): void {
    this.checkVm(vm);
    this.checkHost(host);
    if (this.vmLost[vm] === 0) throw new RangeError(`Cloud.restoreVm: VM ${vm} is not lost`);
    this.checkUp(host, 'restoreVm');
    this.vmLost[vm] = 0;
    this.lostTotal--;
    this.link(vm, host);
    this.refreshDemand(vm);
  }

  /**
   * Consistency of the whole model, O(hosts + VMs) and allocation-light: every VM on exactly one
   * host's list or accounted as lost by a crash (never both), no VM on a crashed host, and each
   * host's sums equal to its VMs'. Returns the problems (empty when consistent).
   */
  checkInvariants(): string[] {
    const problems: string[] = [];
    const seen = new Uint8Array(this.vmTotal);
    for (let h = 0; h < this.hostCount; h++) this.checkHostInto(h, problems, seen);
    let lost = 0;
    for (let vm = 0; vm < this.vmTotal; vm++) {
      if (this.vmLost[vm] === 1) {
        lost++;
        if (seen[vm] === 1) problems.push(`vm ${vm} is accounted as lost but listed on host ${this.vmHost[vm]}`);
        else if (this.vmHost[vm] !== NONE || this.vmDemandMilli[vm] !== 0) problems.push(`vm ${vm} is lost but placed on ${this.vmHost[vm]} with demand ${this.vmDemandMilli[vm]}`);
      } else if (seen[vm] === 0) problems.push(`vm ${vm} is on no host's list and was not lost by a crash`);
    }
    if (lost !== this.lostTotal) problems.push(`${this.lostTotal} VMs counted lost, ${lost} marked`);
    return problems;
  }

  /**
   * The part of `checkInvariants` one host answers for, O(its VMs), for a check after every
   * event that changed it: no VM listed while down, every VM listed placed here, not lost and
   * listed once, and the host's sums equal to its VMs'. What only the whole model shows (a VM
   * on no list, the lost count) is `checkInvariants`'s.
   */
  checkHostInvariants(host: number): string[] {
    this.checkHost(host);
    const problems: string[] = [];
    this.checkHostInto(host, problems, null);
    return problems;
  }

  private checkHostInto(h: number, problems: string[], seen: Uint8Array | null): void {
    if (this.hostUp[h] === 0 && this.hostHead[h] !== NONE) problems.push(`host ${h} is down but lists VM ${this.hostHead[h]}`);
    let demand = 0;
    let memory = 0;
    let count = 0;
    for (let vm = this.hostHead[h]; vm !== NONE; vm = this.vmNext[vm]) {
      if (seen !== null) {
        if (seen[vm] === 1) problems.push(`vm ${vm} is on two hosts' lists (again on host ${h})`);
        seen[vm] = 1;
      } else if (this.vmLost[vm] === 1) problems.push(`vm ${vm} is accounted as lost but listed on host ${h}`);
      if (this.vmHost[vm] !== h) problems.push(`vm ${vm} is listed on host ${h} but placed on ${this.vmHost[vm]}`);
      demand += this.vmDemandMilli[vm];
      memory += this.vmMemoryMiB[vm];
      count++;
      if (count > this.vmTotal) {
        problems.push(`host ${h}'s list of VMs is longer than the ${this.vmTotal} VMs (a cycle)`);
        break;
      }
    }
    if (demand !== this.hostDemandMilli[h]) problems.push(`host ${h}: demand ${this.hostDemandMilli[h]} millicores, its VMs sum to ${demand}`);
    if (memory !== this.hostMemoryUsedMiB[h]) problems.push(`host ${h}: memory ${this.hostMemoryUsedMiB[h]} MiB, its VMs sum to ${memory}`);
    if (count !== this.hostVmCount[h]) problems.push(`host ${h}: ${this.hostVmCount[h]} VMs counted, ${count} listed`);
  }

  private refreshDemand(vm: number): void {
    if (this.vmLost[vm] === 1) return; // it adds no demand anywhere until restored
    const milli = this.vmState[vm] === VM_RUNNING ? Math.round(this.vmVcpus[vm] * this.vmLoadPercent[vm] * 10) : 0;
    const delta = milli - this.vmDemandMilli[vm];
    if (delta === 0) return;
    this.vmDemandMilli[vm] = milli;
    const host = this.vmHost[vm];
    this.hostDemandMilli[host] += delta;
    this.changed(host);
  }

  private link(vm: number, host: number): void {
    this.placements++;
    const head = this.hostHead[host];
    this.vmNext[vm] = head;
    this.vmPrev[vm] = NONE;
    if (head !== NONE) this.vmPrev[head] = vm;
    this.hostHead[host] = vm;
    this.vmHost[vm] = host;
    this.hostVmCount[host]++;
    this.hostMemoryUsedMiB[host] += this.vmMemoryMiB[vm];
    this.hostDemandMilli[host] += this.vmDemandMilli[vm];
    this.changed(host);
  }

  private unlink(vm: number): void {
    this.placements++;
    const host = this.vmHost[vm];
    const next = this.vmNext[vm];
    const prev = this.vmPrev[vm];
    if (prev === NONE) this.hostHead[host] = next;
    else this.vmNext[prev] = next;
    if (next !== NONE) this.vmPrev[next] = prev;
    this.vmHost[vm] = NONE;
    this.hostVmCount[host]--;
    this.hostMemoryUsedMiB[host] -= this.vmMemoryMiB[vm];
    this.hostDemandMilli[host] -= this.vmDemandMilli[vm];
  }

  private changed(host: number): void {
    for (const listener of this.listeners) listener(host);
  }

  private checkHost(host: number): void {
    if (!(Number.isInteger(host) && host >= 0 && host < this.hostCount)) throw new RangeError(`Cloud: no host ${host} (hosts 0..${this.hostCount - 1})`);
  }

  private checkUp(host: number, where: string): void {
    if (this.hostUp[host] === 0) throw new RangeError(`Cloud.${where}: host ${host} is down`);
  }

  private checkVm(vm: number): void {
    if (!(Number.isInteger(vm) && vm >= 0 && vm < this.vmTotal)) throw new RangeError(`Cloud: no VM ${vm} (VMs 0..${this.vmTotal - 1})`);
  }
}
