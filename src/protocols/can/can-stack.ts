/** A node running CAN alone. */
import type { NodeContext, Protocol, StackBuilder } from '../../runtime/context.js';
import type { CanConfig } from './can-config.js';
import { CanProtocol } from './can-protocol.js';

export const CAN = 'can';

export function canStack(config: CanConfig): StackBuilder {
  return (contextFor: (name: string) => NodeContext) => new Map<string, Protocol>([[CAN, new CanProtocol(contextFor(CAN), config)]]);
}
