/**
 * A VM as libvirt sees it: the domain name derived from the VM id (`luc-vm-<id>`), the domain
 * XML built from a VM spec, and the spec read back from a domain's XML. The VM id and VE id
 * travel in the domain's <metadata>, so a host that finds a domain it did not define (a real
 * live migration brings one in) learns which VM and VE it is.
 */
import { XMLParser } from 'fast-xml-parser';
import type { VeId, VmId } from '../hypervisor.js';

/** What a host needs to define a VM; also what an emulated migration sends to the target. */
export interface VmSpec {
  readonly vm: VmId;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** -1: in no VE. */
  readonly ve: VeId;
}

export interface DomainXmlOptions {
  /** 'test': the test driver's minimal domain (no code runs); 'qemu' (TCG) or 'kvm': a real guest. */
  readonly type: 'test' | 'qemu' | 'kvm';
  /** qemu/kvm: boot this kernel directly (with `initrd` and `cmdline`): a tiny guest with no disk, so live migration needs no shared storage. */
  readonly kernel?: string;
  readonly initrd?: string;
  readonly cmdline?: string;
  /** qemu/kvm guest architecture (default x86_64). */
  readonly arch?: string;
}

export const DOMAIN_PREFIX = 'luc-vm-';
const METADATA_NS = 'https://luc-sim.invalid/libvirt/vm/1';

export function domainName(vm: VmId): string {
  return `${DOMAIN_PREFIX}${vm}`;
}

/** The VM id of one of our domains, null for any other domain (e.g. the test driver's 'test'). */
export function vmIdOfDomain(name: string): VmId | null {
  const match = /^luc-vm-(0|[1-9]\d{0,14})$/.exec(name);
  return match === null ? null : Number(match[1]);
}

export function checkVmSpec(spec: VmSpec): void {
  const bad = (field: string, value: number): never => {
    throw new RangeError(`VM spec: ${field} must be ${field === 've' ? 'an integer >= -1' : 'a positive integer'}, got ${value}`);
  };
  if (!(Number.isSafeInteger(spec.vm) && spec.vm >= 0)) bad('vm', spec.vm);
  if (!(Number.isSafeInteger(spec.vcpus) && spec.vcpus >= 1)) bad('vcpus', spec.vcpus);
  if (!(Number.isSafeInteger(spec.memoryMiB) && spec.memoryMiB >= 1)) bad('memoryMiB', spec.memoryMiB);
  if (!(Number.isSafeInteger(spec.ve) && spec.ve >= -1)) bad('ve', spec.ve);
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');

export function buildDomainXml(spec: VmSpec, options: DomainXmlOptions): string {
  checkVmSpec(spec);
  const lines = [
    `<domain type='${options.type}'>`,
    `  <name>${domainName(spec.vm)}</name>`,
    `  <metadata><luc:vm xmlns:luc='${METADATA_NS}' id='${spec.vm}' ve='${spec.ve}'/></metadata>`,
    `  <memory unit='MiB'>${spec.memoryMiB}</memory>`,
    `  <vcpu>${spec.vcpus}</vcpu>`,
  ];
  if (options.type === 'test') {
    lines.push('  <os><type>hvm</type></os>');
  } else {
    lines.push('  <os>', `    <type arch='${escapeXml(options.arch ?? 'x86_64')}'>hvm</type>`);
    if (options.kernel !== undefined) lines.push(`    <kernel>${escapeXml(options.kernel)}</kernel>`);
    if (options.initrd !== undefined) lines.push(`    <initrd>${escapeXml(options.initrd)}</initrd>`);
    if (options.cmdline !== undefined) lines.push(`    <cmdline>${escapeXml(options.cmdline)}</cmdline>`);
    lines.push('  </os>', '  <on_poweroff>destroy</on_poweroff>', '  <on_crash>destroy</on_crash>');
    // A serial console to watch the tiny guest; no disk and no balloon: nothing to share for migration.
    lines.push('  <devices>', "    <serial type='pty'/>", "    <console type='pty'/>", "    <memballoon model='none'/>", '  </devices>');
  }
  lines.push('</domain>');
  return `${lines.join('\n')}\n`;
}

const UNIT_MIB: Record<string, number> = { b: 1 / 1048576, bytes: 1 / 1048576, k: 1 / 1024, kib: 1 / 1024, kb: 1000 / 1048576, m: 1, mib: 1, mb: 1e6 / 1048576, g: 1024, gib: 1024, gb: 1e9 / 1048576 };

/** The spec of a domain from its XML (`virsh dumpxml`); null when it is not one of ours. */
export function parseDomainXml(xml: string): VmSpec | null {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, removeNSPrefix: true });
  const root = (parser.parse(xml) as { domain?: Record<string, unknown> }).domain;
  if (root === undefined) return null;
  const name = String(root.name ?? '');
  const vm = vmIdOfDomain(name);
  if (vm === null) return null;
  const text = (node: unknown): string => (typeof node === 'object' && node !== null ? String((node as Record<string, unknown>)['#text'] ?? '') : String(node ?? ''));
  const memory = root.memory as Record<string, string> | string | undefined;
  const unit = (typeof memory === 'object' ? (memory['@_unit'] ?? 'KiB') : 'KiB').toLowerCase();
  const memoryMiB = Math.round(Number(text(memory)) * (UNIT_MIB[unit] ?? NaN));
  const vcpus = Number(text(root.vcpu));
  const meta = (root.metadata as Record<string, Record<string, string>> | undefined)?.vm;
  const ve = meta?.['@_ve'] === undefined ? -1 : Number(meta['@_ve']);
  const spec = { vm, vcpus, memoryMiB, ve };
  checkVmSpec(spec);
  return spec;
}
