/**
 * The JSON Schema of scenario files, for editors (YAML language server: put
 * `# yaml-language-server: $schema=<path>/scenario.schema.json` on a scenario's first line).
 * Generated from the zod schema (input side: what one writes, with defaults shown); a test
 * checks that the committed scenarios/scenario.schema.json matches.
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { scenarioSchema } from './schema.js';

export function scenarioJsonSchemaText(): string {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12' });
  const titled = { ...schema, title: 'luc-sim scenario' };
  return `${JSON.stringify(titled, null, 2)}\n`;
}

export function writeScenarioJsonSchema(path: string): void {
  writeFileSync(path, scenarioJsonSchemaText());
}
