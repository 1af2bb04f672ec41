/**
 * The `protocols` section. A protocol whose section is absent is disabled; `{}` enables it with
 * all defaults. At least one protocol must be enabled. Every field of the protocols' own configs
 * can be set here, and the defaults ARE the protocols' defaults (one source of truth):
 * the parsed sections are the GossipConfig and VivaldiConfig the protocols take.
 */
import { z } from 'zod';
import { defaultGossipConfig, type GossipConfig } from '../protocols/gossip/gossip-config.js';
import { defaultVivaldiConfig, type VivaldiConfig } from '../protocols/vivaldi/vivaldi-config.js';
import { defaultSpiralConfig, validateSpiralConfig, type SpiralConfig } from '../protocols/spiral/spiral-config.js';
import { LOOKUP_STYLES, defaultChordConfig, validateChordConfig, type ChordConfig } from '../protocols/chord/chord-config.js';
import { defaultCanConfig, validateCanConfig, type CanConfig } from '../protocols/can/can-config.js';
import { defaultRoutingConfig, validateRoutingConfig, type RoutingConfig } from '../protocols/routing/routing-config.js';
import { defaultVmIndexConfig, validateVmIndexConfig, type VmIndexConfig } from '../protocols/vm-index/vm-index-config.js';
import { defaultStoreConfig, STORE_KEYS_MAX, DIGEST_BUCKETS_MAX, validateStoreConfig, type StoreConfig } from '../protocols/store/store-config.js';
import { bool, int, num, protocolIssues, section, whenValid, time } from './fields.js';

export const VIEW_SIZE_MAX = 1000;
/** VMs of the VM-index scenarios: one Int32Array slot each, all placed at start (1000x the largest bundled scenario). */
export const VM_INDEX_VMS_MAX = 10_000_000;
const V = defaultVivaldiConfig;
const G = defaultGossipConfig;

const probability = (value: number) => num({ ge: 0, le: 1 }).default(value);

export const vivaldiSchema = section(
  {
    dimensions: int({ ge: 1, le: 16 }).default(V.dimensions),
    height: bool().default(V.useHeight).meta({ description: 'height vectors: distance = ||xi - xj|| + hi + hj' }),
    periodMs: time('ms', { gt: 0 }).default(V.periodMs).meta({ description: 'one ping per period' }),
    cc: num({ gt: 0, le: 1 }).default(V.cc).meta({ description: 'coordinate gain (published 0.25)' }),
    ce: num({ gt: 0, le: 1 }).default(V.ce).meta({ description: 'error gain (published 0.25)' }),
    errorMax: num({ gt: 0 }).default(V.errorMax).meta({ description: 'initial and largest local error' }),
    heightMinMs: num({ ge: 0 }).default(V.heightMinMs),
    gravityRhoMs: num({ ge: 0 }).default(V.gravityRhoMs).meta({ description: 'gravity towards the origin; 0 = off' }),
    forceReferenceMs: num({ ge: 0 }).default(V.forceReferenceMs).meta({ description: 'relative force: step x ref / rtt; 0 = published absolute force' }),
    timestepMax: num({ gt: 0, le: 1 }).default(V.timestepMax),
    neighboursMax: int({ ge: 1 }).default(V.neighboursMax),
    closeShare: probability(V.closeShare).meta({ description: 'share of neighbours kept for the nearest peers' }),
    farShare: probability(V.farShare).meta({ description: 'share of neighbours kept for the farthest peers' }),
    rotateProbability: probability(V.rotateProbability),
    exploreProbability: probability(V.exploreProbability),
    filterSamples: int({ ge: 1, le: 32 }).default(V.filterSamples).meta({ description: 'latency filter: median of the last samples per peer' }),
    filterPeersMax: int({ ge: 1 }).default(V.filterPeersMax),
    unansweredMax: int({ ge: 1 }).default(V.unansweredMax),
    reciprocal: bool().default(V.reciprocal).meta({ description: 'pings carry the pinger coordinate: two samples per round trip' }),
    peerCoordinatesMax: int({ ge: 0 }).default(V.peerCoordinatesMax).meta({ description: 'peers whose advertised coordinates are remembered (0 = none)' }),
  },
  'an object of vivaldi settings ({} for all defaults)',
)
  .superRefine((vivaldi, context) => {
    if (vivaldi.closeShare + vivaldi.farShare > 1) {
      context.addIssue({ code: 'custom', path: ['farShare'], message: `expected a number <= 1 - closeShare (${1 - vivaldi.closeShare})` });
    }
  })
  .transform(({ height, ...rest }): VivaldiConfig => ({ ...rest, useHeight: height }));

export const gossipSchema = section(
  {
    viewSize: int({ ge: 2, le: VIEW_SIZE_MAX }).default(G.viewSize),
    shuffleLength: int({ ge: 1 }).optional().meta({ description: `1..viewSize; default min(${G.shuffleLength}, viewSize)` }),
    periodMs: time('ms', { gt: 0 }).default(G.periodMs),
    farPeers: int({ ge: 0 }).optional().meta({ description: `0..viewSize-1; default min(${G.farPeers}, viewSize-1)` }),
    farTtlPeriods: int({ ge: 1 }).default(G.farTtlPeriods).meta({ description: 'a far link not re-measured for this many periods is dropped' }),
  },
  'an object of gossip settings ({} for all defaults)',
)
  .superRefine((gossip, context) => {
    if (gossip.shuffleLength !== undefined && gossip.shuffleLength > gossip.viewSize) {
      const message = `expected an integer in 1..viewSize (${gossip.viewSize})`;
      context.addIssue({ code: 'custom', path: ['shuffleLength'], message });
    }
    if (gossip.farPeers !== undefined && gossip.farPeers > gossip.viewSize - 1) {
      const message = `expected an integer in 0..viewSize-1 (${gossip.viewSize - 1})`;
      context.addIssue({ code: 'custom', path: ['farPeers'], message });
    }
  })
  .transform(
    (gossip): GossipConfig => ({
      viewSize: gossip.viewSize,
      shuffleLength: gossip.shuffleLength ?? Math.min(G.shuffleLength, gossip.viewSize),
      periodMs: gossip.periodMs,
      farPeers: gossip.farPeers ?? Math.min(G.farPeers, gossip.viewSize - 1),
      farTtlPeriods: gossip.farTtlPeriods,
    }),
  );

const S = defaultSpiralConfig;
const C = defaultChordConfig;

/** The spiral close-node search (runs on gossip and Vivaldi, which are enabled with it). */
export const spiralSchema = section(
  {
    viewSize: int({ ge: 2 }).default(S.viewSize).meta({ description: 'n: the spiral view' }),
    resultSize: int({ ge: 1 }).default(S.resultSize).meta({ description: 'k: nodes a search gathers' }),
    farCount: int({ ge: 0 }).default(S.farCount).meta({ description: 'long-distance nodes forced into the spiral view' }),
    closeSetSize: int({ ge: 0 }).default(S.closeSetSize).meta({ description: 'nodes closest to itself each node learns in passing' }),
    hopsMax: int({ ge: 1 }).default(S.hopsMax),
    probeCount: int({ ge: 0 }).default(S.probeCount).meta({ description: 'final candidates the initiator pings (0 = coordinates only)' }),
    searchPeriodMs: time('ms', { ge: 0 }).default(S.searchPeriodMs).meta({ description: 'each node starts a search every period (0 = none)' }),
    searchTimeoutMs: time('ms', { gt: 0 }).default(S.searchTimeoutMs),
    pendingMax: int({ ge: 1 }).default(S.pendingMax),
    outcomesMax: int({ ge: 1 }).default(S.outcomesMax),
  },
  'an object of spiral settings ({} for all defaults)',
)
  .transform((spiral): SpiralConfig => spiral)
  // The protocol's own bounds (e.g. at most 256 successors) are load-time errors, not a failure at start.
  .superRefine((spiral, context) => protocolIssues(context, [], () => validateSpiralConfig(spiral)));

/** Chord (with proximity finger choice when Vivaldi runs too). Defaults: SimGrid's Chord example. */
export const chordSchema = section(
  {
    idBits: int({ ge: 8, le: 32 }).default(C.idBits),
    successorListLength: int({ ge: 1 }).default(C.successorListLength),
    stabilizePeriodMs: time('ms', { gt: 0 }).default(C.stabilizePeriodMs),
    fixFingersPeriodMs: time('ms', { gt: 0 }).default(C.fixFingersPeriodMs),
    fingersPerFix: int({ ge: 1 }).default(C.fingersPerFix),
    checkPredecessorPeriodMs: time('ms', { gt: 0 }).default(C.checkPredecessorPeriodMs),
    lookupPeriodMs: time('ms', { ge: 0 }).default(C.lookupPeriodMs).meta({ description: 'each node looks up a random key every period (0 = none)' }),
    rpcTimeoutMs: time('ms', { gt: 0 }).default(C.rpcTimeoutMs),
    lookupRetries: int({ ge: 0 }).default(C.lookupRetries),
    lookupHopsMax: int({ ge: 1 }).default(C.lookupHopsMax),
    lookupsInFlightMax: int({ ge: 1 }).default(C.lookupsInFlightMax),
    ringCreator: int({ ge: 0 }).default(C.ringCreator),
    outcomeLogMax: int({ ge: 1 }).default(C.outcomeLogMax),
    proximity: bool().default(C.proximity),
    lookupStyle: z
      .enum(LOOKUP_STYLES)
      .default(C.lookupStyle)
      .meta({ description: 'iterative: the origin asks each hop (robust under churn); recursive: hops forward, the owner answers the origin (SimGrid)' }),
    notifierHints: int({ ge: 0, le: 256 })
      .default(C.notifierHints)
      .meta({ description: 'recent notifiers remembered to send a far-behind stabilizer close to its place (0 = plain Chord)' }),
  },
  'an object of chord settings ({} for all defaults)',
)
  .transform((chord): ChordConfig => chord)
  .superRefine((chord, context) => protocolIssues(context, [], () => validateChordConfig(chord)));

const K = defaultCanConfig;

/** CAN in 2 dimensions. */
export const canSchema = section(
  {
    zoneCreator: int({ ge: 0 }).default(K.zoneCreator),
    joinStaggerMs: time('ms', { ge: 0 }).default(K.joinStaggerMs).meta({ description: 'node k joins at k x this' }),
    joinRetryMs: time('ms', { gt: 0 }).default(K.joinRetryMs),
    joinTimeoutMs: time('ms', { gt: 0 }).default(K.joinTimeoutMs),
    refreshPeriodMs: time('ms', { gt: 0 }).default(K.refreshPeriodMs),
    neighbourTimeoutMs: time('ms', { gt: 0 }).default(K.neighbourTimeoutMs),
    neighboursMax: int({ ge: 1 }).default(K.neighboursMax),
    lookupPeriodMs: time('ms', { ge: 0 }).default(K.lookupPeriodMs),
    lookupTimeoutMs: time('ms', { gt: 0 }).default(K.lookupTimeoutMs),
    hopsMax: int({ ge: 1 }).default(K.hopsMax),
    lookupsInFlightMax: int({ ge: 1 }).default(K.lookupsInFlightMax),
    outcomeLogMax: int({ ge: 1 }).default(K.outcomeLogMax),
    takeoverDelayMs: time('ms', { ge: 0 }).default(K.takeoverDelayMs).meta({ description: "a neighbour of a silent node claims its zone after this x own area / orphan's area (capped at 8x)" }),
    takeoverClaimWaitMs: time('ms', { gt: 0 }).default(K.takeoverClaimWaitMs).meta({ description: 'a claimant waits this long for better claims (> one round trip)' }),
    takeoverRetryMs: time('ms', { gt: 0 }).default(K.takeoverRetryMs).meta({ description: 'a claimant that yielded claims again after this if nobody took the zone' }),
    zonesMax: int({ ge: 1 }).default(K.zonesMax).meta({ description: 'zones one node holds at most (its own and taken-over ones)' }),
  },
  'an object of can settings ({} for all defaults)',
)
  .transform((can): CanConfig => can)
  .superRefine((can, context) => protocolIssues(context, [], () => validateCanConfig(can)));

const R = defaultRoutingConfig;

/**
 * Greedy routing with learnt long links (runs on gossip, Vivaldi and the spiral, which are
 * enabled with it: without a spiral section, the spiral runs with its defaults but searching once
 * a minute per node, since close sets fill only from searches; routing uses the gossip view as
 * close neighbours until they do).
 */
export const routingSchema = section(
  {
    longLinkBuckets: int({ ge: 1, le: 64 }).default(R.longLinkBuckets).meta({ description: 'long-link cache: one bucket per octave of coordinate distance (64 octaves span any RTT)' }),
    longLinksPerBucket: int({ ge: 0 }).default(R.longLinksPerBucket).meta({ description: 'links per bucket, least recently seen replaced (0 = no learning)' }),
    longLinkBaseMs: num({ gt: 0 }).default(R.longLinkBaseMs).meta({ description: 'bucket 0 holds links nearer than this' }),
    neighbourPeriodMs: time('ms', { ge: 0 }).default(R.neighbourPeriodMs).meta({ description: 'greet new close peers this often: their coordinate, and a link back (0 = never)' }),
    neighboursMax: int({ ge: 0 }).default(R.neighboursMax).meta({ description: 'coordinates kept of close neighbours, and of inbound ones (each)' }),
    hopsMax: int({ ge: 2 }).default(R.hopsMax).meta({ description: 'nodes a request visits at most, source and target included' }),
    landingMax: int({ ge: 0 }).default(R.landingMax).meta({ description: "target's close peers a request carries: any of them may hand it to the target (0 = off)" }),
    requestPeriodMs: time('ms', { ge: 0 }).default(R.requestPeriodMs).meta({ description: 'each node routes to a uniformly drawn node every period (0 = none)' }),
    requestStartMs: time('ms', { ge: 0 }).default(R.requestStartMs).meta({ description: "a node's first request waits this long after it starts" }),
    requestTimeoutMs: time('ms', { gt: 0 }).default(R.requestTimeoutMs),
    pendingMax: int({ ge: 1 }).default(R.pendingMax),
    outcomesMax: int({ ge: 1 }).default(R.outcomesMax),
  },
  'an object of routing settings ({} for all defaults)',
)
  .transform((routing): RoutingConfig => routing)
  .superRefine((routing, context) => protocolIssues(context, [], () => validateRoutingConfig(routing)));

const X = defaultVmIndexConfig;

/** What the vmIndex section gives: the index's config, and the moves of the true placement. */
export interface VmIndexSection extends VmIndexConfig {
  readonly movesPerS: number;
}

/**
 * The VM location index over Chord (enabled with its defaults when the chord section is absent).
 * `vmCount` VMs are placed on random up hosts at start and move as a Poisson process of
 * `movesPerS`; each node locates a random VM every `locatePeriodMs`.
 */
export const vmIndexSchema = section(
  {
    vmCount: int({ ge: 1, le: VM_INDEX_VMS_MAX }).default(X.vmCount).meta({ description: 'VMs placed on random up hosts at start (ids 0..vmCount-1)' }),
    movesPerS: num({ ge: 0 }).default(0).meta({ description: 'VM moves per second over all VMs, Poisson, to a random up host (VMs of failed hosts move anyway)' }),
    locatePeriodMs: time('ms', { ge: 0 }).default(X.locatePeriodMs).meta({ description: 'each node locates a uniformly drawn VM every period (0 = none)' }),
    locateStartMs: time('ms', { ge: 0 }).default(X.locateStartMs).meta({ description: "a node's first locate waits this long after it starts" }),
    answerTimeoutMs: time('ms', { gt: 0 }).default(X.answerTimeoutMs).meta({ description: "a locate fails when the owner has not answered the get within this" }),
    locatesInFlightMax: int({ ge: 1 }).default(X.locatesInFlightMax),
    refreshPeriodMs: time('ms', { gt: 0 }).default(X.refreshPeriodMs).meta({ description: 'the hosting node re-publishes each of its VMs every period (soft state)' }),
    entryTtlMs: time('ms', { gt: 0 }).default(X.entryTtlMs).meta({ description: 'an owner forgets an entry not refreshed for this long (> refreshPeriodMs)' }),
    entriesMax: int({ ge: 1 }).default(X.entriesMax).meta({ description: 'entries per owner; beyond it the least recently refreshed is evicted' }),
    hostedMax: int({ ge: 1 }).default(X.hostedMax).meta({ description: 'VMs a node indexes as hosted; more are not indexed' }),
    publishRetryMs: time('ms', { gt: 0 }).default(X.publishRetryMs),
    outcomeLogMax: int({ ge: 1 }).default(X.outcomeLogMax),
    registry: z
      .enum(['soft', 'store'], { error: "expected 'soft' or 'store'" })
      .default(X.registry)
      .meta({ description: "where entries live: soft (at the owner of the VM's key on Chord, refreshed, expiring) or store (in protocols.store: written at W by the hosting node, read at R by the locator)" }),
  },
  'an object of vmIndex settings ({} for all defaults)',
)
  .superRefine((vmIndex, context) => {
    if (vmIndex.entryTtlMs <= vmIndex.refreshPeriodMs) {
      context.addIssue({ code: 'custom', path: ['entryTtlMs'], message: `expected a number > refreshPeriodMs (${vmIndex.refreshPeriodMs})` });
    }
  }, whenValid('entryTtlMs', 'refreshPeriodMs'))
  .transform((vmIndex): VmIndexSection => vmIndex)
  .superRefine(({ movesPerS: _moves, ...config }, context) => protocolIssues(context, [], () => validateVmIndexConfig(config)));

const ST = defaultStoreConfig;

/** The store section: the store's config but the node count, which is the run's hosts. */
export type StoreSection = Omit<StoreConfig, 'nodeCount'>;

/**
 * The replicated state store (Dynamo / Cassandra-like): N replicas per key on the ring, reads
 * and writes at quorums R and W, hinted handoff, read repair and anti-entropy, and a workload of
 * clients on `clients` hosts. R and W may not exceed N; N and the clients may not exceed the
 * hosts (checked once the hosts are known).
 */
export const storeSchema = section(
  {
    replicas: int({ ge: 1 }).default(ST.replicas).meta({ description: 'N: replicas of each key, the first N hosts clockwise from the key on the ring' }),
    readQuorum: int({ ge: 1 }).default(ST.readQuorum).meta({ description: 'R: replies a read waits for (R + W > N: every read sees every acknowledged write)' }),
    writeQuorum: int({ ge: 1 }).default(ST.writeQuorum).meta({ description: 'W: home replicas that must acknowledge a write (hinted copies do not count)' }),
    keyCount: int({ ge: 1, le: STORE_KEYS_MAX }).default(ST.keyCount).meta({ description: 'keys the clients draw from, uniformly (ids 0..keyCount-1)' }),
    clients: int({ ge: 0 }).default(ST.clients).meta({ description: 'hosts that run a client (drawn by a hash of their id); 0: no workload' }),
    opPeriodMs: time('ms', { gt: 0 }).default(ST.opPeriodMs).meta({ description: 'a client issues one operation per period on average (uniform in 0.5 to 1.5 periods)' }),
    writeShare: num({ ge: 0, le: 1 }).default(ST.writeShare).meta({ description: "share of a client's operations that are writes" }),
    opStartMs: time('ms', { ge: 0 }).default(ST.opStartMs).meta({ description: "a client's first operation waits this long after its host starts" }),
    replicaTimeoutMs: time('ms', { gt: 0 }).default(ST.replicaTimeoutMs).meta({ description: 'a home replica silent this long after a write gets a hinted copy on the next host of the ring' }),
    requestTimeoutMs: time('ms', { gt: 0 }).default(ST.requestTimeoutMs).meta({ description: 'an operation without its quorum this long after it began fails (> replicaTimeoutMs)' }),
    opsInFlightMax: int({ ge: 1 }).default(ST.opsInFlightMax).meta({ description: 'operations a client coordinates at once; one beyond it is refused' }),
    hintPeriodMs: time('ms', { gt: 0 }).default(ST.hintPeriodMs).meta({ description: 'a hint holder offers its hints back to their replica this often' }),
    hintsMax: int({ ge: 1 }).default(ST.hintsMax).meta({ description: 'hints a host holds at most; more are dropped (anti-entropy still converges)' }),
    antiEntropyPeriodMs: time('ms', { ge: 0 }).default(ST.antiEntropyPeriodMs).meta({ description: 'a host compares one key range it replicates with another replica, by digests, this often (0 = never)' }),
    digestBuckets: int({ ge: 1, le: DIGEST_BUCKETS_MAX }).default(ST.digestBuckets).meta({ description: "a range's digest: one hash per bucket of the range" }),
    syncEntriesMax: int({ ge: 1 }).default(ST.syncEntriesMax).meta({ description: 'entries one anti-entropy or hand-off message carries at most' }),
    valueBytes: int({ ge: 0 }).default(ST.valueBytes).meta({ description: "modelled size of a workload value on the wire (a VE record or VM index entry counts 8 bytes per word instead)" }),
    dataWordsMax: int({ ge: 0 }).default(ST.dataWordsMax).meta({ description: 'words a payload holds at most (a VE record of the registry: 3 + 3 x its members; a VM index entry: 2)' }),
  },
  'an object of store settings ({} for all defaults)',
)
  .superRefine((store, context) => {
    for (const field of ['readQuorum', 'writeQuorum'] as const) {
      if (store[field] > store.replicas) context.addIssue({ code: 'custom', path: [field], message: `expected an integer <= replicas (${store.replicas}): a quorum is of the N replicas` });
    }
  }, whenValid('replicas', 'readQuorum', 'writeQuorum'))
  .superRefine((store, context) => {
    if (store.requestTimeoutMs <= store.replicaTimeoutMs) context.addIssue({ code: 'custom', path: ['requestTimeoutMs'], message: `expected a number > replicaTimeoutMs (${store.replicaTimeoutMs})` });
  }, whenValid('requestTimeoutMs', 'replicaTimeoutMs'))
  .transform((store): StoreSection => store)
  .superRefine((store, context) => protocolIssues(context, [], () => validateStoreConfig({ ...store, nodeCount: Math.max(store.replicas, store.clients, 1) })));

export const PROTOCOL_NAMES = ['gossip', 'vivaldi', 'spiral', 'chord', 'can', 'routing', 'vmIndex', 'store'] as const;

export const protocolsSchema = section(
  {
    gossip: gossipSchema.optional(),
    vivaldi: vivaldiSchema.optional(),
    spiral: spiralSchema.optional(),
    chord: chordSchema.optional(),
    can: canSchema.optional(),
    routing: routingSchema.optional(),
    vmIndex: vmIndexSchema.optional(),
    store: storeSchema.optional(),
  },
  `an object with at least one of ${PROTOCOL_NAMES.join(', ')}`,
);

/** Whether any protocol is enabled (a scenario without one needs a scheduler). */
export function anyProtocol(protocols: z.output<typeof protocolsSchema>): boolean {
  return PROTOCOL_NAMES.some((name) => protocols[name] !== undefined);
}

export type { GossipConfig, VivaldiConfig, SpiralConfig, ChordConfig, CanConfig, RoutingConfig, VmIndexConfig };
export type Protocols = z.output<typeof protocolsSchema>;
