/** The `hosts` section: how many hosts each PoP holds and their access links. */
import { z } from 'zod';
import { int, num, section, text, time } from './fields.js';

const fixed = section({
  rule: z.literal('fixed'),
  count: int({ ge: 1 }).default(1),
});

/** count = max(min, perLink * degree of the PoP). */
const degree = section({
  rule: z.literal('degree'),
  perLink: int({ ge: 0 }).default(1),
  min: int({ ge: 0 }).default(1),
});

/** counts by PoP name; PoPs not listed get `default`. */
const list = section({
  rule: z.literal('list'),
  counts: z.record(text('a PoP name'), int({ ge: 0 })),
  default: int({ ge: 0 }).default(1),
});

const perPop = z.discriminatedUnion('rule', [fixed, degree, list]).prefault({ rule: 'fixed' });

export const hostsSchema = section({
  perPop,
  intraPopLatencyUs: time('us', { gt: 0 }).default(50).meta({ description: 'one-way latency between a host and its PoP' }),
  nicBandwidthBps: num({ gt: 0 }).default(1e9),
}).prefault({});

export type Hosts = z.output<typeof hostsSchema>;
export type HostsPerPop = Hosts['perPop'];
