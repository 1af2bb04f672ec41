/** The timed faults of the runs' scenarios, as shaded windows on time charts. */
import type { RunFolder } from './run-folder.js';

export interface FaultWindow {
  readonly startS: number;
  readonly endS: number;
  readonly label: string;
}

export function faultWindows(runs: readonly RunFolder[]): FaultWindow[] {
  const byKey = new Map<string, FaultWindow>();
  for (const run of runs) {
    const durationS = Number(run.scenario.durationS);
    const faults = Array.isArray(run.scenario.faults) ? (run.scenario.faults as Record<string, unknown>[]) : [];
    for (const fault of faults) {
      if (typeof fault.atS !== 'number') continue;
      const length = typeof fault.durationS === 'number' && Number.isFinite(fault.durationS) ? fault.durationS : durationS - fault.atS;
      const window = { startS: fault.atS, endS: Math.min(durationS, fault.atS + length), label: faultLabel(fault) };
      byKey.set(`${window.startS}|${window.endS}|${window.label}`, window);
    }
  }
  return [...byKey.values()];
}

function faultLabel(fault: Record<string, unknown>): string {
  const kind = String(fault.kind);
  if (Array.isArray(fault.link)) return `${kind} ${fault.link.join('–')}`;
  if (fault.pop !== undefined) return `${kind} ${String(fault.pop)}`;
  if (fault.host !== undefined) return `${kind} host ${String(fault.host)}`;
  if (Array.isArray(fault.pops)) return `${kind} (${fault.pops.length} PoPs)`;
  return kind;
}
