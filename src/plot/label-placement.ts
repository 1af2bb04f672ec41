/**
 * Labels that keep apart: greedily, in the order given (most important first), each label tries
 * eight spots around its point and takes the first whose box stays inside the panel and meets
 * no label placed before and no point; a label with no such spot is dropped (and counted).
 */

export interface LabelItem {
  readonly x: number;
  readonly y: number;
  /** Radius of the point's dot, px: the label keeps clear of it. */
  readonly r: number;
  readonly text: string;
}

export interface LabelSpot {
  readonly text: string;
  /** Anchor point of the text (vertically centred on y), px. */
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'end' | 'middle';
}

export interface LabelBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface LabelPlacement {
  readonly spots: readonly LabelSpot[];
  /** The box of each spot, in the same order. */
  readonly boxes: readonly LabelBox[];
  /** Texts of the labels no spot could take. */
  readonly dropped: readonly string[];
}

/** Width of a character of the 10 px chart font (DejaVu Sans averages 0.6 em), and a line's height. */
export const CHAR_WIDTH_PX = 6.1;
export const LABEL_HEIGHT_PX = 12;
const GAP_PX = 2.5;

export function labelWidthPx(text: string): number {
  return text.length * CHAR_WIDTH_PX;
}

/**
 * `obstacles` are the dots labels must not cover (the items' own dots among them, or not);
 * `width` x `height` is the panel.
 */
export function placeLabelsApart(items: readonly LabelItem[], obstacles: readonly Pick<LabelItem, 'x' | 'y' | 'r'>[], width: number, height: number): LabelPlacement {
  const taken: LabelBox[] = obstacles.map((o) => ({ x0: o.x - o.r, y0: o.y - o.r, x1: o.x + o.r, y1: o.y + o.r }));
  const spots: LabelSpot[] = [];
  const boxes: LabelBox[] = [];
  const dropped: string[] = [];
  for (const item of items) {
    const fit = candidates(item).find(([, box]) => box.x0 >= 0 && box.y0 >= 0 && box.x1 <= width && box.y1 <= height && !taken.some((t) => overlaps(t, box)));
    if (fit === undefined) {
      dropped.push(item.text);
      continue;
    }
    spots.push(fit[0]);
    boxes.push(fit[1]);
    taken.push(fit[1]);
  }
  return { spots, boxes, dropped };
}

export function overlaps(a: LabelBox, b: LabelBox): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** Right, left, above, below, then the four diagonals. */
function candidates({ x, y, r, text }: LabelItem): [LabelSpot, LabelBox][] {
  const w = labelWidthPx(text);
  const h = LABEL_HEIGHT_PX;
  const d = r + GAP_PX;
  const diagonal = r * Math.SQRT1_2 + GAP_PX;
  const at = (ax: number, ay: number, anchor: LabelSpot['anchor']): [LabelSpot, LabelBox] => {
    const x0 = anchor === 'start' ? ax : anchor === 'end' ? ax - w : ax - w / 2;
    return [
      { text, x: ax, y: ay, anchor },
      { x0, y0: ay - h / 2, x1: x0 + w, y1: ay + h / 2 },
    ];
  };
  return [
    at(x + d, y, 'start'),
    at(x - d, y, 'end'),
    at(x, y - d - h / 2, 'middle'),
    at(x, y + d + h / 2, 'middle'),
    at(x + diagonal, y - diagonal - h / 2, 'start'),
    at(x + diagonal, y + diagonal + h / 2, 'start'),
    at(x - diagonal, y - diagonal - h / 2, 'end'),
    at(x - diagonal, y + diagonal + h / 2, 'end'),
  ];
}
