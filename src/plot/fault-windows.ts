/** The timed faults of the runs' scenarios, as shaded windows on time charts. */
import type { RunFolder } from './run-folder.js';

export interface FaultWindow {
  readonly startS: number;
  readonly endS: number;
  readonly label: string;
}

/**
 * One window per distinct (start, end, kind): faults of one kind over the same window (ten
 * hosts crashing at once) are one shaded window labelled with their count, not ten stacked.
 */
export function faultWindows(runs: readonly RunFolder[]): FaultWindow[] {
  const byKey = new Map<string, { startS: number; endS: number; kind: string; labels: Set<string> }>();
  for (const run of runs) {
    const durationS = Number(run.scenario.durationS);
    const faults = Array.isArray(run.scenario.faults) ? (run.scenario.faults as Record<string, unknown>[]) : [];
    for (const fault of faults) {
      if (typeof fault.atS !== 'number') continue;
      const length = typeof fault.durationS === 'number' && Number.isFinite(fault.durationS) ? fault.durationS : durationS - fault.atS;
      const startS = fault.atS;
      const endS = Math.min(durationS, fault.atS + length);
      const kind = String(fault.kind);
      const key = `${startS}|${endS}|${kind}`;
      const window = byKey.get(key) ?? { startS, endS, kind, labels: new Set<string>() };
      window.labels.add(faultLabel(fault));
      byKey.set(key, window);
    }
  }
  return [...byKey.values()].map((w) => ({ startS: w.startS, endS: w.endS, label: w.labels.size === 1 ? [...w.labels][0] : `${w.kind} (${w.labels.size} at once)` }));
}

function faultLabel(fault: Record<string, unknown>): string {
  const kind = String(fault.kind);
  if (Array.isArray(fault.link)) return `${kind} ${fault.link.join('–')}`;
  if (fault.pop !== undefined) return `${kind} ${String(fault.pop)}`;
  if (fault.host !== undefined) return `${kind} host ${String(fault.host)}`;
  if (Array.isArray(fault.pops)) return `${kind} (${fault.pops.length} PoPs)`;
  return kind;
}
