/**
 * Forged, replayed, misdirected and malformed datagrams against 3 real agent processes on
 * loopback. The test socket is peer 3 of the peers file and holds the cluster key (as a member
 * would, or a thief of one member's datagrams would not): it captures what the agents send it,
 * and sends each kind of bad datagram a known number of times. The agents' reports must count
 * exactly those, per reason, and no agent may crash or end with a non-finite coordinate.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../../src/runtime/live/agent.js';
import { writeClusterKey } from '../../../src/runtime/live/cluster-key.js';
import { findFreeUdpPorts } from '../../../src/runtime/live/free-ports.js';
import { formatPeerTable } from '../../../src/runtime/live/peer-table.js';
import { DIST_LIVE_CLI } from '../../support/dist-build.js';
import { body, craftDatagram } from './fixtures/craft.js';

const HOST = '127.0.0.1';
const AGENTS = 3;
const TESTER = 3; // the test socket's id
const DURATION_S = 7;

const children: ChildProcess[] = [];
let socket: Socket | null = null;
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  socket?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe(`the live wire against ${AGENTS} agent processes`, () => {
  it('counts every forged, replayed, too old, misdirected, malformed and ill-formed datagram under its reason, exactly; no agent crashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'luc-live-wire-'));
    const ports = await findFreeUdpPorts(HOST, AGENTS + 1);
    const peersFile = join(dir, 'peers.json');
    writeFileSync(peersFile, formatPeerTable(ports.map((port, id) => ({ id, host: HOST, port }))));
    const keyFile = join(dir, 'cluster.key');
    writeClusterKey(keyFile);
    const keyHex = readFileSync(keyFile, 'utf8').trim();

    const captured: Buffer[] = [];
    const tester = createSocket('udp4');
    socket = tester;
    tester.on('message', (datagram) => captured.push(datagram));
    await new Promise<void>((resolve) => tester.bind(ports[TESTER], HOST, resolve));
    const send = (id: number, datagram: Buffer): Promise<void> => new Promise((resolve) => tester.send(datagram, ports[id], HOST, () => resolve()));

    const exits: Promise<number | string>[] = [];
    for (let id = 0; id < AGENTS; id++) {
      const log = openSync(join(dir, `agent-${id}.log`), 'w');
      const args = [DIST_LIVE_CLI, 'live', 'agent', '--id', String(id), '--peers', peersFile, '--key', keyFile, '--seed', '1', '--duration-s', String(DURATION_S), '--report', join(dir, `agent-${id}.json`), '--bootstrap-count', '3', '--vivaldi-period-ms', '50', '--gossip-period-ms', '100', '--dimensions', '2'];
      const child = spawn(process.execPath, args, { stdio: ['ignore', log, log] });
      closeSync(log);
      children.push(child);
      exits.push(new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))));
    }
    // Every agent has the tester among its introducers: wait until each has sent it something.
    const fromAgent = (d: Buffer): number => d.readUInt32BE(1);
    for (let k = 0; k < 100 && new Set(captured.map(fromAgent)).size < AGENTS; k++) await sleep(50);
    expect(new Set(captured.map(fromAgent)).size, `agent logs in ${dir}`).toBe(AGENTS);

    // What each agent gets, by reason: [agent, reason, datagram].
    const epochMs = Date.now();
    let counter = 0;
    const valid = (to: number, p: string, m: unknown, c = counter++, epoch = epochMs) => craftDatagram({ from: TESTER, to, epochMs: epoch, counter: c }, body(p, m), keyHex);
    const harmless = { type: 'gossip.shuffle-reply', sentAtMs: 0, entries: [{ peer: 1, ageRounds: 0 }] };
    const plan: [number, string, Buffer][] = [];
    for (let to = 0; to < AGENTS; to++) {
      // forged: no key, another key, a flipped bit
      plan.push([to, 'bad-mac', craftDatagram({ from: TESTER, to, epochMs, counter: 0 }, body('gossip', harmless), null)]);
      plan.push([to, 'bad-mac', craftDatagram({ from: TESTER, to, epochMs, counter: 0 }, body('gossip', harmless), 'c3'.repeat(32))]);
      const flipped = valid(to, 'gossip', harmless);
      flipped[flipped.length - 40] ^= 4;
      plan.push([to, 'bad-mac', flipped]);
      // malformed: not framed, a wrong version, a sender outside the peers
      plan.push([to, 'malformed', Buffer.from(JSON.stringify({ p: 'gossip', f: TESTER, m: harmless }))]);
      plan.push([to, 'malformed', craftDatagram({ from: TESTER, to, epochMs, counter: 1, version: 2 }, body('gossip', harmless), keyHex)]);
      plan.push([to, 'malformed', craftDatagram({ from: 40, to, epochMs, counter: 1 }, body('gossip', harmless), keyHex)]);
      // the agent's own datagrams to the tester, re-sent to it: misdirected
      for (const datagram of captured.filter((d) => fromAgent(d) !== to).slice(0, 3)) plan.push([to, 'misdirected', datagram]);
      // ill-formed messages under a valid MAC: the reported attacks, and an unknown type
      plan.push([to, 'bad-message', valid(to, 'gossip', { type: 'gossip.shuffle', sentAtMs: 0, entries: [{ peer: 99, ageRounds: 1000 }] })]);
      plan.push([to, 'bad-message', valid(to, 'vivaldi', { type: 'vivaldi.pong', sentAtMs: 0, vec: [1e308, -1e308], heightMs: 1, error: 0.1 })]);
      // JSON.parse reads 1e999 as Infinity (JSON.stringify would have written null).
      const infinite = body('vivaldi', { type: 'vivaldi.pong', sentAtMs: 0, vec: [1, 2], heightMs: 'INF', error: 0.1 }).replace('"INF"', '1e999');
      plan.push([to, 'bad-message', craftDatagram({ from: TESTER, to, epochMs, counter: counter++ }, infinite, keyHex)]);
      plan.push([to, 'unknown-type', valid(to, 'gossip', { type: 'gossip.join', peer: 1 })]);
      plan.push([to, 'unknown-protocol', valid(to, 'chord', { type: 'chord.notify' })]);
    }
    // Replays: one valid datagram per agent, accepted, then re-sent 4 times; an old counter past the window; a past epoch.
    const replayed: [number, Buffer][] = [];
    for (let to = 0; to < AGENTS; to++) {
      const first = valid(to, 'gossip', harmless, 100);
      replayed.push([to, first]);
      for (let k = 0; k < 4; k++) plan.push([to, 'replayed', first]);
      plan.push([to, 'too-old', valid(to, 'gossip', harmless, 5000 + 2000)]);
      plan.push([to, 'old-epoch', valid(to, 'gossip', harmless, 200, epochMs - 1)]);
    }
    // In order: the accepted one, its replays, then the jump to counter 7000 before the old counter 10.
    for (const [to, datagram] of replayed) await send(to, datagram);
    await sleep(50);
    for (const [to, reason, datagram] of plan) {
      if (reason === 'too-old') {
        await send(to, valid(to, 'gossip', harmless, 8100)); // accepted: moves the window past 7000
        await sleep(20);
      }
      await send(to, datagram);
    }

    const codes = await Promise.all(exits);
    expect(codes, `agent logs in ${dir}`).toEqual(Array(AGENTS).fill(0));
    for (let id = 0; id < AGENTS; id++) {
      const report = JSON.parse(readFileSync(join(dir, `agent-${id}.json`), 'utf8')) as AgentReport;
      const expected: Record<string, number> = {};
      for (const [to, reason] of plan) if (to === id) expected[reason] = (expected[reason] ?? 0) + 1;
      const counted: Record<string, number> = {};
      for (const [name, value] of Object.entries(report.counters)) {
        const m = /^live\.datagrams\.dropped\.(.+)$/.exec(name);
        if (m !== null) counted[m[1]] = value;
      }
      expect(counted, `agent ${id}`).toEqual(expected);
      expect(report.counters['live.datagrams.dropped']).toBe(Object.values(expected).reduce((a, b) => a + b, 0));
      expect(report.counters['live.timer.errors'] ?? 0).toBe(0);
      expect(report.counters['live.handler.errors'] ?? 0).toBe(0);
      expect(report.counters['messages.delivered']).toBeGreaterThan(50);
      const coordinate = report.coordinate as { vec: number[]; heightMs: number };
      expect([...coordinate.vec, coordinate.heightMs].every(Number.isFinite), `agent ${id}: ${JSON.stringify(coordinate)}`).toBe(true);
      expect((report.gossipPeers as number[]).every((p) => p >= 0 && p <= TESTER)).toBe(true);
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
