/**
 * Whether relocating one member of a VE keeps the VE's constraints (`placement/problem.ts`:
 * gather on one host or PoP, spread over hosts or PoPs, fence to PoPs or countries), judged at
 * the owner from the hosts its members' hosts reported and the target's own answer. Pure.
 *
 * Semantics as `placement/check.ts`: gather and spread compare the moved member with every
 * other member (an unknown host among them makes the move unjudgeable: 'host-unknown'); a fence
 * allows a host whose PoP is in `sites` or whose country is in `countries`.
 */
import type { NodeId, VmId } from '../../runtime/context.js';
import { fenceAllows } from '../../placement/indexed.js';
import type { VeConstraint } from '../../placement/problem.js';
import type { HostPlace } from './ve-store.js';

export interface MemberPlaces {
  readonly members: readonly VmId[];
  readonly hosts: readonly NodeId[];
  readonly sites: readonly number[];
}

/** '' when moving `vm` to `target` keeps every constraint, else 'constraint' or 'host-unknown'. */
export function relocationViolation(constraints: readonly VeConstraint[], places: MemberPlaces, vm: VmId, target: HostPlace): '' | 'constraint' | 'host-unknown' {
  for (const c of constraints) {
    if (c.kind === 'fence') {
      if (!fenceAllows(c, target.site, target.country)) return 'constraint';
      continue;
    }
    for (let k = 0; k < places.members.length; k++) {
      if (places.members[k] === vm) continue;
      if (places.hosts[k] < 0) return 'host-unknown';
      const same = c.scope === 'host' ? places.hosts[k] === target.node : places.sites[k] === target.site;
      if (c.kind === 'gather' ? !same : same) return 'constraint';
    }
  }
  return '';
}
