import { describe, expect, it } from 'vitest';
import { evictionSets } from '../../src/placement/evictions.js';
import { SpareIndex } from '../../src/placement/spare-index.js';
import { mulberry32 } from './problems.js';

describe('eviction sets', () => {
  // Candidates sorted by CPU, most first: 3 cores / 2048 MiB, 1.2 / 1024, 1 / 512, 0.5 / 512.
  const cands = { cpu: [3, 1.2, 1, 0.5], memMiB: [2048, 1024, 512, 512], size: [1, 1, 1, 1] };
  const all = (need: number, count: number): number[][] => evictionSets(cands, need, 0, [count, count], 1e-9, 1000, () => {});

  it('lists the single vms freeing 1 core by memory moved: 1 core (512), 1.2 (1024), 3 (2048)', () => {
    expect(all(1, 1)).toEqual([[2], [1], [0]]);
  });

  it('lists only minimal pairs: none holding a vm that frees enough alone; ties in memory by cpu freed', () => {
    expect(all(2, 2)).toEqual([[1, 2]]);
    // 1 + 0.5 (1024 MiB), then 1.2 + 1 and 1.2 + 0.5 (1536 MiB each, 2.2 cores before 1.7).
    expect(all(1.4, 2)).toEqual([[2, 3], [1, 2], [1, 3]]);
  });

  it('counts a gathered unit as its number of vms', () => {
    const grouped = { cpu: [2, 1], memMiB: [1024, 1024], size: [2, 1] };
    expect(evictionSets(grouped, 1.5, 0, [1, 1], 1e-9, 1000, () => {})).toEqual([]);
    expect(evictionSets(grouped, 1.5, 0, [2, 2], 1e-9, 1000, () => {})).toEqual([[0]]);
  });

  it('ranges over counts of vms, fewest first, and stops after the count reaching setsMax', () => {
    expect(all(1.4, 1).concat(all(1.4, 2))).toEqual([[0], [2, 3], [1, 2], [1, 3]]);
    expect(evictionSets(cands, 1.4, 0, [1, 2], 1e-9, 1000, () => {})).toEqual([[0], [2, 3], [1, 2], [1, 3]]);
    expect(evictionSets(cands, 1.4, 0, [1, 2], 1e-9, 1000, () => {}, 2)).toEqual([[0], [2, 3]]);
    expect(evictionSets(cands, -1, 0, [0, 2], 1e-9, 1000, () => {})).toEqual([[]]);
  });
});

describe('spare index', () => {
  it('keeps hosts ordered by spare cpu (then index) through 2,000 random updates', () => {
    const rand = mulberry32(5);
    const spare = Float64Array.from({ length: 50 }, () => Math.round(rand() * 80) / 10);
    const index = new SpareIndex(spare);
    for (let k = 0; k < 2000; k++) {
      const h = Math.floor(rand() * 50);
      spare[h] = Math.round(rand() * 80) / 10;
      index.update(h, spare[h]);
    }
    const expected = Array.from(spare, (_, h) => h).sort((a, b) => spare[b] - spare[a] || a - b);
    expect(Array.from({ length: 50 }, (_, i) => index.at(i))).toEqual(expected);
    expect(index.countAtLeast(4)).toBe(expected.filter((h) => spare[h] >= 4).length);
  });
});
