/** Messages between the sweep's main thread and its worker threads (plain data, structured-cloned). */
import type { CodeVersion } from '../provenance.js';

/** Given to every worker when it starts. */
export interface WorkerInit {
  readonly code: CodeVersion;
}

/** One run for a worker: load the scenario with these overrides, run it, write `outDir`. */
export interface WorkerTask {
  readonly scenarioFile: string;
  readonly overrides: readonly string[];
  readonly outDir: string;
  /** Recorded in the run's summary.json: a `luc run` line that replays this run alone. */
  readonly commandLine: string;
}

export type RunOutcome =
  | { readonly ok: true; readonly wallTimeS: number }
  | { readonly ok: false; readonly error: string; readonly detail: string };
