/**
 * What a cloud run's map shows, from what the simulation recorded (never from a scheduler's
 * beliefs): where the VMs are at the last sample, per PoP, from vms.csv (each VM's host, read
 * from the cloud model) or hosts.csv (each host's VM count), used only when the table covers
 * every VM or every host; and where migrations went, from the migration records of trace.jsonl.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_COLUMNS, VM_COLUMNS } from '../scenario/probes/host-series.js';
import { readCsvFile } from './csv.js';
import { PlotInputError } from './errors.js';
import type { RunFolder } from './run-folder.js';
import { readTrace, TRACE_FILE } from './trace-file.js';
import { popOfHost } from './vivaldi-panel.js';

export interface MigrationFlow {
  readonly from: string;
  readonly to: string;
  /** Migrations that ended well from a host of `from` to a host of `to`. */
  readonly count: number;
}

export interface CloudView {
  /** VMs per PoP name at `atS` (lost VMs in none), or null when no table covers them all. */
  readonly vmsByPop: ReadonlyMap<string, number> | null;
  readonly atS: number;
  /** Where the VM counts come from, or what the run needs to have them. */
  readonly vmsNote: string;
  readonly vmsLost: number;
  /** Migrations between PoPs, or null when the run traced none. */
  readonly flows: readonly MigrationFlow[] | null;
  readonly migrationsWithinPops: number;
  readonly migrationsFailed: number;
  readonly migrationsNote: string;
}

/** The cloud view of a run whose scenario has a `cloud` section; `hostTotal` hosts in its world. */
export function readCloudView(run: RunFolder, hostTotal: number): CloudView {
  const cloud = run.scenario.cloud as { vm?: { perHost?: unknown } };
  const vmTotal = hostTotal * Number(cloud.vm?.perHost ?? 0);
  const counts = vmCounts(run.dir, vmTotal) ?? hostCountsOfVms(run.dir, hostTotal);
  const needs = `VMs per PoP need metrics.perVm with vmsMax >= ${vmTotal}, or metrics.perHost with hostsMax >= ${hostTotal}`;
  return { ...(counts ?? { vmsByPop: null, atS: NaN, vmsNote: needs, vmsLost: 0 }), ...migrationFlows(run) };
}

interface Counts {
  readonly vmsByPop: ReadonlyMap<string, number>;
  readonly atS: number;
  readonly vmsNote: string;
  readonly vmsLost: number;
}

/** The rows of a table at its last sample time, or null if the file is absent. */
function lastSample(path: string, columns: readonly string[]): { atS: number; rows: (readonly string[])[] } | null {
  if (!existsSync(path)) return null;
  const { header, records } = readCsvFile(path);
  if (header.join(',') !== columns.join(',')) throw new PlotInputError(path, `expected the header ${columns.join(',')}, found '${header.join(',')}'`);
  let atS = -Infinity;
  records.forEach((record, i) => {
    const time = Number(record[0]);
    if (record.length !== columns.length || record[0] === '' || !Number.isFinite(time)) {
      throw new PlotInputError(path, `line ${i + 2}: expected ${columns.length} fields starting with time_s, found '${record.join(',')}'`);
    }
    atS = Math.max(atS, time);
  });
  return { atS, rows: records.filter((r) => Number(r[0]) === atS) };
}

function vmCounts(dir: string, vmTotal: number): Counts | null {
  const sample = lastSample(join(dir, 'vms.csv'), VM_COLUMNS);
  if (sample === null || sample.rows.length < vmTotal || vmTotal === 0) return null;
  const byPop = new Map<string, number>();
  let lost = 0;
  for (const row of sample.rows) {
    if (row[3] === 'lost' || row[2] === '') lost++;
    else byPop.set(popOfHost(row[2]), (byPop.get(popOfHost(row[2])) ?? 0) + 1);
  }
  return { vmsByPop: byPop, atS: sample.atS, vmsNote: `VMs' hosts from vms.csv (all ${vmTotal} VMs)`, vmsLost: lost };
}

function hostCountsOfVms(dir: string, hostTotal: number): Counts | null {
  const path = join(dir, 'hosts.csv');
  const sample = lastSample(path, HOST_COLUMNS);
  if (sample === null || sample.rows.length < hostTotal) return null;
  const byPop = new Map<string, number>();
  sample.rows.forEach((row) => {
    const vms = Number(row[3]);
    if (!(Number.isInteger(vms) && vms >= 0)) throw new PlotInputError(path, `field 'vms' of host ${row[1]} at ${row[0]} s: expected an integer >= 0, found '${row[3]}'`);
    byPop.set(popOfHost(row[1]), (byPop.get(popOfHost(row[1])) ?? 0) + vms);
  });
  return { vmsByPop: byPop, atS: sample.atS, vmsNote: `VMs per host from hosts.csv (all ${hostTotal} hosts)`, vmsLost: 0 };
}

function migrationFlows(run: RunFolder): Pick<CloudView, 'flows' | 'migrationsWithinPops' | 'migrationsFailed' | 'migrationsNote'> {
  const kinds = (run.scenario.trace as { kinds?: unknown } | undefined)?.kinds;
  if (!existsSync(join(run.dir, TRACE_FILE)) || !Array.isArray(kinds) || !kinds.includes('migration')) {
    return { flows: null, migrationsWithinPops: 0, migrationsFailed: 0, migrationsNote: 'migrations need --trace migration' };
  }
  const trace = readTrace(run.dir);
  const counts = new Map<string, MigrationFlow>();
  let within = 0;
  let failed = 0;
  for (const m of trace.migrations) {
    if (!m.ok) {
      failed++;
      continue;
    }
    const [from, to] = [popOfHost(m.from), popOfHost(m.to)];
    if (from === to) {
      within++;
      continue;
    }
    const key = JSON.stringify([from, to]);
    counts.set(key, { from, to, count: (counts.get(key)?.count ?? 0) + 1 });
  }
  const flows = [...counts.values()].sort((a, b) => b.count - a.count || (a.from + a.to < b.from + b.to ? -1 : 1));
  const truncated = trace.dropped > 0 ? `; trace truncated, ${trace.dropped} records after the first ${trace.migrations.length + trace.partitions.length + trace.hostEvents.length} not drawn` : '';
  const done = flows.reduce((s, f) => s + f.count, 0) + within;
  return { flows, migrationsWithinPops: within, migrationsFailed: failed, migrationsNote: `${done} migrations from trace.jsonl, ${within} within a PoP, ${failed} failed${truncated}` };
}
