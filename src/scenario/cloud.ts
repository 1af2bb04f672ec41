/**
 * The `cloud` section: hosts and VMs on every host of the topology, live migration, the VM load
 * workload, energy, and the invariant checks. Absent = no VMs are modelled. Defaults are
 * VMPlaceS's (Lebre, Pastor, Südholt, Euro-Par 2015, and its code): hosts of 8 cores and 32 GiB drawing 100 W idle and 200 W at full
 * load, 10 VMs per host of 1 vCPU and 1 GiB dirtying 10-50% of the 125 MB/s migration bandwidth
 * at full load, load changes at rate VMs / 300 s to max(N(60, 20), 0)% in 10 slots.
 */
import { z } from 'zod';
import { VM_LOAD_DEFAULTS } from '../workload/vmplaces-load.js';
import { bool, int, num, section, text, time, whenValid } from './fields.js';
import { veGroupSchema } from './ves.js';
import { lifecycleSchema } from './lifecycle.js';

const L = VM_LOAD_DEFAULTS;

const vmplaces = section({
  kind: z.literal('vmplaces'),
  changePeriodS: time('s', { gt: 0 }).default(L.changePeriodS).meta({ description: 'mean time between two load changes of one VM' }),
  loadPercentMean: num({ ge: 0, le: 100 }).default(L.loadPercentMean),
  loadPercentSd: num({ ge: 0 }).default(L.loadPercentSd),
  slots: int({ ge: 1, le: 100 }).default(L.slots).meta({ description: 'loads are quantised to multiples of 100 / slots percent' }),
  initialLoad: z.enum(['zero', 'drawn'], { error: "expected 'zero' (VMPlaceS) or 'drawn'" }).default(L.initialLoad),
});

const trace = section({
  kind: z.literal('trace'),
  file: text('a path to a CSV load trace (time_s,vm,load_percent; relative to the scenario file)'),
});

const workload = z.discriminatedUnion('kind', [vmplaces, trace], { error: "expected a workload with kind 'vmplaces' or 'trace'" }).prefault({ kind: 'vmplaces' });

/** Crash to the recovery service acting, s, unless the scenario says otherwise. */
export const RECOVERY_DETECTION_S_DEFAULT = 5;

const snapshotsSchema = section(
  {
    periodS: time('s', { gt: 0 }).default(300).meta({ description: 'every running VM is snapshotted this often (VMs staggered evenly over the period)' }),
    memoryMiB: num({ gt: 0 }).optional().meta({ description: "memory image sent per snapshot, MiB (default: the VM's memory)" }),
    diskDeltaMiB: num({ ge: 0 }).default(64).meta({ description: 'disk blocks written since the last snapshot, sent with it, MiB (the base image is taken to be at the store already)' }),
    target: z.enum(['other-pop'], { error: "expected 'other-pop' (the nearest PoP by latency with a host up)" }).default('other-pop').meta({ description: "where a VM's snapshots are stored: 'other-pop', a host of the nearest PoP by latency other than the VM's own" }),
    detectionS: time('s', { gt: 0 }).default(RECOVERY_DETECTION_S_DEFAULT).meta({ description: "timeout of the store agents' heartbeat detector over the hosts whose snapshots they hold: silence after which a host's VMs are restarted from their snapshots (and, with cloud.images, the delay before VMs without a snapshot boot afresh)" }),
    heartbeatS: time('s', { gt: 0 }).default(1).meta({ description: "period of the store agents' heartbeats to the hosts whose snapshots they hold (below detectionS)" }),
    queryTimeoutS: time('s', { gt: 0 }).default(1).meta({ description: "a store agent's wait for the hosts' answers (which VMs and VE members they run, their free memory and load) before it chooses where lost VMs restart" }),
  },
  'an object of snapshot settings ({} for the defaults)',
);

const replicationSchema = section(
  {
    ves: z
      .union([z.literal('all'), z.array(int({ ge: 0 })), num({ gt: 0, le: 1 })], { error: "expected 'all', a list of VE ids (0-based, in the order cloud.ves makes them) or a share of the VEs in (0, 1]" })
      .default('all')
      .meta({ description: "the VEs whose VMs are replicated: 'all', a list of VE ids, or a share (the first ceil(share x VEs) by id)" }),
    periodMs: time('ms', { gt: 0 }).default(25).meta({ description: "checkpoint period (Remus: 40 checkpoints a second)" }),
    dirtyMiBps: num({ ge: 0 }).optional().meta({ description: "memory dirtied per second by a replicated VM, MiB/s (default: the VM's workload rate when its stream starts, as a migration's)" }),
    watcher: section({
      detectionS: z
        .union([time('s', { ge: 0 }), z.literal('detector')], { error: "expected a time in seconds >= 0 or 'detector' (the detector section's timeoutMs)" })
        .default(1)
        .meta({ description: "primary's crash to the watcher failing over, s, or 'detector': the detector section's timeoutMs (a heartbeat detector's longest detection delay)" }),
    }, 'an object of watcher settings ({} for the defaults)').prefault({}).meta({ description: "the watcher in the backup's local group that fails the VM over" }),
  },
  'an object of replication settings ({} for the defaults)',
);

const IMAGE_CHUNKS_MAX = 2_000_000;

const imagesSchema = section(
  {
    manifest: text('a path to an image manifest (YAML or JSON: chunkMiB and a list of images, each a name and its chunk ids; relative to the scenario file)').optional().meta({ description: 'the images from a manifest file (chunkMiB, images: [{ name, chunks: [content ids] }]) instead of a generated family; VM v boots image v mod (images listed); count, sizeGiB, chunkMiB, sharedShare and zeroShare may not be set with it (they shape a generated family)' }),
    count: int({ ge: 1 }).default(10).meta({ description: 'images of the generated family; VM v boots image v mod count' }),
    sizeGiB: num({ gt: 0 }).default(10).meta({ description: 'size of each image, GiB' }),
    chunkMiB: num({ gt: 0 }).default(4).meta({ description: 'fixed chunk size, MiB (each chunk addressed by its content)' }),
    sharedShare: num({ ge: 0, le: 1 }).default(0.3).meta({ description: "share of each image's chunks that are the family's common base, the same in every image (Jin & Miller 2009: about 30%)" }),
    zeroShare: num({ ge: 0, le: 1 }).default(0).meta({ description: "share of each image's chunks that are zero chunks (one id, never stored)" }),
    replicas: int({ ge: 1 }).default(2).meta({ description: 'PoPs keeping each distinct chunk (distinct PoPs, on both sides of a backbone bridge when possible)' }),
    bootShare: num({ gt: 0, le: 1 }).default(0.1).meta({ description: "share of an image's chunks (its first ones) that must be at the VM's PoP and read before it runs" }),
    diskMBps: num({ gt: 0 }).default(200).meta({ description: "each PoP store's disk, MB/s, shared max-min by the boots' reads and the chunk copies from and to it" }),
    bootAtStart: bool().default(false).meta({ description: "every VM of the section boots from its image at time 0 (stopped until its boot set is read)" }),
    retryS: time('s', { gt: 0 }).default(10).meta({ description: 'wait before planning again a fetch that found no live copy or no path (and, without cloud.snapshots, a fresh boot of a lost VM that found no admissible host or an image with a chunk on no live store)' }),
    detectionS: time('s', { ge: 0 }).optional().meta({ description: `without cloud.snapshots: crash to the recovery service booting the lost VMs afresh from their images (default ${RECOVERY_DETECTION_S_DEFAULT}); with it, cloud.snapshots.detectionS rules` }),
  },
  'an object of image settings ({} for the defaults)',
).superRefine((images, context) => {
  if (images.sharedShare + images.zeroShare > 1) context.addIssue({ code: 'custom', path: ['zeroShare'], message: `expected a number <= 1 - sharedShare (${1 - images.sharedShare})` });
  const chunks = Math.round((images.sizeGiB * 1024) / images.chunkMiB);
  if (chunks < 1) context.addIssue({ code: 'custom', path: ['sizeGiB'], message: `expected at least one chunk of ${images.chunkMiB} MiB (${images.chunkMiB / 1024} GiB or more)` });
  // Bounded memory: the stores keep one byte per PoP and distinct chunk.
  if (images.count * chunks > IMAGE_CHUNKS_MAX) context.addIssue({ code: 'custom', path: ['count'], message: `expected at most ${IMAGE_CHUNKS_MAX} chunks in all (count x sizeGiB x 1024 / chunkMiB = ${images.count * chunks})` });
}, whenValid());

export const cloudSchema = section(
  {
    host: section({
      cores: int({ ge: 1 }).default(8),
      memoryMiB: num({ gt: 0 }).default(32 * 1024),
      idleW: num({ ge: 0 }).default(100),
      fullW: num({ ge: 0 }).default(200),
    }).prefault({}),
    pue: num({ ge: 1 }).default(1).meta({ description: "power usage effectiveness of every PoP (facility draw / IT draw)" }),
    pueByPop: z.record(text('a PoP name'), num({ ge: 1 })).default({}).meta({ description: 'PUE of named PoPs, overriding pue' }),
    vm: section({
      perHost: int({ ge: 0 }).default(10),
      vcpus: int({ ge: 1 }).default(1),
      memoryMiB: num({ gt: 0 }).default(1024),
      dirtyPercentMin: num({ ge: 0, le: 100 }).default(10).meta({ description: 'memory dirtied per second at full load, % of the migration bandwidth (drawn per VM)' }),
      dirtyPercentMax: num({ ge: 0, le: 100 }).default(50),
    }).prefault({}),
    migration: section({
      bandwidthBps: num({ gt: 0 }).default(1e9).meta({ description: 'rate cap of one migration (VMPlaceS: 125 MB/s)' }),
      downtimeMaxMs: time('ms', { gt: 0 }).default(300).meta({ description: 'stop-and-copy once the rest fits in this time at the cap (QEMU default)' }),
      roundsMax: int({ ge: 1 }).default(30).meta({ description: "live pre-copy rounds at most before the stop-and-copy (Xen's DEF_MAX_ITERS + 1 = 30, tools/libxc/xc_domain_save.c)" }),
      sentFactorMax: num({ ge: 1 }).default(3).meta({ description: "stop the live rounds once they have sent this many times the VM's memory, then stop-and-copy (Xen's DEF_MAX_FACTOR = 3, tools/libxc/xc_domain_save.c); roundsMax or more leaves roundsMax alone" }),
      outgoingPerHostMax: int({ ge: 1 }).default(2).meta({ description: 'migrations leaving one host at once' }),
      transfersMax: int({ ge: 1 }).default(100_000),
    }).prefault({}),
    diskBandwidthBps: num({ gt: 0 }).default(1.6e9).meta({ description: 'local disk, for snapshots (also the rate cap of a snapshot sent to its store or fetched back)' }),
    snapshots: snapshotsSchema.optional().meta({ description: "periodic VM snapshots sent to a host of another PoP, and restarts of the VMs lost by a crash from them" }),
    replication: replicationSchema.optional().meta({ description: 'Remus-style replication of the VMs of chosen VEs: a backup on a host of another PoP kept in sync by a checkpoint stream, failed over by a watcher when the primary crashes' }),
    images: imagesSchema.optional().meta({ description: 'VM images as content-addressed chunks in a deduplicating store replicated over PoPs; boots and moves fetch the chunks their PoP lacks' }),
    workload,
    ves: z.array(veGroupSchema, { error: 'expected a list of VE groups' }).default([]).meta({ description: 'virtual environments: groups of VMs under a gather, spread or fence constraint' }),
    lifecycle: lifecycleSchema.optional().meta({ description: 'the VE lifecycle from any node (configure, find, suspend, resume, stop, start, relocate) over Chord, with a workload of operations' }),
    partitionHeldMaxS: time('s', { gt: 0 }).default(900).meta({ description: 'with checkInvariants: a DVMS partition (one ISP, by its initiator and sequence number) that exists longer than this fails the run (partitions must be released)' }),
    checkInvariants: bool().default(false).meta({ description: 'check at every sample that every VM is on exactly one host or accounted as lost by a crash, that every VE constraint holds (VEs with a VM migrating excepted) and that no DVMS partition exists longer than partitionHeldMaxS; fail the run otherwise' }),
  },
  'an object of cloud settings ({} for VMPlaceS defaults)',
).superRefine((cloud, context) => {
  if (cloud.host.fullW < cloud.host.idleW) context.addIssue({ code: 'custom', path: ['host', 'fullW'], message: `expected a number >= idleW (${cloud.host.idleW})` });
  if (cloud.vm.dirtyPercentMax < cloud.vm.dirtyPercentMin) context.addIssue({ code: 'custom', path: ['vm', 'dirtyPercentMax'], message: `expected a number >= dirtyPercentMin (${cloud.vm.dirtyPercentMin})` });
  if (cloud.snapshots !== undefined && cloud.images?.detectionS !== undefined) {
    context.addIssue({ code: 'custom', path: ['images', 'detectionS'], message: 'expected no detectionS here with cloud.snapshots: one recovery service detects crashes, after cloud.snapshots.detectionS' });
  }
  if (cloud.snapshots !== undefined && !(cloud.snapshots.heartbeatS < cloud.snapshots.detectionS)) {
    context.addIssue({ code: 'custom', path: ['snapshots', 'heartbeatS'], message: `expected a time below detectionS (${cloud.snapshots.detectionS} s)` });
  }
  if (cloud.lifecycle !== undefined && cloud.ves.length === 0) {
    context.addIssue({ code: 'custom', path: ['lifecycle'], message: 'expected VEs to operate on: cloud.ves is empty' });
  }
  if (cloud.vm.memoryMiB * cloud.vm.perHost > cloud.host.memoryMiB) {
    context.addIssue({ code: 'custom', path: ['vm', 'perHost'], message: `expected at most ${Math.floor(cloud.host.memoryMiB / cloud.vm.memoryMiB)} VMs of ${cloud.vm.memoryMiB} MiB per host of ${cloud.host.memoryMiB} MiB` });
  }
});

export type CloudSection = z.output<typeof cloudSchema>;
