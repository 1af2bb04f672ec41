import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ChunkPlacement } from '../../src/platform/chunk-placement.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { InvariantBroken } from '../../src/torture/invariant.js';
import { type CheckCounts, installMonitor } from '../../src/torture/monitor.js';
import { fixture } from '../scenario/fixtures.js';

const TINY = fixture('good/images.yaml');
const WEST_DOWN = 'faults=[{"kind":"pop-crash","atS":30,"pop":"West","durationS":30}]';

/** Runs `file` under the torture monitor, the image check held to `placement(real)` if given; what it threw and the check counts. */
function monitored(file: string, overrides: readonly string[], placement?: (real: ChunkPlacement, west: number) => ChunkPlacement): { thrown: unknown; counts: CheckCounts } {
  let counts: CheckCounts = {};
  let thrown: unknown = null;
  try {
    runScenario(loadScenario(file, overrides), file, {
      instrument: (run) => {
        const real = run.images?.store.placement;
        if (real === undefined || run.world.backbone === null) throw new Error('expected cloud.images on a backbone');
        const west = run.world.backbone.backbone.pops.findIndex((pop) => pop.name === 'West');
        counts = installMonitor(run, { livenessS: 100, scanS: 1, imagePlacement: placement?.(real, west) });
      },
    });
  } catch (error) {
    thrown = error;
  }
  return { thrown, counts };
}

describe('the torture invariant images.chunks_alive', () => {
  it('catches a broken placement at the event that breaks it: both copies of every chunk on West, West down at 30 s (1 PoP down, 2 replicas)', () => {
    const { thrown } = monitored(TINY, [WEST_DOWN], (real, west) => ({ ring: real.ring, replicas: 2, popsOf: () => Int32Array.of(west, west) }));
    expect(thrown).toBeInstanceOf(InvariantBroken);
    const broken = thrown as InvariantBroken;
    expect(broken.invariant).toBe('images.chunks_alive');
    expect(broken.timeUs).toBe(30_000_000);
    expect(broken.detail).toContain('1 PoP(s) of the ring are down, fewer than its 2 replicas');
  });

  it('holds on the real placement through the same crash (East keeps a copy of every chunk), checked at every change of a store', () => {
    const { thrown, counts } = monitored(TINY, [WEST_DOWN]);
    expect(thrown).toBeNull();
    expect(counts['images.chunks_alive']).toBe(3); // at start, West down, West back
  });

  it('promises nothing once k PoPs are down: 1 replica, West down, chunks lost but no failure', () => {
    const { thrown } = monitored(TINY, [WEST_DOWN, 'cloud.images.replicas=1']);
    expect(thrown).toBeNull();
  });

  it('holds on the bundled renater-images through Lyon down 600-900 s and ten host crashes at 900 s', () => {
    const file = fileURLToPath(new URL('../../scenarios/renater-images.yaml', import.meta.url));
    const { thrown, counts } = monitored(file, ['durationS=960']);
    expect(thrown).toBeNull();
    expect(counts['images.chunks_alive']).toBeGreaterThanOrEqual(3); // at start, Lyon down, Lyon back
  });
});
