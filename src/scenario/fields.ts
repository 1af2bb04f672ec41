/**
 * Field builders for the scenario schema. Every failure of a field (wrong type, out of range,
 * missing) carries one message, "expected <phrase>", so that errors read the same whatever went
 * wrong; issues.ts passes such messages through unchanged.
 */
import { z } from 'zod';

export const EXPECTED_PREFIX = 'expected ';

interface Bounds {
  readonly gt?: number;
  readonly ge?: number;
  readonly le?: number;
}

function boundsPhrase(noun: string, bounds: Bounds, integer: boolean): string {
  const low = bounds.gt ?? bounds.ge;
  if (low !== undefined && bounds.le !== undefined) {
    if (integer && bounds.ge !== undefined) return `${noun} in ${bounds.ge}..${bounds.le}`;
    return `${noun} in ${bounds.gt !== undefined ? '(' : '['}${low}, ${bounds.le}]`;
  }
  if (bounds.gt !== undefined) return `${noun} > ${bounds.gt}`;
  if (bounds.ge !== undefined) return `${noun} >= ${bounds.ge}`;
  if (bounds.le !== undefined) return `${noun} <= ${bounds.le}`;
  return noun;
}

function bounded(bounds: Bounds, integer: boolean, phrase: string): z.ZodNumber {
  const error = EXPECTED_PREFIX + (phrase || boundsPhrase(integer ? 'an integer' : 'a number', bounds, integer));
  let schema = z.number({ error });
  if (integer) schema = schema.int({ error });
  if (bounds.gt !== undefined) schema = schema.gt(bounds.gt, { error });
  if (bounds.ge !== undefined) schema = schema.gte(bounds.ge, { error });
  if (bounds.le !== undefined) schema = schema.lte(bounds.le, { error });
  return schema;
}

/** A finite number within bounds; `phrase` replaces the generated description. */
export function num(bounds: Bounds = {}, phrase = ''): z.ZodNumber {
  return bounded(bounds, false, phrase);
}

/**
 * Kernel time is integer microseconds, and the kernel adds delays to the clock: a time field
 * that rounds to 0 us makes a period re-arm at the same instant for ever, and one beyond 2^52 us
 * makes now + delay inexact (past 2^53, t + 1 == t). Every time a scenario gives the kernel is
 * therefore 0 (where 0 means "none") or a whole number of microseconds from 1 to 2^52.
 */
export const TIME_US_MAX = 2 ** 52;
const US_PER = { s: 1_000_000, ms: 1000, us: 1 } as const;
export type TimeUnit = keyof typeof US_PER;

/** A time in `unit` within bounds, that the kernel can hold: see TIME_US_MAX. */
export function time(unit: TimeUnit, bounds: Bounds = {}): z.ZodNumber {
  const k = US_PER[unit];
  const phrase = `${boundsPhrase('a number', bounds, false)} that is, in whole microseconds, ${bounds.ge === 0 ? '0 or ' : ''}from 1 to 2^52 (at most ${TIME_US_MAX / k} ${unit})`;
  // Values outside `bounds` already have their issue: only the microsecond range is checked here.
  return num(bounds).refine((value) => !(value > 0) || (Math.round(value * k) >= 1 && value * k <= TIME_US_MAX), { error: EXPECTED_PREFIX + phrase });
}

/** A safe integer within bounds. */
export function int(bounds: Bounds = {}, phrase = ''): z.ZodNumber {
  return bounded(bounds, true, phrase);
}

/** A non-empty string (optionally matching `pattern`), described by `phrase` in errors. */
export function text(phrase: string, pattern?: RegExp): z.ZodString {
  const error = EXPECTED_PREFIX + phrase;
  const schema = z.string({ error }).min(1, { error });
  return pattern === undefined ? schema : schema.regex(pattern, { error });
}

export function bool(): z.ZodBoolean {
  return z.boolean({ error: `${EXPECTED_PREFIX}true or false` });
}

/** A strict object (unknown keys are errors) described by `phrase` when it is not an object. */
export function section<Shape extends z.ZodRawShape>(shape: Shape, phrase = 'an object'): z.ZodObject<Shape, z.core.$strict> {
  return z.strictObject(shape, { error: EXPECTED_PREFIX + phrase });
}

/** A PoP named by its label in the topology or by its index. */
export function popRef(): z.ZodUnion<[z.ZodString, z.ZodNumber]> {
  const phrase = 'a PoP name or index >= 0';
  return z.union([text(phrase), int({ ge: 0 }, phrase)], { error: EXPECTED_PREFIX + phrase });
}

/**
 * Runs a cross-field check only when the fields it reads parsed cleanly (all fields when none
 * is named), so that one bad value is not reported again through the checks that read it.
 */
export function whenValid(...fields: string[]): z.core.$ZodSuperRefineParams {
  return {
    when: (payload) =>
      payload.issues.every((issue) => fields.length > 0 && !fields.includes(String(issue.path?.[0]))),
  };
}

type NumericKeys<T> = { [K in keyof T]: T[K] extends number ? K : never }[keyof T];
export type NumericShape<T> = { [K in NumericKeys<T>]: z.ZodDefault<z.ZodNumber> };

/**
 * A field per numeric field of a protocol's default config (names in `apart` left out), with
 * the protocol's default: an integer when the default is one, except times (`...Ms`, checked as
 * kernel times by `time`), shares and thresholds, which stay real. The protocol's own validation checks the finer bounds.
 */
export function numericFieldsOf<T extends object>(defaults: T, apart: ReadonlySet<string>): NumericShape<T> {
  const shape: Record<string, z.ZodDefault<z.ZodNumber>> = {};
  for (const [name, value] of Object.entries(defaults)) {
    if (apart.has(name) || typeof value !== 'number') continue;
    const integer = Number.isInteger(value) && !/Ms$|Threshold$|Share$/.test(name);
    const field = name.endsWith('Ms') ? time('ms', { ge: 0 }) : integer ? int({ ge: 0 }) : num({ ge: 0 });
    shape[name] = field.default(value);
  }
  return shape as NumericShape<T>;
}

/**
 * Runs a protocol's own config validation at load time; its RangeError ("Config.field:
 * expected X, got Y") becomes an issue on `path`.field, so a bad value is a scenario error.
 */
export function protocolIssues(context: z.core.$RefinementCtx<unknown>, path: readonly PropertyKey[], validate: () => void): void {
  try {
    validate();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const match = /^\w+\.(\w+): (expected .*?)(?:, got .*)?$/.exec(error.message);
    context.addIssue({ code: 'custom', path: [...path, match?.[1] ?? ''], message: match?.[2] ?? `expected valid settings (${error.message})` });
  }
}
