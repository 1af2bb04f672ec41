/**
 * The `faults` section: a list of fault events, times in seconds from the start of the run.
 * `durationS` absent means the fault lasts for ever; it is normalised to Infinity, so that
 * `atS + durationS < end` decides whether a repair is scheduled without a special case.
 * Stochastic faults draw exponential times to failure and to repair from the scenario seed.
 */
import { z } from 'zod';
import { int, num, popRef, section, whenValid } from './fields.js';

const atS = num({ ge: 0 });
const durationS = num({ gt: 0 })
  .optional()
  .transform((value) => value ?? Infinity)
  .meta({ description: 'how long the fault lasts; absent = for ever' });

const linkDown = section({
  kind: z.literal('link-down'),
  atS,
  link: z.tuple([popRef(), popRef()], { error: 'expected two PoPs [a, b] (names or indices)' }),
  durationS,
}).superRefine((fault, context) => {
  if (fault.link[0] === fault.link[1]) {
    context.addIssue({ code: 'custom', path: ['link', 1], message: 'expected a PoP other than link[0]' });
  }
}, whenValid('link'));

const popCrash = section({ kind: z.literal('pop-crash'), atS, pop: popRef(), durationS });

const hostCrash = section({ kind: z.literal('host-crash'), atS, host: int({ ge: 0 }, 'a host index >= 0'), durationS });

/** The DISCOVERY agent of a host crashes (its protocols restart with fresh state); the host and its VMs keep running. */
const agentCrash = section({ kind: z.literal('agent-crash'), atS, host: int({ ge: 0 }, 'a host index >= 0'), durationS });

/** The listed PoPs are cut off from the others (they still reach each other). */
const partition = section({
  kind: z.literal('partition'),
  atS,
  pops: z.array(popRef(), { error: 'expected a list of PoPs' }).min(1, { error: 'expected a list of at least one PoP' }),
  durationS,
});

const stochastic = section({
  kind: z.literal('stochastic'),
  target: z.enum(['links', 'hosts', 'pops']),
  mttfS: num({ gt: 0 }).meta({ description: 'mean time to failure of each target (exponential)' }),
  mttrS: num({ gt: 0 }).meta({ description: 'mean time to repair (exponential)' }),
});

export const faultSchema = z.discriminatedUnion('kind', [linkDown, popCrash, hostCrash, agentCrash, partition, stochastic]);

export const faultsSchema = z.array(faultSchema, { error: 'expected a list of faults' }).default([]);

export type Fault = z.output<typeof faultSchema>;
