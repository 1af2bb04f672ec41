/** What a `Leader` is given: the node's services, and how it starts (a new ISP, or one taken over). */
import type { NodeId } from '../../runtime/context.js';
import type { OutcomeLog } from '../outcome-log.js';
import type { SchedulingOutcome } from '../scheduling-outcome.js';
import type { IspData, MemberData, PartitionVersion } from './dvms-messages.js';
import type { DvmsOverlay } from './dvms-overlay.js';
import type { IspForwarder } from './isp-forwarder.js';
import type { RoundEnv } from './plan-round.js';
import type { Suspects } from './suspects.js';

export interface LeaderEnv extends RoundEnv {
  readonly overlay: DvmsOverlay;
  readonly suspects: Suspects;
  readonly forwarder: IspForwarder;
  readonly log: OutcomeLog<SchedulingOutcome>;
  /** The leader stopped (dissolved, solved, withdrew): the node is free; `held` is an ISP it held, to process anew. */
  ended(held: IspData | null): void;
  /** Process anew, at this node, an ISP this leader will not merge. */
  reprocess(isp: IspData): void;
}

export interface LeaderStart {
  readonly version: PartitionVersion;
  readonly members: readonly MemberData[];
  readonly startedAtMs: number;
  readonly plans: number;
  readonly planningMs: number;
  /**
   * The leader this one takes over from (-1: a new ISP, nothing to confirm). It must confirm the
   * handover before this leader announces itself to the others: only one taker per version is
   * accepted, so a duplicated or stale ISP never makes a second live leader; a previous leader
   * silent for `forwardTimeoutMs` is dropped as crashed.
   */
  readonly previousLeader: NodeId;
}

export type LeaderPhase = 'confirming' | 'growing' | 'planning' | 'applying';
