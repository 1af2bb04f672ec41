export type { LoadChange, LoadChangeSource } from './load-change.js';
export { BoxMuller, LoadDistribution, quantiseLoadPercent, type LoadDistributionConfig } from './load-distribution.js';
export { VmLoadChanges, normaliseVmLoadConfig, VM_LOAD_DEFAULTS, VM_LOAD_STREAM, type VmLoadConfig } from './vmplaces-load.js';
export { LoadTrace, TraceError, parseLoadTrace, readLoadTrace, TRACE_HEADER } from './load-trace.js';
export { LoadDriver } from './load-driver.js';
