/**
 * Charts written in the formats asked for: each chart's SVG, and beside it (same name, another
 * extension) its PNG and its PDF for papers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findChartFont, type ChartFont } from './chart-font.js';
import type { PlotFile } from './plot-set.js';
import { svgToPdf } from './render-pdf.js';
import { svgToPng } from './render-png.js';

export const CHART_FORMATS = ['svg', 'png', 'pdf'] as const;
export type ChartFormat = (typeof CHART_FORMATS)[number];

/** `svg,png,pdf` -> the formats in the order given, without repeats; null names the first unknown one. */
export function parseChartFormats(text: string): { formats: ChartFormat[]; unknown: string | null } {
  const formats: ChartFormat[] = [];
  for (const item of text.split(',').map((s) => s.trim().toLowerCase())) {
    if (!(CHART_FORMATS as readonly string[]).includes(item)) return { formats: [], unknown: item };
    if (!formats.includes(item as ChartFormat)) formats.push(item as ChartFormat);
  }
  return { formats, unknown: null };
}

/** One chart's bytes in one format (the font is looked up once by the caller). */
export function renderChart(svg: string, format: ChartFormat, font: ChartFont | null): string | Buffer {
  if (format === 'svg') return svg;
  if (font === null) throw new RangeError('renderChart: PNG and PDF need the chart font');
  return format === 'png' ? svgToPng(svg, font) : svgToPdf(svg, font);
}

/** `path` of an SVG file -> the same path with the format's extension. */
export function pathInFormat(svgPath: string, format: ChartFormat): string {
  return svgPath.replace(/\.svg$/i, '') + `.${format}`;
}

/**
 * Write each chart (`name` ends in .svg) into `outDir` in every format; returns the paths, chart
 * by chart. Throws PlotInputError before writing anything when PNG or PDF lack their font.
 */
export function writeChartFiles(outDir: string, files: readonly PlotFile[], formats: readonly ChartFormat[]): string[] {
  const font = formats.some((f) => f !== 'svg') ? findChartFont() : null;
  mkdirSync(outDir, { recursive: true });
  return files.flatMap((file) => writeChart(join(outDir, file.name), file.svg, formats, font));
}

/** One chart at `svgPath` (and its siblings in the other formats); returns the paths written. */
export function writeChart(svgPath: string, svg: string, formats: readonly ChartFormat[], font: ChartFont | null = formats.some((f) => f !== 'svg') ? findChartFont() : null): string[] {
  mkdirSync(dirname(svgPath), { recursive: true });
  return formats.map((format) => {
    const path = pathInFormat(svgPath, format);
    writeFileSync(path, renderChart(svg, format, font));
    return path;
  });
}
