/**
 * The VM placement a live launch plays: a schedule every agent and the launcher draw alike, the
 * simulated placement's model with every host up (so a simulated twin moves its VMs as the live
 * run does), and its player, which tells an agent's VM index what arrives and leaves, from any
 * start time (a restarted agent reports the VMs it holds then).
 */
import { describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/runtime/context.js';
import { Counters } from '../../src/runtime/counters.js';
import { VmSchedule, type VmScheduleOptions } from '../../src/scenario/vm-schedule.js';
import { VmPlacementPlayer, type VmReports } from '../../src/scenario/live-vm-placement.js';
import { VmIndexRing } from '../protocols/vm-index-harness.js';

const OPTIONS: VmScheduleOptions = { seed: 11, vmCount: 200, movesPerS: 4, hostCount: 12, durationS: 120 };

/** The instants worth checking: every move, just before it, and a grid. */
function instants(schedule: VmSchedule): number[] {
  const grid = Array.from({ length: 121 }, (_, k) => k * 1000);
  return [...grid, ...schedule.moves.flatMap((m) => [m.timeMs - 1e-3, m.timeMs])].sort((a, b) => a - b);
}

describe('the live VM schedule', () => {
  it('is a pure function of its options: the same twice, another with another seed', () => {
    const a = new VmSchedule(OPTIONS);
    const b = new VmSchedule(OPTIONS);
    expect(b.moves).toEqual(a.moves);
    expect(Array.from({ length: 200 }, (_, vm) => b.initialHost(vm))).toEqual(Array.from({ length: 200 }, (_, vm) => a.initialHost(vm)));
    expect(new VmSchedule({ ...OPTIONS, seed: 12 }).moves).not.toEqual(a.moves);
  });

  it('has every VM on exactly one host at every instant, each move leaving the host the VM was on', () => {
    const schedule = new VmSchedule(OPTIONS);
    const problems: string[] = [];
    for (const t of instants(schedule)) {
      const seen = new Map<number, number>();
      for (let host = 0; host < OPTIONS.hostCount; host++) {
        for (const { vm } of schedule.hostedAt(host, t)) {
          if (seen.has(vm)) problems.push(`VM ${vm} on hosts ${seen.get(vm)} and ${host} at ${t} ms`);
          if (schedule.hostAt(vm, t) !== host) problems.push(`VM ${vm} hosted by ${host} but hostAt says ${schedule.hostAt(vm, t)} at ${t} ms`);
          seen.set(vm, host);
        }
      }
      if (seen.size !== OPTIONS.vmCount) problems.push(`${seen.size} VMs placed at ${t} ms`);
    }
    expect(problems).toEqual([]);
    for (const m of schedule.moves) {
      expect(m.from).not.toBe(m.to);
      expect(schedule.hostAt(m.vm, m.timeMs - 1e-3)).toBe(m.from);
      expect(schedule.hostAt(m.vm, m.timeMs)).toBe(m.to);
      expect(m.to).toBeGreaterThanOrEqual(0);
      expect(m.to).toBeLessThan(OPTIONS.hostCount);
    }
  });

  it('numbers each VM\'s moves 1, 2, ... as the versions the index carries', () => {
    const schedule = new VmSchedule(OPTIONS);
    const count = new Map<number, number>();
    for (const m of schedule.moves) {
      count.set(m.vm, (count.get(m.vm) ?? 0) + 1);
      expect(m.version).toBe(count.get(m.vm));
    }
    const host = schedule.moves[0].to;
    for (const { vm, version } of schedule.hostedAt(host, 120_000)) expect(version).toBe(count.get(vm) ?? 0);
  });

  it('moves at the Poisson rate: 2 moves/s over 5,000 s gives 10,000 moves within 4 standard deviations, 500 ms apart on average', () => {
    const schedule = new VmSchedule({ ...OPTIONS, movesPerS: 2, durationS: 5000 });
    const moves = schedule.moves.length;
    expect(Math.abs(moves - 10_000)).toBeLessThan(4 * Math.sqrt(10_000));
    const gapsMs = schedule.moves.slice(1).map((m, k) => m.timeMs - schedule.moves[k].timeMs);
    const meanGapMs = gapsMs.reduce((a, b) => a + b, 0) / gapsMs.length;
    expect(Math.abs(meanGapMs - 500)).toBeLessThan(4 * (500 / Math.sqrt(gapsMs.length)));
    expect(gapsMs.every((g) => g > 0)).toBe(true);
    expect(schedule.moves.at(-1)!.timeMs).toBeLessThanOrEqual(5_000_000);
  });

  it('draws a shorter run as a prefix of a longer one, and no move without movesPerS', () => {
    const long = new VmSchedule(OPTIONS);
    const short = new VmSchedule({ ...OPTIONS, durationS: 30 });
    expect(short.moves).toEqual(long.moves.filter((m) => m.timeMs <= 30_000));
    expect(new VmSchedule({ ...OPTIONS, movesPerS: 0 }).moves).toEqual([]);
  });

  it('is the simulated placement with every host up: the twin of a live launch moves its VMs in the cloud model as the live run does', () => {
    const ring = new VmIndexRing(OPTIONS.hostCount, 5);
    const { placement, truth } = ring.placeVms({ seed: OPTIONS.seed, vmCount: OPTIONS.vmCount, movesPerS: OPTIONS.movesPerS });
    placement.start();
    ring.run(OPTIONS.durationS * 1000);
    const schedule = new VmSchedule(OPTIONS);
    expect(ring.counters.get('vms.moves')).toBe(schedule.moves.length);
    const at = (truth: Pick<VmSchedule, 'hostAt'>): number[] => instants(schedule).flatMap((t) => Array.from({ length: OPTIONS.vmCount }, (_, vm) => truth.hostAt(vm, t)));
    expect(at(truth)).toEqual(at(schedule)); // where the cloud model had the VMs, instant by instant
  });

  it('refuses a schedule that is not one (no VM, no host) or beyond its bound of moves', () => {
    expect(() => new VmSchedule({ ...OPTIONS, vmCount: 0 })).toThrow(/vmCount/);
    expect(() => new VmSchedule({ ...OPTIONS, hostCount: 0 })).toThrow(/hostCount/);
    expect(() => new VmSchedule({ ...OPTIONS, movesPerS: -1 })).toThrow(/movesPerS/);
    expect(() => new VmSchedule({ ...OPTIONS, movesPerS: 1e6, durationS: 10 })).toThrow(/more than 2000000 moves/);
  });
});

/** A context on a hand-run clock (ms since the epoch), and an index that records what it is told. */
function handAgent(id: number, startMs: number, schedule: VmSchedule) {
  let now = startMs;
  const timers: { at: number; run: () => void; active: boolean }[] = [];
  const counters = new Counters();
  const ctx = {
    id,
    nowMs: () => now,
    setTimer: (delayMs: number, run: () => void) => {
      const timer = { at: now + delayMs, run, active: true };
      timers.push(timer);
      return { cancel: () => (timer.active = false), get active() { return timer.active; } };
    },
    send: () => {},
    metrics: counters,
    bootstrapPeers: () => [],
  } as unknown as NodeContext;
  const held = new Map<number, number>();
  const index: VmReports = {
    vmArrived: (vm, version) => (held.set(vm, version), true),
    vmDeparted: (vm) => void held.delete(vm),
  };
  const player = new VmPlacementPlayer(ctx, index, schedule);
  player.onStart();
  const advance = (toMs: number): void => {
    for (;;) {
      const due = timers.filter((t) => t.active && t.at <= toMs).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      now = due.at;
      due.active = false;
      due.run();
    }
    now = toMs;
  };
  return { held, advance, counters, pendingTimers: () => timers.filter((t) => t.active).length };
}

describe('the live VM placement player', () => {
  const schedule = new VmSchedule(OPTIONS);
  const truth = (host: number, t: number): Map<number, number> => new Map(schedule.hostedAt(host, t).map(({ vm, version }) => [vm, version]));

  it("keeps an agent's index told exactly the VMs the schedule puts on its host, with their versions, one timer at a time", () => {
    for (let host = 0; host < OPTIONS.hostCount; host++) {
      const agent = handAgent(host, 0, schedule);
      for (let t = 0; t <= 120_000; t += 2500) {
        agent.advance(t);
        expect(agent.held, `host ${host} at ${t} ms`).toEqual(truth(host, t));
        expect(agent.pendingTimers()).toBeLessThanOrEqual(1);
      }
      expect(agent.counters.get('vms.moves')).toBe(schedule.moves.filter((m) => m.to === host).length);
    }
  });

  it('started late (a restarted agent, its clock continuing from the epoch), reports the VMs it holds then and follows on', () => {
    const host = schedule.moves[40].to;
    const restartMs = schedule.moves[40].timeMs + 0.5;
    const agent = handAgent(host, restartMs, schedule);
    expect(agent.held).toEqual(truth(host, restartMs));
    agent.advance(120_000);
    expect(agent.held).toEqual(truth(host, 120_000));
    expect(agent.counters.get('vms.moves')).toBe(schedule.moves.filter((m) => m.to === host && m.timeMs > restartMs).length);
  });
});
