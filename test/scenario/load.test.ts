import { describe, expect, expectTypeOf, it } from 'vitest';
import { loadScenario, scenarioHash } from '../../src/scenario/load.js';
import type { Fault, Scenario, Topology } from '../../src/scenario/schema.js';
import { fixture } from './fixtures.js';
import { defaultVivaldiConfig } from '../../src/protocols/vivaldi/vivaldi-config.js';

describe('loadScenario fills every default of a minimal scenario', () => {
  const scenario = loadScenario(fixture('good/minimal.yaml'));

  it('keeps what the file says and resolves the topology file to an absolute path', () => {
    expect(scenario.name).toBe('minimal');
    expect(scenario.seed).toBe(42);
    expect(scenario.durationS).toBe(600);
    expect(scenario.topology).toEqual({
      kind: 'graphml',
      file: fixture('topologies/tiny.graphml'),
      latency: { model: 'geo', routeFactor: 1.3, perHopUs: 20 },
      bandwidthBps: 10e9,
      bandwidthFrom: 'scenario',
    });
  });

  it('fills hosts, metrics, output, limits and an empty fault list', () => {
    expect(scenario.hosts).toEqual({ perPop: { rule: 'fixed', count: 1 }, intraPopLatencyUs: 50, nicBandwidthBps: 1e9 });
    expect(scenario.faults).toEqual([]);
    expect(scenario.metrics).toEqual({ intervalS: 10, pairSampleMax: 20_000 });
    expect(scenario.output).toEqual({ dir: 'results/minimal/seed-42' });
    expect(scenario.limits).toEqual({ eventsMax: 2_000_000_000, pendingEventsMax: 2 ** 26 });
  });

  it('enables vivaldi with all its defaults and leaves gossip disabled', () => {
    // The scenario's defaults are the protocol's own: one source of truth.
    expect(scenario.protocols.vivaldi).toEqual(defaultVivaldiConfig);
    expect(scenario.protocols.gossip).toBeUndefined();
  });
});

describe('loadScenario reads every section as written', () => {
  it('keeps a full YAML scenario, a fault without durationS lasting for ever (Infinity)', () => {
    const scenario = loadScenario(fixture('good/full.yaml'));
    expect(scenario.topology).toMatchObject({ latency: { model: 'geo', routeFactor: 1.5, perHopUs: 30 }, bandwidthBps: 40e9, bandwidthFrom: 'file' });
    expect(scenario.hosts.perPop).toEqual({ rule: 'list', counts: { Paris: 4, Lyon: 2 }, default: 1 });
    expect(scenario.protocols.gossip).toEqual({ viewSize: 30, shuffleLength: 10, periodMs: 2000, farPeers: 3, farTtlPeriods: 60 });
    expect(scenario.protocols.vivaldi?.dimensions).toBe(3);
    expect(scenario.faults).toHaveLength(5);
    expect(scenario.faults[0]).toEqual({ kind: 'link-down', atS: 100, link: ['Paris', 'Lyon'], durationS: 50 });
    expect(scenario.faults[1]).toEqual({ kind: 'pop-crash', atS: 120, pop: 3, durationS: Infinity });
    expect(scenario.faults[4]).toEqual({ kind: 'stochastic', target: 'links', mttfS: 3600, mttrS: 60 });
    expect(scenario.output.dir).toBe('out/renater');
    expect(scenario.limits).toEqual({ eventsMax: 1e9, pendingEventsMax: 1_048_576 });
  });

  it('reads JSON; a generated topology takes the scenario seed; gossip defaults shrink to a small view', () => {
    const scenario = loadScenario(fixture('good/generate.json'));
    expect(scenario.topology).toEqual({
      kind: 'generate',
      pops: 100,
      seed: 9,
      latency: { model: 'explicit', linkUs: 500 },
      bandwidthBps: 10e9,
    });
    expect(scenario.hosts.perPop).toEqual({ rule: 'degree', perLink: 2, min: 1 });
    expect(scenario.protocols.gossip).toEqual({ viewSize: 4, shuffleLength: 4, periodMs: 1000, farPeers: 2, farTtlPeriods: 60 });
  });

  it('reads a .yml matrix scenario with its unit', () => {
    const scenario = loadScenario(fixture('good/matrix.yml'));
    expect(scenario.topology).toEqual({ kind: 'matrix', file: fixture('topologies/tiny.tsv'), unit: 'ms', missing: [], symmetrize: 'none', fill: 'shortest-path' });
    expect(scenario.protocols.gossip).toEqual({ viewSize: 20, shuffleLength: 8, periodMs: 1000, farPeers: 2, farTtlPeriods: 60 });
  });
});

describe('--set overrides apply before validation', () => {
  const file = fixture('good/minimal.yaml');

  it('sets numbers, booleans and strings parsed as YAML scalars', () => {
    const scenario = loadScenario(file, ['protocols.vivaldi.dimensions=8', 'protocols.vivaldi.height=false', 'name=other', 'durationS=1e3']);
    expect(scenario.protocols.vivaldi).toMatchObject({ dimensions: 8, useHeight: false });
    expect(scenario.name).toBe('other');
    expect(scenario.durationS).toBe(1000);
    // a run with overrides is another run: its default folder carries the hash of the --set texts
    expect(scenario.output.dir).toBe('results/other/seed-42-set-51b526e9');
  });

  it('keeps the plain default folder for a seed override, and an output.dir given by --set as it is', () => {
    expect(loadScenario(file, ['seed=7']).output.dir).toBe('results/minimal/seed-7');
    expect(loadScenario(file, ['protocols.vivaldi.dimensions=8', 'output.dir=here']).output.dir).toBe('here');
  });

  it('creates a missing protocol section (enabling it) and switches a discriminated union', () => {
    const scenario = loadScenario(file, ['protocols.gossip.viewSize=10', 'topology.latency.model=explicit', 'topology.latency.linkUs=250']);
    expect(scenario.protocols.gossip).toEqual({ viewSize: 10, shuffleLength: 8, periodMs: 1000, farPeers: 2, farTtlPeriods: 60 });
    expect(scenario.topology).toMatchObject({ latency: { model: 'explicit', linkUs: 250 } });
  });

  it('replaces whole lists with flow YAML and then sets inside their items', () => {
    const scenario = loadScenario(file, ['faults=[{kind: host-crash, atS: 1, host: 0}]', 'faults[0].atS=5', 'hosts.perPop={rule: list, counts: {}}', 'hosts.perPop.counts.Paris=3']);
    expect(scenario.faults).toEqual([{ kind: 'host-crash', atS: 5, host: 0, durationS: Infinity }]);
    expect(scenario.hosts.perPop).toEqual({ rule: 'list', counts: { Paris: 3 }, default: 1 });
  });

  it('an empty value or null removes a field: its default applies, a protocol is disabled', () => {
    const scenario = loadScenario(fixture('good/matrix.yml'), ['protocols.gossip=null', 'protocols.vivaldi.dimensions=']);
    expect(scenario.protocols.gossip).toBeUndefined();
    expect(scenario.protocols.vivaldi?.dimensions).toBe(defaultVivaldiConfig.dimensions);
  });

  it('the last of two overrides of one field wins', () => {
    expect(loadScenario(file, ['seed=1', 'seed=2']).seed).toBe(2);
  });
});

describe('scenarioHash', () => {
  it('is 16 hex digits, equal for the same scenario written with its keys in another order', () => {
    const a = scenarioHash(loadScenario(fixture('good/minimal.yaml')));
    const b = scenarioHash(loadScenario(fixture('good/minimal-reordered.yaml')));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toBe(a);
  });

  it('changes when any value changes, including one set by --set', () => {
    const file = fixture('good/minimal.yaml');
    expect(scenarioHash(loadScenario(file, ['seed=43']))).not.toBe(scenarioHash(loadScenario(file)));
    expect(scenarioHash(loadScenario(file, ['protocols.vivaldi.cc=0.5']))).not.toBe(scenarioHash(loadScenario(file)));
  });
});

describe('the Scenario type', () => {
  it('has no optional fields below the protocol sections', () => {
    expectTypeOf<Scenario['output']['dir']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<Topology, { kind: 'generate' }>['seed']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<Fault, { kind: 'pop-crash' }>['durationS']>().toEqualTypeOf<number>();
    expectTypeOf<NonNullable<Scenario['protocols']['gossip']>['shuffleLength']>().toEqualTypeOf<number>();
    expectTypeOf<Scenario['hosts']['perPop']>().toMatchTypeOf<{ rule: 'fixed' | 'degree' | 'list' }>();
  });
});
