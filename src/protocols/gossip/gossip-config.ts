/** Every gossip (Cyclon) parameter, fully filled: callers spread `defaultGossipConfig` and override. */

export interface GossipConfig {
  /** Entries in the random view (Cyclon's c). */
  readonly viewSize: number;
  /** Entries exchanged per shuffle (Cyclon's l), the initiator's own fresh entry included. */
  readonly shuffleLength: number;
  /** One shuffle per period. */
  readonly periodMs: number;
  /**
   * Long-distance links kept beside the random view: the peers with the largest RTT measured on
   * this node's own shuffle round trips (no coordinates involved). 0 disables them.
   */
  readonly farPeers: number;
  /** A far link not re-measured for this many periods is dropped (it may have died). */
  readonly farTtlPeriods: number;
}

export const defaultGossipConfig: GossipConfig = {
  viewSize: 20,
  shuffleLength: 8,
  periodMs: 1000,
  farPeers: 2,
  farTtlPeriods: 60,
};

export function validateGossipConfig(config: GossipConfig): void {
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`GossipConfig.${field}: expected ${expected}, got ${String((config as unknown as Record<string, unknown>)[field])}`);
  };
  if (!(Number.isInteger(config.viewSize) && config.viewSize >= 1)) fail('viewSize', 'an integer >= 1');
  if (!(Number.isInteger(config.shuffleLength) && config.shuffleLength >= 1 && config.shuffleLength <= config.viewSize)) {
    fail('shuffleLength', 'an integer in [1, viewSize]');
  }
  if (!(config.periodMs > 0)) fail('periodMs', 'a number > 0');
  if (!(Number.isInteger(config.farPeers) && config.farPeers >= 0)) fail('farPeers', 'an integer >= 0');
  if (!(Number.isInteger(config.farTtlPeriods) && config.farTtlPeriods >= 1)) fail('farTtlPeriods', 'an integer >= 1');
}
