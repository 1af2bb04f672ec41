/**
 * User policies over a placement problem, beside the VE constraints of `problem.ts`: the kinds
 * of BtrPlace's catalogue and OpenStack's server groups that gather / spread / fence do not
 * cover, tenant isolation and a minimum trust in the PoP's operator. Pure data and the rules on
 * their shape; the checker is `policy-check.ts`, the planner honours them through `units.ts`
 * and `policy-state.ts`.
 *
 * Kinds (VMs present in the problem only, as for VE constraints):
 *  - gather / spread, soft only: OpenStack's soft-affinity / soft-anti-affinity (hard ones are
 *    `VeConstraint`s);
 *  - ban: no member on a host whose site is in `sites` or whose country is in `countries`;
 *  - among: every member in the sites of one of `groups`;
 *  - split: members of distinct VEs of `ves` never share a host (a site);
 *  - lonely: a host holding a member holds no VM of another VE (nor VEs-less VMs);
 *  - quarantine: no VM moves off or onto a host of `sites` (a reconfiguration-time rule);
 *  - root: members never move;
 *  - maxPerHost: at most `max` members on one host (OpenStack's max_server_per_host);
 *  - isolate: a host (a site) holding a VM of `tenant` holds no VM of another tenant;
 *  - minTrust: every member on a host whose operator `op` has `trust[op] >= level`, `trust`
 *    being how much the VE's owner trusts each operator (0 for an operator past its end).
 * Every kind but quarantine and root may be `soft`: kept by the planner when some plan keeps it,
 * dropped otherwise, and reported apart by the checker.
 */

export type Scope = 'host' | 'site';

export type Policy =
  | { readonly kind: 'gather' | 'spread'; readonly ve: number; readonly scope: Scope; readonly soft: true }
  | { readonly kind: 'ban'; readonly ve: number; readonly sites: readonly number[]; readonly countries: readonly string[]; readonly soft?: boolean }
  | { readonly kind: 'among'; readonly ve: number; readonly groups: readonly (readonly number[])[]; readonly soft?: boolean }
  | { readonly kind: 'split'; readonly ves: readonly number[]; readonly scope: Scope; readonly soft?: boolean }
  | { readonly kind: 'lonely'; readonly ve: number; readonly soft?: boolean }
  | { readonly kind: 'quarantine'; readonly sites: readonly number[] }
  | { readonly kind: 'root'; readonly ve: number }
  | { readonly kind: 'maxPerHost'; readonly ve: number; readonly max: number; readonly soft?: boolean }
  | { readonly kind: 'isolate'; readonly tenant: number; readonly scope: Scope; readonly soft?: boolean }
  | { readonly kind: 'minTrust'; readonly ve: number; readonly level: number; readonly trust: readonly number[]; readonly soft?: boolean };

export type PolicyKind = Policy['kind'];

export function isSoft(p: Policy): boolean {
  return 'soft' in p && p.soft === true;
}

/** The VEs whose members a policy binds (none for quarantine and isolate). */
export function policyVes(p: Policy): readonly number[] {
  switch (p.kind) {
    case 'split':
      return p.ves;
    case 'quarantine':
    case 'isolate':
      return [];
    default:
      return [p.ve];
  }
}

const isVe = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0;
const isScope = (x: unknown): boolean => x === 'host' || x === 'site';
const isIntList = (x: unknown): boolean => Array.isArray(x) && x.every((s) => Number.isInteger(s));

/** What is wrong with a policy's shape, '' when nothing. */
export function policyFault(p: Policy): string {
  const soft = (p as { soft?: unknown }).soft;
  if (soft !== undefined && typeof soft !== 'boolean') return `soft ${String(soft)} is not a boolean`;
  switch (p.kind) {
    case 'gather':
    case 'spread':
      if (!isVe(p.ve)) return `ve ${p.ve} is not an integer >= 0`;
      if (!isScope(p.scope)) return `${p.kind} scope '${String(p.scope)}' is not 'host' or 'site'`;
      return soft === true ? '' : `a hard ${p.kind} is a VE constraint: as a policy it must be soft`;
    case 'ban':
      if (!isVe(p.ve)) return `ve ${p.ve} is not an integer >= 0`;
      return isIntList(p.sites) && Array.isArray(p.countries) ? '' : 'ban sites and countries must be lists';
    case 'among':
      if (!isVe(p.ve)) return `ve ${p.ve} is not an integer >= 0`;
      return Array.isArray(p.groups) && p.groups.length > 0 && p.groups.every(isIntList) ? '' : 'among groups must be a non-empty list of lists of sites';
    case 'split':
      if (!(Array.isArray(p.ves) && p.ves.length >= 2 && p.ves.every(isVe) && new Set(p.ves).size === p.ves.length)) return 'split ves must be a list of 2 or more distinct integers >= 0';
      return isScope(p.scope) ? '' : `split scope '${String(p.scope)}' is not 'host' or 'site'`;
    case 'lonely':
      return isVe(p.ve) ? '' : `ve ${p.ve} is not an integer >= 0`;
    case 'quarantine':
    case 'root':
      if (soft !== undefined) return `${p.kind} cannot be soft`;
      if (p.kind === 'root') return isVe(p.ve) ? '' : `ve ${p.ve} is not an integer >= 0`;
      return isIntList(p.sites) ? '' : 'quarantine sites must be a list of integers';
    case 'maxPerHost':
      if (!isVe(p.ve)) return `ve ${p.ve} is not an integer >= 0`;
      return Number.isInteger(p.max) && p.max >= 1 ? '' : `maxPerHost max ${p.max} is not an integer >= 1`;
    case 'isolate':
      if (!isVe(p.tenant)) return `tenant ${p.tenant} is not an integer >= 0`;
      return isScope(p.scope) ? '' : `isolate scope '${String(p.scope)}' is not 'host' or 'site'`;
    case 'minTrust':
      if (!isVe(p.ve)) return `ve ${p.ve} is not an integer >= 0`;
      if (!(typeof p.level === 'number' && p.level >= 0 && p.level <= 1)) return `minTrust level ${p.level} is not a number in [0, 1]`;
      return Array.isArray(p.trust) && p.trust.every((t) => typeof t === 'number' && t >= 0 && t <= 1) ? '' : 'minTrust trust must be a list of numbers in [0, 1]';
    default:
      return `unknown kind '${String((p as { kind: unknown }).kind)}'`;
  }
}

/** A policy for messages: `ve 3 (ban)`, `ves [1,2] (split host)`, `tenant 4 (soft isolate site)`. */
export function policyLabel(p: Policy): string {
  const soft = isSoft(p) ? 'soft ' : '';
  switch (p.kind) {
    case 'gather':
    case 'spread':
      return `ve ${p.ve} (${soft}${p.kind} ${p.scope})`;
    case 'split':
      return `ves [${p.ves.join(',')}] (${soft}split ${p.scope})`;
    case 'quarantine':
      return `sites [${p.sites.join(',')}] (quarantine)`;
    case 'isolate':
      return `tenant ${p.tenant} (${soft}isolate ${p.scope})`;
    case 'maxPerHost':
      return `ve ${p.ve} (${soft}max ${p.max} per host)`;
    case 'minTrust':
      return `ve ${p.ve} (${soft}min trust ${p.level})`;
    default:
      return `ve ${p.ve} (${soft}${p.kind})`;
  }
}

/** The trust a minTrust policy gives operator `op` (unknown operators: 0). */
export function trustIn(p: { readonly trust: readonly number[] }, op: number): number {
  return op >= 0 && op < p.trust.length ? p.trust[op] : 0;
}
