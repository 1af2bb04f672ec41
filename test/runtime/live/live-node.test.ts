import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { RttMatrix } from '../../../src/platform/types.js';
import { findFreeUdpPorts } from '../../../src/runtime/live/free-ports.js';
import type { LatencyShimConfig } from '../../../src/runtime/live/latency-shim.js';
import { DatagramTooLargeError } from '../../../src/runtime/live/live-errors.js';
import { LiveNode, type LiveNodeConfig } from '../../../src/runtime/live/live-node.js';
import type { PeerAddress } from '../../../src/runtime/live/peer-table.js';
import { createSecretKey } from 'node:crypto';
import type { Protocol } from '../../../src/runtime/context.js';
import { body, craftDatagram, craftFragment, TEST_KEY_HEX } from './fixtures/craft.js';
import { RecordingProtocol, recordingSchemas, recordingStack } from './fixtures/recording-protocol.js';

const HOST = '127.0.0.1';
const running: LiveNode[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((node) => node.stop()));
});

async function peersOnLoopback(count: number): Promise<PeerAddress[]> {
  const ports = await findFreeUdpPorts(HOST, count);
  return ports.map((port, id) => ({ id, host: HOST, port }));
}

async function startNode(id: number, peers: readonly PeerAddress[], overrides: Partial<LiveNodeConfig> = {}): Promise<LiveNode> {
  const node = await LiveNode.start({
    id,
    peers,
    seed: 7,
    stack: recordingStack('rec'),
    schemas: recordingSchemas('rec'),
    key: createSecretKey(Buffer.from(TEST_KEY_HEX, 'hex')),
    bootstrapPeers: [],
    shim: null,
    bindHost: null,
    datagramBytesMax: 65_507,
    warn: () => {},
    ...overrides,
  });
  running.push(node);
  return node;
}

function recorder(node: LiveNode): RecordingProtocol {
  const protocol = node.protocol<RecordingProtocol>('rec');
  if (protocol === undefined) throw new Error('no recording protocol');
  return protocol;
}

/** Poll (on real time) until `done()` or `timeoutMs`; the tests assert afterwards. */
async function until(done: () => boolean, timeoutMs = 2000): Promise<void> {
  const endMs = performance.now() + timeoutMs;
  while (!done() && performance.now() < endMs) await new Promise((r) => setTimeout(r, 5));
}

function sendRaw(port: number, payload: string | Buffer): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => socket.send(payload, port, HOST, () => socket.close(() => resolve())));
}

describe('LiveNode', () => {
  it('delivers a message sent from one node to the other to the protocol of the same name, with the sender id', async () => {
    const peers = await peersOnLoopback(2);
    const a = await startNode(0, peers);
    const b = await startNode(1, peers);
    expect(recorder(a).started).toBe(true);
    recorder(a).ctx.send(1, { type: 'hello', payload: [1, 2, 3] } as never, 40);
    await until(() => recorder(b).received.length > 0);
    expect(recorder(b).received).toHaveLength(1);
    expect(recorder(b).received[0].from).toBe(0);
    expect(recorder(b).received[0].message).toEqual({ type: 'hello', payload: [1, 2, 3] });
    expect(a.counters.get('rec.messages.sent')).toBe(1);
    expect(a.counters.get('rec.bytes.sent')).toBe(40);
    expect(b.counters.get('messages.delivered')).toBe(1);
  });

  it('drops and counts, each under its reason, every datagram that fails a check, and poison messages, without stopping', async () => {
    const peers = await peersOnLoopback(3);
    const a = await startNode(0, peers);
    const b = await startNode(1, peers);
    recorder(b).throwOnType = 'poison';
    const port = peers[1].port;
    // Peer 2 never runs: the test speaks for it (epoch 5), holding the key or not.
    const from2 = (counter: number, text: string | Buffer, key: string | null = TEST_KEY_HEX, to = 1) => craftDatagram({ from: 2, to, epochMs: 5, counter }, text, key);
    const valid = from2(0, body('rec', { type: 'fine-2' }));
    const sent = [
      'not json at all', // malformed: too short and no header
      Buffer.from([0xff, 0x00, 0x13]),
      JSON.stringify({ p: 'rec', f: 0, m: { type: 'the old unframed envelope' } }),
      craftDatagram({ from: 2, to: 1, epochMs: 5, counter: 1, version: 9 }, body('rec', { type: 'x' }), TEST_KEY_HEX), // malformed: version
      craftDatagram({ from: 7, to: 1, epochMs: 5, counter: 1 }, body('rec', { type: 'x' }), TEST_KEY_HEX), // malformed: no such peer
      from2(2, body('rec', { type: 'x' }), 'b2'.repeat(32)), // bad-mac: another key
      from2(3, body('rec', { type: 'x' }), null), // bad-mac: no MAC
      (() => {
        const d = from2(4, body('rec', { type: 'x' }));
        d[30] ^= 1; // bad-mac: one bit flipped in the body
        return d;
      })(),
      from2(5, body('rec', { type: 'x' }), TEST_KEY_HEX, 0), // misdirected: meant for node 0
      valid,
      valid, // replayed
      from2(6, '{oops'), // not-json
      from2(7, JSON.stringify([1, 2])), // bad-envelope
      from2(8, JSON.stringify({ p: 'rec', m: { kind: 'no type' } })), // bad-envelope
      from2(9, body('nobody', { type: 'x' })), // unknown-protocol
      from2(10, body('rec', { type: 'bogus' })), // unknown-type
      from2(11, body('rec', { type: 'x', bad: true })), // bad-message
    ];
    for (const datagram of sent) await sendRaw(port, datagram);
    recorder(a).ctx.send(1, { type: 'poison' }, 10);
    recorder(a).ctx.send(1, { type: 'fine' }, 10);
    await until(() => b.counters.get('live.datagrams.received') >= sent.length + 2 && recorder(b).received.length >= 2);
    const dropped = (reason: string): number => b.counters.get(`live.datagrams.dropped.${reason}`);
    expect(dropped('malformed')).toBe(5);
    expect(dropped('bad-mac')).toBe(3);
    expect(dropped('misdirected')).toBe(1);
    expect(dropped('replayed')).toBe(1);
    expect(dropped('not-json')).toBe(1);
    expect(dropped('bad-envelope')).toBe(2);
    expect(dropped('unknown-protocol')).toBe(1);
    expect(dropped('unknown-type')).toBe(1);
    expect(dropped('bad-message')).toBe(1);
    expect(b.counters.get('live.datagrams.dropped')).toBe(sent.length - 1);
    expect(b.counters.get('live.handler.errors')).toBe(1);
    expect(recorder(b).received.map((r) => `${r.from}:${r.message.type}`).sort()).toEqual(['0:fine', '2:fine-2']);
  });

  it('accepts datagrams reordered within the window, refuses those older than it', async () => {
    const peers = await peersOnLoopback(3);
    const b = await startNode(1, peers);
    const d = (counter: number) => craftDatagram({ from: 2, to: 1, epochMs: 9, counter }, body('rec', { type: 'n', counter }), TEST_KEY_HEX);
    for (const counter of [10, 8, 9, 3000, 2000, 1977, 1976, 2999, 3000]) await sendRaw(peers[1].port, d(counter));
    await until(() => b.counters.get('live.datagrams.received') >= 9);
    // 8 and 9 arrive after 10 (reordered), 2000 and 1977 after 3000 (within 1024): new. 1976 is out of the window; 3000 twice.
    expect(recorder(b).received.map((r) => (r.message as unknown as { counter: number }).counter)).toEqual([10, 8, 9, 3000, 2000, 1977, 2999]);
    expect(b.counters.get('live.datagrams.dropped.too-old')).toBe(1);
    expect(b.counters.get('live.datagrams.dropped.replayed')).toBe(1);
  });

  it('a restarted sender (a later epoch, its counter from 0 again) is heard; its past life is refused as old-epoch', async () => {
    const peers = await peersOnLoopback(2);
    const a = await startNode(0, peers);
    let b = await startNode(1, peers, { epochMs: 1_000 });
    for (let k = 0; k < 3; k++) recorder(b).ctx.send(0, { type: 'first', k } as never, 10);
    await until(() => recorder(a).received.length === 3);
    await b.stop();
    running.splice(running.indexOf(b), 1);
    b = await startNode(1, peers, { epochMs: 2_000 });
    for (let k = 0; k < 3; k++) recorder(b).ctx.send(0, { type: 'second', k } as never, 10);
    await until(() => recorder(a).received.length === 6);
    expect(recorder(a).received.map((r) => r.message.type)).toEqual(['first', 'first', 'first', 'second', 'second', 'second']);
    // The first life's datagram 1, captured and re-sent: refused.
    await sendRaw(peers[0].port, craftDatagram({ from: 1, to: 0, epochMs: 1_000, counter: 1 }, body('rec', { type: 'first', k: 1 }), TEST_KEY_HEX));
    await until(() => a.counters.get('live.datagrams.dropped') > 0);
    expect(a.counters.get('live.datagrams.dropped.old-epoch')).toBe(1);
    expect(recorder(a).received).toHaveLength(6);
  });

  it('without the epoch a restart would be a replay: a restart within the same epoch is refused', async () => {
    const peers = await peersOnLoopback(2);
    const a = await startNode(0, peers);
    let b = await startNode(1, peers, { epochMs: 1_000 });
    recorder(b).ctx.send(0, { type: 'first' }, 10);
    await until(() => recorder(a).received.length === 1);
    await b.stop();
    running.splice(running.indexOf(b), 1);
    b = await startNode(1, peers, { epochMs: 1_000 });
    recorder(b).ctx.send(0, { type: 'second' }, 10);
    await until(() => a.counters.get('live.datagrams.dropped') > 0);
    expect(a.counters.get('live.datagrams.dropped.replayed')).toBe(1);
  });

  it('with key null (--insecure) nothing is authenticated, but the schemas still refuse bad messages', async () => {
    const peers = await peersOnLoopback(3);
    const b = await startNode(1, peers, { key: null });
    const d = (counter: number, m: unknown) => craftDatagram({ from: 2, to: 1, epochMs: 9, counter }, body('rec', m), null);
    await sendRaw(peers[1].port, d(0, { type: 'fine' }));
    await sendRaw(peers[1].port, d(0, { type: 'x', bad: true }));
    await sendRaw(peers[1].port, d(0, { type: 'bogus' }));
    await until(() => b.counters.get('live.datagrams.received') >= 3);
    expect(recorder(b).received.map((r) => r.message.type)).toEqual(['fine']);
    expect(b.counters.get('live.datagrams.dropped.bad-message')).toBe(1);
    expect(b.counters.get('live.datagrams.dropped.unknown-type')).toBe(1);
  });

  it('refuses to start a stack with a protocol that has no wire schema', async () => {
    const peers = await peersOnLoopback(1);
    await expect(startNode(0, peers, { schemas: new Map() })).rejects.toThrow(/no wire schema for protocol\(s\) rec/);
  });

  it('an exception in a timer handler or an onStart is counted and warned about, never fatal', async () => {
    const peers = await peersOnLoopback(2);
    const warnings: string[] = [];
    class FailingStart extends RecordingProtocol {
      override onStart(): void {
        throw new RangeError('start failed');
      }
    }
    const stack = (contextFor: (name: string) => import('../../../src/runtime/context.js').NodeContext) =>
      new Map<string, Protocol>([
        ['bad', new FailingStart(contextFor('bad'))],
        ['rec', new RecordingProtocol(contextFor('rec'))],
      ]);
    const schemas = new Map([...recordingSchemas('rec'), ...recordingSchemas('bad')]);
    const a = await startNode(0, peers, { stack, schemas, warn: (line) => warnings.push(line) });
    expect(a.counters.get('live.start.errors')).toBe(1);
    expect(recorder(a).started).toBe(true); // the next protocol still started
    let after = false;
    recorder(a).ctx.setTimer(1, () => {
      throw new RangeError('timer failed');
    });
    recorder(a).ctx.setTimer(20, () => {
      after = true;
    });
    await until(() => after);
    expect(after).toBe(true);
    expect(a.counters.get('live.timer.errors')).toBe(1);
    expect(warnings.join('\n')).toMatch(/bad.onStart threw: RangeError: start failed/);
    expect(warnings.join('\n')).toMatch(/a timer handler threw: RangeError: timer failed/);
  });

  it('refuses a message past 64 fragments with a DatagramTooLargeError naming it and the limit', async () => {
    const peers = await peersOnLoopback(2);
    const a = await startNode(0, peers, { datagramBytesMax: 1000 });
    const big = { type: 'bulk', blob: 'x'.repeat(64 * 935) }; // 64 chunks of 1000 - 65 bytes, plus the envelope
    expect(() => recorder(a).ctx.send(1, big, 2000)).toThrow(DatagramTooLargeError);
    expect(() => recorder(a).ctx.send(1, big, 2000)).toThrow(/rec message 'bulk' encodes to \d+ bytes, more than 64 fragments of 1000-byte UDP datagrams carry \(59893 bytes\)/);
    expect(a.counters.get('messages.sent')).toBe(0);
    expect(a.counters.get('live.fragments.sent')).toBe(0);
  });

  it('sends a ~300 kB message in fragments over loopback; it arrives whole, once, through the schema', async () => {
    const peers = await peersOnLoopback(2);
    const a = await startNode(0, peers);
    const b = await startNode(1, peers);
    const rows = Array.from({ length: 3400 }, (_, k) => ({ vm: k, host: k % 97, cpu: (k * 7919) % 1000, note: `row ${k} ${'z'.repeat(40)}` }));
    const message = { type: 'plan', rows };
    let arrivedAt = NaN;
    const protocol = recorder(b);
    const original = protocol.onMessage.bind(protocol);
    protocol.onMessage = (from, m) => {
      arrivedAt = performance.now();
      original(from, m);
    };
    const t0 = performance.now();
    recorder(a).ctx.send(1, message as never, 300_000);
    const sentMs = performance.now() - t0;
    await until(() => recorder(b).received.length > 0);
    const arrivedMs = arrivedAt - t0;
    expect(recorder(b).received).toHaveLength(1);
    expect(recorder(b).received[0].message).toEqual(message);
    const wire = a.counters.get('live.wire.bytes.sent');
    const fragments = a.counters.get('live.fragments.sent');
    expect(wire).toBeGreaterThan(290_000);
    expect(fragments).toBe(Math.ceil((wire - 65 * fragments) / (65_507 - 65)));
    expect(b.counters.get('live.fragments.received')).toBe(fragments);
    expect(b.counters.get('live.reassembly.completed')).toBe(1);
    expect(b.counters.get('messages.delivered')).toBe(1);
    expect(b.counters.get('live.datagrams.dropped')).toBe(0);
    expect(b.reassembling).toEqual({ messages: 0, bytes: 0 });
    // A small message after it still goes in one datagram, version 1.
    recorder(a).ctx.send(1, { type: 'small' }, 10);
    await until(() => recorder(b).received.length > 1);
    expect(a.counters.get('live.fragments.sent')).toBe(fragments);
    console.log(`300 kB message: ${wire} wire bytes in ${fragments} fragments; send ${sentMs.toFixed(1)} ms, delivered after ${arrivedMs.toFixed(1)} ms`);
  });

  it('a fragmented message missing a fragment is given up after the timeout, counted; forged fragments (no key) store nothing', async () => {
    const peers = await peersOnLoopback(3);
    const b = await startNode(1, peers, { reassembly: { timeoutMs: 100 } });
    const frag = (counter: number, messageId: number, index: number, keyHex: string | null) =>
      craftFragment({ from: 2, to: 1, epochMs: 5, counter }, { messageId, index, count: 2, bodyBytes: 20 }, 'x'.repeat(10), keyHex);
    await sendRaw(peers[1].port, frag(0, 1, 0, TEST_KEY_HEX));
    await until(() => b.reassembling.messages === 1);
    expect(b.reassembling.messages).toBe(1);
    await until(() => b.counters.get('live.messages.dropped.fragment-timeout') > 0, 1000);
    expect(b.counters.get('live.messages.dropped.fragment-timeout')).toBe(1);
    expect(b.reassembling).toEqual({ messages: 0, bytes: 0 });
    // 200 first fragments under another key, or none: all bad-mac, nothing held.
    for (let k = 0; k < 200; k++) await sendRaw(peers[1].port, frag(10 + k, 100 + k, 0, k % 2 === 0 ? 'b2'.repeat(32) : null));
    await until(() => b.counters.get('live.datagrams.dropped.bad-mac') >= 200);
    expect(b.counters.get('live.datagrams.dropped.bad-mac')).toBe(200);
    expect(b.counters.get('live.fragments.received')).toBe(1);
    expect(b.reassembling).toEqual({ messages: 0, bytes: 0 });
    // A replayed fragment is refused by the window before reassembly.
    await sendRaw(peers[1].port, frag(0, 1, 0, TEST_KEY_HEX));
    await until(() => b.counters.get('live.datagrams.dropped.replayed') > 0);
    expect(b.counters.get('live.datagrams.dropped.replayed')).toBe(1);
    expect(b.reassembling.messages).toBe(0);
  });

  it('the latency shim holds a message back at least half the matrix RTT (80 ms RTT: >= 40 ms)', async () => {
    const peers = await peersOnLoopback(2);
    const matrix: RttMatrix = { name: 'two', n: 2, labels: ['0', '1'], rttUs: Float64Array.from([0, 80_000, 80_000, 0]) };
    const shim: LatencyShimConfig = { matrix, lossRate: 0, pendingMax: 100 };
    const a = await startNode(0, peers, { shim });
    const b = await startNode(1, peers, { shim });
    const sentMs: number[] = [];
    for (let k = 0; k < 5; k++) {
      sentMs.push(performance.now());
      recorder(a).ctx.send(1, { type: 'probe', k } as never, 10);
    }
    const arrivedMs: number[] = [];
    const protocol = recorder(b);
    const original = protocol.onMessage.bind(protocol);
    protocol.onMessage = (from, message) => {
      arrivedMs[(message as unknown as { k: number }).k] = performance.now();
      original(from, message);
    };
    await until(() => protocol.received.length === 5);
    expect(protocol.received).toHaveLength(5);
    for (let k = 0; k < 5; k++) expect(arrivedMs[k] - sentMs[k]).toBeGreaterThanOrEqual(40);
  });

  it('with loss rate 0.5 the shim drops some messages and counts them as lost', async () => {
    const peers = await peersOnLoopback(2);
    const matrix: RttMatrix = { name: 'two', n: 2, labels: ['0', '1'], rttUs: Float64Array.from([0, 2_000, 2_000, 0]) };
    const a = await startNode(0, peers, { shim: { matrix, lossRate: 0.5, pendingMax: 1000 } });
    const b = await startNode(1, peers);
    for (let k = 0; k < 100; k++) recorder(a).ctx.send(1, { type: 'probe' }, 10);
    const lost = a.counters.get('messages.lost');
    await until(() => recorder(b).received.length === 100 - lost);
    expect(lost).toBeGreaterThan(20);
    expect(lost).toBeLessThan(80);
    expect(recorder(b).received).toHaveLength(100 - lost);
  });

  it('the shim loses fragments one by one: one lost, its message is lost; the rest time out at the receiver', async () => {
    const peers = await peersOnLoopback(2);
    const matrix: RttMatrix = { name: 'two', n: 2, labels: ['0', '1'], rttUs: Float64Array.from([0, 2_000, 2_000, 0]) };
    const a = await startNode(0, peers, { datagramBytesMax: 1000, shim: { matrix, lossRate: 0.3, pendingMax: 10_000 } });
    const b = await startNode(1, peers, { reassembly: { timeoutMs: 100 } });
    for (let k = 0; k < 100; k++) recorder(a).ctx.send(1, { type: 'bulk', k, blob: 'y'.repeat(2000) } as never, 2000); // 3 fragments each
    const lost = a.counters.get('messages.lost');
    expect(a.counters.get('live.fragments.sent')).toBe(300);
    expect(a.counters.get('live.shim.fragments.lost')).toBeGreaterThan(lost);
    expect(lost).toBeGreaterThan(40); // 1 - 0.7^3 = 66 % expected
    expect(lost).toBeLessThan(90);
    await until(() => recorder(b).received.length === 100 - lost && b.reassembling.messages === 0, 3000);
    expect(recorder(b).received).toHaveLength(100 - lost);
    expect(b.counters.get('live.fragments.received')).toBe(300 - a.counters.get('live.shim.fragments.lost'));
    expect(b.counters.get('live.messages.dropped.fragment-timeout')).toBeGreaterThan(0);
    expect(b.counters.get('live.messages.dropped.fragment-timeout')).toBeLessThanOrEqual(lost);
  });

  it('after stop, timers never fire, nothing is sent and the protocols were told', async () => {
    const peers = await peersOnLoopback(2);
    const a = await startNode(0, peers);
    let fired = false;
    recorder(a).ctx.setTimer(20, () => {
      fired = true;
    });
    await a.stop();
    recorder(a).ctx.send(1, { type: 'late' }, 10);
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toBe(false);
    expect(recorder(a).stopped).toBe(true);
    expect(a.counters.get('messages.sent')).toBe(0);
  });
});
