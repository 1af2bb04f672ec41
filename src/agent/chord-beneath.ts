/**
 * The node's Chord for a service that runs over it (DVMS, the VE lifecycle): the one the
 * scenario runs, or one added with Chord's defaults and no lookups of its own.
 */
import type { NodeContext, Protocol } from '../runtime/context.js';
import { CHORD, ChordProtocol, type CoordinateSource, defaultChordConfig } from '../protocols/chord/index.js';

export function chordBeneath(protocols: Map<string, Protocol>, contextFor: (name: string) => NodeContext, coordinates: CoordinateSource | null): ChordProtocol {
  const existing = protocols.get(CHORD) as ChordProtocol | undefined;
  if (existing !== undefined) return existing;
  const chord = new ChordProtocol(contextFor(CHORD), { ...defaultChordConfig, lookupPeriodMs: 0 }, coordinates);
  protocols.set(CHORD, chord);
  return chord;
}
