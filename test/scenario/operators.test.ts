import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, scenarioHash } from '../../src/scenario/load.js';
import { operatorsSchema, resolveOperators } from '../../src/scenario/operators.js';
import { prepareScenario } from '../../src/scenario/run-scenario.js';
import { luc } from '../cli/run-cli.js';
import { fixture, scenarioErrorOf } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'luc-operators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const POPS = ['West', 'East'];
const section = (input: unknown) => operatorsSchema.parse(input);
const two = { list: [{ name: 'renater', trust: { geant: 0.8 } }, { name: 'geant' }] };

/** The two-PoP images fixture (West, East) with an `operators` section appended. */
function scenarioWith(name: string, operators: string): string {
  const text = readFileSync(fixture('good/images.yaml'), 'utf8').replace('../topologies/two-pops.graphml', fixture('topologies/two-pops.graphml'));
  return write(name, `${text}operators:\n${operators}`);
}

describe('resolveOperators: each PoP an operator, trust directional', () => {
  it('gives PoPs not named the default (the first listed), trust itself 1, others as declared, 0 otherwise', () => {
    const ops = resolveOperators(section({ ...two, pops: { East: 'geant' } }), POPS, 's.yaml');
    expect(ops.names).toEqual(['renater', 'geant']);
    expect([...ops.popOperator]).toEqual([0, 1]);
    expect(ops.trust).toEqual([
      [1, 0.8],
      [0, 1],
    ]);
    expect([...resolveOperators(section({ ...two, default: 'geant' }), POPS, 's.yaml').popOperator]).toEqual([1, 1]);
  });

  it('reads the PoPs of a file of their own, YAML or JSON', () => {
    const yaml = write('pops.yaml', 'West: geant\n');
    expect([...resolveOperators(section({ ...two, file: yaml }), POPS, 's.yaml').popOperator]).toEqual([1, 0]);
    const json = write('pops.json', '{ "East": "geant" }');
    expect([...resolveOperators(section({ ...two, file: json }), POPS, 's.yaml').popOperator]).toEqual([0, 1]);
  });

  it('names the file, the field and what was expected for a PoP or operator it does not know', () => {
    expect(() => resolveOperators(section({ ...two, pops: { Eastt: 'geant' } }), POPS, 's.yaml')).toThrow("s.yaml: operators.pops.Eastt: expected a PoP of the topology (like East, West), found 'Eastt'");
    const file = write('bad-pops.yaml', 'Westt: geant\nEast: cloudx\n');
    expect(() => resolveOperators(section({ ...two, file }), POPS, 's.yaml')).toThrow(
      `${file}: Westt: expected a PoP of the topology (like West, East), found 'Westt'\n${file}: East: expected an operator of operators.list (renater, geant), found 'cloudx'`,
    );
    const twice = write('twice.yaml', 'East: renater\n');
    expect(() => resolveOperators(section({ ...two, pops: { East: 'geant' }, file: twice }), POPS, 's.yaml')).toThrow(`${twice}: East: expected a PoP named once (s.yaml names it already), found 'East'`);
    const broken = write('broken.yaml', 'West: geant\nEast: "open\n');
    expect(() => resolveOperators(section({ ...two, file: broken }), POPS, 's.yaml')).toThrow(`${broken}:3:1: expected valid YAML or JSON, found Missing closing "quote at line 3, column 1:`);
  });
});

describe('the operators section in a scenario', () => {
  it('refuses unknown operator names, trust outside [0, 1] and duplicate names, each at its field', () => {
    const file = scenarioWith('bad-names.yaml', '  list:\n    - { name: renater, trust: { geantt: 0.8, renater: 2 } }\n    - { name: geant }\n    - { name: geant }\n  default: cloudx\n');
    const error = scenarioErrorOf(() => loadScenario(file));
    expect(error.issues.map((i) => `${i.field}: ${i.expected}`)).toEqual([
      'operators.list[0].trust.renater: a number in [0, 1]',
      "operators.list[0].trust.geantt: an operator of operators.list (like geant), found 'geantt'",
      "operators.list[2].name: a name no other operator has (list[1] is 'geant' already)",
      "operators.default: an operator of operators.list (renater, geant, geant), found 'cloudx'",
    ]);
  });

  it('needs a cloud section beside it', () => {
    const file = write('no-cloud.yaml', 'name: x\nseed: 1\ndurationS: 10\ntopology: { kind: generate, pops: 4 }\nprotocols: { gossip: {} }\noperators: { list: [{ name: a }] }\n');
    expect(scenarioErrorOf(() => loadScenario(file)).message).toContain("operators: expected a cloud section beside it: operators' trust binds where a cloud's VMs may go");
  });

  it('resolves the file relative to the scenario, enters the hash by its content, and runs', () => {
    write('ops-a.yaml', 'West: geant\n');
    write('ops-b.yaml', 'East: geant\n');
    const a = scenarioWith('with-file-a.yaml', '  list: [{ name: renater }, { name: geant }]\n  file: ops-a.yaml\n');
    const b = scenarioWith('with-file-b.yaml', '  list: [{ name: renater }, { name: geant }]\n  file: ops-b.yaml\n');
    expect(loadScenario(a).operators?.file).toBe(join(dir, 'ops-a.yaml'));
    expect(scenarioHash(loadScenario(a))).not.toBe(scenarioHash(loadScenario(b)));
    expect(() => prepareScenario(loadScenario(a), a)).not.toThrow();
    const missing = scenarioWith('missing-file.yaml', '  list: [{ name: renater }]\n  file: nowhere.yaml\n');
    expect(scenarioErrorOf(() => loadScenario(missing)).message).toContain(`operators.file: expected an existing file (resolved to ${join(dir, 'nowhere.yaml')}), found 'nowhere.yaml'`);
  });

  it('luc run exits 2 naming the PoP file, the PoP and what was expected', () => {
    write('ops-bad.yaml', 'Paris: geant\n');
    const file = scenarioWith('run-bad.yaml', '  list: [{ name: renater }, { name: geant }]\n  file: ops-bad.yaml\n');
    const r = luc(['run', file, '--out', join(dir, 'results')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'ops-bad.yaml')}: Paris: expected a PoP of the topology, found 'Paris'`);
    expect(r.stderr).not.toContain('    at ');
  });
});
