/**
 * A VE record as the registry keeps it in the replicated store (`registry: 'store'`): what the
 * owner committed (version, state, members) and where each member ran as it knew then (host,
 * PoP, when observed), one list of numbers. Pure.
 *
 * Layout: [version, state code, n, member_1..member_n, then (host, site, observedAtMs) per member];
 * a host unknown to the owner is -1 (site -1, observed -1).
 */
import type { NodeId } from '../../runtime/context.js';
import { checkedRecord, VE_STATES, type VeRecordData } from './ve-messages.js';

export interface DurableVeRecord {
  readonly record: VeRecordData;
  /** Per member, in the order of `record.members`: its host, the host's PoP, when that was observed (-1: unknown). */
  readonly hosts: readonly NodeId[];
  readonly sites: readonly number[];
  readonly observedAtMs: readonly number[];
}

const HEADER_WORDS = 3;
const PLACE_WORDS = 3;

/** Words of a record of `members` members. */
export function veRecordWords(members: number): number {
  return HEADER_WORDS + (1 + PLACE_WORDS) * members;
}

export function encodeVeRecord(d: DurableVeRecord): number[] {
  const { record } = d;
  const out = [record.version, VE_STATES.indexOf(record.state), record.members.length, ...record.members];
  for (let k = 0; k < record.members.length; k++) out.push(d.hosts[k], d.sites[k], d.observedAtMs[k]);
  return out;
}

/** The record in `data`, or null when it is not one (wrong length, state, ids or order). */
export function decodeVeRecord(data: readonly number[], membersMax: number): DurableVeRecord | null {
  if (data.length < HEADER_WORDS) return null;
  const [version, state, n] = data;
  if (!(Number.isInteger(n) && n >= 0 && n <= membersMax) || data.length !== veRecordWords(n)) return null;
  const record = checkedRecord({ version, state: VE_STATES[state], members: data.slice(HEADER_WORDS, HEADER_WORDS + n) }, membersMax);
  if (record === null) return null;
  const hosts: NodeId[] = [];
  const sites: number[] = [];
  const observedAtMs: number[] = [];
  for (let k = 0; k < n; k++) {
    const at = HEADER_WORDS + n + PLACE_WORDS * k;
    const [host, site, observed] = [data[at], data[at + 1], data[at + 2]];
    if (!(Number.isInteger(host) && host >= -1 && Number.isInteger(site) && site >= -1 && Number.isFinite(observed))) return null;
    hosts.push(host);
    sites.push(site);
    observedAtMs.push(observed);
  }
  return { record, hosts, sites, observedAtMs };
}

/** Members whose host differs between two readings of one record (same members): a move to persist. */
export function hostsMoved(before: readonly NodeId[], after: readonly NodeId[]): boolean {
  if (before.length !== after.length) return true;
  for (let k = 0; k < after.length; k++) if (after[k] >= 0 && after[k] !== before[k]) return true;
  return false;
}


