/**
 * A chart's SVG as PNG, rendered by resvg (Rust, prebuilt for each platform on npm) with the one
 * chart font and no system font: the same SVG gives the same PNG bytes.
 */
import { Resvg } from '@resvg/resvg-js';
import { CHART_FONT_FAMILY, findChartFont, type ChartFont } from './chart-font.js';

/** Pixels per SVG px: 2 gives print-sharp figures (a 560 px map is 1120 px wide). */
export const PNG_SCALE = 2;

export function svgToPng(svg: string, font: ChartFont = findChartFont(), scale = PNG_SCALE): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: [font.regular, font.bold],
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}
