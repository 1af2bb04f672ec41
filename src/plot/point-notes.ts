/**
 * Short notes beside chart points ("n=2 of 5 seeds") that must not print over one another:
 * each note, in order, takes the first vertical offset from its point whose box (estimated
 * text width, one line high) overlaps no note placed before it.
 */
export interface PointNote {
  /** The point, px, and the note's estimated width, px; the note starts at the point's x. */
  readonly xPx: number;
  readonly yPx: number;
  readonly widthPx: number;
  /** Below the point first (where the line rises to the right, above it would cross the line). */
  readonly below: boolean;
}

/** Height of a note's box, px (text of 9 px, centred on its offset). */
const NOTE_HEIGHT_PX = 11;
/** Offsets tried, px down from the point: one line below or above, then further out. */
const BELOW_FIRST = [10, -8, 21, -19, 32, -30] as const;
const ABOVE_FIRST = [-8, 10, -19, 21, -30, 32] as const;

/** The vertical offset of each note (px, positive down); a note with no free place keeps its first. */
export function noteOffsets(notes: readonly PointNote[]): number[] {
  const boxes: { x1: number; x2: number; y1: number; y2: number }[] = [];
  return notes.map((note) => {
    const boxAt = (dy: number) => ({ x1: note.xPx, x2: note.xPx + note.widthPx, y1: note.yPx + dy - NOTE_HEIGHT_PX / 2, y2: note.yPx + dy + NOTE_HEIGHT_PX / 2 });
    const candidates = note.below ? BELOW_FIRST : ABOVE_FIRST;
    const free = candidates.find((dy) => {
      const box = boxAt(dy);
      return boxes.every((b) => box.x2 <= b.x1 || b.x2 <= box.x1 || box.y2 <= b.y1 || b.y2 <= box.y1);
    });
    const dy = free ?? candidates[0];
    boxes.push(boxAt(dy));
    return dy;
  });
}
