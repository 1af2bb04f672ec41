/**
 * The checks a config validator makes, each throwing a RangeError that names the config and the
 * field (`CentralConfig.planPeriodMs: expected a finite number > 0, got -1`): scenarios show the
 * message as it is, so every validator words it the same way.
 */
export interface ConfigChecks<C> {
  fail(field: string, expected: string): never;
  /** An integer >= `min`. */
  integer(field: keyof C & string, min: number): void;
  /** A finite number > 0. */
  positive(field: keyof C & string): void;
}

export function configChecks<C extends object>(name: string, config: C): ConfigChecks<C> {
  const value = (field: string): unknown => (config as Record<string, unknown>)[field];
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`${name}.${field}: expected ${expected}, got ${String(value(field))}`);
  };
  return {
    fail,
    integer(field, min) {
      const v = value(field);
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) fail(field, `an integer >= ${min}`);
    },
    positive(field) {
      const v = value(field);
      if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) fail(field, 'a finite number > 0');
    },
  };
}
