import { describe, expect, it } from 'vitest';
import { noteOffsets } from '../../src/plot/point-notes.js';

describe('noteOffsets', () => {
  it('puts a note below its point where asked, above otherwise', () => {
    expect(noteOffsets([{ xPx: 100, yPx: 200, widthPx: 60, below: true }])).toEqual([10]);
    expect(noteOffsets([{ xPx: 100, yPx: 200, widthPx: 60, below: false }])).toEqual([-8]);
  });

  it('moves a note off the notes placed before it: three notes of three series at one x, 3 px apart', () => {
    const notes = [0, 3, 6].map((d) => ({ xPx: 100, yPx: 200 + d, widthPx: 60, below: true }));
    const offsets = noteOffsets(notes);
    expect(offsets).toEqual([10, -8, 21]);
    const boxes = notes.map((n, i) => [n.yPx + offsets[i] - 5.5, n.yPx + offsets[i] + 5.5]);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) expect(boxes[i][1] <= boxes[j][0] || boxes[j][1] <= boxes[i][0], `notes ${i} and ${j}`).toBe(true);
    }
  });

  it('leaves notes that do not meet where they prefer', () => {
    expect(noteOffsets([{ xPx: 100, yPx: 200, widthPx: 60, below: true }, { xPx: 170, yPx: 200, widthPx: 60, below: true }])).toEqual([10, 10]);
  });
});
