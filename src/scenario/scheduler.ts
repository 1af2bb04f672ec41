/**
 * The `scheduler` section: which VM scheduler runs on every host of a `cloud`, with every one of
 * its parameters. `kind` picks it; the sections of the others are ignored, so a sweep can vary
 * `scheduler.kind` alone (`--param scheduler.kind=dvms,central,snooze`).
 *   dvms:    DVMS (`dvms.variant`: ring = the original, neighbour = DVMS2, locality = the
 *            initiator pulls the nearest node by Vivaldi), over Chord (and Vivaldi for locality);
 *   central: the centralised baseline (Entropy every 30 s on the whole infrastructure);
 *   snooze:  the hierarchical baseline (group managers under a group leader).
 * Every field of each protocol's config is a field here, with the protocol's default; the
 * protocol's own validation runs at load time, so a bad value is a scenario error on its field.
 * The planning cost model (`planning`) is shared: each scheduler's own `timeLimitMs` caps it.
 */
import { z } from 'zod';
import { DEFAULT_PLANNING_COST } from '../placement/cost-model.js';
import { defaultCentralConfig, validateCentralConfig } from '../protocols/central/central-config.js';
import { DVMS_VARIANTS, defaultDvmsConfig, validateDvmsConfig } from '../protocols/dvms/dvms-config.js';
import { defaultSnoozeConfig, validateSnoozeConfig } from '../protocols/snooze/snooze-config.js';
import { int, num, numericFieldsOf, protocolIssues, section, time } from './fields.js';

export const SCHEDULER_KINDS = ['dvms', 'central', 'snooze'] as const;

/** Fields of a config that the scenario sets apart (not generated from the defaults). */
const APART = new Set(['variant', 'planningCost', 'constraints', 'groupManagers', 'ispHopsMax']);
const numericFields = <T extends object>(defaults: T) => numericFieldsOf(defaults, APART);

const D = defaultDvmsConfig;
const C = defaultCentralConfig;
const S = defaultSnoozeConfig;

const dvms = section(
  {
    variant: z.enum(DVMS_VARIANTS, { error: `expected one of ${DVMS_VARIANTS.join(', ')}` }).default(D.variant),
    timeLimitMs: time('ms', { ge: 0 }).default(D.planningCost.timeLimitMs).meta({ description: 'planning time limit inside a partition (DVMS2: 2 s)' }),
    ...numericFields(D),
    ispHopsMax: int({ ge: 1 }).optional().meta({ description: `hops of an ISP before it goes back to its leader as if around the ring; must exceed the host count (default: max(${D.ispHopsMax}, hosts + 1))` }),
  },
  'an object of dvms settings ({} for all defaults)',
).prefault({});

const central = section(
  {
    timeLimitMs: time('ms', { ge: 0 }).default(C.planningCost.timeLimitMs).meta({ description: "planning time limit (VMPlaceS: min(30 s, hosts / 8 s))" }),
    ...numericFields(C),
  },
  'an object of central settings ({} for all defaults)',
).prefault({});

const snooze = section(
  {
    timeLimitMs: time('ms', { ge: 0 }).default(S.planningCost.timeLimitMs),
    groupManagerEvery: int({ ge: 1 }).default(32).meta({ description: 'one host in this many is a group manager (after the group leader)' }),
    ...numericFields(S),
  },
  'an object of snooze settings ({} for all defaults)',
).prefault({});

const P = DEFAULT_PLANNING_COST;

export const schedulerSchema = section(
  {
    kind: z.enum(SCHEDULER_KINDS, { error: `expected one of ${SCHEDULER_KINDS.join(', ')}` }),
    planning: section({
      baseMs: num({ ge: 0 }).default(P.baseMs).meta({ description: 'modelled planning time: baseMs + perVmMs x VMs + perVmHostUs x VMs x hosts / 1000, capped by the time limit' }),
      perVmMs: num({ ge: 0 }).default(P.perVmMs),
      perVmHostUs: num({ ge: 0 }).default(P.perVmHostUs),
    }).prefault({}),
    dvms,
    central,
    snooze,
  },
  'an object with the scheduler kind (dvms, central or snooze) and its settings',
).superRefine((scheduler, context) => {
  // The protocols' own validation, on the chosen kind, reported on the field it names.
  const check = (kind: string, validate: () => void): void => protocolIssues(context, [kind], validate);
  const planning = { ...scheduler.planning, timeLimitMs: 0 };
  if (scheduler.kind === 'dvms') check('dvms', () => validateDvmsConfig({ ...D, ...scheduler.dvms, planningCost: { ...planning, timeLimitMs: scheduler.dvms.timeLimitMs } }));
  if (scheduler.kind === 'central') check('central', () => validateCentralConfig({ ...C, ...scheduler.central, planningCost: { ...planning, timeLimitMs: scheduler.central.timeLimitMs } }));
  if (scheduler.kind === 'snooze') check('snooze', () => validateSnoozeConfig({ ...S, ...scheduler.snooze, groupManagers: [scheduler.snooze.groupLeader + 1], planningCost: { ...planning, timeLimitMs: scheduler.snooze.timeLimitMs } }));
});

export type SchedulerSection = z.output<typeof schedulerSchema>;
