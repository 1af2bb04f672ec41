/**
 * What the live side's agents measured of their own timing (`AgentReport.timing`), gathered for
 * `luc compare`: how late their event loops and latency shims ran (the median over agents of each
 * agent's p50 and p99, the worst max) and the CPU they used. These explain a live value that
 * misses its simulated one: a Vivaldi sample, a lookup's hop, is late by as much.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { AgentTiming, LatenessMs } from '../runtime/live/agent.js';

export interface LatenessSummary {
  /** Median over the agents of their p50 / p99, and the largest max, in ms. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface LiveTimingSummary {
  readonly agents: number;
  readonly eventLoopMs: LatenessSummary | null;
  readonly shimMs: LatenessSummary | null;
  /** CPU the agents used, in s, and as a share of the machine's cores over the run. */
  readonly agentsCpuS: number;
  readonly cpuShareOfMachine: number;
  readonly cores: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarise(all: readonly (LatenessMs | null)[]): LatenessSummary | null {
  const some = all.filter((l): l is LatenessMs => l !== null && l.count > 0);
  if (some.length === 0) return null;
  const ms = (value: number): number => Number(value.toFixed(2));
  return { p50: ms(median(some.map((l) => l.p50))), p99: ms(median(some.map((l) => l.p99))), max: ms(Math.max(...some.map((l) => l.max))) };
}

/** From the agents' reports in `agentsDir` (agent-<i>.json); null when none has a timing. */
export function liveTiming(agentsDir: string, durationS: number): LiveTimingSummary | null {
  if (!existsSync(agentsDir)) return null;
  const timings = readdirSync(agentsDir)
    .filter((name) => /^agent-\d+\.json$/.test(name))
    .map((name) => (JSON.parse(readFileSync(join(agentsDir, name), 'utf8')) as { timing?: AgentTiming }).timing)
    .filter((t): t is AgentTiming => t !== undefined);
  if (timings.length === 0) return null;
  const agentsCpuS = timings.reduce((sum, t) => sum + t.cpuS, 0);
  const cores = cpus().length;
  return {
    agents: timings.length,
    eventLoopMs: summarise(timings.map((t) => t.eventLoopMs)),
    shimMs: summarise(timings.map((t) => t.shimMs)),
    agentsCpuS: Number(agentsCpuS.toFixed(2)),
    cpuShareOfMachine: Number((agentsCpuS / (durationS * cores)).toFixed(3)),
    cores,
  };
}

export function timingNote(timing: LiveTimingSummary): string {
  const late = (name: string, l: LatenessSummary | null): string => (l === null ? '' : `${name} late by p50 ${l.p50} ms, p99 ${l.p99} ms (median over agents), max ${l.max} ms; `);
  return `agents' timing: ${late('event loops', timing.eventLoopMs)}${late('shim sends', timing.shimMs)}CPU ${timing.agentsCpuS} s (${(timing.cpuShareOfMachine * 100).toFixed(0)}% of ${timing.cores} cores over the run)`;
}
