/** `--format svg,png,pdf` of luc plot, luc map and luc run --plot: parsed once, bad values are exit 2. */
import { CHART_FORMATS, parseChartFormats, type ChartFormat } from '../plot/chart-formats.js';
import { UsageError } from './exit-codes.js';

export const FORMAT_OPTION = '--format <list>';
export const FORMAT_HELP = `chart formats, comma-separated among ${CHART_FORMATS.join(', ')} (default: svg); PNG and PDF are written beside the SVG, with the same name`;

export function chartFormats(value: string | undefined): ChartFormat[] {
  if (value === undefined) return ['svg'];
  const { formats, unknown } = parseChartFormats(value);
  if (unknown !== null) throw new UsageError(`--format: expected a comma-separated list of ${CHART_FORMATS.join(', ')}, found '${unknown}' in '${value}'`);
  return formats;
}
