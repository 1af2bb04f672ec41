/** Command lines as a POSIX shell reads them back: arguments quoted only when they need it. */

const SAFE = /^[A-Za-z0-9_\/.,:=@%+-]+$/;

export function shellQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}
