/** A fixed categorical palette and a swatch legend drawn with Plot, as a standalone SVG part. */
import * as Plot from '@observablehq/plot';
import { partOf, plotDocument, type SvgPart } from './svg.js';
import { textWidthPx } from './text-width.js';

/** Observable 10: series colours in order, repeated beyond ten. */
const PALETTE = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0'] as const;

export function seriesColour(index: number): string {
  return PALETTE[index % PALETTE.length];
}

/** Share of black mixed into a series colour for text, readable on white (the yellow is not). */
const TEXT_DARKENING = 0.35;

/** The series colour, darkened for text drawn in it. */
export function seriesTextColour(index: number): string {
  const rgb = Number.parseInt(seriesColour(index).slice(1), 16);
  const channel = (shift: number): string => Math.round(((rgb >> shift) & 0xff) * (1 - TEXT_DARKENING)).toString(16).padStart(2, '0');
  return `#${channel(16)}${channel(8)}${channel(0)}`;
}

export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
  /** 'line' for a line swatch, 'dot' for a point, 'dash' for a dashed line, 'ring' for a dashed circle. */
  readonly shape: 'line' | 'dot' | 'dash' | 'ring';
  /** Stroke width of a line swatch, px. */
  readonly widthPx?: number;
}

const ROW_HEIGHT_PX = 16;
const COLUMN_WIDTH_MIN_PX = 180;
const FONT_SIZE_PX = 11;
const SWATCH_PX = 18;

/** Entries in as many equal columns as the longest label lets fit in `width` px; rows flow left to right. */
export function legendPart(entries: readonly LegendEntry[], width: number): SvgPart {
  const longest = Math.max(0, ...entries.map((e) => textWidthPx(e.label, FONT_SIZE_PX)));
  const columnWidth = Math.max(COLUMN_WIDTH_MIN_PX, SWATCH_PX + 6 + longest + 24);
  const columns = Math.max(1, Math.floor((width - 10) / columnWidth));
  const placed = entries.map((entry, i) => ({
    ...entry,
    x: 10 + (i % columns) * columnWidth,
    y: 8 + Math.floor(i / columns) * ROW_HEIGHT_PX,
  }));
  const height = 8 + Math.ceil(entries.length / columns) * ROW_HEIGHT_PX;
  const lines = placed.filter((e) => e.shape === 'line' || e.shape === 'dash');
  const svg = Plot.plot({
    document: plotDocument(),
    width,
    height,
    margin: 0,
    x: { type: 'identity', axis: null },
    y: { type: 'identity', axis: null },
    color: { type: 'identity' },
    marks: [
      ...(['line', 'dash'] as const).map((shape) =>
        Plot.link(
          lines.filter((e) => e.shape === shape),
          {
            x1: 'x',
            x2: (e: (typeof placed)[number]) => e.x + SWATCH_PX,
            y1: 'y',
            y2: 'y',
            stroke: 'colour',
            strokeWidth: (e: (typeof placed)[number]) => e.widthPx ?? 2.5,
            strokeDasharray: shape === 'dash' ? '4,3' : undefined,
          },
        ),
      ),
      Plot.dot(
        placed.filter((e) => e.shape === 'dot'),
        { x: (e: (typeof placed)[number]) => e.x + SWATCH_PX / 2, y: 'y', fill: 'colour', r: 4 },
      ),
      Plot.dot(
        placed.filter((e) => e.shape === 'ring'),
        { x: (e: (typeof placed)[number]) => e.x + SWATCH_PX / 2, y: 'y', stroke: 'colour', fill: 'none', strokeWidth: 1.5, strokeDasharray: '2,2', r: 6 },
      ),
      Plot.text(placed, { x: (e: (typeof placed)[number]) => e.x + SWATCH_PX + 6, y: 'y', text: 'label', textAnchor: 'start', fontSize: FONT_SIZE_PX }),
    ],
  }) as unknown as Element;
  return partOf(svg, width, height);
}
