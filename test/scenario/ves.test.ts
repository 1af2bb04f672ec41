import { describe, expect, it } from 'vitest';
import { placeVes, VeGroupError, veGroupSchema } from '../../src/scenario/ves.js';

// 6 hosts of 4 VMs over 3 PoPs: hosts 0,1 in a (FR), 2,3 in b (FR), 4,5 in c (DE).
const BASE = { hostCount: 6, vmsPerHost: 4, hostPop: [0, 0, 1, 1, 2, 2], popNames: ['a', 'b', 'c'], popCountries: ['FR', 'FR', 'DE'] };
const group = (raw: unknown) => veGroupSchema.parse(raw);

describe('VE placement', () => {
  it('takes VMs so that every constraint holds at the start', () => {
    const { vmVe, constraints } = placeVes({
      ...BASE,
      groups: [group({ constraint: 'gather', size: 3 }), group({ constraint: 'spread', size: 3, scope: 'site' }), group({ constraint: 'fence', size: 2, countries: ['DE'] })],
    });
    const members = (ve: number): number[] => [...vmVe.keys()].filter((vm) => vmVe[vm] === ve);
    const hostOf = (vm: number): number => Math.floor(vm / 4);
    expect(members(0).map(hostOf)).toEqual([0, 0, 0]);
    expect(new Set(members(1).map((vm) => BASE.hostPop[hostOf(vm)])).size).toBe(3);
    expect(members(2).every((vm) => BASE.popCountries[BASE.hostPop[hostOf(vm)]] === 'DE')).toBe(true);
    expect(constraints).toEqual([
      { kind: 'gather', ve: 0, scope: 'host' },
      { kind: 'spread', ve: 1, scope: 'site' },
      { kind: 'fence', ve: 2, sites: [], countries: ['DE'] },
    ]);
  });

  it('names the group that cannot fit', () => {
    expect(() => placeVes({ ...BASE, groups: [group({ constraint: 'spread', size: 4, scope: 'site' })] })).toThrow(VeGroupError);
    expect(() => placeVes({ ...BASE, groups: [group({ constraint: 'gather', size: 5 })] })).toThrow(/ves\[0\]: expected a host with 5 VMs/);
    expect(() => placeVes({ ...BASE, groups: [group({ constraint: 'fence', size: 1, pops: ['zz'] })] })).toThrow(/found 'zz'/);
  });
});
