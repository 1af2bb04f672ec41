/**
 * The live agent's hooks around its VE manager: it configures the VEs whose id mod n is its own,
 * not before `configureAtS`, retries a failed configure every 10 s, and hands its hypervisor's
 * migrations to the manager from a 0 ms timer (VMs in no VE ignored).
 */
import { describe, expect, it } from 'vitest';
import { VeAgentHooks, type VmMoves } from '../../src/agent/ve-agent-hooks.js';
import type { NodeContext, TimerHandle } from '../../src/runtime/context.js';
import { Counters } from '../../src/runtime/counters.js';
import type { VeProtocol } from '../../src/protocols/ve/ve-protocol.js';

/** A node context on a hand-driven clock: `advance` runs the timers due, in time order. */
function clock(id: number) {
  let now = 0;
  const timers: { at: number; seq: number; fn: () => void; active: boolean }[] = [];
  const metrics = new Counters();
  const ctx = {
    id,
    nowMs: () => now,
    metrics,
    setTimer: (delayMs: number, fn: () => void): TimerHandle => {
      const t = { at: now + delayMs, seq: timers.length, fn, active: true };
      timers.push(t);
      return { cancel: () => void (t.active = false), get active() { return t.active; } };
    },
  } as unknown as NodeContext;
  const advance = (toMs: number): void => {
    for (;;) {
      const due = timers.filter((t) => t.active && t.at <= toMs).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      due.active = false;
      now = due.at;
      due.fn();
    }
    now = toMs;
  };
  return { ctx, metrics, advance };
}

describe('VeAgentHooks', () => {
  it('configures VEs 1 and 4 of 5 on node 1 of 3 at 2 s, retrying a refused one 10 s later', () => {
    const { ctx, metrics, advance } = clock(1);
    const calls: string[] = [];
    let refuseVe4 = true;
    const manager = {
      configure: (ve: number, members: readonly number[], done: (r: { ok: boolean }) => void) => {
        calls.push(`${ctx.nowMs()} ms: ${ve} [${members.join(',')}]`);
        const ok = !(ve === 4 && refuseVe4);
        if (ve === 4) refuseVe4 = false;
        done({ ok });
      },
    } as unknown as VeProtocol;
    const hooks = new VeAgentHooks(ctx, () => manager, { configureAtS: 2, members: [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]], nodeCount: 3 });
    expect(hooks.configuredHere()).toEqual([1, 4]);
    hooks.onStart();
    advance(1999);
    expect(calls).toEqual([]);
    advance(30_000);
    expect(calls).toEqual(['2000 ms: 1 [2,3]', '2000 ms: 4 [8,9]', '12000 ms: 4 [8,9]']);
    expect(metrics.get('ve.configured')).toBe(2);
  });

  it("tells the manager of its host's migrations, from a timer, and ignores VMs in no VE", () => {
    const { ctx, metrics, advance } = clock(0);
    const told: string[] = [];
    const manager = { vmArrived: (vm: number, ve: number) => told.push(`arrived ${vm} ve ${ve}`), vmDeparted: (vm: number) => told.push(`departed ${vm}`) } as unknown as VeProtocol;
    let listener: Parameters<VmMoves['onVmMoved']>[0] = () => undefined;
    new VeAgentHooks(ctx, () => manager, { configureAtS: 60, members: [], nodeCount: 2, moves: { onVmMoved: (l) => void (listener = l) } });
    listener({ vm: 7, ve: 3, arrived: true });
    listener({ vm: 8, ve: -1, arrived: true });
    listener({ vm: 5, ve: 2, arrived: false });
    expect(told).toEqual([]);
    advance(0);
    expect(told).toEqual(['arrived 7 ve 3', 'departed 5']);
    expect(metrics.get('ve.agent.arrivals_told')).toBe(1);
    expect(metrics.get('ve.agent.departures_told')).toBe(1);
  });
});
