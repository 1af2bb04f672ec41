/**
 * Kernel throughput in the classic hold model: N events pending; each event, when it fires,
 * schedules one successor at now + a random increment, so the queue stays at N.
 * Measures the real run loop (pop, clock update, handler call, push) of the Simulator.
 * Run: npm run bench   (prints the median events/s for N = 1e4 and 1e6).
 */
import { Bench } from 'tinybench';
import { Simulator } from '../kernel/simulator.js';
import { randomStream } from '../kernel/random.js';

const HOLDS_PER_ITERATION = 1_000_000;
const INCREMENTS = 1 << 16;

function holdModel(pending: number): { runBatch: () => void } {
  const rng = randomStream(1, 'bench-hold');
  // Exponential increments with mean 1 ms, in whole microseconds, drawn once outside the timing.
  const increments = new Float64Array(INCREMENTS);
  for (let i = 0; i < INCREMENTS; i++) increments[i] = Math.round(rng.exponential(1000));
  const sim = new Simulator();
  let k = 0;
  let left = 0;
  const hold = (): void => {
    sim.after(increments[k++ & (INCREMENTS - 1)], hold);
    if (--left === 0) sim.stop();
  };
  for (let i = 0; i < pending; i++) sim.after(increments[k++ & (INCREMENTS - 1)], hold);
  return {
    runBatch: () => {
      left = HOLDS_PER_ITERATION;
      sim.run({ endUs: Number.MAX_SAFE_INTEGER, eventsMax: Number.MAX_SAFE_INTEGER });
    },
  };
}

async function main(): Promise<void> {
  const bench = new Bench({ iterations: 15, warmupIterations: 3, time: 0, warmupTime: 0 });
  for (const pending of [10_000, 1_000_000]) {
    const model = holdModel(pending);
    bench.add(`hold model, ${pending.toLocaleString('en')} pending`, model.runBatch);
  }
  await bench.run();
  const rows = bench.tasks.map((task) => {
    const result = task.result as unknown as { latency: { p50: number; mean: number } } | undefined;
    if (result === undefined || !('latency' in result)) throw new Error(`benchmark ${task.name} failed`);
    const medianMs = result.latency.p50;
    return { task: task.name, 'median ms / 1M events': medianMs.toFixed(1), 'M events/s (median)': (HOLDS_PER_ITERATION / medianMs / 1000).toFixed(2) };
  });
  console.table(rows);
}

await main();
