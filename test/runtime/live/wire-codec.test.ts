import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../../src/runtime/live/wire-codec.js';

describe('wire codec', () => {
  it('round-trips an envelope, a Float64Array inside the message coming back as a Float64Array', () => {
    const message = { type: 'coord', vec: Float64Array.from([1.5, -2, 3e-9]), nested: { list: [1, 'a'] } };
    const decoded = decodeEnvelope(encodeEnvelope('vivaldi', 3, message), 8);
    expect(decoded).toEqual({ protocolName: 'vivaldi', from: 3, message });
    expect((decoded as unknown as { message: { vec: unknown } }).message.vec).toBeInstanceOf(Float64Array);
  });

  it('names why a datagram is refused: not JSON, a bad envelope, or a message without a type', () => {
    expect(decodeEnvelope(Buffer.from('{oops'), 4)).toBe('not-json');
    expect(decodeEnvelope(Buffer.from('null'), 4)).toBe('bad-envelope');
    expect(decodeEnvelope(Buffer.from('{"p":"","f":0,"m":{"type":"x"}}'), 4)).toBe('bad-envelope');
    expect(decodeEnvelope(Buffer.from('{"p":"g","f":4,"m":{"type":"x"}}'), 4)).toBe('bad-envelope');
    expect(decodeEnvelope(Buffer.from('{"p":"g","f":1.5,"m":{"type":"x"}}'), 4)).toBe('bad-envelope');
    expect(decodeEnvelope(Buffer.from('{"p":"g","f":1,"m":[]}'), 4)).toBe('bad-message');
    expect(decodeEnvelope(Buffer.from('{"p":"g","f":1,"m":{"type":7}}'), 4)).toBe('bad-message');
  });
});
