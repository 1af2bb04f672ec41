/**
 * The `trace` section: an event trace of the run, written as `trace.jsonl` beside metrics.csv
 * (`luc run --trace` adds it with its defaults). Absent = no trace. Kinds:
 *   - `migration`: each VM migration as it ended (start, end, source, target, bytes, downtime);
 *   - `partition`: each DVMS partition's life at its leader, one record per stretch of one
 *     state (growing, blocked, finishing) and phase (confirming, growing, planning, applying),
 *     with its members;
 *   - `crash` and `recovery`: a host's agent or machine going down and coming back;
 *   - `ve-op`: each VE lifecycle operation as its issuer got the answer.
 */
import { z } from 'zod';
import { int, section } from './fields.js';

export const TRACE_KINDS = ['migration', 'partition', 'crash', 'recovery', 've-op'] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];
/** Records written at most, whatever `max` asks: a bound on the file (about 200 bytes a record). */
export const TRACE_RECORDS_MAX = 10_000_000;

export const traceSchema = section(
  {
    kinds: z
      .array(z.enum(TRACE_KINDS, { error: `expected one of ${TRACE_KINDS.join(', ')}` }), { error: `expected a list of trace kinds (${TRACE_KINDS.join(', ')})` })
      .min(1, { error: 'expected a list of at least one trace kind' })
      .default([...TRACE_KINDS])
      .meta({ description: `what to trace: ${TRACE_KINDS.join(', ')} (default: all)` }),
    max: int({ ge: 1, le: TRACE_RECORDS_MAX })
      .default(100_000)
      .meta({ description: 'records kept at most (the first ones); beyond, the last line says how many were dropped' }),
  },
  'an object of trace settings ({} for all kinds)',
);

export type TraceSection = z.output<typeof traceSchema>;
