/**
 * Migration arrows of a cloud run's map: one bent arrow per (source PoP, target PoP) with
 * migrations, its width growing with their count; A -> B and B -> A bend to opposite sides.
 */
import * as Plot from '@observablehq/plot';
import type { MigrationFlow } from './map-cloud.js';

export const MIGRATION_COLOUR = '#e6550d';
const WIDTH_MIN_PX = 1;
const WIDTH_MAX_PX = 6;
const BEND_DEG = 22;

interface Dot {
  readonly x: number;
  readonly y: number;
  readonly r: number;
}

interface Arrow {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly widthPx: number;
  readonly title: string;
}

/** Stroke width of an arrow of `count` migrations when the largest flow has `countMax`. */
export function arrowWidthPx(count: number, countMax: number): number {
  return WIDTH_MIN_PX + ((WIDTH_MAX_PX - WIDTH_MIN_PX) * count) / Math.max(1, countMax);
}

/** The arrows between the drawn PoPs (flows from or to an unlocated PoP are left out), thinnest first. */
export function migrationArrows(flows: readonly MigrationFlow[], dotOf: (pop: string) => Dot | undefined): Arrow[] {
  const countMax = Math.max(1, ...flows.map((f) => f.count));
  return [...flows]
    .reverse()
    .flatMap((flow) => {
      const [a, b] = [dotOf(flow.from), dotOf(flow.to)];
      if (a === undefined || b === undefined) return [];
      // Start and end at the dots' edges rather than their centres.
      const length = Math.max(1e-9, Math.hypot(b.x - a.x, b.y - a.y));
      const [ux, uy] = [(b.x - a.x) / length, (b.y - a.y) / length];
      const title = `${flow.from} → ${flow.to}: ${flow.count} migration${flow.count === 1 ? '' : 's'}`;
      return [{ x1: a.x + ux * (a.r + 1), y1: a.y + uy * (a.r + 1), x2: b.x - ux * (b.r + 2), y2: b.y - uy * (b.r + 2), widthPx: arrowWidthPx(flow.count, countMax), title }];
    });
}

export function migrationMark(arrows: readonly Arrow[]): Plot.Markish {
  return Plot.arrow(arrows, {
    x1: 'x1',
    y1: 'y1',
    x2: 'x2',
    y2: 'y2',
    bend: BEND_DEG,
    stroke: MIGRATION_COLOUR,
    strokeOpacity: 0.75,
    strokeWidth: 'widthPx',
    headLength: 7,
    title: 'title',
  });
}
