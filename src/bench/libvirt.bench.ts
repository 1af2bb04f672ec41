/**
 * What virsh costs: the wall time of each operation on libvirt's test driver (no daemon, no
 * guest code, so this is virsh's own command round trip through the interactive shell), and of
 * an emulated migration between two hypervisors of this process. Needs `virsh` on PATH.
 *   node dist/bench/libvirt.bench.js [rounds=50] [uri=test:///default]
 * Prints the median and 90th percentile per operation, in ms, and how often `save` hung.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDomainXml } from '../runtime/live/libvirt-domain.js';
import { createLibvirtHypervisor, type LibvirtHypervisor, type LibvirtMigrationOutcome } from '../runtime/live/libvirt-hypervisor.js';
import { VirshSession } from '../runtime/live/virsh-session.js';

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(rounds: number, uri: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'luc-libvirt-bench-'));
  const session = await VirshSession.open({ uri, commandTimeoutMs: 5000 });
  const times = new Map<string, number[]>();
  const timed = async (op: string, command: string): Promise<void> => {
    const result = await session.run(command);
    if (!result.ok) throw new Error(`${command}: ${result.error}`);
    (times.get(op) ?? times.set(op, []).get(op) ?? []).push(result.ms);
  };
  for (let i = 0; i < rounds; i++) {
    const file = join(dir, `d${i}.xml`);
    writeFileSync(file, buildDomainXml({ vm: i, vcpus: 1, memoryMiB: 128, ve: -1 }, { type: 'test' }));
    await timed('define', `define ${file}`);
    await timed('start', `start luc-vm-${i}`);
    await timed('suspend', `suspend luc-vm-${i}`);
    await timed('resume', `resume luc-vm-${i}`);
    await timed('list --all', 'list --all');
    await timed('snapshot-create-as', `snapshot-create-as luc-vm-${i} s1 --memspec file=${join(dir, 'm.mem')} --live`);
    await timed('destroy', `destroy luc-vm-${i}`);
    await timed('undefine', `undefine luc-vm-${i} --snapshots-metadata`);
  }
  await session.close();

  // `save`, each in a fresh session: on virsh 9.0 it sometimes never returns (why snapshots do not use it).
  let hung = 0;
  for (let i = 0; i < rounds; i++) {
    const own = await VirshSession.open({ uri, commandTimeoutMs: 2000 });
    const file = join(dir, `s${i}.xml`);
    writeFileSync(file, buildDomainXml({ vm: i, vcpus: 1, memoryMiB: 128, ve: -1 }, { type: 'test' }));
    await own.run(`define ${file}`);
    await own.run(`start luc-vm-${i}`);
    try {
      const result = await own.run(`save luc-vm-${i} ${join(dir, 's.save')}`);
      (times.get('save') ?? times.set('save', []).get('save') ?? []).push(result.ms);
      const restored = await own.run(`restore ${join(dir, 's.save')}`);
      (times.get('restore') ?? times.set('restore', []).get('restore') ?? []).push(restored.ms);
    } catch {
      hung++;
    }
    await own.close();
  }

  // Emulated migrations back and forth between two hypervisors wired directly.
  const hosts: LibvirtHypervisor[] = [];
  const options = { uri, site: 0, country: '', cores: 8, memoryMiB: 8192, pollMs: 0, injectedLoad: () => 50, transferDomain: (to: number, spec: Parameters<LibvirtHypervisor['receiveDomain']>[0]) => hosts[to].receiveDomain(spec) };
  hosts.push(await createLibvirtHypervisor({ ...options, node: 0 }), await createLibvirtHypervisor({ ...options, node: 1 }));
  await hosts[0].deploy({ vm: 1, vcpus: 1, memoryMiB: 128, ve: -1 });
  const durations: number[] = [];
  const downtimes: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const from = i % 2;
    const outcome = await new Promise<LibvirtMigrationOutcome>((resolve) => hosts[from].migrate(1, 1 - from, (o) => resolve(o as LibvirtMigrationOutcome)));
    if (!outcome.ok) throw new Error(`emulated migration failed: ${outcome.reason}`);
    durations.push(outcome.durationMs);
    downtimes.push(outcome.downtimeMs);
  }
  times.set('migration (emulated)', durations);
  times.set('  its downtime', downtimes);
  await Promise.all(hosts.map((h) => h.close()));
  rmSync(dir, { recursive: true, force: true });

  console.log(`virsh on ${uri}, ${rounds} rounds: median / p90, ms (save hung ${hung} times in ${rounds}, killed after 2 s)`);
  for (const [op, list] of times) {
    const sorted = [...list].sort((a, b) => a - b);
    console.log(`${op.padEnd(22)} ${quantile(sorted, 0.5).toFixed(2).padStart(7)} ${quantile(sorted, 0.9).toFixed(2).padStart(7)}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? 50);
  await main(rounds, process.argv[3] ?? 'test:///default');
}
