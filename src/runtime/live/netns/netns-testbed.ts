/**
 * N hosts on one machine: a network namespace per host, each with one veth whose other end is a
 * port of a bridge in the root namespace, an address of 10.77.0.0/16, and its NIC's rate as a
 * tbf qdisc on both ends of its veth (upload and download). A partition moves the veths of each
 * group onto a bridge of its own: a real L2 cut (frames to the other side go nowhere, silently,
 * as over a cut link), healed by moving them back. This kernel has neither netem nor tc's drop
 * action nor VLAN filtering on bridges, so bridges it is; it needs nothing beyond iproute2.
 *
 * `remove()` deletes every namespace, veth and bridge of the run; it is safe to call twice, and
 * after a partial `create` (it removes whatever exists under the run's prefix).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runIpBatch, runTool, TestbedError } from './ip-command.js';
import { killProcessesIn, listTestbedObjects, OWNERS_DIR } from './leftovers.js';
import { TESTBED_SUBNET_BITS, type TestbedNames } from './names.js';

export interface NetnsTestbedConfig {
  readonly names: TestbedNames;
  readonly hosts: number;
  /** Each host's NIC rate (bits/s), as tbf on its veth; null: unlimited. */
  readonly nicRateBps: number | null;
}

/** tbf's queue bound: a datagram waiting longer than this for the NIC is dropped, as by a full queue. */
const TBF_LATENCY_MS = 50;

export class NetnsTestbed {
  /** Bridge group of each host's veth now (0: the main bridge). */
  private readonly groupOf: Int32Array;
  private bridges = 1;
  private removed = false;

  private constructor(private readonly config: NetnsTestbedConfig) {
    this.groupOf = new Int32Array(config.hosts);
  }

  /** Build the namespaces, veths and bridge; on a failure, remove what was built, then throw. */
  static create(config: NetnsTestbedConfig): { testbed: NetnsTestbed; setupMs: number } {
    const startMs = performance.now();
    const testbed = new NetnsTestbed(config);
    try {
      testbed.build();
    } catch (error) {
      testbed.remove();
      throw error;
    }
    return { testbed, setupMs: performance.now() - startMs };
  }

  get names(): TestbedNames {
    return this.config.names;
  }

  private build(): void {
    const { names, hosts, nicRateBps } = this.config;
    // The owner's pid: `luc testbed down` leaves a run alone while its process lives.
    mkdirSync(OWNERS_DIR, { recursive: true });
    writeFileSync(join(OWNERS_DIR, names.prefix), `${process.pid}\n`);
    const root: string[] = [`link add ${names.bridge(0)} type bridge`, `link set ${names.bridge(0)} up`];
    for (let h = 0; h < hosts; h++) {
      root.push(`netns add ${names.namespace(h)}`);
      root.push(`link add ${names.veth(h)} type veth peer name eth0 netns ${names.namespace(h)}`);
      root.push(`link set ${names.veth(h)} master ${names.bridge(0)} up`);
    }
    runIpBatch(root);
    for (let h = 0; h < hosts; h++) {
      runIpBatch([`link set lo up`, `addr add ${names.address(h)}/${TESTBED_SUBNET_BITS} dev eth0`, `link set eth0 up`], { netns: names.namespace(h) });
    }
    if (nicRateBps !== null) {
      const tbf = tbfArgs(nicRateBps);
      for (let h = 0; h < hosts; h++) {
        runTool('tc', ['qdisc', 'add', 'dev', names.veth(h), 'root', ...tbf]);
        runTool('tc', ['-n', names.namespace(h), 'qdisc', 'add', 'dev', 'eth0', 'root', ...tbf]);
      }
    }
  }

  /**
   * Put each host's veth on the bridge of its group (groups numbered from 0; -1: leave it where
   * it is, its agent is down). Only veths that change bridge are touched.
   */
  setGroups(groups: readonly number[]): void {
    const { names } = this.config;
    if (groups.length !== this.config.hosts) throw new RangeError(`${groups.length} groups for ${this.config.hosts} hosts`);
    const lines: string[] = [];
    const needed = Math.max(0, ...groups) + 1;
    for (; this.bridges < needed; this.bridges++) lines.push(`link add ${names.bridge(this.bridges)} type bridge`, `link set ${names.bridge(this.bridges)} up`);
    groups.forEach((group, h) => {
      if (group < 0 || group === this.groupOf[h]) return;
      lines.push(`link set ${names.veth(h)} master ${names.bridge(group)}`);
      this.groupOf[h] = group;
    });
    runIpBatch(lines);
  }

  /** Delete every namespace, veth and bridge of the run; returns the time it took and what remained. */
  remove(): { teardownMs: number; remaining: readonly string[] } {
    const startMs = performance.now();
    const { names } = this.config;
    // Deleting a namespace takes its end of each veth, hence the pair; bridges go by name. -force: go on past what is gone already.
    const found = listTestbedObjects(names.prefix);
    // The launcher has ended its agents; anything left inside (a stray child) would keep a namespace alive.
    for (const ns of found.namespaces) killProcessesIn(ns);
    runIpBatch([...found.namespaces.map((ns) => `netns del ${ns}`), ...found.links.map((link) => `link del ${link}`)], { force: true });
    const remaining = listTestbedObjects(names.prefix);
    if (remaining.namespaces.length === 0 && remaining.links.length === 0) rmSync(join(OWNERS_DIR, names.prefix), { force: true });
    this.removed = true;
    return { teardownMs: performance.now() - startMs, remaining: [...remaining.namespaces, ...remaining.links] };
  }

  get isRemoved(): boolean {
    return this.removed;
  }
}

/** tbf at `rateBps`: a burst of 10 ms at that rate (at least a few full frames), a queue of TBF_LATENCY_MS. */
function tbfArgs(rateBps: number): string[] {
  if (!(rateBps >= 8_000)) throw new TestbedError(`NIC rate ${rateBps} bit/s: expected at least 8000 bit/s for tbf`);
  const burstBytes = Math.max(16_384, Math.round(rateBps / 8 / 100));
  return ['tbf', 'rate', `${Math.round(rateBps)}bit`, 'burst', String(burstBytes), 'latency', `${TBF_LATENCY_MS}ms`];
}
