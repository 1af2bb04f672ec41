import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { RttMatrix } from '../../../src/platform/types.js';
import { findFreeUdpPorts } from '../../../src/runtime/live/free-ports.js';
import type { LatencyShimConfig } from '../../../src/runtime/live/latency-shim.js';
import { DatagramTooLargeError } from '../../../src/runtime/live/live-errors.js';
import { LiveNode, type LiveNodeConfig } from '../../../src/runtime/live/live-node.js';
import type { PeerAddress } from '../../../src/runtime/live/peer-table.js';
import { recordingStack, type RecordingProtocol } from './fixtures/recording-protocol.js';

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

  it('drops and counts malformed datagrams, unknown protocols and poison messages without stopping', async () => {
    const peers = await peersOnLoopback(2);
    const a = await startNode(0, peers);
    const b = await startNode(1, peers);
    recorder(b).throwOnType = 'poison';
    const port = peers[1].port;
    await sendRaw(port, 'not json at all');
    await sendRaw(port, Buffer.from([0xff, 0x00, 0x13]));
    await sendRaw(port, JSON.stringify([1, 2]));
    await sendRaw(port, JSON.stringify({ p: 'rec', f: 99, m: { type: 'x' } }));
    await sendRaw(port, JSON.stringify({ p: 'rec', f: 0, m: { kind: 'no type' } }));
    await sendRaw(port, JSON.stringify({ p: 'nobody', f: 0, m: { type: 'x' } }));
    recorder(a).ctx.send(1, { type: 'poison' }, 10);
    recorder(a).ctx.send(1, { type: 'fine' }, 10);
    await until(() => recorder(b).received.length > 0 && b.counters.get('live.datagrams.received') >= 8);
    expect(b.counters.get('live.datagrams.dropped.not-json')).toBe(2);
    expect(b.counters.get('live.datagrams.dropped.bad-envelope')).toBe(2);
    expect(b.counters.get('live.datagrams.dropped.bad-message')).toBe(1);
    expect(b.counters.get('live.datagrams.dropped.unknown-protocol')).toBe(1);
    expect(b.counters.get('live.datagrams.dropped')).toBe(6);
    expect(b.counters.get('live.handler.errors')).toBe(1);
    expect(recorder(b).received.map((r) => r.message.type)).toEqual(['fine']);
  });

  it('refuses a message larger than one UDP datagram with a DatagramTooLargeError naming it', async () => {
    const peers = await peersOnLoopback(2);
    const a = await startNode(0, peers, { datagramBytesMax: 1000 });
    const big = { type: 'bulk', blob: 'x'.repeat(2000) };
    expect(() => recorder(a).ctx.send(1, big, 2000)).toThrow(DatagramTooLargeError);
    expect(() => recorder(a).ctx.send(1, big, 2000)).toThrow(/rec message 'bulk' encodes to \d+ bytes/);
    expect(a.counters.get('messages.sent')).toBe(0);
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
