import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type GiveUp, Reassembler, type FragmentVerdict } from '../../../src/runtime/live/reassembly.js';
import {
  DATAGRAM_BYTES_MAX,
  decodeBody,
  encodeBody,
  FRAGMENT_OVERHEAD_BYTES,
  fragmentCount,
  FRAGMENTED_BODY_BYTES_MAX,
  FRAGMENTS_MAX,
  frameBody,
  frameFragment,
  openDatagram,
  type Opened,
  WIRE_OVERHEAD_BYTES,
} from '../../../src/runtime/live/wire-codec.js';
import { craftFragment, cut, TEST_KEY_HEX } from './fixtures/craft.js';

const key = createSecretKey(Buffer.from(TEST_KEY_HEX, 'hex'));
const header = { from: 3, to: 1, epochMs: 1_733_400_000_000, counter: 41 };

function open(datagram: Buffer, k = key): Opened {
  const opened = openDatagram(datagram, k, 1, 8);
  if (typeof opened === 'string') throw new Error(opened);
  return opened;
}

/** A reassembler whose give-ups are tallied. */
function reassembler(limits: Partial<{ perSenderMax: number; bytesMax: number; timeoutMs: number }> = {}) {
  const gaveUp: Record<GiveUp, number> = { 'fragment-timeout': 0, 'fragment-evicted': 0 };
  const r = new Reassembler(8, { perSenderMax: 8, bytesMax: 16 << 20, timeoutMs: 2000, ...limits }, (reason) => gaveUp[reason]++);
  const feed = (datagram: Buffer, nowMs = 0): FragmentVerdict => {
    const o = open(datagram);
    if (o.fragment === undefined) throw new Error('not a fragment');
    return r.add(o.from, o.epochMs, o.fragment, o.body, datagram.length, nowMs);
  };
  return { r, gaveUp, feed };
}

function complete(verdict: FragmentVerdict): Buffer {
  if (typeof verdict === 'string') throw new Error(`not complete: ${verdict}`);
  return verdict.complete;
}

/** Shuffle (deterministic LCG) so that fragments arrive out of order. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('fragmentation: the codec', () => {
  it.each([1000, DATAGRAM_BYTES_MAX])('splits and joins bodies around every boundary (datagrams of %i bytes)', (max) => {
    const chunk = max - FRAGMENT_OVERHEAD_BYTES;
    const sizes = [max - WIRE_OVERHEAD_BYTES, max - WIRE_OVERHEAD_BYTES + 1, chunk * 2 - 1, chunk * 2, chunk * 2 + 1, chunk * 5, chunk * 63 + 1, chunk * FRAGMENTS_MAX];
    for (const size of sizes) {
      const body = randomBytes(size);
      const datagrams = frameBody(header, body, 9, max, key);
      const expected = Math.max(1, Math.ceil(size / chunk) * (size + WIRE_OVERHEAD_BYTES > max ? 1 : 0));
      expect(datagrams, `${size} bytes`).toHaveLength(expected);
      expect(fragmentCount(size, max)).toBe(expected);
      for (const d of datagrams) expect(d.length).toBeLessThanOrEqual(max);
      if (expected === 1) {
        expect(datagrams[0][0]).toBe(1); // the single-datagram format, unchanged
        expect(open(datagrams[0]).body.equals(body)).toBe(true);
        continue;
      }
      expect(datagrams.map((d) => open(d).counter)).toEqual(datagrams.map((_, k) => header.counter + k)); // a counter each
      const { r, feed } = reassembler();
      const verdicts = datagrams.map((d) => feed(d));
      expect(verdicts.slice(0, -1).every((v) => v === 'pending')).toBe(true);
      expect(complete(verdicts[verdicts.length - 1]).equals(body), `${size} bytes`).toBe(true);
      expect(r.pendingMessages).toBe(0);
      expect(r.heldBytes).toBe(0);
    }
    expect(fragmentCount(chunk * FRAGMENTS_MAX + 1, max)).toBe(FRAGMENTS_MAX + 1);
    expect(() => frameBody(header, Buffer.alloc(chunk * FRAGMENTS_MAX + 1), 9, max, key)).toThrow(/more than 64/);
  });

  it('a message in fragments decodes as it would in one datagram (Float64Array included); 65 bytes of framing per fragment', () => {
    const message = { type: 'plan', vec: Float64Array.from([1.5, -2]), blob: 'é'.repeat(3000) };
    const body = encodeBody('dvms', message);
    const datagrams = frameBody(header, body, 0, 1000, key);
    expect(datagrams.length).toBe(Math.ceil(body.length / (1000 - FRAGMENT_OVERHEAD_BYTES)));
    expect(datagrams.reduce((sum, d) => sum + d.length, 0) - body.length).toBe(datagrams.length * FRAGMENT_OVERHEAD_BYTES);
    expect(FRAGMENT_OVERHEAD_BYTES).toBe(65);
    const { feed } = reassembler();
    let last: FragmentVerdict = 'pending';
    for (const d of datagrams) last = feed(d);
    const decoded = decodeBody(complete(last));
    expect(decoded).toEqual({ protocolName: 'dvms', message });
  });

  it('writes the documented fragment format: the hand-made fragment is byte for byte the codec one', () => {
    const fragment = { messageId: 77, index: 2, count: 5, bodyBytes: 4000 };
    const chunk = randomBytes(800);
    expect(frameFragment(header, fragment, chunk, key)).toEqual(craftFragment(header, fragment, chunk, TEST_KEY_HEX));
  });

  it('refuses a tampered fragment (any bit, header, fragment header or chunk) by its MAC', () => {
    const datagrams = frameBody(header, randomBytes(3000), 4, 1000, key);
    for (const at of [1, 9, 15, 21, 25, 27, 29, 40, 500, datagrams[1].length - 1]) {
      const flipped = Buffer.from(datagrams[1]);
      flipped[at] ^= 0x10;
      expect(openDatagram(flipped, key, 1, 8), `bit flipped at ${at}`).toMatch(/bad-mac|malformed/);
    }
    expect(openDatagram(datagrams[1], createSecretKey(Buffer.alloc(32, 7)), 1, 8)).toBe('bad-mac');
    expect(openDatagram(datagrams[1], key, 2, 8)).toBe('misdirected');
  });

  it('refuses fragment headers no sender writes as malformed', () => {
    const h = { ...header, from: 3, to: 1 };
    const bad = [
      { messageId: 1, index: 0, count: 1, bodyBytes: 10 }, // one fragment: that is a datagram
      { messageId: 1, index: 0, count: FRAGMENTS_MAX + 1, bodyBytes: 100_000 },
      { messageId: 1, index: 3, count: 3, bodyBytes: 100 }, // index past count
      { messageId: 1, index: 0, count: 2, bodyBytes: FRAGMENTED_BODY_BYTES_MAX + 1 },
      { messageId: 1, index: 0, count: 2, bodyBytes: 5 }, // chunk longer than the body
    ];
    for (const fragment of bad) expect(openDatagram(craftFragment(h, fragment, 'x'.repeat(10), TEST_KEY_HEX), key, 1, 8), JSON.stringify(fragment)).toBe('malformed');
    expect(openDatagram(craftFragment(h, { messageId: 1, index: 0, count: 2, bodyBytes: 20 }, '', TEST_KEY_HEX), key, 1, 8)).toBe('malformed'); // empty chunk
    expect(openDatagram(craftFragment(h, { messageId: 1, index: 0, count: 2, bodyBytes: 20 }, 'x'.repeat(10), TEST_KEY_HEX), key, 1, 8)).toHaveProperty('fragment');
  });
});

describe('fragmentation: the reassembler', () => {
  const chunks = (body: Buffer, messageId: number, from = 3) =>
    frameBody({ ...header, from }, body, messageId, 1000, key);

  it('reassembles fragments in any order, ignores duplicates (before and after completion)', () => {
    const body = randomBytes(9000);
    const datagrams = chunks(body, 5);
    const { feed, r } = reassembler();
    const order = shuffled(datagrams);
    for (const d of order.slice(0, -1)) expect(feed(d)).toBe('pending');
    expect(feed(order[0])).toBe('fragment-duplicate');
    expect(complete(feed(order[order.length - 1]))).toEqual(body);
    expect(feed(order[2])).toBe('fragment-duplicate'); // late: its message is done, nothing new starts
    expect(r.pendingMessages).toBe(0);
  });

  it('refuses fragments that disagree with their message (count, body length, chunk lengths)', () => {
    const h = { ...header, from: 3, to: 1 };
    const f = (index: number, count: number, bodyBytes: number, chunk: string, messageId = 8) => craftFragment(h, { messageId, index, count, bodyBytes }, chunk, TEST_KEY_HEX);
    const { feed, r } = reassembler();
    expect(feed(f(0, 3, 25, 'a'.repeat(10)))).toBe('pending');
    expect(feed(f(1, 4, 25, 'b'.repeat(10)))).toBe('malformed'); // another count
    expect(feed(f(1, 3, 26, 'b'.repeat(10)))).toBe('malformed'); // another body length
    expect(feed(f(1, 3, 25, 'b'.repeat(9)))).toBe('malformed'); // a middle chunk of another length
    expect(feed(f(2, 3, 25, 'c'.repeat(6)))).toBe('malformed'); // a last chunk that does not add up
    expect(feed(f(2, 3, 25, 'c'.repeat(5)))).toBe('pending');
    expect(complete(feed(f(1, 3, 25, 'b'.repeat(10)))).toString()).toBe(`${'a'.repeat(10)}${'b'.repeat(10)}${'c'.repeat(5)}`);
    // A first fragment that cannot be right is not stored at all.
    expect(feed(f(0, 3, 25, 'a'.repeat(13), 9))).toBe('malformed'); // 2 x 13 >= 25: the last would be empty
    expect(feed(f(0, 3, 25, 'a'.repeat(8), 9))).toBe('malformed'); // 3 x 8 < 25: cannot add up
    expect(r.pendingMessages).toBe(0);
  });

  it('gives up a message missing a fragment after the timeout (from its last progress), counted', () => {
    const { feed, r, gaveUp } = reassembler({ timeoutMs: 2000 });
    const datagrams = chunks(randomBytes(5000), 6);
    feed(datagrams[0], 0);
    feed(datagrams[1], 1500);
    expect(r.sweep(3000)).toBe(0); // 1500 ms since the last fragment
    expect(r.sweep(3500)).toBe(1);
    expect(gaveUp['fragment-timeout']).toBe(1);
    expect(r.pendingMessages).toBe(0);
    expect(r.heldBytes).toBe(0);
    // What arrives after: a new, lone start (it will time out too).
    expect(feed(datagrams[2], 4000)).toBe('pending');
  });

  it('bounds memory under a flood of first fragments from a forger holding the key: per sender and in bytes', () => {
    // Per sender: a flood from sender 2 evicts only sender 2's own oldest; sender 4's message stays.
    const a = reassembler({ perSenderMax: 8 });
    const honest = chunks(randomBytes(5000), 0, 4);
    expect(a.feed(honest[0])).toBe('pending');
    for (let id = 0; id < 2000; id++) {
      a.feed(frameBody({ ...header, from: 2, counter: id * 10 }, Buffer.alloc(3000), id, 1000, key)[0]);
      expect(a.r.pendingMessages).toBeLessThanOrEqual(9);
    }
    expect(a.r.pendingMessages).toBe(9);
    expect(a.gaveUp['fragment-evicted']).toBe(2000 - 8);
    let last: FragmentVerdict = 'pending';
    for (const d of honest.slice(1)) last = a.feed(d);
    expect(complete(last).length).toBe(5000);
    // In bytes: first fragments of 10 kB from two senders against a budget of 100 kB.
    const b = reassembler({ perSenderMax: 8, bytesMax: 100_000 });
    let peakBytes = 0;
    for (let id = 0; id < 2000; id++) {
      const from = id % 2 === 0 ? 2 : 5;
      b.feed(frameBody({ ...header, from, counter: id * 10 }, Buffer.alloc(25_000), id, 10_000, key)[0]);
      peakBytes = Math.max(peakBytes, b.r.heldBytes);
    }
    expect(peakBytes).toBeLessThanOrEqual(100_000);
    expect(b.r.pendingMessages).toBe(10);
    expect(b.gaveUp['fragment-evicted']).toBe(2000 - 10);
    // A message alone larger than the budget is given up, not held.
    const big = frameBody(header, Buffer.alloc(70_000), 1, 60_000, key);
    const c = reassembler({ bytesMax: 40_000 });
    expect(c.feed(big[0])).toBe('malformed'); // one datagram past the budget: refused outright
    const d = reassembler({ bytesMax: 15_000 });
    const parts = frameBody(header, Buffer.alloc(50_000), 1, 10_000, key);
    expect(d.feed(parts[0])).toBe('pending');
    expect(d.feed(parts[1])).toBe('given-up');
    expect(d.r.heldBytes).toBe(0);
    expect(d.gaveUp['fragment-evicted']).toBe(1);
  });

  it('never throws on mutated fragments (no key: every mutation passes the MAC)', () => {
    const r = new Reassembler(8, { perSenderMax: 4, bytesMax: 200_000, timeoutMs: 2000 }, () => {});
    const datagrams = frameBody(header, randomBytes(20_000), 3, 1000, null);
    let seed = 99;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let k = 0; k < 20_000; k++) {
      const d = Buffer.from(datagrams[rand(datagrams.length)]);
      for (let m = rand(4); m >= 0; m--) d[21 + rand(12)] = rand(256); // the fragment header
      const cutTo = rand(3) === 0 ? rand(d.length) : d.length;
      const opened = openDatagram(d.subarray(0, cutTo), null, 1, 8);
      if (typeof opened === 'string' || opened.fragment === undefined) continue;
      const verdict = r.add(opened.from, opened.epochMs, opened.fragment, opened.body, cutTo, k);
      if (typeof verdict !== 'string') expect(verdict.complete.length).toBe(opened.fragment.bodyBytes);
      expect(r.heldBytes).toBeLessThanOrEqual(200_000);
    }
  });

  it('cut() in the fixture cuts as the codec does', () => {
    const body = randomBytes(2500);
    const datagrams = frameBody(header, body, 0, 1000, key);
    expect(datagrams.map((d) => open(d).body)).toEqual(cut(body, 1000 - FRAGMENT_OVERHEAD_BYTES));
  });
});
