/**
 * Files between live agents over TCP (snapshot files: GBs for a real QEMU VM, far past a
 * datagram's 64 fragments). One connection carries one file: a fixed header, then the content.
 *
 * Header (HEADER_BYTES): magic 'LUCF', version, the sender's node id, the VM id, the content's
 * length (u64) and sha256, then an HMAC-SHA256 with the cluster key over all of it, as datagrams
 * are MACed (`wire-codec.ts`). The receiver refuses, and closes the connection without keeping a
 * byte of it, a header that is not one ('bad-header'), a MAC that does not verify ('bad-mac'), a
 * length over its bound ('too-large'), a stream that ends early ('truncated') or goes on past the
 * length ('too-long'), and content whose sha256 differs ('bad-digest'). Content is written to a
 * temporary file beside the target and renamed only once it checked.
 */
import { createHash, createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';

const MAGIC = Buffer.from('LUCF', 'ascii');
const VERSION = 1;
/** magic 4, version 1, from 4, vm 4, length 8, sha256 32, mac 32. */
export const HEADER_BYTES = 4 + 1 + 4 + 4 + 8 + 32 + 32;
const MACED_BYTES = HEADER_BYTES - 32;
/** The receiver's acknowledgement, once the file checked and is in place. */
const ACK = 0x4b;

export interface FileMeta {
  readonly from: number;
  readonly vm: number;
  readonly bytes: number;
  /** sha256 of the content, 32 bytes. */
  readonly digest: Buffer;
}

export type FileRefusal = 'bad-header' | 'bad-mac' | 'too-large' | 'truncated' | 'too-long' | 'bad-digest' | 'io-error';

export function encodeFileHeader(meta: FileMeta, key: KeyObject): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt8(VERSION, 4);
  header.writeUInt32BE(meta.from, 5);
  header.writeUInt32BE(meta.vm, 9);
  header.writeBigUInt64BE(BigInt(meta.bytes), 13);
  meta.digest.copy(header, 21);
  createHmac('sha256', key).update(header.subarray(0, MACED_BYTES)).digest().copy(header, MACED_BYTES);
  return header;
}

/** The header's fields, or why it is refused. */
export function decodeFileHeader(header: Buffer, key: KeyObject, bytesMax: number): FileMeta | FileRefusal {
  if (header.length !== HEADER_BYTES || !header.subarray(0, 4).equals(MAGIC) || header.readUInt8(4) !== VERSION) return 'bad-header';
  const mac = createHmac('sha256', key).update(header.subarray(0, MACED_BYTES)).digest();
  if (!timingSafeEqual(mac, header.subarray(MACED_BYTES))) return 'bad-mac';
  const length = header.readBigUInt64BE(13);
  if (length > BigInt(bytesMax)) return 'too-large';
  return { from: header.readUInt32BE(5), vm: header.readUInt32BE(9), bytes: Number(length), digest: Buffer.from(header.subarray(21, 53)) };
}

/** sha256 of a file, streamed. */
export function fileDigest(path: string, onDone: (error: Error | null, digest: Buffer) => void): void {
  const hash = createHash('sha256');
  createReadStream(path)
    .on('data', (chunk) => hash.update(chunk))
    .on('error', (error) => onDone(error, Buffer.alloc(0)))
    .on('end', () => onDone(null, hash.digest()));
}

/** Send `path` to the receiver at host:port as VM `vm`'s file from node `from`; `onDone(null)` once the receiver acknowledged it (a byte 'K' after its checks), an error otherwise. */
export function sendFile(target: { host: string; port: number }, key: KeyObject, from: number, vm: number, path: string, onDone: (error: Error | null) => void): void {
  fileDigest(path, (error, digest) => {
    if (error !== null) return onDone(error);
    const bytes = statSync(path).size;
    const socket = connect(target.port, target.host);
    let done = false;
    const finish = (e: Error | null): void => {
      if (done) return;
      done = true;
      onDone(e);
    };
    let acked = false;
    socket.on('error', finish);
    socket.on('data', (chunk: Buffer) => {
      acked ||= chunk.includes(ACK);
    });
    socket.on('connect', () => {
      socket.write(encodeFileHeader({ from, vm, bytes, digest }, key));
      createReadStream(path).on('error', (e) => (socket.destroy(), finish(e))).pipe(socket);
    });
    socket.on('close', () => finish(acked ? null : new Error(`file of VM ${vm} refused or cut by ${target.host}:${target.port}`)));
  });
}

export interface FileReceiverOptions {
  readonly key: KeyObject;
  readonly bytesMax: number;
  /** Where VM `meta.vm`'s file from `meta.from` goes (its temporary file is `<path>.part`). */
  readonly pathFor: (meta: FileMeta) => string;
  readonly onFile: (meta: FileMeta, path: string) => void;
  readonly onRefused: (reason: FileRefusal, remote: string) => void;
}

/** A TCP server taking files (one per connection), checked as the file's comment says. */
export class FileReceiver {
  private readonly server: Server;

  constructor(private readonly options: FileReceiverOptions) {
    this.server = createServer({ allowHalfOpen: true }, (socket) => this.receive(socket)); // the sender's end of content still lets the ack through
  }

  listen(port: number, host: string, onListening: () => void): void {
    this.server.listen(port, host, onListening);
  }

  port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : -1;
  }

  close(onClosed?: () => void): void {
    this.server.close(() => onClosed?.());
  }

  private receive(socket: Socket): void {
    const { key, bytesMax, pathFor, onFile, onRefused } = this.options;
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    let header = Buffer.alloc(0);
    let meta: FileMeta | null = null;
    let received = 0;
    let hash = createHash('sha256');
    let part = '';
    let out: ReturnType<typeof createWriteStream> | null = null;
    let ended = false;
    const refuse = (reason: FileRefusal): void => {
      if (ended) return;
      ended = true;
      socket.destroy();
      out?.destroy();
      if (part !== '') rmSync(part, { force: true });
      onRefused(reason, remote);
    };
    const take = (chunk: Buffer): void => {
      if (meta === null || out === null) return;
      if (received + chunk.length > meta.bytes) return refuse('too-long');
      received += chunk.length;
      hash.update(chunk);
      out.write(chunk);
    };
    socket.on('data', (chunk: Buffer) => {
      if (ended) return;
      if (meta === null) {
        header = Buffer.concat([header, chunk]);
        if (header.length < HEADER_BYTES) return;
        const decoded = decodeFileHeader(header.subarray(0, HEADER_BYTES), key, bytesMax);
        if (typeof decoded === 'string') return refuse(decoded);
        meta = decoded;
        hash = createHash('sha256');
        part = `${pathFor(meta)}.part`;
        out = createWriteStream(part);
        out.on('error', () => refuse('io-error'));
        take(header.subarray(HEADER_BYTES));
        return;
      }
      take(chunk);
    });
    socket.on('error', () => refuse('truncated'));
    socket.on('end', () => {
      if (ended) return;
      if (meta === null) return refuse(header.length === 0 ? 'truncated' : 'bad-header');
      if (received < meta.bytes) return refuse('truncated');
      if (!hash.digest().equals(meta.digest)) return refuse('bad-digest');
      const m = meta;
      ended = true;
      out?.end(() => {
        const path = pathFor(m);
        renameSync(part, path);
        socket.end(Buffer.from([ACK]));
        onFile(m, path);
      });
    });
  }
}
