/**
 * The JSON Schema of scenario files, for editors (YAML language server: put
 * `# yaml-language-server: $schema=<path>/scenario.schema.json` on a scenario's first line).
 * Generated from the zod schema (input side: what one writes, with defaults shown); a field
 * without a zod description takes its text from `field-descriptions.ts`. A test checks that the
 * committed scenarios/scenario.schema.json matches, and that every field has a description.
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { FIELD_DESCRIPTIONS } from './field-descriptions.js';
import { scenarioSchema } from './schema.js';

type JsonNode = { [key: string]: unknown };

function isNode(value: unknown): value is JsonNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Calls `visit(path, property)` for every property of every object in `node`, through unions
 * and list items (`[]` in the path). Pure traversal; `visit` may replace the property.
 */
export function forEachField(node: unknown, path: string, visit: (path: string, property: JsonNode, replace: (next: JsonNode) => void) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) forEachField(item, path, visit);
    return;
  }
  if (!isNode(node)) return;
  const properties = node.properties;
  if (isNode(properties)) {
    for (const [name, property] of Object.entries(properties)) {
      if (!isNode(property)) continue;
      const here = path === '' ? name : `${path}.${name}`;
      visit(here, property, (next) => (properties[name] = next));
      forEachField(properties[name], here, visit);
    }
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems', 'additionalProperties']) forEachField(node[key], path, visit);
  forEachField(node.items, `${path}[]`, visit);
}

export function scenarioJsonSchema(): JsonNode {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12' }) as JsonNode;
  forEachField(schema, '', (path, property, replace) => {
    const description = FIELD_DESCRIPTIONS[path];
    if (property.description === undefined && description !== undefined) replace({ description, ...property });
  });
  return { ...schema, title: 'luc-sim scenario' };
}

export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

export function writeScenarioJsonSchema(path: string): void {
  writeFileSync(path, scenarioJsonSchemaText());
}
