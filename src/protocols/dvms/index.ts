export * from './dvms-config.js';
export * from './dvms-overlay.js';
export * from './dvms-messages.js';
export * from './partition.js';
export * from './partition-problem.js';
export * from './next-node.js';
export type { PartitionInfo } from './node-role.js';
export type { LeaderPhase } from './leader-env.js';
export * from './dvms-protocol.js';
