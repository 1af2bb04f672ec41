/**
 * From `cloud.images` to the running services: the generated image family (stream
 * `cloud.images`) or the images of a manifest (`image-manifest.ts`), each VM of the section on
 * image vm mod (images), the chunks placed over the PoPs
 * with hosts, one disk per store added to the transfer model, and the boot service
 * (`isFailingOver`: the replication's failovers, which fetch the image but do not boot).
 *
 * Link lengths for bytes x km: the great-circle distance between the link's PoPs when both are
 * located, else its latency at 5 us per km of fibre.
 */
import { randomStream } from '../kernel/random.js';
import type { Simulator } from '../kernel/simulator.js';
import { sToUs } from '../kernel/time.js';
import { placeChunks } from '../platform/chunk-placement.js';
import { greatCircleKm } from '../platform/geo.js';
import { generateImageFamily } from '../platform/images.js';
import type { BackboneNetwork } from '../platform/network.js';
import type { CloudSection } from './cloud.js';
import type { CloudSetup } from './cloud-setup.js';
import { ImageBoots } from './image-boots.js';
import { readImageManifest } from './image-manifest.js';
import { ImageStore } from './image-store.js';

const US_PER_KM = 5;

export interface ImageServices {
  readonly store: ImageStore;
  readonly boots: ImageBoots;
  /** The boots of `bootAtStart` (none otherwise), to call when the run starts. */
  start(): void;
}

export function setUpImages(section: CloudSection, setup: CloudSetup, sim: Simulator, network: BackboneNetwork, seed: number, isFailingOver: (vm: number) => boolean = () => false): ImageServices | null {
  const config = section.images;
  if (config === undefined) return null;
  const { cloud, hypervisors } = setup;
  const { pops, links } = network.backbone;
  // A manifest's errors name its file and field (ScenarioError): the CLI exits 2 on them.
  const images = config.manifest === undefined ? generateImageFamily(config, randomStream(seed, 'cloud.images')) : readImageManifest(config.manifest);
  const vmImage = Int32Array.from({ length: cloud.vmCount }, (_, vm) => vm % images.images.length);
  const hasHosts = (pop: number): boolean => network.hostsOf(pop)[1] > network.hostsOf(pop)[0];
  const placement = placeChunks(pops.length, links, hasHosts, config.replicas);
  const store = new ImageStore({ popCount: pops.length, hostsUpIn: (pop) => hypervisors.hostsUpIn(pop), popLatencyUs: (pa, pb) => network.popLatencyUs(pa, pb) }, images, vmImage, placement, config.bootShare);
  const diskOf = Int32Array.from(pops, (_, pop) => (hasHosts(pop) ? hypervisors.addResource(config.diskMBps * 8e6) : -1));
  const linkKm = links.map((link) => {
    const a = pops[link.a];
    const b = pops[link.b];
    const km = greatCircleKm(a.latitude, a.longitude, b.latitude, b.longitude);
    return Number.isNaN(km) ? link.latencyUs / US_PER_KM : km;
  });
  const pathKm = (pa: number, pb: number): number => (network.pathLinks(pa, pb) ?? []).reduce((sum, link) => sum + linkKm[link], 0);
  const boots = new ImageBoots({ sim, cloud, hypervisors, store, hostPop: network.hostPop, diskOf, pathKm, isFailingOver }, sToUs(config.retryS));
  return {
    store,
    boots,
    start: () => {
      if (config.bootAtStart) for (let vm = 0; vm < store.vmCount; vm++) boots.boot(vm);
    },
  };
}
