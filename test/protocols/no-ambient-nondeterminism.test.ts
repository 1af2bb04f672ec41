import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../src/protocols/', import.meta.url).pathname;
const FORBIDDEN = [/Math\.random/, /Date\.now/, /performance\.now/, /setTimeout/, /setInterval/, /\basync\b/, /\bawait\b/, /Promise/];
const FORBIDDEN_IMPORTS = [/from '.*\/kernel\//, /from '.*\/platform\//, /from 'node:/, /from 'dgram'/];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('protocol sources', () => {
  it('use no ambient nondeterminism, no async code, and import nothing below the node context', () => {
    const files = sources(ROOT);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of [...FORBIDDEN, ...FORBIDDEN_IMPORTS]) {
        expect(pattern.test(text), `${file} matches ${pattern}`).toBe(false);
      }
    }
  });
});
