/**
 * The attacks reported on the live wire, replayed against in-process nodes running the Vivaldi
 * stack: a forged gossip shuffle naming a peer outside the peer set (its id spread by gossip,
 * then a send to it threw a RangeError in a timer and killed the agent), and spoofed Vivaldi
 * pongs with absurd values (1e308, Infinity) that left a coordinate non-finite for good. With
 * the schemas (even --insecure) they never reach a protocol; with the MAC they are not even
 * opened. Without a schema (the pass-through below, as before) the crash path is still there,
 * and the timer guard is what keeps the node alive.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultGossipConfig, type GossipProtocol } from '../../../src/protocols/gossip/index.js';
import { GOSSIP, VIVALDI, type VivaldiStackConfig, vivaldiStack, vivaldiStackSchemas } from '../../../src/protocols/stack.js';
import { defaultVivaldiConfig, type VivaldiProtocol } from '../../../src/protocols/vivaldi/index.js';
import type { MessageSchemas, MessageValidator } from '../../../src/runtime/context.js';
import { findFreeUdpPorts } from '../../../src/runtime/live/free-ports.js';
import { LiveNode } from '../../../src/runtime/live/live-node.js';
import type { PeerAddress } from '../../../src/runtime/live/peer-table.js';
import { body, craftDatagram, TEST_KEY_HEX } from './fixtures/craft.js';

const HOST = '127.0.0.1';
const running: LiveNode[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((node) => node.stop()));
});

const STACK: VivaldiStackConfig = {
  gossip: { ...defaultGossipConfig, periodMs: 20 },
  vivaldi: { ...defaultVivaldiConfig, periodMs: 20, dimensions: 2 },
};
const PEERS = 3; // node 0 runs, 1 runs, 2 is the attacker's claimed identity

async function start(key: KeyObject | null, schemas: MessageSchemas): Promise<{ nodes: LiveNode[]; peers: PeerAddress[] }> {
  const ports = await findFreeUdpPorts(HOST, PEERS);
  const peers = ports.map((port, id) => ({ id, host: HOST, port }));
  const nodes: LiveNode[] = [];
  for (const id of [0, 1]) {
    const node = await LiveNode.start({ id, peers, seed: 3, stack: vivaldiStack(STACK), schemas, key, bootstrapPeers: [1 - id], shim: null, bindHost: null, datagramBytesMax: 65_507, warn: () => {} });
    running.push(node);
    nodes.push(node);
  }
  return { nodes, peers };
}

function sendRaw(port: number, payload: Buffer): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => socket.send(payload, port, HOST, () => socket.close(() => resolve())));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The forged shuffle of the report: 105 bytes of JSON naming peer 99, made to look the oldest entry. */
const forgedShuffle = { type: 'gossip.shuffle', sentAtMs: 0, entries: [{ peer: 99, ageRounds: 1000 }, { peer: 98, ageRounds: 999 }] };
const absurdPongs = [
  { type: 'vivaldi.pong', sentAtMs: 0, vec: [1e308, -1e308], heightMs: 1e308, error: 0.1 },
  { type: 'vivaldi.pong', sentAtMs: 0, vec: { $f64: [1e308, 1e308] }, heightMs: 1, error: 0.1 },
  { type: 'vivaldi.pong', sentAtMs: 0, vec: [1, 2], heightMs: 'INFINITY', error: 0.1 },
];
/** JSON.stringify writes Infinity as null; an attacker writes 1e999, which JSON.parse reads as Infinity. */
const bodyOf = (p: string, m: unknown): string => body(p, m).replace('"INFINITY"', '1e999');

async function attack(port: number, to: number, keyHex: string | null): Promise<number> {
  let counter = 0;
  const d = (p: string, m: unknown) => craftDatagram({ from: 2, to, epochMs: 7, counter: counter++ }, bodyOf(p, m), keyHex);
  const datagrams = [d(GOSSIP, forgedShuffle), ...absurdPongs.map((m) => d(VIVALDI, m))];
  for (const datagram of datagrams) await sendRaw(port, datagram);
  return datagrams.length;
}

function finiteCoordinate(node: LiveNode): boolean {
  const c = node.protocol<VivaldiProtocol>(VIVALDI)!.coordinate();
  return [...c.vec, c.heightMs].every(Number.isFinite) && Number.isFinite(node.protocol<VivaldiProtocol>(VIVALDI)!.errorEstimate());
}

function gossipPeersInRange(node: LiveNode): boolean {
  return node.protocol<GossipProtocol>(GOSSIP)!.peers().every((p) => p >= 0 && p < PEERS);
}

async function until(done: () => boolean, timeoutMs = 2000): Promise<void> {
  const endMs = performance.now() + timeoutMs;
  while (!done() && performance.now() < endMs) await sleep(5);
}

describe('reported attacks on the live wire', () => {
  it('the forged datagrams of the report are 105 bytes of JSON (the forged shuffle) and carry absurd numbers JSON can express', () => {
    expect(Buffer.byteLength(JSON.stringify({ p: 'gossip', f: 1, m: { type: 'gossip.shuffle', sentAtMs: 0, entries: [{ peer: 99, ageRounds: 1000 }] } }))).toBeLessThan(105);
    expect(JSON.parse('1e999')).toBe(Infinity);
  });

  it('--insecure: the schemas drop every forged message as bad-message; gossip keeps its peers in range, coordinates stay finite', async () => {
    const { nodes, peers } = await start(null, vivaldiStackSchemas(STACK, PEERS));
    const sent = await attack(peers[0].port, 0, null);
    await until(() => nodes[0].counters.get('live.datagrams.dropped') >= sent);
    await sleep(200); // ten gossip and Vivaldi periods
    expect(nodes[0].counters.get('live.datagrams.dropped.bad-message')).toBe(sent);
    expect(nodes[0].counters.get('live.timer.errors')).toBe(0);
    expect(nodes[0].counters.get('live.handler.errors')).toBe(0);
    expect(gossipPeersInRange(nodes[0])).toBe(true);
    expect(finiteCoordinate(nodes[0])).toBe(true);
    expect(nodes[0].counters.get('messages.delivered')).toBeGreaterThan(5); // node 1's real traffic still flows
  });

  it('with a key: the same datagrams without it are refused as bad-mac before anything is parsed', async () => {
    const key = createSecretKey(Buffer.from(TEST_KEY_HEX, 'hex'));
    const { nodes, peers } = await start(key, vivaldiStackSchemas(STACK, PEERS));
    const sent = await attack(peers[0].port, 0, null);
    await until(() => nodes[0].counters.get('live.datagrams.dropped') >= sent);
    await sleep(100);
    expect(nodes[0].counters.get('live.datagrams.dropped.bad-mac')).toBe(sent);
    expect(gossipPeersInRange(nodes[0])).toBe(true);
    expect(finiteCoordinate(nodes[0])).toBe(true);
    expect(nodes[0].counters.get('messages.delivered')).toBeGreaterThan(5);
  });

  it('without a schema (everything passes, as before): the forged id reaches gossip, a timer throws RangeError, and the guard keeps the node alive; the pongs poison the coordinate', async () => {
    const passAll: MessageValidator = Object.assign(() => 'ok' as const, { types: [] });
    const { nodes, peers } = await start(null, new Map([[GOSSIP, passAll], [VIVALDI, passAll]]));
    await attack(peers[0].port, 0, null);
    await until(() => nodes[0].counters.get('live.timer.errors') > 0 && !finiteCoordinate(nodes[0]));
    expect(nodes[0].counters.get('live.timer.errors')).toBeGreaterThan(0); // "node 0 (gossip) sent gossip.shuffle to unknown node 99"
    expect(finiteCoordinate(nodes[0])).toBe(false);
    // Still running: the next datagram is taken. (Its gossip may not be: a period that threw
    // never re-armed its timer. The guard keeps the process, only the schemas keep the protocol.)
    const delivered = nodes[0].counters.get('messages.delivered');
    await sendRaw(peers[0].port, craftDatagram({ from: 2, to: 0, epochMs: 7, counter: 99 }, body(GOSSIP, { type: 'gossip.shuffle-reply', sentAtMs: 0, entries: [] }), null));
    await until(() => nodes[0].counters.get('messages.delivered') > delivered);
    expect(nodes[0].counters.get('messages.delivered')).toBeGreaterThan(delivered);
  });
});
