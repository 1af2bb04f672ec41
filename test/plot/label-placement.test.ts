import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { loadGraphml } from '../../src/platform/graphml.js';
import { buildBackbone } from '../../src/platform/backbone.js';
import { overlaps, placeLabelsApart, type LabelBox, type LabelItem } from '../../src/plot/label-placement.js';
import { mapLayout } from '../../src/plot/map-projection.js';
import { wrapText } from '../../src/plot/text-width.js';
import { RENATER_GRAPHML } from './fixtures.js';

const circleBox = (p: { x: number; y: number; r: number }): LabelBox => ({ x0: p.x - p.r, y0: p.y - p.r, x1: p.x + p.r, y1: p.y + p.r });

/** What is wrong with a placement: labels outside the panel, on each other or on a dot. */
function clashes(boxes: readonly LabelBox[], dots: readonly LabelItem[], width: number, height: number): string[] {
  const found: string[] = [];
  boxes.forEach((box, i) => {
    if (box.x0 < 0 || box.y0 < 0 || box.x1 > width || box.y1 > height) found.push(`label ${i} outside the panel`);
    for (let j = i + 1; j < boxes.length; j++) if (overlaps(box, boxes[j])) found.push(`labels ${i} and ${j} overlap`);
    for (const dot of dots) if (overlaps(box, circleBox(dot))) found.push(`label ${i} on the dot at ${dot.x},${dot.y}`);
  });
  return found;
}

describe('labels kept apart', () => {
  it('puts a lone label right of its dot, and the second of two close dots on another side', () => {
    const a = { x: 100, y: 100, r: 5, text: 'Alpha' };
    const b = { x: 100, y: 108, r: 5, text: 'Beta' };
    const { spots, dropped } = placeLabelsApart([a, b], [a, b], 400, 300);
    expect(spots[0]).toEqual({ text: 'Alpha', x: 107.5, y: 100, anchor: 'start' });
    expect(spots[1].anchor).not.toBe('start');
    expect(dropped).toEqual([]);
  });

  it('drops a label that fits nowhere (a dot boxed in by others, a panel too small)', () => {
    const centre = { x: 50, y: 50, r: 3, text: 'Boxed' };
    const ring = [-20, 0, 20].flatMap((dx) => [-16, 0, 16].map((dy) => ({ x: 50 + dx, y: 50 + dy, r: 9, text: '' }))).filter((d) => d.x !== 50 || d.y !== 50);
    expect(placeLabelsApart([centre], [centre, ...ring], 200, 200).dropped).toEqual(['Boxed']);
    expect(placeLabelsApart([{ x: 5, y: 5, r: 1, text: 'A long name' }], [], 40, 10).dropped).toEqual(['A long name']);
  });

  it('never overlaps on 200 random layouts of 60 dots (within the panel, off every dot)', () => {
    const random = seedrandom.alea('labels');
    for (let layout = 0; layout < 200; layout++) {
      const dots = Array.from({ length: 60 }, (_, i) => ({ x: random() * 500, y: random() * 400, r: 1 + random() * 8, text: `PoP ${i}`.repeat(1 + Math.floor(random() * 2)) }));
      const placement = placeLabelsApart(dots, dots, 500, 400);
      expect(placement.spots.length + placement.dropped.length).toBe(60);
      expect(clashes(placement.boxes, dots, 500, 400)).toEqual([]);
    }
  });

  it('labels 40 of the 43 PoPs of Renater2010 on its 560 px map (6 px dots), dropping the two long overseas names placed at Paris, and Rennes', () => {
    const pops = buildBackbone(loadGraphml(RENATER_GRAPHML), { bandwidthFrom: 'file' }).backbone.pops;
    const layout = mapLayout(pops.map((p) => [p.longitude, p.latitude] as const));
    const dots = pops.map((p) => {
      const [x, y] = layout.projection([p.longitude, p.latitude]) ?? [NaN, NaN];
      return { x, y, r: 6, text: p.name };
    });
    const placement = placeLabelsApart(dots, dots, layout.width, layout.height);
    expect(clashes(placement.boxes, dots, layout.width, layout.height)).toEqual([]);
    expect(placement.dropped).toEqual(['Outre Mer: Nouvelle Caledonie, Polynesie Francaise, La Reunion', 'Mayotte, Guadeloupe, Martinique, Guyane', 'Rennes']);
  });
});

describe('subtitles that fit', () => {
  it("wraps at '; ' within the width, and cuts with … beyond the lines allowed", () => {
    const text = 'results/renater-dvms/seed-11; conformal conic projection, Natural Earth 1:50m countries; dot area ∝ VMs per PoP at 1800 s (max 202)';
    const lines = wrapText(text, 300, 11);
    for (const line of lines) expect(line.length * 0.55 * 11).toBeLessThanOrEqual(300);
    expect(lines.join(' ')).toBe(text);
    expect(lines[0].startsWith('results/renater-dvms/seed-11; ')).toBe(true);
    const cut = wrapText(text, 200, 11, 2);
    expect(cut).toHaveLength(2);
    expect(cut[1].endsWith('…')).toBe(true);
    expect(wrapText('short', 500, 11)).toEqual(['short']);
  });
});
