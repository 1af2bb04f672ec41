/**
 * The `operators` section (issue 16 §2): who runs each PoP and how much operators trust each
 * other, for the minimum-trust policies of `placement/policy.ts`.
 *
 *   operators:
 *     list:
 *       - { name: renater, trust: { geant: 0.8, cloudx: 0.3 } }   # in [0, 1]; itself 1, others not named 0
 *       - { name: geant }
 *     default: renater          # operator of the PoPs not named (default: the first listed)
 *     pops: { Paris: geant }    # PoP name -> operator
 *     file: pop-operators.yaml  # the same map in a file of its own (relative to the scenario)
 *
 * Trust is directional: A may trust B more than B trusts A. Names are checked here; PoP names
 * when the topology is known (`resolveOperators`), each error naming the file and field.
 */
import { z } from 'zod';
import { describeValue, ScenarioError, scenarioIssue, type ScenarioIssue } from './errors.js';
import { num, section, text } from './fields.js';
import { isRecord } from './paths.js';
import { readSideFile } from './side-file.js';
import { nearestNames } from './suggest.js';

const operatorSchema = section({
  name: text('an operator name'),
  trust: z.record(z.string(), num({ ge: 0, le: 1 }), { error: 'expected a map of operator names to trust levels in [0, 1]' }).default({}),
});

export const operatorsSchema = section({
  list: z.array(operatorSchema, { error: 'expected a list of operators, each { name, trust }' }).min(1, { error: 'expected at least one operator' }),
  default: text('an operator name of operators.list').optional(),
  pops: z.record(z.string(), text('an operator name of operators.list'), { error: 'expected a map of PoP names to operator names' }).default({}),
  file: text('a path to a YAML or JSON map of PoP names to operator names (relative to the scenario file)').optional(),
}).superRefine((section, context) => {
  const names = section.list.map((o) => o.name);
  const known = new Set(names);
  const expectName = (path: PropertyKey[], name: string): void => {
    if (known.has(name)) return;
    const near = nearestNames(name, names, 3);
    context.addIssue({ code: 'custom', path, message: `expected an operator of operators.list (${near.length > 0 ? `like ${near.join(', ')}` : names.slice(0, 10).join(', ')}), found '${name}'` });
  };
  section.list.forEach((o, i) => {
    if (names.indexOf(o.name) !== i) context.addIssue({ code: 'custom', path: ['list', i, 'name'], message: `expected a name no other operator has (list[${names.indexOf(o.name)}] is '${o.name}' already)` });
    for (const other of Object.keys(o.trust)) expectName(['list', i, 'trust', other], other);
  });
  if (section.default !== undefined) expectName(['default'], section.default);
  for (const [pop, name] of Object.entries(section.pops)) expectName(['pops', pop], name);
});

export type OperatorsSection = z.output<typeof operatorsSchema>;

export interface ResolvedOperators {
  readonly names: readonly string[];
  /** Operator index of each PoP. */
  readonly popOperator: Int32Array;
  /** trust[a][b]: how much operator a trusts operator b (itself 1). */
  readonly trust: readonly (readonly number[])[];
}

/** The operators of the topology's PoPs; an unknown PoP or operator is a ScenarioError naming the file and field. */
export function resolveOperators(section: OperatorsSection, popNames: readonly string[], scenarioFile: string): ResolvedOperators {
  const names = section.list.map((o) => o.name);
  const index = new Map(names.map((name, i) => [name, i]));
  const trust = section.list.map((o, a) => names.map((other, b) => (a === b ? 1 : (o.trust[other] ?? 0))));
  const popOperator = new Int32Array(popNames.length).fill(index.get(section.default ?? names[0]) ?? 0);
  const popIndex = new Map(popNames.map((name, i) => [name, i]));
  const assign = (file: string, field: (pop: string) => string, map: Readonly<Record<string, unknown>>, named: Map<number, string>, issues: ScenarioIssue[]): void => {
    for (const [pop, name] of Object.entries(map)) {
      const p = popIndex.get(pop);
      const op = typeof name === 'string' ? index.get(name) : undefined;
      if (p === undefined) {
        const near = nearestNames(pop, popNames, 3);
        issues.push(scenarioIssue(field(pop), `a PoP of the topology${near.length > 0 ? ` (like ${near.join(', ')})` : ''}`, `'${pop}'`));
      } else if (op === undefined) issues.push(scenarioIssue(field(pop), `an operator of operators.list (${names.slice(0, 10).join(', ')})`, describeValue(name)));
      else if (named.has(p)) issues.push(scenarioIssue(field(pop), `a PoP named once (${named.get(p)} names it already)`, `'${pop}'`));
      else {
        named.set(p, file);
        popOperator[p] = op;
      }
    }
  };
  const named = new Map<number, string>();
  const issues: ScenarioIssue[] = [];
  assign(scenarioFile, (pop) => `operators.pops.${pop}`, section.pops, named, issues);
  if (issues.length > 0) throw new ScenarioError(scenarioFile, issues);
  if (section.file !== undefined) {
    assign(section.file, (pop) => pop, readPopOperatorFile(section.file), named, issues);
    if (issues.length > 0) throw new ScenarioError(section.file, issues);
  }
  return { names, popOperator, trust };
}

/** A PoP-to-operator map from a YAML or JSON file; its errors name the file (and line for a syntax error). */
export function readPopOperatorFile(file: string): Readonly<Record<string, unknown>> {
  const data = readSideFile(file, 'a file mapping PoP names to operator names (YAML or JSON)');
  if (!isRecord(data)) throw new ScenarioError(file, [scenarioIssue('', 'a map of PoP names to operator names', describeValue(data))]);
  return data;
}

/** How much the owner `from` trusts each operator: the row a minTrust policy carries. */
export function trustRow(operators: ResolvedOperators, from: number): readonly number[] {
  return operators.trust[from];
}
