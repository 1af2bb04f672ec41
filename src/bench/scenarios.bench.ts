/**
 * Times the bundled scenarios end to end (load, build, run, metrics; no file writing) and
 * reports wall time and peak memory against the targets of the project. Each scenario runs in
 * its own process so that its peak RSS is its own.
 *   npm run bench:scenarios              all of them, a table with verdicts
 *   npm run bench:scenarios -- --strict  exit 1 when a target is missed
 *   npm run bench:scenarios -- dvms-10k  only the scenarios named
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/run-scenario.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

interface Target {
  readonly scenario: string;
  readonly wallSMax: number;
  readonly rssMbMax: number;
  /** The metric reported beside the time: the scenario's headline result. */
  readonly headline: string;
}

const TARGETS: readonly Target[] = [
  { scenario: 'renater-vivaldi', wallSMax: 5, rssMbMax: Infinity, headline: 'vivaldi.median_rel_error' },
  { scenario: 'planetlab-vivaldi', wallSMax: Infinity, rssMbMax: Infinity, headline: 'vivaldi.median_rel_error' },
  { scenario: 'synthetic-10k-vivaldi', wallSMax: 60, rssMbMax: 2048, headline: 'vivaldi.median_rel_error' },
  // Issue 5: 10,000 hosts, 100,000 VMs, DVMS, 1 h virtual: under 5 min and 4 GiB.
  { scenario: 'dvms-10k', wallSMax: 300, rssMbMax: 4096, headline: 'cloud.resolve_s_mean' },
];

interface Measurement {
  readonly scenario: string;
  readonly wallS: number;
  readonly rssMb: number;
  readonly events: number;
  readonly metrics: Record<string, number>;
}

function measureOne(file: string): Measurement {
  const startMs = performance.now();
  const scenario = loadScenario(file);
  const outcome = runScenario(scenario, file);
  const wallS = (performance.now() - startMs) / 1000;
  return {
    scenario: scenario.name,
    wallS,
    rssMb: process.resourceUsage().maxRSS / 1024,
    events: outcome.eventsProcessed,
    metrics: outcome.series.finalValues(),
  };
}

function main(): void {
  const oneIndex = process.argv.indexOf('--one');
  if (oneIndex >= 0) {
    process.stdout.write(JSON.stringify(measureOne(process.argv[oneIndex + 1])));
    return;
  }
  const strict = process.argv.includes('--strict');
  let missed = 0;
  const named = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const targets = named.length === 0 ? TARGETS : TARGETS.filter((target) => named.includes(target.scenario));
  if (targets.length === 0) {
    process.stderr.write(`error: no benchmarked scenario among ${named.join(', ')}; known: ${TARGETS.map((t) => t.scenario).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const rows = targets.map((target) => {
    const file = join(ROOT, 'scenarios', `${target.scenario}.yaml`);
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', file], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${target.scenario} failed:\n${child.stderr}`);
    const m = JSON.parse(child.stdout) as Measurement;
    const ok = m.wallS <= target.wallSMax && m.rssMb <= target.rssMbMax;
    if (!ok) missed++;
    return {
      scenario: m.scenario,
      'wall s': m.wallS.toFixed(2),
      'target s': Number.isFinite(target.wallSMax) ? `< ${target.wallSMax}` : '-',
      'peak RSS MB': m.rssMb.toFixed(0),
      'target MB': Number.isFinite(target.rssMbMax) ? `< ${target.rssMbMax}` : '-',
      'M events': (m.events / 1e6).toFixed(2),
      'M events/s': (m.events / m.wallS / 1e6).toFixed(3),
      headline: `${target.headline} = ${(m.metrics[target.headline] ?? NaN).toFixed(4)}`,
      verdict: ok ? 'ok' : 'MISSED',
    };
  });
  console.table(rows);
  if (strict && missed > 0) process.exitCode = 1;
}

main();
