/**
 * `luc deploy` without machines: the dry run prints every command of a deployment, in order and
 * the same on every checkout (golden file); the OAR script follows OAR's documented syntax;
 * bad input exits 2 naming the file and field. The run over real ssh is deploy-ssh.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNodeList } from '../../src/cli/deploy/node-list.js';
import { deployWalltime } from '../../src/cli/deploy/oar-script.js';
import { AGENT_ENTRY, planDeploy } from '../../src/cli/deploy/deploy-plan.js';
import { productionPackages } from '../../src/cli/deploy/build-tarball.js';
import { packagesImportedBy } from '../../src/cli/deploy/import-graph.js';
import { luc, ROOT } from './run-cli.js';

const SCENARIO = 'test/runtime/live/fixtures/testbed-partition.yaml';
const NODES = 'test/cli/fixtures/deploy-nodes.txt';
const GOLDEN = join(ROOT, 'test/cli/golden/deploy-dry-run.txt');
const dir = mkdtempSync(join(tmpdir(), 'luc-deploy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SETTINGS = { ssh: { command: 'ssh', options: [], identity: null }, remoteNode: 'node', remoteBase: '/tmp', portBase: 40_000 };

describe('luc deploy --dry-run', () => {
  it('prints every command of 6 agents on 3 machines in order (ship, netem, stage, agents, epoch, faults, collect, teardown), as the golden file has them', () => {
    const result = luc(['deploy', SCENARIO, '--nodes', NODES, '--agents', '6', '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(readFileSync(GOLDEN, 'utf8'));
    const lines = result.stdout.split('\n');
    const step = (n: number): number => lines.findIndex((l) => l.startsWith(`# ${n}. `));
    for (let n = 1; n < 10; n++) expect(step(n), `step ${n}`).toBeLessThan(step(n + 1));
    // The partition's cut, handed to the machines before time 0 (5b), each step one
    // iptables-restore at its time; the crash's kill over ssh and the restart at the heal.
    expect(step(5)).toBeLessThan(lines.indexOf(lines.find((l) => l.startsWith('# 5b. ')) ?? ''));
    expect(result.stdout).toContain("a1=$(getent ahostsv4 node-2.example.org | awk '\\''NR==1{print $1}'\\''); [ -n \"$a1\" ]");
    expect(result.stdout).toMatch(/at 4000\niptables-restore --noflush <<RULES\n\*filter\n-F LUC-[0-9a-f]{8}\n-A LUC-[0-9a-f]{8} -p udp -s \$a1 --sport 40000 --dport 40000 -j DROP\n/);
    expect(result.stdout).toContain("'kill -KILL $(cat /tmp/luc-testbed-partition-s5-m2/agents/agent-4.pid)'    # agent 4 down until 8 s");
    expect(result.stdout).toMatch(/agent-4\.json .*--restarted'/);
  });

  it('prints the same commands twice (no random names, no temporary paths)', () => {
    const a = luc(['deploy', SCENARIO, '--nodes', NODES, '--agents', '6', '--dry-run', '--latency', 'shim']);
    const b = luc(['deploy', SCENARIO, '--nodes', NODES, '--agents', '6', '--dry-run', '--latency', 'shim']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toContain('tc qdisc');
  });
});

describe('luc deploy: machines and mapping', () => {
  it("reads a nodes file as OAR writes it (one line per core): duplicates dropped in order, user@host and host one machine", () => {
    expect(parseNodeList('a\na\nroot@b\n\n# c\nb\nc\n', 'nodes')).toEqual(['a', 'root@b', 'c']);
  });

  it('puts agent i on machine floor(i x M / N), ports from the base by rank on the machine', () => {
    const plan = planDeploy(['a', 'b', 'c'], 7, 'x', 1, SETTINGS);
    expect(plan.machineOf).toEqual([0, 0, 0, 1, 1, 2, 2]);
    expect(plan.peers.map((p) => `${p.host}:${p.port}`)).toEqual(['a:40000', 'a:40001', 'a:40002', 'b:40000', 'b:40001', 'c:40000', 'c:40001']);
    // More machines than agents: the first N only.
    expect(planDeploy(['a', 'b', 'c'], 2, 'x', 1, SETTINGS).machines.map((m) => m.target)).toEqual(['a', 'b']);
  });
});

describe('luc deploy --emit-oar', () => {
  it('writes an OAR script with #OAR -l nodes=N,walltime=h:mm:ss (the run x 1.2 + 10 min, to the minute), -n, -O and -E, then luc deploy --oar', () => {
    const result = luc(['deploy', SCENARIO, '--emit-oar', '--agents', '6', '--machines', '3', '--out', 'results/tb-deploy']);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines).toContain('#OAR -n luc-deploy-testbed-partition');
    // OAR's walltime format is hour:mn:sec; 16 s x 1.2 + 600 s is 11 min.
    expect(lines).toContain('#OAR -l nodes=3,walltime=0:11:00');
    expect(lines).toContain('#OAR -O luc-deploy-testbed-partition.%jobid%.out');
    expect(lines).toContain('#OAR -E luc-deploy-testbed-partition.%jobid%.err');
    expect(lines.at(-2)).toBe(`exec $LUC deploy ${SCENARIO} --oar --ssh oarsh --agents 6 --out results/tb-deploy`);
    // Directives come before the first command (oarsub -S reads them from the top).
    const lastDirective = lines.map((l) => l.startsWith('#OAR')).lastIndexOf(true);
    expect(lastDirective).toBeLessThan(lines.findIndex((l) => l === 'set -eu'));
    for (const directive of lines.filter((l) => l.startsWith('#OAR -l'))) expect(directive).toMatch(/^#OAR -l nodes=\d+,walltime=\d+:[0-5]\d:[0-5]\d$/);
  });

  it('rounds the walltime up to the minute and carries hours over', () => {
    expect(deployWalltime(16)).toBe('0:11:00');
    expect(deployWalltime(3_600)).toBe('1:22:00');
  });
});

describe('luc deploy: bad input exits 2 naming the file and field', () => {
  it('refuses an empty nodes file', () => {
    const nodes = join(dir, 'empty');
    writeFileSync(nodes, '# nothing\n\n');
    const result = luc(['deploy', SCENARIO, '--nodes', nodes, '--dry-run']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${nodes}: (file): expected one machine per line (host or user@host), found no machine`);
  });

  it('refuses a malformed line, naming its number', () => {
    const nodes = join(dir, 'bad');
    writeFileSync(nodes, 'node-1\nnode 2; rm -rf /\n');
    const result = luc(['deploy', SCENARIO, '--nodes', nodes, '--dry-run']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${nodes}: line 2: expected a machine`);
  });

  it('refuses --oar outside an OAR job ($OAR_NODEFILE unset)', () => {
    const result = luc(['deploy', SCENARIO, '--oar', '--dry-run']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('environment: OAR_NODEFILE: expected the nodes file of the OAR job');
  });

  it('refuses a scenario with fewer than 2 hosts', () => {
    const scenario = join(dir, 'one-host.yaml');
    writeFileSync(scenario, readFileSync(join(ROOT, SCENARIO), 'utf8').replace('pops: 8', 'pops: 1').replace(/faults:[\s\S]*?metrics:/, 'metrics:') + 'hosts: { perPop: 1 }\n');
    const result = luc(['deploy', scenario, '--nodes', NODES, '--dry-run']);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/hosts/);
  });

  it('names the unreachable machine, with exit 2 and nothing started', () => {
    const nodes = join(dir, 'unreachable');
    writeFileSync(nodes, 'luc-no-such-host.invalid\n');
    const result = luc(['deploy', SCENARIO, '--nodes', nodes, '--agents', '2', '--out', join(dir, 'unreachable-out'), '--ssh-option', 'ConnectTimeout=2']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unreachable.*luc-no-such-host\.invalid/);
  });
});

describe('the packages luc deploy ships', () => {
  /** A package folder with its package.json. */
  function pkg(dir: string, dependencies: Record<string, string> = {}, optionalDependencies: Record<string, string> = {}): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: dir.split('/').pop(), dependencies, optionalDependencies }));
  }

  it('finds them as Node does in an installed luc (hoisted beside it, no package-lock.json), leaving nested ones with their parent', () => {
    const app = realpathSync(mkdtempSync(join(tmpdir(), 'luc-pkgs-')));
    try {
      pkg(join(app, 'node_modules/luc'), { a: '1', c: '1' }, { gone: '1' });
      pkg(join(app, 'node_modules/a'), { b: '1' });
      pkg(join(app, 'node_modules/a/node_modules/b'));
      pkg(join(app, 'node_modules/c'), { a: '1', d: '1' });
      pkg(join(app, 'node_modules/d'));
      pkg(join(app, 'node_modules/unused'));
      expect(productionPackages(join(app, 'node_modules/luc'))).toEqual([
        { path: 'node_modules/a', dir: join(app, 'node_modules/a') },
        { path: 'node_modules/c', dir: join(app, 'node_modules/c') },
        { path: 'node_modules/d', dir: join(app, 'node_modules/d') },
      ]);
      // A dependency nowhere to be found: named, with the fix.
      pkg(join(app, 'node_modules/d'), { missing: '1' });
      expect(() => productionPackages(join(app, 'node_modules/luc'))).toThrow(/node_modules\/d\/package\.json: dependencies\.missing: expected the package installed \(node_modules out of step with d's package\.json: run npm ci\)/);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it("ships this checkout's production packages and none of its dev tools", () => {
    const paths = productionPackages(ROOT).map((p) => p.path);
    for (const name of ['zod', 'yaml', 'seedrandom', 'commander', 'd3-geo']) expect(paths).toContain(`node_modules/${name}`);
    for (const name of ['vitest', 'typescript', 'tinybench', 'tsx']) expect(paths).not.toContain(`node_modules/${name}`);
  });

  it('follows an entry point\'s imports through its own files to the packages it loads (static, re-exported, dynamic; built-ins left out)', () => {
    const app = mkdtempSync(join(tmpdir(), 'luc-imports-'));
    try {
      mkdirSync(join(app, 'cli'));
      writeFileSync(join(app, 'cli/entry.js'), "import { a } from '../lib.js';\nimport 'side-effect';\nimport { readFileSync } from 'node:fs';\nexport * from './more.js';\nconst later = () => import('late-pkg');\n");
      writeFileSync(join(app, 'lib.js'), "import x from '@scope/pkg/sub/path.js';\nimport { y } from 'plain/deep';\nexport { z } from './cli/entry.js';\n");
      writeFileSync(join(app, 'cli/more.js'), 'export const more = 1;\n');
      writeFileSync(join(app, 'unreached.js'), "import 'never';\n");
      expect(packagesImportedBy(join(app, 'cli/entry.js'))).toEqual(['@scope/pkg', 'late-pkg', 'plain', 'side-effect']);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it("ships to the machines only what the agent loads: not the CLI's plotting and PDF packages, and a dev tool imported at run time is an error", () => {
    const imported = packagesImportedBy(join(ROOT, AGENT_ENTRY));
    for (const name of ['zod', 'yaml', 'seedrandom', 'commander']) expect(imported).toContain(name);
    const paths = productionPackages(ROOT, imported).map((p) => p.path);
    for (const name of ['@resvg/resvg-js', 'pdfkit', 'svg-to-pdfkit', 'world-atlas', '@observablehq/plot']) expect(paths).not.toContain(`node_modules/${name}`);
    expect(paths.length).toBeLessThan(productionPackages(ROOT).length);
    expect(() => productionPackages(ROOT, ['vitest'])).toThrow(/package\.json: dependencies\.vitest: expected a dependency \(the build imports it at run time\)/);
  });
});
