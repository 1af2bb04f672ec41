/** Read one results folder of `luc run`: metrics.csv, summary.json, scenario.json, coordinates.csv. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCsvFile } from './csv.js';
import { PlotInputError } from './errors.js';

export interface MetricPoint {
  readonly timeS: number;
  readonly value: number;
}

export interface NodeCoordinates {
  /** Column names after `node`: x0_ms.., height_ms, error_estimate. */
  readonly columns: readonly string[];
  readonly rows: readonly { readonly node: string; readonly values: readonly number[] }[];
}

export interface RunFolder {
  readonly dir: string;
  readonly scenarioName: string;
  readonly seed: number;
  /** The resolved scenario as written (plain JSON). */
  readonly scenario: Readonly<Record<string, unknown>>;
  /** Global metrics: name -> points in time order. */
  readonly series: ReadonlyMap<string, readonly MetricPoint[]>;
  /** Per-node metrics: name -> (node -> value at the latest time recorded). */
  readonly nodeValues: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly coordinates: NodeCoordinates | null;
}

export function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, 'metrics.csv'));
}

export function readRunFolder(dir: string): RunFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PlotInputError(dir, 'not a folder');
  const metricsPath = join(dir, 'metrics.csv');
  if (!existsSync(metricsPath)) {
    throw new PlotInputError(dir, 'not a results folder (expected metrics.csv, summary.json and scenario.json from `luc run`) nor a sweep folder (sweep.json)');
  }
  const summary = readJson(join(dir, 'summary.json'));
  const scenario = readJson(join(dir, 'scenario.json'));
  const { series, nodeValues } = readMetrics(metricsPath);
  const coordinatesPath = join(dir, 'coordinates.csv');
  return {
    dir,
    scenarioName: typeof summary.scenario === 'string' ? summary.scenario : String(scenario.name ?? dir),
    seed: typeof summary.seed === 'number' ? summary.seed : Number(scenario.seed),
    scenario,
    series,
    nodeValues,
    coordinates: existsSync(coordinatesPath) ? readCoordinates(coordinatesPath) : null,
  };
}

export function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PlotInputError(path, 'missing or unreadable (a results folder holds metrics.csv, summary.json and scenario.json)');
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new PlotInputError(path, `expected a JSON object: ${(error as Error).message}`);
  }
}

function readMetrics(path: string): Pick<RunFolder, 'series' | 'nodeValues'> {
  const { header, records } = readCsvFile(path);
  if (header.join(',') !== 'time_s,metric,value,node') {
    throw new PlotInputError(path, `expected the header time_s,metric,value,node, found '${header.join(',')}'`);
  }
  const series = new Map<string, MetricPoint[]>();
  const nodeTimes = new Map<string, number>();
  const nodeValues = new Map<string, Map<string, number>>();
  records.forEach((record, i) => {
    const [timeText, metric, valueText, node = ''] = record;
    const timeS = Number(timeText);
    const value = valueText === '' ? NaN : Number(valueText);
    if (record.length < 3 || !Number.isFinite(timeS) || metric === '') {
      throw new PlotInputError(path, `line ${i + 2}: expected time_s,metric,value,node, found '${record.join(',')}'`);
    }
    if (node === '') {
      const points = series.get(metric) ?? [];
      points.push({ timeS, value });
      series.set(metric, points);
      return;
    }
    // Keep each per-node metric at its latest time only (the end of the run).
    const latest = nodeTimes.get(metric);
    if (latest === undefined || timeS > latest) {
      nodeTimes.set(metric, timeS);
      nodeValues.set(metric, new Map());
    }
    if (timeS >= (nodeTimes.get(metric) as number)) nodeValues.get(metric)?.set(node, value);
  });
  return { series, nodeValues };
}

function readCoordinates(path: string): NodeCoordinates {
  const { header, records } = readCsvFile(path);
  if (header[0] !== 'node' || header.length < 2) throw new PlotInputError(path, `expected a header node,x0_ms,..., found '${header.join(',')}'`);
  const rows = records.map((record, i) => {
    const values = record.slice(1).map(Number);
    if (record.length !== header.length || values.some((v) => Number.isNaN(v))) {
      throw new PlotInputError(path, `line ${i + 2}: expected ${header.length} fields (a node and numbers), found '${record.join(',')}'`);
    }
    return { node: record[0], values };
  });
  return { columns: header.slice(1), rows };
}

/** The metric's points, or an error naming the folder and the metrics it does have. */
export function seriesOf(run: RunFolder, metric: string): readonly MetricPoint[] {
  const points = run.series.get(metric);
  if (points === undefined) {
    throw new PlotInputError(join(run.dir, 'metrics.csv'), `no global metric '${metric}' (metrics here: ${[...run.series.keys()].sort().join(', ')})`);
  }
  return points;
}
