/** Field paths (`protocols.vivaldi.dimensions`, `faults[2].atS`): parse, format, look up. */

export type PathSegment = string | number;

const SEGMENT = /^(?:\.?([^.[\]=\s]+)|\[(\d+)\])/;

/** Parses `a.b[2].c` into ['a', 'b', 2, 'c']; null when the text is not a path. */
export function parsePath(text: string): PathSegment[] | null {
  const segments: PathSegment[] = [];
  let rest = text;
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest);
    if (match === null) return null;
    if (match[0].startsWith('.') && segments.length === 0) return null;
    if (match[1] !== undefined && segments.length > 0 && !match[0].startsWith('.')) return null;
    segments.push(match[1] ?? Number(match[2]));
    rest = rest.slice(match[0].length);
  }
  return segments.length === 0 ? null : segments;
}

export function formatPath(segments: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `segments` in plain parsed data, or undefined when any step is missing. */
export function valueAt(data: unknown, segments: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of segments) {
    if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
    else if (isRecord(value) && typeof segment !== 'symbol' && Object.hasOwn(value, segment)) value = value[segment];
    else return undefined;
  }
  return value;
}
