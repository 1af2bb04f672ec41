/**
 * Machines for `luc deploy`'s tests: N network namespaces on a bridge of the root namespace
 * (10.78.0.1, ... ; the bridge is 10.78.0.254), each running Debian's sshd on its address with a
 * host key of its own, root login by a client key of the test's. `remove()` kills the sshds and
 * deletes the namespaces and the bridge, whatever state the test left them in.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface SshdMachines {
  readonly addresses: readonly string[];
  readonly namespaces: readonly string[];
  readonly clientKey: string;
  readonly sshOptions: readonly string[];
  remove(): void;
}

function run(args: readonly string[]): void {
  const result = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
}

export async function startSshdMachines(prefix: string, count: number, dir: string): Promise<SshdMachines> {
  const namespaces = Array.from({ length: count }, (_, i) => `${prefix}n${i}`);
  const addresses = namespaces.map((_, i) => `10.78.0.${i + 1}`);
  const bridge = `${prefix}br`;
  const sshds: ChildProcess[] = [];
  const remove = (): void => {
    for (const sshd of sshds) sshd.kill('SIGKILL');
    // sshd's session processes (and anything they started) would keep a deleted namespace, and its veth, alive.
    for (const ns of namespaces) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p));
      for (const pid of pids) spawnSync('kill', ['-9', pid], { stdio: 'ignore' });
      spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    }
    namespaces.forEach((_, i) => spawnSync('ip', ['link', 'del', `${prefix}v${i}`], { stdio: 'ignore' }));
    spawnSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
  };
  try {
    mkdirSync(dir, { recursive: true });
    mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation folder
    const clientKey = join(dir, 'client_key');
    run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
    run(['ip', 'link', 'add', bridge, 'type', 'bridge']);
    run(['ip', 'addr', 'add', '10.78.0.254/24', 'dev', bridge]);
    run(['ip', 'link', 'set', bridge, 'up']);
    namespaces.forEach((ns, i) => {
      const veth = `${prefix}v${i}`;
      run(['ip', 'netns', 'add', ns]);
      run(['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      run(['ip', 'link', 'set', veth, 'master', bridge]);
      run(['ip', 'link', 'set', veth, 'up']);
      run(['ip', '-n', ns, 'addr', 'add', `${addresses[i]}/24`, 'dev', 'eth0']);
      run(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
      run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      const hostKey = join(dir, `host_key_${i}`);
      run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
      const config = join(dir, `sshd_${i}.conf`);
      writeFileSync(config, [
        `ListenAddress ${addresses[i]}`,
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, `sshd_${i}.pid`)}`,
        `AuthorizedKeysFile ${clientKey}.pub`,
        'PermitRootLogin yes',
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'MaxStartups 100',
        'MaxSessions 100',
        '',
      ].join('\n'));
      sshds.push(spawn('ip', ['netns', 'exec', ns, SSHD, '-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'ignore'] }));
    });
    const sshOptions = ['UserKnownHostsFile=/dev/null', 'StrictHostKeyChecking=no', 'LogLevel=ERROR'];
    // Each sshd listens once it has read its keys: wait until every machine answers.
    for (const address of addresses) {
      for (let attempt = 0; ; attempt++) {
        const probe = spawnSync('ssh', [...sshOptions.flatMap((o) => ['-o', o]), '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=2', '-i', clientKey, address, 'true'], { stdio: 'ignore' });
        if (probe.status === 0) break;
        if (attempt > 50) throw new Error(`sshd on ${address} does not answer`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return { addresses, namespaces, clientKey, sshOptions, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

export const hasSshd = existsSync(SSHD);
