/**
 * Virtual environments of a `cloud` section: groups of VMs with a placement constraint each
 * (gather on one host or PoP, spread over hosts or PoPs, fence to PoPs or countries). The VEs
 * take VMs from the initial placement (VM k on host floor(k / perHost)) so that every
 * constraint holds at the start; one that cannot is a scenario error naming the VE. With user
 * policies, a group takes VMs only on the hosts they leave open to it (`allowed`).
 */
import { nearestNames } from './suggest.js';
import { z } from 'zod';
import type { VeConstraint } from '../placement/problem.js';
import { int, section, text } from './fields.js';

const scope = z.enum(['host', 'site'], { error: "expected 'host' or 'site' (a PoP)" }).default('host');

export const veGroupSchema = z.discriminatedUnion(
  'constraint',
  [
    section({ constraint: z.literal('gather'), count: int({ ge: 1 }).default(1), size: int({ ge: 1 }), scope }),
    section({ constraint: z.literal('spread'), count: int({ ge: 1 }).default(1), size: int({ ge: 1 }), scope }),
    section({
      constraint: z.literal('fence'),
      count: int({ ge: 1 }).default(1),
      size: int({ ge: 1 }),
      pops: z.array(text('a PoP name')).default([]),
      countries: z.array(text('a country as the topology names it')).default([]),
    }),
  ],
  { error: "expected a VE group with constraint 'gather', 'spread' or 'fence'" },
);

export type VeGroup = z.output<typeof veGroupSchema>;

export interface VePlacementInput {
  readonly groups: readonly VeGroup[];
  readonly hostCount: number;
  readonly vmsPerHost: number;
  readonly hostPop: ArrayLike<number>;
  readonly popNames: readonly string[];
  readonly popCountries: readonly string[];
  /** Whether the VEs of group g may take VMs on host h (user policies: ban, trust, among); all when absent. */
  readonly allowed?: (group: number, h: number) => boolean;
}

export interface VePlacement {
  /** The VE of each VM (-1: none). */
  readonly vmVe: Int32Array;
  readonly constraints: readonly VeConstraint[];
}

/** Thrown with the group's index and what could not be satisfied. */
export class VeGroupError extends Error {
  constructor(
    readonly group: number,
    readonly expected: string,
  ) {
    super(`ves[${group}]: expected ${expected}`);
  }
}

export function placeVes(input: VePlacementInput): VePlacement {
  const { hostCount, vmsPerHost, hostPop } = input;
  const vmVe = new Int32Array(hostCount * vmsPerHost).fill(-1);
  /** Next VM of each host not yet in a VE (VMs of host h are h * perHost ... ). */
  const used = new Int32Array(hostCount);
  const freeOn = (h: number): number => vmsPerHost - used[h];
  const take = (h: number, ve: number): void => {
    vmVe[h * vmsPerHost + used[h]] = ve;
    used[h]++;
  };
  const popIndex = new Map(input.popNames.map((name, i) => [name, i]));
  const constraints: VeConstraint[] = [];
  let ve = 0;
  input.groups.forEach((group, g) => {
    const open = (h: number): number => (input.allowed === undefined || input.allowed(g, h) ? freeOn(h) : 0);
    for (let k = 0; k < group.count; k++, ve++) {
      const size = group.size;
      if (group.constraint === 'gather' && group.scope === 'host') {
        const h = firstHost(hostCount, (x) => open(x) >= size);
        if (h < 0) throw new VeGroupError(g, `a host with ${size} VMs not yet in a VE (VE ${k + 1} of ${group.count})`);
        for (let j = 0; j < size; j++) take(h, ve);
      } else if (group.constraint === 'gather') {
        const pop = firstPopWith(input, open, size);
        if (pop < 0) throw new VeGroupError(g, `a PoP with ${size} VMs not yet in a VE (VE ${k + 1} of ${group.count})`);
        let left = size;
        for (let h = 0; h < hostCount && left > 0; h++) while (hostPop[h] === pop && open(h) > 0 && left > 0) (take(h, ve), left--);
      } else if (group.constraint === 'spread') {
        const seenPops = new Set<number>();
        const chosen: number[] = [];
        for (let h = 0; h < hostCount && chosen.length < size; h++) {
          if (open(h) === 0) continue;
          if (group.scope === 'site' && seenPops.has(hostPop[h])) continue;
          seenPops.add(hostPop[h]);
          chosen.push(h);
        }
        if (chosen.length < size) throw new VeGroupError(g, `${size} ${group.scope === 'site' ? 'PoPs' : 'hosts'} with a VM not yet in a VE (VE ${k + 1} of ${group.count})`);
        for (const h of chosen) take(h, ve);
      } else {
        const sites = group.pops.map((name) => {
          const pop = popIndex.get(name);
          if (pop === undefined) throw new VeGroupError(g, `PoPs of the topology in pops, found '${name}'${nearPops(name, [...popIndex.keys()])}`);
          return pop;
        });
        if (sites.length === 0 && group.countries.length === 0) throw new VeGroupError(g, 'at least one PoP in pops or one country in countries');
        for (const country of group.countries) {
          if (input.popCountries.includes(country)) continue;
          const known = [...new Set(input.popCountries.filter((c) => c !== ''))].sort();
          const near = nearestNames(country, known, 5);
          throw new VeGroupError(g, `countries of the topology's PoPs in countries, found '${country}' (${near.length > 0 ? `known countries like it: ${near.join(', ')}` : `countries: ${known.slice(0, 10).join(', ') || 'none'}`})`);
        }
        const allowed = (h: number): boolean => sites.includes(hostPop[h]) || group.countries.includes(input.popCountries[hostPop[h]]);
        let left = size;
        for (let h = 0; h < hostCount && left > 0; h++) while (allowed(h) && open(h) > 0 && left > 0) (take(h, ve), left--);
        if (left > 0) throw new VeGroupError(g, `${size} VMs not yet in a VE on hosts of the allowed PoPs or countries (VE ${k + 1} of ${group.count})`);
        constraints.push({ kind: 'fence', ve, sites, countries: [...group.countries] });
        continue;
      }
      constraints.push({ kind: group.constraint, ve, scope: group.scope });
    }
  });
  return { vmVe, constraints };
}

function nearPops(name: string, names: readonly string[]): string {
  const near = nearestNames(name, names, 5);
  return near.length > 0 ? ` (known PoPs like it: ${near.join(', ')})` : '';
}

function firstHost(hostCount: number, ok: (h: number) => boolean): number {
  for (let h = 0; h < hostCount; h++) if (ok(h)) return h;
  return -1;
}

function firstPopWith(input: VePlacementInput, freeOn: (h: number) => number, size: number): number {
  const free = new Float64Array(input.popNames.length);
  for (let h = 0; h < input.hostCount; h++) free[input.hostPop[h]] += freeOn(h);
  for (let pop = 0; pop < free.length; pop++) if (free[pop] >= size) return pop;
  return -1;
}
