import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/kernel/simulator.js';
import { randomStream } from '../../src/kernel/random.js';
import { BulkTransfers } from '../../src/platform/bulk-transfers.js';
import { maxMinRates, type FlowPath } from '../../src/platform/max-min.js';

const flow = (links: number[], capBps = Infinity): FlowPath => ({ links, capBps });

describe('max-min fair rates', () => {
  it('shares one link equally, and gives what a bottleneck leaves to the flows past it', () => {
    expect(Array.from(maxMinRates([12], [flow([0]), flow([0]), flow([0])]))).toEqual([4, 4, 4]);
    // L0 (1) carries f0 and f1, L1 (2) carries f1 and f2: f0 = f1 = 0.5 on L0, f2 takes the 1.5 left on L1.
    expect(Array.from(maxMinRates([1, 2], [flow([0]), flow([0, 1]), flow([1])]))).toEqual([0.5, 0.5, 1.5]);
  });

  it('respects each flow cap and hands the rest to the others', () => {
    expect(Array.from(maxMinRates([10], [flow([0], 1), flow([0]), flow([0])]))).toEqual([1, 4.5, 4.5]);
    expect(Array.from(maxMinRates([10], [flow([], 3)]))).toEqual([3]);
  });

  it('on random networks: no link over capacity, and every flow is held by its cap or by a full link on which no flow gets more', () => {
    const rng = randomStream(7, 'max-min-property');
    for (let round = 0; round < 200; round++) {
      const links = 1 + rng.int(8);
      const capacity = Array.from({ length: links }, () => 1 + rng.int(100));
      const flows = Array.from({ length: 1 + rng.int(12) }, () => {
        const path = [...new Set(Array.from({ length: 1 + rng.int(3) }, () => rng.int(links)))];
        return flow(path, rng.next() < 0.2 ? 1 + rng.int(50) : Infinity);
      });
      const rates = maxMinRates(capacity, flows);
      const load = new Float64Array(links);
      flows.forEach((f, k) => f.links.forEach((l) => (load[l] += rates[k])));
      for (let l = 0; l < links; l++) expect(load[l]).toBeLessThanOrEqual(capacity[l] * (1 + 1e-9));
      flows.forEach((f, k) => {
        const atCap = rates[k] >= f.capBps * (1 - 1e-9);
        const heldByLink = f.links.some((l) => load[l] >= capacity[l] * (1 - 1e-9) && flows.every((g, j) => !g.links.includes(l) || rates[j] <= rates[k] * (1 + 1e-9)));
        expect(atCap || heldByLink, `round ${round}, flow ${k}`).toBe(true);
      });
    }
  });
});

describe('bulk transfers over shared links', () => {
  const world = (capacityBps: number[]) => {
    const sim = new Simulator();
    const transfers = new BulkTransfers({ sim, capacityBps, transfersMax: 100 });
    const finished: { id: number; atUs: number; durationUs: number }[] = [];
    const start = (links: number[], bytes: number, capBps?: number): number => {
      const id: number = transfers.start(links, bytes, (durationUs) => finished.push({ id, atUs: sim.nowUs(), durationUs }), capBps);
      return id;
    };
    return { sim, transfers, finished, start };
  };

  it('one flow on one link takes bytes x 8 / capacity', () => {
    const { sim, finished, start } = world([8e6]); // 1 MB/s
    start([0], 1_000_000);
    sim.run({ endUs: 10e6, eventsMax: 100 });
    expect(finished).toEqual([{ id: 1, atUs: 1_000_000, durationUs: 1_000_000 }]);
  });

  it('n equal flows on one link each get capacity / n and end together at n times the time of one', () => {
    const { sim, finished, start, transfers } = world([8e6]);
    for (let k = 0; k < 4; k++) start([0], 1_000_000);
    expect(transfers.rateOf(1)).toBe(2e6);
    sim.run({ endUs: 10e6, eventsMax: 100 });
    expect(finished.map((f) => [f.id, f.atUs])).toEqual([1, 2, 3, 4].map((id) => [id, 4_000_000]));
  });

  it('a flow that ends frees its share: 10 MB and 30 MB on 10 MB/s end at 2 s and 4 s', () => {
    const { sim, finished, start } = world([80e6]);
    start([0], 30e6);
    start([0], 10e6);
    sim.run({ endUs: 10e6, eventsMax: 100 });
    expect(finished.map((f) => [f.id, f.atUs])).toEqual([
      [2, 2_000_000],
      [1, 4_000_000],
    ]);
  });

  it('a flow that starts later takes its share from then on', () => {
    const { sim, finished, start } = world([80e6]);
    start([0], 20e6); // alone for 1 s: 10 MB done, 10 MB left
    sim.at(1_000_000, () => start([0], 5e6)); // both at 5 MB/s: the newcomer ends at 2 s, then 5 MB left at 10 MB/s
    sim.run({ endUs: 10e6, eventsMax: 100 });
    expect(finished.map((f) => [f.id, f.atUs, f.durationUs])).toEqual([
      [2, 2_000_000, 1_000_000],
      [1, 2_500_000, 2_500_000],
    ]);
  });

  it('rejects what it cannot model, by name', () => {
    const { transfers } = world([1]);
    expect(() => transfers.start([], 10, () => {})).toThrow('needs a finite capBps');
    expect(() => transfers.start([0], -1, () => {})).toThrow('bytes must be a finite number >= 0');
  });
});

describe('bulk transfers cancelled', () => {
  it('a cancelled transfer never calls back, and the one sharing its link speeds up from the cancel on', () => {
    const sim = new Simulator();
    const transfers = new BulkTransfers({ sim, capacityBps: [8e6], transfersMax: 4 });
    const done: string[] = [];
    const a = transfers.start([0], 1e6, () => done.push('a'));
    transfers.start([0], 1e6, (us) => done.push(`b ${us}`)); // 8 Mbit each at 4 Mbit/s: 2 s alone
    sim.run({ endUs: 1e6, eventsMax: 100 }); // b has sent 4 Mbit
    expect(transfers.cancel(a)).toBe(true);
    expect(transfers.cancel(a)).toBe(false);
    expect(transfers.activeCount).toBe(1);
    sim.run({ endUs: 10e6, eventsMax: 100 });
    expect(done).toEqual(['b 1500000']); // the other 4 Mbit at 8 Mbit/s: 0.5 s
  });
});
