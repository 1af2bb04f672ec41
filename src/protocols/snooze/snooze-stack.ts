/** A node running the hierarchical baseline. Instances come back by name: `stack.get(SNOOZE)`. */
import type { Protocol, StackBuilder } from '../../runtime/context.js';
import type { SnoozeConfig } from './snooze-config.js';
import { SnoozeProtocol } from './snooze-protocol.js';

export const SNOOZE = 'snooze';

export function snoozeStack(config: SnoozeConfig): StackBuilder {
  return (contextFor) => new Map<string, Protocol>([[SNOOZE, new SnoozeProtocol(contextFor(SNOOZE), config)]]);
}
