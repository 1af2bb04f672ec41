/**
 * The wire schemas cannot drift from the protocols: short simulated runs of every protocol (and
 * the actors) with a hook on the simulated runtime's transmit, each message sent put through the
 * live codec (encode, MAC, open, decode) and checked against its protocol's schema, built for
 * the run's host count and configs. Every message type a schema knows must be seen sent, but
 * for a few the runs do not reach (listed, with why).
 */
import { createSecretKey } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message, MessageValidator } from '../../src/runtime/context.js';
import { agentSchemas } from '../../src/agent/agent-schemas.js';
import { decodeBody, encodeDatagram, openDatagram } from '../../src/runtime/live/wire-codec.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { ROOT } from '../support/dist-build.js';

const key = createSecretKey(Buffer.alloc(32, 9));

/** Per protocol name, the schema of a run: the agent's own (what a live agent checks). */
function schemasOf(scenario: Scenario, hostCount: number): Map<string, MessageValidator> {
  return new Map(agentSchemas(scenario, hostCount));
}

interface Failure {
  readonly protocol: string;
  readonly check: string;
  readonly message: string;
}

/** Messages checked, per `protocol/type`, across all runs. */
const seen = new Map<string, number>();
const failures: Failure[] = [];
const known = new Map<string, readonly string[]>();
/** The first message of each type, as a receiver decoded it, with its run's schema: the seeds of the mutations. */
const samples = new Map<string, { readonly validator: MessageValidator; readonly message: Message; readonly peerCount: number }>();
let schemas: Map<string, MessageValidator> = new Map();
let peerCount = 0;

/** Every message of a type up to this many, then one in CHECK_EVERY (the runs send millions). */
const CHECK_ALL_FIRST = 3000;
const CHECK_EVERY = 37;

const transmit = SimRuntime.prototype.transmit;
SimRuntime.prototype.transmit = function (this: SimRuntime, from, to, slot, protocolName, message, sizeBytes) {
  const name = `${protocolName}/${message.type}`;
  const count = (seen.get(name) ?? 0) + 1;
  seen.set(name, count);
  if (count <= CHECK_ALL_FIRST || count % CHECK_EVERY === 0) check(from, to, protocolName, message);
  transmit.call(this, from, to, slot, protocolName, message, sizeBytes);
};

afterAll(() => {
  SimRuntime.prototype.transmit = transmit;
});

/** As a live receiver would: through the codec, then the schema. */
function check(from: number, to: number, protocolName: string, message: Message): void {
  const validator = schemas.get(protocolName);
  if (validator === undefined) {
    failures.push({ protocol: protocolName, check: 'no schema', message: message.type });
    return;
  }
  const opened = openDatagram(encodeDatagram({ from, to, epochMs: 1, counter: 0 }, protocolName, message, key), key, to, peerCount);
  if (typeof opened === 'string') throw new Error(`codec: ${opened}`);
  const envelope = decodeBody(opened.body);
  if (typeof envelope === 'string') throw new Error(`codec: ${envelope}`);
  if (!samples.has(`${protocolName}/${message.type}`)) samples.set(`${protocolName}/${message.type}`, { validator, message: envelope.message, peerCount });
  const verdict = validator(envelope.message);
  if (verdict !== 'ok' && failures.length < 20) failures.push({ protocol: protocolName, check: verdict, message: JSON.stringify(envelope.message).slice(0, 400) });
}

function run(file: string, overrides: readonly string[]): void {
  const scenario = loadScenario(file, overrides);
  // The host count is known once the world is built: the schemas are built as the runtime starts.
  const outcome = (() => {
    const original = SimRuntime.prototype.startAll;
    SimRuntime.prototype.startAll = function (this: SimRuntime) {
      peerCount = this.nodeCount;
      schemas = schemasOf(scenario, this.nodeCount);
      for (const [name, v] of schemas) known.set(name, v.types);
      original.call(this);
    };
    try {
      return runScenario(scenario, file);
    } finally {
      SimRuntime.prototype.startAll = original;
    }
  })();
  expect(outcome.hostCount).toBeGreaterThan(1);
}

const scenarioFile = (name: string): string => join(ROOT, 'scenarios', `${name}.yaml`);
const fixture = (name: string): string => join(ROOT, 'test/scenario/fixtures/good', `${name}.yaml`);

/**
 * Types the runs below never send, and why. Anything else a schema knows must be seen: a schema
 * for a message nobody sends is a schema nobody checked.
 */
const NOT_REACHED = new Set<string>([
  // An LC that rejoined another GM while its old GM still counts it in: a partition longer than
  // the LC's heartbeat timeout yet shorter than the GM's, which are the same in these configs.
  'snooze.bye',
]);

describe('wire schemas against every message sent in simulation', () => {
  it.each([
    ['gossip and Vivaldi with link and PoP faults', scenarioFile('renater-vivaldi'), ['durationS=200', 'faults=[{kind: link-down, atS: 60, link: [0, 1], durationS: 30}, {kind: pop-crash, atS: 100, pop: 3, durationS: 60}]']],
    ['gossip and the failure detector under churn', fixture('churn'), ['durationS=300']],
    ['spiral and routing under host crashes', scenarioFile('renater-routing-faults'), ['durationS=150', 'protocols.routing.requestStartMs=60000']],
    ['spiral searches on PlanetLab', scenarioFile('planetlab-spiral'), ['durationS=120']],
    ['Chord, CAN, the actors and their services under churn', scenarioFile('renater-two-overlays'), ['durationS=400']],
    ['CAN under faults (takeovers, rejoins)', scenarioFile('renater-can-faults'), ['durationS=400', 'faults=[{kind: host-crash, atS: 200, host: 7}, {kind: host-crash, atS: 200, host: 17}, {kind: host-crash, atS: 200, host: 27}, {kind: host-crash, atS: 250, host: 0, durationS: 60}, {kind: host-crash, atS: 250, host: 40, durationS: 60}]']],
    ['Chord recursive lookups', scenarioFile('chord-simgrid-1k'), ['topology.pops=60', 'durationS=300', 'protocols.chord.lookupStyle=recursive']],
    ['the VM index over Chord, with a PoP down', scenarioFile('renater-vm-index'), ['durationS=400', 'faults=[{kind: pop-crash, atS: 300, pop: 0, durationS: 60}]']],
    ['the replicated store under host and PoP crashes and a partition', scenarioFile('renater-store'), ['durationS=500']],
    ['the VE registry in the store, the owners of its records crashing', scenarioFile('renater-ve-registry'), ['durationS=660']],
    ['the VM index in the store', scenarioFile('renater-vm-index'), ['durationS=300', 'protocols.vmIndex.registry=store', 'protocols.store={clients: 2}']],
    ['DVMS on saturated hosts (merges)', fixture('scheduler'), ['cloud.host.cores=5', 'cloud.checkInvariants=false']],
    ['DVMS locality', fixture('scheduler'), ['scheduler.dvms.variant=locality', 'cloud.host.cores=6']],
    ['the centralised scheduler', fixture('scheduler'), ['scheduler.kind=central']],
    ['Snooze', fixture('scheduler'), ['scheduler.kind=snooze']],
    ['Snooze, its group leader and managers crashing', fixture('scheduler'), ['scheduler.kind=snooze', 'faults=[{kind: host-crash, atS: 300, host: 0, durationS: 100}, {kind: host-crash, atS: 600, host: 1, durationS: 100}, {kind: pop-crash, atS: 800, pop: 2, durationS: 100}]']],
    ['snapshots and restarts by the recovery agents, DVMS migrating, a PoP and hosts crashing', scenarioFile('renater-resilience'), ['durationS=1000']],
    ['the VE lifecycle', fixture('scheduler'), ['cloud.lifecycle={"configureAtS":30,"workloadPeriodMs":20000,"workloadStartMs":60000}']],
  ])('%s: every message passes its schema', (_name, file, overrides) => {
    run(file, overrides as string[]);
    expect(failures).toEqual([]);
  }, 300_000);

  it('every message type of every schema was sent (but those listed as not reached)', () => {
    const missing: string[] = [];
    for (const [protocol, types] of known) for (const type of types) if (!seen.has(`${protocol}/${type}`) && !NOT_REACHED.has(type)) missing.push(`${protocol}/${type}`);
    console.log(`wire schemas: ${[...seen.values()].reduce((a, b) => a + b, 0)} messages of ${seen.size} types sent`);
    expect([...new Set(missing)].sort()).toEqual([]);
  });
});

/** Where a value sits in a message: a path of keys and indices. */
type Path = readonly (string | number)[];

/** Every path below the root but `type`, with its value (a Float64Array is one leaf, as an array). */
function paths(value: unknown, at: Path = []): [Path, unknown][] {
  const out: [Path, unknown][] = at.length === 0 ? [] : [[at, value]];
  if (value instanceof Float64Array) return out;
  if (Array.isArray(value)) value.forEach((v, k) => out.push(...paths(v, [...at, k])));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) if (!(at.length === 0 && k === 'type')) out.push(...paths(v, [...at, k]));
  return out;
}

function clone(value: unknown): unknown {
  if (value instanceof Float64Array) return Float64Array.from(value);
  if (Array.isArray(value)) return value.map(clone);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  return value;
}

/** `message` with the value at `path` replaced by `edit(old)` (or removed when edit gives REMOVE). */
const REMOVE = Symbol('remove');
function mutate(message: Message, path: Path, edit: (old: unknown) => unknown): Message {
  const copy = clone(message) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const next = edit(parent[last]);
  if (next === REMOVE) delete parent[last];
  else parent[last] = next;
  return copy as unknown as Message;
}

/**
 * Changes no schema may accept, whatever the field: non-finite or absurd numbers, wrong types,
 * strings and lists past every bound, fields missing or unknown, unknown types.
 */
function badEdits(old: unknown): [string, (old: unknown) => unknown][] {
  if (typeof old === 'number') return [['NaN', () => NaN], ['Infinity', () => Infinity], ['-Infinity', () => -Infinity], ['1e308', () => 1e308], ['-1e308', () => -1e308], ['a string', () => String(old)], ['null', () => null], ['missing', () => REMOVE]];
  if (typeof old === 'string') return [['a long string', () => 'x'.repeat(100)], ['a number', () => 7], ['missing', () => REMOVE]];
  if (typeof old === 'boolean') return [['a number', () => (old ? 1 : 0)], ['a string', () => String(old)], ['missing', () => REMOVE]];
  if (old === null) return [['a number', () => 7], ['a string', () => 'x'], ['missing', () => REMOVE]];
  if (Array.isArray(old) || old instanceof Float64Array) {
    const list = Array.from(old as ArrayLike<unknown>);
    return [
      ['10001 entries', () => Array.from({ length: 10_001 }, (_, k) => list[k % Math.max(1, list.length)] ?? { bogus: 1 })],
      ['an alien entry', () => [...list, { bogus: 1 }]],
      ['an object', () => ({})],
      ['missing', () => REMOVE],
    ];
  }
  return [['a string', () => 'x'], ['an unknown field', (o) => ({ ...(o as object), bogus: 1 })], ['missing', () => REMOVE]];
}

/** Fields that are node ids, by message type: each refuses the peer count itself (one past the last id) and -2. */
const NODE_ID_FIELDS: Readonly<Record<string, readonly Path[]>> = {
  'gossip/gossip.shuffle': [['entries', 0, 'peer']],
  'gossip/gossip.shuffle-reply': [['entries', 0, 'peer']],
  'chord/chord.step': [['prev']],
  'chord/chord.step-reply': [['node'], ['nextPrev'], ['backup'], ['backupPrev']],
  'chord/chord.pred-reply': [['pred'], ['successors', 0]],
  'chord/chord.forward': [['origin']],
  'can/can.lookup': [['origin']],
  'can/can.holder-probe': [['asker']],
  'can/can.update': [['neighbours', 0, 'node']],
  'spiral/spiral.search': [['initiator'], ['view', 0, 'peer'], ['path', 0]],
  'routing/routing.request': [['target', 'peer'], ['path', 0, 'peer']],
  'vm-index/vmindex.put': [['host']],
  'store/store.write': [['writer'], ['hint']],
  'store/store.handoff': [['entries', 0, 'writer']],
  'dvms/dvms.leader': [['version', 'leader'], ['version', 'initiator']],
  'dvms/dvms.migrate': [['to']],
  'central/central.report': [['host', 'node']],
  'snooze/snooze.assign': [['gm']],
  'snooze/snooze.gl-beat': [['gms', 0]],
  've/ve.command': [['to']],
};

describe('wire schemas refuse mutated valid messages', () => {
  it('every field of a sample of every type sent: each bad change is refused, the sample itself passes', () => {
    expect(samples.size).toBe([...known.values()].reduce((n, types) => n + types.length, 0) - NOT_REACHED.size);
    const accepted: string[] = [];
    let tried = 0;
    for (const [name, { validator, message }] of samples) {
      expect(validator(message), name).toBe('ok');
      expect(validator({ ...message, type: `${message.type}-x` } as Message), name).toBe('unknown-type');
      expect(validator({ ...message, bogus: 1 } as Message), `${name} with an unknown field`).toBe('bad-message');
      for (const [path, old] of paths(message)) {
        for (const [what, edit] of badEdits(old)) {
          tried++;
          if (validator(mutate(message, path, edit)) !== 'bad-message') accepted.push(`${name} ${path.join('.')} <- ${what}`);
        }
      }
    }
    console.log(`wire schemas: ${tried} mutations of ${samples.size} message types, all refused`);
    expect(accepted).toEqual([]);
  });

  it('node ids outside 0..peerCount-1 are refused where the protocols name nodes', () => {
    const accepted: string[] = [];
    for (const [name, fields] of Object.entries(NODE_ID_FIELDS)) {
      const sample = samples.get(name);
      expect(sample, `no ${name} was sent`).toBeDefined();
      for (const path of fields) {
        const at = paths(sample!.message).find(([p]) => p.join('.') === path.join('.'));
        if (at === undefined) continue; // an empty list in this sample
        for (const bad of [sample!.peerCount, -2, 0.5]) if (sample!.validator(mutate(sample!.message, path, () => bad)) !== 'bad-message') accepted.push(`${name} ${path.join('.')} <- ${bad}`);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('random mutations of random samples (seeded): refused, 2000 of them', () => {
    let seed = 2026;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const entries = [...samples.values()];
    const accepted: string[] = [];
    for (let k = 0; k < 2000; k++) {
      const { validator, message } = entries[rand(entries.length)];
      let mutated = message;
      const rounds = 1 + rand(3); // one to three changes at once
      for (let r = 0; r < rounds; r++) {
        const all = paths(mutated);
        if (all.length === 0) break;
        const [path, old] = all[rand(all.length)];
        const edits = badEdits(old);
        mutated = mutate(mutated, path, edits[rand(edits.length)][1]);
      }
      if (mutated !== message && validator(mutated) !== 'bad-message') accepted.push(JSON.stringify(mutated).slice(0, 200));
    }
    expect(accepted).toEqual([]);
  });
});
