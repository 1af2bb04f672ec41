export * from './vm-index-config.js';
export * from './vm-index-messages.js';
export * from './vm-key.js';
export * from './index-store.js';
export * from './locate-log.js';
export * from './vm-index-protocol.js';
export * from './vm-index-stack.js';
export * from './vm-index-schemas.js';
