import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FIELD_DESCRIPTIONS } from '../../src/scenario/field-descriptions.js';
import { forEachField, scenarioJsonSchemaText } from '../../src/scenario/json-schema.js';
import { scenarioSchema } from '../../src/scenario/schema.js';

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

  it('describes every field: 431 of 431 (107 had a description when issue 14 counted them)', () => {
    const schema = JSON.parse(scenarioJsonSchemaText()) as unknown;
    const undescribed: string[] = [];
    let fields = 0;
    forEachField(schema, '', (path, property) => {
      fields++;
      if (typeof property.description !== 'string' || property.description.length < 8) undescribed.push(path);
    });
    expect(undescribed).toEqual([]);
    expect(fields).toBe(431);
  });

  it('takes from field-descriptions.ts only fields that exist and that zod leaves undescribed', () => {
    const raw = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12' }) as unknown;
    const undescribedInZod = new Set<string>();
    forEachField(raw, '', (path, property) => {
      if (property.description === undefined) undescribedInZod.add(path);
    });
    expect(Object.keys(FIELD_DESCRIPTIONS).filter((path) => !undescribedInZod.has(path))).toEqual([]);
  });
});

