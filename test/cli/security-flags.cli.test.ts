/**
 * Security flags are honest (Spec: §11.1, §11.5): a weaker-than-default flooding parameter marks
 * Delphi's backend insecure, so the §9.5 security check refuses it without an opt-in; `--seed`
 * on `serve` and `infer` is refused without `--insecure`; the new server limit flags parse.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { createServeCommand } from '../../src/cli/commands/serve.js';
import { inferCommand } from '../../src/cli/commands/infer.js';
import { EXIT } from '../../src/cli/command.js';
import { serverLimits } from '../../src/cli/server-limits.js';
import { checkBackendSecurity } from '../../src/protocol/backend.js';
import { delphiBackend } from '../../src/protocol/index.js';
import { InsecureParametersError } from '../../src/errors.js';
import { captureIo } from './capture-io.js';

describe('delphiBackend lambda', () => {
  it('the default and lambda ≥ 40 are secure; lambda < 40 is refused unless opted in', () => {
    for (const lambda of [undefined, 40, 64]) {
      const backend = delphiBackend(lambda === undefined ? {} : { lambda });
      expect([backend.linear.secure, backend.triples.secure]).toEqual([true, true]);
      expect(() => checkBackendSecurity(backend, false, 'server')).not.toThrow();
    }
    for (const lambda of [1, 39, Number.NaN]) {
      const backend = delphiBackend({ lambda });
      expect([backend.linear.secure, backend.activations.secure, backend.triples.secure]).toEqual([false, true, false]);
      expect(() => checkBackendSecurity(backend, false, 'client')).toThrow(InsecureParametersError);
      expect(() => checkBackendSecurity(backend, true, 'client')).not.toThrow();
    }
  });
});

describe('--seed needs --insecure', () => {
  const SEED = '00'.repeat(32);
  it('serve refuses --seed alone', async () => {
    const io = captureIo();
    const code = await runCli(['serve', '--model', 'models/mnist-small.json', '--port', '0', '--seed', SEED], io, [createServeCommand()]);
    expect(code).toBe(EXIT.USAGE);
    expect(io.stderr).toMatch(/--seed makes every key and mask predictable from the seed: pass --insecure as well/);
  });

  it('infer refuses --seed alone, before reading the input', async () => {
    const io = captureIo();
    const code = await runCli(['infer', '--server', '127.0.0.1:1', '--input', 'does-not-exist.png', '--seed', SEED], io, [inferCommand]);
    expect(code).toBe(EXIT.USAGE);
    expect(io.stderr).toMatch(/pass --insecure as well/);
  });
});

describe('serve limit flags', () => {
  it('parse into server options and reject bad values', () => {
    expect(serverLimits({ 'max-pending': '16', 'max-per-address': '2', 'max-sessions-per-address': '1', 'retry-after': '0', 'write-stall-timeout': '1.5', 'min-recv-rate': '0' })).toEqual({
      maxPendingHandshakes: 16,
      maxConnectionsPerAddress: 2,
      maxSessionsPerAddress: 1,
      retryAfterSeconds: 0,
      writeStallTimeoutMs: 1500,
      minReceiveBytesPerSecond: 0,
    });
    expect(serverLimits({})).toEqual({});
    expect(() => serverLimits({ 'max-per-address': '0' })).toThrow(/--max-per-address takes a positive integer, got "0"/);
    expect(() => serverLimits({ 'min-recv-rate': '-1' })).toThrow(/non-negative number/);
  });
});
