/**
 * Walking the zod schema along a field path, guided by the data (a discriminated union is
 * resolved by the data's discriminant). Used to list the fields known at a place (did-you-mean
 * for unknown keys) and to check `--set` paths before anything is set.
 */
import { z } from 'zod';
import { isRecord, type PathSegment } from './paths.js';

type Schema = z.core.$ZodType;

/** Strips wrappers that do not change the shape: default, prefault, optional, pipe (input side). */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      current = current.in;
    } else {
      return current;
    }
  }
}

/** The object branches that may describe `data`: all of them unless its discriminant picks one. */
function objectBranches(schema: Schema, data: unknown): z.ZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (!(schema instanceof z.ZodDiscriminatedUnion)) return [];
  const options = schema.options.map(unwrap).filter((option) => option instanceof z.ZodObject);
  const discriminator = schema._zod.def.discriminator;
  const tag = isRecord(data) ? data[discriminator] : undefined;
  const chosen = options.filter((option) => {
    const literal = option.shape[discriminator];
    return literal instanceof z.ZodLiteral && literal.values.has(tag as z.core.util.Literal);
  });
  return chosen.length > 0 ? chosen : options;
}

/** The field names an object schema (or discriminated union, resolved by `data`) accepts. */
export function knownFields(schema: Schema, data: unknown): string[] {
  const names = objectBranches(unwrap(schema), data).flatMap((branch) => Object.keys(branch.shape));
  return [...new Set(names)];
}

export type Step =
  | { readonly ok: true; readonly schema: Schema; readonly kind: 'field' | 'entry' | 'item' }
  | { readonly ok: false; readonly expected: string };

/** One step down from `schema` (describing `data`) to `segment`. */
export function step(schema: Schema, data: unknown, segment: PathSegment): Step {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodRecord) {
    if (typeof segment === 'string') return { ok: true, schema: inner._zod.def.valueType, kind: 'entry' };
    return { ok: false, expected: 'a name, not an index' };
  }
  if (inner instanceof z.ZodArray || inner instanceof z.ZodTuple) {
    if (typeof segment !== 'number') return { ok: false, expected: 'an index [n] into a list' };
    if (!Array.isArray(data) || data.length === 0) return { ok: false, expected: 'an existing item (the list is empty or absent: set it whole, e.g. faults=[...])' };
    if (segment >= data.length) return { ok: false, expected: `an index < ${data.length} (the list has ${data.length} item(s))` };
    const item = inner instanceof z.ZodArray ? inner.element : inner._zod.def.items[segment];
    return item === undefined ? { ok: false, expected: 'an existing item' } : { ok: true, schema: item, kind: 'item' };
  }
  const branches = objectBranches(inner, data);
  if (branches.length === 0) return { ok: false, expected: 'nothing below a plain value' };
  if (typeof segment !== 'string') return { ok: false, expected: 'a field name, not an index' };
  const branch = branches.find((candidate) => Object.hasOwn(candidate.shape, segment));
  if (branch === undefined) return { ok: false, expected: `one of ${knownFields(inner, data).join(', ')}` };
  return { ok: true, schema: branch.shape[segment], kind: 'field' };
}
