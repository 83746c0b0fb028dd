import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runCli } from '../../src/cli/run.js';
import { VERSION } from '../../src/version.js';
import type { CliCommand } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/command.js';
import { OutOfRangeError } from '../../src/errors.js';
import { captureIo } from './capture-io.js';

const failing: CliCommand = {
  name: 'fail',
  summary: 'always fails',
  usage: 'Usage: delphi fail <how>',
  async run(args) {
    if (args[0] === 'usage') throw new UsageError('missing argument');
    if (args[0] === 'typed') throw new OutOfRangeError('coefficient 7 is not below q = 5');
    throw new Error('boom');
  },
};

describe('delphi CLI', () => {
  it('--version prints the package.json version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const io = captureIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists every command; no arguments prints help and exits 2', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.stdout).toMatch(/demo/);
    const io2 = captureIo();
    expect(await runCli([], io2)).toBe(2);
    expect(io2.stdout).toMatch(/Usage: delphi <command>/);
  });

  it('unknown commands and options exit 2 with a message, no stack trace', async () => {
    const io = captureIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.stderr).toMatch(/unknown command "frobnicate"/);
    const io2 = captureIo();
    expect(await runCli(['demo', '--nope'], io2)).toBe(2);
    expect(io2.stderr).toMatch(/Unknown option '--nope'/);
    expect(io2.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('maps usage errors to 2, library errors and unexpected errors to 1', async () => {
    const cmds = [failing];
    const a = captureIo();
    expect(await runCli(['fail', 'usage'], a, cmds)).toBe(2);
    expect(a.stderr).toBe('delphi fail: missing argument [USAGE]; see "delphi fail --help"\n');
    const b = captureIo();
    expect(await runCli(['fail', 'typed'], b, cmds)).toBe(1);
    expect(b.stderr).toBe('delphi fail: coefficient 7 is not below q = 5 [OUT_OF_RANGE]\n');
    const c = captureIo();
    expect(await runCli(['fail', 'other'], c, cmds)).toBe(1);
    expect(c.stderr).toMatch(/unexpected error: boom/);
  });

  it('demo is reproducible from a seed', async () => {
    const seed = '11'.repeat(32);
    const a = captureIo();
    const b = captureIo();
    expect(await runCli(['demo', '--seed', seed], a)).toBe(0);
    expect(await runCli(['demo', '--seed', seed], b)).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain(seed);
    // Every step is checked against an independent computation (BigInt, plaintext, and for the
    // private inference of step 5 the fixed-point evaluator).
    expect(a.stdout.match(/: ok\b/g)).toHaveLength(4);
    expect(a.stdout).not.toContain('MISMATCH');
  });
});
