/**
 * The `services` section: the Peer Actor model of DISCOVERY on every host. Two services run
 * under a supervisor, each through a peer actor bound to an overlay of the scenario:
 *   replicas: keeps copies of the node's data on its first `copies` neighbours of its overlay
 *             (on `chord`: its successors), re-copying on every neighbours-changed notification;
 *   watch:    keeps the overlay neighbourhood as notifications describe it.
 * Overlays: `chord` (successor list) and `can` (zone neighbours) when those protocols run,
 * `live` (the heartbeat failure detector over gossip), `sample` (the gossip view). Each overlay
 * raises its changes as notifications when its protocol makes them (no re-reading period).
 * Absent = no actor layer.
 */
import { z } from 'zod';
import { defaultFailureDetectorConfig } from '../actors/failure-detector.js';
import { defaultReplicaKeeperConfig } from '../actors/services/replica-keeper.js';
import { int, num, section, time } from './fields.js';

export const SERVICE_OVERLAYS = ['chord', 'can', 'live', 'sample'] as const;
export type ServiceOverlay = (typeof SERVICE_OVERLAYS)[number];

const overlay = z.enum(SERVICE_OVERLAYS, { error: `expected one of ${SERVICE_OVERLAYS.join(', ')}` });
const R = defaultReplicaKeeperConfig;
const D = defaultFailureDetectorConfig;

export const servicesSchema = section(
  {
    detectorPeriodMs: time('ms', { gt: 0 }).default(D.periodMs).meta({ description: 'heartbeat period of the live overlay' }),
    detectorTimeoutMs: time('ms', { gt: 0 }).default(D.timeoutMs).meta({ description: 'silence after which the live overlay raises a leave; > detectorPeriodMs' }),
    restartsMax: int({ ge: 0 }).default(3).meta({ description: 'restarts of a failing service within restartWindowMs before it is stopped for good' }),
    restartWindowMs: time('ms', { gt: 0 }).default(60_000),
    replicas: section(
      {
        overlay: overlay.default('chord'),
        copies: int({ ge: 1, le: 32 }).default(R.copies),
        dataBytes: num({ ge: 0 }).default(R.dataBytes).meta({ description: 'modelled size of one copy' }),
        heldMax: int({ ge: 1 }).default(R.heldMax).meta({ description: "other nodes' copies one node holds at most" }),
      },
      'an object of replica-service settings ({} for all defaults)',
    ).optional(),
    watch: section({ overlay: overlay.default('can') }, 'an object of watch-service settings ({} for all defaults)').optional(),
  },
  'an object of services settings',
).superRefine((services, context) => {
  if (services.detectorTimeoutMs <= services.detectorPeriodMs) {
    context.addIssue({ code: 'custom', path: ['detectorTimeoutMs'], message: `expected a number > detectorPeriodMs (${services.detectorPeriodMs})` });
  }
  if (services.replicas === undefined && services.watch === undefined) {
    context.addIssue({ code: 'custom', path: [], message: 'expected at least one service (replicas, watch)' });
  }
});

export type Services = z.output<typeof servicesSchema>;
