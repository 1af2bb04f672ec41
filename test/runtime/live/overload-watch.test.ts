import { describe, expect, it } from 'vitest';
import { OverloadWatch } from '../../../src/runtime/live/overload-watch.js';

describe('OverloadWatch', () => {
  it('keeps the overloads that began and ended between two takes, then the open one', () => {
    let demand = 2;
    let now = 0;
    const watch = new OverloadWatch(() => demand, 4, () => now);
    expect(watch.take()).toEqual([]);
    now = 100;
    demand = 5;
    watch.check();
    now = 130;
    demand = 3;
    watch.check();
    now = 200;
    demand = 4.5;
    watch.check();
    now = 250;
    expect(watch.take()).toEqual([{ startMs: 100, endMs: 130 }, { startMs: 200 }]);
    now = 400;
    expect(watch.take()).toEqual([{ startMs: 200 }]); // still open: the same episode
    demand = 4; // exactly the cores: not an overload
    now = 420;
    expect(watch.take()).toEqual([{ startMs: 200, endMs: 420 }]);
    expect(watch.take()).toEqual([]);
  });
});
