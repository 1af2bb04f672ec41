/** Command lines as a POSIX shell reads them back: arguments quoted only when they need it. */

const SAFE = /^[A-Za-z0-9_\/.,:=@%+-]+$/;

export function shellQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

/**
 * The command line of this process as anyone replays it: `luc` and the arguments as typed, never
 * the path node was given (an npx cache, a checkout's dist/cli/main.js).
 */
export function lucCommandLine(argv: readonly string[] = process.argv): string {
  return shellJoin(['luc', ...argv.slice(2)]);
}
