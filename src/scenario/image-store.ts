/**
 * The model's image store (issue 15 §1): one store per PoP with hosts, each a disk (a shared
 * resource of the transfer model, `SimHypervisors.addResource`) holding chunks once whatever
 * images share them (deduplication). Each distinct chunk is placed on `replicas` PoPs
 * (`platform/chunk-placement.ts`); chunks fetched to a PoP for a boot or a move stay there as
 * cached copies. Every copy is ground truth of the model, not an agent's catalogue (unlike the
 * snapshots, whose stores are the recovery agents', `protocols/recovery/`).
 *
 * Failures: a store is up while its PoP has a host up. A PoP whose hosts are all down (a PoP
 * crash) holds copies nobody can read until a host returns; the copies come back with it (the
 * chunks sit on the store's disks, which a crash does not wipe, unlike a snapshot store host's).
 */
import type { ChunkPlacement } from '../platform/chunk-placement.js';
import { bootChunks, distinctChunks, type ImageSet } from '../platform/images.js';

/** Copies a PoP holds of a chunk: none, placed by the store's rule, or fetched there since. */
const NONE = 0;
const PLACED = 1;
const FETCHED = 2;

export interface ImageStoreWorld {
  readonly popCount: number;
  /** Hosts of a PoP up now (`SimHypervisors.hostsUpIn`). */
  readonly hostsUpIn: (pop: number) => number;
  /** One-way latency between PoPs over what is up, < 0 when unreachable. */
  readonly popLatencyUs: (pa: number, pb: number) => number;
}

export class ImageStore {
  /** Per PoP x chunk: NONE, PLACED or FETCHED. */
  private readonly held: Uint8Array;
  private readonly distinct: readonly Int32Array[];
  private readonly boot: readonly Int32Array[];
  private placedChunks = 0;
  private fetchedChunks = 0;

  constructor(
    private readonly world: ImageStoreWorld,
    readonly images: ImageSet,
    /** Per VM of the section: its image. */
    readonly vmImage: Int32Array,
    readonly placement: ChunkPlacement,
    bootShare: number,
  ) {
    this.held = new Uint8Array(world.popCount * images.chunkCount);
    for (let chunk = 0; chunk < images.chunkCount; chunk++) {
      for (const pop of placement.popsOf(chunk)) this.held[pop * images.chunkCount + chunk] = PLACED;
      this.placedChunks += placement.popsOf(chunk).length;
    }
    this.distinct = images.images.map(distinctChunks);
    this.boot = images.images.map((image) => bootChunks(image, bootShare));
  }

  get vmCount(): number {
    return this.vmImage.length;
  }

  /** The distinct stored chunks of VM `vm`'s image. */
  chunksOf(vm: number): Int32Array {
    return this.distinct[this.vmImage[vm]];
  }

  /** The distinct stored chunks VM `vm` reads to boot. */
  bootChunksOf(vm: number): Int32Array {
    return this.boot[this.vmImage[vm]];
  }

  holds(pop: number, chunk: number): boolean {
    return this.held[pop * this.images.chunkCount + chunk] !== NONE;
  }

  /** A chunk arrived at a PoP (a fetch ended). */
  addCopy(pop: number, chunk: number): void {
    const k = pop * this.images.chunkCount + chunk;
    if (this.held[k] !== NONE) return;
    this.held[k] = FETCHED;
    this.fetchedChunks++;
  }

  /** The store of `pop` can be read: a host of the PoP is up. */
  isUp(pop: number): boolean {
    return this.world.hostsUpIn(pop) > 0;
  }

  /** The up PoP nearest `pop` (itself first) holding `chunk` and reachable from it; -1 if none. */
  nearestLiveHolder(pop: number, chunk: number, popUp: ArrayLike<number>): number {
    if (popUp[pop] === 1 && this.holds(pop, chunk)) return pop;
    let best = -1;
    let bestUs = Infinity;
    for (let p = 0; p < this.world.popCount; p++) {
      if (p === pop || popUp[p] === 0 || !this.holds(p, chunk)) continue;
      const us = this.world.popLatencyUs(pop, p);
      if (us >= 0 && us < bestUs) {
        best = p;
        bestUs = us;
      }
    }
    return best;
  }

  /** 1 per PoP whose store is up, now. */
  popsUp(): Uint8Array {
    return Uint8Array.from({ length: this.world.popCount }, (_, p) => (this.isUp(p) ? 1 : 0));
  }

  /** Bytes the stores keep under the placement rule: each distinct chunk once on each of its PoPs. */
  get storageBytes(): number {
    return this.placedChunks * this.images.chunkBytes;
  }

  /** Bytes the same copies would take without deduplication: every image whole (zero chunks too), on `replicas` PoPs. */
  get storageBytesNoDedup(): number {
    let chunks = 0;
    for (const image of this.images.images) chunks += image.length;
    return chunks * this.placement.replicas * this.images.chunkBytes;
  }

  /** Bytes of the chunks fetched to PoPs for boots and moves, kept there. */
  get cacheBytes(): number {
    return this.fetchedChunks * this.images.chunkBytes;
  }

  /** Share of the section's VMs whose every stored chunk has a copy on a PoP up now (an image's chunks checked once). */
  recoverableShare(): number {
    const popUp = this.popsUp();
    const imageOk = this.distinct.map((chunks) => chunks.every((chunk) => this.hasLiveCopy(chunk, popUp)));
    let ok = 0;
    for (const image of this.vmImage) if (imageOk[image]) ok++;
    return this.vmCount === 0 ? 1 : ok / this.vmCount;
  }

  /** Every stored chunk of VM `vm`'s image has a copy on a PoP up now: it can boot afresh. */
  imageRecoverable(vm: number): boolean {
    const popUp = this.popsUp();
    return this.chunksOf(vm).every((chunk) => this.hasLiveCopy(chunk, popUp));
  }

  /** The first up PoP (in placement order) holding the first chunk of VM `vm`'s boot set, -1 if none (or no boot chunk). */
  firstUpStore(vm: number): number {
    const boot = this.bootChunksOf(vm);
    if (boot.length === 0) return -1;
    for (const pop of this.placement.popsOf(boot[0])) if (this.isUp(pop)) return pop;
    return -1;
  }

  private hasLiveCopy(chunk: number, popUp: Uint8Array): boolean {
    for (const pop of this.placement.popsOf(chunk)) if (popUp[pop] === 1) return true;
    if (this.fetchedChunks === 0) return false;
    for (let pop = 0; pop < this.world.popCount; pop++) if (popUp[pop] === 1 && this.held[pop * this.images.chunkCount + chunk] === FETCHED) return true;
    return false;
  }
}
