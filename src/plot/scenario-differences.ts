/**
 * What tells scenarios apart, field by field: the leaf paths whose values differ (objects
 * walked key by key, lists of one length item by item: `faults[0].atS`), each value as a
 * legend shows it. Fields equal in every scenario are left out.
 */
export interface Difference {
  /** e.g. `protocols.vivaldi.dimensions`, `faults[0].atS`, `faults` */
  readonly path: string;
  /** The value in each scenario, in order; '-' where it is absent. */
  readonly values: readonly string[];
}

/** The differing fields of `scenarios`, in path order (object keys sorted). */
export function scenarioDifferences(scenarios: readonly Readonly<Record<string, unknown>>[]): Difference[] {
  const out: Difference[] = [];
  walk(scenarios, '', out);
  return out;
}

function walk(values: readonly unknown[], path: string, out: Difference[]): void {
  const texts = values.map(canonical);
  if (texts.every((t) => t === texts[0])) return;
  if (values.every(isPlainObject)) {
    const keys = [...new Set(values.flatMap((v) => Object.keys(v)))].sort();
    for (const key of keys) walk(values.map((v) => v[key]), path === '' ? key : `${path}.${key}`, out);
    return;
  }
  if (values.every(Array.isArray) && values.every((v) => v.length === values[0].length)) {
    for (let i = 0; i < values[0].length; i++) walk(values.map((v) => v[i]), `${path}[${i}]`, out);
    return;
  }
  out.push({ path, values: values.map(display) });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isPlainObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v)) ?? '-';
}

/** A value as a label shows it: strings bare, lists and blocks by their kinds when they have one. */
function display(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map((item: unknown) => (isPlainObject(item) && 'kind' in item ? String(item.kind) : canonical(item))).join(', ')}]`;
  if (isPlainObject(value) && 'kind' in value) return String(value.kind);
  return canonical(value);
}
