/**
 * Random fault schedules for `luc torture`, drawn from one seed (TigerBeetle's VOPR, FoundationDB's
 * simulation testing): host and PoP crashes with their recoveries, link cuts, partitions and
 * their healing, churn bursts (a few hosts leaving within seconds and coming back) and windows of
 * message loss. Every fault heals before `faultsEndS`, so the liveness invariants have the rest
 * of the run to hold. Faults are written in the scenario's own form: a schedule is a `faults`
 * list, shrunk by removing items and written back as a scenario file.
 */
import { randomStream, type Random } from '../kernel/random.js';

/** A fault as a scenario's `faults` list holds it (PoPs by index). */
export type FaultSpec =
  | { readonly kind: 'host-crash'; readonly atS: number; readonly host: number; readonly durationS: number }
  | { readonly kind: 'pop-crash'; readonly atS: number; readonly pop: number; readonly durationS: number }
  | { readonly kind: 'link-down'; readonly atS: number; readonly link: readonly [number, number]; readonly durationS: number }
  | { readonly kind: 'partition'; readonly atS: number; readonly pops: readonly number[]; readonly durationS: number }
  | { readonly kind: 'message-loss'; readonly atS: number; readonly link: readonly [number, number]; readonly lossProbability: number; readonly durationS: number }
  | { readonly kind: 'message-loss'; readonly atS: number; readonly pops: readonly number[]; readonly lossProbability: number; readonly durationS: number };

/** What a schedule may target: the topology's shape and the window faults fit in. */
export interface ScheduleShape {
  readonly hostCount: number;
  /** PoP count and links as [a, b] PoP indices; 0 and empty for an RTT matrix (host crashes only). */
  readonly popCount: number;
  readonly links: readonly (readonly [number, number])[];
  /** False when the scenario has its own churn: host faults would fight it over who is up. */
  readonly hostFaults: boolean;
  /** Faults start at or after this time and all have healed by `faultsEndS` (seconds). */
  readonly faultsStartS: number;
  readonly faultsEndS: number;
  /** At most this many draws (a churn burst is one draw of several host crashes). */
  readonly drawsMax: number;
}

type Kind = 'host-crash' | 'pop-crash' | 'link-down' | 'partition' | 'churn' | 'message-loss';

/** Relative weights of the fault kinds. */
const WEIGHTS: readonly (readonly [Kind, number])[] = [
  ['host-crash', 25],
  ['pop-crash', 10],
  ['link-down', 15],
  ['partition', 15],
  ['churn', 15],
  ['message-loss', 20],
];

/** Hosts of a churn burst, and the seconds over which they leave. */
const CHURN_HOSTS_MAX = 6;
const CHURN_SPREAD_S = 10;

/** The schedule of seed `seed`: the same seed and shape give the same faults. */
export function drawSchedule(seed: number, shape: ScheduleShape): FaultSpec[] {
  if (!(shape.faultsEndS > shape.faultsStartS)) throw new RangeError(`drawSchedule: no room for faults between ${shape.faultsStartS} s and ${shape.faultsEndS} s`);
  const rng = randomStream(seed, 'torture.schedule');
  const kinds = WEIGHTS.filter(([kind]) => allowed(kind, shape));
  const total = kinds.reduce((sum, [, w]) => sum + w, 0);
  const draws = 1 + rng.int(shape.drawsMax);
  const faults: FaultSpec[] = [];
  for (let d = 0; d < draws && total > 0; d++) {
    let pick = rng.next() * total;
    let kind = kinds[kinds.length - 1][0];
    for (const [k, w] of kinds) {
      if (pick < w) {
        kind = k;
        break;
      }
      pick -= w;
    }
    faults.push(...drawFault(kind, rng, shape));
  }
  return faults.sort((a, b) => a.atS - b.atS);
}

function allowed(kind: Kind, shape: ScheduleShape): boolean {
  if (kind === 'host-crash' || kind === 'churn') return shape.hostFaults && shape.hostCount > 0;
  if (kind === 'pop-crash') return shape.hostFaults && shape.popCount > 1;
  if (kind === 'partition') return shape.popCount > 1 && shape.links.length > 0;
  return shape.links.length > 0;
}

function drawFault(kind: Kind, rng: Random, shape: ScheduleShape): FaultSpec[] {
  const atS = ms(shape.faultsStartS + rng.next() * (shape.faultsEndS - shape.faultsStartS));
  const durationS = drawDuration(rng, shape.faultsEndS - atS);
  switch (kind) {
    case 'host-crash':
      return [{ kind, atS, host: rng.int(shape.hostCount), durationS }];
    case 'pop-crash':
      return [{ kind, atS, pop: rng.int(shape.popCount), durationS }];
    case 'link-down':
      return [{ kind, atS, link: pair(rng.pick(shape.links)), durationS }];
    case 'partition':
      return [{ kind, atS, pops: popSet(rng, shape.popCount), durationS }];
    case 'message-loss': {
      const lossProbability = ms(0.05 + rng.next() * 0.95);
      if (rng.next() < 0.5) return [{ kind, atS, link: pair(rng.pick(shape.links)), lossProbability, durationS }];
      return [{ kind, atS, pops: popSet(rng, shape.popCount), lossProbability, durationS }];
    }
    case 'churn': {
      const hosts = new Set<number>();
      const want = Math.min(shape.hostCount, 2 + rng.int(CHURN_HOSTS_MAX - 1));
      while (hosts.size < want) hosts.add(rng.int(shape.hostCount));
      return [...hosts].map((host) => {
        const leaveS = ms(Math.min(atS + rng.next() * CHURN_SPREAD_S, shape.faultsEndS - 0.002));
        return { kind: 'host-crash' as const, atS: leaveS, host, durationS: drawDuration(rng, shape.faultsEndS - leaveS) };
      });
    }
  }
}

/**
 * A duration that ends by the window's end: one in five very short (1 ms to 0.5 s: a crash
 * shorter than a message's flight, a link that flaps), half from 1 s to 1 min, the rest up to 5 min.
 */
function drawDuration(rng: Random, roomS: number): number {
  const u = rng.next();
  const s = u < 0.2 ? 0.001 + rng.next() * 0.499 : u < 0.7 ? 1 + rng.next() * 59 : 60 + rng.next() * 240;
  return Math.max(0.001, ms(Math.min(s, roomS - 0.001)));
}

/** Between one PoP and half of them, never all (a partition of every PoP cuts nothing). */
function popSet(rng: Random, popCount: number): number[] {
  const size = 1 + rng.int(Math.max(1, Math.floor(popCount / 2)));
  const order = rng.shuffle(Array.from({ length: popCount }, (_, p) => p));
  return order.slice(0, size).sort((a, b) => a - b);
}

function pair(link: readonly [number, number]): [number, number] {
  return [link[0], link[1]];
}

/** Whole milliseconds, so a schedule written as YAML reads back to the same microseconds. */
function ms(s: number): number {
  return Math.round(s * 1000) / 1000;
}
