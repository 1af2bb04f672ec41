#!/usr/bin/env node
// Runs bundled scenarios live (luc live launch --scenario, N agents on loopback) and prints each
// one's key metrics live beside its simulated twin (the same agents' RTT matrix, duration, seed).
// Usage: node scripts/live-vs-sim.mjs [OUT_DIR]   (after npm run build; takes about 30 minutes)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? 'results/live-vs-sim';
const runs = [
  { scenario: 'scenarios/planetlab-vivaldi.yaml', agents: 32, args: ['--duration-s', '120'], keys: ['vivaldi.median_rel_error', 'vivaldi.p90_rel_error'] },
  { scenario: 'scenarios/planetlab-spiral.yaml', agents: 32, args: ['--duration-s', '180', '--set', 'protocols.spiral.searchPeriodMs=20000'], keys: ['vivaldi.median_rel_error', 'spiral.searches', 'spiral.recall_at_10', 'spiral.median_excess_ms', 'spiral.completed_share'] },
  {
    scenario: 'scenarios/chord-simgrid-1k.yaml',
    agents: 32,
    args: ['--duration-s', '120', '--set', 'protocols.chord.stabilizePeriodMs=2000', '--set', 'protocols.chord.lookupPeriodMs=2000', '--set', 'protocols.chord.rpcTimeoutMs=5000', '--set', 'metrics.intervalS=10'],
    keys: ['chord.lookup_success', 'chord.median_lookup_latency_ms', 'chord.mean_hops', 'chord.joined'],
  },
  { scenario: 'scenarios/renater-can.yaml', agents: 16, args: ['--duration-s', '90'], keys: ['can.lookup_success', 'can.mean_hops', 'can.joined'] },
  { scenario: 'scenarios/renater-vm-index.yaml', agents: 16, args: ['--duration-s', '300'], keys: ['vmindex.success_share_total', 'vmindex.median_latency_ms', 'vmindex.mean_hops', 'vmindex.locates'] },
  { scenario: 'scenarios/renater-routing.yaml', agents: 16, args: ['--duration-s', '120', '--set', 'protocols.routing.requestStartMs=40000'], keys: ['routing.requests', 'routing.success', 'routing.mean_hops', 'routing.mean_stretch'] },
  { scenario: 'scenarios/renater-detector.yaml', agents: 16, args: ['--duration-s', '90'], keys: ['detector.leaves', 'detector.false_suspicions'] },
  { scenario: 'scenarios/renater-two-overlays.yaml', agents: 16, args: ['--duration-s', '90'], keys: ['services.replicas.full_share', 'services.watch.in_step_share', 'services.watch.notifications', 'chord.lookup_success', 'can.lookup_success'] },
  {
    scenario: 'scenarios/renater-dvms.yaml',
    agents: 17,
    args: ['--duration-s', '240', '--set', 'cloud.lifecycle.workloadStartMs=60000', '--set', 'cloud.lifecycle.workloadPeriodMs=60000', '--set', 'metrics.intervalS=10'],
    keys: ['ve.configure.ok_share', 've.find.ops', 've.find.ok_share', 've.find.reported_ok_share', 'cloud.violations', 'cloud.migrations', 'cloud.vms_missing'],
  },
  { scenario: 'test/runtime/live/fixtures/live-dvms.yaml', agents: 5, args: [], keys: ['cloud.violations', 'cloud.resolve_s_max', 'cloud.migrations'] },
];

const fmt = (v) => (v === undefined ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(3));
console.log('| scenario | agents | metric | live | simulated |');
console.log('| --- | --- | --- | --- | --- |');
for (const run of runs) {
  const name = run.scenario.split('/').pop().replace('.yaml', '');
  const dir = join(out, name);
  try {
    execFileSync(process.execPath, ['dist/cli/main.js', 'live', 'launch', '--scenario', run.scenario, '--agents', String(run.agents), ...run.args, '--out', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    console.log(`| ${name} | ${run.agents} | failed: ${error.message.split('\n')[0]} | | |`);
    continue;
  }
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const sim = summary.twin?.metrics ?? {};
  for (const key of run.keys) console.log(`| ${name} | ${run.agents} | ${key} | ${fmt(summary.metrics[key])} | ${fmt(sim[key]?.sim)} |`);
  console.log(`| ${name} | ${run.agents} | restarts, missing reports | ${summary.restarts.length}, ${summary.missingReports.length} | |`);
}
