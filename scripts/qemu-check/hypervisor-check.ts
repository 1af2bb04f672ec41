/**
 * Second stage of scripts/qemu-check.sh: the same operations as its virsh-level steps, but
 * through the project's own `LibvirtHypervisor` (src/runtime/live/libvirt-hypervisor.ts) on
 * two real libvirtd hosts, with its REAL migration path (`virsh migrate --live` to the
 * target's URI, then `domjobinfo --completed`), not the emulated one.
 *
 * Run by qemu-check.sh (inside host A's network namespace, with the QEMU_CHECK_* variables it
 * exports) as: QEMU_CHECK_HYPERVISOR='npx tsx scripts/qemu-check/hypervisor-check.ts'. Not
 * useful on its own: it needs the two libvirtd that the script starts.
 *
 * Steps: deploy VM 1 (a tiny busybox guest booted from the kernel and initramfs the script
 * built) on A and wait for its heartbeat on the serial pty; suspend (heartbeats stop), resume
 * (they come back); snapshot (whatever the class does: its SnapshotOutcome; the VM must be
 * running after it, and still counting); migrate to
 * node 1 (B), whose hypervisor must find the VM running and whose pty must show the guest
 * counting on; migrate back to A. Prints each outcome and a final `HYPERVISOR_CHECK {json}`.
 */
import { openSync, closeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { performance } from 'node:perf_hooks';
import { createLibvirtHypervisor, type LibvirtHypervisor } from '../../src/runtime/live/libvirt-hypervisor.js';
import type { MigrationOutcome, SnapshotOutcome } from '../../src/runtime/hypervisor.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set: run this through scripts/qemu-check.sh`);
  return value;
};
const URI_A = env('QEMU_CHECK_URI_A');
const URI_B = env('QEMU_CHECK_URI_B');
const WORK = env('QEMU_CHECK_WORK');
const VM = 1;
const DOM = `luc-vm-${VM}`;
const OVERALL_TIMEOUT_MS = 480_000;

const say = (line: string): void => console.log(`[hypervisor-check ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (t0: number): number => Math.round(performance.now() - t0);

class CheckFailed extends Error {}
function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new CheckFailed(what);
}

/**
 * Heartbeats from the guest's serial console, a pty that libvirt gives QEMU (`virsh
 * ttyconsole`). QEMU drops console output while no one has the pty open, so a reader sees the
 * heartbeats printed after it opened it. Raw mode: no echo back into the guest.
 */
class PtyReader {
  private text = '';
  private readonly stream: ReadStream;
  private constructor(readonly path: string, private readonly fd: number) {
    this.stream = new ReadStream(fd);
    this.stream.setRawMode(true);
    this.stream.on('data', (chunk: Buffer) => (this.text += chunk.toString('latin1')));
    this.stream.on('error', () => undefined); // EIO once QEMU closes its end (migration, save)
  }
  static async open(hyp: LibvirtHypervisor): Promise<PtyReader> {
    const tty = await hyp.virshCommand(`ttyconsole ${DOM}`);
    const path = tty.stdout.trim();
    check(tty.ok && path.startsWith('/dev/pts/'), `virsh ttyconsole ${DOM}: ${tty.error || tty.stdout}`);
    return new PtyReader(path, openSync(path, 'r'));
  }
  heartbeats(): number[] {
    return [...this.text.matchAll(/heartbeat (\d+)/g)].map((m) => Number(m[1]));
  }
  last(): number | null {
    const all = this.heartbeats();
    return all.length === 0 ? null : all[all.length - 1];
  }
  /** The number of the first heartbeat above `after` (any, if null), within `timeoutMs`. */
  async next(after: number | null, timeoutMs: number): Promise<number> {
    const t0 = performance.now();
    while (performance.now() - t0 < timeoutMs) {
      const seen = this.heartbeats().find((n) => after === null || n > after);
      if (seen !== undefined) return seen;
      await sleep(100);
    }
    throw new CheckFailed(`no heartbeat${after === null ? '' : ` after ${after}`} on ${this.path} within ${timeoutMs} ms`);
  }
  close(): void {
    this.stream.destroy();
    try {
      closeSync(this.fd);
    } catch {
      /* already closed by the stream */
    }
  }
}

async function domstate(hyp: LibvirtHypervisor): Promise<string> {
  const result = await hyp.virshCommand(`domstate ${DOM}`);
  return result.ok ? result.stdout.trim().split('\n')[0].trim() : `(error: ${result.error})`;
}

const migrateOnce = (hyp: LibvirtHypervisor, to: number): Promise<MigrationOutcome> => new Promise((resolve) => hyp.migrate(VM, to, resolve));
const snapshotOnce = (hyp: LibvirtHypervisor): Promise<SnapshotOutcome> => new Promise((resolve) => hyp.snapshot(VM, resolve));

async function main(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  const warn = (line: string): void => say(`warning from the hypervisor: ${line}`);
  const domain = { type: 'qemu' as const, kernel: `${WORK}/guest/vmlinuz`, initrd: `${WORK}/guest/initrd.gz`, cmdline: 'console=ttyS0 panic=-1 quiet' };
  const common = { site: 0, country: '', domain, pollMs: 500, migrationTimeoutMs: 180_000, commandTimeoutMs: 120_000, warn };
  const uriOf = (to: number): string | undefined => (to === 0 ? URI_A : to === 1 ? URI_B : undefined);
  let t0 = performance.now();
  const a = await createLibvirtHypervisor({ ...common, uri: URI_A, node: 0, targetUriOf: uriOf, snapshotDir: `${WORK}/guest` });
  const b = await createLibvirtHypervisor({ ...common, uri: URI_B, node: 1, targetUriOf: uriOf, snapshotDir: `${WORK}/guest` });
  say(`two LibvirtHypervisor up in ${ms(t0)} ms: A ${URI_A} (${a.host().cores} cores, ${a.host().memoryMiB} MiB, migration ${a.migrationMode}), B ${URI_B} (migration ${b.migrationMode})`);
  check(a.migrationMode === 'libvirt' && b.migrationMode === 'libvirt', 'migration mode is not the real one');
  const readers: PtyReader[] = [];
  try {
    // Deploy and boot.
    t0 = performance.now();
    const deployed = await a.deploy({ vm: VM, vcpus: 1, memoryMiB: 128, ve: -1 });
    check(deployed.ok, `deploy on A: ${deployed.reason}`);
    const deployMs = ms(t0);
    let pty = await PtyReader.open(a);
    readers.push(pty);
    let hb = await pty.next(null, 120_000);
    result.bootMs = ms(t0);
    say(`deploy (define + start): ${deployMs} ms; first heartbeat (${hb}) on ${pty.path} after ${result.bootMs} ms`);
    check(a.vms().some((v) => v.vm === VM && v.state === 'running'), 'A does not list VM 1 as running');

    // Suspend and resume (the class answers at once, virsh runs behind: time to settled()).
    hb = await pty.next(hb, 20_000);
    t0 = performance.now();
    check(a.suspend(VM), 'suspend refused');
    await a.settled();
    result.suspendMs = ms(t0);
    check((await domstate(a)) === 'paused', `state after suspend: ${await domstate(a)}`);
    const frozen = pty.last();
    await sleep(3000);
    check(pty.last() === frozen, `heartbeats went on while suspended (${frozen} -> ${pty.last()})`);
    t0 = performance.now();
    check(a.resume(VM), 'resume refused');
    await a.settled();
    result.resumeMs = ms(t0);
    check((await domstate(a)) === 'running', `state after resume: ${await domstate(a)}`);
    hb = await pty.next(frozen, 20_000);
    say(`suspend ${result.suspendMs} ms (no heartbeat for 3 s, stuck at ${frozen}); resume ${result.resumeMs} ms (heartbeat ${hb})`);

    // Snapshot: however the class takes it (save + restore starts a new QEMU with a new pty, a
    // live snapshot keeps the old one), the VM must run on and count on afterwards.
    const snapshot = await snapshotOnce(a);
    result.snapshot = snapshot;
    say(`snapshot outcome: ${JSON.stringify(snapshot)}`);
    check(snapshot.ok, `snapshot failed: ${snapshot.reason}`);
    check((await domstate(a)) === 'running', `state after snapshot: ${await domstate(a)}`);
    pty.close();
    pty = await PtyReader.open(a);
    readers.push(pty);
    hb = await pty.next(hb - 1, 20_000);
    say(`after the snapshot the guest counts on: heartbeat ${hb} on ${pty.path}`);

    // Real live migration A -> B.
    hb = await pty.next(hb, 20_000);
    const before = pty.last() as number;
    t0 = performance.now();
    const there = await migrateOnce(a, 1);
    const wallMs = ms(t0);
    result.migrationAtoB = { ...there, wallMs };
    say(`migration A -> B outcome: ${JSON.stringify(there)} (wall ${wallMs} ms)`);
    check(there.ok, `migration A -> B failed: ${there.reason}`);
    check(!a.vms().some((v) => v.vm === VM), 'A still lists VM 1 after migrating it away');
    check((await domstate(b)) === 'running', `state on B: ${await domstate(b)}`);
    await b.refresh();
    check(b.vms().some((v) => v.vm === VM && v.state === 'running'), `B's hypervisor did not discover VM 1 running: ${JSON.stringify(b.vms())}`);
    const lastOnA = pty.last() as number;
    pty.close();
    const ptyB = await PtyReader.open(b);
    readers.push(ptyB);
    const onB = await ptyB.next(lastOnA, 20_000);
    check(onB <= lastOnA + 10, `B's heartbeat ${onB} does not follow A's ${lastOnA}`);
    result.heartbeats = { beforeMigration: before, lastOnA, firstSeenOnB: onB };
    say(`B lists VM 1 running; heartbeats: last read on A ${lastOnA}, then ${onB} on B's ${ptyB.path}`);

    // And back B -> A (a second figure; also checks the target side of the class).
    t0 = performance.now();
    const back = await migrateOnce(b, 0);
    result.migrationBtoA = { ...back, wallMs: ms(t0) };
    say(`migration B -> A outcome: ${JSON.stringify(back)} (wall ${ms(t0)} ms)`);
    check(back.ok, `migration B -> A failed: ${back.reason}`);
    await a.refresh();
    check(a.vms().some((v) => v.vm === VM && v.state === 'running'), 'A did not rediscover VM 1 after the migration back');
    const ptyA = await PtyReader.open(a);
    readers.push(ptyA);
    const backOnA = await ptyA.next(ptyB.last(), 20_000);
    say(`back on A, heartbeat ${backOnA}`);

    check(a.stop(VM), 'stop refused');
    await a.settled();
    result.log = { a: a.log(), b: b.log() };
    return result;
  } finally {
    for (const reader of readers) reader.close();
    await Promise.all([a.close(2000), b.close(2000)]);
  }
}

const guard = setTimeout(() => {
  say(`FAILED: not done within ${OVERALL_TIMEOUT_MS} ms`);
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
guard.unref();
main().then(
  (result) => {
    const { log: _log, ...figures } = result;
    console.log(`HYPERVISOR_CHECK ${JSON.stringify(figures)}`);
    say('all hypervisor-class steps passed');
    process.exit(0);
  },
  (error: unknown) => {
    say(`FAILED: ${error instanceof CheckFailed ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
