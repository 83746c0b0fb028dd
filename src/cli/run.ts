/**
 * The `delphi` command-line interface, as a function that tests can call: parses the first word,
 * dispatches to a {@link CliCommand}, and turns every error into a message and an exit code
 * (never a stack trace, unless DELPHI_DEBUG is set).
 * @module
 */
import { DelphiError } from '../errors.js';
import { EXIT, UsageError, type CliCommand, type CliIo } from './command.js';
import { COMMANDS } from './commands/index.js';
import { VERSION } from '../version.js';

/** Text of `delphi --help`. */
export function mainUsage(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `delphi ${VERSION}: private neural-network inference (Delphi, USENIX Security 2020) in TypeScript`,
    '',
    'Usage: delphi <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also: delphi <command> --help)',
    '  -V, --version  print the version',
    '',
    'Exit codes: 0 success, 1 failure, 2 bad command line.',
  ].join('\n');
}

/** Runs the CLI with `argv` (without "node" and the script path). Resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo, commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    if (first === 'help' && rest[0]) return runCli([rest[0], '--help'], io, commands);
    io.out(mainUsage(commands) + '\n');
    return first === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (first === '-V' || first === '--version') {
    io.out(`${VERSION}\n`);
    return EXIT.OK;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    io.err(`delphi: unknown command "${first}" [USAGE]; run "delphi --help" for the list of commands\n`);
    return EXIT.USAGE;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.out(command.usage + '\n');
    return EXIT.OK;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    return reportError(e, command, io, rest);
  }
}

function reportError(e: unknown, command: CliCommand, io: CliIo, args: readonly string[]): number {
  if (e instanceof UsageError || isParseArgsError(e)) {
    io.err(`delphi ${command.name}: ${oneLine((e as Error).message)} [USAGE]; see "delphi ${command.name} --help"\n`);
    return EXIT.USAGE;
  }
  if (e instanceof DelphiError) {
    io.err(`delphi ${command.name}: ${oneLine(e.message)} [${e.code}]\n`);
  } else if (isNodeSystemError(e)) {
    io.err(`delphi ${command.name}: ${describeSystemError(e, args)}\n`);
  } else {
    const message = e instanceof Error ? e.message : String(e);
    io.err(`delphi ${command.name}: unexpected error: ${oneLine(message)} [INTERNAL]; rerun with DELPHI_DEBUG=1 for the stack trace and report it\n`);
  }
  if (typeof process !== 'undefined' && process.env?.DELPHI_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
  return EXIT.FAILURE;
}

/** Messages are printed on one line: inner line breaks become "; ". */
function oneLine(message: string): string {
  return message
    .trim()
    .replace(/:\s*\n\s*/g, ': ')
    .replace(/\s*\n\s*/g, '; ');
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** A Node.js system error (fs, net): `code` like "ENOENT", often a `path`, `address` and `port`. */
interface SystemError extends Error {
  code: string;
  path?: string;
  syscall?: string;
  address?: string;
  port?: number;
}

function isNodeSystemError(e: unknown): e is SystemError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}

/** What to do about the common file and network errors, by code. */
const SYSTEM_ERROR_ADVICE: Record<string, { what: string; todo: string }> = {
  ENOENT: { what: 'no such file or directory', todo: 'check the path (relative paths start from the current directory; sample inputs are in examples/)' },
  EISDIR: { what: 'is a directory, not a file', todo: 'name a file inside it' },
  ENOTDIR: { what: 'a component of the path is not a directory', todo: 'check the path' },
  EACCES: { what: 'permission denied', todo: 'check the file\'s permissions, or choose another path' },
  EPERM: { what: 'operation not permitted', todo: 'check the file\'s permissions, or choose another path' },
  EEXIST: { what: 'already exists', todo: 'remove it or choose another path' },
  ENOSPC: { what: 'no space left on the device', todo: 'free some space or write elsewhere' },
  EROFS: { what: 'read-only file system', todo: 'write elsewhere' },
  EMFILE: { what: 'too many open files', todo: 'raise the limit (ulimit -n) or close other programs' },
  EADDRINUSE: { what: 'address already in use', todo: 'stop the other server or choose another --port' },
  ECONNREFUSED: { what: 'connection refused', todo: 'check that `delphi serve` is running at that address' },
  ENOTFOUND: { what: 'host not found', todo: 'check the host name' },
  ETIMEDOUT: { what: 'timed out', todo: 'check the address and the network' },
};

/**
 * One line for a Node.js system error: the command-line option (or argument) that named the file
 * when there is one, what went wrong, the code in brackets, and what to do.
 */
export function describeSystemError(e: SystemError, args: readonly string[] = []): string {
  const advice = SYSTEM_ERROR_ADVICE[e.code];
  const what = advice?.what ?? e.message.replace(new RegExp(`^${e.code}:\\s*`), '').replace(/,\s*\w+ '.*'$/, '');
  let subject = '';
  if (e.path !== undefined) {
    const i = args.indexOf(e.path);
    const option = i > 0 && args[i - 1].startsWith('-') ? args[i - 1] : args.find((a) => a.endsWith(`=${e.path}`))?.split('=')[0];
    subject = option ? `${option} ${e.path}: ` : `${e.path}: `;
  } else if (e.address !== undefined) {
    subject = `${e.address}${e.port === undefined ? '' : `:${e.port}`}: `;
  }
  return `${subject}${oneLine(what)} [${e.code}]${advice ? `; ${advice.todo}` : ''}`;
}
