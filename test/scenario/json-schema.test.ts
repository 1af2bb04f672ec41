import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchemaText } from '../../src/scenario/json-schema.js';

const committed = fileURLToPath(new URL('../../scenarios/scenario.schema.json', import.meta.url));

describe('scenarios/scenario.schema.json', () => {
  it('equals the schema generated from the zod schema (regenerate with writeScenarioJsonSchema)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('is draft 2020-12, rejects unknown top-level fields and requires the five essential ones', () => {
    const schema = JSON.parse(scenarioJsonSchemaText()) as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'seed', 'durationS', 'topology', 'protocols']);
  });
});
