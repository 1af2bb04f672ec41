import type { BackboneBuild } from './backbone.js';
import { cutSurvival } from './cut-survival.js';
import { buildAdjacency } from './graph.js';
import { latencyDiameter, type LatencyDiameter, type LatencyDiameterOptions } from './latency-diameter.js';
import type { RawGraph } from './types.js';

/**
 * What `luc topo info` prints, as pure functions: counts of the file as read, then of the
 * backbone as built (after placing/dropping unlocated PoPs and merging parallel edges), the
 * survival of PoPs under any single link cut (cut-survival.ts) and the latency diameter
 * (latency-diameter.ts). Survival is also given among the PoPs located in the source file, the
 * figure the Topology Zoo facts speak of (Renater2010: 35 of 37).
 */
export interface TopologyInfo {
  readonly name: string;
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly locatedNodeCount: number;
  readonly popCount: number;
  readonly linkCount: number;
  readonly inferredPopCount: number;
  readonly droppedPopCount: number;
  readonly mergedEdgeCount: number;
  readonly componentCount: number;
  readonly bridgeCount: number;
  /** PoPs that survive any single link cut, all and among those located in the source. */
  readonly survivorCount: number;
  readonly locatedPopCount: number;
  readonly locatedSurvivorCount: number;
  readonly worstCutLargestShare: number;
  readonly diameter: LatencyDiameter;
  readonly diameterEndpoints: readonly [string, string];
}

export function topologyInfo(raw: RawGraph, build: BackboneBuild, options: LatencyDiameterOptions = {}): TopologyInfo {
  const { backbone, report } = build;
  const adjacency = buildAdjacency(backbone.pops.length, backbone.links);
  const survival = cutSurvival(adjacency);
  let locatedPopCount = 0;
  let locatedSurvivorCount = 0;
  for (let v = 0; v < backbone.pops.length; v++) {
    if (report.locatedInSource[v] === 0) continue;
    locatedPopCount++;
    locatedSurvivorCount += survival.survives[v];
  }
  const diameter = latencyDiameter(adjacency, options);
  const [from, to] = diameter.endpoints;
  return {
    name: raw.name,
    nodeCount: raw.nodes.length,
    edgeCount: raw.edges.length,
    locatedNodeCount: raw.nodes.filter((node) => !Number.isNaN(node.latitude)).length,
    popCount: backbone.pops.length,
    linkCount: backbone.links.length,
    inferredPopCount: report.inferredPops.length,
    droppedPopCount: report.droppedPops.length,
    mergedEdgeCount: report.mergedEdgeCount,
    componentCount: survival.componentCount,
    bridgeCount: survival.bridgeLinkIds.length,
    survivorCount: survival.survivorCount,
    locatedPopCount,
    locatedSurvivorCount,
    worstCutLargestShare: survival.worstCutLargestShare,
    diameter,
    diameterEndpoints: from < 0 ? ['', ''] : [backbone.pops[from].name, backbone.pops[to].name],
  };
}

export function formatTopologyInfo(info: TopologyInfo): string {
  const percent = (part: number, whole: number): string => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);
  const ms = (us: number): string => `${(us / 1000).toFixed(3)} ms`;
  const d = info.diameter;
  const diameter = d.exact ? ms(d.lowerUs) : `between ${ms(d.lowerUs)} and ${ms(d.upperUs)}`;
  return [
    `topology ${info.name}`,
    `  file: ${info.nodeCount} nodes (${info.locatedNodeCount} with coordinates), ${info.edgeCount} edges`,
    `  backbone: ${info.popCount} PoPs (${info.inferredPopCount} placed from neighbours, ${info.droppedPopCount} dropped), ` +
      `${info.linkCount} links (${info.mergedEdgeCount} parallel edges merged)`,
    `  connectivity: ${info.componentCount} component(s), ${info.bridgeCount} bridge link(s)`,
    `  single link cut: ${info.survivorCount} of ${info.popCount} PoPs survive any (${percent(info.survivorCount, info.popCount)}); ` +
      `${info.locatedSurvivorCount} of ${info.locatedPopCount} located in the file; worst cut keeps ${(100 * info.worstCutLargestShare).toFixed(2)}% together`,
    `  latency diameter (one-way): ${diameter}, ${info.diameterEndpoints[0]} to ${info.diameterEndpoints[1]} ` +
      `(${d.method}, ${d.dijkstraRuns} Dijkstra runs)`,
    '',
  ].join('\n');
}
