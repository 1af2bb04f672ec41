import { describe, expect, it } from 'vitest';
import { LiveConfigError } from '../../../src/runtime/live/live-errors.js';
import { formatPeerTable, parsePeerTable } from '../../../src/runtime/live/peer-table.js';

describe('peer table', () => {
  it('indexes peers by id whatever their order in the file, and formats back to the same table', () => {
    const text = '[{"id": 1, "host": "127.0.0.1", "port": 4001}, {"id": 0, "host": "::1", "port": 4000}]';
    const peers = parsePeerTable(text, 'peers.json');
    expect(peers.map((p) => p.port)).toEqual([4000, 4001]);
    expect(parsePeerTable(formatPeerTable(peers), 'again')).toEqual(peers);
  });

  it.each([
    ['not json', /peers.json: \(file\): expected JSON/],
    ['{}', /expected an array/],
    ['[]', /expected 1\.\.10000 peers/],
    ['[{"id": 1, "host": "h", "port": 1}]', /\[0\]\.id: expected an integer in 0\.\.0/],
    ['[{"id": 0, "host": "h", "port": 70000}]', /\[0\]\.port: expected an integer in 1\.\.65535, found 70000/],
    ['[{"id": 0, "host": "", "port": 1}]', /\[0\]\.host/],
    ['[{"id": 0, "host": "h", "port": 1}, {"id": 0, "host": "h", "port": 2}]', /\[1\]\.id: expected ids to be unique/],
    ['[{"id": 0, "host": "h", "port": 1}, {"id": 1, "host": "h", "port": 1}]', /\[1\]\.port: expected an address \(host and port\) no other peer has, found "h":1, also \[0\]/],
    ['[{"id": 0, "host": "Node-A", "port": 9}, {"id": 1, "host": "node-a", "port": 9}]', /\[1\]\.port: expected an address .* also \[0\]/],
    ['[{"id": 0, "host": "h", "port": 1, "libvirt": "10.0.0.2"}]', /\[0\]\.libvirt: expected a libvirt URI/],
    ['[{"id": 0, "host": "h", "port": 1, "libvirt": 5}]', /\[0\]\.libvirt: expected a libvirt URI/],
  ])('rejects %s with a LiveConfigError naming the field', (text, pattern) => {
    expect(() => parsePeerTable(text, 'peers.json')).toThrow(LiveConfigError);
    expect(() => parsePeerTable(text, 'peers.json')).toThrow(pattern);
  });

  it("keeps a peer's libvirt URI, the target of live migrations to it", () => {
    const text = '[{"id": 0, "host": "10.0.0.1", "port": 4000, "libvirt": "qemu+tcp://10.0.0.1/system"}, {"id": 1, "host": "10.0.0.2", "port": 4000}]';
    const peers = parsePeerTable(text, 'peers.json');
    expect(peers[0].libvirt).toBe('qemu+tcp://10.0.0.1/system');
    expect(peers[1].libvirt).toBeUndefined();
    expect(parsePeerTable(formatPeerTable(peers), 'again.json')).toEqual(peers);
  });
});
