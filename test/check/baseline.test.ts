import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaseline } from '../../src/check/baseline.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { ROOT } from '../support/dist-build.js';

const BASELINES = join(ROOT, 'scenarios/baselines');

describe('baseline files', () => {
  let dir = '';
  let scenario = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-baseline-'));
    scenario = relative(dir, join(ROOT, 'scenarios/renater-vivaldi.yaml'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, data: unknown): string => {
    const file = join(dir, name);
    writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
    return file;
  };
  const errorOf = (file: string): ScenarioError => {
    try {
      loadBaseline(file);
    } catch (error) {
      if (error instanceof ScenarioError) return error;
      throw error;
    }
    throw new Error(`${file} loaded`);
  };
  const check = { metric: 'vivaldi.median_rel_error', expected: 0.07, tolerance: { relative: 0.1 }, direction: 'lower-is-better' };

  it('loads every committed baseline, each with a scenario, seeds and checks', () => {
    const files = readdirSync(BASELINES).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const name of files) {
      const baseline = loadBaseline(join(BASELINES, name));
      expect(baseline.name).toBe(name.replace(/\.json$/, ''));
      expect(baseline.seeds.length).toBeGreaterThan(0);
      expect(baseline.checks.length).toBeGreaterThan(0);
    }
  });

  it('resolves the scenario relative to the baseline file and defaults overrides to none', () => {
    const baseline = loadBaseline(write('ok.json', { scenario, seeds: [1, 2], checks: [check] }));
    expect(baseline.scenarioFile).toBe(join(ROOT, 'scenarios/renater-vivaldi.yaml'));
    expect(baseline.overrides).toEqual([]);
    expect(baseline.name).toBe('ok');
    expect(baseline.checks[0].tolerance).toEqual({ relative: 0.1 });
  });

  it('names the file, the line, the field, what was expected and what was found, for every problem at once', () => {
    const bad = {
      scenario,
      seeds: [1, -2],
      checks: [{ metric: 'vivaldi.median_rel_error', expected: 'low', tolerance: { percent: 5 }, direction: 'lower' }],
    };
    const error = errorOf(write('bad.json', bad));
    expect(error.file).toMatch(/bad\.json$/);
    const fields = error.issues.map((issue) => issue.field);
    expect(fields).toEqual(expect.arrayContaining(['seeds[1]', 'checks[0].expected', 'checks[0].tolerance', 'checks[0].direction']));
    const tolerance = error.issues.find((issue) => issue.field === 'checks[0].tolerance');
    expect(tolerance?.expected).toBe('{ "absolute": x >= 0 } or { "relative": r >= 0 }');
    const direction = error.issues.find((issue) => issue.field === 'checks[0].direction');
    expect(direction?.expected).toMatch(/one of lower-is-better, higher-is-better, two-sided/);
    expect(direction?.found).toBe("'lower'");
    expect(error.message).toMatch(/bad\.json:\d+:\d+: seeds\[1\]: expected a seed, an integer >= 0, found -2/);
  });

  it('rejects unknown fields with a suggestion, an empty list of checks and a metric checked twice', () => {
    expect(errorOf(write('typo.json', { scenario, seeds: [1], checks: [check], seed: 3 })).message).toMatch(/seed: expected a known field \(did you mean 'seeds'\?\)/);
    expect(errorOf(write('empty.json', { scenario, seeds: [1], checks: [] })).message).toMatch(/checks: expected at least one check, found an empty list/);
    expect(errorOf(write('twice.json', { scenario, seeds: [1], checks: [check, check] })).message).toMatch(/checks\[1\]\.metric: expected a metric not checked above/);
  });

  it('rejects a missing scenario, a missing file, invalid JSON and other extensions', () => {
    expect(errorOf(write('noscenario.json', { scenario: 'nowhere.yaml', seeds: [1], checks: [check] })).message).toMatch(
      /scenario: expected an existing scenario file \(resolved to .*nowhere\.yaml\), found 'nowhere\.yaml'/,
    );
    expect(errorOf(join(dir, 'absent.json')).message).toMatch(/expected a readable baseline file, found no such file/);
    expect(errorOf(write('syntax.json', '{ "scenario": ')).message).toMatch(/expected valid JSON/);
    expect(errorOf(write('b.yaml', 'scenario: x')).message).toMatch(/expected a baseline \.json file, found '\.yaml'/);
  });
});
