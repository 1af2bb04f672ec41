/** The scenario layer: schema, loading with `--set` overrides, typed errors, hashing. */
export { canonicalJson, loadScenario, scenarioHash } from './load.js';
export { ScenarioError, formatIssue, type ScenarioIssue } from './errors.js';
export { scenarioJsonSchemaText, writeScenarioJsonSchema } from './json-schema.js';
export {
  scenarioSchema,
  type Fault,
  type GossipConfig,
  type Hosts,
  type HostsPerPop,
  type Protocols,
  type Scenario,
  type Topology,
  type VivaldiConfig,
} from './schema.js';
