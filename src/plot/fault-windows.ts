/**
 * The timed faults of the runs' scenarios, as shaded windows on time charts. When the groups
 * of runs drawn differ in faults, a window some groups lack belongs to those that have it: one
 * window per such group, `group` its index (drawn in its colour); windows every group has are
 * shared (`group` null).
 */
import type { RunFolder } from './run-folder.js';
import type { RunGroup } from './run-groups.js';

export interface FaultWindow {
  readonly startS: number;
  readonly endS: number;
  readonly label: string;
  /** The index of the group this window belongs to; null when every group has it. */
  readonly group: number | null;
}

interface Window {
  readonly startS: number;
  readonly endS: number;
  readonly kind: string;
  readonly labels: Set<string>;
}

/**
 * One window per distinct (start, end, kind) and owner: faults of one kind over the same window
 * (ten hosts crashing at once) are one shaded window labelled with their count, not ten stacked.
 */
export function faultWindows(groups: readonly RunGroup[]): FaultWindow[] {
  const perGroup = groups.map((group) => windowsOf(group.runs));
  const targets = (window: Window | undefined): string => JSON.stringify(window === undefined ? null : [...window.labels].sort());
  // Shared: every group has the window, with the same targets (Paris down in one run and Lyon in another are two windows).
  const everywhere = (key: string): boolean => perGroup.every((windows) => windows.has(key) && targets(windows.get(key)) === targets(perGroup[0].get(key)));
  const shared = [...(perGroup[0]?.keys() ?? [])].filter(everywhere);
  const out: FaultWindow[] = shared.map((key) => ({ ...finish(perGroup[0].get(key) as Window), group: null }));
  perGroup.forEach((windows, g) => {
    for (const [key, window] of windows) if (!everywhere(key)) out.push({ ...finish(window), group: g });
  });
  return out;
}

function windowsOf(runs: readonly RunFolder[]): Map<string, Window> {
  const byKey = new Map<string, Window>();
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
  return byKey;
}

function finish({ startS, endS, kind, labels }: Window): Omit<FaultWindow, 'group'> {
  return { startS, endS, label: labels.size === 1 ? [...labels][0] : `${kind} (${labels.size} at once)` };
}

function faultLabel(fault: Record<string, unknown>): string {
  const kind = String(fault.kind);
  if (Array.isArray(fault.link)) return `${kind} ${fault.link.join('–')}`;
  if (fault.pop !== undefined) return `${kind} ${String(fault.pop)}`;
  if (fault.host !== undefined) return `${kind} host ${String(fault.host)}`;
  if (Array.isArray(fault.pops)) return `${kind} (${fault.pops.length} PoPs)`;
  return kind;
}
