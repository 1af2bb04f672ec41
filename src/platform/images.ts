/**
 * VM images as lists of content-addressed chunks of a fixed size (issue 15 §1). A chunk's id
 * stands for the digest of its content: two chunks with one id are one content, stored once per
 * store. Ids are dense integers 0..chunkCount-1; the zero chunk (all zero bytes) is `ZERO_CHUNK`,
 * never stored (a store answers it without reading).
 *
 * A generated family (`generateImageFamily`), exactly: each image has n = round(sizeGiB x 1024 /
 * chunkMiB) chunks, of which s = round(sharedShare x n) are the family's common base (the same s
 * chunks in every image: the pool is the base, as Jin & Miller's shared content is mostly the
 * OS), z = round(zeroShare x n) zero chunks, and n - s - z chunks of its own. The order of each
 * image's chunks is a seeded shuffle (its boot set, the first chunks, mixes the three kinds).
 * So the family holds s + count x (n - s - z) distinct stored chunks out of count x n.
 */
import type { Random } from '../kernel/random.js';

export const ZERO_CHUNK = -1;

export interface ImageSet {
  readonly chunkBytes: number;
  /** Distinct chunks other than the zero chunk: ids 0..chunkCount-1. */
  readonly chunkCount: number;
  /** Each image's chunks in order (ZERO_CHUNK for zero chunks). */
  readonly images: readonly Int32Array[];
}

export interface ImageFamilyConfig {
  readonly count: number;
  readonly sizeGiB: number;
  readonly chunkMiB: number;
  readonly sharedShare: number;
  readonly zeroShare: number;
}

/** The chunk counts of one image of a family, as the file's comment defines them. */
export function familyCounts(config: ImageFamilyConfig): { readonly perImage: number; readonly shared: number; readonly zero: number; readonly own: number } {
  const perImage = Math.round((config.sizeGiB * 1024) / config.chunkMiB);
  const shared = Math.round(config.sharedShare * perImage);
  const zero = Math.round(config.zeroShare * perImage);
  return { perImage, shared, zero, own: perImage - shared - zero };
}

export function generateImageFamily(config: ImageFamilyConfig, rng: Random): ImageSet {
  const { perImage, shared, zero, own } = familyCounts(config);
  if (!(Number.isInteger(config.count) && config.count >= 1)) throw new RangeError(`generateImageFamily: count must be an integer >= 1, got ${config.count}`);
  if (perImage < 1 || own < 0) throw new RangeError(`generateImageFamily: ${perImage} chunks per image cannot hold ${shared} shared and ${zero} zero ones`);
  const images: Int32Array[] = [];
  let next = shared; // ids 0..shared-1 are the common base
  for (let i = 0; i < config.count; i++) {
    const chunks: number[] = [];
    for (let c = 0; c < shared; c++) chunks.push(c);
    for (let c = 0; c < zero; c++) chunks.push(ZERO_CHUNK);
    for (let c = 0; c < own; c++) chunks.push(next++);
    images.push(Int32Array.from(rng.shuffle(chunks)));
  }
  return { chunkBytes: config.chunkMiB * 1024 * 1024, chunkCount: next, images };
}

/** The distinct stored chunks of an image (zero chunk left out), ascending. */
export function distinctChunks(image: Int32Array): Int32Array {
  const set = new Set<number>();
  for (const c of image) if (c !== ZERO_CHUNK) set.add(c);
  return Int32Array.from(set).sort();
}

/** The boot set: the image's first ceil(bootShare x n) chunks, distinct and without the zero chunk. */
export function bootChunks(image: Int32Array, bootShare: number): Int32Array {
  return distinctChunks(image.subarray(0, Math.ceil(bootShare * image.length)));
}
