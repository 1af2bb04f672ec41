import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { readImageManifest } from '../../src/scenario/image-manifest.js';
import { loadScenario, scenarioHash } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { fixture } from './fixtures.js';

const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'luc-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function manifest(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function error(path: string): ScenarioError {
  try {
    readImageManifest(path);
  } catch (caught) {
    if (caught instanceof ScenarioError) return caught;
    throw caught;
  }
  throw new Error(`expected ${path} to be refused`);
}

describe('image manifests', () => {
  it('read YAML and JSON alike: 2 images of 4 chunks of 4 MiB, ids numbered by first appearance, 6 distinct', () => {
    for (const file of ['images/two-images.yaml', 'images/two-images.json']) {
      const images = readImageManifest(fixture(file));
      expect(images.chunkBytes).toBe(4 * MIB);
      expect(images.chunkCount).toBe(6);
      expect(images.images.map((image) => [...image])).toEqual([
        [0, 1, 2, 3],
        [0, 2, 4, 5],
      ]);
    }
  });

  it('drive a run: 6 distinct chunks on 2 PoPs stored, 8 without deduplication, saving 1 - 6/8; both VMs boot', () => {
    const tiny = fixture('good/images.yaml');
    const rows = runScenario(loadScenario(tiny, ['cloud.images.manifest=../images/two-images.yaml']), tiny).series.all();
    const last = (metric: string) => rows.filter((row) => row.metric === metric && row.node === '').at(-1)?.value;
    expect(last('images.storage_bytes')).toBe(2 * 6 * 4 * MIB);
    expect(last('images.storage_bytes_nodedup')).toBe(2 * 8 * 4 * MIB);
    expect(last('images.dedup_saving')).toBe(0.25);
    expect(last('images.boots')).toBe(2);
  });

  it('enter the scenario hash by content: the YAML and JSON manifests give two hashes, the same file twice one', () => {
    const tiny = fixture('good/images.yaml');
    const hash = (file: string) => scenarioHash(loadScenario(tiny, [`cloud.images.manifest=${file}`]));
    expect(hash('../images/two-images.yaml')).toBe(hash(fixture('images/two-images.yaml')));
    expect(hash('../images/two-images.yaml')).not.toBe(hash('../images/two-images.json'));
  });

  for (const [label, text, field, expected] of [
    ['bad YAML', 'images: [ { name: a, chunks: [x }\n', '', 'expected valid YAML or JSON'],
    ['an empty image', 'chunkMiB: 4\nimages:\n  - { name: a, chunks: [] }\n', 'images[0].chunks', 'expected a non-empty list of chunk ids'],
    ['a duplicate image name', 'chunkMiB: 4\nimages:\n  - { name: a, chunks: [x] }\n  - { name: a, chunks: [y] }\n', 'images[1].name', "expected a name no other image has (images[0] is 'a' already), found 'a'"],
    ['a non-string chunk id', 'chunkMiB: 4\nimages:\n  - { name: a, chunks: [x, 42] }\n', 'images[0].chunks[1]', 'expected a chunk id, a non-empty string (its content digest), found 42'],
    ['no chunk size', 'images:\n  - { name: a, chunks: [x] }\n', 'chunkMiB', 'expected the chunk size, a number of MiB > 0, found nothing'],
    ['no images', 'chunkMiB: 4\nimages: []\n', 'images', 'expected a non-empty list of images'],
  ] as const) {
    it(`refuse ${label}, naming the file and the field`, () => {
      const path = manifest(`${label.replace(/ /g, '-')}.yaml`, text);
      const refused = error(path);
      expect(refused.file).toBe(path);
      expect(refused.fieldPath).toBe(field);
      expect(refused.message).toContain(expected);
    });
  }

  it('refuse a missing file, naming it', () => {
    const refused = error(join(dir, 'nowhere.yaml'));
    expect(refused.message).toBe(`${join(dir, 'nowhere.yaml')}: expected an image manifest file (YAML or JSON), found no readable file`);
  });

  it('report every problem at once, one line each', () => {
    const refused = error(manifest('many.yaml', 'chunkMiB: -1\nimages:\n  - { name: a, chunks: [1, 2] }\n  - { name: a, chunks: [] }\n'));
    expect(refused.issues.map((issue) => issue.field)).toEqual(['chunkMiB', 'images[0].chunks[0]', 'images[0].chunks[1]', 'images[1].name', 'images[1].chunks']);
  });
});
