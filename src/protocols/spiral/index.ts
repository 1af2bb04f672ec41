export * from './spiral-config.js';
export * from './spiral-core.js';
export * from './spiral-messages.js';
export * from './close-set.js';
export * from './spiral-protocol.js';
export * from './spiral-stack.js';
export * from './spiral-schemas.js';
