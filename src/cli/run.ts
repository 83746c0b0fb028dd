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
    io.err(`delphi: unknown command "${first}". Run "delphi --help" for the list of commands.\n`);
    return EXIT.USAGE;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.out(command.usage + '\n');
    return EXIT.OK;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    return reportError(e, command, io);
  }
}

function reportError(e: unknown, command: CliCommand, io: CliIo): number {
  if (e instanceof UsageError || isParseArgsError(e)) {
    io.err(`delphi ${command.name}: ${(e as Error).message}\n\n${command.usage}\n`);
    return EXIT.USAGE;
  }
  if (e instanceof DelphiError) {
    io.err(`delphi ${command.name}: ${e.message} [${e.code}]\n`);
  } else if (isNodeSystemError(e)) {
    io.err(`delphi ${command.name}: ${e.message}\n`);
  } else {
    io.err(`delphi ${command.name}: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  if (typeof process !== 'undefined' && process.env?.DELPHI_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
  return EXIT.FAILURE;
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function isNodeSystemError(e: unknown): e is Error & { code: string } {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}
