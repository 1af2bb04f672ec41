/**
 * Reading virsh's text output (with LC_ALL=C, as VirshSession runs it) and turning its error
 * messages into the outcome reasons protocols already know (those of the simulated hypervisor:
 * 'unknown-vm', 'not-running', 'busy', 'target-down', 'no-room', ...).
 */
import type { VmState } from '../hypervisor.js';

export interface DomainRow {
  readonly name: string;
  readonly state: VmState;
  /** virsh's own word ('running', 'paused', 'shut off', 'crashed', ...). */
  readonly virshState: string;
}

/** libvirt's domain states as the interface's three: paused is suspended, the rest not running is stopped. */
export function vmStateOf(virshState: string): VmState {
  if (virshState === 'running' || virshState === 'idle' || virshState === 'in shutdown') return 'running';
  if (virshState === 'paused' || virshState === 'pmsuspended') return 'suspended';
  return 'stopped';
}

/** `virsh list --all`: a header, a dashed rule, then `Id Name State` rows (Id '-' when inactive). */
export function parseDomainList(text: string): DomainRow[] {
  const rows: DomainRow[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+|-)\s+(\S+)\s+(\S.*?)\s*$/.exec(line);
    if (match === null) continue;
    rows.push({ name: match[2], state: vmStateOf(match[3]), virshState: match[3] });
  }
  return rows;
}

export interface NodeInfo {
  readonly cpus: number;
  readonly memoryMiB: number;
}

/** `virsh nodeinfo`: 'CPU(s):' and 'Memory size: N KiB'. */
export function parseNodeInfo(text: string): NodeInfo {
  const cpus = /^CPU\(s\):\s+(\d+)/m.exec(text);
  const memory = /^Memory size:\s+(\d+)\s+KiB/m.exec(text);
  if (cpus === null || memory === null) throw new Error(`unexpected virsh nodeinfo output: ${JSON.stringify(text)}`);
  return { cpus: Number(cpus[1]), memoryMiB: Math.floor(Number(memory[1]) / 1024) };
}

/** `virsh domstats --cpu-total`: cumulated CPU time of each domain, ns. */
export function parseCpuTimes(text: string): Map<string, number> {
  const times = new Map<string, number>();
  let domain: string | null = null;
  for (const line of text.split('\n')) {
    const head = /^Domain: '(.+)'$/.exec(line.trim());
    if (head !== null) domain = head[1];
    const time = /^cpu\.time=(\d+)$/.exec(line.trim());
    if (time !== null && domain !== null) times.set(domain, Number(time[1]));
  }
  return times;
}

export interface JobInfo {
  readonly elapsedMs: number | null;
  readonly downtimeMs: number | null;
  readonly bytes: number | null;
}

const BYTE_UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** `virsh domjobinfo <dom> --completed`; a field it does not print is null. */
export function parseJobInfo(text: string): JobInfo {
  const ms = (label: string): number | null => {
    const match = new RegExp(`^${label}:\\s+(\\d+)\\s+ms`, 'm').exec(text);
    return match === null ? null : Number(match[1]);
  };
  const data = /^Data processed:\s+([\d.]+)\s+(B|KiB|MiB|GiB|TiB)/m.exec(text);
  return { elapsedMs: ms('Time elapsed'), downtimeMs: ms('Total downtime'), bytes: data === null ? null : Math.round(Number(data[1]) * BYTE_UNITS[data[2]]) };
}

/** The reason of a failed virsh command, from libvirt's message (first match wins). */
const REASONS: readonly (readonly [RegExp, string])[] = [
  [/failed to get domain|domain not found|no domain with matching/i, 'unknown-vm'],
  [/unable to connect to server|failed to connect|connection refused|no route to host|cannot recv data|end of file while reading|connection reset/i, 'target-down'],
  [/another job|cannot acquire state change lock|timed out during operation|operation is already in progress/i, 'busy'],
  [/cannot allocate memory|out of memory|not enough memory|insufficient/i, 'no-room'],
  [/migrate guest to the same host/i, 'bad-target'],
  [/not running|is not active/i, 'not-running'],
  [/already running|already active|not paused|operation is not valid/i, 'bad-state'],
  [/not supported|unsupported/i, 'unsupported'],
];

export function reasonOfVirshError(message: string): string {
  for (const [pattern, reason] of REASONS) if (pattern.test(message)) return reason;
  return 'virsh-error';
}
