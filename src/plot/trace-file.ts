/** Read a run's trace.jsonl (from `luc run --trace`) into the records a timeline draws. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlotInputError } from './errors.js';

export const TRACE_FILE = 'trace.jsonl';

export interface MigrationBar {
  readonly vm: number;
  readonly from: string;
  readonly to: string;
  readonly startS: number;
  readonly endS: number;
  readonly ok: boolean;
  readonly by: string;
}

export interface PartitionBar {
  readonly partition: string;
  readonly leader: string;
  readonly state: string;
  readonly phase: string;
  readonly startS: number;
  readonly endS: number;
  readonly members: readonly string[];
}

export interface HostEvent {
  readonly kind: 'crash' | 'recovery';
  readonly atS: number;
  readonly host: string;
}

export interface RunTrace {
  readonly path: string;
  readonly migrations: readonly MigrationBar[];
  readonly partitions: readonly PartitionBar[];
  readonly hostEvents: readonly HostEvent[];
  /** Records dropped at the trace's bound (its `truncated` line), 0 if none. */
  readonly dropped: number;
}

export function hasTrace(runDir: string): boolean {
  return existsSync(join(runDir, TRACE_FILE));
}

export function readTrace(runDir: string): RunTrace {
  const path = join(runDir, TRACE_FILE);
  if (!existsSync(path)) throw new PlotInputError(path, 'missing: a timeline needs the run\'s event trace (run it with `luc run --trace`, or a `trace` section)');
  const migrations: MigrationBar[] = [];
  const partitions: PartitionBar[] = [];
  const hostEvents: HostEvent[] = [];
  let dropped = 0;
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `line ${i + 1}`;
      let record: Record<string, unknown>;
      try {
        const value: unknown = JSON.parse(line);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
        record = value as Record<string, unknown>;
      } catch (error) {
        throw new PlotInputError(path, `${where}: expected a JSON object a line (${(error as Error).message})`);
      }
      const num = (field: string): number => {
        const v = record[field];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new PlotInputError(path, `${where}: field '${field}' of a ${String(record.kind)} record: expected a number, found ${JSON.stringify(v)}`);
        return v;
      };
      const str = (field: string): string => {
        const v = record[field];
        if (typeof v !== 'string') throw new PlotInputError(path, `${where}: field '${field}' of a ${String(record.kind)} record: expected a string, found ${JSON.stringify(v)}`);
        return v;
      };
      switch (record.kind) {
        case 'migration':
          migrations.push({ vm: num('vm'), from: str('from'), to: str('to'), startS: num('startS'), endS: num('endS'), ok: record.ok === true, by: str('by') });
          return;
        case 'partition':
          partitions.push({
            partition: str('partition'),
            leader: str('leader'),
            state: str('state'),
            phase: str('phase'),
            startS: num('startS'),
            endS: num('endS'),
            members: Array.isArray(record.members) ? record.members.map(String) : [],
          });
          return;
        case 'crash':
        case 'recovery':
          hostEvents.push({ kind: record.kind, atS: num('atS'), host: str('host') });
          return;
        case 'truncated':
          dropped = num('dropped');
          return;
        case 've-op':
          return;
        default:
          throw new PlotInputError(path, `${where}: expected a record kind among migration, partition, crash, recovery, ve-op, truncated; found ${JSON.stringify(record.kind)}`);
      }
    });
  return { path, migrations, partitions, hostEvents, dropped };
}
