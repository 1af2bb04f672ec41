import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirshSession, VirshSessionError, virshQuote } from '../../../src/runtime/live/virsh-session.js';
import { processExists, VIRSH_AVAILABLE } from './fixtures/virsh-available.js';

const sessions: VirshSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

async function open(options: Partial<Parameters<typeof VirshSession.open>[0]> = {}): Promise<VirshSession> {
  const session = await VirshSession.open({ uri: 'test:///default', ...options });
  sessions.push(session);
  return session;
}

const dir = mkdtempSync(join(tmpdir(), 'virsh-session-test-'));
function domainFile(name: string): string {
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`);
  return file;
}

describe('virshQuote', () => {
  it('leaves plain words alone, single-quotes the rest and refuses what cannot be quoted', () => {
    expect(virshQuote('luc-vm-3')).toBe('luc-vm-3');
    expect(virshQuote('qemu+ssh://h/system')).toBe('qemu+ssh://h/system');
    expect(virshQuote('/tmp/a b.xml')).toBe("'/tmp/a b.xml'");
    expect(() => virshQuote("it's")).toThrow(RangeError);
    expect(() => virshQuote('a\nb')).toThrow(RangeError);
  });
});

describe.skipIf(!VIRSH_AVAILABLE)('VirshSession (real virsh, test driver)', () => {
  it('runs commands one after another in one connection, each with its own output', async () => {
    const session = await open();
    const defined = await session.run(`define ${domainFile('s-one')}`);
    expect(defined).toMatchObject({ ok: true, error: '' });
    expect(defined.stdout).toContain("Domain 's-one' defined");
    expect(defined.stdout).not.toContain('virsh #');
    // The domain defined above lives in this connection: the next command sees it.
    const listed = await session.run('list --all --name');
    expect(listed.stdout.split('\n').map((l) => l.trim())).toContain('s-one');
    expect(listed.stdout).not.toContain('s-one defined');
  });

  it('captures a failing command\'s error without mixing it into the next command', async () => {
    const session = await open();
    const [bad, good] = await Promise.all([session.run('suspend no-such-domain'), session.run('domstate test')]);
    expect(bad.ok).toBe(false);
    expect(bad.error).toBe("failed to get domain 'no-such-domain'");
    expect(good).toMatchObject({ ok: true, error: '' });
    expect(good.stdout.trim()).toBe('running');
  });

  it('keeps markers apart past ten commands (marker 1 is not a prefix of marker 10)', async () => {
    const session = await open();
    const results = await Promise.all(Array.from({ length: 14 }, (_, i) => session.run(`echo word${i}`)));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 14 }, (_, i) => `word${i}`));
  });

  it('refuses commands beyond its queue bound', async () => {
    const session = await open({ queueMax: 2 });
    const first = session.run('domstate test');
    const second = session.run('domstate test');
    await expect(session.run('domstate test')).rejects.toMatchObject({ kind: 'queue-full' });
    expect((await first).ok && (await second).ok).toBe(true);
  });

  it('detects a virsh that dies: pending commands rejected, onDeath told once, later commands refused', async () => {
    const deaths: string[] = [];
    const session = await open({ onDeath: (why) => deaths.push(why) });
    const pid = session.pid as number;
    session.kill('SIGKILL');
    // Queued before the exit is noticed: it must be rejected, not left hanging.
    const pending = session.run('domstate test');
    await expect(pending).rejects.toBeInstanceOf(VirshSessionError);
    await expect(session.run('domstate test')).rejects.toMatchObject({ kind: 'dead' });
    expect(deaths).toEqual(['virsh killed by SIGKILL']);
    expect(session.alive).toBe(false);
    expect(session.deathCause).toBe('virsh killed by SIGKILL');
    expect(processExists(pid)).toBe(false);
  });

  it('close() quits virsh: no process is left and onDeath is not called', async () => {
    const deaths: string[] = [];
    const session = await open({ onDeath: (why) => deaths.push(why) });
    const pid = session.pid as number;
    expect(processExists(pid)).toBe(true);
    await session.close();
    expect(processExists(pid)).toBe(false);
    expect(deaths).toEqual([]);
    await expect(session.run('uri')).rejects.toMatchObject({ kind: 'closed' });
  });

  it('fails to open on a connection virsh cannot make, and on a missing executable', async () => {
    await expect(VirshSession.open({ uri: 'test:///no/such/node.xml' })).rejects.toMatchObject({ kind: 'connect' });
    await expect(VirshSession.open({ uri: 'test:///default', virsh: '/no/such/virsh' })).rejects.toMatchObject({ kind: 'connect' });
  });

  it('kills a command that outlives its timeout (a hung virsh holds the whole queue)', async () => {
    const deaths: string[] = [];
    const session = await open({ onDeath: (why) => deaths.push(why) });
    const pid = session.pid as number;
    // `event --loop` waits for domain events until interrupted: a command that never answers.
    const queued = session.run('uri');
    await expect(session.run('event --all --loop', 300)).rejects.toMatchObject({ kind: 'timeout' });
    expect((await queued).ok).toBe(true);
    await expect(session.run('uri')).rejects.toMatchObject({ kind: 'dead' });
    expect(deaths[0]).toMatch(/did not answer 'event --all --loop' within 300 ms/);
    expect(session.alive).toBe(false);
    await session.close();
    expect(processExists(pid)).toBe(false);
  });
});
