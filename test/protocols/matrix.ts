/** Small RTT matrices for protocol tests: points on a plane, RTT = 2 * distance + 1 ms. */
import { randomStream } from '../../src/kernel/random.js';
import type { RttMatrix } from '../../src/platform/types.js';

export function planeMatrix(n: number, seed: number): RttMatrix {
  const rng = randomStream(seed, 'plane-matrix');
  const xs = Array.from({ length: n }, () => [rng.next() * 100, rng.next() * 100]);
  const rttUs = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      rttUs[i * n + j] = i === j ? 0 : Math.round(1000 * (2 * Math.hypot(xs[i][0] - xs[j][0], xs[i][1] - xs[j][1]) + 1));
    }
  }
  return { name: `plane-${n}`, n, labels: Array.from({ length: n }, (_, i) => String(i)), rttUs };
}
