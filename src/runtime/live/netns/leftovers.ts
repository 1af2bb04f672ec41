/**
 * A testbed's objects found by name prefix, and the leftovers of runs whose process is gone
 * (killed by -9, a power cut): `luc testbed down` removes them. Each run records its owner's pid
 * in OWNERS_DIR/<prefix>; a run whose owner still lives is left alone, so a `down` never tears
 * down a parallel run, unless asked for by its exact prefix.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runIpBatch, runTool } from './ip-command.js';
import { TESTBED_PREFIX } from './names.js';

export const OWNERS_DIR = '/run/luc-testbed';

export interface TestbedObjects {
  readonly namespaces: readonly string[];
  /** Veths and bridges in the root namespace. */
  readonly links: readonly string[];
}

/** Namespaces and root-namespace links whose name starts with `prefix`. */
export function listTestbedObjects(prefix: string): TestbedObjects {
  const namespaces = runTool('ip', ['netns', 'list'])
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith(prefix));
  const links = runTool('ip', ['-o', 'link', 'show'])
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '')
    .filter((name) => name.startsWith(prefix));
  return { namespaces, links };
}

/** The run prefix of an object's name (`luctb3fa2-h12`, `luctb3fa2v12`: `luctb3fa2`). */
export function runPrefixOf(name: string): string {
  return name.slice(0, TESTBED_PREFIX.length + 4);
}

function ownerAlive(prefix: string): boolean {
  const file = join(OWNERS_DIR, prefix);
  if (!existsSync(file)) return false;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the objects of every run under `prefix` (default: all testbed runs) whose owner is gone;
 * with `force`, those of live runs too. Returns the runs removed and those left alone.
 */
export function removeLeftovers(prefix: string = TESTBED_PREFIX, force = false): { removed: string[]; alive: string[]; objects: number } {
  const found = listTestbedObjects(prefix);
  // Runs with objects, and runs whose owner file outlived them (a removal that failed halfway).
  const recorded = existsSync(OWNERS_DIR) ? readdirSync(OWNERS_DIR).filter((name) => name.startsWith(prefix)) : [];
  const runs = [...new Set([...found.namespaces, ...found.links].map(runPrefixOf).concat(recorded))].sort();
  const alive = force ? [] : runs.filter(ownerAlive);
  const doomed = (name: string): boolean => !alive.includes(runPrefixOf(name));
  const namespaces = found.namespaces.filter(doomed);
  const links = found.links.filter(doomed);
  // Agents of a killed run still live in its namespaces, and keep them (and their veths) alive past `netns del`.
  for (const ns of namespaces) killProcessesIn(ns);
  runIpBatch([...namespaces.map((ns) => `netns del ${ns}`), ...links.map((link) => `link del ${link}`)], { force: true });
  const removed = runs.filter((run) => !alive.includes(run));
  for (const run of removed) rmSync(join(OWNERS_DIR, run), { force: true });
  return { removed, alive, objects: namespaces.length + links.length };
}

/** SIGKILL every process of namespace `ns` (`ip netns pids`); one already gone is no error. */
export function killProcessesIn(ns: string): number {
  const pids = runTool('ip', ['netns', 'pids', ns], undefined, true)
    .split('\n')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0 && pid !== process.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  return pids.length;
}
