import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFileHeader, FileReceiver, type FileMeta, type FileRefusal, HEADER_BYTES, sendFile } from '../../../src/runtime/live/file-stream.js';

const KEY = createSecretKey(Buffer.alloc(32, 7));
const OTHER_KEY = createSecretKey(Buffer.alloc(32, 8));
const CONTENT = randomBytes(300_000); // several TCP segments
const DIGEST = createHash('sha256').update(CONTENT).digest();

describe('files between live agents over TCP', () => {
  let dir = '';
  let receiver: FileReceiver;
  const received: FileMeta[] = [];
  const refused: FileRefusal[] = [];
  let waiters: (() => void)[] = [];
  const settle = () => new Promise<void>((resolve) => waiters.push(resolve));
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'luc-files-'));
    receiver = new FileReceiver({
      key: KEY,
      bytesMax: 1_000_000,
      pathFor: (meta) => join(dir, `vm-${meta.vm}.save`),
      onFile: (meta) => (received.push(meta), wake()),
      onRefused: (reason) => (refused.push(reason), wake()),
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Write raw bytes to the receiver and close: what a broken or hostile sender does. */
  const raw = async (bytes: Buffer): Promise<void> => {
    const done = settle();
    const socket = connect(receiver.port(), '127.0.0.1', () => socket.end(bytes));
    socket.on('error', () => {});
    await done;
  };

  it('delivers a 300,000-byte file whole, acknowledged, named for its VM, with the sender and digest checked', async () => {
    const source = join(dir, 'source.save');
    writeFileSync(source, CONTENT);
    const done = settle();
    const error = await new Promise<Error | null>((resolve) => sendFile({ host: '127.0.0.1', port: receiver.port() }, KEY, 3, 41, source, resolve));
    await done;
    expect(error).toBeNull();
    expect(received.at(-1)).toMatchObject({ from: 3, vm: 41, bytes: 300_000 });
    expect(readFileSync(join(dir, 'vm-41.save')).equals(CONTENT)).toBe(true);
  });

  it('refuses a header MACed with another key, and the sender hears a refusal', async () => {
    const source = join(dir, 'other.save');
    writeFileSync(source, CONTENT.subarray(0, 1000));
    const before = refused.length;
    const error = await new Promise<Error | null>((resolve) => sendFile({ host: '127.0.0.1', port: receiver.port() }, OTHER_KEY, 3, 42, source, resolve));
    expect(error?.message).toContain('refused');
    expect(refused.slice(before)).toEqual(['bad-mac']);
    expect(existsSync(join(dir, 'vm-42.save'))).toBe(false);
  });

  it('refuses a file over its bound from the header alone: 1,000,001 bytes announced for 1,000,000', async () => {
    const header = encodeFileHeader({ from: 1, vm: 43, bytes: 1_000_001, digest: DIGEST }, KEY);
    await raw(header);
    expect(refused.at(-1)).toBe('too-large');
  });

  it('refuses a stream that ends early (100 of 300,000 bytes), and keeps no part of it', async () => {
    await raw(Buffer.concat([encodeFileHeader({ from: 1, vm: 44, bytes: CONTENT.length, digest: DIGEST }, KEY), CONTENT.subarray(0, 100)]));
    expect(refused.at(-1)).toBe('truncated');
    expect(existsSync(join(dir, 'vm-44.save'))).toBe(false);
    expect(existsSync(join(dir, 'vm-44.save.part'))).toBe(false);
  });

  it('refuses content whose sha256 differs from the MACed one (one byte flipped), and content past the length', async () => {
    const flipped = Buffer.from(CONTENT);
    flipped[1234] ^= 1;
    await raw(Buffer.concat([encodeFileHeader({ from: 1, vm: 45, bytes: CONTENT.length, digest: DIGEST }, KEY), flipped]));
    expect(refused.at(-1)).toBe('bad-digest');
    await raw(Buffer.concat([encodeFileHeader({ from: 1, vm: 46, bytes: 10, digest: DIGEST }, KEY), CONTENT.subarray(0, 11)]));
    expect(refused.at(-1)).toBe('too-long');
  });

  it('refuses what is not a header: wrong magic, or a connection closed within the header', async () => {
    const header = encodeFileHeader({ from: 1, vm: 47, bytes: 10, digest: DIGEST }, KEY);
    header[0] = 0x58;
    await raw(header);
    expect(refused.at(-1)).toBe('bad-header');
    await raw(encodeFileHeader({ from: 1, vm: 48, bytes: 10, digest: DIGEST }, KEY).subarray(0, HEADER_BYTES - 1));
    expect(refused.at(-1)).toBe('bad-header');
  });
});
