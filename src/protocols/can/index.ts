export * from './zone.js';
export * from './can-config.js';
export * from './can-messages.js';
export * from './can-lookup-log.js';
export * from './can-protocol.js';
export * from './can-stack.js';
