import { describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJson } from '../../src/scenario/canonical.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text and hash for the same data in any key order', () => {
    const a = { name: 'n', seed: 1, protocols: { vivaldi: { cc: 0.25, ce: 0.25 } } };
    const b = { protocols: { vivaldi: { ce: 0.25, cc: 0.25 } }, seed: 1, name: 'n' };
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(canonicalHash(b)).toBe(canonicalHash(a));
  });

  it('writes a fault lasting for ever (Infinity) as a string and drops undefined fields', () => {
    expect(canonicalJson({ durationS: Infinity, gossip: undefined, list: [null] })).toBe('{"durationS":"Infinity","list":[null]}');
  });
});
