/**
 * The wire schemas of the agent's protocols (`agent-stack.ts`), built for a deployment of
 * `peerCount` nodes with the same configs the stack gives them: a live agent checks every
 * datagram against them before a protocol sees it. `test/protocols/wire-schemas.test.ts` puts
 * every message of simulated runs through them, so they cannot drift from the stack.
 */
import { failureDetectorMessageSchema, replicaKeeperMessageSchema, silentMessageSchema } from '../actors/index.js';
import { canMessageSchema, defaultCanConfig } from '../protocols/can/index.js';
import { centralMessageSchema } from '../protocols/central/index.js';
import { chordMessageSchema, defaultChordConfig } from '../protocols/chord/index.js';
import { defaultDvmsConfig, dvmsMessageSchema } from '../protocols/dvms/index.js';
import { defaultGossipConfig, gossipMessageSchema } from '../protocols/gossip/index.js';
import { routingMessageSchema, routingSpiralConfig } from '../protocols/routing/index.js';
import { snoozeMessageSchema } from '../protocols/snooze/index.js';
import { spiralMessageSchema } from '../protocols/spiral/index.js';
import { defaultVeConfig, veMessageSchema } from '../protocols/ve/index.js';
import { defaultVivaldiConfig, vivaldiMessageSchema } from '../protocols/vivaldi/index.js';
import { vmIndexMessageSchema } from '../protocols/vm-index/index.js';
import { STORE, storeMessageSchema } from '../protocols/store/index.js';
import { RECOVERY, RECOVERY_DETECTOR, recoveryMessageSchema } from '../protocols/recovery/index.js';
import type { MessageSchemas, MessageValidator } from '../runtime/context.js';
import type { Scenario } from '../scenario/schema.js';
import { VE_AGENT } from './ve-agent-hooks.js';

/** Every protocol name the agent may register, with its schema (a name the stack does not run is harmless). */
export function agentSchemas(scenario: Scenario, peerCount: number): MessageSchemas {
  const p = scenario.protocols;
  const vivaldi = p.vivaldi ?? defaultVivaldiConfig;
  const schemas = new Map<string, MessageValidator>([
    ['gossip', gossipMessageSchema(peerCount, p.gossip ?? defaultGossipConfig)],
    ['vivaldi', vivaldiMessageSchema(vivaldi)],
    ['spiral', spiralMessageSchema(peerCount, p.spiral ?? routingSpiralConfig, vivaldi.dimensions)],
    ['can', canMessageSchema(peerCount, p.can ?? defaultCanConfig)],
    ['chord', chordMessageSchema(peerCount, p.chord ?? defaultChordConfig)],
    ['fd', failureDetectorMessageSchema()],
    ['replicas', replicaKeeperMessageSchema()],
    ['watch', silentMessageSchema()],
    ['actors', silentMessageSchema()],
    ['actors.sample', silentMessageSchema()],
    ['central', centralMessageSchema(peerCount)],
    ['snooze', snoozeMessageSchema(peerCount)],
    [VE_AGENT, silentMessageSchema()],
  ]);
  if (p.routing !== undefined) schemas.set('routing', routingMessageSchema(peerCount, p.routing, vivaldi.dimensions));
  if (p.vmIndex !== undefined) schemas.set('vm-index', vmIndexMessageSchema(peerCount, p.vmIndex));
  if (p.store !== undefined) schemas.set(STORE, storeMessageSchema(peerCount, { ...p.store, nodeCount: peerCount }));
  const { timeLimitMs: _t, ispHopsMax: _h, ...dvms } = scenario.scheduler?.dvms ?? {};
  schemas.set('dvms', dvmsMessageSchema(peerCount, { ...defaultDvmsConfig, ...dvms }));
  const cloud = scenario.cloud;
  const veCount = cloud?.ves.reduce((sum, group) => sum + group.count, 0) ?? 0;
  if (cloud?.snapshots !== undefined) {
    schemas.set(RECOVERY, recoveryMessageSchema(peerCount * cloud.vm.perHost, veCount));
    schemas.set(RECOVERY_DETECTOR, failureDetectorMessageSchema());
  }
  if (cloud?.lifecycle !== undefined) {
    schemas.set('ve', veMessageSchema(peerCount, { ...defaultVeConfig, ...cloud.lifecycle, veCount, targetNodeCount: peerCount, constraints: [] }));
  }
  return schemas;
}
