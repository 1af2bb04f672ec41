/**
 * `luc deploy SCENARIO --emit-oar`: the OAR submission script of a deployment (`oarsub -S
 * FILE` on a Grid'5000 frontend): the job's name, its machines and walltime, where its output
 * goes, and the command that deploys the scenario on the job's nodes (`--oar`: the machines of
 * `$OAR_NODEFILE`; `--ssh oarsh`: OAR's ssh between the nodes of a job). Pure.
 *
 * Walltime: the run's duration x 1.2 plus 10 minutes (shipping the build, starting the agents,
 * the simulated twin, fetching results, teardown), rounded up to the minute.
 */
import { shellJoin, shellQuote } from '../shell-quote.js';

export interface OarScriptOptions {
  readonly scenarioName: string;
  readonly scenarioFile: string;
  readonly machines: number;
  readonly agents: number;
  readonly durationS: number;
  /** Absolute folder the job starts in (where the script was written). */
  readonly workDir: string;
  /** How luc starts on the first node, e.g. `node /home/me/luc-sim/dist/cli/main.js`; `$LUC` overrides it. */
  readonly lucCommand: string;
  /** The rest of the deploy command line (--out, --set, --seed ...). */
  readonly deployArgs: readonly string[];
}

const WALLTIME_FACTOR = 1.2;
const WALLTIME_MARGIN_S = 600;

/** `h:mm:ss`, OAR's walltime format (hour:mn:sec). */
export function deployWalltime(durationS: number): string {
  const minutes = Math.ceil((durationS * WALLTIME_FACTOR + WALLTIME_MARGIN_S) / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:00`;
}

export function oarScript(options: OarScriptOptions): string {
  const name = `luc-deploy-${options.scenarioName.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  const walltime = deployWalltime(options.durationS);
  return [
    '#!/bin/bash',
    `# luc deploy of ${options.scenarioName}: ${options.agents} agents on ${options.machines} machines for ${options.durationS} s.`,
    '# Submit from the frontend: oarsub -S ./THIS_FILE (the job starts on the first of its nodes).',
    `# Walltime: the run x ${WALLTIME_FACTOR} + ${WALLTIME_MARGIN_S / 60} min (ship, start, twin, collect, teardown), rounded up to the minute.`,
    `#OAR -n ${name}`,
    `#OAR -l nodes=${options.machines},walltime=${walltime}`,
    `#OAR -O ${name}.%jobid%.out`,
    `#OAR -E ${name}.%jobid%.err`,
    'set -eu',
    `cd ${shellQuote(options.workDir)}`,
    `LUC=\${LUC:-${shellQuote(options.lucCommand)}}`,
    `exec $LUC deploy ${shellJoin([options.scenarioFile, '--oar', '--ssh', 'oarsh', '--agents', String(options.agents), ...options.deployArgs])}`,
    '',
  ].join('\n');
}
