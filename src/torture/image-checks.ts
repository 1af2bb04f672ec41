/**
 * The image store's durability for `luc torture` (issue 15 §1): every chunk of every image keeps
 * at least one copy on a live store while fewer PoPs than its replica count k are down, which is
 * what placing each chunk on k distinct PoPs promises. Counted on the placed copies only (fetched
 * copies are caches and may go), over the PoPs of the placement's ring (those with hosts), a
 * store being down while its PoP has no host up (`ImageStore.isUp`).
 *
 * Incremental, so that it can run after every event: a live-copy count per chunk, updated when a
 * PoP's store goes down or comes back (only the chunks placed there, through a per-PoP list built
 * once), and the number of chunks with none; an event that changed no PoP costs one flag test.
 */
import type { ChunkPlacement } from '../platform/chunk-placement.js';
import type { ImageStore } from '../scenario/image-store.js';
import type { Check } from './invariant.js';

export interface HostUpEvents {
  onHostUp(listener: (host: number, up: boolean) => void): void;
}

export function imageChunksAlive(store: ImageStore, hosts: HostUpEvents, hostPop: ArrayLike<number>, popCount: number, placement: ChunkPlacement = store.placement): Check {
  const chunkCount = store.images.chunkCount;
  const k = placement.replicas;
  // Chunks placed on each PoP, as CSR (a chunk twice on one PoP is listed twice: both copies go with it).
  const start = new Int32Array(popCount + 1);
  for (let chunk = 0; chunk < chunkCount; chunk++) for (const pop of placement.popsOf(chunk)) start[pop + 1]++;
  for (let pop = 0; pop < popCount; pop++) start[pop + 1] += start[pop];
  const chunksOn = new Int32Array(start[popCount]);
  const fill = start.slice(0, popCount);
  for (let chunk = 0; chunk < chunkCount; chunk++) for (const pop of placement.popsOf(chunk)) chunksOn[fill[pop]++] = chunk;

  const inRing = new Uint8Array(popCount);
  for (const pop of placement.ring) inRing[pop] = 1;
  const popUp = Uint8Array.from({ length: popCount }, (_, pop) => (store.isUp(pop) ? 1 : 0));
  const live = new Int32Array(chunkCount);
  let dead = 0;
  let ringDown = 0;
  for (let pop = 0; pop < popCount; pop++) {
    if (inRing[pop] === 1 && popUp[pop] === 0) ringDown++;
    if (popUp[pop] === 1) for (let i = start[pop]; i < start[pop + 1]; i++) live[chunksOn[i]]++;
  }
  for (let chunk = 0; chunk < chunkCount; chunk++) if (live[chunk] === 0) dead++;

  let changed = true;
  hosts.onHostUp((host) => {
    const pop = hostPop[host];
    const up = store.isUp(pop) ? 1 : 0;
    if (up === popUp[pop]) return;
    popUp[pop] = up;
    changed = true;
    if (inRing[pop] === 1) ringDown += up === 1 ? -1 : 1;
    for (let i = start[pop]; i < start[pop + 1]; i++) {
      const chunk = chunksOn[i];
      if (up === 1 && live[chunk]++ === 0) dead--;
      else if (up === 0 && --live[chunk] === 0) dead++;
    }
  });

  return {
    name: 'images.chunks_alive',
    check() {
      if (!changed) return undefined;
      changed = false;
      if (dead === 0 || ringDown >= k) return null;
      const chunk = live.indexOf(0);
      return `chunk ${chunk} has no copy on a live store (placed on PoPs ${[...placement.popsOf(chunk)].join(', ')}) while ${ringDown} PoP(s) of the ring are down, fewer than its ${k} replicas (${dead} chunk(s) without a live copy)`;
    },
  };
}
