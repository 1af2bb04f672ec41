/**
 * The font PNG and PDF renderings draw text with: DejaVu Sans, read from the system (Debian's
 * fonts-dejavu-core and the usual places of other distributions). One font, whatever else is
 * installed, so that a chart renders to the same bytes on every machine that has it; SVG files
 * need no font (the viewer picks one).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PlotInputError } from './errors.js';

export const CHART_FONT_FAMILY = 'DejaVu Sans';

export interface ChartFont {
  readonly regular: string;
  readonly bold: string;
}

/** Folders holding DejaVuSans.ttf and DejaVuSans-Bold.ttf, in the order tried. */
export const FONT_DIRS = [
  '/usr/share/fonts/truetype/dejavu', // Debian, Ubuntu (fonts-dejavu-core)
  '/usr/share/fonts/dejavu-sans-fonts', // Fedora, RHEL
  '/usr/share/fonts/TTF', // Arch (ttf-dejavu)
  '/usr/share/fonts/dejavu', // Alpine (font-dejavu), openSUSE
  '/usr/local/share/fonts/dejavu', // FreeBSD
  '/Library/Fonts', // macOS, when installed by hand
] as const;

/** The first folder that has both files; `dirs` is for tests. */
export function findChartFont(dirs: readonly string[] = FONT_DIRS): ChartFont {
  for (const dir of dirs) {
    const font = { regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf') };
    if (existsSync(font.regular) && existsSync(font.bold)) return font;
  }
  throw new PlotInputError(
    'DejaVuSans.ttf',
    `PNG and PDF charts need the DejaVu Sans font, found in none of ${dirs.join(', ')} (Debian: apt-get install fonts-dejavu-core); SVG needs none`,
  );
}
