/**
 * A chart's SVG as a one-page vector PDF: PDFKit writes the document and svg-to-pdfkit draws
 * the SVG's paths and text into it (text stays text, in the chart font, embedded as a subset).
 * One SVG px is one PDF point. The dates are fixed, so the same SVG gives the same PDF bytes.
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { findChartFont, type ChartFont } from './chart-font.js';

const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));

export function svgToPdf(svg: string, font: ChartFont = findChartFont()): Buffer {
  const [width, height] = svgSize(svg);
  const doc = new PDFDocument({ size: [width, height], margin: 0, autoFirstPage: true, info: { CreationDate: FIXED_DATE, ModDate: FIXED_DATE, Producer: 'luc-sim', Creator: 'luc-sim' } });
  doc.registerFont('chart', font.regular);
  doc.registerFont('chart-bold', font.bold);
  SVGtoPDF(doc, haloesAsTwoLayers(svg), 0, 0, {
    width,
    height,
    assumePt: true,
    fontCallback: (_family, bold) => (bold ? 'chart-bold' : 'chart'),
  });
  doc.end();
  // PDFKit is a readable stream that has pushed every chunk by the end of end(): read them now.
  const chunks: Buffer[] = [];
  for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * svg-to-pdfkit ignores `paint-order`: a label's white halo (Plot's text with a stroke painted
 * first) would cover its letters. Each such group becomes two: the stroke alone, then the fill.
 * Plot's text groups hold <text> elements only, so the first </g> closes the group.
 */
export function haloesAsTwoLayers(svg: string): string {
  return svg.replace(/<g ([^>]*)paint-order="stroke"([^>]*)>([\s\S]*?)<\/g>/g, (_all, before: string, after: string, body: string) => {
    const attributes = `${before}${after}`;
    const strokeOnly = attributes.replace(/\bfill="[^"]*"/, 'fill="none"');
    const fillOnly = attributes.replace(/\bstroke="[^"]*"/, 'stroke="none"');
    return `<g ${strokeOnly}>${body}</g><g ${fillOnly}>${body}</g>`;
  });
}

/** Width and height of the outer <svg> element, px. */
function svgSize(svg: string): [number, number] {
  const tag = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const size = (name: string): number => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(tag)?.[1]);
  const [width, height] = [size('width'), size('height')];
  if (!(width > 0 && height > 0)) throw new RangeError('svgToPdf: the <svg> element needs width and height in px');
  return [width, height];
}
