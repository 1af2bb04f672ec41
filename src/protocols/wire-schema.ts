/**
 * Building blocks of the protocols' wire schemas (each protocol's `*-schemas.ts`, beside its
 * messages). A live node checks every decoded message against its protocol's schema before the
 * protocol sees it, so handlers may trust field types, finiteness, node ids in 0..peerCount-1
 * and list lengths. Zod objects are strict: a field a protocol never sends is refused too, and
 * the schema test (every message sent in simulated runs passes) keeps them from drifting.
 *
 * Bounds are generous facts of the model, not tuning: times under 1e12 ms (31 years of a
 * node's clock), coordinates and RTTs under 1e6 ms (a thousand seconds), counters safe integers.
 */
import { z } from 'zod';
import { type Message, messageValidator, type MessageValidator } from '../runtime/context.js';

/** A node's clock reading (ms since it started live; virtual time in simulation). */
export const TIME_MS_MAX = 1e12;
/** Any coordinate component, height or RTT, in ms. */
export const COORD_MS_MAX = 1e6;
/** A list without a bound from the config: a datagram could not carry more anyway. */
export const LIST_MAX = 10_000;

export const finite = z.number().refine(Number.isFinite);
/** A reading of a node's clock, in ms (never negative). */
export const timeMs = z.number().min(0).max(TIME_MS_MAX);
/** A counter, sequence number, request id, version or VM id: a non-negative safe integer. */
export const counter = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** An integer that may be -1 ("none") or any other safe integer (random incarnations, ring keys). */
export const integer = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
export const rttMs = z.number().min(0).max(COORD_MS_MAX);
/** A short label (a reason, a country code): never a payload. */
export const label = z.string().max(64);

/** A node id of a deployment of `peerCount` nodes. */
export function nodeId(peerCount: number): z.ZodNumber {
  return z.number().int().min(0).max(peerCount - 1);
}

/** A node id, or -1 for "none". */
export function nodeIdOrNone(peerCount: number): z.ZodNumber {
  return z.number().int().min(-1).max(peerCount - 1);
}

export function list<T extends z.ZodType>(item: T, max: number): z.ZodArray<T> {
  return z.array(item).max(max);
}

/**
 * A coordinate vector of exactly `dimensions` finite components within COORD_MS_MAX: a plain
 * array, or a Float64Array (the live codec revives Vivaldi's coordinates as one).
 */
export function coordinateVec(dimensions: number): z.ZodType<readonly number[] | Float64Array> {
  return z.custom<readonly number[] | Float64Array>((value) => {
    if (!(Array.isArray(value) || value instanceof Float64Array) || value.length !== dimensions) return false;
    for (let k = 0; k < value.length; k++) {
      const x = value[k];
      if (typeof x !== 'number' || !(x >= -COORD_MS_MAX && x <= COORD_MS_MAX)) return false;
    }
    return true;
  });
}

/** A message's schema: `{type: <literal>, ...fields}`, strict. */
export function message<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({ type: z.literal(type), ...shape });
}

/** A validator from the schemas of a protocol's messages (keyed by their `type` literal). */
export function validatorOf(schemas: readonly z.ZodObject<{ type: z.ZodLiteral<string> } & z.ZodRawShape>[]): MessageValidator {
  const checks: Record<string, (m: Message) => boolean> = {};
  for (const schema of schemas) {
    const type = schema.shape.type.value;
    if (type in checks) throw new Error(`wire schema: message type ${type} defined twice`);
    checks[type] = (m) => schema.safeParse(m).success;
  }
  return messageValidator(checks);
}

const VM_STATES = ['running', 'suspended', 'stopped'] as const;

/** A host's monitoring data (`Hypervisor.host()`), as schedulers send it. */
export function hostInfo(peerCount: number) {
  return z.strictObject({ node: nodeId(peerCount), cores: z.number().min(0).max(1e6), memoryMiB: z.number().min(0).max(1e12), site: integer, country: label });
}

/** A VM's monitoring data (`Hypervisor.vms()`, `incomingVms()`). */
export const vmInfo = z.strictObject({
  vm: counter,
  vcpus: z.number().min(0).max(1e6),
  memoryMiB: z.number().min(0).max(1e12),
  cpuDemand: z.number().min(0).max(1e6),
  state: z.enum(VM_STATES),
  ve: integer,
  migrating: z.boolean(),
  incoming: z.boolean(),
});
