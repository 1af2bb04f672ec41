import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const platformDir = fileURLToPath(new URL('../../src/platform/', import.meta.url));

describe('platform sources', () => {
  it('use no ambient nondeterminism (Math.random, Date.now, performance.now, setTimeout)', () => {
    for (const file of readdirSync(platformDir).filter((name) => name.endsWith('.ts'))) {
      const text = readFileSync(platformDir + file, 'utf8');
      expect(text, file).not.toMatch(/Math\.random|Date\.now|performance\.now|setTimeout/);
    }
  });
});
