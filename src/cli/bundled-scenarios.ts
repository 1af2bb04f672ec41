/**
 * Scenario arguments that name a bundled scenario. `luc run renater-dvms` (or `renater-dvms.yaml`,
 * or `scenarios/renater-dvms.yaml`, as the README writes them) runs the scenario shipped with the
 * package when no such file exists where the command runs, so the README's commands work from any
 * folder once `luc` is installed. An existing file always wins.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ScenarioError, scenarioIssue } from '../scenario/errors.js';
import { PACKAGE_ROOT } from './provenance.js';

export const BUNDLED_SCENARIO_DIR = join(PACKAGE_ROOT, 'scenarios');

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The names of the bundled scenarios, sorted. */
export function bundledScenarioNames(): string[] {
  return readdirSync(BUNDLED_SCENARIO_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => name.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * `arg` itself when it is a file (or a path naming no bundled scenario: the loader then says what
 * is wrong with it); otherwise the bundled scenario it names.
 * @throws ScenarioError for a bare name (no folder, no extension) that names nothing, listing the bundled ones.
 */
export function resolveScenarioArg(arg: string): string {
  if (isFile(arg)) return arg;
  const folder = dirname(arg);
  if (folder !== '.' && folder !== 'scenarios' && folder !== './scenarios') return arg;
  const name = basename(arg);
  for (const candidate of [name, `${name}.yaml`]) {
    if (!/^[a-z0-9-]+\.(yaml|yml|json)$/.test(candidate)) continue;
    const bundled = join(BUNDLED_SCENARIO_DIR, candidate);
    if (existsSync(bundled) && isFile(bundled)) return bundled;
  }
  if (folder === '.' && extname(arg) === '' && !existsSync(arg)) {
    throw new ScenarioError(arg, [scenarioIssue('', `a scenario file or the name of a bundled scenario (${bundledScenarioNames().join(', ')})`, 'no such file')]);
  }
  return arg;
}
