/**
 * The labels of fault windows at the top of a time chart: each starts at its window's start,
 * or ends at its window's end when it would run past the right edge; labels that would overlap
 * go to lanes below one another (`assignLanes`, text widths estimated). A window that belongs to
 * one group of runs is labelled in that group's colour, and with its label when short.
 */
import * as Plot from '@observablehq/plot';
import type { FaultWindow } from './fault-windows.js';
import { assignLanes } from './label-lanes.js';
import { seriesTextColour } from './legend.js';
import type { RunGroup } from './run-groups.js';
import { textWidthPx } from './text-width.js';

/** Plot's default font size for text marks, px. */
const FONT_SIZE_PX = 10;
const LANE_HEIGHT_PX = 13;
const LANES_MAX = 6;
/** Offset of a label from its window's edge, px. */
const EDGE_PX = 3;
/** A group label this short is written after the fault's; a longer one would crowd the lanes (the colour still tells). */
const GROUP_LABEL_INLINE_MAX = 24;
const SHARED_COLOUR = '#555';

/** The x axis in px: time 0 at `leftPx`, `xMax` at `rightPx` (Plot's linear scale, no inset). */
export interface TimeAxisPx {
  readonly xMax: number;
  readonly leftPx: number;
  readonly rightPx: number;
}

export interface PlacedFaultLabel {
  readonly text: string;
  readonly colour: string;
  /** The time the label is anchored at: its start, or its end when `endAnchored`. */
  readonly atS: number;
  readonly endAnchored: boolean;
  readonly lane: number;
  /** Its estimated extent, px. */
  readonly startPx: number;
  readonly endPx: number;
}

export interface FaultLabelLayout {
  readonly placed: readonly PlacedFaultLabel[];
  /** Room to keep above the curves for the lanes used, px. */
  readonly insetTopPx: number;
  /** Labels no lane had room for (their windows are still shaded). */
  readonly omitted: number;
}

export function placeFaultLabels(windows: readonly FaultWindow[], groups: readonly RunGroup[], axis: TimeAxisPx): FaultLabelLayout {
  const px = (timeS: number): number => axis.leftPx + (axis.xMax > 0 ? (timeS / axis.xMax) * (axis.rightPx - axis.leftPx) : 0);
  const ordered = [...windows].sort((a, b) => a.startS - b.startS || (a.group ?? -1) - (b.group ?? -1) || a.label.localeCompare(b.label));
  const candidates = ordered.map((w) => {
    const owner = w.group === null ? '' : groups[w.group].label;
    const text = owner !== '' && owner.length <= GROUP_LABEL_INLINE_MAX ? `${w.label} · ${owner}` : w.label;
    const widthPx = textWidthPx(text, FONT_SIZE_PX);
    const endAnchored = px(w.startS) + EDGE_PX + widthPx > axis.rightPx;
    const startPx = endAnchored ? px(w.endS) - EDGE_PX - widthPx : px(w.startS) + EDGE_PX;
    return { text, colour: w.group === null ? SHARED_COLOUR : seriesTextColour(w.group), atS: endAnchored ? w.endS : w.startS, endAnchored, startPx, endPx: startPx + widthPx };
  });
  const lanes = assignLanes(candidates, LANES_MAX);
  const placed = candidates.flatMap((c, i) => (lanes[i] === null ? [] : [{ ...c, lane: lanes[i] as number }]));
  const lanesUsed = placed.length === 0 ? 0 : Math.max(...placed.map((p) => p.lane)) + 1;
  return { placed, insetTopPx: lanesUsed === 0 ? 0 : 4 + LANE_HEIGHT_PX * lanesUsed, omitted: candidates.length - placed.length };
}

/** Text marks for the labels, one per lane and anchor; a white halo keeps a label readable over a curve. */
export function faultLabelMarks(placed: readonly PlacedFaultLabel[]): Plot.Markish[] {
  const lanes = [...new Set(placed.map((p) => p.lane))].sort((a, b) => a - b);
  return lanes.flatMap((lane) =>
    [false, true].map((endAnchored) =>
      Plot.text(
        placed.filter((p) => p.lane === lane && p.endAnchored === endAnchored),
        {
          x: 'atS',
          frameAnchor: 'top',
          text: 'text',
          fill: 'colour',
          textAnchor: endAnchored ? 'end' : 'start',
          dx: endAnchored ? -EDGE_PX : EDGE_PX,
          dy: 4 + LANE_HEIGHT_PX * lane,
          stroke: 'white',
          strokeWidth: 3,
          paintOrder: 'stroke',
        },
      ),
    ),
  );
}
