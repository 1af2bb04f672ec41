export * from './vivaldi-core.js';
export * from './vivaldi-config.js';
export * from './vivaldi-messages.js';
export * from './vivaldi-protocol.js';
export * from './latency-filter.js';
export * from './neighbour-set.js';
export * from './vivaldi-schemas.js';
