import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { fixture, scenarioErrorOf } from './fixtures.js';

interface BadCase {
  readonly file: string;
  readonly overrides?: readonly string[];
  readonly field: string;
  readonly expected: string;
  readonly found?: string;
  /** Line of the issue in the file; 0 when the issue has no place in it. */
  readonly line?: number;
}

const cases: readonly BadCase[] = [
  { file: 'bad/yaml-syntax.yaml', field: '', expected: 'valid YAML', found: 'Nested mappings are not allowed', line: 5 },
  { file: 'bad/json-syntax.json', field: '', expected: 'valid JSON', found: 'a syntax error', line: 6 },
  { file: 'bad/duplicate-key.yaml', field: '', expected: 'valid YAML', found: 'Map keys must be unique', line: 7 },
  { file: 'bad/empty.yaml', field: '', expected: 'a scenario: an object with name', found: 'an empty file' },
  { file: 'bad/root-list.yaml', field: '', expected: 'a scenario: an object with name', found: 'a list of 1' },
  { file: 'bad/wrong-extension.txt', field: '', expected: 'a .yaml, .yml, .json file', found: "'.txt'" },
  { file: 'bad/not-there.yaml', field: '', expected: 'a readable scenario file', found: 'no such file' },
  { file: 'bad/missing-name.yaml', field: 'name', expected: "a name of 1 to 64 characters among a-z, 0-9 and '-'", found: 'nothing' },
  { file: 'bad/name-pattern.yaml', field: 'name', expected: "a name of 1 to 64 characters among a-z, 0-9 and '-'", found: "'Renater 2010'", line: 1 },
  { file: 'bad/seed-type.yaml', field: 'seed', expected: 'an integer >= 0', found: "'forty-two'", line: 2 },
  { file: 'bad/negative-duration.yaml', field: 'durationS', expected: 'a number > 0', found: '-5', line: 3 },
  { file: 'bad/unknown-top-key.yaml', field: 'durationMs', expected: "a known field (did you mean 'durationS'?)", found: "unknown field 'durationMs'", line: 3 },
  { file: 'bad/unknown-top-key.yaml', field: 'durationS', expected: 'a number > 0', found: 'nothing' },
  { file: 'bad/topology-kind.yaml', field: 'topology.kind', expected: "one of graphml, matrix, generate (did you mean 'graphml'?)", found: "'graphm'", line: 5 },
  { file: 'bad/matrix-no-unit.yaml', field: 'topology.unit', expected: 'one of us, ms, s', found: 'nothing', line: 4 },
  { file: 'bad/missing-topology-file.yaml', field: 'topology.file', expected: 'an existing file (resolved to /', found: "'../topologies/Renater2010.graphml'", line: 6 },
  { file: 'bad/latency-model.yaml', field: 'topology.latency.model', expected: 'one of geo, explicit', found: "'measured'" },
  { file: 'bad/route-factor.yaml', field: 'topology.latency.routeFactor', expected: 'a number >= 1', found: '0.5', line: 7 },
  { file: 'bad/unknown-nested-key.json', field: 'topology.latency.routefactor', expected: "did you mean 'routeFactor'?", line: 8 },
  { file: 'bad/gossip-shuffle-length.yaml', field: 'protocols.gossip.shuffleLength', expected: 'an integer in 1..viewSize (10)', found: '12' },
  { file: 'bad/vivaldi-dimensions-zero.yaml', field: 'protocols.vivaldi.dimensions', expected: 'an integer in 1..16', found: '0' },
  { file: 'bad/vivaldi-null.yaml', field: 'protocols.vivaldi', expected: 'an object of vivaldi settings ({} for all defaults)', found: 'null' },
  { file: 'bad/no-protocols.yaml', field: 'protocols', expected: 'at least one of gossip, vivaldi', found: 'an object', line: 7 },
  { file: 'bad/fault-after-end.yaml', field: 'faults[1].atS', expected: 'a time in seconds < durationS (600)', found: '600', line: 11 },
  { file: 'bad/fault-kind.yaml', field: 'faults[0].kind', expected: 'one of link-down, pop-crash, host-crash, agent-crash, partition, message-loss, stochastic', found: "'link-fail'" },
  { file: 'bad/link-down-same-pop.yaml', field: 'faults[0].link[1]', expected: 'a PoP other than link[0]', found: "'Paris'" },
  { file: 'bad/partition-empty.yaml', field: 'faults[0].pops', expected: 'a list of at least one PoP', found: 'an empty list' },
  { file: 'bad/stochastic-target.yaml', field: 'faults[0].target', expected: "one of links, hosts, pops (did you mean 'links'?)", found: "'link'" },
  { file: 'bad/hosts-list-count.yaml', field: 'hosts.perPop.counts.Paris', expected: 'an integer >= 0', found: '2.5', line: 8 },
  { file: 'bad/metrics-interval.yaml', field: 'metrics.intervalS', expected: 'a number <= durationS (600)', found: '900' },
  {
    file: 'good/minimal.yaml',
    overrides: ['protocols.vivaldi.dimension=8'],
    field: 'protocols.vivaldi.dimension',
    expected: "did you mean 'dimensions'?",
    found: "unknown field 'dimension' (from --set protocols.vivaldi.dimension=8)",
  },
  { file: 'good/minimal.yaml', overrides: ['seed=abc'], field: 'seed', expected: 'an integer >= 0', found: "'abc' (from --set seed=abc)", line: 0 },
  { file: 'good/minimal.yaml', overrides: ['seed'], field: '--set seed', expected: 'path=value', found: "no '='" },
  { file: 'good/minimal.yaml', overrides: ['faults[0].atS=5'], field: 'faults[0]', expected: 'an existing item (the list is empty', found: 'index 0' },
  { file: 'good/full.yaml', overrides: ['faults[5].atS=5'], field: 'faults[5]', expected: 'an index < 5', found: 'index 5' },
  { file: 'good/minimal.yaml', overrides: ['protocols.vivaldi=null'], field: 'protocols', expected: 'at least one of gossip, vivaldi' },
  { file: 'good/minimal.yaml', overrides: ['topology.unit=ms'], field: 'topology.unit', expected: 'one of kind, file, latency, bandwidthBps, bandwidthFrom' },
  { file: 'good/minimal.yaml', overrides: ['seed.low=1'], field: 'seed.low', expected: 'nothing below a plain value' },
  { file: 'good/minimal.yaml', overrides: ['topology..file=x'], field: '--set topology..file=x', expected: 'a path such as' },
];

describe('loadScenario rejects malformed scenarios with the file, the field and what was expected', () => {
  it.each(cases)('$file $overrides: $field expected $expected', (bad) => {
    const file = fixture(bad.file);
    const error = scenarioErrorOf(() => loadScenario(file, bad.overrides ?? []));
    expect(error.file).toBe(file);
    const issue = error.issues.find((candidate) => candidate.field === bad.field);
    expect(issue, error.message).toBeDefined();
    expect(issue?.expected).toContain(bad.expected);
    if (bad.found !== undefined) expect(issue?.found).toContain(bad.found);
    if (bad.line !== undefined) expect(issue?.line).toBe(bad.line);
    const field = bad.field === '' ? '' : `${bad.field}: `;
    expect(error.message).toMatch(new RegExp(`^${escape(file)}(:\\d+:\\d+)?: ${escape(field)}expected (.*)?${escape(bad.expected)}`, 'm'));
  });

  it('reports every issue of a file together, one line each, in the form FILE:LINE:COLUMN: FIELD: expected X, found Y', () => {
    const file = fixture('bad/many-issues.yaml');
    const error = scenarioErrorOf(() => loadScenario(file));
    expect(error.issues.map((issue) => issue.field)).toEqual([
      'name',
      'seed',
      'durationS',
      'topology.pops',
      'protocols.gossip.viewSize',
      'extra',
    ]);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe(`${file}:2:1: seed: expected an integer >= 0, found -1`);
    expect(lines[5]).toContain(`extra: expected one of name, seed, durationS, topology, hosts, protocols, faults, churn, detector, services, cloud, scheduler, policies, operators, trace, metrics, output, limits, found unknown field 'extra'`);
    expect(error.fieldPath).toBe('name');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
