/**
 * One long-lived `virsh -c URI` process in its interactive shell, driven over stdin/stdout: the
 * test driver (`test:///default`) keeps its domains for one connection only, so an agent must
 * keep one process open, and a process per command would also pay virsh's ~100 ms start-up.
 *
 * Framing, found by experiment on virsh 9.0 with pipes: after each command we send
 * `echo --err "__luc" "N__"` and `echo "__luc" "N__"`. virsh prints `__luc N__` on stdout and
 * `error: __luc N__` on stderr, each after everything the command printed on that stream; the
 * joined form never occurs in the echoed input (which has quotes), and the trailing `__` keeps
 * marker 1 from matching marker 10. A command failed iff it wrote to stderr (virsh prints every
 * error there as `error: ...`). In a pipe virsh still prints its prompt followed by each line it
 * read (`virsh # start luc-vm-1`); those exact lines are cut from the output. No `-q`: with it,
 * `save` of a paused domain never returned in our trials.
 *
 * Commands run one at a time, FIFO, from a bounded queue. The process dying (or a command
 * outliving its timeout, after which the process is killed: a hung virsh holds the whole queue)
 * rejects everything pending with VirshSessionError and calls `onDeath` once.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface VirshResult {
  /** False when virsh printed an error for this command. */
  readonly ok: boolean;
  /** What the command printed on stdout, the echoed prompt lines removed. */
  readonly stdout: string;
  /** Its error lines without the `error: ` prefix, joined by '\n' ('' when ok). */
  readonly error: string;
  /** Wall time from writing the command to both markers back, ms. */
  readonly ms: number;
}

export interface VirshSessionOptions {
  readonly uri: string;
  /** The virsh executable (default 'virsh', from PATH). */
  readonly virsh?: string;
  /** Commands waiting or running at most; beyond, `run` rejects with kind 'queue-full'. */
  readonly queueMax?: number;
  /** A command not answered in this time kills the process (kind 'timeout'). */
  readonly commandTimeoutMs?: number;
  /** Called once when the process ends other than by `close()`, with why. */
  readonly onDeath?: (why: string) => void;
}

export type VirshFailureKind = 'queue-full' | 'dead' | 'timeout' | 'closed' | 'connect';

/** The session itself failed (not the command): the command's outcome is unknown. */
export class VirshSessionError extends Error {
  constructor(
    readonly kind: VirshFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'VirshSessionError';
  }
}

interface Pending {
  readonly command: string;
  readonly timeoutMs: number;
  readonly resolve: (result: VirshResult) => void;
  readonly reject: (error: Error) => void;
}

const PROMPT = 'virsh # ';
const QUEUE_MAX_DEFAULT = 256;
const COMMAND_TIMEOUT_MS_DEFAULT = 60_000;

/** One virsh shell argument: plain when safe, else single-quoted; newlines and quotes refused. */
export function virshQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  if (/['\n\r\\]/.test(arg)) throw new RangeError(`virsh argument cannot be quoted safely: ${JSON.stringify(arg)}`);
  return `'${arg}'`;
}

export class VirshSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private current: (Pending & { readonly seq: number; readonly lines: string[]; readonly t0: number; timer: NodeJS.Timeout }) | null = null;
  private out = '';
  private err = '';
  private seq = 0;
  private state: 'open' | 'closing' | 'dead' = 'open';
  private deathReason = '';
  /** Until `open` has checked the connection: a failure there is open's error, not a death. */
  private opening = true;
  private readonly exited: Promise<void>;

  private constructor(private readonly options: VirshSessionOptions) {
    this.child = spawn(options.virsh ?? 'virsh', ['-c', options.uri], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.out += chunk;
      this.check();
    });
    this.child.stderr.on('data', (chunk: string) => {
      this.err += chunk;
      this.check();
    });
    // EPIPE on a dead process surfaces as 'exit' too; do not let it throw.
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.die(`cannot run ${options.virsh ?? 'virsh'}: ${error.message}`);
        resolve();
      });
      // 'close', not 'exit': it comes after the last output, so an answer printed before dying is kept.
      this.child.on('close', (code, signal) => {
        this.die(signal !== null ? `virsh killed by ${signal}` : `virsh exited with code ${code}`);
        resolve();
      });
    });
  }

  /** Spawn virsh and check the connection with `uri` (kind 'connect' if it cannot connect). */
  static async open(options: VirshSessionOptions): Promise<VirshSession> {
    const session = new VirshSession(options);
    let result: VirshResult;
    try {
      // The banner and first prompt come before this command's echo: they fall in its output.
      result = await session.run('uri');
    } catch (error) {
      await session.close();
      const detail = session.err.trim() || (error as Error).message;
      throw new VirshSessionError('connect', `virsh cannot connect to ${options.uri}: ${detail}`);
    }
    if (!result.ok) {
      await session.close();
      throw new VirshSessionError('connect', `virsh cannot connect to ${options.uri}: ${result.error}`);
    }
    session.opening = false;
    return session;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.state === 'open';
  }

  /** Why the process died ('' while alive or after a clean close). */
  get deathCause(): string {
    return this.deathReason;
  }

  /** Commands waiting or running. */
  get pending(): number {
    return this.queue.length + (this.current === null ? 0 : 1);
  }

  /**
   * Run one virsh shell command (build it with `virshQuote`). Resolves with its outcome, ok or
   * not; rejects only when the session fails (VirshSessionError).
   */
  run(command: string, timeoutMs = this.options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS_DEFAULT): Promise<VirshResult> {
    if (/[\n\r]/.test(command)) return Promise.reject(new RangeError(`virsh command must be one line: ${JSON.stringify(command)}`));
    if (this.state !== 'open') return Promise.reject(this.failure());
    if (this.pending >= (this.options.queueMax ?? QUEUE_MAX_DEFAULT)) {
      return Promise.reject(new VirshSessionError('queue-full', `virsh queue full (${this.pending} commands)`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ command, timeoutMs, resolve, reject });
      this.next();
    });
  }

  /** Quit virsh and wait for it to exit (killed after `graceMs`); pending commands are rejected. */
  async close(graceMs = 2000): Promise<void> {
    if (this.state === 'open') {
      this.state = 'closing';
      this.rejectAll(new VirshSessionError('closed', 'virsh session closed'));
      this.child.stdin.end('quit\n');
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kill the process now (tests: a virsh that dies). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }

  private next(): void {
    if (this.current !== null || this.state !== 'open') return;
    const job = this.queue.shift();
    if (job === undefined) return;
    const seq = ++this.seq;
    const lines = [job.command, `echo --err "__luc" "${seq}__"`, `echo "__luc" "${seq}__"`];
    const timer = setTimeout(() => {
      const tail = (text: string): string => JSON.stringify(text.slice(-200));
      this.die(`virsh did not answer '${job.command}' within ${job.timeoutMs} ms (unread stdout ${tail(this.out)}, stderr ${tail(this.err)})`, 'timeout');
      this.child.kill('SIGKILL');
    }, job.timeoutMs);
    this.current = { ...job, seq, lines, t0: performance.now(), timer };
    this.child.stdin.write(`${lines.join('\n')}\n`);
  }

  private check(): void {
    const job = this.current;
    if (job === null) return;
    const outMark = `\n__luc ${job.seq}__\n`;
    const errMark = `error: __luc ${job.seq}__\n`;
    const o = this.out.indexOf(outMark);
    const e = this.err.indexOf(errMark);
    if (o < 0 || e < 0) return;
    let stdout = this.out.slice(0, o + 1);
    this.out = this.out.slice(o + outMark.length);
    const stderr = this.err.slice(0, e);
    this.err = this.err.slice(e + errMark.length);
    for (const line of job.lines) stdout = stdout.split(`${PROMPT}${line}\n`).join('');
    const error = stderr
      .split('\n')
      .map((l) => l.replace(/^error: /, '').trim())
      .filter((l) => l !== '')
      .join('\n');
    clearTimeout(job.timer);
    this.current = null;
    job.resolve({ ok: error === '', stdout, error, ms: performance.now() - job.t0 });
    this.next();
  }

  private die(why: string, kind: VirshFailureKind = 'dead'): void {
    if (this.state === 'dead') return;
    const unexpected = this.state === 'open';
    this.state = 'dead';
    if (unexpected) this.deathReason = why;
    this.rejectAll(new VirshSessionError(kind, why));
    if (unexpected && !this.opening) this.options.onDeath?.(why);
  }

  private failure(): VirshSessionError {
    return this.state === 'dead' && this.deathReason !== '' ? new VirshSessionError('dead', `virsh session dead: ${this.deathReason}`) : new VirshSessionError('closed', 'virsh session closed');
  }

  private rejectAll(error: VirshSessionError): void {
    if (this.current !== null) {
      clearTimeout(this.current.timer);
      this.current.reject(error);
      this.current = null;
    }
    for (const job of this.queue.splice(0)) job.reject(error);
  }
}
