/**
 * Parsing of command-line values into checked numbers: every failure names the option, what was
 * expected and what was found, as a LiveConfigError (exit code 2 in the CLI).
 */
import { LiveConfigError } from './live-errors.js';

const SOURCE = 'arguments';

export function requireOption(value: string | undefined, option: string, expected: string): string {
  if (value === undefined || value.length === 0) throw new LiveConfigError(SOURCE, option, expected, 'nothing');
  return value;
}

export function integerOption(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new LiveConfigError(SOURCE, option, `an integer in ${min}..${max}`, JSON.stringify(value));
  }
  return n;
}

export function numberOption(value: string, option: string, min: number, max: number, maxExclusive = false): number {
  const n = Number(value);
  const aboveMax = maxExclusive ? n >= max : n > max;
  if (value.trim().length === 0 || !Number.isFinite(n) || n < min || aboveMax) {
    throw new LiveConfigError(SOURCE, option, `a number in [${min}, ${max}${maxExclusive ? ')' : ']'}`, JSON.stringify(value));
  }
  return n;
}
