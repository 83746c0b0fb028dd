/**
 * Every CLI failure is one line: what went wrong, naming the file or option, the [CODE], and what to
 * do. References: the real file system and network (a missing file, a directory, a port already in
 * use), the HELLO of two ends with different backends, and hand-written expected lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gcCommand } from '../../src/cli/commands/gc.js';
import { sealCommand } from '../../src/cli/commands/seal.js';
import { createServeCommand } from '../../src/cli/commands/serve.js';
import type { CliCommand } from '../../src/cli/command.js';
import { helloOptions, resolveBackend } from '../../src/cli/remote.js';
import { describeSystemError, runCli } from '../../src/cli/run.js';
import { MalformedInputError } from '../../src/errors.js';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { performHandshake } from '../../src/net/handshake.js';
import { captureIo } from './capture-io.js';

const dir = mkdtempSync(path.join(tmpdir(), 'delphi-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], commands: CliCommand[]): Promise<{ code: number; stderr: string }> {
  const io = captureIo();
  const code = await runCli(args, io, commands);
  return { code, stderr: io.stderr };
}

const oneLine = (text: string) => text.split('\n').filter(Boolean).length === 1 && text.endsWith('\n');

describe('CLI error lines', () => {
  it('a missing file names its option, the code and what to do', async () => {
    const missing = path.join(dir, 'aes_128.txt');
    const r = await run(['gc', 'info', '--circuit', missing], [gcCommand]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `delphi gc: --circuit ${missing}: no such file or directory [ENOENT]; check the path (relative paths start from the current directory; sample inputs are in examples/)\n`,
    );
    const s = await run(['seal', 'decrypt', `--secret-key=${missing}`, '--ciphertext', 'examples/seal/ct.bin'], [sealCommand]);
    expect(s.stderr).toMatch(new RegExp(`^delphi seal: --secret-key ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: no such file or directory \\[ENOENT\\]; `));
    expect(oneLine(s.stderr)).toBe(true);
  });

  it('a directory where a file belongs (Node gives EISDIR without a path: the CLI adds it)', async () => {
    const r = await run(['gc', 'info', '--circuit', dir], [gcCommand]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`delphi gc: --circuit ${dir}: is a directory, not a file [EISDIR]; name a file inside it\n`);
  });

  it('EACCES and unknown system errors keep their code', () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open 'sk.bin'"), { code: 'EACCES', path: 'sk.bin', syscall: 'open' });
    expect(describeSystemError(denied, ['decrypt', '--secret-key', 'sk.bin'])).toBe(
      "--secret-key sk.bin: permission denied [EACCES]; check the file's permissions, or choose another path",
    );
    const odd = Object.assign(new Error("ELOOP: too many symbolic links encountered, open 'x'"), { code: 'ELOOP', path: 'x' });
    expect(describeSystemError(odd, ['x'])).toBe('x: too many symbolic links encountered [ELOOP]');
  });

  it('usage errors, multi-line library messages and unexpected errors are one line each', async () => {
    const usage = await run(['gc', 'info'], [gcCommand]);
    expect(usage).toEqual({ code: 2, stderr: 'delphi gc: missing --circuit FILE [USAGE]; see "delphi gc --help"\n' });
    const multi: CliCommand = {
      name: 'multi',
      summary: '',
      usage: '',
      run: () => Promise.reject(new MalformedInputError('bad header:\n  line 1\n  line 2')),
    };
    expect((await run(['multi'], [multi])).stderr).toBe('delphi multi: bad header: line 1; line 2 [MALFORMED_INPUT]\n');
    const boom: CliCommand = { name: 'boom', summary: '', usage: '', run: () => Promise.reject(new TypeError('x is undefined')) };
    expect((await run(['boom'], [boom])).stderr).toBe(
      'delphi boom: unexpected error: x is undefined [INTERNAL]; rerun with DELPHI_DEBUG=1 for the stack trace and report it\n',
    );
    expect((await run(['nope'], [boom])).stderr).toBe('delphi: unknown command "nope" [USAGE]; run "delphi --help" for the list of commands\n');
  });

  it('a port already in use is reported once', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await run(['serve', '--model', 'models/mnist-small.json', '--port', String(port)], [createServeCommand()]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr), r.stderr).toBe(true);
      expect(r.stderr).toMatch(new RegExp(`^delphi serve: cannot listen on 127\\.0\\.0\\.1:${port}: address already in use \\[TRANSPORT_ERROR\\]\\n$`));
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('a backend mismatch shows both ends’ backends as text', async () => {
    const [a, b] = memoryChannelPair();
    const results = await Promise.allSettled([
      performHandshake(a, { role: 'client', ...helloOptions(resolveBackend('delphi')) }),
      performHandshake(b, { role: 'server', ...helloOptions(resolveBackend('insecure-dealer')) }),
    ]);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    const message = (failure.reason as Error).message;
    expect(message).toMatch(/session parameter "backend" differs: this end has "linear=[^"]+", the peer "linear=[^"]+"/);
    expect(message).not.toMatch(/[0-9a-f]{32}/);
  });
});
