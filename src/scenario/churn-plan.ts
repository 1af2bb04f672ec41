/**
 * From a validated `churn` section to the plan the churn driver applies: the churning hosts
 * resolved to indices (a share is drawn from the stream `churn.hosts`), those up when churn
 * begins, and the schedule of joins and leaves drawn by the churn model of actors/ from the
 * stream `churn`, shifted to start at `startS`. Pure: the same scenario gives the same plan.
 */
import { churnSchedule, type ChurnEvent } from '../actors/churn.js';
import { randomStream } from '../kernel/random.js';
import type { ChurnPlan, ChurnStep } from '../faults/churn-driver.js';
import type { Fault as PlannedFault } from '../faults/fault-plan.js';
import type { Churn } from './churn.js';
import { sessionInMs } from './churn.js';

type Fail = (field: string, expected: string, found: string) => never;

export interface ChurnPlanInput {
  readonly churn: Churn;
  readonly seed: number;
  readonly durationS: number;
  readonly hostCount: number;
  /** Resolved faults, in the order of the scenario's `faults` list. */
  readonly faults: readonly PlannedFault[];
  /** Hosts of a PoP as [first, end); null without a backbone (no PoP faults then). */
  readonly hostsOfPop: ((pop: number) => readonly [number, number]) | null;
}

export function planChurn(input: ChurnPlanInput, fail: Fail): ChurnPlan {
  const { churn, hostCount: n } = input;
  const checkIndex = (host: number, field: string): void => {
    if (host >= n) fail(field, `a host index < ${n}`, String(host));
  };
  churn.keepUp.forEach((host, k) => checkIndex(host, `churn.keepUp[${k}]`));
  const kept = new Set(churn.keepUp);
  const rng = randomStream(input.seed, 'churn.hosts');

  let pool: number[];
  if (churn.hosts === 'all') {
    pool = range(n).filter((host) => !kept.has(host));
  } else if (Array.isArray(churn.hosts)) {
    churn.hosts.forEach((host, k) => checkIndex(host, `churn.hosts[${k}]`));
    pool = [...churn.hosts].sort((a, b) => a - b);
  } else {
    const eligible = range(n).filter((host) => !kept.has(host));
    const count = Math.round(churn.hosts.share * eligible.length);
    if (count < 1) fail('churn.hosts.share', `a share giving at least one of the ${eligible.length} hosts`, String(churn.hosts.share));
    pool = rng.shuffle(eligible).slice(0, count).sort((a, b) => a - b);
  }
  if (pool.length === 0) fail('churn.hosts', 'at least one host outside keepUp', `${n} hosts, all kept up`);
  checkNoHostFaults(pool, input, fail);

  const upCount = Math.round(churn.initiallyUpShare * pool.length);
  const initiallyUp = rng.shuffle([...pool]).slice(0, upCount).sort((a, b) => a - b);
  const up = new Set(initiallyUp);
  const startDown = pool.filter((host) => !up.has(host));

  const startMs = churn.startS * 1000;
  let events: readonly ChurnEvent[] = [];
  let skippedJoins = 0;
  try {
    const schedule = churnSchedule(
      {
        pool,
        initiallyUp,
        joinRatePerS: churn.joinRatePerS,
        session: sessionInMs(churn.session),
        horizonMs: (input.durationS - churn.startS) * 1000,
        eventsMax: churn.eventsMax,
      },
      randomStream(input.seed, 'churn'),
    );
    events = schedule.events;
    skippedJoins = schedule.skippedJoins;
  } catch (error) {
    if (!(error instanceof RangeError) || !/more than \d+ events/.test(error.message)) throw error;
    fail('churn.eventsMax', 'an integer >= the joins and leaves of the run (raise it, or lower the churn)', `${churn.eventsMax}, exceeded`);
  }
  // Whole microseconds, as kernel time: the shifted times stay exact.
  const steps: ChurnStep[] = events.map((e) => ({ timeMs: Math.round((startMs + e.timeMs) * 1000) / 1000, node: e.node, kind: e.kind }));
  return { pool, startDown, steps, skippedJoins };
}

/** Churning hosts must not also be taken down by host or PoP faults: both would decide when they are up. */
function checkNoHostFaults(pool: readonly number[], input: ChurnPlanInput, fail: Fail): void {
  const churning = new Set(pool);
  input.faults.forEach((fault, index) => {
    let hosts: number[] = [];
    if (fault.kind === 'hosts-down' || fault.kind === 'agents-down') hosts = [...fault.hosts];
    else if (fault.kind === 'pops-down' && input.hostsOfPop !== null) {
      for (const pop of fault.pops) {
        const [first, end] = input.hostsOfPop(pop);
        for (let h = first; h < end; h++) hosts.push(h);
      }
    } else if (fault.kind === 'stochastic' && fault.target !== 'links') hosts = range(input.hostCount);
    const shared = hosts.find((host) => churning.has(host));
    if (shared !== undefined) {
      fail('churn.hosts', 'hosts that no host, PoP or stochastic host/PoP fault also takes down (both would decide when a host is up)', `host ${shared}, also taken down by faults[${index}]`);
    }
  });
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
