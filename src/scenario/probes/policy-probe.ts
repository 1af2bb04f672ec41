/**
 * Scores the user policies (`policies` section) against where every VM really is, the cloud
 * model, never against what a scheduler believes: at each sample the placement checker's pure
 * `policyViolations` judges the cloud section's VMs on their hosts now, against their hosts at
 * the start for the rules about moves (root, quarantine). Capacities are the cloud probe's.
 *
 * A violation is told by the checker's message (the policy, the VMs and the places); one not
 * present at the previous sample has started (`policy.hard_violations`, which must stay 0;
 * `policy.soft_violations`); the soft ones present at a sample are charged the interval since
 * the previous one (`policy.soft_violation_time_s`, at the samples' resolution). Lost VMs are
 * judged nowhere; a VM restored on another host has moved.
 */
import type { Cloud } from '../../platform/cloud.js';
import type { MetricSeries } from '../../metrics/series.js';
import { indexProblem, type IndexedProblem } from '../../placement/indexed.js';
import { policyViolations } from '../../placement/policy-check.js';
import type { Policy } from '../../placement/policy.js';
import type { PlacementProblem } from '../../placement/problem.js';

export interface PolicyProbeInput {
  readonly cloud: Cloud;
  /** The VMs judged: ids 0..vmCount-1 (the cloud section's, placed when the probe is built). */
  readonly vmCount: number;
  readonly hostPop: ArrayLike<number>;
  readonly popCountries: readonly string[];
  /** Operator of each PoP, null without an operators section. */
  readonly popOperator: ArrayLike<number> | null;
  readonly policies: readonly Policy[];
  /** Tenant of each VE, -1 for none. */
  readonly veTenant: ArrayLike<number>;
}

export class PolicyProbe {
  private readonly ix: IndexedProblem;
  private readonly hostOf: Int32Array;
  private hardNow = new Set<string>();
  private softNow = new Set<string>();
  private hardStarted = 0;
  private softStarted = 0;
  private softTimeS = 0;
  private lastS = 0;

  constructor(private readonly input: PolicyProbeInput) {
    const { cloud, hostPop, popCountries, popOperator } = input;
    const problem: PlacementProblem = {
      hosts: Array.from({ length: cloud.hostCount }, (_, h) => ({ id: h, cores: Number.MAX_VALUE, memoryMiB: Number.MAX_VALUE, site: hostPop[h], country: popCountries[hostPop[h]], operator: popOperator?.[hostPop[h]] ?? -1 })),
      vms: Array.from({ length: input.vmCount }, (_, v) => {
        const ve = cloud.vmVe[v];
        return { id: v, host: cloud.vmHost[v], cpuDemand: 0, memoryMiB: 0, ve, tenant: ve >= 0 ? (input.veTenant[ve] ?? -1) : -1 };
      }),
      constraints: [],
      policies: input.policies,
    };
    this.ix = indexProblem(problem);
    if (this.ix.faults.length > 0) throw new Error(`PolicyProbe: malformed problem: ${this.ix.faults[0]}`);
    this.hostOf = new Int32Array(input.vmCount);
  }

  /** The hard and soft violations of the placement now. */
  violationsNow(): { readonly hard: readonly string[]; readonly soft: readonly string[] } {
    const { vmHost } = this.input.cloud;
    for (let v = 0; v < this.hostOf.length; v++) this.hostOf[v] = vmHost[v]; // host ids are host indices; -1: lost
    return policyViolations(this.ix, this.hostOf);
  }

  record(series: MetricSeries, timeS: number): void {
    const { hard, soft } = this.violationsNow();
    const hardNow = new Set(hard);
    const softNow = new Set(soft);
    for (const v of hardNow) if (!this.hardNow.has(v)) this.hardStarted++;
    for (const v of softNow) if (!this.softNow.has(v)) this.softStarted++;
    this.softTimeS += softNow.size * (timeS - this.lastS);
    this.hardNow = hardNow;
    this.softNow = softNow;
    this.lastS = timeS;
    series.count(timeS, 'policy.hard_violations', this.hardStarted);
    series.record(timeS, 'policy.hard_violations_now', hardNow.size);
    series.count(timeS, 'policy.soft_violations', this.softStarted);
    series.record(timeS, 'policy.soft_violation_time_s', this.softTimeS);
  }
}
