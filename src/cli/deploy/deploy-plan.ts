/**
 * What `luc deploy` runs, as data: which machine each agent runs on and at which address, and
 * every command of the deployment (ssh to each machine to unpack the build, stage the launch's
 * files, start and signal agents, publish the epoch, cut and heal with iptables (every cut handed
 * over before time 0), delay with tc
 * netem, fetch results, tear down). The real run executes these commands and `--dry-run` prints
 * them, so what is printed is what runs. Pure: no clock, no randomness, no file system.
 *
 * Mapping: with N agents on M machines (the first min(M, N) of the list), agent i runs on machine
 * floor(i x M / N) and listens on port `portBase + its rank on that machine`. Agents stand for
 * hosts in backbone order (agent i is host floor(i x H / N)), so each machine gets a run of
 * neighbouring hosts, as consecutive PoPs of the backbone.
 */
import { createHash } from 'node:crypto';
import type { PeerAddress } from '../../runtime/live/peer-table.js';
import { shellJoin, shellQuote } from '../shell-quote.js';

export interface SshSettings {
  /** `ssh`, or `oarsh` between the nodes of a Grid'5000 job. */
  readonly command: string;
  /** Given as `-o OPTION` each (after BatchMode=yes and ConnectTimeout). */
  readonly options: readonly string[];
  readonly identity: string | null;
}

export interface DeploySettings {
  readonly ssh: SshSettings;
  /** The node binary on the machines (Node 20 or later). */
  readonly remoteNode: string;
  /** Where run folders go on the machines. */
  readonly remoteBase: string;
  readonly portBase: number;
}

export interface Machine {
  readonly index: number;
  /** As ssh reaches it: `host` or `user@host`. */
  readonly target: string;
  /** The host part: the agents' address in the peers file. */
  readonly host: string;
  /** The run's folder on this machine (per machine, so machines sharing a home over NFS never collide). */
  readonly dir: string;
  readonly agents: readonly number[];
}

export interface DeployPlan {
  /** Derived from the scenario and seed: the same run has the same folders, chain and commands. */
  readonly runId: string;
  /** The iptables chain of the run's cuts. */
  readonly chain: string;
  readonly machines: readonly Machine[];
  readonly machineOf: readonly number[];
  readonly peers: readonly PeerAddress[];
}

/** One command: its argv, its stdin from a local file, its stdout into a local command. */
export interface DeployCommand {
  readonly argv: readonly string[];
  readonly stdinFile?: string;
  readonly pipeTo?: readonly string[];
}

/** The built file the machines run agents with, in the project (and under `luc/` in a run folder). */
export const AGENT_ENTRY = 'dist/cli/live.js';

/** Seconds ssh waits for a machine before giving up. */
const CONNECT_TIMEOUT_S = 10;

export function planDeploy(nodes: readonly string[], agents: number, scenarioName: string, seed: number, settings: DeploySettings): DeployPlan {
  if (nodes.length === 0 || agents < 1) throw new RangeError('planDeploy: no machine or no agent');
  const used = Math.min(nodes.length, agents);
  const runId = `luc-${scenarioName.replace(/[^A-Za-z0-9_.-]/g, '_')}-s${seed}`;
  const machineOf = Array.from({ length: agents }, (_, i) => Math.floor((i * used) / agents));
  const machines = nodes.slice(0, used).map((target, index) => ({
    index,
    target,
    host: target.slice(target.indexOf('@') + 1),
    dir: `${settings.remoteBase.replace(/\/+$/, '')}/${runId}-m${index}`,
    agents: machineOf.flatMap((m, i) => (m === index ? [i] : [])),
  }));
  const peers = machineOf.map((m, id) => ({ id, host: machines[m].host, port: settings.portBase + machines[m].agents.indexOf(id) }));
  const chain = `LUC-${createHash('sha256').update(runId).digest('hex').slice(0, 8)}`;
  return { runId, chain, machines, machineOf, peers };
}

/** A command as a POSIX shell reads it. */
export function commandText(command: DeployCommand): string {
  return `${shellJoin(command.argv)}${command.stdinFile === undefined ? '' : ` < ${shellQuote(command.stdinFile)}`}${command.pipeTo === undefined ? '' : ` | ${shellJoin(command.pipeTo)}`}`;
}

/** Every command of a deployment, machine by machine. */
export class DeployCommands {
  constructor(
    readonly plan: DeployPlan,
    private readonly settings: DeploySettings,
  ) {}

  /**
   * Where the run's ssh master connections listen: one per machine, so only the first command
   * to a machine pays ssh's handshake (seconds each on a loaded node) and every later one, the
   * agents' sessions included, shares it. Short (a socket path must fit in 108 bytes); the
   * launcher makes the folder (mode 0700) and closes the masters and removes it at the end.
   */
  get controlDir(): string {
    return `/tmp/luc-ssh-${this.plan.chain.slice(4).toLowerCase()}`;
  }

  /**
   * `shared`: over the machine's master connection. An agent's session, which lasts the whole
   * run, has a connection of its own: sshd allows a connection `MaxSessions` sessions (10 by
   * default), and a machine may run more agents than that.
   */
  ssh(m: number, script: string, extra: Omit<DeployCommand, 'argv'> = {}, shared = true): DeployCommand {
    const { ssh } = this.settings;
    const options = ['BatchMode=yes', `ConnectTimeout=${CONNECT_TIMEOUT_S}`, ...(shared ? this.multiplexing() : ['ControlPath=none']), ...ssh.options].flatMap((o) => ['-o', o]);
    return { argv: [ssh.command, ...options, ...(ssh.identity === null ? [] : ['-i', ssh.identity]), this.plan.machines[m].target, script], ...extra };
  }

  /** Close machine m's master connection (after the teardown). */
  closeConnection(m: number): DeployCommand {
    return { argv: [this.settings.ssh.command, '-o', `ControlPath=${this.controlDir}/%C`, '-O', 'exit', this.plan.machines[m].target] };
  }

  /** ControlPersist: a launcher killed with -9 leaves masters that end by themselves once idle this long. */
  private multiplexing(): string[] {
    return ['ControlMaster=auto', `ControlPath=${this.controlDir}/%C`, 'ControlPersist=120'];
  }

  reach(m: number): DeployCommand {
    return this.ssh(m, 'true');
  }

  /** Unpack the build (and the scenario's files) into a fresh run folder. */
  ship(m: number, tarball: string): DeployCommand {
    const dir = shellQuote(this.plan.machines[m].dir);
    return this.ssh(m, `rm -rf ${dir} && mkdir -p ${dir}/agents && tar xzf - -C ${dir}`, { stdinFile: tarball });
  }

  /** Exit 0 when the machine's kernel has netem (adding it on lo, then removing it). */
  probeNetem(m: number): DeployCommand {
    return this.ssh(m, 'modprobe -q sch_netem 2>/dev/null; tc qdisc add dev lo root handle 1: netem delay 0ms && tc qdisc del dev lo root');
  }

  /**
   * Each agent of machine m delays what it sends to each other agent by RTT/2 (`oneWayMs`): an
   * htb class and a netem qdisc per pair, selected by a u32 filter on destination address and
   * both ports, on the NIC towards the other machines and on lo between agents of the machine.
   */
  netem(m: number, oneWayMs: (a: number, b: number) => number): DeployCommand {
    const { machines, peers } = this.plan;
    const lines = [this.nicLine(m)];
    const classes = new Map<string, number>();
    for (const dev of machines.length > 1 ? ['lo', '$nic'] : ['lo']) lines.push(`tc qdisc add dev ${dev} root handle 1: htb default 1`, `tc class add dev ${dev} parent 1: classid 1:1 htb rate 100gbit`);
    for (const a of machines[m].agents) {
      for (const b of peers.keys()) {
        const delayMs = oneWayMs(a, b);
        if (a === b || !(delayMs > 0)) continue;
        const dev = this.plan.machineOf[b] === m ? 'lo' : '$nic';
        const k = (classes.get(dev) ?? 1) + 1;
        classes.set(dev, k);
        const id = k.toString(16);
        lines.push(
          `tc class add dev ${dev} parent 1: classid 1:${id} htb rate 100gbit`,
          `tc qdisc add dev ${dev} parent 1:${id} handle ${id}: netem delay ${delayMs.toFixed(3)}ms`,
          `tc filter add dev ${dev} parent 1: protocol ip prio 1 u32 match ip dst $(getent ahostsv4 ${shellQuote(peers[b].host)} | awk 'NR==1{print $1}')/32 match ip sport ${peers[a].port} 0xffff match ip dport ${peers[b].port} 0xffff flowid 1:${id}`,
        );
      }
    }
    return this.ssh(m, ['set -e', ...lines].join('\n'));
  }

  /** The launch's peers file, cluster key and RTT matrix into the machine's `agents/`. */
  stage(m: number, stageTar: string): DeployCommand {
    return this.ssh(m, `tar xf - -C ${shellQuote(`${this.plan.machines[m].dir}/agents`)}`, { stdinFile: stageTar });
  }

  /** Agent i in the foreground of its ssh session (its output is the session's), its pid in agents/agent-i.pid. */
  agent(i: number, remoteArgs: readonly string[]): DeployCommand {
    const m = this.plan.machineOf[i];
    const { dir } = this.plan.machines[m];
    const script = `cd ${shellQuote(dir)} && echo $$ > agents/agent-${i}.pid && exec ${shellQuote(this.settings.remoteNode)} luc/${AGENT_ENTRY} live agent ${shellJoin(remoteArgs)}`;
    return this.ssh(m, script, {}, false);
  }

  epoch(m: number, epochMs: number | string): DeployCommand {
    const agents = shellQuote(`${this.plan.machines[m].dir}/agents`);
    return this.ssh(m, `echo ${epochMs} > ${agents}/epoch.tmp && mv ${agents}/epoch.tmp ${agents}/epoch`);
  }

  signal(i: number, signal: 'SIGTERM' | 'SIGKILL'): DeployCommand {
    const m = this.plan.machineOf[i];
    return this.ssh(m, `kill -${signal.slice(3)} $(cat ${shellQuote(`${this.plan.machines[m].dir}/agents/agent-${i}.pid`)})`);
  }

  /**
   * Every cut of the run on machine m, handed over before time 0 so that no command's latency
   * (seconds per ssh session on a loaded node) delays one: the session waits for the epoch file,
   * then at each step's time (ms after the epoch, the machine's clock) fills the run's chain
   * afresh in one transaction (iptables-restore), so that its agents drop what comes from agents
   * of other groups (groups[i] < 0: down, no rule; one rule per pair; datagrams between two
   * agents of the machine cross INPUT on lo too), and prints `STEP WALL_MS` once the rules are
   * in. Its pid is in agents/cuts.pid for the teardown. Steps before the first cut print their
   * time and change nothing.
   */
  cuts(m: number, steps: readonly { readonly groups: readonly number[]; readonly atMs: number }[]): DeployCommand {
    const { chain, machines, peers } = this.plan;
    const agents = shellQuote(`${machines[m].dir}/agents`);
    // Addresses looked up and the chain hooked in before time 0: a step then only swaps rules.
    const hosts = [...new Set(peers.map((p) => p.host))];
    const lines = [
      `echo $$ > ${agents}/cuts.pid`,
      ...hosts.map((host, h) => `a${h}=$(getent ahostsv4 ${shellQuote(host)} | awk 'NR==1{print $1}'); [ -n "$a${h}" ]`),
      `iptables -N ${chain} 2>/dev/null || true`,
      `iptables -C INPUT -j ${chain} 2>/dev/null || iptables -I INPUT -j ${chain}`,
      `while [ ! -s ${agents}/epoch ]; do sleep 0.05; done`,
      `epoch=$(cat ${agents}/epoch)`,
      'at() { t=$((epoch + $1)); now=$(date +%s%3N); if [ "$t" -gt "$now" ]; then d=$((t - now)); sleep "$((d / 1000)).$(printf %03d $((d % 1000)))"; fi; }',
    ];
    let cutting = false;
    steps.forEach((step, k) => {
      lines.push(`at ${step.atMs}`);
      cutting ||= new Set(step.groups.filter((g) => g >= 0)).size > 1;
      if (cutting) {
        // One iptables-restore per step: the chain's old rules go and its new ones come in at once.
        lines.push('iptables-restore --noflush <<RULES', '*filter', `-F ${chain}`);
        for (const a of machines[m].agents) {
          for (const b of peers.keys()) {
            if (step.groups[a] < 0 || step.groups[b] < 0 || step.groups[a] === step.groups[b]) continue;
            lines.push(`-A ${chain} -p udp -s $a${hosts.indexOf(peers[b].host)} --sport ${peers[b].port} --dport ${peers[a].port} -j DROP`);
          }
        }
        lines.push('COMMIT', 'RULES');
      }
      lines.push(`echo "${k} $(date +%s%3N)"`);
    });
    return this.ssh(m, ['set -e', ...lines].join('\n'), {}, false);
  }

  /** `nic=...`: the device towards the other machines (lo when there is none). */
  private nicLine(m: number): string {
    const other = this.plan.machines.find((x) => x.index !== m);
    return `nic=${other === undefined ? 'lo' : `$(ip -o route get $(getent ahostsv4 ${shellQuote(other.host)} | awk 'NR==1{print $1}') | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p')`}`;
  }

  /** The machine's agents' reports and samples, unpacked into the local launch folder. */
  collect(m: number, localWork: string): DeployCommand {
    const files = this.plan.machines[m].agents.flatMap((i) => [`agent-${i}.json`, `agent-${i}.samples.jsonl`]);
    return this.ssh(m, `cd ${shellQuote(`${this.plan.machines[m].dir}/agents`)} && tar cf - --ignore-failed-read ${files.join(' ')} 2>/dev/null`, { pipeTo: ['tar', 'xf', '-', '-C', localWork] });
  }

  /** Kill what still runs of the run's agents, remove its rules and qdiscs, delete its folder. */
  teardown(m: number, what: { readonly cuts: boolean; readonly netem: boolean }): DeployCommand {
    const { dir } = this.plan.machines[m];
    const lines = [
      `for f in ${shellQuote(dir)}/agents/agent-*.pid; do [ -f "$f" ] || continue; p=$(cat "$f"); grep -qs 'live' /proc/$p/cmdline && kill -KILL $p; done`,
      // The cut session before the chain goes: a step it would put in later must not bring the chain back.
      `f=${shellQuote(dir)}/agents/cuts.pid; [ -f "$f" ] && p=$(cat "$f") && grep -qs ${this.plan.chain} /proc/$p/cmdline && kill -KILL $p`,
      ...(what.cuts ? [`iptables -D INPUT -j ${this.plan.chain} 2>/dev/null; iptables -F ${this.plan.chain} 2>/dev/null; iptables -X ${this.plan.chain} 2>/dev/null`] : []),
      ...(what.netem ? [this.nicLine(m), 'tc qdisc del dev lo root 2>/dev/null; tc qdisc del dev "$nic" root 2>/dev/null'] : []),
      `rm -rf ${shellQuote(dir)}`,
    ];
    return this.ssh(m, lines.join('\n'));
  }
}

/** The launch's local paths in an agent's arguments, as the agent sees them from its run folder. */
export function remoteArgs(args: readonly string[], localWork: string, localScenario: string, remoteScenario: string): string[] {
  return args.map((arg) => (arg === localScenario ? remoteScenario : arg.startsWith(`${localWork}/`) ? `agents/${arg.slice(localWork.length + 1)}` : arg));
}
