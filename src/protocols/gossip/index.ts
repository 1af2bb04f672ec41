export * from './gossip-config.js';
export * from './gossip-messages.js';
export * from './gossip-view.js';
export * from './gossip-protocol.js';
export * from './gossip-schemas.js';
