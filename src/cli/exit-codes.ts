import { BoundExceededError } from '../kernel/simulator.js';
import { ScenarioError } from '../scenario/errors.js';
import { TopologyError } from '../platform/types.js';
import { TraceError } from '../workload/load-trace.js';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

/** An error in what the user gave us (arguments, files): a message and exit code 2, no stack. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Bad input includes a run that outgrew the limits its scenario set (`limits.*`): the message names the field. */
export function isBadInput(error: unknown): error is Error {
  return error instanceof ScenarioError || error instanceof TopologyError || error instanceof TraceError || error instanceof UsageError || error instanceof BoundExceededError;
}

/**
 * Text from the input (a field name, a value, a file name) may hold control bytes; echoed raw
 * they would drive the terminal (colours, title, clearing). They are shown escaped (\x1b),
 * keeping only the newlines that separate issues.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Print an error the way a researcher needs it and return the exit code: bad input gets its
 * message and 2; anything else is a bug, reported with its stack and the seed to replay it.
 */
export function reportError(error: unknown, seed: number | undefined): number {
  if (isBadInput(error)) {
    process.stderr.write(`error: ${printable(error.message)}\n`);
    return EXIT_BAD_INPUT;
  }
  const replay = seed === undefined ? '' : ` (replay with --seed ${seed})`;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`internal error${replay}: ${printable(detail)}\n`);
  return EXIT_INTERNAL;
}
