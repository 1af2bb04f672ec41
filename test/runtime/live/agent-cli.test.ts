import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_LIVE_CLI } from '../../support/dist-build.js';

describe('luc live agent (compiled, as an OS process)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-live-cli-'));
    writeFileSync(join(dir, 'peers.json'), JSON.stringify([{ id: 0, host: '127.0.0.1', port: 1 }]));
    writeFileSync(join(dir, 'empty.key'), '');
    writeFileSync(join(dir, 'short.key'), 'ab'.repeat(31));
    writeFileSync(join(dir, 'good.key'), 'ab'.repeat(32));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => spawnSync(process.execPath, [DIST_LIVE_CLI, 'live', 'agent', ...args], { encoding: 'utf8', timeout: 10_000 });

  it.each([
    [['--peers', 'PEERS', '--duration-s', '1', '--report', 'R'], /--id: expected this agent's id/],
    [['--id', '3', '--peers', 'PEERS', '--duration-s', '1', '--report', 'R'], /--id: expected an integer in 0\.\.0, found "3"/],
    [['--id', '0', '--peers', 'PEERS', '--report', 'R'], /--duration-s: expected a run length/],
    [['--id', '0', '--peers', 'PEERS', '--duration-s', 'soon', '--report', 'R'], /--duration-s: expected a number/],
    [['--id', '0', '--peers', 'missing.json', '--duration-s', '1', '--report', 'R'], /missing\.json: \(file\): expected a readable peers file/],
    [['--no-such-option'], /unknown option/],
    [['--id', '0', '--peers', 'PEERS', '--duration-s', '1', '--report', 'R'], /--key: expected a cluster key file \(hex, at least 32 bytes; or --insecure to run unauthenticated\), found nothing/],
    [['--id', '0', '--peers', 'PEERS', '--duration-s', '1', '--report', 'R', '--key', 'DIR/none.key'], /none\.key: \(file\): expected a cluster key file: at least 64 hex digits .*found ENOENT/],
    [['--id', '0', '--peers', 'PEERS', '--duration-s', '1', '--report', 'R', '--key', 'DIR/empty.key'], /empty\.key: \(key\): expected a cluster key file.*found an empty file/],
    [['--id', '0', '--peers', 'PEERS', '--duration-s', '1', '--report', 'R', '--key', 'DIR/short.key'], /short\.key: \(key\): expected a cluster key file.*found 31 bytes/],
    [['--id', '0', '--peers', 'PEERS', '--duration-s', '1', '--report', 'R', '--key', 'DIR/good.key', '--insecure'], /--insecure: expected either --key or --insecure, not both/],
  ])('exits 2 with a clear message for %j', (args, pattern) => {
    const result = run(args.map((a) => (a === 'PEERS' ? join(dir, 'peers.json') : a === 'R' ? join(dir, 'r.json') : a.replace(/^DIR/, dir))));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
