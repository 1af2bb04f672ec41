/**
 * The cluster key: every agent of a deployment holds the same secret, and MACs every datagram
 * with it (`wire-codec.ts`). The key file holds it as hex, at least 64 digits (32 bytes, the
 * size of an HMAC-SHA256 output), whitespace around ignored: `openssl rand -hex 32 > cluster.key`.
 */
import { randomBytes, createSecretKey, type KeyObject } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { LiveConfigError } from './live-errors.js';

export const CLUSTER_KEY_BYTES_MIN = 32;
const EXPECTED = `a cluster key file: at least ${2 * CLUSTER_KEY_BYTES_MIN} hex digits (${CLUSTER_KEY_BYTES_MIN} bytes), e.g. from 'openssl rand -hex 32'`;

export function parseClusterKey(text: string, source: string): KeyObject {
  const hex = text.trim();
  if (hex.length === 0) throw new LiveConfigError(source, '(key)', EXPECTED, 'an empty file');
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length % 2 !== 0) throw new LiveConfigError(source, '(key)', EXPECTED, 'other characters than an even number of hex digits');
  if (hex.length < 2 * CLUSTER_KEY_BYTES_MIN) throw new LiveConfigError(source, '(key)', EXPECTED, `${hex.length / 2} bytes`);
  return createSecretKey(Buffer.from(hex, 'hex'));
}

export function readClusterKey(file: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LiveConfigError(file, '(file)', EXPECTED, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  return parseClusterKey(text, file);
}

/** A fresh random key, written readable by its owner only (mode 0600). */
export function writeClusterKey(file: string): void {
  writeFileSync(file, `${randomBytes(CLUSTER_KEY_BYTES_MIN).toString('hex')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // the mode above applies only to a file created here
}
