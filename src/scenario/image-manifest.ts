/**
 * Images read from a manifest (`cloud.images.manifest`), YAML or JSON:
 *
 *   chunkMiB: 4
 *   images:
 *     - { name: debian-12, chunks: [sha256:9f86..., sha256:60303..., ...] }
 *
 * Each image is its chunks in order, each chunk named by its content id (a digest, any non-empty
 * string): one id is one content, stored once per store. Ids become the dense chunk numbers of
 * `platform/images.ts` in order of first appearance. Every problem is reported at once as a
 * `ScenarioError` naming the manifest, the path of the field and what was expected.
 */
import type { ImageSet } from '../platform/images.js';
import { describeValue, ScenarioError, scenarioIssue, type ScenarioIssue } from './errors.js';
import { isRecord } from './paths.js';
import { readSideFile } from './side-file.js';

/** Chunks in all the manifest's images, at most (the stores keep a byte per PoP and distinct chunk). */
export const MANIFEST_CHUNKS_MAX = 2_000_000;
const MIB = 1024 * 1024;

export function readImageManifest(file: string): ImageSet {
  const data = readSideFile(file, 'an image manifest file (YAML or JSON)');
  const issues: ScenarioIssue[] = [];
  const images = checkManifest(data, issues);
  if (issues.length > 0 || images === null) throw new ScenarioError(file, issues);
  return images;
}

function checkManifest(data: unknown, issues: ScenarioIssue[]): ImageSet | null {
  if (!isRecord(data)) {
    issues.push(scenarioIssue('', 'an object with chunkMiB and images', describeValue(data)));
    return null;
  }
  for (const key of Object.keys(data)) if (key !== 'chunkMiB' && key !== 'images') issues.push(scenarioIssue(key, 'no such field (chunkMiB, images)', describeValue(data[key])));
  const { chunkMiB, images } = data;
  if (!(typeof chunkMiB === 'number' && chunkMiB > 0 && Number.isFinite(chunkMiB))) issues.push(scenarioIssue('chunkMiB', 'the chunk size, a number of MiB > 0', describeValue(chunkMiB)));
  if (!Array.isArray(images) || images.length === 0) {
    issues.push(scenarioIssue('images', 'a non-empty list of images, each { name, chunks }', describeValue(images)));
    return null;
  }
  const idOf = new Map<string, number>();
  const firstNamed = new Map<string, number>();
  const lists: Int32Array[] = [];
  let total = 0;
  images.forEach((image: unknown, i) => {
    const at = `images[${i}]`;
    if (!isRecord(image)) {
      issues.push(scenarioIssue(at, 'an image { name, chunks }', describeValue(image)));
      return;
    }
    for (const key of Object.keys(image)) if (key !== 'name' && key !== 'chunks') issues.push(scenarioIssue(`${at}.${key}`, 'no such field (name, chunks)', describeValue(image[key])));
    const { name, chunks } = image;
    if (typeof name !== 'string' || name.length === 0) issues.push(scenarioIssue(`${at}.name`, 'a non-empty string', describeValue(name)));
    else if (firstNamed.has(name)) issues.push(scenarioIssue(`${at}.name`, `a name no other image has (images[${firstNamed.get(name)}] is '${name}' already)`, describeValue(name)));
    else firstNamed.set(name, i);
    if (!Array.isArray(chunks) || chunks.length === 0) {
      issues.push(scenarioIssue(`${at}.chunks`, 'a non-empty list of chunk ids (content digests)', describeValue(chunks)));
      return;
    }
    total += chunks.length;
    const list = new Int32Array(chunks.length);
    chunks.forEach((chunk: unknown, c) => {
      if (typeof chunk !== 'string' || chunk.length === 0) {
        issues.push(scenarioIssue(`${at}.chunks[${c}]`, 'a chunk id, a non-empty string (its content digest)', describeValue(chunk)));
        return;
      }
      let id = idOf.get(chunk);
      if (id === undefined) idOf.set(chunk, (id = idOf.size));
      list[c] = id;
    });
    lists.push(list);
  });
  if (total > MANIFEST_CHUNKS_MAX) issues.push(scenarioIssue('images', `at most ${MANIFEST_CHUNKS_MAX} chunks in all`, `${total}`));
  if (issues.length > 0) return null;
  return { chunkBytes: Math.round((chunkMiB as number) * MIB), chunkCount: idOf.size, images: lists };
}
