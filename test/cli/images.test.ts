import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc, ROOT } from './run-cli.js';

const TINY = join(ROOT, 'test/scenario/fixtures/good/images.yaml');

describe('luc run with cloud.images (end to end)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-images-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes byte-identical metrics twice for a seed, with the image metrics', () => {
    const args = ['--quiet', '--set', 'cloud.images.replicas=1', '--set', 'hosts.perPop.counts.West=4'];
    const a = luc(['run', TINY, ...args, '--out', join(dir, 'a')]);
    const b = luc(['run', TINY, ...args, '--out', join(dir, 'b')]);
    for (const r of [a, b]) expect(r.status, r.stderr).toBe(0);
    const csv = readFileSync(join(dir, 'a', 'metrics.csv'), 'utf8');
    expect(csv).toBe(readFileSync(join(dir, 'b', 'metrics.csv'), 'utf8'));
    const metrics = JSON.parse(readFileSync(join(dir, 'a', 'summary.json'), 'utf8')).metrics;
    expect(metrics['images.boots']).toBe(5);
    expect(metrics['images.wan_bytes']).toBeGreaterThan(0);
  });

  it('rejects cloud.images.detectionS beside cloud.snapshots with exit 2: one recovery service, one detection delay', () => {
    const r = luc(['run', TINY, '--quiet', '--set', 'cloud.snapshots={}', '--set', 'cloud.images.detectionS=3', '--out', join(dir, 'bad')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cloud.images.detectionS: expected no detectionS here with cloud.snapshots');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  for (const [label, text, message] of [
    ['a missing manifest', null, 'cloud.images.manifest: expected an existing file'],
    ['a manifest of bad YAML', 'images: [ { name: a, chunks: [x }\n', 'expected valid YAML or JSON'],
    ['a manifest with an empty image', 'chunkMiB: 4\nimages:\n  - { name: a, chunks: [] }\n', 'images[0].chunks: expected a non-empty list of chunk ids'],
    ['a manifest with a duplicate image name', 'chunkMiB: 4\nimages:\n  - { name: a, chunks: [x] }\n  - { name: a, chunks: [y] }\n', 'images[1].name: expected a name no other image has'],
    ['a manifest with a non-string chunk id', 'chunkMiB: 4\nimages:\n  - { name: a, chunks: [x, 42] }\n', 'images[0].chunks[1]: expected a chunk id'],
  ] as const) {
    it(`rejects ${label} with exit 2, naming the file and the field, and no stack`, () => {
      const path = join(dir, `${label.replace(/ /g, '-')}.yaml`);
      if (text !== null) writeFileSync(path, text);
      const r = luc(['run', TINY, '--quiet', '--set', `cloud.images={"manifest":${JSON.stringify(path)}}`, '--out', join(dir, 'bad')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(text === null ? TINY : path);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('rejects the image family fields the scenario sets beside a manifest with exit 2, naming the file, each field and its line, and no stack', () => {
    const r = luc(['run', TINY, '--quiet', '--set', 'cloud.images.manifest=../images/two-images.yaml', '--out', join(dir, 'bad')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(TINY);
    for (const field of ['count', 'sizeGiB', 'chunkMiB']) expect(r.stderr).toContain(`cloud.images.${field}: expected no ${field} with cloud.images.manifest`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  for (const [set, field] of [
    ['cloud.images.chunkMiB=0', 'cloud.images.chunkMiB: expected a number > 0'],
    ['cloud.images.sharedShare=1.5', 'cloud.images.sharedShare: expected a number in [0, 1]'],
    ['cloud.images.zeroShare=0.8', 'cloud.images.zeroShare: expected a number <= 1 - sharedShare'],
    ['cloud.images.replicas=0', 'cloud.images.replicas: expected an integer >= 1'],
    ['cloud.images.bootShare=0', 'cloud.images.bootShare: expected a number in (0, 1]'],
    ['cloud.images.diskMBps="fast"', 'cloud.images.diskMBps: expected a number > 0'],
    ['cloud.images.bootAtStart=yes', 'cloud.images.bootAtStart'],
    ['cloud.images.chunkSize=4', 'cloud.images.chunkSize'],
    ['cloud.images.sizeGiB=0.001', 'cloud.images.sizeGiB: expected at least one chunk of 4 MiB'],
    ['cloud.images.count=100000', 'cloud.images.count: expected at most 2000000 chunks in all'],
  ] as const) {
    it(`rejects ${set} with exit 2, naming the field, and no stack`, () => {
      const r = luc(['run', TINY, '--quiet', '--set', set, '--out', join(dir, 'bad')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(field);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr.trim().split('\n')).toHaveLength(1); // one bad value, one error
    });
  }
});
