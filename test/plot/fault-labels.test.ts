import { describe, expect, it } from 'vitest';
import { placeFaultLabels } from '../../src/plot/fault-labels.js';
import { faultWindows } from '../../src/plot/fault-windows.js';
import { seriesTextColour } from '../../src/plot/legend.js';
import type { RunFolder } from '../../src/plot/run-folder.js';
import type { RunGroup } from '../../src/plot/run-groups.js';
import { textWidthPx } from '../../src/plot/text-width.js';

function group(label: string, faults: Record<string, unknown>[], durationS = 100): RunGroup {
  const scenario = { name: 's', seed: 1, durationS, faults };
  const run: RunFolder = { dir: label, scenarioName: 's', seed: 1, scenario, series: new Map(), nodeValues: new Map(), coordinates: null };
  return { label, runs: [run] };
}

const crash = (atS: number, pop: string, durationS = 10) => ({ kind: 'pop-crash', atS, durationS, pop });
const AXIS = { xMax: 100, leftPx: 60, rightPx: 740 };

describe('fault windows and their labels', () => {
  it('shares the windows every group has, and gives the others to the group that has them', () => {
    const groups = [group('calm', [crash(10, 'Paris')]), group('storm', [crash(10, 'Paris'), crash(50, 'Lyon')])];
    expect(faultWindows(groups)).toEqual([
      { startS: 10, endS: 20, label: 'pop-crash Paris', group: null },
      { startS: 50, endS: 60, label: 'pop-crash Lyon', group: 1 },
    ]);
    // One crash at one time, but of another PoP in each run: two windows, one per run.
    expect(faultWindows([group('a', [crash(10, 'Paris')]), group('b', [crash(10, 'Lyon')])]).map((w) => [w.label, w.group])).toEqual([
      ['pop-crash Paris', 0],
      ['pop-crash Lyon', 1],
    ]);
  });

  it("labels a window of one group in that group's colour, with the group's label when short", () => {
    const groups = [group('calm', []), group('storm', [crash(50, 'Lyon')]), group('a label longer than twenty-four characters', [crash(20, 'Nice')])];
    const { placed } = placeFaultLabels(faultWindows(groups), groups, AXIS);
    expect(placed.map((p) => [p.text, p.colour])).toEqual([
      ['pop-crash Nice', seriesTextColour(2)],
      ['pop-crash Lyon · storm', seriesTextColour(1)],
    ]);
    expect(seriesTextColour(1)).toBe('#9b7310'); // #efb118 with 35% black (0x18 x 0.65 = 15.6 -> 0x10): readable on white
  });

  it('puts overlapping labels in separate lanes, never two overlapping in one lane, and makes room above the curves', () => {
    // Six crashes 3 s apart (20 px): every label overlaps the next ones.
    const faults = Array.from({ length: 6 }, (_, i) => crash(10 + 3 * i, `PoP number ${i}`));
    const groups = [group('g', faults)];
    const layout = placeFaultLabels(faultWindows(groups), groups, AXIS);
    expect(layout.placed).toHaveLength(6);
    for (const a of layout.placed) {
      expect(a.endPx - a.startPx).toBeCloseTo(textWidthPx(a.text, 10));
      for (const b of layout.placed) {
        if (a === b || a.lane !== b.lane) continue;
        expect(a.endPx < b.startPx || b.endPx < a.startPx, `${a.text} and ${b.text} in lane ${a.lane}`).toBe(true);
      }
    }
    const lanes = Math.max(...layout.placed.map((p) => p.lane)) + 1;
    expect(lanes).toBeGreaterThan(1);
    expect(layout.insetTopPx).toBe(4 + 13 * lanes);
    expect(layout.omitted).toBe(0);
  });

  it('ends a label at its window end when it would pass the right edge, and leaves out what 6 lanes cannot hold', () => {
    const late = [group('g', [crash(95, 'Marseille', 5)])];
    const [label] = placeFaultLabels(faultWindows(late), late, AXIS).placed;
    expect(label.endAnchored).toBe(true);
    expect(label.endPx).toBeCloseTo(740 - 3);
    const pile = [group('g', Array.from({ length: 8 }, (_, i) => crash(10, `PoP ${i}`, 10 + i)))];
    const layout = placeFaultLabels(faultWindows(pile), pile, AXIS);
    expect(layout.placed).toHaveLength(6);
    expect(layout.omitted).toBe(2);
  });

  it('needs no room without faults', () => {
    const groups = [group('g', [])];
    expect(placeFaultLabels(faultWindows(groups), groups, AXIS)).toEqual({ placed: [], insetTopPx: 0, omitted: 0 });
  });
});
