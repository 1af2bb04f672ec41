export * from './catalogue.js';
export * from './recovery-config.js';
export * from './recovery-messages.js';
export * from './recovery-protocol.js';
export * from './recovery-schemas.js';
export * from './restart-choice.js';
export * from './store-choice.js';
