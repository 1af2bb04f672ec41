/**
 * The `detector` section on a node: a heartbeat failure detector watching the peers of the
 * node's membership protocol (gossip). The simulation wraps it so its probe hears each start,
 * stop and leave; a live agent runs it as it is.
 */
import { type CandidateSource, FailureDetector, type FailureDetectorConfig } from '../actors/failure-detector.js';
import type { NodeContext, Protocol, StackBuilder } from '../runtime/context.js';

export const DETECTOR = 'fd';

/** Wraps a node's detector before it joins the stack (the identity for a live agent). */
export type DetectorWrap = (detector: FailureDetector, ctx: NodeContext) => Protocol;

/** Adds a failure detector, watching the peers of protocol `membership`, after the protocols of `stack`. */
export function withDetector(stack: StackBuilder, membership: string, config: FailureDetectorConfig, wrap: DetectorWrap = (detector) => detector): StackBuilder {
  return (contextFor) => {
    const protocols = new Map(stack(contextFor));
    const candidates = protocols.get(membership) as (Protocol & Partial<CandidateSource>) | undefined;
    if (candidates?.peers === undefined) throw new Error(`withDetector: no ${membership} protocol to draw the watched peers from`);
    const ctx = contextFor(DETECTOR);
    protocols.set(DETECTOR, wrap(new FailureDetector(ctx, candidates as CandidateSource, config, DETECTOR), ctx));
    return protocols;
  };
}
