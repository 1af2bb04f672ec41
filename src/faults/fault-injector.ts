import type { Simulator } from '../kernel/simulator.js';
import { randomStream } from '../kernel/random.js';
import type { BackboneNetwork, NetworkModel } from '../platform/network.js';
import { LinkLoss } from '../platform/link-loss.js';
import type { SimRuntime } from '../runtime/sim/sim-runtime.js';
import type { Counters } from '../runtime/counters.js';
import type { Fault } from './fault-plan.js';

export interface FaultWorld {
  readonly sim: Simulator;
  readonly seed: number;
  readonly runtime: SimRuntime;
  readonly network: NetworkModel;
  /** Present when the world is a backbone: link and PoP faults need it. */
  readonly backbone: BackboneNetwork | null;
  readonly counters: Counters;
  /** Told after every change of a link's or a PoP's state (a probe tracks who can reach whom). */
  readonly onNetworkChange?: () => void;
}

/**
 * Schedules faults on the simulated world. Overlapping faults stack: an element is down while
 * at least one fault holds it down, and comes back when the last one releases it. A host whose
 * PoP crashes goes down with it and recovers with fresh state. An agent crash stops the host's
 * protocols only (they restart with fresh state); its machine and VMs run on, unless a host or
 * PoP fault takes the machine down meanwhile.
 */
export class FaultInjector {
  /** Faults holding each host's agent down (all kinds), and its machine (host and PoP faults). */
  private readonly hostDownCount: Int32Array;
  /** Loss windows of `links-lossy` faults, attached to the backbone at the first one. */
  private loss: LinkLoss | null = null;
  private readonly machineDownCount: Int32Array;

  constructor(private readonly world: FaultWorld) {
    this.hostDownCount = new Int32Array(world.network.hostCount);
    this.machineDownCount = new Int32Array(world.network.hostCount);
  }

  schedule(faults: readonly Fault[]): void {
    for (const fault of faults) {
      // The counters a planned fault may move exist from time 0 (0 until it happens).
      for (const name of countersOf(fault)) this.world.counters.cell(name);
      if (fault.kind === 'stochastic') this.scheduleStochastic(fault);
      else if (fault.kind === 'links-lossy') this.scheduleLoss(fault);
      else this.scheduleTimed(fault);
    }
  }

  private scheduleLoss(fault: Extract<Fault, { kind: 'links-lossy' }>): void {
    const { sim, seed, counters } = this.world;
    if (this.loss === null) {
      const backbone = this.requireBackbone('message-loss');
      this.loss = new LinkLoss(backbone.backbone.links.length, backbone.backbone.pops.length, randomStream(seed, 'faults.loss'), counters.cell('faults.loss_dropped'));
      backbone.attachLoss(this.loss);
    }
    const loss = this.loss;
    const apply = (open: boolean): void => {
      for (const link of fault.links) loss.setWindow(link, fault.lossProbability, open);
      counters.count(open ? 'faults.loss_open' : 'faults.loss_close');
    };
    sim.at(fault.atUs, () => apply(true));
    if (fault.durationUs !== null) sim.at(fault.atUs + fault.durationUs, () => apply(false));
  }

  private scheduleTimed(fault: Exclude<Fault, { kind: 'stochastic' | 'links-lossy' }>): void {
    const { sim } = this.world;
    const apply = (down: boolean): void => {
      if (fault.kind === 'links-down') for (const link of fault.links) this.setLinkDown(link, down);
      else if (fault.kind === 'pops-down') for (const pop of fault.pops) this.setPopDown(pop, down);
      else for (const host of fault.hosts) this.setHostDown(host, down, fault.kind === 'hosts-down');
    };
    sim.at(fault.atUs, () => apply(true));
    if (fault.durationUs !== null) sim.at(fault.atUs + fault.durationUs, () => apply(false));
  }

  private scheduleStochastic(fault: Extract<Fault, { kind: 'stochastic' }>): void {
    const { sim, seed, network } = this.world;
    const count =
      fault.target === 'hosts'
        ? network.hostCount
        : fault.target === 'links'
          ? this.requireBackbone('links').backbone.links.length
          : this.requireBackbone('pops').backbone.pops.length;
    const set =
      fault.target === 'hosts'
        ? (i: number, down: boolean) => this.setHostDown(i, down)
        : fault.target === 'links'
          ? (i: number, down: boolean) => this.setLinkDown(i, down)
          : (i: number, down: boolean) => this.setPopDown(i, down);
    for (let i = 0; i < count; i++) {
      const rng = randomStream(seed, fault.streamName, i);
      const failAt = (): void => {
        set(i, true);
        sim.after(Math.max(1, Math.round(rng.exponential(fault.mttrUs))), repairAt);
      };
      const repairAt = (): void => {
        set(i, false);
        sim.after(Math.max(1, Math.round(rng.exponential(fault.mttfUs))), failAt);
      };
      sim.after(Math.max(1, Math.round(rng.exponential(fault.mttfUs))), failAt);
    }
  }

  private setLinkDown(link: number, down: boolean): void {
    this.requireBackbone('links').markLinkDown(link, down);
    this.world.counters.count(down ? 'faults.link_down' : 'faults.link_up');
    this.world.onNetworkChange?.();
  }

  private setPopDown(pop: number, down: boolean): void {
    const backbone = this.requireBackbone('pops');
    backbone.markPopDown(pop, down);
    this.world.counters.count(down ? 'faults.pop_crash' : 'faults.pop_recover');
    this.world.onNetworkChange?.();
    const [first, end] = backbone.hostsOf(pop);
    for (let h = first; h < end; h++) this.setHostDown(h, down);
  }

  private setHostDown(host: number, down: boolean, machine = true): void {
    const step = down ? 1 : -1;
    const before = this.hostDownCount[host];
    const after = before + step;
    const machineBefore = this.machineDownCount[host];
    const machineAfter = machineBefore + (machine ? step : 0);
    if (after < 0 || machineAfter < 0) throw new Error(`host ${host} recovered more often than it crashed`);
    this.hostDownCount[host] = after;
    this.machineDownCount[host] = machineAfter;
    const { runtime } = this.world;
    if (machineBefore === 0 && machineAfter === 1) runtime.crashNode(host); // the agent too, if it still ran
    else if (before === 0 && after === 1) runtime.crashNode(host, false);
    if (after === 0 && before === 1) runtime.recoverNode(host); // the machine too, if it was down
    else if (machineBefore === 1 && machineAfter === 0) runtime.machineUp(host); // its agent stays down
  }

  private requireBackbone(what: string): BackboneNetwork {
    if (this.world.backbone === null) throw new Error(`${what} faults need a backbone topology, not an RTT matrix`);
    return this.world.backbone;
  }
}

/** The counters a fault of this kind moves. */
function countersOf(fault: Fault): readonly string[] {
  const links = ['faults.link_down', 'faults.link_up'];
  const pops = ['faults.pop_crash', 'faults.pop_recover'];
  if (fault.kind === 'links-down') return links;
  if (fault.kind === 'pops-down') return pops;
  if (fault.kind === 'links-lossy') return ['faults.loss_open', 'faults.loss_close', 'faults.loss_dropped'];
  if (fault.kind === 'stochastic') return fault.target === 'links' ? links : fault.target === 'pops' ? pops : [];
  return [];
}
