/**
 * Fixtures for the plotting tests: short runs of the bundled RENATER scenario made with the
 * compiled CLI, a hand-written sweep folder, and SVG parsing helpers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { luc, ROOT } from '../cli/run-cli.js';

export const RENATER_SCENARIO = join(ROOT, 'scenarios/renater-vivaldi.yaml');
export const RENATER_GRAPHML = join(ROOT, 'topologies/Renater2010.graphml');

/** A 60 s run without faults (about half a second); extra `--set` overrides appended. */
export function makeRun(out: string, seed: number, sets: readonly string[] = []): string {
  const args = ['run', RENATER_SCENARIO, '--set', 'durationS=60', '--set', 'faults=[]', ...sets.flatMap((s) => ['--set', s])];
  const result = luc([...args, '--seed', String(seed), '--out', out, '--quiet']);
  if (result.status !== 0) throw new Error(`fixture run failed: ${result.stderr}`);
  return out;
}

/** A sweep of dimensions {2, 3, 5} x useHeight {true, false}, 3 seeds, two metrics. */
export function makeSweep(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const dims = [2, 3, 5];
  const heights = [true, false];
  const points = dims.flatMap((d) => heights.map((h) => ({ id: `d${d}-h${h ? 1 : 0}`, params: { 'protocols.vivaldi.dimensions': d, 'protocols.vivaldi.useHeight': h } })));
  const sweep = {
    scenario: 'renater-vivaldi',
    params: [
      { path: 'protocols.vivaldi.dimensions', values: dims },
      { path: 'protocols.vivaldi.useHeight', values: heights },
    ],
    seeds: [1, 2, 3],
    points,
  };
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify(sweep, null, 2));
  const lines = ['protocols.vivaldi.dimensions,protocols.vivaldi.useHeight,metric,n,mean,sd,min,max,ci95_low,ci95_high'];
  for (const d of dims) {
    for (const h of heights) {
      const mean = 0.3 / d + (h ? 0 : 0.05);
      lines.push(`${d},${h},vivaldi.median_rel_error,3,${mean},0.01,${mean - 0.012},${mean + 0.012},${mean - 0.025},${mean + 0.025}`);
      lines.push(`${d},${h},messages.sent,3,${1000 * d},10,${1000 * d - 12},${1000 * d + 12},${1000 * d - 25},${1000 * d + 25}`);
    }
  }
  writeFileSync(join(dir, 'aggregate.csv'), lines.join('\n') + '\n');
  return dir;
}

/**
 * A sweep of hosts.perPop.count {4, 16, 64, 256} (geometric) x scheduler.kind {dvms, central},
 * 5 seeds, where cloud.resolve_s_mean is absent from some runs: n = 2 at 4 hosts per PoP under
 * DVMS, 4 at 16 under central. `zero` adds a point at 0 hosts per PoP.
 */
export function makeGeometricSweep(dir: string, zero = false): string {
  mkdirSync(dir, { recursive: true });
  const counts = zero ? [0, 4, 16, 64, 256] : [4, 16, 64, 256];
  const kinds = ['dvms', 'central'];
  const sweep = {
    scenario: 'scenarios/vmplaces-sweep.yaml',
    params: [
      { path: 'hosts.perPop.count', values: counts },
      { path: 'scheduler.kind', values: kinds },
    ],
    seeds: [1, 2, 3, 4, 5],
    points: counts.flatMap((c) => kinds.map((k) => ({ id: `c${c}-${k}`, params: { 'hosts.perPop.count': c, 'scheduler.kind': k } }))),
  };
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify(sweep, null, 2));
  const lines = ['hosts.perPop.count,scheduler.kind,metric,n,mean,sd,min,max,ci95_low,ci95_high'];
  for (const c of counts) {
    for (const k of kinds) {
      const n = c === 4 && k === 'dvms' ? 2 : c === 16 && k === 'central' ? 4 : 5;
      const mean = k === 'dvms' ? 10 + Math.log2(c + 1) : 20 + 2 * Math.log2(c + 1);
      lines.push(`${c},${k},cloud.resolve_s_mean,${n},${mean},1,${mean - 1.5},${mean + 1.5},${mean - 1.2},${mean + 1.2}`);
    }
  }
  writeFileSync(join(dir, 'aggregate.csv'), lines.join('\n') + '\n');
  return dir;
}

/** Attributes of an element's opening tag, e.g. attributesOf('<circle r="3" cx="1">'). */
export function attributesOf(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

/** The <path d> of every line drawn by a Plot line mark (g aria-label="line"). */
export function linePaths(svg: string): string[] {
  const groups = [...svg.matchAll(/<g [^>]*aria-label="line"[^>]*>(.*?)<\/g>/gs)].map((m) => m[1]);
  return groups.flatMap((g) => [...g.matchAll(/<path [^>]*d="([^"]*)"/g)].map((m) => m[1]));
}

/** Number of vertices of a path made of M/L commands. */
export function vertexCount(d: string): number {
  return (d.match(/[ML]/g) ?? []).length;
}

/** The x positions of the x axis' tick labels of a chart: label text -> px. */
export function xTicks(svg: string): Map<string, number> {
  const group = /<g [^>]*aria-label="x-axis tick label"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
  return new Map([...group.matchAll(/<text transform="translate\(([\d.]+),[\d.]+\)"[^>]*>([^<]*)<\/text>/g)].map((m) => [m[2], Number(m[1])]));
}

/** The texts of the legend (the last part of a chart, font size 11), in order. */
export function legendLabels(svg: string): string[] {
  const legend = svg.slice(svg.lastIndexOf('<svg x='));
  const group = /<g font-size="11"[^>]*aria-label="text"[^>]*>(.*?)<\/g>/s.exec(legend)?.[1] ?? '';
  return [...group.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** Every circle with a <title>: title text -> its attributes. */
export function titledCircles(svg: string): Map<string, Record<string, string>> {
  return new Map([...svg.matchAll(/(<circle [^>]*>)<title>([^<]*)<\/title>/g)].map((m) => [m[2], attributesOf(m[1])]));
}
