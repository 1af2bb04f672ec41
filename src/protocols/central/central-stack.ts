/** A node running the centralised baseline. Instances come back by name: `stack.get(CENTRAL)`. */
import type { Protocol, StackBuilder } from '../../runtime/context.js';
import type { CentralConfig } from './central-config.js';
import { CentralSchedulerProtocol } from './central-protocol.js';

export const CENTRAL = 'central';

export function centralStack(config: CentralConfig): StackBuilder {
  return (contextFor) => new Map<string, Protocol>([[CENTRAL, new CentralSchedulerProtocol(contextFor(CENTRAL), config)]]);
}
