import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { loadGraphml } from '../platform/graphml.js';
import { buildBackbone } from '../platform/backbone.js';
import { generateBackbone } from '../platform/generate.js';
import { writeGraphml } from '../platform/graphml-write.js';
import { formatTopologyInfo, topologyInfo } from '../platform/topo-info.js';
import { formatMatrixInfo, matrixInfo } from '../platform/matrix-info.js';
import { loadRttMatrix, type RttUnit } from '../platform/rtt-matrix.js';
import { formatTopologyList, topologyList } from '../platform/topo-list.js';
import { hostsPerPopOf } from '../scenario/build-world.js';
import { loadScenario } from '../scenario/load.js';
import { ScenarioError, scenarioIssue } from '../scenario/errors.js';
import { UsageError } from './exit-codes.js';

export function registerTopoCommands(program: Command, run: (action: () => void) => void): void {
  const topo = program.command('topo').description('inspect and generate backbone topologies');
  topo
    .command('info')
    .argument('<file>', 'a GraphML file (Internet Topology Zoo style) or an RTT matrix (any file not starting with <)')
    .option('--route-factor <f>', 'fibre path length / great-circle distance for geo latencies', '1.3')
    .option('--per-hop-us <us>', 'latency added per link', '20')
    .option('--unit <unit>', 'RTT matrix: unit of its values (us, ms or s)', 'ms')
    .option('--missing <cells>', "RTT matrix: comma-separated cells that mark a missing pair, e.g. 0,-1,NaN,'' ('' for a blank cell)")
    .option('--json', 'print the figures as JSON')
    .option('--list', "GraphML: list the PoPs (index, name, country, coordinates, links) and the links (ends, latency, bandwidth) instead")
    .option('--scenario <file>', "with --list: a hosts column, each PoP's hosts under that scenario's hosts.perPop rule")
    .description('GraphML: nodes, edges, share of PoPs surviving any single link cut, latency diameter; RTT matrix: size, missing share, asymmetry, triangle-inequality violations')
    .action((file: string, opts: { routeFactor: string; perHopUs: string; unit: string; missing?: string; json?: boolean; list?: boolean; scenario?: string }) =>
      run(() => {
        if (opts.scenario !== undefined && opts.list !== true) throw new UsageError('--scenario goes with --list (a hosts column)');
        if (opts.list === true && !isGraphml(file)) throw new UsageError(`${file}: --list lists a GraphML backbone's PoPs and links; an RTT matrix has neither`);
        if (!isGraphml(file)) {
          const unit = rttUnit(opts.unit);
          const info = matrixInfo(loadRttMatrix(file, { unit, missing: missingCells(opts.missing) }));
          process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `${formatMatrixInfo(info, unit)}\n`);
          return;
        }
        const routeFactor = positiveNumber('--route-factor', opts.routeFactor);
        const perHopUs = positiveNumber('--per-hop-us', opts.perHopUs, true);
        const raw = loadGraphml(file);
        const backbone = buildBackbone(raw, { latency: { model: 'geo', routeFactor, perHopUs } });
        if (opts.list === true) {
          const list = topologyList(backbone.backbone, opts.scenario === undefined ? null : hostsOf(opts.scenario, backbone.backbone));
          process.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : `${formatTopologyList(list)}\n`);
          return;
        }
        const info = topologyInfo(raw, backbone);
        process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `${formatTopologyInfo(info)}\n`);
      }),
    );
  topo
    .command('generate')
    .requiredOption('--pops <n>', 'number of PoPs')
    .requiredOption('--out <file>', 'GraphML file to write')
    .option('--seed <s>', 'generator seed', '1')
    .description('generate a RENATER-like backbone (planar, redundant, capacity tiers) as GraphML')
    .action((opts: { pops: string; out: string; seed: string }) =>
      run(() => {
        const popCount = Number(opts.pops);
        if (!Number.isInteger(popCount) || popCount < 2 || popCount > 1_000_000) {
          throw new UsageError(`--pops: expected an integer in 2..1000000, found '${opts.pops}'`);
        }
        if (!/^\d+$/.test(opts.seed)) throw new UsageError(`--seed: expected an integer >= 0, found '${opts.seed}'`);
        const generated = generateBackbone({ popCount, seed: Number(opts.seed) });
        mkdirSync(dirname(opts.out), { recursive: true });
        writeFileSync(opts.out, writeGraphml(generated.graph));
        process.stderr.write(
          `wrote ${opts.out}: ${popCount} PoPs, ${generated.graph.edges.length} links ` +
            `(${generated.gabrielLinkCount} Gabriel + ${generated.redundancyLinkCount} for redundancy; ` +
            `${generated.coreLinkCount} core, ${generated.regionalLinkCount} regional, ${generated.accessLinkCount} access)\n`,
        );
      }),
    );
}

/** GraphML is XML: its first non-blank character is '<'; an RTT matrix never starts so. */
/** Each PoP's hosts under the scenario's hosts.perPop rule; a PoP the rule names that FILE lacks is the scenario's error. */
function hostsOf(scenarioFile: string, backbone: Parameters<typeof topologyList>[0]): number[] {
  const scenario = loadScenario(scenarioFile);
  return hostsPerPopOf(scenario.hosts.perPop, backbone, (field, expected, found) => {
    throw new ScenarioError(scenarioFile, [scenarioIssue(field, expected, found)]);
  });
}

function isGraphml(file: string): boolean {
  let head: string;
  try {
    head = readFileSync(file, 'utf8').slice(0, 4096).replace(/^\uFEFF/, '').trimStart();
  } catch {
    return true; // the GraphML loader reports the unreadable file with its name
  }
  return head.startsWith('<');
}

function rttUnit(text: string): RttUnit {
  if (text === 'us' || text === 'ms' || text === 's') return text;
  throw new UsageError(`--unit: expected us, ms or s, found '${text}'`);
}

/** "0,-1,NaN,''" -> [0, -1, 'NaN', '']: numbers by value, words as written, '' (or nothing) a blank cell. */
function missingCells(text: string | undefined): (number | string)[] {
  if (text === undefined) return [];
  return text.split(',').map((cell) => {
    const trimmed = cell.trim();
    if (trimmed === "''" || trimmed === '""') return '';
    const value = Number(trimmed);
    return trimmed !== '' && Number.isFinite(value) ? value : trimmed;
  });
}

function positiveNumber(flag: string, text: string, zeroAllowed = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new UsageError(`${flag}: expected a number ${zeroAllowed ? '>= 0' : '> 0'}, found '${text}'`);
  }
  return value;
}
