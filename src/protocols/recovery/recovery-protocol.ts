/**
 * Snapshots and recovery from them as a service of the DISCOVERY agent (issue 15 §2 and §5).
 * Every node plays two roles:
 *
 * - origin: at each VM's slot (staggered over the period by VM id), and at the first look after a
 *   VM arrived (a migration, a restore: at most `rescanMs` later), it snapshots each running VM
 *   of its hypervisor and ships the file to the VM's store (`store-choice.ts`: from the VM's home
 *   host, a static fact, so the store stays the same wherever the VM runs; the hosts its failed
 *   ships made it suspect skipped). A first ship from this host tells the store first
 *   (`rec.claim`: watch this host now, the file held stays good); a stored ship tells it the
 *   file's state (`rec.entry`); a VM that left (migrated away, or now stored elsewhere) is
 *   forgotten at its old store (`rec.forget`, unless another host claimed it since).
 * - store: it keeps the catalogue of the files it holds (`catalogue.ts`) and watches their origin
 *   hosts with a heartbeat detector of its own (`recovery.fd`). When an origin leaves, its VMs
 *   are pending: the store asks every host (`rec.query`) which of them, and which members of
 *   their VEs, it runs or receives, and how much memory and CPU it has; with the answers (up to
 *   `answerTimeoutMs`) it drops the VMs found running (not lost: they had moved), and chooses a
 *   host for each other one by the pure rule of `restart-choice.ts`, counting the restarts it has
 *   under way; it asks that host to hold room for the VM (`rec.reserve`: the target admits it
 *   against its own memory, the room it holds for other stores' restarts, and the members of a
 *   spread-over-hosts VE it runs), then sends the file there (`Hypervisor.sendSnapshot`) and asks
 *   it to restore the VM (`rec.restore`, `Hypervisor.restoreSnapshot`). A refused reservation is
 *   planned again at once with a new query (whose answers count the room now held); a fetch cut,
 *   a refused restore or silence is retried after `retryMs`.
 *
 * What a store knows: the places of hosts (static), who answered its last query (taken as up),
 * their free memory and CPU demand (room held for restarts included), the asked VMs and VE
 * members they run, receive or hold room for, and its own restarts under way. Two stores may
 * still choose against each other's restarts of one VE between a query and a reservation: the
 * members of a VE that share a PoP share a store, so a VE's members lost together are planned by
 * one store.
 */
import type { FailureDetector } from '../../actors/failure-detector.js';
import type { Message, NodeContext, NodeId, Protocol, TimerHandle, VmId, VmInfo } from '../../runtime/context.js';
import { SnapshotCatalogue } from './catalogue.js';
import type { RecoveryConfig } from './recovery-config.js';
import { REC_HEADER_BYTES, REC_ID_BYTES, type RecEntry, type RecoveryMessage, type RecQuery, type RecRestore, type RecState } from './recovery-messages.js';
import { restartChoice, type RestartView } from './restart-choice.js';
import { storeFor } from './store-choice.js';

export const RECOVERY = 'recovery';
export const RECOVERY_DETECTOR = 'recovery.fd';

interface Round {
  readonly id: number;
  readonly vms: readonly VmId[];
  /** Hosts asked, this one included: the round closes when all have answered. */
  readonly asked: number;
  readonly answers: Map<NodeId, RecState>;
  readonly timer: TimerHandle;
}

interface Restart {
  readonly target: NodeId;
  readonly memoryMiB: number;
  readonly demandMilli: number;
  timer: TimerHandle | null;
}

/** Room a target holds for a restart on its way (from `rec.reserve` to `rec.restore`, or until it expires). */
interface Held {
  readonly memoryMiB: number;
  readonly demandMilli: number;
  readonly ve: number;
  readonly timer: TimerHandle;
}

export class RecoveryProtocol implements Protocol {
  readonly name = RECOVERY;
  readonly catalogue = new SnapshotCatalogue();
  /** Origin side: the store each VM's latest snapshot went to, the VMs with a ship in flight, stores suspected until (ms). */
  private readonly shipped = new Map<VmId, NodeId>();
  private readonly shipping = new Set<VmId>();
  private readonly suspectUntilMs = new Map<NodeId, number>();
  private lastWakeUs = 0;
  private firstWake = true;
  /** The VMs here at the last look. */
  private seen = new Set<VmId>();
  private wakeTimer: TimerHandle | null = null;
  /** Store side: VMs whose origin left and that are not restored yet, the restarts under way, the open query. */
  private readonly pending = new Set<VmId>();
  /** Hosts the detector declared gone and has not seen back: not asked (a round would wait for them in vain). */
  private readonly gone = new Set<NodeId>();
  private readonly restarts = new Map<VmId, Restart>();
  /** Target side: room held for restarts on their way here, by VM. */
  private readonly held = new Map<VmId, Held>();
  private round: Round | null = null;
  private roundsAsked = 0;
  private retryTimer: TimerHandle | null = null;
  private readonly periodUs: number;
  private readonly constraintsOf = new Map<number, RecoveryConfig['constraints'][number][]>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: RecoveryConfig,
    detector: FailureDetector,
  ) {
    this.periodUs = Math.round(config.periodMs * 1000);
    if (!(this.periodUs >= 1)) throw new RangeError(`RecoveryProtocol: periodMs must be >= 0.001, got ${config.periodMs}`);
    for (const c of config.constraints) this.constraintsOf.set(c.ve, [...(this.constraintsOf.get(c.ve) ?? []), c]);
    detector.subscribe((event) => {
      if (event.kind === 'join') this.gone.delete(event.peer);
      if (event.kind !== 'leave') return;
      this.gone.add(event.peer);
      this.originLeft(event.peer);
    });
  }

  /** The hosts whose snapshots this store holds: what its detector watches. */
  peers(): readonly NodeId[] {
    return this.catalogue.origins();
  }

  onStart(): void {
    if (this.ctx.hypervisor === undefined) return;
    this.lastWakeUs = this.nowUs();
    this.wake();
  }

  onStop(): void {
    this.wakeTimer?.cancel();
    this.round?.timer.cancel();
    this.retryTimer?.cancel();
    for (const r of this.restarts.values()) r.timer?.cancel();
    for (const h of this.held.values()) h.timer.cancel();
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as RecoveryMessage;
    switch (msg.type) {
      case 'rec.entry':
        return this.onEntry(from, msg);
      case 'rec.claim':
        if (!this.pending.has(msg.vm)) this.catalogue.moveTo(msg.vm, from);
        return;
      case 'rec.forget':
        if (this.catalogue.get(msg.vm)?.origin === from && !this.pending.has(msg.vm)) this.drop(msg.vm);
        return;
      case 'rec.query':
        return this.send(from, this.answer(msg), msg.vms.length);
      case 'rec.state':
        return this.onState(from, msg);
      case 'rec.reserve':
        return this.onReserve(from, msg);
      case 'rec.reserved':
        return msg.ok ? this.reserved(from, msg.vm) : this.restoreEnded(from, msg.vm, false, `refused-${msg.reason}`);
      case 'rec.restore':
        return this.onRestore(from, msg);
      case 'rec.restored':
        return this.restoreEnded(from, msg.vm, msg.ok, msg.reason);
      default:
        this.ctx.metrics.count('recovery.unknown_messages');
    }
  }

  // ---- origin: snapshots at each VM's slot ----

  private nowUs(): number {
    return Math.round(this.ctx.nowMs() * 1000);
  }

  /** First slot of `vm` after `afterUs`. */
  private nextSlotUs(vm: VmId, afterUs: number): number {
    const offsetUs = Math.max(1, Math.floor((this.periodUs * (vm + 1)) / this.config.vmCount));
    const k = afterUs < offsetUs ? 0 : Math.floor((afterUs - offsetUs) / this.periodUs) + 1;
    return offsetUs + k * this.periodUs;
  }

  private wake(): void {
    const hv = this.ctx.hypervisor;
    if (hv === undefined) return;
    const nowUs = this.nowUs();
    const here = hv.vms();
    const present = new Set(here.map((v) => v.vm));
    for (const [vm, store] of [...this.shipped]) {
      if (present.has(vm)) continue;
      this.shipped.delete(vm); // gone from this host: its store forgets it unless it is lost here
      this.send(store, { type: 'rec.forget', vm }, 0);
    }
    let nextUs = nowUs + Math.round(this.config.rescanMs * 1000);
    for (const info of here) {
      if (info.vm >= this.config.vmCount) continue;
      // At its slot; or at once when it arrived since the last look (migrated or restored here): its
      // latest snapshot names another origin, whose store would not restart it if this host failed.
      const arrived = !this.firstWake && !this.seen.has(info.vm);
      if (arrived || this.nextSlotUs(info.vm, this.lastWakeUs) <= nowUs) this.ship(info);
      nextUs = Math.min(nextUs, this.nextSlotUs(info.vm, nowUs));
    }
    this.lastWakeUs = nowUs;
    this.firstWake = false;
    this.seen = present;
    this.wakeTimer = this.ctx.setTimer((nextUs - nowUs) / 1000, () => this.wake());
  }

  /** Snapshot `info`'s VM and ship it to its store; a store that fails the ship is suspect for `retryMs` and the next one is tried at once. */
  private ship(info: VmInfo): void {
    const hv = this.ctx.hypervisor;
    if (hv === undefined || info.state !== 'running' || info.migrating || this.shipping.has(info.vm)) return;
    const nowMs = this.ctx.nowMs();
    const { facts, vmHome } = this.config;
    const store = storeFor(facts, vmHome[info.vm], info.ve >= 0 ? info.ve : info.vm, (h) => h !== this.ctx.id && !((this.suspectUntilMs.get(h) ?? -1) > nowMs), facts.hostPop[this.ctx.id]);
    if (store < 0) {
      this.ctx.metrics.count('recovery.ships_no_store');
      return;
    }
    this.shipping.add(info.vm);
    // A VM new here, or a new store: the store watches this host from now on, its older file still good for a restart.
    if (this.shipped.get(info.vm) !== store) this.send(store, { type: 'rec.claim', vm: info.vm }, 0);
    const demandMilli = Math.round(info.cpuDemand * 1000);
    hv.shipSnapshot(info.vm, store, (outcome) => {
      this.shipping.delete(info.vm);
      if (!outcome.ok) {
        this.ctx.metrics.count(`recovery.ships_failed.${outcome.reason}`);
        if (outcome.reason === 'not-here' || outcome.reason === 'not-running') return;
        this.suspectUntilMs.set(store, this.ctx.nowMs() + this.config.retryMs);
        const now = hv.vms().find((v) => v.vm === info.vm);
        if (now !== undefined) this.ship(now); // each failure makes one more host suspect: at most hostCount tries
        return;
      }
      const entry: RecEntry = { type: 'rec.entry', vm: info.vm, stateMs: outcome.stateMs, bytes: outcome.bytes, vcpus: info.vcpus, memoryMiB: info.memoryMiB, ve: info.ve, demandMilli };
      this.send(store, entry, 0);
      const before = this.shipped.get(info.vm);
      if (before !== undefined && before !== store) this.send(before, { type: 'rec.forget', vm: info.vm }, 0);
      this.shipped.set(info.vm, store);
    });
  }

  // ---- store: the catalogue and the restarts ----

  private onEntry(from: NodeId, msg: RecEntry): void {
    const { type: _t, ...fields } = msg;
    this.catalogue.put({ ...fields, origin: from });
  }

  private drop(vm: VmId): void {
    this.catalogue.forget(vm);
    this.pending.delete(vm);
    this.ctx.hypervisor?.dropSnapshot(vm);
  }

  private originLeft(origin: NodeId): void {
    const vms = this.catalogue.ofOrigin(origin);
    if (vms.length === 0) return;
    this.ctx.metrics.count('recovery.origins_left');
    for (const vm of vms) this.pending.add(vm);
    this.ask();
  }

  /** A query round over every host for the pending VMs not under way (one round at a time). */
  private ask(): void {
    if (this.round !== null) return;
    this.retryTimer?.cancel();
    this.retryTimer = null;
    const vms = [...this.pending].filter((vm) => !this.restarts.has(vm)).sort((a, b) => a - b);
    if (vms.length === 0) return;
    const ves = [...new Set(vms.map((vm) => this.catalogue.get(vm)?.ve ?? -1).filter((ve) => ve >= 0))].sort((a, b) => a - b);
    const id = ++this.roundsAsked;
    const query: RecQuery = { type: 'rec.query', round: id, vms, ves };
    const timer = this.ctx.setTimer(this.config.answerTimeoutMs, () => this.plan());
    const asked = this.config.facts.hostCount - this.gone.size;
    this.round = { id, vms, asked, answers: new Map([[this.ctx.id, this.answer(query)]]), timer };
    for (let h = 0; h < this.config.facts.hostCount; h++) if (h !== this.ctx.id && !this.gone.has(h)) this.send(h, query, vms.length + ves.length);
    this.ctx.metrics.count('recovery.queries');
  }

  /** This host's answer to a query: the asked VMs and VE members here or on their way here, free memory, CPU demand. */
  private answer(query: RecQuery): RecState {
    const hv = this.ctx.hypervisor;
    const state: RecState = { type: 'rec.state', round: query.round, freeMiB: 0, demandMilli: 0, vms: [], ves: [] };
    if (hv === undefined) return state;
    const vms: VmId[] = [];
    const ves: number[] = [];
    const asked = new Set(query.vms);
    const askedVes = new Set(query.ves);
    for (const list of [hv.vms(), hv.incomingVms()]) {
      for (const info of list) {
        if (!asked.has(info.vm) && !askedVes.has(info.ve)) continue;
        vms.push(info.vm);
        ves.push(info.ve);
      }
    }
    let heldMiB = 0;
    let heldMilli = 0;
    for (const [vm, h] of this.held) {
      heldMiB += h.memoryMiB;
      heldMilli += h.demandMilli;
      if (!asked.has(vm) && !askedVes.has(h.ve)) continue;
      vms.push(vm);
      ves.push(h.ve);
    }
    return { ...state, freeMiB: this.freeMiB() - heldMiB, demandMilli: Math.round(hv.cpuDemand() * 1000) + heldMilli, vms, ves };
  }

  /** Memory free on this host for a VM arriving, MiB: capacity - used - VMs migrating here (room held for restarts apart). */
  private freeMiB(): number {
    const hv = this.ctx.hypervisor;
    if (hv === undefined) return 0;
    let incomingMiB = 0;
    for (const info of hv.incomingVms()) incomingMiB += info.memoryMiB;
    return hv.host().memoryMiB - hv.memoryUsedMiB() - incomingMiB;
  }

  private onState(from: NodeId, msg: RecState): void {
    const round = this.round;
    if (round === null || msg.round !== round.id) return;
    round.answers.set(from, msg);
    if (round.answers.size >= round.asked) this.plan();
  }

  /** The round closes: VMs found running are dropped, the others get a host each (or wait for the next round). */
  private plan(): void {
    const round = this.round;
    if (round === null) return;
    round.timer.cancel();
    this.round = null;
    const { facts } = this.config;
    const hostOf = new Map<VmId, NodeId>();
    for (const [h, answer] of round.answers) for (const vm of answer.vms) hostOf.set(vm, h);
    for (const [vm, r] of this.restarts) hostOf.set(vm, r.target);
    const plannedMiB = new Float64Array(facts.hostCount);
    const plannedMilli = new Float64Array(facts.hostCount);
    for (const [vm, r] of this.restarts) {
      if (round.answers.get(r.target)?.vms.includes(vm) === true) continue; // held there already, counted in its answer
      plannedMiB[r.target] += r.memoryMiB;
      plannedMilli[r.target] += r.demandMilli;
    }
    const view: RestartView = {
      hostCount: facts.hostCount,
      hostPop: facts.hostPop,
      hostCountry: facts.hostCountry,
      usable: (h) => round.answers.has(h),
      freeMiB: (h) => (round.answers.get(h)?.freeMiB ?? 0) - plannedMiB[h],
      demandMilli: (h) => (round.answers.get(h)?.demandMilli ?? 0) + plannedMilli[h],
      popLatencyUs: (pa, pb) => facts.popLatencyUs(pa, pb),
    };
    const answeredPops = new Set([...round.answers.keys()].map((h) => facts.hostPop[h]));
    for (const vm of round.vms) {
      const entry = this.catalogue.get(vm);
      if (entry === undefined || !this.pending.has(vm) || this.restarts.has(vm)) continue;
      if (hostOf.has(vm)) {
        this.ctx.metrics.count('recovery.found_running');
        this.drop(vm);
        continue;
      }
      const members = this.membersOf(entry.ve, vm, round, hostOf);
      const originPop = facts.hostPop[entry.origin];
      const fromPop = answeredPops.has(originPop) ? originPop : facts.hostPop[this.ctx.id];
      const target = restartChoice(view, { vm, memoryMiB: entry.memoryMiB, fromPop, constraints: this.constraintsOf.get(entry.ve) ?? [], places: members });
      if (target < 0) {
        this.ctx.metrics.count('recovery.no_host');
        continue;
      }
      plannedMiB[target] += entry.memoryMiB;
      plannedMilli[target] += entry.demandMilli;
      hostOf.set(vm, target);
      this.startRestart(vm, target);
    }
    // VMs that became pending while the round was open (another origin left meanwhile) are asked about now; the others wait.
    const inRound = new Set(round.vms);
    if ([...this.pending].some((vm) => !inRound.has(vm) && !this.restarts.has(vm))) this.ask();
    else this.retryLater();
  }

  /** The other members of VE `ve` with a known place: as the answers list them, or where this store restarts them. */
  private membersOf(ve: number, vm: VmId, round: Round, hostOf: ReadonlyMap<VmId, NodeId>) {
    const members: VmId[] = [];
    const hosts: NodeId[] = [];
    const sites: number[] = [];
    if (ve < 0) return { members, hosts, sites };
    const seen = new Set<VmId>();
    for (const answer of round.answers.values()) answer.vms.forEach((m, k) => answer.ves[k] === ve && seen.add(m));
    for (const m of this.restarts.keys()) if (this.catalogue.get(m)?.ve === ve) seen.add(m);
    for (const m of [...seen].sort((a, b) => a - b)) {
      const host = hostOf.get(m);
      if (m === vm || host === undefined) continue;
      members.push(m);
      hosts.push(host);
      sites.push(this.config.facts.hostPop[host]);
    }
    return { members, hosts, sites };
  }

  private startRestart(vm: VmId, target: NodeId): void {
    const entry = this.catalogue.get(vm);
    if (entry === undefined) return;
    const restart: Restart = { target, memoryMiB: entry.memoryMiB, demandMilli: entry.demandMilli, timer: null };
    this.restarts.set(vm, restart);
    restart.timer = this.ctx.setTimer(this.config.restoreTimeoutMs, () => this.restoreEnded(target, vm, false, 'timeout'));
    const request = { type: 'rec.reserve', vm, memoryMiB: entry.memoryMiB, demandMilli: entry.demandMilli, ve: entry.ve } as const;
    if (target === this.ctx.id) this.onReserve(target, request);
    else this.send(target, request, 0);
  }

  /** The target holds room: send it the file (nothing to send to this host itself), then ask it to restore. */
  private reserved(from: NodeId, vm: VmId): void {
    const hv = this.ctx.hypervisor;
    const restart = this.restarts.get(vm);
    const entry = this.catalogue.get(vm);
    if (hv === undefined || restart === undefined || restart.target !== from || entry === undefined) return;
    const request: RecRestore = { type: 'rec.restore', vm, vcpus: entry.vcpus, memoryMiB: entry.memoryMiB, ve: entry.ve };
    if (from === this.ctx.id) return this.onRestore(from, request);
    hv.sendSnapshot(vm, from, (outcome) => {
      if (this.restarts.get(vm) !== restart) return;
      if (!outcome.ok) return this.restoreEnded(from, vm, false, `fetch-${outcome.reason}`);
      this.send(from, request, 0);
    });
  }

  /** Target side: hold room for a restart unless the memory free (room held included) is short or a member of a spread-over-hosts VE runs here. */
  private onReserve(from: NodeId, msg: { readonly vm: VmId; readonly memoryMiB: number; readonly demandMilli: number; readonly ve: number }): void {
    const reply = (ok: boolean, reason: string): void => {
      if (from === this.ctx.id) {
        if (ok) this.reserved(from, msg.vm);
        else this.restoreEnded(from, msg.vm, false, `refused-${reason}`);
      } else this.send(from, { type: 'rec.reserved', vm: msg.vm, ok, reason }, 0);
    };
    this.release(msg.vm);
    let heldMiB = 0;
    for (const h of this.held.values()) heldMiB += h.memoryMiB;
    if (this.freeMiB() - heldMiB < msg.memoryMiB) return reply(false, 'no-room');
    if (this.spreadHere(msg.vm, msg.ve)) return reply(false, 'constraint');
    const timer = this.ctx.setTimer(this.config.restoreTimeoutMs, () => this.release(msg.vm));
    this.held.set(msg.vm, { memoryMiB: msg.memoryMiB, demandMilli: msg.demandMilli, ve: msg.ve, timer });
    reply(true, '');
  }

  private release(vm: VmId): void {
    this.held.get(vm)?.timer.cancel();
    this.held.delete(vm);
  }

  /** Whether a member of `ve` other than `vm` runs here or has room held here, under a spread over hosts. */
  private spreadHere(vm: VmId, ve: number): boolean {
    if (!(this.constraintsOf.get(ve) ?? []).some((c) => c.kind === 'spread' && c.scope === 'host')) return false;
    if ((this.ctx.hypervisor?.vms() ?? []).some((v) => v.ve === ve && v.vm !== vm)) return true;
    for (const [m, h] of this.held) if (h.ve === ve && m !== vm) return true;
    return false;
  }

  /** Target side: restore from the file this host's store received, unless a member of a spread-over-hosts VE runs here. */
  private onRestore(from: NodeId, msg: RecRestore): void {
    const hv = this.ctx.hypervisor;
    if (hv === undefined) return;
    this.release(msg.vm);
    const spreadHere = this.spreadHere(msg.vm, msg.ve);
    const reply = (ok: boolean, reason: string): void => {
      if (from !== this.ctx.id) hv.dropSnapshot(msg.vm); // the fetched copy; the store keeps its own until it hears
      if (from === this.ctx.id) this.restoreEnded(from, msg.vm, ok, reason);
      else this.send(from, { type: 'rec.restored', vm: msg.vm, ok, reason }, 0);
    };
    if (spreadHere) return reply(false, 'constraint');
    hv.restoreSnapshot({ vm: msg.vm, vcpus: msg.vcpus, memoryMiB: msg.memoryMiB, ve: msg.ve }, (outcome) => reply(outcome.ok, outcome.reason));
  }

  private restoreEnded(from: NodeId, vm: VmId, ok: boolean, reason: string): void {
    const restart = this.restarts.get(vm);
    if (restart === undefined || restart.target !== from) return;
    restart.timer?.cancel();
    this.restarts.delete(vm);
    if (ok) {
      this.ctx.metrics.count('recovery.restored');
      this.drop(vm); // it runs on the target now, whose agent snapshots it from there
      return;
    }
    this.ctx.metrics.count(`recovery.restores_failed.${reason}`);
    if (reason.startsWith('refused-')) this.ask(); // fresh answers count the room now held: plan again now
    else this.retryLater();
  }

  private retryLater(): void {
    if (this.retryTimer !== null || this.round !== null) return;
    for (const vm of this.pending) {
      if (this.restarts.has(vm)) continue;
      this.retryTimer = this.ctx.setTimer(this.config.retryMs, () => {
        this.retryTimer = null;
        this.ask();
      });
      return;
    }
  }

  private send(to: NodeId, message: RecoveryMessage, ids: number): void {
    this.ctx.send(to, message, REC_HEADER_BYTES + REC_ID_BYTES * ids);
  }
}
