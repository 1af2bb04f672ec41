import { createSecretKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readClusterKey, writeClusterKey } from '../../../src/runtime/live/cluster-key.js';
import { LiveConfigError } from '../../../src/runtime/live/live-errors.js';
import { REPLAY_WINDOW, ReplayWindow } from '../../../src/runtime/live/replay-window.js';
import { decodeBody, encodeDatagram, MAC_BYTES, openDatagram, WIRE_OVERHEAD_BYTES } from '../../../src/runtime/live/wire-codec.js';
import { body, craftDatagram, TEST_KEY_HEX } from './fixtures/craft.js';

const key = createSecretKey(Buffer.from(TEST_KEY_HEX, 'hex'));
const header = { from: 3, to: 1, epochMs: 1_733_400_000_000, counter: 41 };

describe('wire codec', () => {
  it('round-trips a message, a Float64Array inside coming back as a Float64Array, with 53 bytes of framing', () => {
    const message = { type: 'coord', vec: Float64Array.from([1.5, -2, 3e-9]), nested: { list: [1, 'a'] } };
    const datagram = encodeDatagram(header, 'vivaldi', message, key);
    const opened = openDatagram(datagram, key, 1, 8);
    if (typeof opened === 'string') throw new Error(opened);
    expect({ from: opened.from, to: opened.to, epochMs: opened.epochMs, counter: opened.counter }).toEqual(header);
    const decoded = decodeBody(opened.body);
    expect(decoded).toEqual({ protocolName: 'vivaldi', message });
    expect((decoded as unknown as { message: { vec: unknown } }).message.vec).toBeInstanceOf(Float64Array);
    expect(datagram.length - Buffer.byteLength(JSON.stringify({ p: 'vivaldi', m: { ...message, vec: { $f64: [1.5, -2, 3e-9] } } }))).toBe(WIRE_OVERHEAD_BYTES);
  });

  it('writes the documented format: the hand-made datagram is byte for byte the codec one', () => {
    const message = { type: 'x', n: 1 };
    expect(encodeDatagram(header, 'g', message, key)).toEqual(craftDatagram(header, body('g', message), TEST_KEY_HEX));
    expect(encodeDatagram(header, 'g', message, null).subarray(-MAC_BYTES)).toEqual(Buffer.alloc(MAC_BYTES));
  });

  it('names why a datagram is refused at the framing: malformed, bad MAC (any bit, another key), misdirected', () => {
    const good = encodeDatagram(header, 'g', { type: 'x' }, key);
    expect(openDatagram(Buffer.from('{"p":"g","f":3,"m":{"type":"x"}}'), key, 1, 8)).toBe('malformed');
    expect(openDatagram(good.subarray(0, 40), key, 1, 8)).not.toHaveProperty('from');
    expect(openDatagram(good, key, 1, 3)).toBe('malformed'); // sender 3 outside 3 peers
    expect(openDatagram(encodeDatagram({ ...header, from: 1 }, 'g', { type: 'x' }, key), key, 1, 8)).toHaveProperty('from', 1); // to itself
    for (const at of [0 + 1, 9, 15, 25, good.length - 1]) {
      const flipped = Buffer.from(good);
      flipped[at] ^= 0x40;
      expect(openDatagram(flipped, key, 1, 8), `bit flipped at ${at}`).toMatch(/bad-mac|malformed/);
    }
    expect(openDatagram(good, createSecretKey(Buffer.alloc(32, 7)), 1, 8)).toBe('bad-mac');
    expect(openDatagram(encodeDatagram(header, 'g', { type: 'x' }, null), key, 1, 8)).toBe('bad-mac');
    expect(openDatagram(good, key, 2, 8)).toBe('misdirected'); // a valid datagram for node 1, re-sent to node 2
    expect(openDatagram(encodeDatagram({ ...header, to: 2 }, 'g', { type: 'x' }, key), key, 1, 8)).toBe('misdirected');
    // Without a key the MAC is not checked.
    expect(openDatagram(encodeDatagram(header, 'g', { type: 'x' }, null), null, 1, 8)).toHaveProperty('from', 3);
  });

  it('names why a body is refused: not JSON, or not an envelope {p, m: {type}}', () => {
    expect(decodeBody(Buffer.from('{oops'))).toBe('not-json');
    expect(decodeBody(Buffer.from('null'))).toBe('bad-envelope');
    expect(decodeBody(Buffer.from('{"p":"","m":{"type":"x"}}'))).toBe('bad-envelope');
    expect(decodeBody(Buffer.from('{"p":"g","m":[]}'))).toBe('bad-envelope');
    expect(decodeBody(Buffer.from('{"p":"g","m":{"type":7}}'))).toBe('bad-envelope');
  });
});

describe('replay window', () => {
  it('takes each (epoch, counter) once, in any order within the window, and a later epoch afresh', () => {
    const w = new ReplayWindow(4);
    expect(w.accept(2, 100, 5)).toBe('ok');
    expect(w.accept(2, 100, 5)).toBe('replayed');
    expect(w.accept(2, 100, 3)).toBe('ok'); // reordered
    expect(w.accept(2, 100, 3)).toBe('replayed');
    expect(w.accept(2, 100, 5 + REPLAY_WINDOW)).toBe('ok');
    expect(w.accept(2, 100, 6)).toBe('ok'); // exactly WINDOW - 1 behind
    expect(w.accept(2, 100, 5)).toBe('too-old');
    expect(w.accept(2, 100, 4)).toBe('too-old');
    expect(w.accept(1, 100, 5)).toBe('ok'); // senders are apart
    expect(w.accept(2, 200, 0)).toBe('ok'); // restarted
    expect(w.accept(2, 200, 1)).toBe('ok');
    expect(w.accept(2, 100, 7)).toBe('old-epoch');
    expect(w.accept(2, 200, 0)).toBe('replayed');
  });

  it('after a jump past the window, old slots do not read as seen', () => {
    const w = new ReplayWindow(1);
    for (let c = 0; c < 10; c++) expect(w.accept(0, 1, c)).toBe('ok');
    expect(w.accept(0, 1, 10 + 5 * REPLAY_WINDOW)).toBe('ok');
    // Counters congruent to the old ones, inside the new window: never seen, so new.
    for (let c = 1; c < 10; c++) expect(w.accept(0, 1, 10 + 4 * REPLAY_WINDOW + c)).toBe('ok');
  });

  it('agrees with a set of every counter seen, on random traffic', () => {
    const w = new ReplayWindow(1);
    const seen = new Set<number>();
    let highest = -1;
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 20_000; k++) {
      const c = Math.max(0, highest + Math.floor((rand() - 0.7) * 3 * REPLAY_WINDOW));
      const expected = c > highest ? 'ok' : highest - c >= REPLAY_WINDOW ? 'too-old' : seen.has(c) ? 'replayed' : 'ok';
      expect(w.accept(0, 1, c)).toBe(expected);
      if (expected === 'ok') seen.add(c);
      highest = Math.max(highest, c);
    }
  });
});

describe('cluster key file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'luc-key-'));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads hex, at least 32 bytes; a written key is fresh, hex and mode 0600', () => {
    expect(readClusterKey(file('ok.key', `  ${TEST_KEY_HEX}\n`)).symmetricKeySize).toBe(32);
    const written = join(dir, 'new.key');
    writeClusterKey(written);
    expect(readClusterKey(written).symmetricKeySize).toBe(32);
    expect(statSync(written).mode & 0o777).toBe(0o600);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['missing.key', null, /missing\.key: \(file\): expected a cluster key file: at least 64 hex digits.*ENOENT/],
    ['empty.key', '\n', /empty\.key: \(key\): expected a cluster key file.*found an empty file/],
    ['short.key', 'ab'.repeat(16), /short\.key: \(key\): expected .*found 16 bytes/],
    ['text.key', 'not a key at all, long enough to be one if it were hex 0123456789', /text\.key: \(key\): expected .*found other characters/],
  ])('refuses %s with a LiveConfigError naming the file', (name, text, pattern) => {
    const mkdir = mkdtempSync(join(tmpdir(), 'luc-key-'));
    const path = join(mkdir, name);
    if (text !== null) writeFileSync(path, text);
    expect(() => readClusterKey(path)).toThrow(LiveConfigError);
    expect(() => readClusterKey(path)).toThrow(pattern);
    rmSync(mkdir, { recursive: true, force: true });
  });
});
