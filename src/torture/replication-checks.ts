/**
 * Replication's promise for `luc torture` (issue 15 §6): no VM of a replicated VE is lost when a
 * single PoP fails. A backup in another PoP than its primary survives the primary's PoP, so the
 * promise is two invariants on the model (which hosts are up, where each replicated VM runs and
 * where its backup is):
 * - `replication.apart` (after every event that moved a VM, and at every scan): a replicated
 *   VM's backup is never in the PoP its primary runs in;
 * - `replication.failover` (after every event): a replicated VM lost with its primary's host
 *   while its backup held a complete checkpoint on an up host of another PoP runs again by the
 *   crash + the watcher's detection delay, unless that backup's host went down meanwhile (a
 *   second failure: the replica went with it) or running it there would now break its VE's
 *   spread or fence (a member relocated there while it was lost: the watcher must decline); and a VM failed over runs on a host that has not
 *   crashed since the VM was lost (a crashed host's replica is gone, even once it is back).
 * Whether the backup held a checkpoint is the service's (`hasReplicaState`: its sync ended),
 * read at the loss; whether the VM runs again, where, and which hosts crashed are the model's.
 * Obligations are kept per VM and checked only once one falls due, so an event costs a compare.
 */
import type { Cloud } from '../platform/cloud.js';
import type { VeConstraint } from '../placement/problem.js';
import { relocationViolation } from '../protocols/ve/ve-constraints.js';
import type { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';
import type { VmReplication } from '../scenario/vm-replication.js';
import { type Check, seconds } from './invariant.js';

export interface ReplicationCheckInput {
  readonly cloud: Cloud;
  readonly hypervisors: Pick<SimHypervisors, 'onVmPlaced' | 'onHostUp' | 'onMigrationStarted' | 'onMigrationEnded'>;
  readonly replication: Pick<VmReplication, 'backup' | 'isReplicated' | 'hasReplicaState' | 'isFailingOver' | 'detectionUs'>;
  readonly hostPop: ArrayLike<number>;
  readonly hostCountry: readonly string[];
  readonly constraints: readonly VeConstraint[];
  readonly popName: (pop: number) => string;
  readonly nowUs: () => number;
}

export interface ReplicationChecks {
  readonly perEvent: readonly Check[];
  readonly perScan: readonly Check[];
}

export function replicationChecks(input: ReplicationCheckInput): ReplicationChecks {
  const { cloud, hypervisors, replication, hostPop, hostCountry, constraints, popName, nowUs } = input;
  const n = cloud.vmCount;
  const replicated: number[] = [];
  for (let vm = 0; vm < n; vm++) if (replication.isReplicated(vm)) replicated.push(vm);
  /** Per VM: when its failover is due (-1 none), the backup it is due on, and its loss. */
  const dueUs = new Float64Array(n).fill(-1);
  const dueBackup = new Int32Array(n).fill(-1);
  const lostAtUs = new Float64Array(n).fill(-1);
  const lostFrom = new Int32Array(n).fill(-1);
  const lastDownUs = new Float64Array(cloud.hostCount).fill(-1);
  /** Per VM: where its migration in progress goes, -1 none (from the hypervisors, not the service). */
  const migratingTo = new Int32Array(n).fill(-1);
  hypervisors.onMigrationStarted((vm, _from, to) => {
    if (vm < n) migratingTo[vm] = to;
  });
  hypervisors.onMigrationEnded((record) => {
    if (record.vm < n) migratingTo[record.vm] = -1;
  });
  let pending = 0;
  let nextDueUs = Infinity;
  let broken: string | null = null;

  const clear = (vm: number): void => {
    if (dueUs[vm] < 0) return;
    dueUs[vm] = -1;
    pending--;
  };
  const describe = (host: number): string => `host ${host} (PoP ${popName(hostPop[host])})`;

  hypervisors.onVmPlaced((vm, from, to) => {
    if (vm >= n || !replication.isReplicated(vm)) return;
    const now = nowUs();
    if (to < 0) {
      clear(vm);
      lostAtUs[vm] = now;
      lostFrom[vm] = from;
      const backup = replication.backup[vm];
      if (backup < 0 || !replication.hasReplicaState(vm) || cloud.hostUp[backup] === 0 || hostPop[backup] === hostPop[from]) return;
      dueUs[vm] = now + replication.detectionUs;
      dueBackup[vm] = backup;
      pending++;
      nextDueUs = Math.min(nextDueUs, dueUs[vm]);
      return;
    }
    if (from >= 0) return;
    // Restored: an obligation due later is met (checked when due: a new loss would have replaced it).
    if (broken === null && replication.isFailingOver(vm) && lastDownUs[to] >= lostAtUs[vm]) {
      broken = `VM ${vm} failed over at ${seconds(now)} to ${describe(to)}, which crashed at ${seconds(lastDownUs[to])}, after the VM was lost at ${seconds(lostAtUs[vm])}: its replica went with that crash`;
    }
  });
  hypervisors.onHostUp((host, up) => {
    if (up) return;
    lastDownUs[host] = nowUs();
    if (pending === 0) return;
    for (const vm of replicated) if (dueUs[vm] >= 0 && dueBackup[vm] === host) clear(vm); // a second failure: excused
  });

  /**
   * Whether running `vm` on `backup` now would break its VE's spread or fence against where the
   * other members run or are migrating to (a relocation decided while `vm` was lost): the watcher
   * then rightly declines and leaves it to the recovery service. A gather fails over as one.
   */
  const failoverBreaksVe = (vm: number, backup: number): boolean => {
    const ve = cloud.vmVe[vm];
    const mine = constraints.filter((c) => c.ve === ve && c.kind !== 'gather');
    if (ve < 0 || mine.length === 0) return false;
    const places = { members: [] as number[], hosts: [] as number[], sites: [] as number[] };
    for (let m = 0; m < n; m++) {
      if (m === vm || cloud.vmVe[m] !== ve) continue;
      for (const host of [cloud.vmHost[m], migratingTo[m]]) {
        if (host < 0) continue;
        places.members.push(m);
        places.hosts.push(host);
        places.sites.push(hostPop[host]);
      }
    }
    return relocationViolation(mine, places, vm, { node: backup, site: hostPop[backup], country: hostCountry[backup] }) !== '';
  };

  const popsDown = (): number => {
    const up = new Set<number>();
    const all = new Set<number>();
    for (let h = 0; h < cloud.hostCount; h++) {
      all.add(hostPop[h]);
      if (cloud.hostUp[h] === 1) up.add(hostPop[h]);
    }
    return all.size - up.size;
  };

  const failover: Check = {
    name: 'replication.failover',
    check(now) {
      if (broken !== null) return broken;
      if (pending === 0 || now <= nextDueUs) return undefined;
      nextDueUs = Infinity;
      for (const vm of replicated) {
        if (dueUs[vm] < 0) continue;
        if (dueUs[vm] >= now) {
          nextDueUs = Math.min(nextDueUs, dueUs[vm]);
          continue;
        }
        if (cloud.vmLost[vm] === 1 && !failoverBreaksVe(vm, dueBackup[vm])) {
          const backup = dueBackup[vm];
          return `VM ${vm} (VE ${cloud.vmVe[vm]}) lost with ${describe(lostFrom[vm])} at ${seconds(lostAtUs[vm])} still lost at ${seconds(now)}, past the watcher's ${seconds(replication.detectionUs)}: its backup on ${describe(backup)} held a complete checkpoint and its host is up (${popsDown()} PoP(s) down now, backup now ${replication.backup[vm]})`;
        }
        clear(vm);
      }
      return null;
    },
  };

  let placementsChecked = -1;
  const apartNow = (): string | null => {
    placementsChecked = cloud.placementChanges;
    for (const vm of replicated) {
      const host = cloud.vmHost[vm];
      const backup = replication.backup[vm];
      if (host < 0 || backup < 0 || hostPop[host] !== hostPop[backup]) continue;
      return `VM ${vm} (VE ${cloud.vmVe[vm]}) runs on ${describe(host)} and its backup is on ${describe(backup)}, in the same PoP: one PoP's failure takes both`;
    }
    return null;
  };
  const apartPerEvent: Check = { name: 'replication.apart', check: () => (cloud.placementChanges === placementsChecked ? undefined : apartNow()) };
  const apartPerScan: Check = { name: 'replication.apart', check: apartNow };
  return { perEvent: [failover, apartPerEvent], perScan: [apartPerScan] };
}
