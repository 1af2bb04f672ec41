export * from './ring.js';
export * from './chord-config.js';
export * from './chord-messages.js';
export * from './chord-table.js';
export * from './lookup-log.js';
export * from './coordinate-source.js';
export * from './chord-protocol.js';
export * from './chord-stack.js';
