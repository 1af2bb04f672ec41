/** The `topology` section: where the backbone comes from and how its latencies are found. */
import { z } from 'zod';
import { int, num, section, text } from './fields.js';

export const POPS_GENERATED_MAX = 1_000_000;

const latencyGeo = section(
  {
    model: z.literal('geo'),
    routeFactor: num({ ge: 1 }).default(1.3).meta({ description: 'fibre path length / great-circle distance' }),
    perHopUs: num({ ge: 0 }).default(20).meta({ description: 'added to every link (switching, regeneration)' }),
  },
);

const latencyExplicit = section(
  {
    model: z.literal('explicit'),
    linkUs: int({ ge: 1 }).meta({ description: 'one-way latency of every link' }),
  },
);

const latency = z
  .discriminatedUnion('model', [latencyGeo, latencyExplicit])
  .prefault({ model: 'geo' })
  .meta({ description: 'link latency: from PoP coordinates (geo) or one value for all links (explicit)' });

const bandwidthBps = num({ gt: 0 }).default(10e9);

const graphml = section(
  {
    kind: z.literal('graphml'),
    file: text('a path to a GraphML file (relative to the scenario file)'),
    latency,
    bandwidthBps: bandwidthBps.meta({ description: 'link bandwidth (fallback for links without capacity when bandwidthFrom is file)' }),
    bandwidthFrom: z.enum(['auto', 'scenario', 'file']).default('auto').meta({
      description:
        "where link capacities come from: file (the GraphML's LinkSpeedRaw, bandwidthBps where a link states none), scenario (bandwidthBps on every link), or auto (default): file when its capacities are credible (at least half of the links state one, and they take at least two values), else scenario. Loading resolves auto (scenario.json shows the choice); Renater2010's 155 Mb/s on every link is not credible",
    }),
  },
);

const matrix = section(
  {
    kind: z.literal('matrix'),
    file: text('a path to an RTT matrix file (relative to the scenario file)'),
    unit: z.enum(['us', 'ms', 's']).meta({ description: 'unit of the RTT values in the file' }),
    missing: z
      .array(z.union([num(), z.string({ error: 'expected a number or a word' })]), { error: "expected a list of cells that mark a missing pair, e.g. [0, -1, 'NaN', '']" })
      .default([])
      .meta({ description: "cells that mark a pair as not measured: numbers (0, -1), words (NaN, case-insensitive), '' for a blank cell" }),
    symmetrize: z.enum(['none', 'mean', 'min', 'max']).default('none').meta({
      description: 'none: a message i -> j takes RTT(i, j) / 2 as i measured it; mean, min, max: both directions take half of that of the two measurements',
    }),
    fill: z.enum(['shortest-path']).default('shortest-path').meta({
      description: 'delay of a pair measured in neither direction, for delivery only (never scored): the shortest chain of measured pairs',
    }),
  },
);

const generate = section(
  {
    kind: z.literal('generate'),
    pops: int({ ge: 1, le: POPS_GENERATED_MAX }),
    seed: int({ ge: 0 }).optional().meta({ description: 'default: the scenario seed' }),
    latency,
    bandwidthBps,
  },
);

export const topologySchema = z.discriminatedUnion('kind', [graphml, matrix, generate]);

type TopologyParsed = z.output<typeof topologySchema>;
type GenerateParsed = Extract<TopologyParsed, { kind: 'generate' }>;

/** The normalised topology: a generated topology always has its own seed. */
export type Topology = Exclude<TopologyParsed, GenerateParsed> | (GenerateParsed & { readonly seed: number });

export function normaliseTopology(topology: TopologyParsed, scenarioSeed: number): Topology {
  if (topology.kind !== 'generate') return topology;
  return { ...topology, seed: topology.seed ?? scenarioSeed };
}
