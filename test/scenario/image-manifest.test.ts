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

/** The tiny world's images section with `file` as its manifest and none of the family's fields (count, sizeGiB, chunkMiB) it sets. */
function withManifest(file: string): string {
  return `cloud.images={"manifest":${JSON.stringify(file)},"bootShare":0.1,"diskMBps":100,"bootAtStart":true}`;
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
    const rows = runScenario(loadScenario(tiny, [withManifest('../images/two-images.yaml')]), tiny).series.all();
    const last = (metric: string) => rows.filter((row) => row.metric === metric && row.node === '').at(-1)?.value;
    expect(last('images.storage_bytes')).toBe(2 * 6 * 4 * MIB);
    expect(last('images.storage_bytes_nodedup')).toBe(2 * 8 * 4 * MIB);
    expect(last('images.dedup_saving')).toBe(0.25);
    expect(last('images.boots')).toBe(2);
  });

  it('enter the scenario hash by content: the YAML and JSON manifests give two hashes, the same file twice one', () => {
    const tiny = fixture('good/images.yaml');
    const hash = (file: string) => scenarioHash(loadScenario(tiny, [withManifest(file)]));
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

  it('refuse the fields of the family generator beside a manifest, every one the user set, with its line: the tiny world sets count, sizeGiB and chunkMiB', () => {
    const tiny = fixture('good/images.yaml');
    let caught: unknown = null;
    try {
      loadScenario(tiny, ['cloud.images.manifest=../images/two-images.yaml', 'cloud.images.sharedShare=0.3']);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    const issues = (caught as ScenarioError).issues;
    expect(issues.map((issue) => issue.field)).toEqual(['cloud.images.count', 'cloud.images.sizeGiB', 'cloud.images.chunkMiB', 'cloud.images.sharedShare']);
    expect(issues[0].expected).toBe('no count with cloud.images.manifest (the manifest lists the images and their chunks; count shapes a generated family only)');
    expect(issues[0].found).toBe('4');
    expect(issues[0].line).toBeGreaterThan(0); // in the file
    expect(issues[2].expected).toContain('and its own chunkMiB');
    expect(issues[3].found).toBe('0.3 (from --set cloud.images.sharedShare=0.3)');
    // Their defaults are not the user's: the same section without them loads.
    expect(loadScenario(tiny, [withManifest('../images/two-images.yaml')]).cloud?.images?.count).toBe(10);
  });
});
