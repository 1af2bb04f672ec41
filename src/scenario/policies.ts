/**
 * The `policies` section (issue 16 §1): tenants, and the rules of each group of `cloud.ves`,
 * compiled to the placement policies of `placement/policy.ts` for every VE of the group.
 *
 *   policies:
 *     tenants: [{ name: alice, operator: renater }]   # operator: whose trust minTrust uses
 *     quarantine: [Lyon]                              # no VM moves into or out of these PoPs
 *     ves:
 *       - group: 0                # index in cloud.ves: every VE of that group
 *         tenant: alice
 *         isolate: host           # or site: the tenant alone on its hosts (PoPs)
 *         minTrust: 0.7           # hosts whose PoP's operator the tenant's operator trusts >= 0.7
 *         rules:
 *           - { kind: ban, pops: [Lyon], countries: [] }
 *           - { kind: among, groups: [[Paris, Lyon], [Marseille]] }
 *           - { kind: maxPerHost, max: 2, soft: true }
 *           - { kind: lonely } | { kind: root }
 *           - { kind: affinity, scope: host } | { kind: anti-affinity, scope: host }   # soft (OpenStack)
 *
 * Names are checked with the scenario (`checkPolicies`), PoPs and countries when the topology
 * is known (`compilePolicies`); each error names the field and what was expected.
 */
import { z } from 'zod';
import type { Policy } from '../placement/policy.js';
import type { CloudSection } from './cloud.js';
import { ScenarioError, scenarioIssue, type ScenarioIssue } from './errors.js';
import { int, num, section, text } from './fields.js';
import type { OperatorsSection, ResolvedOperators } from './operators.js';
import { nearestNames } from './suggest.js';

const scope = z.enum(['host', 'site'], { error: "expected 'host' or 'site' (a PoP)" });
const soft = z.boolean({ error: 'expected true or false' }).default(false);
const pops = z.array(text('a PoP name')).default([]);

const ruleSchema = z.discriminatedUnion(
  'kind',
  [
    section({ kind: z.literal('ban'), pops, countries: z.array(text('a country as the topology names it')).default([]), soft }),
    section({ kind: z.literal('among'), groups: z.array(z.array(text('a PoP name')).min(1, { error: 'expected a non-empty list of PoP names' })).min(1, { error: 'expected a non-empty list of groups of PoPs' }), soft }),
    section({ kind: z.literal('maxPerHost'), max: int({ ge: 1 }), soft }),
    section({ kind: z.literal('lonely'), soft }),
    section({ kind: z.literal('root') }),
    section({ kind: z.literal('affinity'), scope: scope.default('host') }),
    section({ kind: z.literal('anti-affinity'), scope: scope.default('host') }),
  ],
  { error: "expected a rule with kind 'ban', 'among', 'maxPerHost', 'lonely', 'root', 'affinity' or 'anti-affinity'" },
);

export const policiesSchema = section({
  tenants: z.array(section({ name: text('a tenant name'), operator: text('an operator name of operators.list').optional() })).default([]),
  quarantine: pops,
  ves: z
    .array(
      section({
        group: int({ ge: 0 }),
        tenant: text('a tenant name of policies.tenants').optional(),
        isolate: scope.optional(),
        minTrust: num({ ge: 0, le: 1 }).optional(),
        rules: z.array(ruleSchema).default([]),
      }),
    )
    .default([]),
});

export type PoliciesSection = z.output<typeof policiesSchema>;

interface Issue {
  readonly path: PropertyKey[];
  readonly message: string;
}

/** Cross-field checks once cloud, operators and policies parse: groups, tenants, operators. */
export function checkPolicies(policies: PoliciesSection, cloud: CloudSection | undefined, operators: OperatorsSection | undefined): Issue[] {
  const issues: Issue[] = [];
  const names = (list: readonly string[], what: string, name: string): string => {
    const near = nearestNames(name, list, 3);
    return `expected ${what} (${near.length > 0 ? `like ${near.join(', ')}` : list.slice(0, 10).join(', ') || 'none'}), found '${name}'`;
  };
  const tenantNames = policies.tenants.map((t) => t.name);
  const operatorNames = operators?.list.map((o) => o.name) ?? [];
  policies.tenants.forEach((t, i) => {
    if (tenantNames.indexOf(t.name) !== i) issues.push({ path: ['tenants', i, 'name'], message: `expected a name no other tenant has (tenants[${tenantNames.indexOf(t.name)}] is '${t.name}' already)` });
    if (t.operator !== undefined && !operatorNames.includes(t.operator)) issues.push({ path: ['tenants', i, 'operator'], message: operators === undefined ? 'expected an operators section to name operators from' : names(operatorNames, 'an operator of operators.list', t.operator) });
  });
  const groups = cloud?.ves.length ?? 0;
  policies.ves.forEach((v, i) => {
    if (v.group >= groups) issues.push({ path: ['ves', i, 'group'], message: `expected an index of cloud.ves (0..${groups - 1}), found ${v.group}` });
    const tenant = v.tenant === undefined ? undefined : policies.tenants.find((t) => t.name === v.tenant);
    if (v.tenant !== undefined && tenant === undefined) issues.push({ path: ['ves', i, 'tenant'], message: names(tenantNames, 'a tenant of policies.tenants', v.tenant) });
    if (v.isolate !== undefined && v.tenant === undefined) issues.push({ path: ['ves', i, 'isolate'], message: 'expected a tenant beside it: isolation keeps a tenant apart from the others' });
    if (v.minTrust !== undefined && tenant?.operator === undefined) issues.push({ path: ['ves', i, 'minTrust'], message: "expected a tenant with an operator beside it: trust is the tenant's operator's" });
  });
  return issues;
}

export interface CompiledPolicies {
  readonly policies: readonly Policy[];
  /** Tenant index (in policies.tenants) of each VE, -1 if none. */
  readonly veTenant: Int32Array;
}

export interface CompileInput {
  readonly section: PoliciesSection;
  /** The VEs of each group of cloud.ves: [first VE id, count]. */
  readonly groupVes: readonly (readonly [number, number])[];
  readonly popNames: readonly string[];
  readonly popCountries: readonly string[];
  readonly operators: ResolvedOperators | null;
  readonly scenarioFile: string;
}

/** The policies of every VE, with PoP names and countries checked against the topology. */
export function compilePolicies(input: CompileInput): CompiledPolicies {
  const { section: s, groupVes, popNames, popCountries, operators } = input;
  const issues: ScenarioIssue[] = [];
  const popIndex = new Map(popNames.map((name, i) => [name, i]));
  const site = (field: string, name: string): number => {
    const p = popIndex.get(name);
    if (p !== undefined) return p;
    const near = nearestNames(name, popNames, 3);
    issues.push(scenarioIssue(field, `a PoP of the topology${near.length > 0 ? ` (like ${near.join(', ')})` : ''}`, `'${name}'`));
    return -1;
  };
  const country = (field: string, name: string): string => {
    if (!popCountries.includes(name)) issues.push(scenarioIssue(field, `a country of the topology's PoPs (${[...new Set(popCountries.filter((c) => c !== ''))].sort().slice(0, 10).join(', ') || 'none'})`, `'${name}'`));
    return name;
  };
  const veCount = groupVes.reduce((a, [, n]) => a + n, 0);
  const veTenant = new Int32Array(veCount).fill(-1);
  const policies: Policy[] = [];
  const quarantine = s.quarantine.map((name, k) => site(`policies.quarantine[${k}]`, name));
  if (quarantine.length > 0) policies.push({ kind: 'quarantine', sites: quarantine });
  const isolated = new Map<number, 'host' | 'site'>();
  s.ves.forEach((v, i) => {
    const at = `policies.ves[${i}]`;
    const [first, count] = groupVes[v.group];
    const tenant = v.tenant === undefined ? -1 : s.tenants.findIndex((t) => t.name === v.tenant);
    const home = tenant < 0 || operators === null ? -1 : operators.names.indexOf(s.tenants[tenant].operator ?? '');
    const rules = v.rules.map((rule, j) => {
      const field = `${at}.rules[${j}]`;
      if (rule.kind === 'ban') return { ...rule, sites: rule.pops.map((p, k) => site(`${field}.pops[${k}]`, p)), countries: rule.countries.map((c, k) => country(`${field}.countries[${k}]`, c)) };
      if (rule.kind === 'among') return { ...rule, sites: rule.groups.map((g, k) => g.map((p, m) => site(`${field}.groups[${k}][${m}]`, p))) };
      return rule;
    });
    if (tenant >= 0 && v.isolate !== undefined) isolated.set(tenant, isolated.get(tenant) === 'site' ? 'site' : v.isolate);
    for (let ve = first; ve < first + count; ve++) {
      if (tenant >= 0) veTenant[ve] = tenant;
      if (v.minTrust !== undefined && home >= 0 && operators !== null) policies.push({ kind: 'minTrust', ve, level: v.minTrust, trust: operators.trust[home] });
      for (const rule of rules) {
        if (rule.kind === 'ban') policies.push({ kind: 'ban', ve, sites: rule.sites, countries: rule.countries, soft: rule.soft });
        else if (rule.kind === 'among') policies.push({ kind: 'among', ve, groups: rule.sites, soft: rule.soft });
        else if (rule.kind === 'maxPerHost') policies.push({ kind: 'maxPerHost', ve, max: rule.max, soft: rule.soft });
        else if (rule.kind === 'lonely') policies.push({ kind: 'lonely', ve, soft: rule.soft });
        else if (rule.kind === 'root') policies.push({ kind: 'root', ve });
        else policies.push({ kind: rule.kind === 'affinity' ? 'gather' : 'spread', ve, scope: rule.scope, soft: true });
      }
    }
  });
  for (const [tenant, scope] of isolated) policies.push({ kind: 'isolate', tenant, scope });
  if (issues.length > 0) throw new ScenarioError(input.scenarioFile, issues);
  return { policies, veTenant };
}
