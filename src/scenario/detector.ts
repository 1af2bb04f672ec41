/**
 * The `detector` section: a heartbeat failure detector on every host, watching the peers of its
 * gossip view (gossip runs, with its defaults, when the scenario does not configure it). Its
 * leaves are scored against the true crash times (`detector.*` metrics). Absent = no detector.
 * The defaults are the detector's own.
 */
import type { z } from 'zod';
import { defaultFailureDetectorConfig, type FailureDetectorConfig } from '../actors/failure-detector.js';
import { int, num, section, time } from './fields.js';

const D = defaultFailureDetectorConfig;

export const detectorSchema = section(
  {
    periodMs: time('ms', { gt: 0 }).default(D.periodMs).meta({ description: 'each watched peer is pinged once per period' }),
    timeoutMs: time('ms', { gt: 0 }).default(D.timeoutMs).meta({ description: 'silence (since the last answered ping was sent) after which a peer has left; > periodMs' }),
    monitoredMax: int({ ge: 1 }).default(D.monitoredMax).meta({ description: 'peers watched at once' }),
    pingSizeBytes: num({ gt: 0 }).default(D.pingSizeBytes),
  },
  'an object of detector settings ({} for all defaults)',
)
  .superRefine((detector, context) => {
    if (detector.timeoutMs <= detector.periodMs) {
      context.addIssue({ code: 'custom', path: ['timeoutMs'], message: `expected a number > periodMs (${detector.periodMs}): a peer must get at least one ping per timeout` });
    }
  })
  .transform((detector): FailureDetectorConfig => detector);

export type Detector = z.output<typeof detectorSchema>;
