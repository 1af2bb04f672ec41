/**
 * The VE manager of a node (`cloud.lifecycle`): the VE protocol beside the node's Chord (Chord
 * added with its defaults and no lookups of its own when the scenario has none), and with
 * `registry: 'store'` beside the node's replicated store, which keeps the VE records.
 */
import type { VeConstraint } from '../placement/problem.js';
import type { Protocol, StackBuilder } from '../runtime/context.js';
import { defaultVeConfig, type VeConfig } from '../protocols/ve/ve-config.js';
import { type VeObserver, VeProtocol } from '../protocols/ve/ve-protocol.js';
import { VE } from '../protocols/ve/ve-stack.js';
import type { LifecycleSection } from '../scenario/lifecycle.js';
import { chordBeneath } from './chord-beneath.js';
import { superviseOver } from '../actors/actor-stack.js';
import { CHORD } from '../protocols/chord/index.js';
import { STORE, type StoreProtocol } from '../protocols/store/index.js';

export function veConfigOf(section: LifecycleSection, veCount: number, hostCount: number, constraints: readonly VeConstraint[]): VeConfig {
  const { configureAtS: _at, ...fields } = section;
  return { ...defaultVeConfig, ...fields, veCount, targetNodeCount: hostCount, constraints };
}

/** `observer`: told of every finished operation, across restarts (the simulation scores them, a live agent samples them). */
export function withVeLifecycle(inner: StackBuilder, config: VeConfig, observer?: VeObserver): StackBuilder {
  return (contextFor) => {
    const protocols = new Map<string, Protocol>(inner(contextFor));
    const store = config.registry === 'store' ? ((protocols.get(STORE) as StoreProtocol | undefined) ?? null) : null;
    if (config.registry === 'store' && store === null) throw new RangeError("withVeLifecycle: registry 'store' needs the store protocol beneath (protocols.store)");
    // A service under the node's supervisor, bound to Chord through a peer actor.
    superviseOver(protocols, contextFor, VE, { name: CHORD, source: chordBeneath(protocols, contextFor, null) }, (ctx, peer) => new VeProtocol(ctx, peer.overlay.source, config, observer, store));
    return protocols;
  };
}

