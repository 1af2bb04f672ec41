export { EventQueue } from './event-queue.js';
export { Simulator, BoundExceededError, type EventHandler, type EventRecord, type Schedulable, type TimerHandle, type RunLimits } from './simulator.js';
export { randomStream, type Random } from './random.js';
export { msToUs, usToMs, sToUs, US_PER_MS, US_PER_S } from './time.js';
