#!/usr/bin/env node
// Prints a Markdown table of a sweep's aggregate.csv (written by `luc sweep` or `luc sweep collect`):
// one row per grid point (n: its runs), one column per metric named on the command line, "mean ± 95% CI
// half-width", with "(n=4)" where the metric rests on fewer of the point's runs.
//   node scripts/sweep-table.mjs results/vmplaces-sweep cloud.resolve_s_mean cloud.violations ...
// The file is read with csv-parse (the sibling of the csv-stringify that wrote it): a swept value
// may hold commas and quotes (a JSON fault list, a protocol block), which a split on ',' breaks.
// Exit 2, with the file named, when the folder, its aggregate.csv or its columns are not a sweep's.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const fail = (message) => {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
};

const [dir, ...metrics] = process.argv.slice(2);
if (dir === undefined || metrics.length === 0) {
  process.stderr.write('usage: node scripts/sweep-table.mjs SWEEP_DIR METRIC...\n');
  process.exit(2);
}
if (!existsSync(dir)) fail(`${dir}: no such folder (a sweep folder, holding aggregate.csv)`);
if (!statSync(dir).isDirectory()) fail(`${dir}: not a folder (a sweep folder, holding aggregate.csv)`);
const file = join(dir, 'aggregate.csv');
if (!existsSync(file)) fail(`${file}: no such file (run luc sweep, or luc sweep collect ${dir}, first)`);
let records;
try {
  records = parse(readFileSync(file, 'utf8'), { relax_column_count: false });
} catch (error) {
  fail(`${file}: not valid CSV (${error.message})`);
}
const [header, ...rows] = records;
const at = (name) => header?.indexOf(name) ?? -1;
for (const column of ['metric', 'n', 'mean', 'ci95_low']) {
  if (at(column) < 0) fail(`${file}: no '${column}' column (is it a luc sweep aggregate?)`);
}
const known = new Set(rows.map((cells) => cells[at('metric')]));
const unknown = metrics.filter((metric) => !known.has(metric));
if (unknown.length > 0) fail(`${file}: no metric ${unknown.map((m) => `'${m}'`).join(', ')} (it has ${[...known].sort().join(', ')})`);

const params = header.slice(0, at('metric'));
const points = new Map();
for (const cells of rows) {
  const key = JSON.stringify(params.map((_, i) => cells[i]));
  if (!points.has(key)) points.set(key, new Map());
  points.get(key).set(cells[at('metric')], cells);
}
// A metric absent from some runs of a point (no violation: no resolve time) rests on fewer runs
// than the point's n (its most runs over all metrics): its cell says how many, "(n=4)".
const figure = (cells, pointN) => {
  if (cells === undefined) return '-';
  const mean = Number(cells[at('mean')]);
  const low = cells[at('ci95_low')];
  const digits = Math.abs(mean) >= 100 ? 0 : Math.abs(mean) >= 10 ? 1 : 2;
  const n = Number(cells[at('n')]);
  const text = low === '' ? mean.toFixed(digits) : `${mean.toFixed(digits)} ± ${(mean - Number(low)).toFixed(digits)}`;
  return n < pointN ? `${text} (n=${n})` : text;
};
// A cell of a Markdown table cannot hold a bare '|'.
const cell = (text) => String(text).replace(/\|/g, '\\|');
process.stdout.write(`| ${[...params, 'n', ...metrics].map(cell).join(' | ')} |\n|${' --- |'.repeat(params.length + 1 + metrics.length)}\n`);
for (const [key, byMetric] of points) {
  const n = Math.max(...[...byMetric.values()].map((cells) => Number(cells[at('n')])));
  process.stdout.write(`| ${[...JSON.parse(key), n, ...metrics.map((m) => figure(byMetric.get(m), n))].map(cell).join(' | ')} |\n`);
}
