/**
 * Which of a scenario's hosts the agents of a live launch stand for: agent i is host
 * floor(i x hostCount / agents). Hosts are numbered PoP by PoP, so the agents spread evenly over
 * the backbone; every agent computes the same map from the scenario and the peers file.
 */
export function liveHosts(hostCount: number, agents: number): number[] {
  return Array.from({ length: agents }, (_, i) => Math.floor((i * hostCount) / agents));
}
