/**
 * Boots and moves over the image store (issue 15 §1). A boot of a VM on a host of PoP p needs
 * its boot set at p's store and then read into the host: the chunks p lacks are fetched from the
 * nearest live PoP holding each (one transfer per source PoP, store disk to backbone to store
 * disk, `SimHypervisors.popCopy`), then the boot set is read from p's disk over the host's NIC
 * (`readInto`). Every transfer shares links, NICs and disks max-min with migrations, snapshots
 * and the other boots, so many boots from one store share its disk. The VM stays stopped from
 * the request until its boot set is read; boot time = that span.
 *
 * A VM moved to another PoP (a migration, a relocation) gets the chunks of its whole image the
 * new PoP lacks, fetched the same way (no boot: it runs on); so does a VM failed over from its
 * replica (`cloud.replication`: it runs from the replica's memory at once, no boot). A chunk already on its way to a PoP
 * is waited for, never fetched twice. A fetch that finds no live copy or no path, or is cut by
 * a crash, is planned again `retryUs` later. A VM moved while booting (a cold relocation; live
 * migrations refuse a stopped VM) boots on at its new host, its boot time still counted from the
 * request: its boot set fetched to the new PoP and read there (the old host's part abandoned);
 * a VM lost while booting boots afresh when restored. WAN bytes count the fetches that arrived, bytes x km over the path's links.
 */
import type { Simulator } from '../kernel/simulator.js';
import { type Cloud, VM_RUNNING, VM_STOPPED } from '../platform/cloud.js';
import type { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';
import type { ImageStore } from './image-store.js';

export interface ImageBootsWorld {
  readonly sim: Simulator;
  readonly cloud: Cloud;
  readonly hypervisors: SimHypervisors;
  readonly store: ImageStore;
  readonly hostPop: ArrayLike<number>;
  /** Per PoP with hosts: its store disk's resource id. */
  readonly diskOf: ArrayLike<number>;
  /** Length of the backbone path between two PoPs over what is up, km (0 within one). */
  readonly pathKm: (pa: number, pb: number) => number;
  /** Whether the placement event being told is the VM's failover from its replica. */
  readonly isFailingOver: (vm: number) => boolean;
}

/** Chunks wanted at a PoP, and what to do once they are all there. */
interface Need {
  readonly pop: number;
  readonly chunks: Int32Array;
  waiting: number;
  readonly alive: () => boolean;
  readonly ready: () => void;
}

interface Fetch {
  readonly waiters: Need[];
}

export class ImageBoots {
  /** Fetches in flight by pop x chunkCount + chunk. */
  private readonly inFlight = new Map<number, Fetch>();
  readonly bootS: number[] = [];
  private wanBytesDone = 0;
  private wanByteKmDone = 0;
  private abandoned = 0;
  private readonly bootedListeners: ((vm: number) => void)[] = [];
  /** Per VM booting: when its boot was asked, us (NaN when it is not booting). */
  private readonly bootStartedUs: Float64Array;
  /** Per VM booting: whether it ran before (it runs again once booted). */
  private readonly bootWasRunning: Uint8Array;
  /** Per VM: its boots so far, so that a part left behind (moved away and back) never ends one. */
  private readonly bootGen: Uint32Array;

  constructor(
    private readonly world: ImageBootsWorld,
    private readonly retryUs: number,
  ) {
    this.bootStartedUs = new Float64Array(world.store.vmCount).fill(NaN);
    this.bootWasRunning = new Uint8Array(world.store.vmCount);
    this.bootGen = new Uint32Array(world.store.vmCount);
    world.hypervisors.onVmPlaced((vm, from, to) => {
      if (vm >= world.store.vmCount) return;
      if (to < 0) this.bootStartedUs[vm] = NaN; // lost: a restore boots it afresh
      else if (from < 0 && world.isFailingOver(vm)) this.fetchImage(vm, to); // runs on from its replica
      else if (from < 0) this.boot(vm); // restored after a loss: boots again where it lands
      else {
        if (world.hostPop[from] !== world.hostPop[to]) this.fetchImage(vm, to);
        // Moved while booting (a cold relocation: migrations refuse a stopped VM): its boot goes on at its new host.
        if (!Number.isNaN(this.bootStartedUs[vm])) this.bootAt(vm, to);
      }
    });
  }

  get wanBytes(): number {
    return this.wanBytesDone;
  }

  get wanByteKm(): number {
    return this.wanByteKmDone;
  }

  get bootsAbandoned(): number {
    return this.abandoned;
  }

  /** Call `listener` when a VM's boot set has been read (the VM runs from then on, if it ran before). */
  onBooted(listener: (vm: number) => void): void {
    this.bootedListeners.push(listener);
  }

  /** Boot VM `vm` where it is: stopped now (if running), running again once its boot set is read. */
  boot(vm: number): void {
    const { cloud, sim, store } = this.world;
    const host = cloud.vmHost[vm];
    if (host < 0) return;
    const wasRunning = cloud.vmState[vm] === VM_RUNNING;
    if (wasRunning) cloud.setState(vm, VM_STOPPED);
    this.bootStartedUs[vm] = sim.nowUs();
    this.bootWasRunning[vm] = wasRunning ? 1 : 0;
    this.bootAt(vm, host);
  }

  /** The boot set of booting VM `vm` to its host's PoP, then read into the host; a boot left behind by a move is abandoned. */
  private bootAt(vm: number, host: number): void {
    const { cloud, store } = this.world;
    const startedUs = this.bootStartedUs[vm];
    const wasRunning = this.bootWasRunning[vm] === 1;
    const gen = ++this.bootGen[vm];
    const alive = (): boolean => cloud.vmHost[vm] === host && this.bootGen[vm] === gen;
    const chunks = store.bootChunksOf(vm);
    this.want({ pop: this.world.hostPop[host], chunks, waiting: 0, alive, ready: () => this.read(vm, host, chunks.length, startedUs, wasRunning, alive) });
  }

  private fetchImage(vm: number, host: number): void {
    const { cloud } = this.world;
    this.want({ pop: this.world.hostPop[host], chunks: this.world.store.chunksOf(vm), waiting: 0, alive: () => cloud.vmHost[vm] === host, ready: () => {} });
  }

  /** Start (or join) the fetches of what `need` lacks at its PoP; `ready` once nothing is missing. */
  private want(need: Need): void {
    if (!need.alive()) {
      this.abandoned++;
      return;
    }
    const { store, hypervisors, sim } = this.world;
    const { pop } = need;
    const popUp = store.popsUp();
    const bySource = new Map<number, number[]>();
    const joined = new Set<Fetch>();
    for (const chunk of need.chunks) {
      if (store.holds(pop, chunk)) continue;
      const pending = this.inFlight.get(this.key(pop, chunk));
      if (pending !== undefined) {
        joined.add(pending);
        continue;
      }
      const source = store.nearestLiveHolder(pop, chunk, popUp);
      if (source < 0) {
        sim.after(this.retryUs, () => this.want(need)); // no live copy now: a store may come back
        return;
      }
      const list = bySource.get(source);
      if (list === undefined) bySource.set(source, [chunk]);
      else list.push(chunk);
    }
    const fetches: [number, number[]][] = [...bySource].sort((a, b) => a[0] - b[0]);
    for (const [source, chunks] of fetches) {
      const fetch: Fetch = { waiters: [need] };
      const bytes = chunks.length * store.images.chunkBytes;
      const km = this.world.pathKm(source, pop);
      const id = hypervisors.popCopy(source, pop, bytes, [this.world.diskOf[source], this.world.diskOf[pop]], (ok) => this.arrived(pop, chunks, fetch, ok, bytes, km));
      if (id < 0) continue; // no path now: planned again when the others end, or retried below
      for (const chunk of chunks) this.inFlight.set(this.key(pop, chunk), fetch);
      need.waiting++;
    }
    for (const fetch of joined) {
      fetch.waiters.push(need);
      need.waiting++;
    }
    if (need.waiting > 0) return;
    if (fetches.length > 0) sim.after(this.retryUs, () => this.want(need)); // every fetch refused: no path
    else need.ready();
  }

  private arrived(pop: number, chunks: readonly number[], fetch: Fetch, ok: boolean, bytes: number, km: number): void {
    const { store } = this.world;
    for (const chunk of chunks) {
      this.inFlight.delete(this.key(pop, chunk));
      if (ok) store.addCopy(pop, chunk);
    }
    if (ok) {
      this.wanBytesDone += bytes;
      this.wanByteKmDone += bytes * km;
    }
    for (const need of fetch.waiters) {
      if (--need.waiting > 0) continue;
      // All it waited for ended: plan again (nothing left, or what a failed fetch did not bring).
      if (ok) this.want(need);
      else this.world.sim.after(this.retryUs, () => this.want(need));
    }
  }

  /** The boot set is at the PoP: read it into the host from the PoP's disk, then the VM runs. */
  private read(vm: number, host: number, chunkCount: number, startedUs: number, wasRunning: boolean, alive: () => boolean): void {
    const { cloud, hypervisors, sim, store } = this.world;
    const done = (ok: boolean): void => {
      if (!ok || !alive()) {
        this.abandoned++;
        return;
      }
      if (wasRunning && cloud.vmState[vm] === VM_STOPPED) cloud.setState(vm, VM_RUNNING);
      this.bootStartedUs[vm] = NaN;
      this.bootS.push((sim.nowUs() - startedUs) / 1e6);
      for (const listener of this.bootedListeners) listener(vm);
    };
    const id = hypervisors.readInto(host, chunkCount * store.images.chunkBytes, [this.world.diskOf[this.world.hostPop[host]]], done);
    if (id < 0) this.abandoned++;
  }

  private key(pop: number, chunk: number): number {
    return pop * this.world.store.images.chunkCount + chunk;
  }
}
