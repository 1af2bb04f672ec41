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
import { failureDetectorMessageSchema, replicaKeeperMessageSchema, silentMessageSchema } from '../../src/actors/index.js';
import { canMessageSchema, defaultCanConfig } from '../../src/protocols/can/index.js';
import { centralMessageSchema } from '../../src/protocols/central/index.js';
import { chordMessageSchema, defaultChordConfig } from '../../src/protocols/chord/index.js';
import { defaultDvmsConfig, dvmsMessageSchema } from '../../src/protocols/dvms/index.js';
import { defaultGossipConfig, gossipMessageSchema } from '../../src/protocols/gossip/index.js';
import { routingMessageSchema, routingSpiralConfig } from '../../src/protocols/routing/index.js';
import { snoozeMessageSchema } from '../../src/protocols/snooze/index.js';
import { spiralMessageSchema } from '../../src/protocols/spiral/index.js';
import { defaultVeConfig, veMessageSchema } from '../../src/protocols/ve/index.js';
import { defaultVivaldiConfig, vivaldiMessageSchema } from '../../src/protocols/vivaldi/index.js';
import { vmIndexMessageSchema } from '../../src/protocols/vm-index/index.js';
import type { Message, MessageValidator } from '../../src/runtime/context.js';
import { decodeBody, encodeDatagram, openDatagram } from '../../src/runtime/live/wire-codec.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { ROOT } from '../support/dist-build.js';

const key = createSecretKey(Buffer.alloc(32, 9));

/** Per protocol name, the schema of a run: the same configs the scenario layer fills in. */
function schemasOf(scenario: Scenario, hostCount: number): Map<string, MessageValidator> {
  const p = scenario.protocols;
  const vivaldi = p.vivaldi ?? defaultVivaldiConfig;
  const schemas = new Map<string, MessageValidator>([
    ['gossip', gossipMessageSchema(hostCount, p.gossip ?? defaultGossipConfig)],
    ['vivaldi', vivaldiMessageSchema(vivaldi)],
    ['spiral', spiralMessageSchema(hostCount, p.spiral ?? routingSpiralConfig, vivaldi.dimensions)],
    ['can', canMessageSchema(hostCount, p.can ?? defaultCanConfig)],
    ['chord', chordMessageSchema(hostCount, p.chord ?? defaultChordConfig)],
    ['fd', failureDetectorMessageSchema()],
    ['replicas', replicaKeeperMessageSchema()],
    ['watch', silentMessageSchema()],
    ['actors', silentMessageSchema()],
    ['actors.sample', silentMessageSchema()],
    ['central', centralMessageSchema(hostCount)],
    ['snooze', snoozeMessageSchema(hostCount)],
  ]);
  if (p.routing !== undefined) schemas.set('routing', routingMessageSchema(hostCount, p.routing, vivaldi.dimensions));
  if (p.vmIndex !== undefined) schemas.set('vm-index', vmIndexMessageSchema(hostCount, p.vmIndex));
  const dvms = scenario.scheduler?.dvms;
  schemas.set('dvms', dvmsMessageSchema(hostCount, { ...defaultDvmsConfig, ...(dvms ?? {}) } as typeof defaultDvmsConfig));
  const cloud = scenario.cloud;
  if (cloud?.lifecycle !== undefined) {
    const veCount = cloud.ves.reduce((sum, group) => sum + group.count, 0);
    schemas.set('ve', veMessageSchema(hostCount, { ...defaultVeConfig, ...cloud.lifecycle, veCount, targetNodeCount: hostCount, constraints: [] }));
  }
  return schemas;
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
  const receiver = from === to ? (to + 1) % peerCount : to; // the codec refuses a datagram from self
  const opened = openDatagram(encodeDatagram({ from, to: receiver, epochMs: 1, counter: 0 }, protocolName, message, key), key, receiver, peerCount);
  if (typeof opened === 'string') throw new Error(`codec: ${opened}`);
  const envelope = decodeBody(opened.body);
  if (typeof envelope === 'string') throw new Error(`codec: ${envelope}`);
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
    ['DVMS on saturated hosts (merges)', fixture('scheduler'), ['cloud.host.cores=5', 'cloud.checkInvariants=false']],
    ['DVMS locality', fixture('scheduler'), ['scheduler.dvms.variant=locality', 'cloud.host.cores=6']],
    ['the centralised scheduler', fixture('scheduler'), ['scheduler.kind=central']],
    ['Snooze', fixture('scheduler'), ['scheduler.kind=snooze']],
    ['Snooze, its group leader and managers crashing', fixture('scheduler'), ['scheduler.kind=snooze', 'faults=[{kind: host-crash, atS: 300, host: 0, durationS: 100}, {kind: host-crash, atS: 600, host: 1, durationS: 100}, {kind: pop-crash, atS: 800, pop: 2, durationS: 100}]']],
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
