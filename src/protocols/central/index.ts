export * from './central-config.js';
export * from './central-messages.js';
export * from './host-view.js';
export * from './central-protocol.js';
export * from './central-stack.js';
export * from './central-schemas.js';
