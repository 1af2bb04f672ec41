/** Text that fits a width: a subtitle wrapped at its '; ' separators (then at spaces), or cut with '…'. */

/** Average width of a character of the chart font, as a share of the font size (DejaVu Sans: about 0.52 em, with a margin). */
const CHAR_EM = 0.55;

export function textWidthPx(text: string, fontPx: number): number {
  return text.length * CHAR_EM * fontPx;
}

/**
 * Lines of at most `widthPx` (estimated), at most `linesMax` of them: clauses separated by '; '
 * are kept whole where they fit, long ones broken at spaces; the last line is cut with '…' if
 * the text does not fit in `linesMax` lines. Existing '\n' are kept as breaks.
 */
export function wrapText(text: string, widthPx: number, fontPx: number, linesMax = 3): string[] {
  const charsMax = Math.max(8, Math.floor(widthPx / (CHAR_EM * fontPx)));
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(?<=;) /)) {
      for (const piece of word.length > charsMax ? word.split(/(?<= )/) : [word]) {
        const joined = line === '' ? piece : `${line}${line.endsWith(' ') ? '' : ' '}${piece}`;
        if (joined.length <= charsMax || line === '') line = joined;
        else {
          lines.push(line.trimEnd());
          line = piece;
        }
      }
    }
    lines.push(line.trimEnd());
  }
  if (lines.length <= linesMax) return lines.map((l) => cut(l, charsMax));
  const kept = lines.slice(0, linesMax);
  kept[linesMax - 1] = cut(`${kept[linesMax - 1]} ${lines.slice(linesMax).join(' ')}`, charsMax);
  return kept.map((l) => cut(l, charsMax));
}

function cut(line: string, charsMax: number): string {
  return line.length <= charsMax ? line : `${line.slice(0, charsMax - 1).trimEnd()}…`;
}
