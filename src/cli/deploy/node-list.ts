/**
 * The machines of a deployment, from a nodes file: one machine per line (`host` or `user@host`),
 * blank lines and `#` comments skipped, duplicates dropped keeping the first (OAR's
 * `$OAR_NODEFILE` has one line per core, so each machine appears once per core; `user@host` and
 * `host` are one machine). Pure.
 */
import { LiveConfigError } from '../../runtime/live/live-errors.js';

/** A host name, an IPv4 or a bracket-less IPv6 address, optionally after `user@`. */
const MACHINE = /^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9][A-Za-z0-9.:-]*$/;
/** Machines a deployment may use. */
export const MACHINES_MAX = 1_000;

export function parseNodeList(text: string, source: string): string[] {
  const machines: string[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    if (!MACHINE.test(line)) throw new LiveConfigError(source, `line ${index + 1}`, 'a machine: host or user@host (letters, digits, ".", "-", ":")', JSON.stringify(raw));
    const host = line.slice(line.indexOf('@') + 1).toLowerCase();
    if (seen.has(host)) return;
    seen.add(host);
    machines.push(line);
  });
  if (machines.length === 0) throw new LiveConfigError(source, '(file)', 'one machine per line (host or user@host)', 'no machine');
  if (machines.length > MACHINES_MAX) throw new LiveConfigError(source, '(file)', `at most ${MACHINES_MAX} machines`, String(machines.length));
  return machines;
}
