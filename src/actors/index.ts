export * from './overlay.js';
export * from './notification-actor.js';
export * from './peer-actor.js';
export * from './supervisor.js';
export * from './failure-detector.js';
export * from './sampled-overlay.js';
export * from './churn.js';
export * from './actor-stack.js';
