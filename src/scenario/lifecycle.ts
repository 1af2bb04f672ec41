/**
 * The `cloud.lifecycle` section: the VE lifecycle from any node (protocols/ve over Chord). Each
 * VE of `cloud.ves` is configured at `configureAtS` (once the ring has settled) from node
 * ve mod hosts; then every `workloadPeriodMs` each node operates on a random VE (find, suspend
 * then resume, relocate a member, or a departure: stop then start later), with the protocol's
 * shares. Every field of the VE protocol's config is a field here, with its default.
 */
import { z } from 'zod';
import { defaultVeConfig, VE_REGISTRIES, validateVeConfig } from '../protocols/ve/ve-config.js';
import { num, numericFieldsOf, protocolIssues, section, time } from './fields.js';

const APART = new Set(['veCount', 'targetNodeCount', 'constraints', 'registry']);

export const lifecycleSchema = section(
  {
    configureAtS: time('s', { ge: 0 }).default(60).meta({ description: 'when each VE is configured at its owner (after the ring settles)' }),
    registry: z
      .enum(VE_REGISTRIES as ['soft', 'store'], { error: "expected 'soft' or 'store'" })
      .default(defaultVeConfig.registry)
      .meta({ description: "where a VE's record lives: soft (at its owner, kept by the hosts' reports) or store (its durable state in protocols.store, read at R and written at W by the owner: it survives the owner's crash)" }),
    ...numericFieldsOf(defaultVeConfig, APART),
  },
  'an object of VE lifecycle settings ({} for all defaults)',
).superRefine((lifecycle, context) => {
  const { configureAtS: _at, ...fields } = lifecycle;
  protocolIssues(context, [], () => validateVeConfig({ ...defaultVeConfig, ...fields, veCount: Math.max(1, defaultVeConfig.veCount), targetNodeCount: 1 }));
});

export type LifecycleSection = z.output<typeof lifecycleSchema>;
