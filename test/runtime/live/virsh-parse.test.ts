import { describe, expect, it } from 'vitest';
import { buildDomainXml, domainName, parseDomainXml, vmIdOfDomain } from '../../../src/runtime/live/libvirt-domain.js';
import { parseCpuTimes, parseDomainList, parseJobInfo, parseNodeInfo, reasonOfVirshError } from '../../../src/runtime/live/virsh-parse.js';

describe('virsh output parsing', () => {
  it('reads list --all rows, states with spaces included, mapped to the interface\'s states', () => {
    const text = ' Id   Name       State\n---------------------------\n 1    test       running\n 4    luc-vm-2   paused\n -    luc-vm-1   shut off\n\n';
    expect(parseDomainList(text)).toEqual([
      { name: 'test', state: 'running', virshState: 'running' },
      { name: 'luc-vm-2', state: 'suspended', virshState: 'paused' },
      { name: 'luc-vm-1', state: 'stopped', virshState: 'shut off' },
    ]);
  });

  it('reads nodeinfo (the test driver\'s figures)', () => {
    const text = 'CPU model:           i686\nCPU(s):              16\nCPU frequency:       1400 MHz\nMemory size:         3145728 KiB\n';
    expect(parseNodeInfo(text)).toEqual({ cpus: 16, memoryMiB: 3072 });
    expect(() => parseNodeInfo('nonsense')).toThrow(/nodeinfo/);
  });

  it('reads cpu.time per domain from domstats --cpu-total', () => {
    const text = "Domain: 'luc-vm-1'\n  cpu.time=2500000000\n  cpu.user=10\n\nDomain: 'luc-vm-2'\n  cpu.time=7\n";
    expect([...parseCpuTimes(text)]).toEqual([['luc-vm-1', 2_500_000_000], ['luc-vm-2', 7]]);
  });

  it('reads a completed migration job (domjobinfo --completed, qemu)', () => {
    const text = [
      'Job type:         Completed',
      'Operation:        Outgoing migration',
      'Time elapsed:     2034         ms',
      'Data processed:   131.250 MiB',
      'Data remaining:   0.000 B',
      'Memory processed: 131.000 MiB',
      'Total downtime:   27           ms',
      'Downtime w/o network: 21     ms',
    ].join('\n');
    expect(parseJobInfo(text)).toEqual({ elapsedMs: 2034, downtimeMs: 27, bytes: Math.round(131.25 * 1024 * 1024) });
    expect(parseJobInfo('Job type:         None')).toEqual({ elapsedMs: null, downtimeMs: null, bytes: null });
  });

  it('maps libvirt\'s error messages to the outcome reasons protocols know', () => {
    expect(reasonOfVirshError("failed to get domain 'luc-vm-9'")).toBe('unknown-vm');
    expect(reasonOfVirshError("unable to connect to server at '127.0.0.1:1': Connection refused")).toBe('target-down');
    expect(reasonOfVirshError('Timed out during operation: cannot acquire state change lock')).toBe('busy');
    expect(reasonOfVirshError("Failed to suspend domain 'x'\ninternal error: domain 'x' not running")).toBe('not-running');
    expect(reasonOfVirshError('Requested operation is not valid: domain is already running')).toBe('bad-state');
    expect(reasonOfVirshError('this function is not supported by the connection driver: virDomainMigrate3')).toBe('unsupported');
    expect(reasonOfVirshError('internal error: cannot allocate memory for guest')).toBe('no-room');
    expect(reasonOfVirshError('something new')).toBe('virsh-error');
  });
});

describe('domain XML', () => {
  it('names domains after VM ids and recognises only its own names', () => {
    expect(domainName(42)).toBe('luc-vm-42');
    expect(vmIdOfDomain('luc-vm-42')).toBe(42);
    expect(vmIdOfDomain('luc-vm-007')).toBeNull();
    expect(vmIdOfDomain('test')).toBeNull();
  });

  it('builds a minimal test-driver domain whose XML gives the spec back (as libvirt rewrites it)', () => {
    const xml = buildDomainXml({ vm: 3, vcpus: 2, memoryMiB: 512, ve: 7 }, { type: 'test' });
    expect(xml).toContain("<domain type='test'>");
    expect(parseDomainXml(xml)).toEqual({ vm: 3, vcpus: 2, memoryMiB: 512, ve: 7 });
    // What `virsh dumpxml` returned for such a domain (memory in KiB, metadata re-serialised).
    const dumped = `<domain type='test' id='4'>\n  <name>luc-vm-3</name>\n  <metadata>\n    <luc:vm xmlns:luc="https://luc-sim.invalid/libvirt/vm/1" id="3" ve="-1"/>\n  </metadata>\n  <memory unit='KiB'>524288</memory>\n  <vcpu placement='static'>2</vcpu>\n</domain>`;
    expect(parseDomainXml(dumped)).toEqual({ vm: 3, vcpus: 2, memoryMiB: 512, ve: -1 });
    expect(parseDomainXml("<domain type='test'><name>test</name></domain>")).toBeNull();
  });

  it('builds a qemu domain booting a given kernel, escaped, with no disk', () => {
    const xml = buildDomainXml({ vm: 1, vcpus: 1, memoryMiB: 64, ve: -1 }, { type: 'qemu', kernel: '/boot/vmlinuz', initrd: '/boot/init.rd', cmdline: 'console=ttyS0 a<b' });
    expect(xml).toContain("<domain type='qemu'>");
    expect(xml).toContain('<kernel>/boot/vmlinuz</kernel>');
    expect(xml).toContain('<initrd>/boot/init.rd</initrd>');
    expect(xml).toContain('<cmdline>console=ttyS0 a&lt;b</cmdline>');
    expect(xml).not.toContain('<disk');
    expect(() => buildDomainXml({ vm: 1, vcpus: 0, memoryMiB: 64, ve: -1 }, { type: 'test' })).toThrow(/vcpus/);
  });
});
