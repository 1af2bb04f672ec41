/**
 * What a map draws, from a bare GraphML file or from a results folder (its scenario's topology,
 * host rule and faults): located PoPs with host counts, links with bandwidth and fault state;
 * for a cloud run, where its VMs ended and where they migrated; for a run over an RTT matrix
 * (no geography), its Vivaldi coordinates alone.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadGraphml } from '../platform/graphml.js';
import { buildBackbone, type BackboneOptionsInput } from '../platform/backbone.js';
import { generateBackbone } from '../platform/generate.js';
import type { Backbone } from '../platform/types.js';
import { PlotInputError } from './errors.js';
import { readCloudView, type CloudView } from './map-cloud.js';
import { NODE_ERROR_METRIC } from './plot-set.js';
import { isRunFolder, readRunFolder, type NodeCoordinates } from './run-folder.js';

export interface MapPop {
  readonly name: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly hosts: number;
  readonly degree: number;
  /** A pop-crash fault of the scenario takes it down at some point. */
  readonly crashed: boolean;
}

/** A located PoP as drawn: its pixel position, radius and colour on the map. */
export interface ProjectedPop extends MapPop {
  readonly index: number;
  readonly x: number;
  readonly y: number;
  readonly r: number;
  readonly colour: string;
}

export interface MapLink {
  readonly a: number;
  readonly b: number;
  readonly bandwidthBps: number;
  /** A link-down or partition fault of the scenario takes it down at some point. */
  readonly faulted: boolean;
}

export interface MapData {
  readonly name: string;
  /** Where it came from, for the subtitle. */
  readonly source: string;
  readonly pops: readonly MapPop[];
  readonly links: readonly MapLink[];
  /** Final Vivaldi coordinates of a run (coordinates.csv), or null. */
  readonly coordinates: NodeCoordinates | null;
  /** False for a run over an RTT matrix: no PoPs, no links, the Vivaldi plane alone. */
  readonly geographic: boolean;
  /** A cloud run's VMs and migrations, or null. */
  readonly cloud: CloudView | null;
  /** Each node's final median relative error (vivaldi.node_median_rel_error), or null. */
  readonly nodeErrors: ReadonlyMap<string, number> | null;
}


/** A results folder, or a GraphML file. `topologyFile` replaces the file a run's scenario names. */
export function loadMapData(path: string, topologyFile?: string): MapData {
  if (isRunFolder(path)) return fromRun(path, topologyFile);
  if (!existsSync(path)) throw new PlotInputError(path, 'no such file or folder (expected a GraphML topology or a results folder)');
  if (!/\.graphml$/i.test(path)) throw new PlotInputError(path, 'expected a GraphML topology (.graphml) or a results folder (with metrics.csv and scenario.json)');
  const backbone = buildBackbone(loadGraphml(path), { bandwidthFrom: 'file' }).backbone;
  return { ...assemble(backbone, path, new Array<number>(backbone.pops.length).fill(1), []), coordinates: null, geographic: true, cloud: null, nodeErrors: null };
}

function fromRun(dir: string, topologyFile: string | undefined): MapData {
  const run = readRunFolder(dir);
  const scenarioPath = join(dir, 'scenario.json');
  const topology = (run.scenario.topology ?? {}) as Record<string, unknown>;
  const latency = (topology.latency ?? { model: 'geo' }) as Record<string, unknown>;
  const latencyInput: BackboneOptionsInput['latency'] =
    latency.model === 'explicit'
      ? { model: 'explicit', latencyUs: Number(latency.linkUs) }
      : { model: 'geo', routeFactor: Number(latency.routeFactor ?? 1.3), perHopUs: Number(latency.perHopUs ?? 20) };
  const bandwidthBps = typeof topology.bandwidthBps === 'number' ? topology.bandwidthBps : undefined;
  let backbone: Backbone;
  if (topology.kind === 'graphml') {
    const file = topologyFile ?? findTopologyFile(String(topology.file), dir, scenarioPath);
    const bandwidthFrom = topology.bandwidthFrom === 'file' ? 'file' : topology.bandwidthFrom === 'scenario' ? 'scenario' : 'auto';
    backbone = buildBackbone(loadGraphml(file), { latency: latencyInput, bandwidthBps, bandwidthFrom }).backbone;
  } else if (topology.kind === 'generate') {
    const generated = generateBackbone({ popCount: Number(topology.pops), seed: Number(topology.seed ?? run.seed) });
    backbone = buildBackbone(generated.graph, { latency: latencyInput, bandwidthBps, bandwidthFrom: 'file' }).backbone;
  } else if (topology.kind === 'matrix') {
    if (run.coordinates === null) {
      throw new PlotInputError(join(dir, 'coordinates.csv'), 'missing: a run over an RTT matrix has no geography, and a map of it draws its Vivaldi coordinates (run it with protocols.vivaldi)');
    }
    const name = typeof run.scenario.name === 'string' ? run.scenario.name : run.scenarioName;
    return { name, source: dir, pops: [], links: [], coordinates: run.coordinates, geographic: false, cloud: null, nodeErrors: run.nodeValues.get(NODE_ERROR_METRIC) ?? null };
  } else {
    throw new PlotInputError(scenarioPath, `topology.kind: expected graphml or generate (a backbone with geography) or matrix (a run with Vivaldi coordinates), found '${String(topology.kind)}'`);
  }
  const hosts = hostCounts(run.scenario.hosts, backbone, scenarioPath);
  const faults = Array.isArray(run.scenario.faults) ? (run.scenario.faults as Record<string, unknown>[]) : [];
  const cloud = run.scenario.cloud !== null && typeof run.scenario.cloud === 'object' ? readCloudView(run, hosts.reduce((s, h) => s + h, 0)) : null;
  return { ...assemble(backbone, dir, hosts, faults), coordinates: run.coordinates, geographic: true, cloud, nodeErrors: run.nodeValues.get(NODE_ERROR_METRIC) ?? null };
}

/**
 * The scenario records its topology file relative to the directory `luc run` ran in: try the
 * current directory, then each folder above the results folder.
 */
function findTopologyFile(file: string, resultsDir: string, scenarioPath: string): string {
  const candidates = [resolve(file)];
  for (let dir = resolve(resultsDir); ; dir = dirname(dir)) {
    candidates.push(join(dir, file));
    if (dirname(dir) === dir) break;
  }
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new PlotInputError(scenarioPath, `topology.file '${file}' not found from here or above the results folder (give it with --topology FILE)`);
  }
  return found;
}

function degrees(backbone: Backbone): number[] {
  const degree = new Array<number>(backbone.pops.length).fill(0);
  for (const link of backbone.links) {
    degree[link.a]++;
    degree[link.b]++;
  }
  return degree;
}

/** The scenario's `hosts.perPop` rule, as scenario/build-world.ts applies it. */
function hostCounts(hosts: unknown, backbone: Backbone, scenarioPath: string): number[] {
  const rule = ((hosts ?? {}) as Record<string, unknown>).perPop as Record<string, unknown> | undefined;
  const n = backbone.pops.length;
  switch (rule?.rule) {
    case 'fixed':
      return new Array<number>(n).fill(Number(rule.count ?? 1));
    case 'degree':
      return degrees(backbone).map((d) => Math.max(Number(rule.min ?? 1), Number(rule.perLink ?? 1) * d));
    case 'list': {
      const counts = new Array<number>(n).fill(Number(rule.default ?? 1));
      const byName = new Map(backbone.pops.map((pop, i) => [pop.name, i]));
      for (const [name, count] of Object.entries((rule.counts ?? {}) as Record<string, number>)) {
        const pop = byName.get(name);
        if (pop !== undefined) counts[pop] = count;
      }
      return counts;
    }
    default:
      throw new PlotInputError(scenarioPath, `hosts.perPop.rule: expected fixed, degree or list, found '${String(rule?.rule)}'`);
  }
}

function assemble(
  backbone: Backbone,
  source: string,
  hosts: readonly number[],
  faults: readonly Record<string, unknown>[],
): Pick<MapData, 'name' | 'source' | 'pops' | 'links'> {
  const popIndex = (ref: unknown): number => (typeof ref === 'number' ? ref : backbone.pops.findIndex((p) => p.name === ref));
  const crashed = new Set<number>();
  const downLinks = new Set<number>();
  for (const fault of faults) {
    if (fault.kind === 'pop-crash') crashed.add(popIndex(fault.pop));
    if (fault.kind === 'link-down' && Array.isArray(fault.link)) {
      const [a, b] = fault.link.map(popIndex);
      backbone.links.forEach((l, i) => ((l.a === a && l.b === b) || (l.a === b && l.b === a)) && downLinks.add(i));
    }
    if (fault.kind === 'partition' && Array.isArray(fault.pops)) {
      const inside = new Set(fault.pops.map(popIndex));
      backbone.links.forEach((l, i) => inside.has(l.a) !== inside.has(l.b) && downLinks.add(i));
    }
  }
  const degree = degrees(backbone);
  const pops = backbone.pops.map((pop, i) => ({
    name: pop.name,
    latitude: pop.latitude,
    longitude: pop.longitude,
    hosts: hosts[i],
    degree: degree[i],
    crashed: crashed.has(i),
  }));
  const links = backbone.links.map((link, i) => ({ a: link.a, b: link.b, bandwidthBps: link.bandwidthBps, faulted: downLinks.has(i) }));
  return { name: backbone.name, source, pops, links };
}
