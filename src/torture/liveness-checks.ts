/**
 * The liveness invariants of `luc torture`, checked at every scan once the last fault has healed
 * (`healUs`), each within the bound `livenessUs`:
 * - DVMS: no partition (an ISP's identity, initiator and sequence number) exists longer than the
 *   bound, counted from the heal at the earliest (a partition may rightly wait for a fault to
 *   end); see `PartitionAges` for why the property is of partitions and not of nodes;
 * - Chord: from heal + bound on, every up node has joined and its successor is the next up node
 *   on the ring;
 * - CAN: from heal + bound on, the zones of the up nodes tile the unit square (areas sum to 1,
 *   no two overlap; zones are halvings, so the sum is exact).
 */
import { PartitionAges } from '../scenario/probes/partition-probe.js';
import { CHORD, type ChordProtocol } from '../protocols/chord/index.js';
import { CAN, type CanProtocol, zoneArea, zonesOverlap, type Zone } from '../protocols/can/index.js';
import type { SimRuntime } from '../runtime/sim/sim-runtime.js';
import { type Check, seconds } from './invariant.js';

export interface LivenessWindow {
  /** When the last fault healed (0 without faults). */
  readonly healUs: number;
  readonly livenessUs: number;
}

export function partitionsReleased(runtime: SimRuntime, dvmsName: string, window: LivenessWindow): Check {
  const ages = new PartitionAges(runtime.nodeCount, dvmsName);
  return {
    name: 'dvms.partitions-released',
    check: (nowUs) => {
      if (nowUs < window.healUs) return undefined;
      const oldest = ages.observe(nowUs, runtime);
      if (oldest === null || nowUs - oldest.sinceUs <= window.livenessUs) return null;
      const nodes = oldest.nodes.length > 8 ? `${oldest.nodes.slice(0, 8).join(', ')}, ...` : oldest.nodes.join(', ');
      return `partition ${oldest.initiator}.${oldest.seq} (initiator ${oldest.initiator}, its ISP number ${oldest.seq}) has existed since ${seconds(oldest.sinceUs)}, longer than ${seconds(window.livenessUs)} after the last fault healed at ${seconds(window.healUs)}; nodes in it: ${nodes}`;
    },
  };
}

export function chordRing(runtime: SimRuntime, window: LivenessWindow): Check {
  return {
    name: 'chord.ring',
    check: (nowUs) => {
      if (nowUs < window.healUs + window.livenessUs) return undefined;
      const ring: { id: number; key: number; chord: ChordProtocol }[] = [];
      for (let id = 0; id < runtime.nodeCount; id++) {
        const chord = runtime.protocolOf<ChordProtocol>(id, CHORD);
        if (chord === undefined) continue;
        if (!chord.isJoined()) return `node ${id} is up but not on the ring ${seconds(window.livenessUs)} after the last fault healed`;
        ring.push({ id, key: chord.ringId, chord });
      }
      ring.sort((a, b) => a.key - b.key || a.id - b.id);
      for (let k = 0; k < ring.length; k++) {
        const want = ring[(k + 1) % ring.length].id;
        const got = ring[k].chord.successor();
        if (got !== want) return `node ${ring[k].id}'s successor is ${got}, the next up node on the ring is ${want}`;
      }
      return null;
    },
  };
}

export function canTiling(runtime: SimRuntime, window: LivenessWindow): Check {
  return {
    name: 'can.tiling',
    check: (nowUs) => {
      if (nowUs < window.healUs + window.livenessUs) return undefined;
      const zones: { zone: Zone; node: number }[] = [];
      let any = false;
      for (let id = 0; id < runtime.nodeCount; id++) {
        const can = runtime.protocolOf<CanProtocol>(id, CAN);
        if (can === undefined) continue;
        any = true;
        for (const zone of can.heldZones()) zones.push({ zone, node: id });
      }
      if (!any) return null;
      let area = 0;
      for (const { zone } of zones) area += zoneArea(zone);
      if (Math.abs(area - 1) > 1e-12) return `the zones of the up nodes cover ${area} of the space, not 1`;
      zones.sort((a, b) => a.zone.x0 - b.zone.x0);
      for (let i = 0; i < zones.length; i++) {
        for (let j = i + 1; j < zones.length && zones[j].zone.x0 < zones[i].zone.x1; j++) {
          if (zonesOverlap(zones[i].zone, zones[j].zone)) return `zones of nodes ${zones[i].node} and ${zones[j].node} overlap`;
        }
      }
      return null;
    },
  };
}
