/**
 * From `cloud.replication` to the running service (`vm-replication.ts`): the VMs of the chosen
 * VEs (every VE id checked against the VEs cloud.ves made), syncs and catch-up at the
 * migration's rate cap, and the PoPs that survive any single link cut (preferred for backups).
 */
import type { Simulator } from '../kernel/simulator.js';
import { sToUs } from '../kernel/time.js';
import { cutSurvival } from '../platform/cut-survival.js';
import { buildAdjacency } from '../platform/graph.js';
import type { BackboneNetwork } from '../platform/network.js';
import type { CloudSection } from './cloud.js';
import type { CloudSetup } from './cloud-setup.js';
import { ScenarioError, scenarioIssue } from './errors.js';
import { VmReplication } from './vm-replication.js';

export function setUpReplication(section: CloudSection, setup: CloudSetup, sim: Simulator, network: BackboneNetwork, scenarioFile: string, detectorTimeoutMs: number | null): VmReplication | null {
  const config = section.replication;
  if (config === undefined) return null;
  const { detectionS } = config.watcher;
  if (detectionS === 'detector' && detectorTimeoutMs === null) throw new ScenarioError(scenarioFile, [scenarioIssue('cloud.replication.watcher.detectionS', "a time in seconds, or a detector section for 'detector'", "'detector' without a detector section")]);
  const detectionUs = detectionS === 'detector' ? Math.round((detectorTimeoutMs as number) * 1000) : sToUs(detectionS);
  const { cloud } = setup;
  let veCount = 0;
  for (let vm = 0; vm < cloud.vmCount; vm++) veCount = Math.max(veCount, cloud.vmVe[vm] + 1);
  const chosen = new Set<number>();
  if (config.ves === 'all') for (let ve = 0; ve < veCount; ve++) chosen.add(ve);
  else if (typeof config.ves === 'number') for (let ve = 0; ve < Math.ceil(config.ves * veCount); ve++) chosen.add(ve);
  else
    config.ves.forEach((ve, k) => {
      if (ve >= veCount) throw new ScenarioError(scenarioFile, [scenarioIssue(`cloud.replication.ves[${k}]`, `a VE id below ${veCount} (cloud.ves makes ${veCount} VEs)`, String(ve))]);
      chosen.add(ve);
    });
  const vms: number[] = [];
  for (let vm = 0; vm < cloud.vmCount; vm++) if (chosen.has(cloud.vmVe[vm])) vms.push(vm);
  return new VmReplication(
    { sim, cloud, hypervisors: setup.hypervisors, constraints: setup.constraints, hostPop: network.hostPop, hostCountry: setup.hostCountry, popLatencyUs: (pa, pb) => network.popLatencyUs(pa, pb), popSurvivesCuts: cutSurvival(buildAdjacency(network.backbone.pops.length, network.backbone.links)).survives },
    {
      vms,
      periodUs: Math.round(config.periodMs * 1000),
      dirtyMiBps: config.dirtyMiBps ?? null,
      capBps: section.migration.bandwidthBps,
      migrationBandwidthBps: section.migration.bandwidthBps,
      detectionUs,
      nicBps: network.nicBandwidthBps,
    },
  );
}
