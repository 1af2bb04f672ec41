/**
 * How wide a line of text will be drawn, px, without a font engine: a generous average
 * character width (0.6 em covers digits, lower case and most capitals of a sans-serif), so
 * layouts that use it leave room rather than overlap.
 */
const CHAR_WIDTH_EM = 0.6;

export function textWidthPx(text: string, fontSizePx: number): number {
  return [...text].length * CHAR_WIDTH_EM * fontSizePx;
}

/**
 * `text` broken into lines ('\n') of at most `widthPx`, at its '; ' separators (a chart's
 * subtitle is a list of clauses); a clause longer than the width keeps a line of its own.
 */
export function wrapClauses(text: string, widthPx: number, fontSizePx: number): string {
  const lines: string[] = [];
  for (const clause of text.split('; ')) {
    const last = lines.length - 1;
    if (last >= 0 && textWidthPx(`${lines[last]}; ${clause}`, fontSizePx) <= widthPx) lines[last] = `${lines[last]}; ${clause}`;
    else lines.push(clause);
  }
  return lines.join('\n');
}

/** The average DejaVu Sans character (about 0.52 em) with a smaller margin than `textWidthPx`: wrapped text may use the line to its end. */
const WRAP_CHAR_EM = 0.55;

/**
 * Lines of at most `widthPx` (estimated), at most `linesMax` of them: clauses separated by '; '
 * are kept whole where they fit, long ones broken at spaces; the last line is cut with '…' if
 * the text does not fit in `linesMax` lines. Existing '\n' are kept as breaks.
 */
export function wrapText(text: string, widthPx: number, fontPx: number, linesMax = 3): string[] {
  const charsMax = Math.max(8, Math.floor(widthPx / (WRAP_CHAR_EM * fontPx)));
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
