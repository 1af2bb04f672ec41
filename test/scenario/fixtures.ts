import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';

export function fixture(relative: string): string {
  return fileURLToPath(new URL(`./fixtures/${relative}`, import.meta.url));
}

/** Runs `load`, expects a ScenarioError, returns it. */
export function scenarioErrorOf(load: () => unknown): ScenarioError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error('expected a ScenarioError, but the scenario loaded');
}
