/**
 * Where the VMs truly are: the ground truth of the VM index, held outside the protocols. At start
 * `vmCount` VMs go to hosts drawn uniformly among the up ones; then VMs move as a Poisson process
 * of `movesPerS` (a VM drawn uniformly, to another up host drawn uniformly), and the VMs of a
 * host that crashed or restarted move to live hosts within `checkPeriodMs` (as a cloud manager
 * restarts the VMs of a failed host elsewhere). Each arrival is reported to the hosting node's
 * `vm-index` protocol, as its local hypervisor agent would (`vmArrived` with the VM's migration
 * count as its version; `vmDeparted` on the host it left, if that one still runs).
 * All draws come from the stream `randomStream(seed, 'vms')`, through the functions of
 * `vm-moves.ts` that a live launch's schedule (`vm-schedule.ts`) shares. The whole location
 * history is kept (one entry per placement and move), so an answer can be judged against where
 * the VM was at any instant.
 */
import type { Simulator } from '../kernel/simulator.js';
import { type Random, randomStream } from '../kernel/random.js';
import { msToUs } from '../kernel/time.js';
import type { CounterCell, Counters } from '../runtime/counters.js';
import type { NodeId } from '../runtime/context.js';
import type { SimRuntime } from '../runtime/sim/sim-runtime.js';
import { VM_INDEX, type VmIndexProtocol } from '../protocols/vm-index/index.js';
import { PlacementHistory, drawInitialHost, drawMoveDelayUs, drawMovingVm, drawTargetHost } from './vm-moves.js';

export interface VmPlacementWorld {
  readonly sim: Simulator;
  readonly runtime: SimRuntime;
  readonly counters: Counters;
}

export interface VmPlacementOptions {
  readonly seed: number;
  readonly vmCount: number;
  /** Moves per second over all VMs (Poisson); 0 = VMs move only off failed hosts. */
  readonly movesPerS: number;
  /** How often the VMs of crashed or restarted hosts are moved to live ones. */
  readonly checkPeriodMs?: number;
}

const CHECK_PERIOD_MS = 1000;

export class VmPlacement {
  readonly vmCount: number;
  private readonly rng: Random;
  private readonly hostOf: Int32Array;
  private readonly versionOf: Int32Array;
  private readonly history: PlacementHistory;
  /** Per host: the VMs on it, and the vm-index instance they were reported to (to notice a restart). */
  private readonly vmsOn: Set<number>[] = [];
  private readonly agentOf: (VmIndexProtocol | undefined)[] = [];
  private readonly moves: CounterCell;
  private readonly evacuations: CounterCell;
  private readonly stranded: CounterCell;
  private readonly refused: CounterCell;
  private readonly checkPeriodUs: number;

  constructor(
    private readonly world: VmPlacementWorld,
    private readonly options: VmPlacementOptions,
  ) {
    if (!(Number.isInteger(options.vmCount) && options.vmCount >= 1)) throw new RangeError(`vmCount must be an integer >= 1, got ${options.vmCount}`);
    if (!(options.movesPerS >= 0 && Number.isFinite(options.movesPerS))) throw new RangeError(`movesPerS must be a finite number >= 0, got ${options.movesPerS}`);
    this.vmCount = options.vmCount;
    this.rng = randomStream(options.seed, 'vms');
    this.hostOf = new Int32Array(options.vmCount).fill(-1);
    this.versionOf = new Int32Array(options.vmCount);
    this.history = new PlacementHistory(options.vmCount);
    for (let h = 0; h < world.runtime.nodeCount; h++) {
      this.vmsOn.push(new Set());
      this.agentOf.push(undefined);
    }
    this.moves = world.counters.cell('vms.moves');
    this.evacuations = world.counters.cell('vms.evacuated');
    this.stranded = world.counters.cell('vms.stranded');
    this.refused = world.counters.cell('vms.unindexed');
    this.checkPeriodUs = msToUs(options.checkPeriodMs ?? CHECK_PERIOD_MS);
    if (this.checkPeriodUs <= 0) throw new RangeError('checkPeriodMs must be > 0');
  }

  /** Place every VM now (after the hosts started, and hosts that start down were crashed), then start moving them. */
  start(): void {
    const up = this.upHosts();
    if (up.length === 0) throw new Error('VmPlacement.start: no host is up');
    for (let vm = 0; vm < this.vmCount; vm++) this.place(vm, drawInitialHost(this.rng, up));
    for (let h = 0; h < this.agentOf.length; h++) this.agentOf[h] = this.agent(h);
    if (this.options.movesPerS > 0) this.scheduleMove();
    this.world.sim.after(this.checkPeriodUs, this.onCheck);
  }

  /** The host `vm` is on now (-1 before placement). */
  hostNow(vm: number): NodeId {
    return this.hostOf[vm];
  }

  /** The host `vm` was on at `timeMs` (an arrival at exactly that time counts); -1 before its placement. */
  hostAt(vm: number, timeMs: number): NodeId {
    return this.history.hostAt(vm, timeMs);
  }

  /** Whether `vm` was on `host` at some instant of [fromMs, toMs]. */
  wasOnDuring(vm: number, host: NodeId, fromMs: number, toMs: number): boolean {
    return this.history.wasOnDuring(vm, host, fromMs, toMs);
  }

  private agent(host: NodeId): VmIndexProtocol | undefined {
    return this.world.runtime.protocolOf<VmIndexProtocol>(host, VM_INDEX);
  }

  private upHosts(): NodeId[] {
    const out: NodeId[] = [];
    for (let h = 0; h < this.world.runtime.nodeCount; h++) if (this.world.runtime.isUp(h)) out.push(h);
    return out;
  }

  private place(vm: number, host: NodeId): void {
    const old = this.hostOf[vm];
    if (old >= 0) {
      this.vmsOn[old].delete(vm);
      this.agent(old)?.vmDeparted(vm);
      this.versionOf[vm]++;
    }
    this.hostOf[vm] = host;
    this.vmsOn[host].add(vm);
    this.history.arrive(vm, host, this.world.sim.nowUs() / 1000);
    const agent = this.agent(host);
    if (agent !== undefined && !agent.vmArrived(vm, this.versionOf[vm])) this.refused.value++;
  }

  /** An up host other than `except`, uniformly; -1 when there is none. */
  private drawHost(except: NodeId): NodeId {
    return drawTargetHost(this.rng, this.upHosts(), except);
  }

  private scheduleMove(): void {
    this.world.sim.after(drawMoveDelayUs(this.rng, this.options.movesPerS), this.onMove);
  }

  private readonly onMove = (): void => {
    const vm = drawMovingVm(this.rng, this.vmCount);
    const to = this.drawHost(this.hostOf[vm]);
    if (to >= 0) {
      this.place(vm, to);
      this.moves.value++;
    }
    this.scheduleMove();
  };

  /** Hosts whose vm-index instance changed (crashed, or restarted with fresh state): their VMs move to live hosts. */
  private readonly onCheck = (): void => {
    const { runtime } = this.world;
    for (let h = 0; h < runtime.nodeCount; h++) {
      const agent = this.agent(h);
      if (agent === this.agentOf[h] && runtime.isUp(h)) continue;
      this.agentOf[h] = agent;
      if (this.vmsOn[h].size === 0) continue;
      for (const vm of [...this.vmsOn[h]]) {
        const to = this.drawHost(h);
        if (to < 0) {
          this.stranded.value++;
          continue;
        }
        this.place(vm, to);
        this.evacuations.value++;
      }
    }
    this.world.sim.after(this.checkPeriodUs, this.onCheck);
  };
}
