import { describe, expect, it } from 'vitest';
import { assignLanes, type Span } from '../../src/plot/label-lanes.js';
import { mulberry32 } from '../placement/problems.js';

describe('assignLanes', () => {
  it('puts labels that overlap in different lanes and reuses a lane once its last label has ended', () => {
    const spans: Span[] = [
      { startPx: 0, endPx: 100 },
      { startPx: 50, endPx: 150 }, // overlaps the first: lane 1
      { startPx: 110, endPx: 200 }, // starts after the first ends (+ 6 px): lane 0 again
      { startPx: 120, endPx: 130 }, // overlaps lane 0's and lane 1's last labels: lane 2
    ];
    expect(assignLanes(spans, 6)).toEqual([0, 1, 0, 2]);
  });

  it('keeps a gap of 6 px between two labels of one lane', () => {
    expect(assignLanes([{ startPx: 0, endPx: 100 }, { startPx: 105, endPx: 120 }], 6)).toEqual([0, 1]);
    expect(assignLanes([{ startPx: 0, endPx: 100 }, { startPx: 106, endPx: 120 }], 6)).toEqual([0, 0]);
  });

  it('places by left edge whatever the order given, and returns the lanes in the order given', () => {
    expect(assignLanes([{ startPx: 50, endPx: 150 }, { startPx: 0, endPx: 100 }], 6)).toEqual([1, 0]);
  });

  it('gives no lane (null) to a label that fits none of lanesMax lanes', () => {
    const stacked = Array.from({ length: 4 }, () => ({ startPx: 0, endPx: 50 }));
    expect(assignLanes(stacked, 3)).toEqual([0, 1, 2, null]);
  });

  it('never overlaps two labels of one lane, and uses as few lanes as the deepest pile of overlapping labels (500 random sets)', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const random = mulberry32(seed);
      const spans = Array.from({ length: 1 + Math.floor(random() * 30) }, () => {
        const startPx = random() * 700;
        return { startPx, endPx: startPx + 10 + random() * 200 };
      });
      const lanes = assignLanes(spans, 100);
      expect(lanes.every((l) => l !== null), `seed ${seed}`).toBe(true);
      for (let i = 0; i < spans.length; i++) {
        for (let j = i + 1; j < spans.length; j++) {
          if (lanes[i] !== lanes[j]) continue;
          const [a, b] = spans[i].startPx <= spans[j].startPx ? [spans[i], spans[j]] : [spans[j], spans[i]];
          expect(a.endPx + 6 <= b.startPx, `seed ${seed}: spans ${i} and ${j} share lane ${lanes[i]}`).toBe(true);
        }
      }
      // The deepest pile: the most spans (with their 6 px gap) covering one point, checked at every left edge.
      const depth = Math.max(...spans.map((s) => spans.filter((t) => t.startPx <= s.startPx && s.startPx < t.endPx + 6).length));
      expect(Math.max(...(lanes as number[])) + 1, `seed ${seed}`).toBe(depth);
    }
  });
});
