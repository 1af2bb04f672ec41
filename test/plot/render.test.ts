import { describe, expect, it } from 'vitest';
import { findChartFont } from '../../src/plot/chart-font.js';
import { parseChartFormats, pathInFormat } from '../../src/plot/chart-formats.js';
import { PlotInputError } from '../../src/plot/errors.js';
import { mapSvg } from '../../src/plot/map-chart.js';
import { loadMapData } from '../../src/plot/map-data.js';
import { haloesAsTwoLayers, svgToPdf } from '../../src/plot/render-pdf.js';
import { PNG_SCALE, svgToPng } from '../../src/plot/render-png.js';
import { RENATER_GRAPHML } from './fixtures.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk (bytes 16-23, big-endian). */
function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('charts as PNG and PDF', () => {
  const svg = mapSvg(loadMapData(RENATER_GRAPHML));
  const [width, height] = [/width="(\d+)"/.exec(svg)?.[1], /height="(\d+)"/.exec(svg)?.[1]].map(Number);

  it(`renders the RENATER map as a PNG ${PNG_SCALE}x its SVG size, the same bytes twice`, () => {
    const png = svgToPng(svg);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(png)).toEqual([width * PNG_SCALE, height * PNG_SCALE]);
    expect(svgToPng(svg).equals(png)).toBe(true);
  });

  it('draws the text in the PNG: a title makes the top band darker than a blank one', () => {
    const titled = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="25" font-family="system-ui, sans-serif" font-size="20">Paris</text></svg>';
    const blank = titled.replace('Paris', '');
    // A PNG of text compresses worse than a blank one: glyphs were drawn.
    expect(svgToPng(titled).length).toBeGreaterThan(svgToPng(blank).length + 200);
  });

  it('writes a one-page PDF of the SVG size with the chart font embedded, the same bytes twice', () => {
    const pdf = svgToPdf(svg);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdf.toString('latin1');
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(text).toContain(`/MediaBox [0 0 ${width} ${height}]`);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
    expect(svgToPdf(svg).equals(pdf)).toBe(true);
  });

  it('splits a label halo (paint-order stroke) into a stroke layer under a fill layer for the PDF', () => {
    const group = '<g font-size="10" paint-order="stroke" stroke-width="3" stroke="white" fill="#222" aria-label="text"><text>Paris</text></g>';
    expect(haloesAsTwoLayers(group)).toBe(
      '<g font-size="10"  stroke-width="3" stroke="white" fill="none" aria-label="text"><text>Paris</text></g><g font-size="10"  stroke-width="3" stroke="none" fill="#222" aria-label="text"><text>Paris</text></g>',
    );
  });

  it('names the font folders tried when DejaVu Sans is nowhere', () => {
    expect(() => findChartFont(['/nowhere/fonts'])).toThrow(PlotInputError);
    expect(() => findChartFont(['/nowhere/fonts'])).toThrow('DejaVuSans.ttf: PNG and PDF charts need the DejaVu Sans font, found in none of /nowhere/fonts (Debian: apt-get install fonts-dejavu-core)');
  });

  it('parses --format lists and names the first unknown format', () => {
    expect(parseChartFormats('svg,png,pdf')).toEqual({ formats: ['svg', 'png', 'pdf'], unknown: null });
    expect(parseChartFormats(' PDF , pdf')).toEqual({ formats: ['pdf'], unknown: null });
    expect(parseChartFormats('svg,jpg')).toEqual({ formats: [], unknown: 'jpg' });
    expect(parseChartFormats('')).toEqual({ formats: [], unknown: '' });
    expect(pathInFormat('out/map.svg', 'pdf')).toBe('out/map.pdf');
  });
});
