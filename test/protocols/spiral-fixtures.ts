/** Spiral test fixtures: a plane with its exact coordinates, and a stack on them (no Vivaldi). */
import { randomStream } from '../../src/kernel/random.js';
import type { RttMatrix } from '../../src/platform/types.js';
import type { NodeId, Protocol, StackBuilder } from '../../src/runtime/context.js';
import { GOSSIP, GossipProtocol, defaultGossipConfig } from '../../src/protocols/index.js';
import { SPIRAL, SpiralProtocol, type CoordinateSource, type SpiralConfig } from '../../src/protocols/spiral/index.js';
import type { Coordinate } from '../../src/protocols/vivaldi/index.js';

/** Points on a 100 x 100 plane; RTT = 2 * distance + 1 ms, so coordinate = 2 * point, height 0.5 ms is exact. */
export function exactPlane(n: number, seed: number): { matrix: RttMatrix; coords: Coordinate[] } {
  const rng = randomStream(seed, 'spiral-plane');
  const xs = Array.from({ length: n }, () => [rng.next() * 100, rng.next() * 100]);
  const rttUs = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) rttUs[i * n + j] = i === j ? 0 : 1000 * (2 * Math.hypot(xs[i][0] - xs[j][0], xs[i][1] - xs[j][1]) + 1);
  }
  const coords = xs.map(([x, y]) => ({ vec: [2 * x, 2 * y], heightMs: 0.5 }));
  return { matrix: { name: `plane-${n}`, n, labels: xs.map((_, i) => String(i)), rttUs }, coords };
}

/** Every node knows every coordinate exactly. */
export function exactSource(coords: readonly Coordinate[], self: NodeId): CoordinateSource {
  return { coordinate: () => coords[self], peerCoordinate: (peer) => coords[peer] };
}

/** Gossip + spiral on exact coordinates. */
export function exactSpiralStack(coords: readonly Coordinate[], spiral: SpiralConfig): StackBuilder {
  return (contextFor) => {
    const gossipCtx = contextFor(GOSSIP);
    const gossip = new GossipProtocol(gossipCtx, defaultGossipConfig);
    const protocol = new SpiralProtocol(contextFor(SPIRAL), gossip, exactSource(coords, gossipCtx.id), spiral);
    return new Map<string, Protocol>([
      [GOSSIP, gossip],
      [SPIRAL, protocol],
    ]);
  };
}
