/**
 * The checks an incoming ISP must pass before a node acts on it (a malformed one is counted and
 * dropped: never an exception in a handler).
 */
import type { DvmsConfig } from './dvms-config.js';
import type { IspData, PartitionVersion } from './dvms-messages.js';
import { isMember } from './partition.js';

function isNode(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}

export function isValidVersion(v: PartitionVersion | null | undefined): v is PartitionVersion {
  return v !== null && v !== undefined && isNode(v.initiator) && isNode(v.seq) && isNode(v.epoch) && isNode(v.leader);
}

/** Well-formed, smaller than the size bound, naming its leader and initiator among its members. */
export function isValidIsp(isp: IspData | null | undefined, config: DvmsConfig): boolean {
  if (isp === null || isp === undefined || !isValidVersion(isp.version) || !Array.isArray(isp.members)) return false;
  if (isp.members.length < 1 || isp.members.length >= config.partitionSizeMax) return false;
  if (isp.state !== 'growing' && isp.state !== 'blocked') return false;
  if (!isNode(isp.hops) || !isNode(isp.plans) || !(isp.planningMs >= 0) || !Number.isFinite(isp.startedAtMs)) return false;
  for (const m of isp.members) if (m === null || typeof m !== 'object' || !isNode(m.host?.node) || !Array.isArray(m.vms)) return false;
  return isMember(isp.members, isp.version.leader) && isMember(isp.members, isp.version.initiator);
}
