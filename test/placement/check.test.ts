import { describe, expect, it } from 'vitest';
import { checkPlacement, isViable, overloadedHosts } from '../../src/placement/index.js';
import { host, problem, vm } from './problems.js';

describe('checkPlacement: capacities', () => {
  it('reports a host whose vms demand 8.6 cores of its 8, and one over its memory', () => {
    const p = problem([host(12, 8, 4096), host(13, 8, 4096)], [vm(1, 12, 5), vm(2, 12, 3.6), vm(3, 13, 1, 3000), vm(4, 13, 1, 1097)]);
    expect(checkPlacement(p, [])).toEqual(['host 12: cpu demand 8.6 cores > 8 cores', 'host 13: memory 4097 MiB > 4096 MiB']);
    expect(isViable(p)).toBe(false);
    expect(overloadedHosts(p)).toEqual([12, 13]);
  });

  it('accepts demand equal to capacity, and float sums within 1e-9 of it', () => {
    const p = problem([host(1, 0.3)], [vm(1, 1, 0.1), vm(2, 1, 0.2)]);
    expect(0.1 + 0.2).toBeGreaterThan(0.3);
    expect(checkPlacement(p, [])).toEqual([]);
    expect(isViable(p)).toBe(true);
    expect(overloadedHosts(p)).toEqual([]);
  });

  it('applies the moves all at once: two full hosts swapping vms stay viable', () => {
    const p = problem([host(1, 4), host(2, 4)], [vm(1, 1, 4), vm(2, 2, 4)]);
    expect(checkPlacement(p, [{ vm: 1, from: 1, to: 2 }, { vm: 2, from: 2, to: 1 }])).toEqual([]);
    expect(checkPlacement(p, [{ vm: 1, from: 1, to: 2 }])).toEqual(['host 2: cpu demand 8 cores > 4 cores']);
  });
});

describe('checkPlacement: moves', () => {
  const p = problem([host(1, 8), host(2, 8)], [vm(5, 1, 1), vm(6, 1, 1, 1024, -1, true)]);

  it('names moves of unknown vms, to unknown hosts, from the wrong host, to their own host', () => {
    expect(checkPlacement(p, [{ vm: 99, from: 1, to: 2 }])).toEqual(['move 0: unknown vm 99']);
    expect(checkPlacement(p, [{ vm: 5, from: 1, to: 7 }])).toEqual(['move 0: vm 5 to unknown host 7']);
    expect(checkPlacement(p, [{ vm: 5, from: 2, to: 2 }])).toEqual(['move 0: vm 5 is on host 1, not 2']);
    expect(checkPlacement(p, [{ vm: 5, from: 1, to: 1 }])).toEqual(['move 0: vm 5 from host 1 to itself']);
  });

  it('names a pinned vm moved and a vm moved twice', () => {
    expect(checkPlacement(p, [{ vm: 6, from: 1, to: 2 }])).toEqual(['move 0: vm 6 is pinned']);
    expect(checkPlacement(p, [{ vm: 5, from: 1, to: 2 }, { vm: 5, from: 1, to: 2 }])).toEqual(['move 1: vm 5 moved twice (also by move 0)']);
  });

  it('names structural faults of the problem: duplicate ids, vms on unknown hosts, bad numbers', () => {
    const bad = problem([host(1, 8), host(1, 4)], [vm(1, 3, 1), vm(2, 1, -1)]);
    expect(checkPlacement(bad, [])).toEqual([
      'host 1: duplicate host id',
      'vm 1: on unknown host 3',
      'vm 2: cpuDemand -1 is not a finite number >= 0',
    ]);
  });
});

describe('checkPlacement: VE constraints', () => {
  // Sites 1 and 2 in France, site 3 in Germany; two hosts per site.
  const hosts = [host(1, 8, 16384, 1, 'FR'), host(2, 8, 16384, 1, 'FR'), host(3, 8, 16384, 2, 'FR'), host(4, 8, 16384, 3, 'DE'), host(5, 8, 16384, 3, 'DE')];

  it('gather host: every member on one host', () => {
    const p = problem(hosts, [vm(5, 1, 1, 1024, 3), vm(9, 2, 1, 1024, 3), vm(10, 1, 1)], [{ kind: 'gather', ve: 3, scope: 'host' }]);
    expect(checkPlacement(p, [])).toEqual(['ve 3 (gather host): vms 5 and 9 on hosts 1 and 2']);
    expect(checkPlacement(p, [{ vm: 9, from: 2, to: 1 }])).toEqual([]);
  });

  it('gather site: every member in one site', () => {
    const p = problem(hosts, [vm(5, 1, 1, 1024, 3), vm(9, 2, 1, 1024, 3), vm(7, 4, 1, 1024, 3)], [{ kind: 'gather', ve: 3, scope: 'site' }]);
    expect(checkPlacement(p, [])).toEqual(['ve 3 (gather site): vms 5 and 7 on sites 1 and 3']);
    expect(checkPlacement(p, [{ vm: 7, from: 4, to: 2 }])).toEqual([]);
  });

  it('spread host: no two members on one host', () => {
    const p = problem(hosts, [vm(5, 2, 1, 1024, 3), vm(9, 2, 1, 1024, 3), vm(11, 3, 1, 1024, 3)], [{ kind: 'spread', ve: 3, scope: 'host' }]);
    expect(checkPlacement(p, [])).toEqual(['ve 3 (spread host): vms 5 and 9 both on host 2']);
    expect(checkPlacement(p, [{ vm: 9, from: 2, to: 1 }])).toEqual([]);
  });

  it('spread site: no two members in one site', () => {
    const p = problem(hosts, [vm(5, 1, 1, 1024, 3), vm(9, 2, 1, 1024, 3)], [{ kind: 'spread', ve: 3, scope: 'site' }]);
    expect(checkPlacement(p, [])).toEqual(['ve 3 (spread site): vms 5 and 9 both on site 1']);
    expect(checkPlacement(p, [{ vm: 9, from: 2, to: 4 }])).toEqual([]);
  });

  it('fence: a host is allowed when its site is listed or its country is', () => {
    const p = problem(hosts, [vm(7, 4, 1, 1024, 4), vm(8, 3, 1, 1024, 4)], [{ kind: 'fence', ve: 4, sites: [1, 2], countries: ['FR'] }]);
    expect(checkPlacement(p, [])).toEqual(['ve 4 (fence): vm 7 on site 3 (DE), allowed sites [1,2] countries [FR]']);
    const byCountry = problem(hosts, [vm(7, 4, 1, 1024, 4)], [{ kind: 'fence', ve: 4, sites: [], countries: ['DE'] }]);
    expect(checkPlacement(byCountry, [])).toEqual([]);
    expect(checkPlacement(byCountry, [{ vm: 7, from: 4, to: 1 }])).toEqual(['ve 4 (fence): vm 7 on site 1 (FR), allowed sites [] countries [DE]']);
  });

  it('fence with both lists empty allows no host', () => {
    const p = problem(hosts, [vm(7, 1, 1, 1024, 4)], [{ kind: 'fence', ve: 4, sites: [], countries: [] }]);
    expect(checkPlacement(p, [])).toEqual(['ve 4 (fence): vm 7 on site 1 (FR), allowed sites [] countries []']);
  });

  it('counts only the vms present in the problem, and rejects a constraint on ve -1', () => {
    const p = problem(hosts, [vm(5, 1, 1, 1024, 3)], [{ kind: 'gather', ve: 3, scope: 'host' }, { kind: 'spread', ve: 8, scope: 'host' }]);
    expect(checkPlacement(p, [])).toEqual([]);
    const bad = problem(hosts, [vm(5, 1, 1)], [{ kind: 'spread', ve: -1, scope: 'host' }]);
    expect(checkPlacement(bad, [])).toEqual(['constraint #0: ve -1 is not an integer >= 0']);
  });
});
