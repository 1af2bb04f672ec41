import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { operatorsSchema, resolveOperators } from '../../src/scenario/operators.js';
import { compilePolicies, policiesSchema } from '../../src/scenario/policies.js';
import { groupHostFilter } from '../../src/scenario/policy-placement.js';
import { prepareScenario, runScenario } from '../../src/scenario/run-scenario.js';
import { placeVes, veGroupSchema } from '../../src/scenario/ves.js';
import { fixture, scenarioErrorOf } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'luc-policies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The two-PoP images fixture (West, East: one host each) with VEs and sections appended. */
function scenarioWith(name: string, extra: string): string {
  const text = readFileSync(fixture('good/images.yaml'), 'utf8').replace('../topologies/two-pops.graphml', fixture('topologies/two-pops.graphml'));
  const path = join(dir, name);
  writeFileSync(path, `${text.replace('  checkInvariants: true\n', '  checkInvariants: true\n  ves: [{ constraint: spread, count: 1, size: 1 }]\n')}${extra}`);
  return path;
}

const POPS = ['West', 'East'];
const places = (popOperator: Int32Array | null) => ({ hostPop: [0, 1], popCountries: ['FR', 'DE'], popOperator });
const group = veGroupSchema.parse({ constraint: 'spread', count: 1, size: 1 });
const place = (allowed?: (g: number, h: number) => boolean) => [...placeVes({ groups: [group], hostCount: 2, vmsPerHost: 1, hostPop: [0, 1], popNames: POPS, popCountries: ['FR', 'DE'], allowed }).vmVe];

describe('policies place the initial VEs under them', () => {
  it('a VE banned from West takes its VM on the East host, not the first host', () => {
    expect(place()).toEqual([0, -1]);
    const compiled = compilePolicies({ section: policiesSchema.parse({ ves: [{ group: 0, rules: [{ kind: 'ban', pops: ['West'] }] }] }), groupVes: [[0, 1]], popNames: POPS, popCountries: ['FR', 'DE'], operators: null, scenarioFile: 's.yaml' });
    expect(compiled.policies).toEqual([{ kind: 'ban', ve: 0, sites: [0], countries: [], soft: false }]);
    expect(place(groupHostFilter(compiled.policies, [[0, 1]], places(null)))).toEqual([-1, 0]);
  });

  it("a VE whose tenant's operator trusts West's operator 0.3 of the 0.5 required goes East", () => {
    const operators = resolveOperators(operatorsSchema.parse({ list: [{ name: 'renater', trust: { cloudx: 0.3 } }, { name: 'cloudx' }], pops: { West: 'cloudx' } }), POPS, 's.yaml');
    const section = policiesSchema.parse({ tenants: [{ name: 'alice', operator: 'renater' }], ves: [{ group: 0, tenant: 'alice', minTrust: 0.5 }] });
    const compiled = compilePolicies({ section, groupVes: [[0, 1]], popNames: POPS, popCountries: ['FR', 'DE'], operators, scenarioFile: 's.yaml' });
    expect(compiled.policies).toEqual([{ kind: 'minTrust', ve: 0, level: 0.5, trust: [1, 0.3] }]);
    expect([...compiled.veTenant]).toEqual([0]);
    expect(place(groupHostFilter(compiled.policies, [[0, 1]], places(operators.popOperator)))).toEqual([-1, 0]);
  });

  it('compiles soft affinity and anti-affinity to soft gather and spread, and isolation once per tenant', () => {
    const section = policiesSchema.parse({ tenants: [{ name: 'a' }], ves: [{ group: 0, tenant: 'a', isolate: 'site', rules: [{ kind: 'affinity' }, { kind: 'anti-affinity', scope: 'site' }, { kind: 'maxPerHost', max: 2, soft: true }] }] });
    const compiled = compilePolicies({ section, groupVes: [[0, 2]], popNames: POPS, popCountries: ['FR', 'DE'], operators: null, scenarioFile: 's.yaml' });
    expect(compiled.policies).toEqual([
      { kind: 'gather', ve: 0, scope: 'host', soft: true },
      { kind: 'spread', ve: 0, scope: 'site', soft: true },
      { kind: 'maxPerHost', ve: 0, max: 2, soft: true },
      { kind: 'gather', ve: 1, scope: 'host', soft: true },
      { kind: 'spread', ve: 1, scope: 'site', soft: true },
      { kind: 'maxPerHost', ve: 1, max: 2, soft: true },
      { kind: 'isolate', tenant: 0, scope: 'site' },
    ]);
  });
});

describe('the policies section in a scenario', () => {
  it('names groups, tenants and operators it does not know, and what isolate and minTrust need', () => {
    const file = scenarioWith('bad-names.yaml', 'policies:\n  tenants: [{ name: alice, operator: renater }]\n  ves:\n    - { group: 3 }\n    - { group: 0, tenant: alicee }\n    - { group: 0, isolate: host, minTrust: 0.5 }\n');
    const error = scenarioErrorOf(() => loadScenario(file));
    expect(error.issues.map((i) => `${i.field}: ${i.expected}`)).toEqual([
      'policies.tenants[0].operator: an operators section to name operators from',
      'policies.ves[0].group: an index of cloud.ves (0..0), found 3',
      "policies.ves[1].tenant: a tenant of policies.tenants (like alice), found 'alicee'",
      'policies.ves[2].isolate: a tenant beside it: isolation keeps a tenant apart from the others',
      "policies.ves[2].minTrust: a tenant with an operator beside it: trust is the tenant's operator's",
    ]);
  });

  it('names a PoP of a rule the topology lacks, at its field', () => {
    const file = scenarioWith('bad-pop.yaml', 'policies:\n  ves: [{ group: 0, rules: [{ kind: ban, pops: [Wesst] }] }]\n');
    const error = scenarioErrorOf(() => prepareScenario(loadScenario(file), file));
    expect(error.message).toBe(`${file}: policies.ves[0].rules[0].pops[0]: expected a PoP of the topology (like West, East), found 'Wesst'`);
  });

  it('refuses policies the initial placement breaks: a tenant isolated on a host it shares', () => {
    const file = scenarioWith('shared.yaml', "policies:\n  tenants: [{ name: alice }]\n  ves: [{ group: 0, tenant: alice, isolate: host }]\n");
    const run = (perHost: number) => prepareScenario(loadScenario(file, [`cloud.vm.perHost=${perHost}`]), file);
    expect(() => run(1)).not.toThrow();
    const error = scenarioErrorOf(() => run(2));
    expect(error.issues[0].field).toBe('policies');
    expect(error.issues[0].found).toBe('tenant 0 (isolate host): vm 1 of tenant -1 on host 0 with its vm 0');
  });

  it('a VE banned from both PoPs cannot be placed: an error naming its group', () => {
    const file = scenarioWith('banned.yaml', 'policies:\n  ves: [{ group: 0, rules: [{ kind: ban, pops: [West, East] }] }]\n');
    expect(scenarioErrorOf(() => prepareScenario(loadScenario(file), file)).issues[0].field).toBe('cloud.ves[0]');
  });

  it('is deterministic: a run with policies twice gives identical series', () => {
    const file = scenarioWith('twice.yaml', 'policies:\n  quarantine: [East]\n  ves: [{ group: 0, rules: [{ kind: ban, pops: [West] }, { kind: root }] }]\n');
    const series = () => JSON.stringify(runScenario(loadScenario(file), file).series.all());
    expect(series()).toBe(series());
  });
});
