/**
 * The `churn` section: hosts that come and go during the run. Joins arrive as a Poisson process
 * of rate `joinRatePerS`, each bringing up one offline host of the churning ones for a session
 * whose length is drawn from `session`; a session's end crashes the host (its state is lost), a
 * later join restarts it with fresh state. Absent = no churn.
 *
 * Times are in seconds here (converted once to the milliseconds of the churn model). Churn
 * begins at `startS` (a warm-up for the overlays), with `initiallyUpShare` of the churning hosts
 * up; the others are down from time 0 and have never run when they first join.
 */
import { z } from 'zod';
import type { SessionDistribution } from '../actors/churn.js';
import { int, num, section, time } from './fields.js';

const hostIndex = int({ ge: 0 }, 'a host index >= 0');

const HOSTS_PHRASE = "'all', { share: a number in (0, 1] } or a list of host indices";

/** Which hosts churn: all of them, a random share (drawn from the seed), or a list. */
const hosts = z
  .union(
    [
      z.literal('all', { error: `expected ${HOSTS_PHRASE}` }),
      section({ share: num({ gt: 0, le: 1 }).meta({ description: 'share of the hosts (other than keepUp) that churn, chosen from the seed' }) }, HOSTS_PHRASE),
      z.array(hostIndex, { error: `expected ${HOSTS_PHRASE}` }).min(1, { error: 'expected a list of at least one host index' }),
    ],
    { error: `expected ${HOSTS_PHRASE}` },
  )
  .default('all');

const exponential = section({
  distribution: z.literal('exponential'),
  meanS: time('s', { gt: 0 }).meta({ description: 'mean session length (median = meanS x ln 2)' }),
});

const pareto = section({
  distribution: z.literal('pareto'),
  shape: num({ gt: 0 }).meta({ description: 'alpha: P(X > x) = (scaleS / x)^shape; the mean is finite when shape > 1' }),
  scaleS: time('s', { gt: 0 }).meta({ description: 'the shortest session' }),
});

const weibull = section({
  distribution: z.literal('weibull'),
  shape: num({ gt: 0 }).meta({ description: 'k: P(X > x) = exp(-(x / scaleS)^shape); k < 1 = heavy tail of long sessions' }),
  scaleS: time('s', { gt: 0 }),
});

const session = z.discriminatedUnion('distribution', [exponential, pareto, weibull], {
  error: 'expected a session distribution: { distribution: exponential, meanS }, { distribution: pareto, shape, scaleS } or { distribution: weibull, shape, scaleS }',
});

export const churnSchema = section(
  {
    hosts,
    keepUp: z
      .array(hostIndex, { error: 'expected a list of host indices' })
      .default([])
      .meta({ description: "hosts that never churn (e.g. Chord's ring creator)" }),
    initiallyUpShare: num({ ge: 0, le: 1 }).default(1).meta({ description: 'share of the churning hosts up when churn begins; the others start down' }),
    startS: time('s', { ge: 0 }).default(0).meta({ description: 'churn begins then (a warm-up), < durationS' }),
    joinRatePerS: num({ gt: 0 }).meta({ description: 'Poisson joins per second (a join finding every churning host up is skipped)' }),
    session,
    eventsMax: int({ ge: 1 }).default(10_000_000).meta({ description: 'bound on the joins and leaves of a run' }),
  },
  'an object of churn settings: joinRatePerS and session at least',
).superRefine((churn, context) => {
  const distinct = (list: readonly number[], path: string): void => {
    const seen = new Set<number>();
    list.forEach((host, index) => {
      if (seen.has(host)) context.addIssue({ code: 'custom', path: [path, index], message: `expected distinct host indices (${host} is listed twice)` });
      seen.add(host);
    });
  };
  if (Array.isArray(churn.hosts)) distinct(churn.hosts, 'hosts');
  distinct(churn.keepUp, 'keepUp');
  if (Array.isArray(churn.hosts)) {
    const kept = new Set(churn.keepUp);
    churn.hosts.forEach((host, index) => {
      if (kept.has(host)) context.addIssue({ code: 'custom', path: ['hosts', index], message: `expected a host not in keepUp (${host} is in both)` });
    });
  }
});

export type Churn = z.output<typeof churnSchema>;

/** The session distribution in the milliseconds the churn model takes. */
export function sessionInMs(session: Churn['session']): SessionDistribution {
  switch (session.distribution) {
    case 'exponential':
      return { kind: 'exponential', meanMs: session.meanS * 1000 };
    case 'pareto':
      return { kind: 'pareto', shape: session.shape, scaleMs: session.scaleS * 1000 };
    case 'weibull':
      return { kind: 'weibull', shape: session.shape, scaleMs: session.scaleS * 1000 };
  }
}
