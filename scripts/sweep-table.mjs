#!/usr/bin/env node
// Prints a Markdown table of a sweep's aggregate.csv (written by `luc sweep` or `luc sweep collect`):
// one row per grid point, one column per metric named on the command line, "mean ± 95% CI half-width".
//   node scripts/sweep-table.mjs results/vmplaces-sweep cloud.resolve_s_mean cloud.violations ...
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...metrics] = process.argv.slice(2);
if (dir === undefined || metrics.length === 0) {
  process.stderr.write('usage: node scripts/sweep-table.mjs SWEEP_DIR METRIC...\n');
  process.exit(2);
}
const lines = readFileSync(join(dir, 'aggregate.csv'), 'utf8').trim().split('\n');
const header = lines[0].split(',');
const at = (name) => header.indexOf(name);
const params = header.slice(0, at('metric'));
const points = new Map();
for (const line of lines.slice(1)) {
  const cells = line.split(',');
  const key = params.map((_, i) => cells[i]).join(',');
  if (!points.has(key)) points.set(key, new Map());
  points.get(key).set(cells[at('metric')], cells);
}
const figure = (cells) => {
  if (cells === undefined) return '-';
  const mean = Number(cells[at('mean')]);
  const low = cells[at('ci95_low')];
  const digits = Math.abs(mean) >= 100 ? 0 : Math.abs(mean) >= 10 ? 1 : 2;
  return low === '' ? mean.toFixed(digits) : `${mean.toFixed(digits)} ± ${(mean - Number(low)).toFixed(digits)}`;
};
process.stdout.write(`| ${[...params, 'n', ...metrics].join(' | ')} |\n|${' --- |'.repeat(params.length + 1 + metrics.length)}\n`);
for (const [key, byMetric] of points) {
  const n = [...byMetric.values()][0][at('n')];
  process.stdout.write(`| ${[...key.split(','), n, ...metrics.map((m) => figure(byMetric.get(m)))].join(' | ')} |\n`);
}
