/**
 * Plays a testbed's fault plan (`scenario/testbed-plan.ts`) on the running launch: at each
 * step's time after the epoch, the agents whose host went down are SIGKILLed and held down until
 * their host is up again (the launcher starts them then), and the agents are cut into their
 * groups (a cut or a partition; the heal joins them again): the testbed moves veths onto bridges
 * at the step's time (a `GroupCutter`), `luc deploy` hands every step to its machines before time
 * 0 and they put the iptables rules in at its time (a `StagedGroupCutter`). Each step records
 * when it was really in place, in ms since the epoch, for summary.json.
 */
import type { Scenario } from '../scenario/schema.js';
import type { TestbedFaultPlan, TestbedStep } from '../scenario/testbed-plan.js';
import type { LaunchControl } from '../runtime/live/launcher.js';

/** Separates agents into groups at once: `groups[i]` is agent i's group, -1 when it is down (killed apart). In place when it returns. */
export interface GroupCutter {
  setGroups(groups: readonly number[]): void | Promise<void>;
}

/**
 * Separates agents into groups where they run, every step handed over before time 0 (over ssh a
 * command can take seconds to start on a loaded machine: a cut sent at its time would be late).
 */
export interface StagedGroupCutter {
  /** The plan's steps, before the epoch is known; each is put in place at its time after the epoch. */
  stageSteps(steps: readonly TestbedStep[]): void;
  /** When step k was in place (wall ms); null when the cutter had nothing to do; rejects with why it failed. */
  inPlace(step: number): Promise<number | null>;
}

export interface AppliedStep {
  readonly plannedAtS: number;
  /** When the step was in place (bridges moved, agents killed); null if the run ended first. */
  readonly appliedAtS: number | null;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** Agents by group (each group reaches only itself); agents down apart. */
  readonly groups: readonly (readonly number[])[];
  readonly down: readonly number[];
  readonly killed: readonly number[];
  readonly error?: string;
}

export class TestbedFaultPlayer {
  private readonly applied: (AppliedStep | null)[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly plan: TestbedFaultPlan,
    private readonly cutter: GroupCutter | StagedGroupCutter,
    private readonly log: (line: string) => void,
  ) {
    this.applied = plan.steps.map(() => null);
  }

  /** Stage the cuts (a staged cutter) and arm the steps once the launch's epoch is known. */
  attach(control: LaunchControl): void {
    if ('stageSteps' in this.cutter) this.cutter.stageSteps(this.plan.steps);
    control.onEpoch((epochMs) => {
      this.plan.steps.forEach((step, k) => this.at(epochMs + step.atMs, () => void this.applyStep(step, k, epochMs, control)));
    });
  }

  /** Run `what` at wall time `atMs` (at once if past) unless stopped before. */
  private at(atMs: number, what: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) what();
    }, Math.max(0, atMs - Date.now()));
    this.timers.add(timer);
  }

  private async applyStep(step: TestbedStep, k: number, epochMs: number, control: LaunchControl): Promise<void> {
    const downAt = (id: number): { untilMs: number | null } | undefined => this.plan.downs.find((d) => d.id === id && d.fromMs === step.atMs);
    const killed: number[] = [];
    let error: string | undefined;
    let inPlaceMs = 0;
    try {
      // Kill first: an agent of a crashed PoP must not talk over a link that is about to be cut.
      step.groups.forEach((group, id) => {
        const down = downAt(id);
        if (group < 0 && down !== undefined && control.crash(id, down.untilMs)) killed.push(id);
      });
      const killedAtMs = Date.now();
      const cutAtMs = 'inPlace' in this.cutter ? await this.cutter.inPlace(k) : await this.cutter.setGroups(step.groups);
      inPlaceMs = Math.max(killedAtMs, cutAtMs ?? Date.now());
    } catch (e) {
      error = (e as Error).message;
      this.log(`testbed: step at ${step.atMs / 1000} s failed: ${error}`);
    }
    const appliedAtS = Number((((error === undefined ? inPlaceMs : Date.now()) - epochMs) / 1000).toFixed(3));
    const groups: number[][] = [];
    step.groups.forEach((group, id) => group >= 0 && (groups[group] ??= []).push(id));
    const down = step.groups.flatMap((g, id) => (g < 0 ? [id] : []));
    this.applied[k] = { plannedAtS: step.atMs / 1000, appliedAtS, starts: step.starts, ends: step.ends, groups, down, killed, ...(error === undefined ? {} : { error }) };
    this.log(`testbed: at ${appliedAtS} s (planned ${step.atMs / 1000} s): ${groups.length} group(s) ${groups.map((g) => `[${g.join(',')}]`).join(' ')}${down.length > 0 ? `, down ${down.join(',')}` : ''}`);
  }

  /** No step after this (the run is over or aborted). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Every step, applied or not, for summary.json. */
  record(): AppliedStep[] {
    return this.plan.steps.map(
      (step, k) =>
        this.applied[k] ?? { plannedAtS: step.atMs / 1000, appliedAtS: null, starts: step.starts, ends: step.ends, groups: [], down: [], killed: [] },
    );
  }
}

/** Whether agents a and b were in one group at run time atMs, by when each step really was in place (a leave across a cut is a cut-off leave). */
export function reachableAt(steps: readonly AppliedStep[], a: number, b: number, atMs: number): boolean {
  const now = steps.filter((s) => s.appliedAtS !== null && s.appliedAtS * 1000 <= atMs).at(-1);
  return now === undefined || now.groups.some((g) => g.includes(a) && g.includes(b));
}

/** Each scenario fault applied, with when it was in place and when healed (s since the epoch). */
export function faultRecords(steps: readonly AppliedStep[], faults: Scenario['faults']): Record<string, unknown>[] {
  const indices = [...new Set(steps.flatMap((s) => s.starts))].sort((a, b) => a - b);
  return indices.map((index) => {
    const start = steps.find((s) => s.starts.includes(index));
    const end = steps.find((s) => s.ends.includes(index));
    return { index, kind: faults[index]?.kind, plannedAtS: start?.plannedAtS ?? null, appliedAtS: start?.appliedAtS ?? null, plannedHealS: end?.plannedAtS ?? null, healedAtS: end?.appliedAtS ?? null };
  });
}
