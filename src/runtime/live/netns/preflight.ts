/**
 * What the testbed needs of the machine, checked before anything is built: root (namespaces,
 * veths and bridges are privileged) and a working `ip netns`. Each miss is a TestbedError naming
 * what is wrong and what was expected (exit code 2), never a failure halfway through a setup.
 */
import { runTool, TestbedError } from './ip-command.js';

export function checkTestbedEnvironment(): void {
  if (process.platform !== 'linux') throw new TestbedError(`the testbed needs Linux network namespaces; this is ${process.platform}`);
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) throw new TestbedError(`the testbed must run as root (it creates network namespaces, veth pairs and a bridge); running as uid ${uid}: try sudo`);
  try {
    runTool('ip', ['netns', 'list']);
  } catch (error) {
    throw new TestbedError(`'ip netns' is unavailable (${(error as Error).message}); the testbed needs iproute2 with network namespace support`);
  }
}
