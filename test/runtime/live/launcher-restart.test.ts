/**
 * The launcher tells a restart from a first start: a scenario's agent started again after its
 * process died gets --restarted (its host comes back empty, as a crash leaves it), and only then;
 * an agent merely slow to start does not. The agents here are a stand-in script that records its
 * arguments, and agent 0's first process kills itself.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchAgents } from '../../../src/runtime/live/launcher.js';

const dir = mkdtempSync(join(tmpdir(), 'luc-launcher-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Records its argv (one JSON line per process); agent 0's first process dies by SIGKILL; the others exit after 1.5 s.
const AGENT = `
const { appendFileSync, existsSync } = require('node:fs');
const args = process.argv.slice(2);
const id = args[args.indexOf('--id') + 1];
const log = ${JSON.stringify(dir)} + '/argv-' + id + '.jsonl';
const first = !existsSync(log);
appendFileSync(log, JSON.stringify(args) + '\\n');
if (id === '0' && first) process.kill(process.pid, 'SIGKILL');
setTimeout(() => process.exit(0), 1500);
`;

function argvOf(id: number): string[][] {
  return readFileSync(join(dir, `argv-${id}.jsonl`), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
}

describe('launchAgents restarts', () => {
  it('passes --restarted to a scenario agent started again after it died, and to no first start', async () => {
    const script = join(dir, 'agent.cjs');
    writeFileSync(script, AGENT);
    writeFileSync(join(dir, 'rtt.tsv'), '0\t10\n10\t0\n');
    const result = await launchAgents(
      {
        agents: 2,
        host: '127.0.0.1',
        matrixFile: join(dir, 'rtt.tsv'),
        durationS: 3,
        outDir: join(dir, 'out'),
        seed: 1,
        agentCommand: [process.execPath, script],
        agentArgs: ['--scenario', 'some.yaml'],
        graceMs: 2_000,
        restartsMax: 1,
        restartDelayMs: 50,
      },
      new AbortController().signal,
    );
    expect(result.restarts.map((r) => [r.id, r.exit])).toEqual([[0, 'SIGKILL']]);
    const [first, second] = argvOf(0);
    expect(first).not.toContain('--restarted');
    expect(second).toContain('--restarted');
    expect(argvOf(1)).toHaveLength(1);
    expect(argvOf(1)[0]).not.toContain('--restarted');
  }, 30_000);
});
