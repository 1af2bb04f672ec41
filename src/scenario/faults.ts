/**
 * The `faults` section: a list of fault events, times in seconds from the start of the run.
 * `durationS` absent means the fault lasts for ever; it is normalised to Infinity, so that
 * `atS + durationS < end` decides whether a repair is scheduled without a special case.
 * Stochastic faults draw exponential times to failure and to repair from the scenario seed.
 * A `message-loss` window drops each message crossing its links with `lossProbability`, drawn
 * from the stream `faults.loss` (messages within one PoP cross no link and are never lost).
 */
import { z } from 'zod';
import { int, num, popRef, section, whenValid, time } from './fields.js';

const atS = time('s', { ge: 0 });
const durationS = time('s', { gt: 0 })
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

/** Loss on one link (`link`) or on every link leaving a set of PoPs (`pops`, as a partition cuts). */
const messageLoss = section({
  kind: z.literal('message-loss'),
  atS,
  link: z.tuple([popRef(), popRef()], { error: 'expected two PoPs [a, b] (names or indices)' }).optional(),
  pops: z.array(popRef(), { error: 'expected a list of PoPs' }).min(1, { error: 'expected a list of at least one PoP' }).optional(),
  lossProbability: num({ gt: 0, le: 1 }).meta({ description: 'chance that a message crossing one of the links is dropped' }),
  durationS,
}).superRefine((fault, context) => {
  if ((fault.link === undefined) === (fault.pops === undefined)) {
    context.addIssue({ code: 'custom', path: ['link'], message: 'expected either link: [a, b] or pops: [...] (exactly one)' });
  } else if (fault.link !== undefined && fault.link[0] === fault.link[1]) {
    context.addIssue({ code: 'custom', path: ['link', 1], message: 'expected a PoP other than link[0]' });
  }
}, whenValid('link', 'pops'));

const stochastic = section({
  kind: z.literal('stochastic'),
  target: z.enum(['links', 'hosts', 'pops']),
  mttfS: time('s', { gt: 0 }).meta({ description: 'mean time to failure of each target (exponential)' }),
  mttrS: time('s', { gt: 0 }).meta({ description: 'mean time to repair (exponential)' }),
});

export const faultSchema = z.discriminatedUnion('kind', [linkDown, popCrash, hostCrash, agentCrash, partition, messageLoss, stochastic]);

export const faultsSchema = z.array(faultSchema, { error: 'expected a list of faults' }).default([]);

export type Fault = z.output<typeof faultSchema>;
