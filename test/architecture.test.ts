/**
 * The layering of docs/architecture.md and the determinism rules, checked on the source text:
 * each folder of src/ imports only the folders listed for it, protocols see nothing but the
 * node context, and no simulated code reads the host's clock or randomness.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** For each top folder of src/, the src/ folders it may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  kernel: [],
  platform: ['kernel'],
  runtime: ['kernel', 'platform'],
  placement: [],
  protocols: ['actors', 'placement'], // plus runtime/context.ts only: checked apart
  actors: [], // plus runtime/context.ts only: checked apart
  agent: ['protocols', 'actors', 'placement'], // plus runtime/context.ts, and scenario/ for types only: checked apart
  faults: ['kernel', 'platform', 'runtime'],
  metrics: ['kernel'],
  workload: ['kernel'],
  scenario: ['kernel', 'platform', 'runtime', 'protocols', 'actors', 'agent', 'faults', 'metrics', 'workload', 'placement'],
  check: ['kernel', 'platform', 'runtime', 'protocols', 'agent', 'faults', 'metrics', 'scenario'],
  plot: ['kernel', 'platform', 'metrics', 'scenario'],
  torture: ['kernel', 'platform', 'runtime', 'protocols', 'actors', 'agent', 'faults', 'metrics', 'scenario', 'placement'],
  cli: ['kernel', 'platform', 'runtime', 'protocols', 'actors', 'agent', 'faults', 'metrics', 'scenario', 'plot', 'check', 'workload', 'placement', 'torture'],
  bench: ['kernel', 'platform', 'runtime', 'protocols', 'agent', 'faults', 'metrics', 'scenario', 'workload', 'placement'],
};

/** Where reading the host's time or randomness is allowed: the live runtime, the CLI, benchmarks. */
const HOST_EFFECTS_ALLOWED = ['runtime/live/', 'cli/', 'bench/'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\\/g, '/'));
}

const files = sourceFiles(SRC).map((path) => ({ path, rel: relative(SRC, path).replace(/\\/g, '/') }));

describe('architecture', () => {
  it('has every src/ folder in the layering table', () => {
    const folders = new Set(files.map((f) => f.rel.split('/')[0]).filter((f) => !f.endsWith('.ts')));
    for (const folder of folders) expect(Object.keys(ALLOWED), folder).toContain(folder);
  });

  it('imports only from the layers each folder may depend on', () => {
    for (const { path, rel } of files) {
      const layer = rel.split('/')[0];
      for (const target of localImports(path)) {
        const targetLayer = target.split('/')[0];
        if (targetLayer === layer) continue;
        if (layer === 'agent' && (targetLayer === 'runtime' || targetLayer === 'scenario')) {
          // The agent runs on both runtimes: it sees the node context, and a scenario's section types.
          if (targetLayer === 'runtime') expect(target, `${rel} imports ${target}: the agent sees only runtime/context`).toBe('runtime/context.js');
          continue;
        }
        if (layer === 'protocols' || layer === 'actors') {
          if (ALLOWED[layer].includes(targetLayer)) continue;
          expect(target, `${rel} imports ${target}: ${layer} see only runtime/context`).toBe('runtime/context.js');
          continue;
        }
        expect(ALLOWED[layer], `${rel} imports ${target}`).toContain(targetLayer);
      }
    }
  });

  it('lets the agent take only types from scenario/ (the scenario runs the agent, not the other way round)', () => {
    for (const { path, rel } of files) {
      if (!rel.startsWith('agent/')) continue;
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?[^'"]*?from\s+'([^']*\/scenario\/[^']+)'/g)) {
        expect(m[2], `${rel} imports values from ${m[3]}: use 'import type'`).toBeDefined();
      }
    }
  });

  it('keeps sockets, processes and files out of protocols, kernel and platform models', () => {
    for (const { path, rel } of files) {
      if (!/^(protocols|kernel|actors|agent)\//.test(rel)) continue;
      const text = readFileSync(path, 'utf8');
      expect(text, rel).not.toMatch(/from 'node:(dgram|net|child_process|fs)'/);
    }
  });

  it('reads no host clock or randomness outside the live runtime, the CLI and benchmarks', () => {
    for (const { path, rel } of files) {
      if (HOST_EFFECTS_ALLOWED.some((prefix) => rel.startsWith(prefix))) continue;
      const text = readFileSync(path, 'utf8');
      expect(text, rel).not.toMatch(/Math\.random\(|Date\.now\(|performance\.now\(|new Date\(\)|setTimeout\(|setInterval\(/);
    }
  });

  it('keeps protocol handlers synchronous: no async, await or Promise in protocols or the kernel', () => {
    for (const { path, rel } of files) {
      if (!/^(protocols|kernel|actors|agent)\//.test(rel)) continue;
      expect(readFileSync(path, 'utf8'), rel).not.toMatch(/\basync\b|\bawait\b|\bPromise\b/);
    }
  });
});
