/**
 * Whether a topology file's link capacities are worth simulating. Internet Topology Zoo files
 * often state none, or one figure copied onto every link (Renater2010: 155 Mb/s on all 56 links,
 * an artefact of transcription, where RENATER ran 2.5-10 Gb/s). `bandwidthFrom: auto` (the
 * default) takes the file's capacities only when they are credible:
 *
 * - at least half of the links state a capacity (the others take `bandwidthBps`), and
 * - the stated capacities take at least two values (one figure on every link says nothing a
 *   scenario's `bandwidthBps` would not, and is the artefact's signature).
 *
 * Of the bundled files: Garr201201 (77 of 89 links, 1 to 10 Gb/s), Geant2012 (39 of 61) and
 * Uninett2011 (93 of 98) are credible; Renater2006/2008 (2.5 Gb/s on every stated link),
 * Renater2010 (155 Mb/s everywhere), Abilene and Cogentco (no capacities) are not. Pure.
 */
import type { RawGraph } from './types.js';

export const CAPACITY_STATED_SHARE_MIN = 0.5;

export type BandwidthSource = 'scenario' | 'file';

/** `file` when the graph's stated capacities (NaN: not stated) are credible by the rule above, else `scenario`. */
export function credibleBandwidthSource(raw: RawGraph): BandwidthSource {
  const edges = raw.edges.filter((edge) => edge.source !== edge.target);
  if (edges.length === 0) return 'scenario';
  const stated = edges.map((edge) => edge.capacityBps).filter((capacity) => !Number.isNaN(capacity));
  if (stated.length < CAPACITY_STATED_SHARE_MIN * edges.length) return 'scenario';
  return new Set(stated).size >= 2 ? 'file' : 'scenario';
}
