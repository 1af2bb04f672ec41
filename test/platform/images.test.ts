import { describe, expect, it } from 'vitest';
import { randomStream } from '../../src/kernel/random.js';
import { bootChunks, distinctChunks, familyCounts, generateImageFamily, ZERO_CHUNK } from '../../src/platform/images.js';

const FAMILY = { count: 10, sizeGiB: 10, chunkMiB: 4, sharedShare: 0.3, zeroShare: 0.05 };

describe('image families', () => {
  it('give each 10 GiB image 2560 chunks of 4 MiB: 768 of the common base, 128 zero, 1664 of its own', () => {
    expect(familyCounts(FAMILY)).toEqual({ perImage: 2560, shared: 768, zero: 128, own: 1664 });
    const family = generateImageFamily(FAMILY, randomStream(1, 'images'));
    expect(family.chunkBytes).toBe(4 * 1024 * 1024);
    expect(family.chunkCount).toBe(768 + 10 * 1664);
    for (const image of family.images) {
      expect(image.length).toBe(2560);
      expect(image.filter((c) => c === ZERO_CHUNK).length).toBe(128);
      expect(distinctChunks(image).length).toBe(768 + 1664);
      expect(image.filter((c) => c >= 0 && c < 768).length).toBe(768); // the whole common base
    }
  });

  it('share the common base in every image and nothing else between two images', () => {
    const family = generateImageFamily(FAMILY, randomStream(2, 'images'));
    const [a, b] = family.images.map((image) => new Set(distinctChunks(image)));
    const common = [...a].filter((c) => b.has(c));
    expect(common.length).toBe(768);
    expect(Math.max(...common)).toBe(767);
  });

  it('take the boot set from the first ceil(bootShare x n) chunks, distinct, zero chunk left out', () => {
    const image = Int32Array.from([5, ZERO_CHUNK, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect([...bootChunks(image, 0.3)]).toEqual([5]);
    expect([...bootChunks(image, 0.41)]).toEqual([5, 7, 9]);
  });

  it('are the same for a seed and differ in order for another', () => {
    const a = generateImageFamily(FAMILY, randomStream(3, 'images'));
    const b = generateImageFamily(FAMILY, randomStream(3, 'images'));
    const c = generateImageFamily(FAMILY, randomStream(4, 'images'));
    expect(b.images).toEqual(a.images);
    expect(c.images).not.toEqual(a.images);
  });

  it('refuse shares that do not fit an image', () => {
    expect(() => generateImageFamily({ ...FAMILY, sharedShare: 0.7, zeroShare: 0.4 }, randomStream(1, 'x'))).toThrow(/cannot hold/);
  });
});
