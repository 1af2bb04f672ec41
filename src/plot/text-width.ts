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
