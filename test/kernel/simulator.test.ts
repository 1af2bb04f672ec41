import { describe, expect, it } from 'vitest';
import { BoundExceededError, Simulator } from '../../src/kernel/simulator.js';
import { msToUs } from '../../src/kernel/time.js';

describe('Simulator', () => {
  it('advances the clock to each event time and to the end time after the last one', () => {
    const sim = new Simulator();
    const seen: number[] = [];
    sim.at(msToUs(1.5), () => seen.push(sim.nowUs()));
    sim.at(msToUs(3), () => seen.push(sim.nowUs()));
    const processed = sim.run({ endUs: msToUs(10), eventsMax: 100 });
    expect(seen).toEqual([1500, 3000]);
    expect(processed).toBe(2);
    expect(sim.nowUs()).toBe(10_000);
  });

  it('runs events due exactly at the end time and leaves later ones pending', () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.at(100, () => seen.push('at-end'));
    sim.at(101, () => seen.push('after-end'));
    sim.run({ endUs: 100, eventsMax: 10 });
    expect(seen).toEqual(['at-end']);
    expect(sim.pendingEvents).toBe(1);
    sim.run({ endUs: 200, eventsMax: 10 });
    expect(seen).toEqual(['at-end', 'after-end']);
  });

  it('serves equal times in the order they were scheduled, even when scheduled from handlers', () => {
    const sim = new Simulator();
    const order: string[] = [];
    sim.at(5, () => {
      order.push('first');
      sim.after(0, () => order.push('nested'));
    });
    sim.at(5, () => order.push('second'));
    sim.run({ endUs: 10, eventsMax: 10 });
    expect(order).toEqual(['first', 'second', 'nested']);
  });

  it('never fires a cancelled timer, and cancelling a fired timer is harmless', () => {
    const sim = new Simulator();
    const fired: string[] = [];
    const a = sim.setTimer(10, () => fired.push('a'));
    const b = sim.setTimer(20, () => fired.push('b'));
    a.cancel();
    sim.run({ endUs: 30, eventsMax: 10 });
    expect(fired).toEqual(['b']);
    expect(a.active).toBe(false);
    expect(b.active).toBe(false);
    b.cancel();
    expect(fired).toEqual(['b']);
  });

  it('fails with BoundExceededError naming the limit when the event budget is exhausted', () => {
    const sim = new Simulator();
    const tick = (): void => sim.after(1, tick);
    sim.after(0, tick);
    expect(() => sim.run({ endUs: 1_000_000, eventsMax: 50 })).toThrow(BoundExceededError);
    expect(sim.eventsProcessed).toBe(50);
  });

  it('fails with BoundExceededError past its pending-event bound, however small', () => {
    const sim = new Simulator(3);
    for (let i = 0; i < 3; i++) sim.after(10, () => undefined);
    expect(() => sim.after(10, () => undefined)).toThrow(BoundExceededError);
    expect(() => new Simulator(0)).toThrow(/pendingMax/);
  });

  it('stops early when a handler calls stop()', () => {
    const sim = new Simulator();
    let count = 0;
    const tick = (): void => {
      if (++count === 7) sim.stop();
      sim.after(1, tick);
    };
    sim.after(0, tick);
    sim.run({ endUs: 1000, eventsMax: 1000 });
    expect(count).toBe(7);
    expect(sim.nowUs()).toBe(6);
  });

  it('rejects times in the past and fractional microseconds', () => {
    const sim = new Simulator();
    sim.at(10, () => undefined);
    sim.run({ endUs: 10, eventsMax: 10 });
    expect(() => sim.at(5, () => undefined)).toThrow(/not an integer at or after now/);
    expect(() => sim.after(0.5, () => undefined)).toThrow(/not an integer/);
  });

  it('fires event records (objects with fire()) in (time, insertion) order among closures', () => {
    const sim = new Simulator();
    const order: string[] = [];
    const record = (name: string) => ({ fire: () => order.push(`${name}@${sim.nowUs()}`) });
    sim.at(10, record('r1'));
    sim.at(5, () => order.push(`c1@${sim.nowUs()}`));
    sim.at(10, () => order.push(`c2@${sim.nowUs()}`));
    sim.after(5, record('r2'));
    sim.run({ endUs: 20, eventsMax: 10 });
    expect(order).toEqual(['c1@5', 'r2@5', 'r1@10', 'c2@10']);
  });
});

