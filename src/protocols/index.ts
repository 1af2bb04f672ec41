export type { PeerSampler } from './peer-sampler.js';
export * from './gossip/index.js';
export * from './vivaldi/index.js';
export * from './stack.js';
