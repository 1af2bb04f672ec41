/**
 * SVG in Node: Observable Plot renders into a linkedom document (one per chart, so nothing is
 * shared between calls), and charts are stacked into one standalone SVG file.
 */
import { parseHTML } from 'linkedom';

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** A fresh DOM document for Plot's `document` option. */
export function plotDocument(): Document {
  return parseHTML('<!DOCTYPE html><html><body></body></html>').document as unknown as Document;
}

/** A rendered piece: its markup (an <svg> element) and its size in px. */
export interface SvgPart {
  readonly markup: string;
  readonly width: number;
  readonly height: number;
}

/** A Plot result as a part; Plot returns an <svg> when no legend or title is asked of it. */
export function partOf(element: Element, width: number, height: number): SvgPart {
  if (element.tagName.toLowerCase() !== 'svg') throw new Error(`plot: expected an <svg> from Plot, got <${element.tagName}>`);
  element.setAttribute('xmlns', SVG_NS);
  return { markup: element.outerHTML, width, height };
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Placed {
  readonly part: SvgPart;
  readonly x: number;
  readonly y: number;
}

const TITLE_HEIGHT_PX = 26;
const SUBTITLE_HEIGHT_PX = 18;

/**
 * One standalone SVG document: a title and subtitle on top (one line per '\n' of the subtitle),
 * then the parts at their offsets (relative to the area below the titles), each nested as an <svg x y>.
 */
export function composeSvg(title: string, subtitle: string, placed: readonly Placed[]): string {
  const subtitles = subtitle === '' ? [] : subtitle.split('\n');
  const top = TITLE_HEIGHT_PX + subtitles.length * SUBTITLE_HEIGHT_PX + 6;
  const width = Math.ceil(Math.max(...placed.map((p) => p.x + p.part.width)));
  const height = Math.ceil(top + Math.max(...placed.map((p) => p.y + p.part.height)));
  const font = 'font-family="system-ui, sans-serif"';
  const lines = [
    `<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${font}>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  subtitles.forEach((line, i) => lines.push(`<text x="10" y="${TITLE_HEIGHT_PX + 10 + i * SUBTITLE_HEIGHT_PX}" font-size="11" fill="#555">${escapeXml(line)}</text>`));
  for (const { part, x, y } of placed) {
    lines.push(part.markup.replace(/^<svg /, `<svg x="${x}" y="${top + y}" `));
  }
  lines.push('</svg>');
  return lines.join('\n') + '\n';
}
