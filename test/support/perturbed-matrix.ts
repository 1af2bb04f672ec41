/**
 * Test data of our own making: a measured RTT matrix made to look like what public data sets
 * give (asymmetric, with holes marked three ways), deterministically from a seed.
 *
 * Each direction of each pair is scaled on its own by a factor drawn in [1 - spread, 1 + spread]
 * (so RTT(i, j) != RTT(j, i)); a share of pairs loses both directions (written NaN one way and a
 * blank cell the other), another share loses one direction (written -1). Read it back with
 * `missing: ['NaN', '', -1]`.
 *
 *   npx tsx test/support/perturbed-matrix.ts IN.tsv OUT.tsv [seed]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomStream } from '../../src/kernel/random.js';
import { parseRttMatrix } from '../../src/platform/rtt-matrix.js';

export interface Perturbation {
  readonly seed: number;
  /** Each direction is scaled by a factor in [1 - spread, 1 + spread]. */
  readonly spread: number;
  /** Share of pairs measured in neither direction, and in one direction only. */
  readonly bothMissingShare: number;
  readonly oneMissingShare: number;
}

export const DEFAULT_PERTURBATION: Perturbation = { seed: 13, spread: 0.2, bothMissingShare: 0.1, oneMissingShare: 0.05 };
export const PERTURBED_MISSING = ['NaN', '', -1] as const;

/** A symmetric, complete matrix in ms (tab-separated text) -> the perturbed one, as text. */
export function perturbRttMatrix(text: string, p: Perturbation = DEFAULT_PERTURBATION): string {
  const { n, rttUs } = parseRttMatrix(text, 'input', { unit: 'ms' });
  const rng = randomStream(p.seed, 'perturbed-matrix');
  const cells: string[][] = Array.from({ length: n }, () => new Array<string>(n).fill('0'));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const kind = rng.next();
      const ij = (rttUs[i * n + j] / 1000) * (1 + p.spread * (2 * rng.next() - 1));
      const ji = (rttUs[j * n + i] / 1000) * (1 + p.spread * (2 * rng.next() - 1));
      cells[i][j] = ij.toFixed(3);
      cells[j][i] = ji.toFixed(3);
      if (kind < p.bothMissingShare) {
        cells[i][j] = 'NaN';
        cells[j][i] = '';
      } else if (kind < p.bothMissingShare + p.oneMissingShare) {
        if (rng.next() < 0.5) cells[i][j] = '-1';
        else cells[j][i] = '-1';
      }
    }
  }
  return `${cells.map((row) => row.join('\t')).join('\n')}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [input, output, seed] = process.argv.slice(2);
  if (input === undefined || output === undefined) {
    process.stderr.write('usage: npx tsx test/support/perturbed-matrix.ts IN.tsv OUT.tsv [seed]\n');
    process.exit(2);
  }
  const perturbation = { ...DEFAULT_PERTURBATION, seed: seed === undefined ? DEFAULT_PERTURBATION.seed : Number(seed) };
  writeFileSync(output, perturbRttMatrix(readFileSync(input, 'utf8'), perturbation));
}
