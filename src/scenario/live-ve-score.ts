/**
 * VE operations of a live launch judged against what the hypervisors show (the agents' cloud
 * samples), never against what the issuer believed. An operation is judged at the first tick at
 * or after its answer (tickS x 1000 >= endMs: resolution one metrics interval, so a VM moved by
 * someone else between the answer and that tick makes a right answer count as wrong):
 *   - find: right when the owner answered, with the VE's members, and each member's host is an
 *     agent whose hypervisor lists that VM at the tick;
 *   - start / resume / suspend / stop: right when every member of the VE is listed, in the state
 *     the operation asks for, wherever it is listed (whatever the issuer was told);
 *   - relocate: right when the target agent's hypervisor lists the member (or moved it away after the answer);
 *   - configure: right when the owner answered with the VE's members.
 * The VE's members are the scenario's (when given); without them, those the owner answered with.
 * Per kind, cumulative at each tick: `ve.<op>.ops` judged, `ve.<op>.ok_share` right, and
 * `ve.<op>.reported_ok_share` reported ok by the issuer; failures per reported reason
 * (`ve.failed.<reason>`, as the simulation counts them); operations after the last tick
 * (`ve.ops_unjudged`) and dropped by an agent's bound (`ve.ops_dropped`).
 */
import type { MetricSeries } from '../metrics/series.js';
import { VE_OP_NAMES, type VeOpName } from '../protocols/ve/ve-log.js';
import type { NodeSample, VeOpSample } from './live-samples.js';

/**
 * What the hypervisors show at one tick: where each VM is listed (the agents whose hypervisor
 * shows it, and its state there), and the migrations that moved it away since the last tick (the
 * source agent, and when the migration ended, run time in ms).
 */
export interface VmWhereabouts {
  readonly listed: ReadonlyMap<number, readonly { readonly agent: number; readonly state: string }[]>;
  readonly movedAway: ReadonlyMap<number, readonly { readonly agent: number; readonly endMs: number }[]>;
}

const TARGET_STATE: Partial<Record<VeOpName, string>> = { start: 'running', resume: 'running', suspend: 'suspended', stop: 'stopped' };

export function whereaboutsOf(byId: readonly (NodeSample | undefined)[]): VmWhereabouts {
  const listed = new Map<number, { agent: number; state: string }[]>();
  const movedAway = new Map<number, { agent: number; endMs: number }[]>();
  const add = <T>(map: Map<number, T[]>, vm: number, value: T): void => void (map.get(vm)?.push(value) ?? map.set(vm, [value]));
  byId.forEach((sample, agent) => {
    for (const vm of sample?.cloud?.vms ?? []) add(listed, vm.vm, { agent, state: vm.state });
    for (const m of sample?.cloud?.migrations ?? []) if (m.ok && m.endMs !== undefined) add(movedAway, m.vm, { agent, endMs: m.endMs });
  });
  return { listed, movedAway };
}

/**
 * Whether `agent` hosted `vm` when an answer was given at `answerMs`, as the next tick shows it:
 * listed there at the tick, or moved away from there by a migration that ended after the answer
 * (so a find answered just before the relocation it leads to is judged where the VM then was).
 */
function hostedAt(where: VmWhereabouts, vm: number, agent: number, answerMs: number): boolean {
  return where.listed.get(vm)?.some((p) => p.agent === agent) === true || where.movedAway.get(vm)?.some((m) => m.agent === agent && m.endMs >= answerMs) === true;
}

/** Whether the hypervisors show what `op` was to do or tell (see the file's comment). */
export function veOpRight(op: VeOpSample, where: VmWhereabouts, trueMembers?: readonly number[]): boolean {
  const members = trueMembers ?? op.members;
  const answeredMembers = op.members.length === members.length && op.members.every((vm, k) => vm === members[k]);
  if (op.op === 'configure') return op.ok && members.length > 0 && answeredMembers;
  if (op.op === 'find') return op.ok && members.length > 0 && answeredMembers && op.members.every((vm, k) => hostedAt(where, vm, op.hosts[k], op.endMs));
  if (op.op === 'relocate') return hostedAt(where, op.vm, op.target, op.endMs);
  const state = TARGET_STATE[op.op];
  return members.length > 0 && members.every((vm) => {
    const at = where.listed.get(vm);
    return at !== undefined && at.length > 0 && at.every((p) => p.state === state);
  });
}

/** The first tick (ascending list) at or after `endMs`, or undefined. */
export function judgingTick(ticksS: readonly number[], endMs: number): number | undefined {
  let lo = 0;
  let hi = ticksS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ticksS[mid] * 1000 >= endMs) hi = mid;
    else lo = mid + 1;
  }
  return ticksS[lo];
}

interface Judged {
  readonly kind: number;
  readonly right: boolean;
  readonly reportedOk: boolean;
  readonly reason: string;
}

/** Judges every VE operation of a launch once, then records the tallies tick by tick. */
export class LiveVeTally {
  private readonly judgedAt = new Map<number, Judged[]>();
  private readonly droppedAt = new Map<number, number>();
  private readonly lastTickS: number;
  private unjudged = 0;
  private dropped = 0;
  private readonly total = new Float64Array(VE_OP_NAMES.length);
  private readonly right = new Float64Array(VE_OP_NAMES.length);
  private readonly reportedOk = new Float64Array(VE_OP_NAMES.length);
  private readonly failedBy = new Map<string, number>();

  /** `ticks`: the samples by tick, ascending (`samplesByTick`); `members`: each VE's members by id, when known. */
  constructor(ticks: ReadonlyMap<number, readonly (NodeSample | undefined)[]>, members?: readonly (readonly number[])[]) {
    const ticksS = [...ticks.keys()].sort((a, b) => a - b);
    this.lastTickS = ticksS.length === 0 ? NaN : ticksS[ticksS.length - 1];
    const where = new Map<number, VmWhereabouts>();
    for (const [tickS, byId] of ticks) {
      for (const sample of byId) {
        if (sample?.ve === undefined) continue;
        if (sample.ve.dropped > 0) this.droppedAt.set(tickS, (this.droppedAt.get(tickS) ?? 0) + sample.ve.dropped);
        for (const op of sample.ve.ops) {
          const kind = (VE_OP_NAMES as readonly string[]).indexOf(op.op);
          const at = judgingTick(ticksS, op.endMs);
          if (kind < 0) continue;
          if (at === undefined) {
            this.unjudged++;
            continue;
          }
          let whereabouts = where.get(at);
          if (whereabouts === undefined) where.set(at, (whereabouts = whereaboutsOf(ticks.get(at) ?? [])));
          const judged = { kind, right: veOpRight(op, whereabouts, members?.[op.ve]), reportedOk: op.ok, reason: op.reason };
          const list = this.judgedAt.get(at);
          if (list === undefined) this.judgedAt.set(at, [judged]);
          else list.push(judged);
        }
      }
    }
  }

  /** Adds the operations judged at `tickS` and records the cumulative tallies (nothing before the first operation). */
  record(series: MetricSeries, tickS: number): void {
    for (const j of this.judgedAt.get(tickS) ?? []) {
      this.total[j.kind]++;
      if (j.right) this.right[j.kind]++;
      if (j.reportedOk) this.reportedOk[j.kind]++;
      else this.failedBy.set(j.reason, (this.failedBy.get(j.reason) ?? 0) + 1);
    }
    this.dropped += this.droppedAt.get(tickS) ?? 0;
    VE_OP_NAMES.forEach((name, kind) => {
      if (this.total[kind] === 0) return;
      series.count(tickS, `ve.${name}.ops`, this.total[kind]);
      series.record(tickS, `ve.${name}.ok_share`, this.right[kind] / this.total[kind]);
      series.record(tickS, `ve.${name}.reported_ok_share`, this.reportedOk[kind] / this.total[kind]);
    });
    for (const reason of [...this.failedBy.keys()].sort()) series.count(tickS, `ve.failed.${reason}`, this.failedBy.get(reason) as number);
    if (this.dropped > 0) series.count(tickS, 've.ops_dropped', this.dropped);
    if (tickS === this.lastTickS && this.unjudged > 0) series.record(tickS, 've.ops_unjudged', this.unjudged);
  }
}
