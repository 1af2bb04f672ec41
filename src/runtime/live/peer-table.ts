/**
 * The peers file of a live deployment: a JSON array `[{"id": 0, "host": "127.0.0.1", "port":
 * 40001}, ...]` with one entry per node, ids dense 0..n-1 (any order in the file). The same file
 * is given to every agent; agent `--id i` binds `host:port` of entry i and sends to the others'.
 * With an RTT matrix, peer i is matrix row i. An entry may name its host's libvirt
 * (`"libvirt": "qemu+tcp://10.0.0.2/system"`): where a live migration to that node goes.
 */
import { readFileSync } from 'node:fs';
import type { NodeId } from '../context.js';
import { LiveConfigError } from './live-errors.js';

export interface PeerAddress {
  readonly id: NodeId;
  readonly host: string;
  readonly port: number;
  /** The node's libvirt URI, as another host reaches it (the target of `virsh migrate`). */
  readonly libvirt?: string;
}

/** Bound on the peer table: a live deployment is a testbed, not the whole simulated world. */
export const PEERS_MAX = 10_000;

/** Peers indexed by id (entry i has id i). */
export function parsePeerTable(text: string, source: string): PeerAddress[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LiveConfigError(source, '(file)', 'JSON', (error as Error).message);
  }
  if (!Array.isArray(parsed)) throw new LiveConfigError(source, '(root)', 'an array of {id, host, port}');
  if (parsed.length === 0 || parsed.length > PEERS_MAX) {
    throw new LiveConfigError(source, '(root)', `1..${PEERS_MAX} peers`, String(parsed.length));
  }
  const peers: PeerAddress[] = new Array(parsed.length);
  // Two nodes on one host:port would share a socket: the second agent cannot bind, and every
  // datagram meant for one of them reaches the other.
  const entryByAddress = new Map<string, number>();
  parsed.forEach((entry: unknown, index) => {
    const where = `[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw new LiveConfigError(source, where, 'an object {id, host, port}');
    const { id, host, port, libvirt } = entry as Record<string, unknown>;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= parsed.length) {
      throw new LiveConfigError(source, `${where}.id`, `an integer in 0..${parsed.length - 1}`, JSON.stringify(id));
    }
    if (typeof host !== 'string' || host.length === 0) throw new LiveConfigError(source, `${where}.host`, 'a host name or address', JSON.stringify(host));
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new LiveConfigError(source, `${where}.port`, 'an integer in 1..65535', JSON.stringify(port));
    }
    if (libvirt !== undefined && (typeof libvirt !== 'string' || !/^[a-z][a-z0-9+]*:\/\//.test(libvirt))) {
      throw new LiveConfigError(source, `${where}.libvirt`, 'a libvirt URI (e.g. qemu+tcp://10.0.0.2/system)', JSON.stringify(libvirt));
    }
    if (peers[id] !== undefined) throw new LiveConfigError(source, `${where}.id`, 'ids to be unique', String(id));
    const address = `${host.toLowerCase()}:${port}`;
    const other = entryByAddress.get(address);
    if (other !== undefined) throw new LiveConfigError(source, `${where}.port`, 'an address (host and port) no other peer has', `${JSON.stringify(host)}:${port}, also [${other}]`);
    entryByAddress.set(address, index);
    peers[id] = libvirt === undefined ? { id, host, port } : { id, host, port, libvirt };
  });
  return peers;
}

export function readPeerTable(file: string): PeerAddress[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LiveConfigError(file, '(file)', 'a readable peers file', (error as NodeJS.ErrnoException).code);
  }
  return parsePeerTable(text, file);
}

export function formatPeerTable(peers: readonly PeerAddress[]): string {
  return `${JSON.stringify(peers.map(({ id, host, port, libvirt }) => (libvirt === undefined ? { id, host, port } : { id, host, port, libvirt })), null, 2)}\n`;
}
