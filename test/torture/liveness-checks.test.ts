import { describe, expect, it } from 'vitest';
import type { PartitionVersion } from '../../src/protocols/dvms/dvms-messages.js';
import type { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import { partitionsReleased } from '../../src/torture/liveness-checks.js';

/** Nodes whose DVMS is in the partition `held[id]` (initiator, seq), or free (null). */
const fakeRuntime = (held: ([number, number] | null)[]): SimRuntime => {
  const dvms = held.map((_, id) => ({ partitionVersion: (): PartitionVersion | null => (held[id] === null ? null : { initiator: held[id]![0], seq: held[id]![1], epoch: 0, leader: held[id]![0] }) }));
  return { nodeCount: held.length, protocolOf: (id: number) => dvms[id] } as unknown as SimRuntime;
};
const S = 1_000_000;

describe('DVMS liveness in torture: every partition released within the bound after the last fault heals', () => {
  it('passes a node held by one partition after another, each younger than the bound, for three times the bound', () => {
    const held: ([number, number] | null)[] = [null, null, null];
    const check = partitionsReleased(fakeRuntime(held), 'dvms', { healUs: 0, livenessUs: 100 * S });
    for (let s = 0; s <= 300; s++) {
      // Node 1 is in partition (2, k) for k = s / 90: a new ISP of node 2 every 90 s, with no free second between.
      held[1] = [2, 1 + Math.floor(s / 90)];
      held[2] = held[1];
      expect(check.check(s * S)).toBeNull();
    }
  });

  it('fails a partition that exists longer than the bound, naming it, when it began and its nodes', () => {
    const held: ([number, number] | null)[] = [null, [4, 7], [4, 7], null, [4, 7]];
    const check = partitionsReleased(fakeRuntime(held), 'dvms', { healUs: 50 * S, livenessUs: 100 * S });
    expect(check.check(10 * S)).toBeUndefined(); // before the heal: a partition may wait for a fault to end
    for (let s = 50; s <= 150; s++) expect(check.check(s * S)).toBeNull();
    held[2] = null; // a member leaving does not end the partition
    expect(check.check(151 * S)).toMatch(/^partition 4\.7 \(initiator 4, its ISP number 7\) has existed since 50 s, longer than 100 s after the last fault healed at 50 s; nodes in it: 1, 4$/);
  });

  it("counts a partition anew once it ended: the same initiator's next ISP is another partition", () => {
    const held: ([number, number] | null)[] = [[0, 1]];
    const check = partitionsReleased(fakeRuntime(held), 'dvms', { healUs: 0, livenessUs: 100 * S });
    for (let s = 0; s <= 100; s++) expect(check.check(s * S)).toBeNull();
    held[0] = null;
    expect(check.check(101 * S)).toBeNull();
    held[0] = [0, 2];
    for (let s = 102; s <= 202; s++) expect(check.check(s * S)).toBeNull();
    expect(check.check(203 * S)).toMatch(/^partition 0\.2 .* since 102 s/);
  });
});
