/**
 * What a metric's name says about it, for titles, axes and tables: a short description, its
 * unit, and how it accumulates. Known headline metrics are described one by one; any other
 * name gets its unit from its suffix (units go last in names: `_ms`, `_s`, `_kwh`, `_gb`,
 * `_share`) and is taken for a counter when it is one of the runtime's counters (a plain
 * plural such as `dvms.forwards`, `messages.sent`), which start at 0 and only grow.
 */

/**
 * - `counter`: a count of events since time 0 (cumulative; absent until the first event);
 * - `cumulated`: an amount summed since time 0 (energy, violation time, bytes);
 * - `running`: a statistic over everything finished so far (a mean, a share), absent until the first;
 * - `gauge`: the state at the sample (hosts in use, nodes up, an error now).
 */
export type MetricKind = 'counter' | 'cumulated' | 'running' | 'gauge';

export interface MetricInfo {
  readonly description: string;
  /** '' for a plain number. */
  readonly unit: string;
  readonly kind: MetricKind;
}

const KNOWN: Readonly<Record<string, MetricInfo>> = {
  'vivaldi.median_rel_error': { description: 'median relative RTT error', unit: 'fraction', kind: 'gauge' },
  'vivaldi.p90_rel_error': { description: '90th percentile relative RTT error', unit: 'fraction', kind: 'gauge' },
  'vivaldi.node_median_rel_error': { description: "a node's median relative RTT error", unit: 'fraction', kind: 'gauge' },
  'chord.lookup_success': { description: 'share of Chord lookups reaching the true owner', unit: 'fraction', kind: 'running' },
  'chord.interval_lookup_success': { description: 'share of Chord lookups reaching the true owner in the interval', unit: 'fraction', kind: 'gauge' },
  'chord.lookups': { description: 'Chord lookups finished', unit: 'lookups', kind: 'counter' },
  'chord.mean_hops': { description: 'mean hops of a Chord lookup', unit: 'hops', kind: 'running' },
  'chord.median_lookup_latency_ms': { description: 'median Chord lookup latency', unit: 'ms', kind: 'running' },
  'can.lookup_success': { description: 'share of CAN lookups reaching the zone owner', unit: 'fraction', kind: 'running' },
  'can.lookups': { description: 'CAN lookups finished', unit: 'lookups', kind: 'counter' },
  'can.mean_hops': { description: 'mean hops of a CAN lookup', unit: 'hops', kind: 'running' },
  'spiral.searches': { description: 'spiral searches made', unit: 'searches', kind: 'counter' },
  'spiral.median_excess_ms': { description: 'median excess latency of the closest node found', unit: 'ms', kind: 'gauge' },
  'spiral.recall_at_10': { description: 'recall of the 10 nearest nodes', unit: 'fraction', kind: 'gauge' },
  'routing.requests': { description: 'routing requests served', unit: 'requests', kind: 'counter' },
  'routing.mean_hops': { description: 'mean hops of a routed request', unit: 'hops', kind: 'gauge' },
  'routing.median_stretch': { description: 'median stretch of a routed request', unit: 'ratio', kind: 'gauge' },
  'routing.delivered_share': { description: 'share of routed requests delivered', unit: 'fraction', kind: 'running' },
  'vmindex.success_share': { description: 'share of VM locates answered right', unit: 'fraction', kind: 'running' },
  'vmindex.median_latency_ms': { description: 'median VM locate latency', unit: 'ms', kind: 'running' },
  'detector.median_latency_ms': { description: 'median crash detection latency', unit: 'ms', kind: 'running' },
  'detector.detected_share': { description: 'share of watched crashes detected', unit: 'fraction', kind: 'running' },
  'detector.false_suspicions': { description: 'false suspicions', unit: 'suspicions', kind: 'counter' },
  'cloud.violations': { description: 'overload violations started', unit: 'violations', kind: 'counter' },
  'cloud.violations_resolved': { description: 'overload violations ended', unit: 'violations', kind: 'counter' },
  'cloud.hosts_overloaded': { description: 'hosts overloaded now', unit: 'hosts', kind: 'gauge' },
  'cloud.violation_time_s': { description: 'time hosts spent overloaded', unit: 's', kind: 'cumulated' },
  'cloud.resolve_s_mean': { description: 'mean time to resolve a violation', unit: 's', kind: 'running' },
  'cloud.resolve_s_p50': { description: 'median time to resolve a violation', unit: 's', kind: 'running' },
  'cloud.resolve_s_p90': { description: '90th percentile time to resolve a violation', unit: 's', kind: 'running' },
  'cloud.resolve_s_max': { description: 'longest time to resolve a violation', unit: 's', kind: 'running' },
  'cloud.migrations': { description: 'VM migrations done', unit: 'migrations', kind: 'counter' },
  'cloud.migrations_failed': { description: 'VM migrations failed', unit: 'migrations', kind: 'counter' },
  'cloud.migrations_in_progress': { description: 'VM migrations in progress', unit: 'migrations', kind: 'gauge' },
  'cloud.migration_gb': { description: 'memory sent by migrations', unit: 'GB', kind: 'cumulated' },
  'cloud.migration_s_mean': { description: 'mean migration duration', unit: 's', kind: 'running' },
  'cloud.migration_s_p90': { description: '90th percentile migration duration', unit: 's', kind: 'running' },
  'cloud.downtime_ms_mean': { description: 'mean migration downtime', unit: 'ms', kind: 'running' },
  'cloud.migrations_wan_share': { description: 'share of migrations across the backbone', unit: 'fraction', kind: 'running' },
  'cloud.energy_kwh': { description: 'energy drawn by the hosts (with PUE)', unit: 'kWh', kind: 'cumulated' },
  'cloud.hosts_in_use': { description: 'hosts running a VM with load', unit: 'hosts', kind: 'gauge' },
  'cloud.ve_violations': { description: 'VE constraints broken now', unit: 'VEs', kind: 'gauge' },
  'policy.hard_violations': { description: 'hard user-policy violations started, judged on the cloud model at each sample (must stay 0)', unit: 'violations', kind: 'counter' },
  'policy.hard_violations_now': { description: 'hard user-policy violations at the sample', unit: 'violations', kind: 'gauge' },
  'policy.soft_violations': { description: 'soft user-policy violations started, judged on the cloud model at each sample', unit: 'violations', kind: 'counter' },
  'policy.soft_violation_time_s': { description: 'soft user-policy violations times the time they lasted, at the samples\' resolution', unit: 's', kind: 'cumulated' },
  'cloud.vms_lost': { description: 'VMs lost with their hosts (every loss, restored since or not)', unit: 'VMs', kind: 'counter' },
  'cloud.vms_unrecovered': { description: 'VMs lost with their hosts and not restored now', unit: 'VMs', kind: 'gauge' },
  'cloud.vm_time_lost_s': { description: 'VM-time lost: each VM from its loss until it runs again (restored, failed over, booted), summed', unit: 's', kind: 'cumulated' },
  'cloud.unavailability': { description: 'VM-time lost over VM-time (every VM from its creation)', unit: 'fraction', kind: 'running' },
  'cloud.availability': { description: '1 - VM-time lost over VM-time: the share of VM-time the VMs ran', unit: 'fraction', kind: 'running' },
  'cloud.snapshots_done': { description: 'VM snapshots stored at another PoP', unit: 'snapshots', kind: 'counter' },
  'cloud.snapshot_bytes': { description: 'bytes of the snapshots stored, all across the backbone', unit: 'bytes', kind: 'cumulated' },
  'cloud.vms_restored': { description: 'lost VMs restarted from a snapshot and running again (with images: their boot set read)', unit: 'VMs', kind: 'counter' },
  'cloud.rpo_s_mean': { description: 'mean work lost by a restored VM (crash to the state it restarted from)', unit: 's', kind: 'running' },
  'cloud.rpo_s_max': { description: 'most work lost by a restored VM', unit: 's', kind: 'running' },
  'cloud.rto_s_mean': { description: 'mean time from a crash to its VM running again', unit: 's', kind: 'running' },
  'cloud.rto_s_max': { description: 'longest time from a crash to its VM running again', unit: 's', kind: 'running' },
  'cloud.vms_rebooted': { description: 'lost VMs without a snapshot booted afresh from their images and running again (boot set read)', unit: 'VMs', kind: 'counter' },
  'cloud.reboot_rpo_s_mean': { description: 'mean work lost by a VM booted afresh (crash to its last start: all of it)', unit: 's', kind: 'running' },
  'cloud.reboot_rpo_s_max': { description: 'most work lost by a VM booted afresh', unit: 's', kind: 'running' },
  'cloud.reboot_rto_s_mean': { description: 'mean time from a crash to its VM running again after a fresh boot from its image', unit: 's', kind: 'running' },
  'cloud.reboot_rto_s_max': { description: 'longest time from a crash to its VM running again after a fresh boot from its image', unit: 's', kind: 'running' },
  'images.storage_bytes': { description: 'bytes the image stores keep: each distinct chunk once per PoP holding it', unit: 'bytes', kind: 'gauge' },
  'images.storage_bytes_nodedup': { description: 'bytes the images would take without deduplication (every image whole on each replica PoP)', unit: 'bytes', kind: 'gauge' },
  'images.dedup_saving': { description: 'storage saved by deduplication (1 - with / without)', unit: 'fraction', kind: 'gauge' },
  'images.cache_bytes': { description: 'bytes of image chunks fetched to PoPs for boots and moves', unit: 'bytes', kind: 'cumulated' },
  'images.wan_bytes': { description: 'bytes of image chunks fetched across the backbone', unit: 'bytes', kind: 'cumulated' },
  'images.wan_byte_km': { description: 'image bytes fetched across the backbone times the km of their path', unit: 'byte km', kind: 'cumulated' },
  'images.recoverable_share': { description: 'share of VMs whose every image chunk has a copy on a store up now', unit: 'fraction', kind: 'gauge' },
  'images.boots': { description: 'VM boots whose boot set was read', unit: 'boots', kind: 'counter' },
  'images.boots_abandoned': { description: 'VM boots and image fetches given up (the VM lost or moved meanwhile)', unit: 'boots', kind: 'counter' },
  'images.boot_s_mean': { description: 'mean boot time (request to boot set read)', unit: 's', kind: 'running' },
  'images.boot_s_p95': { description: '95th percentile boot time', unit: 's', kind: 'running' },
  'images.boot_s_max': { description: 'longest boot time', unit: 's', kind: 'running' },
  'cloud.ve_vms_lost': { description: 'VE members lost with their hosts and not restored now', unit: 'VMs', kind: 'gauge' },
  'cloud.ves_hit': { description: 'VEs with a member lost now', unit: 'VEs', kind: 'gauge' },
  'cloud.ves_lost': { description: 'VEs with every member lost now', unit: 'VEs', kind: 'gauge' },
  'scheduler.rounds': { description: 'scheduling rounds', unit: 'rounds', kind: 'counter' },
  'scheduler.round_hosts_mean': { description: 'mean hosts in a scheduling round', unit: 'hosts', kind: 'running' },
  'scheduler.planning_s_total': { description: 'planning time', unit: 's', kind: 'cumulated' },
  'dvms.nodes_in_partitions': { description: 'DVMS nodes in a partition now', unit: 'nodes', kind: 'gauge' },
  'dvms.partition_held_s_max': { description: 'longest a node has been in a partition now', unit: 's', kind: 'gauge' },
  'services.replicas.full_share': { description: 'share of keys with every replica held', unit: 'fraction', kind: 'gauge' },
  'services.watch.in_step_share': { description: "share of services in step with their overlay", unit: 'fraction', kind: 'gauge' },
  'services.restarts': { description: 'service restarts', unit: 'restarts', kind: 'counter' },
  'nodes.up': { description: 'nodes up', unit: 'nodes', kind: 'gauge' },
  'sim.events': { description: 'events processed', unit: 'events', kind: 'counter' },
  'messages.sent': { description: 'messages sent', unit: 'messages', kind: 'counter' },
  'messages.delivered': { description: 'messages delivered', unit: 'messages', kind: 'counter' },
  'messages.lost': { description: 'messages lost', unit: 'messages', kind: 'counter' },
  'bytes.sent': { description: 'bytes sent', unit: 'bytes', kind: 'counter' },
};

/** Last-segment endings that make a statistic or a state, never a runtime counter. */
const NOT_A_COUNTER = /(_ms|_s|_us|_kwh|_gb|_share|_error|_mean|_max|_min|_p\d+|_in_use|_in_progress|_overloaded|_hops|_stretch|success|up|_in_partitions)$/;

/** The unit a name's suffix gives (units last, STYLE 6), or '' for a plain count. */
function unitOfSuffix(metric: string): string {
  const units: [RegExp, string][] = [
    [/_ms(_|$)/, 'ms'],
    [/_s(_|$)/, 's'],
    [/_kwh$/, 'kWh'],
    [/_gb$/, 'GB'],
    [/_share$|_error$|success$/, 'fraction'],
    [/bytes(\.|_|$)/, 'bytes'],
  ];
  for (const [pattern, unit] of units) if (pattern.test(metric)) return unit;
  return '';
}

export function metricInfo(metric: string): MetricInfo {
  const known = KNOWN[metric];
  if (known !== undefined) return known;
  const last = metric.slice(metric.lastIndexOf('.') + 1);
  const unit = unitOfSuffix(metric);
  if (/\.(messages|bytes)\.sent$/.test(metric)) return { description: metric, unit: unit === '' ? 'messages' : unit, kind: 'counter' };
  return { description: metric, unit, kind: NOT_A_COUNTER.test(last) ? 'gauge' : 'counter' };
}

/** True for counts and amounts summed since time 0: their curve starts at 0 at time 0. */
export function isCumulative(metric: string): boolean {
  const { kind } = metricInfo(metric);
  return kind === 'counter' || kind === 'cumulated';
}

/** An axis label: `cloud.energy_kwh (kWh, cumulative)`, `vivaldi.median_rel_error (fraction)`. */
export function axisLabel(metric: string): string {
  const { unit } = metricInfo(metric);
  const parts = [unit, ...(isCumulative(metric) ? ['cumulative'] : [])].filter((p) => p !== '');
  return parts.length === 0 ? metric : `${metric} (${parts.join(', ')})`;
}

/** Units a title names; a count's unit (violations, hosts) is in the description already. */
const MEASURE_UNITS = new Set(['ms', 's', 'kWh', 'GB', 'bytes', 'fraction', 'ratio']);

/** A chart title: `cloud.energy_kwh: energy drawn by the hosts (with PUE), kWh`. */
export function chartTitle(metric: string): string {
  const info = metricInfo(metric);
  const said = info.description === metric ? metric : `${metric}: ${info.description}`;
  return MEASURE_UNITS.has(info.unit) ? `${said}, ${info.unit}` : said;
}

/** How the values accumulate, for a subtitle: 'cumulative since 0 s', 'over all finished so far', or ''. */
export function kindNote(metric: string): string {
  const { kind } = metricInfo(metric);
  if (kind === 'counter' || kind === 'cumulated') return 'cumulative since 0 s';
  return kind === 'running' ? 'over all finished so far at each sample' : '';
}
