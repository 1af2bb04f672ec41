import { describe, expect, it } from 'vitest';
import { formatPath, parsePath, valueAt } from '../../src/scenario/paths.js';
import { closest } from '../../src/scenario/suggest.js';

describe('field paths', () => {
  it('parse dotted names and [n] indices, and format back to the same text', () => {
    for (const text of ['seed', 'protocols.vivaldi.dimensions', 'faults[2].atS', 'faults[0].link[1]', 'hosts.perPop.counts.Paris']) {
      const segments = parsePath(text);
      expect(segments).not.toBeNull();
      expect(formatPath(segments ?? [])).toBe(text);
    }
    expect(parsePath('faults[2].atS')).toEqual(['faults', 2, 'atS']);
  });

  it('reject empty segments, leading dots, bad brackets and spaces', () => {
    for (const text of ['', '.seed', 'a..b', 'faults[x]', 'faults[1', 'a b', 'faults[0]atS']) expect(parsePath(text)).toBeNull();
  });

  it('look values up in plain data, undefined when a step is missing', () => {
    const data = { faults: [{ atS: 5 }] };
    expect(valueAt(data, ['faults', 0, 'atS'])).toBe(5);
    expect(valueAt(data, ['faults', 1, 'atS'])).toBeUndefined();
    expect(valueAt(data, ['seed', 'x'])).toBeUndefined();
  });
});

describe('did-you-mean', () => {
  it('suggests the closest known name within a third of the word, or nothing', () => {
    expect(closest('durationMs', ['name', 'seed', 'durationS'])).toBe('durationS');
    expect(closest('dimension', ['dimensions', 'height'])).toBe('dimensions');
    expect(closest('routefactor', ['model', 'routeFactor', 'perHopUs'])).toBe('routeFactor');
    expect(closest('bandwidth', ['name', 'seed'])).toBe('');
  });
});
