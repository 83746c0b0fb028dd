/**
 * Runs live code blocks in the page.
 *
 * A tutorial is one program cut into blocks (the test suite runs all of a tutorial's ```ts blocks
 * in order, as one module), so a block may use names that an earlier block imported or defined.
 * Running block k therefore runs blocks 1…k as one program (with the reader's edits) and shows
 * what block k printed; earlier blocks run silently.
 *
 * How the program runs (no bundler at run time):
 * 1. sucrase strips the TypeScript types and turns `import … from 'x'` (and `import('x')`) into
 *    `require('x')` calls — the one transform the live runner uses, lazily loaded on first run;
 * 2. each required specifier is looked up in the module table generated at build time
 *    (`delphi-ts`, `delphi-ts/<module>`, `@noble/hashes/utils.js`) and its chunk is loaded;
 * 3. the program runs as the body of an async function (top-level `await` works) with a
 *    `console` whose output is formatted as Node's `console.log` would print it.
 * Code runs on the page's main thread: a block that loops forever freezes the tab.
 */
import { liveModules } from '@generated/delphi-library/default/live-modules.js';
import { format, inspect } from './inspect';

/** What one run printed, and how it ended. */
export interface RunResult {
  /** Lines printed by the block that was run (console.log/info/debug/warn/error/dir). */
  output: string;
  /** The error that stopped the program, as `Name: message`, if any. */
  error?: string;
  /** True when the error was raised by an earlier block of the page, not by the block run. */
  errorInEarlierBlock?: boolean;
  durationMs: number;
}

/** Thrown for programs that cannot run at all (unknown module, syntax error). */
export class LiveCodeError extends Error {
  override name = 'LiveCodeError';
}

type Sucrase = typeof import('sucrase');
let sucrase: Promise<Sucrase> | undefined;

const SEGMENT = '__delphiLiveSegment';

/** Names of the modules that live code can import. */
export function availableModules(): string[] {
  return Object.keys(liveModules);
}

/** Starts loading what a run needs (the transform and the root library chunk), e.g. on hover. */
export function preloadRunner(): void {
  sucrase ??= import('sucrase');
  void liveModules['delphi-ts']?.();
}

/** Turns the blocks into one CommonJS-style program with a segment marker before each block. */
export async function compileProgram(blocks: string[]): Promise<{ code: string; specifiers: string[] }> {
  sucrase ??= import('sucrase');
  const { transform } = await sucrase;
  const source = blocks.map((b, k) => `${SEGMENT}(${k});\n${b}\n`).join(';\n');
  let code: string;
  try {
    code = transform(source, { transforms: ['typescript', 'imports'], disableESTransforms: true }).code;
  } catch (e) {
    throw new LiveCodeError(`the code does not parse: ${e instanceof Error ? e.message : String(e)}`);
  }
  const specifiers = [...new Set([...code.matchAll(/\brequire\((['"])([^'"]+)\1\)/g)].map((m) => m[2]))];
  return { code, specifiers };
}

async function loadModules(specifiers: string[]): Promise<Map<string, unknown>> {
  const table = new Map<string, unknown>();
  for (const s of specifiers) {
    const load = (liveModules as Record<string, (() => Promise<unknown>) | undefined>)[s];
    if (!load) {
      throw new LiveCodeError(`cannot import "${s}" here; live code can import ${availableModules().join(', ')}`);
    }
    table.set(s, await load());
  }
  return table;
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${e.name}: ${e.message}${typeof code === 'string' && !e.message.includes(code) ? ` (code ${code})` : ''}`;
  }
  return `Uncaught ${inspect(e)}`;
}

/**
 * Runs `blocks` as one program and returns what the last block printed.
 * Website tooling, not part of the library (no spec section).
 */
export async function runBlocks(blocks: string[]): Promise<RunResult> {
  const started = performance.now();
  const last = blocks.length - 1;
  let segment = -1;
  const printed: string[] = [];
  const print = (...args: unknown[]): void => {
    if (segment === last) printed.push(format(...args));
  };
  const liveConsole = {
    ...console,
    log: print,
    info: print,
    debug: print,
    warn: print,
    error: print,
    dir: (value: unknown) => print(inspect(value)),
  };
  const finish = (error?: unknown): RunResult => ({
    output: printed.join('\n'),
    ...(error !== undefined && { error: describeError(error), errorInEarlierBlock: segment < last }),
    durationMs: Math.round(performance.now() - started),
  });
  let program: { code: string; specifiers: string[] };
  let modules: Map<string, unknown>;
  try {
    program = await compileProgram(blocks);
    modules = await loadModules(program.specifiers);
  } catch (e) {
    segment = last;
    return finish(e);
  }
  const require = (s: string): unknown => {
    if (!modules.has(s)) throw new LiveCodeError(`cannot import "${s}"`);
    return modules.get(s);
  };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<void>;
  try {
    const body = new AsyncFunction('require', 'exports', 'module', 'console', SEGMENT, program.code);
    const exports = {};
    await body(require, exports, { exports }, liveConsole, (k: number) => {
      segment = k;
    });
  } catch (e) {
    return finish(e);
  }
  return finish();
}
