/**
 * The `protocols` section. A protocol whose section is absent is disabled; `{}` enables it with
 * all defaults. At least one protocol must be enabled. Field names follow the protocol configs
 * in src/protocols, units last.
 */
import { z } from 'zod';
import { bool, int, num, section, whenValid } from './fields.js';

export const VIEW_SIZE_MAX = 1000;
const SHUFFLE_LENGTH_DEFAULT = 8;
const FAR_PEERS_DEFAULT = 2;

export const vivaldiSchema = section(
  {
    dimensions: int({ ge: 1, le: 16 }).default(2),
    height: bool().default(true),
    periodMs: num({ gt: 0 }).default(1000),
    cc: num({ gt: 0, le: 1 }).default(0.25).meta({ description: 'coordinate gain' }),
    ce: num({ gt: 0, le: 1 }).default(0.25).meta({ description: 'error gain' }),
    neighboursMax: int({ ge: 1 }).default(32),
    filterSamples: int({ ge: 1, le: 32 }).default(3).meta({ description: 'RTT samples in the moving-minimum filter' }),
    errorMax: num({ gt: 0 }).default(1.5).meta({ description: 'local error estimates are capped here' }),
  },
  'an object of vivaldi settings ({} for all defaults)',
);

export const gossipSchema = section(
  {
    viewSize: int({ ge: 2, le: VIEW_SIZE_MAX }).default(20),
    shuffleLength: int({ ge: 1 }).optional().meta({ description: `1..viewSize; default min(${SHUFFLE_LENGTH_DEFAULT}, viewSize)` }),
    periodMs: num({ gt: 0 }).default(5000),
    farPeers: int({ ge: 0 }).optional().meta({ description: `0..viewSize-1; default min(${FAR_PEERS_DEFAULT}, viewSize-1)` }),
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
  }, whenValid())
  .transform((gossip) => ({
    viewSize: gossip.viewSize,
    shuffleLength: gossip.shuffleLength ?? Math.min(SHUFFLE_LENGTH_DEFAULT, gossip.viewSize),
    periodMs: gossip.periodMs,
    farPeers: gossip.farPeers ?? Math.min(FAR_PEERS_DEFAULT, gossip.viewSize - 1),
  }));

export const PROTOCOL_NAMES = ['gossip', 'vivaldi'] as const;

export const protocolsSchema = section(
  {
    gossip: gossipSchema.optional(),
    vivaldi: vivaldiSchema.optional(),
  },
  `an object with at least one of ${PROTOCOL_NAMES.join(', ')}`,
).superRefine((protocols, context) => {
  if (PROTOCOL_NAMES.every((name) => protocols[name] === undefined)) {
    const message = `expected at least one of ${PROTOCOL_NAMES.join(', ')}`;
    context.addIssue({ code: 'custom', path: [], message });
  }
}, whenValid());

export type VivaldiConfig = z.output<typeof vivaldiSchema>;
export type GossipConfig = z.output<typeof gossipSchema>;
export type Protocols = z.output<typeof protocolsSchema>;
