/**
 * The VE records an owner holds. Pure: time is an argument.
 *   - a configured record: members (from `configure`, or rebuilt from a host's copy of the
 *     record after the owner changed), the VE's state and version, and each member's last
 *     reported host; the host is soft state, forgotten `ttlMs` after the last report;
 *   - a placeholder: reports for a VE nobody configured here yet keep the hosts of the VMs
 *     reported (so that a configure that comes later knows them at once); it is not a VE to
 *     operate on (reads as unknown), and is purged once all its hosts expired;
 *   - rebuilt from reports (`rebuildFromReports`): when a request finds only a placeholder with
 *     a live host (the record and every copy of it were lost: the owner and the member hosts'
 *     VE managers all restarted), the placeholder becomes the record, with the members reported
 *     as its members, version 0 and state 'configured'. Reports keep adding the members they
 *     name, and it is never pushed to the hosts as their copy (it may lack members): a configure
 *     or any host's copy replaces it;
 *   - a report of a VM's host observed before the host the owner holds (a late report from the
 *     VM's previous host after a migration) is ignored: one clock in simulation, loosely
 *     synchronised ones in a live deployment;
 *   - versions are hybrid logical clocks, max(previous + 1, now in whole ms): a record configured
 *     anew at an owner that lost it (crashed, or took the key over) outranks the older copies
 *     the member hosts still report, and every later change outranks it in turn;
 *   - with the registry in the replicated store (`restore`, `durableOf`): the record read from the
 *     store replaces the owner's when it is newer (or the owner has none), and each member's
 *     stored host counts as a report observed when the owner wrote it, unless this owner has
 *     known the member's host since (even expired: a host forgotten for want of reports is not
 *     brought back by the next read);
 *   - bounds: at most `vesMax` records (placeholders are evicted first, oldest first; configured
 *     records never: a configure beyond is 'full') and `membersMax` members per record.
 */
import type { NodeId, VmId } from '../../runtime/context.js';
import type { VeRecordData, VeState } from './ve-messages.js';
import type { DurableVeRecord } from './ve-record-codec.js';

interface MemberSlot {
  host: NodeId;
  /** The host's PoP and country as it reported them (-1, '' unknown). */
  site: number;
  country: string;
  observedAtMs: number;
  expiresAtMs: number;
}

interface RecordSlot {
  configured: boolean;
  /** Rebuilt from reports alone: its members are those reported so far. */
  fromReports: boolean;
  state: VeState;
  version: number;
  members: Map<VmId, MemberSlot>;
}

/** A record as read now: members sorted, hosts -1 where unknown or expired. */
export interface VeView {
  readonly record: VeRecordData;
  readonly hosts: readonly NodeId[];
  /** Each member's host's PoP and country (-1, '' where unknown). */
  readonly sites: readonly number[];
  readonly countries: readonly string[];
  /** Rebuilt from reports alone: it may lack members that no report named yet. */
  readonly fromReports: boolean;
}

/** Where a host is: its node, PoP and country. */
export interface HostPlace {
  readonly node: NodeId;
  readonly site: number;
  readonly country: string;
}

export interface ReportResult {
  /** The report was dropped: no room for a new record. */
  readonly dropped: boolean;
  /** A configured record was created or updated from the reporter's copy. */
  readonly rebuilt: boolean;
  /** Members whose host the report set or refreshed. */
  readonly accepted: number;
  /** VMs reported that are not members, or whose report was older than the host held. */
  readonly ignored: number;
  /** The reporter's copy of the record is missing or older than the owner's: push it. */
  readonly pushRecord: VeRecordData | null;
}

const unknownSlot = (): MemberSlot => ({ host: -1, site: -1, country: '', observedAtMs: -Infinity, expiresAtMs: -Infinity });

export class VeStore {
  private readonly records = new Map<number, RecordSlot>();
  /** Placeholders evicted to make room. */
  evicted = 0;

  constructor(
    readonly vesMax: number,
    readonly membersMax: number,
    readonly ttlMs: number,
  ) {
    if (!(Number.isInteger(vesMax) && vesMax >= 1)) throw new RangeError(`vesMax must be an integer >= 1, got ${vesMax}`);
    if (!(Number.isInteger(membersMax) && membersMax >= 1)) throw new RangeError(`membersMax must be an integer >= 1, got ${membersMax}`);
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${ttlMs}`);
  }

  get size(): number {
    return this.records.size;
  }

  /** Register `members` (sorted, distinct): hosts already known for them are kept. False when full. */
  configure(ve: number, members: readonly VmId[], nowMs: number): boolean {
    if (members.length > this.membersMax) throw new RangeError(`VeStore.configure: ${members.length} members, more than membersMax = ${this.membersMax}`);
    const slot = this.records.get(ve) ?? this.create(ve, nowMs);
    if (slot === null) return false;
    slot.members = remap(slot.members, members);
    slot.version = nextVersion(slot.version, nowMs);
    slot.configured = true;
    slot.fromReports = false;
    slot.state = 'configured';
    return true;
  }

  /**
   * Make the placeholder of `ve` a record rebuilt from the reports, if it has a live host;
   * true when it did. A configured record or no placeholder: false, nothing changes.
   */
  rebuildFromReports(ve: number, nowMs: number): boolean {
    const slot = this.records.get(ve);
    if (slot === undefined || slot.configured) return false;
    let live = false;
    for (const member of slot.members.values()) if (member.expiresAtMs > nowMs) live = true;
    if (!live) return false;
    slot.members = remap(slot.members, [...slot.members.keys()].sort((a, b) => a - b));
    slot.configured = true;
    slot.fromReports = true;
    slot.version = 0;
    slot.state = 'configured';
    return true;
  }

  report(ve: number, host: HostPlace, vms: readonly VmId[], observedAtMs: number, copy: VeRecordData | null, nowMs: number): ReportResult {
    let slot = this.records.get(ve);
    let rebuilt = false;
    if (slot === undefined) {
      const created = this.create(ve, nowMs);
      if (created === null) return { dropped: true, rebuilt: false, accepted: 0, ignored: vms.length, pushRecord: null };
      slot = created;
    }
    if (copy !== null && (!slot.configured || copy.version > slot.version)) {
      slot.members = remap(slot.members, copy.members);
      slot.version = copy.version;
      slot.state = copy.state;
      slot.configured = true;
      slot.fromReports = false;
      rebuilt = true;
    }
    let accepted = 0;
    let ignored = 0;
    for (const vm of vms) {
      let member = slot.members.get(vm);
      if (member === undefined) {
        if ((slot.configured && !slot.fromReports) || slot.members.size >= this.membersMax) {
          ignored++;
          continue;
        }
        member = unknownSlot();
        slot.members.set(vm, member);
        if (slot.fromReports) slot.members = remap(slot.members, [...slot.members.keys()].sort((a, b) => a - b)); // members stay sorted
      }
      if (place(member, host, observedAtMs, nowMs, this.ttlMs)) accepted++;
      else ignored++;
    }
    const stale = slot.configured && !slot.fromReports && (copy === null || copy.version < slot.version);
    return { dropped: false, rebuilt, accepted, ignored, pushRecord: stale ? dataOf(slot) : null };
  }

  /** The configured record of `ve` with its members' hosts now, or null (none, or a placeholder). */
  view(ve: number, nowMs: number): VeView | null {
    const slot = this.records.get(ve);
    if (slot === undefined || !slot.configured) return null;
    const record = dataOf(slot);
    const live = liveMembers(slot, record.members, nowMs);
    return {
      record,
      hosts: live.map((m) => (m === null ? -1 : m.host)),
      sites: live.map((m) => (m === null ? -1 : m.site)),
      countries: live.map((m) => (m === null ? '' : m.country)),
      fromReports: slot.fromReports,
    };
  }

  /**
   * Take the record read from the store: it replaces the owner's when newer or when the owner
   * holds none configured ('loaded'; 'current' otherwise), and each stored host counts unless
   * the owner knew the member's host as observed since (live or expired); a stored host is kept
   * `hostTtlMs` unless reported. 'full': no room for it.
   */
  restore(ve: number, d: DurableVeRecord, nowMs: number, hostTtlMs = this.ttlMs): 'loaded' | 'current' | 'full' {
    const slot = this.records.get(ve) ?? this.create(ve, nowMs);
    if (slot === null) return 'full';
    const loaded = !slot.configured || slot.fromReports || d.record.version > slot.version;
    if (loaded) {
      slot.members = remap(slot.members, d.record.members);
      slot.version = d.record.version;
      slot.state = d.record.state;
      slot.configured = true;
      slot.fromReports = false;
    }
    d.record.members.forEach((vm, k) => {
      const member = slot.members.get(vm);
      if (member === undefined || d.hosts[k] < 0) return;
      // Known here since (live, or expired: its host forgotten for want of reports), the owner's word stands.
      if (member.observedAtMs >= d.observedAtMs[k]) return;
      place(member, { node: d.hosts[k], site: d.sites[k], country: '' }, d.observedAtMs[k], nowMs, hostTtlMs);
    });
    return loaded ? 'loaded' : 'current';
  }

  /** What the registry writes to the store: the configured record (not one rebuilt from reports) and its live hosts. */
  durableOf(ve: number, nowMs: number): DurableVeRecord | null {
    const slot = this.records.get(ve);
    if (slot === undefined || !slot.configured || slot.fromReports) return null;
    const record = dataOf(slot);
    const live = liveMembers(slot, record.members, nowMs);
    return {
      record,
      hosts: live.map((m) => (m === null ? -1 : m.host)),
      sites: live.map((m) => (m === null ? -1 : m.site)),
      observedAtMs: live.map((m) => (m === null ? -1 : m.observedAtMs)),
    };
  }

  /** After a successful command: the VE's new state, a new version. */
  setState(ve: number, state: VeState, nowMs: number): void {
    const slot = this.records.get(ve);
    if (slot === undefined || !slot.configured) return;
    slot.state = state;
    slot.version = nextVersion(slot.version, nowMs);
  }

  /** After a successful relocation: the member runs on `host` since `observedAtMs`. */
  moved(ve: number, vm: VmId, host: HostPlace, observedAtMs: number, nowMs: number): void {
    const member = this.records.get(ve)?.members.get(vm);
    if (member !== undefined) place(member, host, observedAtMs, nowMs, this.ttlMs);
  }

  /** Purge placeholders whose hosts all expired; returns how many. */
  sweep(nowMs: number): number {
    let purged = 0;
    for (const [ve, slot] of this.records) {
      if (slot.configured) continue;
      let live = false;
      for (const member of slot.members.values()) if (member.expiresAtMs > nowMs) live = true;
      if (!live) {
        this.records.delete(ve);
        purged++;
      }
    }
    return purged;
  }

  /** A new placeholder, making room by purging then evicting placeholders; null when full of configured records. */
  private create(ve: number, nowMs: number): RecordSlot | null {
    if (this.records.size >= this.vesMax) this.sweep(nowMs);
    if (this.records.size >= this.vesMax) {
      for (const [other, slot] of this.records) {
        if (slot.configured) continue;
        this.records.delete(other);
        this.evicted++;
        break;
      }
    }
    if (this.records.size >= this.vesMax) return null;
    const slot: RecordSlot = { configured: false, fromReports: false, state: 'configured', version: 0, members: new Map() };
    this.records.set(ve, slot);
    return slot;
  }
}

/** `members` in order, each with the slot it had in `from` (or unknown). */
function remap(from: Map<VmId, MemberSlot>, members: readonly VmId[]): Map<VmId, MemberSlot> {
  const to = new Map<VmId, MemberSlot>();
  for (const vm of members) to.set(vm, from.get(vm) ?? unknownSlot());
  return to;
}

function dataOf(slot: RecordSlot): VeRecordData {
  return { version: slot.version, state: slot.state, members: [...slot.members.keys()] };
}

/** Set (or refresh) a member's host, unless it was observed before another live host's report; false then. */
function place(member: MemberSlot, host: HostPlace, observedAtMs: number, nowMs: number, ttlMs: number): boolean {
  const live = member.expiresAtMs > nowMs;
  if (live && member.host !== host.node && observedAtMs < member.observedAtMs) return false;
  member.observedAtMs = live && member.host === host.node ? Math.max(member.observedAtMs, observedAtMs) : observedAtMs;
  member.host = host.node;
  member.site = host.site;
  member.country = host.country;
  member.expiresAtMs = nowMs + ttlMs;
  return true;
}

/** The version after a change at `nowMs`: above the previous one and at least the time in whole ms. */
export function nextVersion(previous: number, nowMs: number): number {
  return Math.max(previous + 1, Math.floor(nowMs));
}

/** Each member's slot while its host is known (reported within its time to live), else null. */
function liveMembers(slot: RecordSlot, members: readonly number[], nowMs: number): (MemberSlot | null)[] {
  return members.map((vm) => {
    const member = slot.members.get(vm) as MemberSlot;
    return member.expiresAtMs > nowMs ? member : null;
  });
}
