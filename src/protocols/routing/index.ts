export * from './routing-config.js';
export * from './routing-messages.js';
export * from './long-link-cache.js';
export * from './neighbour-book.js';
export * from './routing-core.js';
export * from './routing-protocol.js';
export * from './routing-stack.js';
export * from './routing-schemas.js';
