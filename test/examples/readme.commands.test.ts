/**
 * Every command of the README's ```sh blocks runs as written from a clone: each exits 0, and the
 * ones with a known answer print it (the digit is a 7, AES-128 gives FIPS-197 C.1's ciphertext,
 * SEAL's ciphertext holds the message). References: the README itself (what a newcomer types), the
 * published AES vector, the MNIST label of examples/digit-7.png.
 *
 * How they are run: `npx delphi` is this package's own bin (package.json "bin"), so the test runs
 * `node dist/cli/main.js` (built by `npm install`); each command runs in a fresh directory holding
 * links to models/ and examples/, so that outputs (model.json, plan/, vectors/) stay out of the
 * tree. Deviations, each for a stated reason:
 * - `npm install && …` lines are not run: they are what runs this suite (.ci/run checks a clone).
 * - `serve` runs in the background until the `infer` lines after it are done; port 7000 is replaced
 *   by a free port (other test files may use 7000).
 * - `train` and `plan` get flags that shrink their data (REDUCED below): the full runs take minutes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = path.join(root, 'dist/cli/main.js');

/** Extra flags for the long commands, with why. */
const REDUCED: Record<string, { args: string[]; why: string }> = {
  train: { args: ['--epochs', '1', '--limit', '1000', '--test-limit', '200', '--no-fixed-point'], why: 'full training takes minutes' },
  plan: { args: ['--train-samples', '500', '--validation-samples', '200', '--test-limit', '200'], why: 'fine-tuning every plan on 10,000 images takes minutes' },
};

/** What some commands must print (stdout), beyond exiting 0. */
const PRINTS: [RegExp, RegExp][] = [
  [/^gc eval .*--input 000102030405060708090a0b0c0d0e0f --input 00112233445566778899aabbccddeeff/, /^69c4e0d86a7b0430d8cdb78070b4c55a\n$/],
  [/^gc info --circuit examples\/aes_128/, /AND 6400, XOR 28176, INV 2087/],
  [/^seal decrypt --secret-key examples\/seal\/sk\.bin/, /^\[104,101,108,108,111,32,102,114,111,109,32,100,101,108,112,104,105,45,116,115,0,/],
  // One input prints its prediction first; several print each under its file name.
  [/^infer .*--input examples\/digit-7\.png$/, /^prediction: 7\n/],
  [/^infer .*--input examples\/digit-7\.png examples\/digit-7-on-white\.png$/, /^examples\/digit-7\.png:\nprediction: 7\n[^]*\nexamples\/digit-7-on-white\.png:\nprediction: 7\n/],
  [/^--help$/, /Usage: delphi <command>/],
];

/** The README's shell commands: every line of its ```sh blocks, comments removed. */
export function readmeCommands(markdown: string): string[] {
  const out: string[] = [];
  for (const block of markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    for (const raw of block[1].split('\n')) {
      const line = raw.replace(/\s+#\s.*$/, '').trim();
      if (line && !line.startsWith('#')) out.push(line);
    }
  }
  return out;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'delphi-readme-'));
  for (const name of ['models', 'examples']) symlinkSync(path.join(root, name), path.join(dir, name));
  return dir;
}

const dirs: string[] = [];
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGTERM');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function start(args: string[], cwd: string): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DELPHI_DEBUG: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Result>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Splits a README command into arguments; shell syntax the test cannot run is a failure. */
function words(command: string): string[] {
  if (/["'`$|;<>\\]|&&/.test(command)) throw new Error(`README command uses shell syntax this test does not run: ${command}`);
  return command.split(/\s+/);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

const commands = readmeCommands(readFileSync(path.join(root, 'README.md'), 'utf8'));

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm install does it)');
  if (newestMtime(path.join(root, 'src')) > statSync(cli).mtimeMs) throw new Error('dist/ is older than src/: run `npm run build`');
});

describe('README commands', () => {
  it('the README has commands, and `npx delphi` is this package’s bin', () => {
    expect(commands.length).toBeGreaterThan(8);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
    expect(pkg.bin.delphi).toBe('dist/cli/main.js');
    // Every file a command names under examples/ exists, and ships in the package.
    for (const c of commands) for (const f of c.match(/examples\/[\w./-]+/g) ?? []) expect(existsSync(path.join(root, f)), `${c}: ${f}`).toBe(true);
    expect(pkg.files).toContain('examples');
  });

  const notRun = commands.filter((c) => !c.startsWith('npx delphi '));
  it.each(notRun)('not run (it is how this suite itself is started): %s', (c) => {
    expect(c).toMatch(/^npm install && npm (run demo|test)$/);
  });

  for (let i = 0; i < commands.length; i++) {
    const command = commands[i];
    if (!command.startsWith('npx delphi ') || isClient(command)) continue;
    const args = words(command).slice(2);
    const sub = args[0];
    if (sub === 'serve') {
      const clients: string[] = [];
      for (let j = i + 1; j < commands.length && isClient(commands[j]); j++) clients.push(commands[j]);
      it(`${command} (in the background) with ${clients.length} client(s): ${clients.join('; ')}`, async () => {
        expect(clients.length).toBeGreaterThan(0);
        // Each port the README names (--port, --ws-port) becomes a free one, in the clients too.
        const ports = new Map<string, string>();
        for (const flag of ['--port', '--ws-port']) {
          const at = args.indexOf(flag);
          if (at >= 0) ports.set(args[at + 1], String(await freePort()));
        }
        expect(ports.size).toBeGreaterThan(0);
        const dir = freshDir();
        dirs.push(dir);
        const serveArgs = args.map((a, k) => (k > 0 && ['--port', '--ws-port'].includes(args[k - 1]) ? ports.get(a)! : a));
        const s = start(serveArgs, dir);
        server = s.child;
        let log = '';
        s.child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
        while (!log.includes('listening on')) {
          if (s.child.exitCode !== null) throw new Error(`serve exited with ${s.child.exitCode}: ${(await s.done).stderr}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        for (const client of clients) {
          const cargs = words(client)
            .slice(2)
            .map((a) => [...ports].reduce((w, [written, port]) => w.replace(`:${written}`, `:${port}`), a));
          const r = await start(cargs, dir).done;
          expect(r.code, `${client}\n${r.stderr}`).toBe(0);
          checkPrints(cargs.join(' '), r);
          expect(r.stderr).not.toMatch(/warning:/);
        }
        s.child.kill('SIGTERM');
        const stopped = await s.done;
        server = undefined;
        expect(stopped.stderr).toMatch(/done: [1-9]\d* online phases?/);
      }, 900_000);
      continue;
    }
    const reduced = REDUCED[sub];
    const label = reduced ? `${command} (+ ${reduced.args.join(' ')}: ${reduced.why})` : command;
    it(label, async () => {
      const dir = freshDir();
      dirs.push(dir);
      const r = await start([...args, ...(reduced?.args ?? [])], dir).done;
      expect(r.code, `${command}\n${r.stderr.slice(-2000)}`).toBe(0);
      checkPrints(args.join(' '), r);
    }, 900_000);
  }
});

/** `infer` and `preprocess` lines are clients of the `serve` line before them. */
function isClient(command: string): boolean {
  return command.startsWith('npx delphi infer ') || command.startsWith('npx delphi preprocess ');
}

function checkPrints(args: string, r: Result): void {
  for (const [command, output] of PRINTS) if (command.test(args)) expect(r.stdout, args).toMatch(output);
}
