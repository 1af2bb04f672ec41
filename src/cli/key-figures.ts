/**
 * The key figures `luc results ls` shows for a run, chosen from the metrics its summary.json
 * has: a DVMS run its cloud figures, a Chord run its lookups, a crash run its losses, a Vivaldi
 * run its error; never a column of dashes for what a run does not measure.
 */

export interface FigureSpec {
  readonly metric: string;
  /** Short label shown before the value. */
  readonly label: string;
  /** Unit shown after the value ('' for a count). */
  readonly unit: string;
  /** Digits after the point; undefined = as an integer. */
  readonly digits?: number;
}

/** In the order shown; a run shows those it has, at most FIGURES_MAX. */
export const FIGURES: readonly FigureSpec[] = [
  { metric: 'cloud.violations', label: 'violations', unit: '' },
  { metric: 'cloud.resolve_s_mean', label: 'resolve', unit: 's', digits: 1 },
  { metric: 'cloud.migrations', label: 'migrations', unit: '' },
  { metric: 'cloud.energy_kwh', label: 'energy', unit: 'kWh', digits: 1 },
  { metric: 'cloud.vms_lost', label: 'VMs lost', unit: '' },
  { metric: 'cloud.ves_lost', label: 'VEs lost', unit: '' },
  { metric: 'vivaldi.median_rel_error', label: 'vivaldi err', unit: '', digits: 4 },
  { metric: 'chord.lookups', label: 'chord lookups', unit: '' },
  { metric: 'chord.lookup_success', label: 'chord ok', unit: '', digits: 3 },
  { metric: 'can.lookup_success', label: 'can ok', unit: '', digits: 3 },
  { metric: 'spiral.recall_at_10', label: 'recall@10', unit: '', digits: 3 },
  { metric: 'routing.delivered_share', label: 'delivered', unit: '', digits: 3 },
  { metric: 'vmindex.success_share', label: 'locate ok', unit: '', digits: 3 },
  { metric: 'detector.median_latency_ms', label: 'detect', unit: 'ms', digits: 0 },
  { metric: 'services.replicas.full_share', label: 'replicas full', unit: '', digits: 3 },
];
export const FIGURES_MAX = 6;
/** Shown when a run has none of FIGURES. */
export const FALLBACK_FIGURE: FigureSpec = { metric: 'messages.sent', label: 'msgs sent', unit: '' };

export interface KeyFigure {
  readonly metric: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  readonly digits?: number;
}

/** The figures of a run's final metrics (summary.json's `metrics`). */
export function keyFigures(metrics: Readonly<Record<string, unknown>>): KeyFigure[] {
  const has = (spec: FigureSpec): boolean => typeof metrics[spec.metric] === 'number' && Number.isFinite(metrics[spec.metric]);
  const chosen = FIGURES.filter(has).slice(0, FIGURES_MAX);
  const specs = chosen.length > 0 ? chosen : has(FALLBACK_FIGURE) ? [FALLBACK_FIGURE] : [];
  return specs.map((spec) => ({ ...spec, value: metrics[spec.metric] as number }));
}

/** `violations 12, resolve 15.2 s, migrations 20, energy 31.4 kWh`; '' for none. */
export function formatFigures(figures: readonly KeyFigure[]): string {
  return figures
    .map((f) => {
      const value = f.digits === undefined ? String(Math.round(f.value)) : f.value.toFixed(f.digits);
      return `${f.label} ${value}${f.unit === '' ? '' : ` ${f.unit}`}`;
    })
    .join(', ');
}
