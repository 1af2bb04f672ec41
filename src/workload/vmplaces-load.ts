import { randomStream, US_PER_S, type Random } from '../kernel/index.js';
import type { LoadChange, LoadChangeSource } from './load-change.js';
import { LoadDistribution } from './load-distribution.js';

/**
 * The VMPlaceS load model (Quesnel, Lebre et al.; BeyondTheClouds/VMPlaceS, injector/Injector.java):
 * load changes form one Poisson process of total rate vmCount / changePeriodS; each change sets a
 * uniformly drawn VM's CPU load to max(N(mean, sd), 0) capped at 100, quantised to the nearest
 * of `slots` steps (see load-distribution.ts).
 *
 * Draws, all from one stream, in this order: if `initialLoad` is 'drawn', one load per VM
 * (VM 0 first) in the constructor; then per change: the gap (one exponential), the VM (one
 * int), the load (one normal; Box-Muller uses both values of a pair, so every second change
 * draws two uniforms and the other none). Each gap is rounded to whole microseconds on its
 * own and added to an integer clock, so no floating-point drift reaches event times; two
 * changes may share a microsecond (the kernel orders them FIFO).
 */
export interface VmLoadConfig {
  /** Mean time between two changes of one VM, seconds (VMPlaceS: 300). */
  readonly changePeriodS: number;
  readonly loadPercentMean: number;
  readonly loadPercentSd: number;
  /** Quantisation steps of 100 / slots percent. */
  readonly slots: number;
  /**
   * The load of every VM before its first change: 'zero', as VMPlaceS (a started VM's CPU demand
   * is 0, simulation/SimulatorManager.java), or 'drawn' from the change distribution.
   */
  readonly initialLoad: 'zero' | 'drawn';
}

export const VM_LOAD_DEFAULTS: VmLoadConfig = {
  changePeriodS: 300,
  loadPercentMean: 60,
  loadPercentSd: 20,
  slots: 10,
  initialLoad: 'zero',
};

/** The stream the load model draws from when built from a seed. */
export const VM_LOAD_STREAM = 'workload.load';

/** Defaults filled and every field checked once; RangeErrors name the field. */
export function normaliseVmLoadConfig(partial: Partial<VmLoadConfig> = {}): VmLoadConfig {
  const config: VmLoadConfig = { ...VM_LOAD_DEFAULTS, ...partial };
  const { changePeriodS, loadPercentMean, loadPercentSd, slots, initialLoad } = config;
  if (!(changePeriodS > 0) || !Number.isFinite(changePeriodS)) {
    throw new RangeError(`workload changePeriodS: expected a finite number > 0, found ${changePeriodS}`);
  }
  if (!Number.isFinite(loadPercentMean)) {
    throw new RangeError(`workload loadPercentMean: expected a finite number, found ${loadPercentMean}`);
  }
  if (!(loadPercentSd >= 0) || !Number.isFinite(loadPercentSd)) {
    throw new RangeError(`workload loadPercentSd: expected a finite number >= 0, found ${loadPercentSd}`);
  }
  if (!Number.isInteger(slots) || slots < 1) {
    throw new RangeError(`workload slots: expected an integer >= 1, found ${slots}`);
  }
  if (initialLoad !== 'zero' && initialLoad !== 'drawn') {
    throw new RangeError(`workload initialLoad: expected 'zero' or 'drawn', found ${String(initialLoad)}`);
  }
  return config;
}

/** The VMPlaceS load changes as an endless stream (the caller stops at its end time). */
export class VmLoadChanges implements LoadChangeSource {
  readonly config: VmLoadConfig;
  private readonly loads: LoadDistribution;
  private readonly initial: Float64Array;
  private readonly gapUsMean: number;
  private timeUs = 0;

  constructor(
    readonly vmCount: number,
    config: Partial<VmLoadConfig>,
    private readonly rng: Random,
  ) {
    if (!Number.isInteger(vmCount) || vmCount < 1) {
      throw new RangeError(`workload vmCount: expected an integer >= 1, found ${vmCount}`);
    }
    this.config = normaliseVmLoadConfig(config);
    this.loads = new LoadDistribution(this.config, rng);
    this.gapUsMean = (this.config.changePeriodS * US_PER_S) / vmCount;
    this.initial = new Float64Array(vmCount);
    if (this.config.initialLoad === 'drawn') {
      for (let vm = 0; vm < vmCount; vm++) this.initial[vm] = this.loads.draw();
    }
  }

  /** The model on the stream `workload.load` of `seed`. */
  static fromSeed(seed: number | string, vmCount: number, config: Partial<VmLoadConfig> = {}): VmLoadChanges {
    return new VmLoadChanges(vmCount, config, randomStream(seed, VM_LOAD_STREAM));
  }

  /** Every VM's load before its first change, percent (a copy). */
  initialLoads(): Float64Array {
    return this.initial.slice();
  }

  /** The next change; never undefined (the process is endless). */
  next(): LoadChange {
    this.timeUs += Math.round(this.rng.exponential(this.gapUsMean));
    const vm = this.rng.int(this.vmCount);
    return { timeUs: this.timeUs, vm, loadPercent: this.loads.draw() };
  }
}
