/**
 * The shape of a `delphi` sub-command. Each command lives in src/cli/commands/<name>.ts and is
 * listed in src/cli/commands/index.ts.
 * @module
 */
import { readFile } from 'node:fs/promises';

/** Where a command writes; tests pass in-memory sinks. */
export interface CliIo {
  /** Normal output (results, JSON). */
  out(text: string): void;
  /** Diagnostics and progress. */
  err(text: string): void;
  /** Whether `err` is an interactive terminal (progress bars redraw in place only then). */
  readonly errIsTty: boolean;
}

/** A sub-command of the `delphi` CLI. */
export interface CliCommand {
  /** First word on the command line, e.g. "gc". */
  readonly name: string;
  /** One line for `delphi --help`. */
  readonly summary: string;
  /** Full usage text for `delphi <name> --help`. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = {
  OK: 0,
  /** A runtime failure (bad file contents, protocol error, network). */
  FAILURE: 1,
  /** The command line itself is wrong. */
  USAGE: 2,
} as const;

/** A command-line mistake; the CLI prints the message and the usage, and exits with {@link EXIT.USAGE}. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A positive number from the command line. */
export function positiveNumber(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new UsageError(`${flag} takes a positive number, got "${text}"`);
  return v;
}

/** A positive integer from the command line. */
export function positiveInteger(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v <= 0) throw new UsageError(`${flag} takes a positive integer, got "${text}"`);
  return v;
}

/** A duration given in seconds on the command line, in milliseconds (at most 2^31 − 1, what timers accept). */
export function secondsOption(text: string, flag: string): number {
  const ms = Math.round(positiveNumber(text, flag) * 1000);
  if (ms > 2 ** 31 - 1) throw new UsageError(`${flag} is too long`);
  return ms;
}

/**
 * Reads a file named on the command line. Node's errors do not always carry the path (a directory
 * gives EISDIR without one); this adds it, so that the CLI's one-line message names the file and
 * the option that gave it.
 */
export async function readFileArgument(path: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    if (e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && (e as { path?: unknown }).path === undefined) {
      (e as { path?: string }).path = path;
    }
    throw e;
  }
}
