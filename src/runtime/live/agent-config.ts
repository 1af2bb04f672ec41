/**
 * The options of one agent process, parsed and checked once into a fully filled config: code
 * below never sees a string or an undefined. Errors: LiveConfigError for arguments and the peers
 * file, TopologyError for the matrix (a tab/space/comma-separated square of RTTs in ms).
 */
import type { KeyObject } from 'node:crypto';
import { loadRttMatrix } from '../../platform/rtt-matrix.js';
import { DEFAULT_ONE_WAY, deliveryRttMatrix, oneWayLatencies } from '../../platform/one-way-latency.js';
import type { RttMatrix } from '../../platform/types.js';
import { readClusterKey } from './cluster-key.js';
import { LiveConfigError } from './live-errors.js';
import { integerOption, numberOption, requireOption } from './option-parsing.js';
import { readPeerTable, type PeerAddress } from './peer-table.js';

/** A run longer than a day is a mistake, not a testbed experiment: agents are always bounded. */
export const AGENT_DURATION_S_MAX = 86_400;

export interface AgentOptionsRaw {
  readonly id?: string;
  readonly peers?: string;
  readonly matrix?: string;
  readonly lossRate?: string;
  readonly seed?: string;
  readonly durationS?: string;
  readonly report?: string;
  readonly bootstrapCount?: string;
  readonly bind?: string;
  readonly key?: string;
  readonly insecure?: boolean;
}

/** How a launcher's agents' matrix marks a pair without a measurement. */
export const LIVE_MATRIX_MISSING = ['NaN'] as const;

export interface AgentConfig {
  readonly id: number;
  readonly peers: readonly PeerAddress[];
  /** null: no latency shim (a real network supplies the latency). */
  readonly matrix: RttMatrix | null;
  readonly lossRate: number;
  readonly seed: number;
  readonly durationMs: number;
  readonly reportFile: string;
  readonly bootstrapCount: number;
  readonly bindHost: string | null;
  /** The cluster key; null only with an explicit --insecure. */
  readonly key: KeyObject | null;
}

export function parseAgentOptions(raw: AgentOptionsRaw): AgentConfig {
  const peers = readPeerTable(requireOption(raw.peers, '--peers', 'a peers file (JSON [{id, host, port}])'));
  const id = integerOption(requireOption(raw.id, '--id', 'this agent\'s id'), '--id', 0, peers.length - 1);
  const matrix = raw.matrix === undefined ? null : agentMatrix(raw.matrix);
  if (matrix !== null && matrix.n < peers.length) {
    throw new LiveConfigError(raw.matrix ?? '', '(rows)', `at least one row per peer (${peers.length})`, String(matrix.n));
  }
  const lossRate = numberOption(raw.lossRate ?? '0', '--loss-rate', 0, 1, true);
  if (lossRate > 0 && matrix === null) throw new LiveConfigError('arguments', '--loss-rate', 'a --matrix too (loss is part of the shim)');
  return {
    id,
    peers,
    matrix,
    lossRate,
    seed: integerOption(raw.seed ?? '1', '--seed', 0, Number.MAX_SAFE_INTEGER),
    durationMs: 1000 * numberOption(requireOption(raw.durationS, '--duration-s', 'a run length in seconds'), '--duration-s', 0.001, AGENT_DURATION_S_MAX),
    reportFile: requireOption(raw.report, '--report', 'a file for the final report'),
    bootstrapCount: integerOption(raw.bootstrapCount ?? '3', '--bootstrap-count', 1, 1000),
    bindHost: raw.bind ?? null,
    key: clusterKeyOf(raw),
  };
}

/**
 * The shim's matrix: NaN marks a pair the scenario's matrix did not measure (the launcher
 * writes it so), filled as the simulated twin fills it, so both delay every message alike.
 */
function agentMatrix(file: string): RttMatrix {
  const matrix = loadRttMatrix(file, { unit: 'ms', missing: LIVE_MATRIX_MISSING });
  return deliveryRttMatrix(matrix, oneWayLatencies(matrix, DEFAULT_ONE_WAY, file));
}

/** `--key FILE`, or nothing but an explicit `--insecure`: an agent never runs unauthenticated by mistake. */
function clusterKeyOf(raw: AgentOptionsRaw): KeyObject | null {
  if (raw.key !== undefined && raw.insecure === true) throw new LiveConfigError('arguments', '--insecure', 'either --key or --insecure, not both');
  if (raw.insecure === true) return null;
  if (raw.key === undefined || raw.key.length === 0) {
    throw new LiveConfigError('arguments', '--key', 'a cluster key file (hex, at least 32 bytes; or --insecure to run unauthenticated)', 'nothing');
  }
  return readClusterKey(raw.key);
}
