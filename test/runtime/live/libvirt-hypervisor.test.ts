import { afterEach, describe, expect, it } from 'vitest';
import type { MigrationOutcome, SnapshotOutcome } from '../../../src/runtime/hypervisor.js';
import { buildDomainXml } from '../../../src/runtime/live/libvirt-domain.js';
import { createLibvirtHypervisor, type LibvirtHypervisor, type LibvirtHypervisorOptions, type LibvirtMigrationOutcome } from '../../../src/runtime/live/libvirt-hypervisor.js';
import { processExists, VIRSH_AVAILABLE } from './fixtures/virsh-available.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const open: LibvirtHypervisor[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((hv) => hv.close()));
});

const loads = new Map<number, number>();
async function hypervisor(node: number, options: Partial<LibvirtHypervisorOptions> = {}): Promise<LibvirtHypervisor> {
  const hv = await createLibvirtHypervisor({ uri: 'test:///default', node, site: 2, country: 'FR', cores: 8, memoryMiB: 4096, pollMs: 0, injectedLoad: (vm) => loads.get(vm) ?? 0, ...options });
  open.push(hv);
  return hv;
}

/** Two hosts whose emulated migrations hand VMs to each other directly (an agent uses a message). */
async function pair(options: Partial<LibvirtHypervisorOptions> = {}): Promise<[LibvirtHypervisor, LibvirtHypervisor]> {
  const hosts: LibvirtHypervisor[] = [];
  const transferDomain: LibvirtHypervisorOptions['transferDomain'] = (to, spec) => hosts[to].receiveDomain(spec);
  hosts.push(await hypervisor(0, { transferDomain, ...options }), await hypervisor(1, { transferDomain, ...options }));
  return [hosts[0], hosts[1]];
}

async function virshState(hv: LibvirtHypervisor, vm: number): Promise<string> {
  const result = await hv.virshCommand(`domstate luc-vm-${vm}`);
  return result.ok ? result.stdout.trim() : result.error;
}

/** Calls `op` with a callback, checks the callback did not run inside the call, resolves with its argument. */
function later<T>(op: (done: (value: T) => void) => void): Promise<T> {
  let returned = false;
  const promise = new Promise<T>((resolve, reject) => {
    op((value) => (returned ? resolve(value) : reject(new Error('callback called inside the call'))));
  });
  returned = true;
  return promise;
}

describe.skipIf(!VIRSH_AVAILABLE)('LibvirtHypervisor (real virsh, test driver)', () => {
  it('refuses a test-driver host without an injected load: its domains run no code', async () => {
    await expect(createLibvirtHypervisor({ uri: 'test:///default', node: 0, site: 0, country: '' })).rejects.toThrow(/injectedLoad/);
  });

  it('takes its capacity from virsh nodeinfo unless given, and its site and country from the config', async () => {
    const hv = await hypervisor(3, { cores: undefined, memoryMiB: undefined });
    expect(hv.host()).toEqual({ node: 3, cores: 16, memoryMiB: 3072, site: 2, country: 'FR' });
    expect(hv.demandSource).toBe('injected');
    expect(hv.migrationMode).toBe('emulated');
    expect(hv.counters.get('libvirt.demand_source.injected')).toBe(1);
  });

  it('defines and starts VMs from specs; the queries read them (the test driver\'s own domain is ignored)', async () => {
    const hv = await hypervisor(0);
    loads.set(10, 50).set(11, 100);
    expect(await hv.deploy({ vm: 11, vcpus: 4, memoryMiB: 1024, ve: 2 })).toEqual({ ok: true, reason: '' });
    expect(await hv.deploy({ vm: 10, vcpus: 2, memoryMiB: 512, ve: -1 })).toEqual({ ok: true, reason: '' });
    expect(await hv.deploy({ vm: 10, vcpus: 2, memoryMiB: 512, ve: -1 })).toEqual({ ok: false, reason: 'busy' });
    expect(hv.vms()).toEqual([
      { vm: 10, vcpus: 2, memoryMiB: 512, cpuDemand: 1, state: 'running', ve: -1, migrating: false, incoming: false },
      { vm: 11, vcpus: 4, memoryMiB: 1024, cpuDemand: 4, state: 'running', ve: 2, migrating: false, incoming: false },
    ]);
    expect(hv.cpuDemand()).toBe(5);
    expect(hv.memoryUsedMiB()).toBe(1536);
    expect(hv.vmCount()).toBe(2);
    expect(await virshState(hv, 10)).toBe('running');
    await hv.refresh(); // a poll agrees with the mirror
    expect(hv.vms().map((v) => [v.vm, v.state])).toEqual([[10, 'running'], [11, 'running']]);
  });

  it('suspends, resumes, stops and starts: admissible against the mirror at once, done by virsh after', async () => {
    const hv = await hypervisor(0);
    loads.set(20, 50);
    await hv.deploy({ vm: 20, vcpus: 2, memoryMiB: 256, ve: -1 });
    expect(hv.suspend(20)).toBe(true);
    expect(hv.suspend(20)).toBe(false); // suspended already
    expect(hv.cpuDemand()).toBe(0);
    await hv.settled();
    expect(await virshState(hv, 20)).toBe('paused');
    expect(hv.start(20)).toBe(false);
    expect(hv.resume(20)).toBe(true);
    await hv.settled();
    expect(await virshState(hv, 20)).toBe('running');
    expect(hv.stop(20)).toBe(true);
    await hv.settled();
    expect(await virshState(hv, 20)).toBe('shut off');
    expect(hv.vms()[0].state).toBe('stopped');
    expect(hv.memoryUsedMiB()).toBe(256); // a stopped VM still holds its host's memory, as in the cloud model
    expect(hv.start(20)).toBe(true);
    await hv.settled();
    expect(await virshState(hv, 20)).toBe('running');
    expect(hv.start(999)).toBe(false);
    expect(hv.log().map((r) => `${r.op}:${r.ok}`)).toEqual(['define:true', 'suspend:true', 'resume:true', 'stop:true', 'start:true']);
    expect(hv.counters.get('libvirt.ops.suspend.ok')).toBe(1);
  });

  it('an operation virsh refuses is logged with its reason and the mirror re-reads libvirt', async () => {
    const hv = await hypervisor(0);
    await hv.deploy({ vm: 30, vcpus: 1, memoryMiB: 128, ve: -1 });
    await hv.virshCommand('destroy luc-vm-30');
    await hv.virshCommand('undefine luc-vm-30'); // gone behind the mirror's back
    expect(hv.suspend(30)).toBe(true); // the mirror still has it running
    await hv.settled();
    expect(hv.log().at(-1)).toMatchObject({ op: 'suspend', vm: 30, ok: false, reason: 'unknown-vm' });
    expect(hv.counters.get('libvirt.ops.failed.unknown-vm')).toBe(1);
    expect(hv.vmCount()).toBe(0);
  });

  it('polls: finds domains defined behind its back (VM and VE from the metadata), their state changes and removals', async () => {
    const hv = await hypervisor(0, { pollMs: 50 });
    const file = join(mkdtempSync(join(tmpdir(), 'libvirt-hv-test-')), 'd.xml');
    writeFileSync(file, buildDomainXml({ vm: 40, vcpus: 3, memoryMiB: 300, ve: 9 }, { type: 'test' }));
    await hv.virshCommand(`define ${file}`);
    await hv.virshCommand('start luc-vm-40');
    await hv.virshCommand('suspend luc-vm-40');
    // A poll may land between start and suspend (a loaded machine): wait for the one that sees it suspended.
    await vi_waitFor(() => hv.vms()[0]?.state === 'suspended');
    expect(hv.vms()).toEqual([{ vm: 40, vcpus: 3, memoryMiB: 300, cpuDemand: 0, state: 'suspended', ve: 9, migrating: false, incoming: false }]);
    await hv.virshCommand('resume luc-vm-40');
    await vi_waitFor(() => hv.vms()[0]?.state === 'running');
    await hv.virshCommand('destroy luc-vm-40');
    await hv.virshCommand('undefine luc-vm-40');
    await vi_waitFor(() => hv.vmCount() === 0);
    expect(hv.counters.get('libvirt.vms.discovered')).toBe(1);
    expect(hv.counters.get('libvirt.vms.vanished')).toBe(1);
    expect(hv.counters.get('libvirt.polls')).toBeGreaterThanOrEqual(3);
  });

  it('keeps the mirror true to libvirt while polls race with its own operations', async () => {
    const hv = await hypervisor(0, { pollMs: 1 });
    for (let vm = 0; vm < 4; vm++) await hv.deploy({ vm, vcpus: 1, memoryMiB: 64, ve: -1 });
    const ops = [(vm: number) => hv.suspend(vm), (vm: number) => hv.resume(vm), (vm: number) => hv.stop(vm), (vm: number) => hv.start(vm)];
    let accepted = 0;
    let x = 12345;
    const draw = (n: number): number => ((x = (x * 48271) % 2147483647), Math.floor(x / 65536) % n); // Park-Miller
    for (let i = 0; i < 200; i++) {
      if (ops[draw(4)](draw(4))) accepted++;
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 2)); // let polls interleave
    }
    await hv.settled();
    const mirror = hv.vms().map((v) => `${v.vm}:${v.state}`);
    await hv.refresh();
    expect(hv.vms().map((v) => `${v.vm}:${v.state}`)).toEqual(mirror);
    const states = await Promise.all([0, 1, 2, 3].map((vm) => virshState(hv, vm)));
    const named: Record<string, string> = { running: 'running', paused: 'suspended', 'shut off': 'stopped' };
    expect(states.map((st, vm) => `${vm}:${named[st]}`)).toEqual(mirror);
    expect(accepted).toBeGreaterThan(20);
    expect(hv.log().filter((r) => !r.ok)).toEqual([]);
    expect(hv.counters.get('libvirt.polls')).toBeGreaterThan(2);
  });

  it('snapshots with snapshot-create-as: measured, the VM left in its state, only the latest kept', async () => {
    const [hv] = await pair();
    await hv.deploy({ vm: 50, vcpus: 1, memoryMiB: 128, ve: -1 });
    await hv.deploy({ vm: 51, vcpus: 1, memoryMiB: 128, ve: -1 });
    const outcome = await later<SnapshotOutcome>((done) => hv.snapshot(50, done));
    expect(outcome).toMatchObject({ ok: true, reason: '', bytes: 0 }); // the test driver keeps metadata only
    expect(outcome.durationMs).toBeGreaterThan(0);
    expect(await virshState(hv, 50)).toBe('running');
    expect((await later<SnapshotOutcome>((done) => hv.snapshot(50, done))).ok).toBe(true);
    const listed = await hv.virshCommand('snapshot-list luc-vm-50 --name');
    expect(listed.stdout.trim()).toBe('luc-snap-2');
    hv.suspend(51);
    expect((await later<SnapshotOutcome>((done) => hv.snapshot(51, done))).ok).toBe(true);
    expect(await virshState(hv, 51)).toBe('paused');
    expect(hv.vms().map((v) => v.state)).toEqual(['running', 'suspended']);
    hv.stop(51);
    expect(await later<SnapshotOutcome>((done) => hv.snapshot(51, done))).toMatchObject({ ok: false, reason: 'not-running' });
    expect(await later<SnapshotOutcome>((done) => hv.snapshot(77, done))).toMatchObject({ ok: false, reason: 'not-here' });
    expect(hv.counters.get('libvirt.snapshots.done')).toBe(3);
    // A VM with snapshots still migrates (its snapshot metadata is undefined with it).
    expect(await later<MigrationOutcome>((cb) => hv.migrate(50, 1, cb))).toMatchObject({ ok: true });
    await hv.settled();
    expect(await virshState(hv, 50)).toBe("failed to get domain 'luc-vm-50'");
  });

  it('times an emulated migration as the modelled pre-copy: live rounds running, then the stop-and-copy paused', async () => {
    const [a, b] = await pair({ emulatedCopy: () => ({ liveMs: 1000, downtimeMs: 200, bytes: 12_345 }) });
    loads.set(61, 50);
    await a.deploy({ vm: 61, vcpus: 2, memoryMiB: 512, ve: -1 });
    let changes = 0;
    a.onChange(() => changes++);
    const done = later<MigrationOutcome>((cb) => a.migrate(61, 1, cb));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await virshState(a, 61)).toBe('running'); // the live rounds: not paused yet
    const outcome = (await done) as LibvirtMigrationOutcome;
    expect(outcome).toMatchObject({ ok: true, emulated: true, bytes: 12_345 });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(1190);
    expect(outcome.downtimeMs).toBeGreaterThanOrEqual(195);
    expect(outcome.downtimeMs).toBeLessThan(outcome.durationMs - 990);
    expect(b.vms().map((v) => v.vm)).toEqual([61]);
    expect(changes).toBeGreaterThanOrEqual(1); // the finished migration was told
  });

  it('lists a VM an emulated hand-over is defining here as incoming, with the injected demand, until it runs here', async () => {
    const hv = await hypervisor(1);
    loads.set(62, 50);
    const received = hv.receiveDomain({ vm: 62, vcpus: 2, memoryMiB: 256, ve: 3 });
    expect(hv.incomingVms()).toEqual([{ vm: 62, vcpus: 2, memoryMiB: 256, cpuDemand: 1, state: 'running', ve: 3, migrating: false, incoming: true }]);
    expect(await received).toEqual({ ok: true, reason: '' });
    expect(hv.incomingVms()).toEqual([]);
    expect(hv.vms().map((v) => [v.vm, v.incoming])).toEqual([[62, false]]);
  });

  it('migrates (EMULATED on the test driver): the VM leaves the source and runs on the target, onDone later', async () => {
    const [a, b] = await pair();
    loads.set(60, 40);
    await a.deploy({ vm: 60, vcpus: 2, memoryMiB: 512, ve: 4 });
    const moves: string[] = [];
    a.onVmMoved((m) => moves.push(`a ${m.arrived ? 'arrived' : 'departed'} ${m.vm} ve ${m.ve}`));
    b.onVmMoved((m) => moves.push(`b ${m.arrived ? 'arrived' : 'departed'} ${m.vm} ve ${m.ve}`));
    const done = later<MigrationOutcome>((cb) => a.migrate(60, 1, cb));
    // In flight: still here, flagged, its demand still counted on the source.
    expect(a.vms()).toEqual([{ vm: 60, vcpus: 2, memoryMiB: 512, cpuDemand: 0.8, state: 'running', ve: 4, migrating: true, incoming: false }]);
    expect(a.stop(60)).toBe(false);
    const outcome = (await done) as LibvirtMigrationOutcome;
    expect(outcome).toMatchObject({ ok: true, reason: '', emulated: true });
    expect(outcome.durationMs).toBeGreaterThan(0);
    expect(outcome.downtimeMs).toBeGreaterThan(0);
    expect(outcome.downtimeMs).toBeLessThanOrEqual(outcome.durationMs);
    expect(a.vmCount()).toBe(0);
    expect(b.vms()).toEqual([{ vm: 60, vcpus: 2, memoryMiB: 512, cpuDemand: 0.8, state: 'running', ve: 4, migrating: false, incoming: false }]);
    await a.settled();
    expect(await virshState(a, 60)).toBe("failed to get domain 'luc-vm-60'");
    expect(await virshState(b, 60)).toBe('running');
    expect(a.counters.get('libvirt.migrations.emulated')).toBe(1);
    expect(a.log().at(-1)).toMatchObject({ op: 'migrate', vm: 60, ok: true, emulated: true });
    expect(b.log().at(-1)).toMatchObject({ op: 'receive', vm: 60, ok: true, emulated: true });
    // Both ends were told (what a host's VE manager hears), the target once the VM ran there.
    expect(moves).toEqual(['b arrived 60 ve 4', 'a departed 60 ve 4']);
    // And back again.
    expect(await later<MigrationOutcome>((cb) => b.migrate(60, 0, cb))).toMatchObject({ ok: true });
    expect(a.vms().map((v) => v.vm)).toEqual([60]);
  });

  it('refuses migrations it cannot make, with the reasons protocols know', async () => {
    const [a] = await pair();
    await a.deploy({ vm: 70, vcpus: 1, memoryMiB: 128, ve: -1 });
    const refused = (vm: number, to: number): Promise<string> => later<MigrationOutcome>((cb) => a.migrate(vm, to, cb)).then((o) => o.reason);
    expect(await refused(-1, 1)).toBe('unknown-vm');
    expect(await refused(71, 1)).toBe('not-here');
    expect(await refused(70, 0)).toBe('bad-target');
    a.suspend(70);
    expect(await refused(70, 1)).toBe('not-running');
    a.resume(70);
    const noTransfer = await hypervisor(5);
    await noTransfer.deploy({ vm: 72, vcpus: 1, memoryMiB: 128, ve: -1 });
    expect(await later<MigrationOutcome>((cb) => noTransfer.migrate(72, 1, cb))).toMatchObject({ ok: false, reason: 'no-path' });
    expect(a.counters.get('libvirt.migrations.refused.not-running')).toBe(1);
  });

  it("migrates a gather's VMs together or refuses them together (EMULATED): a group needs a free outgoing slot for each", async () => {
    const [a, b] = await pair({ outgoingMigrationsMax: 2 });
    for (const vm of [90, 91, 92]) await a.deploy({ vm, vcpus: 1, memoryMiB: 128, ve: vm === 92 ? -1 : 9 });
    const together = (vms: readonly number[]): Promise<readonly MigrationOutcome[]> => later<readonly MigrationOutcome[]>((cb) => a.migrateTogether(vms, 1, cb));
    a.suspend(91);
    expect((await together([90, 91])).map((o) => o.reason)).toEqual(['not-running', 'not-running']);
    a.resume(91);
    const other = later<MigrationOutcome>((cb) => a.migrate(92, 1, cb)); // one slot of 2 taken
    expect((await together([90, 91])).map((o) => o.reason)).toEqual(['busy', 'busy']);
    expect((await other).ok).toBe(true);
    expect(a.vms().map((v) => [v.vm, v.migrating])).toEqual([
      [90, false],
      [91, false],
    ]);
    const both = await together([90, 91]);
    expect(both.map((o) => o.ok)).toEqual([true, true]);
    expect(a.vmCount()).toBe(0);
    expect(b.vms().map((v) => v.vm)).toEqual([90, 91, 92]);
    expect(a.counters.get('libvirt.migrations.refused.busy')).toBe(2);
  });

  it('fails a migration whose VM libvirt no longer has with unknown-vm', async () => {
    const [a, b] = await pair();
    await a.deploy({ vm: 75, vcpus: 1, memoryMiB: 128, ve: -1 });
    await a.virshCommand('destroy luc-vm-75');
    await a.virshCommand('undefine luc-vm-75');
    expect(await later<MigrationOutcome>((cb) => a.migrate(75, 1, cb))).toMatchObject({ ok: false, reason: 'unknown-vm', emulated: true });
    expect(b.vmCount()).toBe(0);
    expect(a.vmCount()).toBe(0); // re-read: gone
  });

  it('a target that is down or full refuses, and the VM runs on at the source', async () => {
    const [a, b] = await pair();
    await a.deploy({ vm: 80, vcpus: 1, memoryMiB: 128, ve: -1 });
    await b.close();
    expect(await later<MigrationOutcome>((cb) => a.migrate(80, 1, cb))).toMatchObject({ ok: false, reason: 'target-down' });
    expect(await virshState(a, 80)).toBe('running');
    expect(a.vms()[0]).toMatchObject({ state: 'running', migrating: false });

    const [c, small] = await pair({ memoryMiB: 1000 });
    await c.deploy({ vm: 81, vcpus: 1, memoryMiB: 600, ve: -1 });
    await small.deploy({ vm: 82, vcpus: 1, memoryMiB: 600, ve: -1 });
    expect(await later<MigrationOutcome>((cb) => c.migrate(81, 1, cb))).toMatchObject({ ok: false, reason: 'no-room' });
    expect(await virshState(c, 81)).toBe('running');

    // A transfer that throws, or never answers (timed out), is target-down too.
    const throwing = await hypervisor(7, {
      transferDomain: () => {
        throw new Error('no socket');
      },
    });
    await throwing.deploy({ vm: 84, vcpus: 1, memoryMiB: 128, ve: -1 });
    expect(await later<MigrationOutcome>((cb) => throwing.migrate(84, 1, cb))).toMatchObject({ ok: false, reason: 'target-down' });
    expect(await virshState(throwing, 84)).toBe('running');
    const stuck = await hypervisor(6, { transferDomain: () => new Promise(() => {}), migrationTimeoutMs: 200 });
    await stuck.deploy({ vm: 83, vcpus: 1, memoryMiB: 128, ve: -1 });
    expect(await later<MigrationOutcome>((cb) => stuck.migrate(83, 1, cb))).toMatchObject({ ok: false, reason: 'target-down' });
    expect(await virshState(stuck, 83)).toBe('running');
  });

  it('in libvirt mode runs virsh migrate: an unreachable target is target-down, a node without URI no-path', async () => {
    const hv = await hypervisor(0, { migrationMode: 'libvirt', targetUriOf: (to) => (to === 1 ? 'qemu+tcp://127.0.0.1:1/system' : undefined) });
    await hv.deploy({ vm: 90, vcpus: 1, memoryMiB: 128, ve: -1 });
    expect(await later<MigrationOutcome>((cb) => hv.migrate(90, 1, cb))).toMatchObject({ ok: false, reason: 'target-down', emulated: false });
    expect(await later<MigrationOutcome>((cb) => hv.migrate(90, 2, cb))).toMatchObject({ ok: false, reason: 'no-path' });
    expect(hv.vms()[0]).toMatchObject({ vm: 90, state: 'running', migrating: false });
  });

  it('detects a virsh that dies, reports it and refuses operations from then on', async () => {
    const warnings: string[] = [];
    const hv = await hypervisor(0, { warn: (line) => warnings.push(line) });
    await hv.deploy({ vm: 95, vcpus: 1, memoryMiB: 128, ve: -1 });
    process.kill(hv.virshPid as number, 'SIGKILL');
    await vi_waitFor(() => !hv.alive);
    expect(hv.deathCause).toBe('virsh killed by SIGKILL');
    expect(hv.counters.get('libvirt.virsh.died')).toBe(1);
    expect(warnings[0]).toMatch(/virsh \(test:\/\/\/default\) died: virsh killed by SIGKILL/);
    expect(hv.suspend(95)).toBe(false);
    expect(await later<MigrationOutcome>((cb) => hv.migrate(95, 1, cb))).toMatchObject({ ok: false, reason: 'hypervisor-down' });
    expect(await hv.deploy({ vm: 96, vcpus: 1, memoryMiB: 128, ve: -1 })).toEqual({ ok: false, reason: 'hypervisor-down' });
  });

  it('leaves no virsh process behind after close()', async () => {
    const [a, b] = await pair();
    await a.deploy({ vm: 99, vcpus: 1, memoryMiB: 128, ve: -1 });
    const pids = [a.virshPid as number, b.virshPid as number];
    expect(pids.every(processExists)).toBe(true);
    const moving = later<MigrationOutcome>((cb) => a.migrate(99, 1, cb));
    await Promise.all([a.close(), b.close()]);
    await moving;
    expect(pids.some(processExists)).toBe(false);
    await a.close(); // twice is fine
  });
});

async function vi_waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
