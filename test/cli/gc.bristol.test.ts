/**
 * `delphi gc` on the Bristol fixtures: eval prints the FIPS-197 ciphertext for aes_128 and BigInt
 * sums for adder64; info prints the header's gate counts; relu writes a Bristol file that parses
 * back to the library's ReLU circuit; command-line mistakes exit with 2, bad files with 1.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gcCommand } from '../../src/cli/commands/gc.js';
import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run.js';
import { parseBristol } from '../../src/gc/bristol.js';
import { evaluatePlain } from '../../src/gc/plain.js';
import { reluCircuit, reluGarblerValues } from '../../src/gc/relu-circuit.js';
import { bristolPath } from '../gc/helpers.js';

function io(): CliIo & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    errIsTty: false,
    out(s: string) {
      o.stdout += s;
    },
    err(s: string) {
      o.stderr += s;
    },
  };
  return o;
}

const run = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  const o = io();
  const code = await runCli(['gc', ...argv], o, [gcCommand]);
  return { code, stdout: o.stdout, stderr: o.stderr };
};

const SEED = ['--seed', '11'.repeat(32)];

describe('delphi gc eval', () => {
  it('aes_128 (gzipped file): FIPS-197 C.1 and the all-zero vector', async () => {
    const aes = bristolPath('aes_128');
    const r = await run('eval', '--circuit', aes, '--input', '000102030405060708090a0b0c0d0e0f', '--input', '00112233445566778899aabbccddeeff', ...SEED);
    expect(r).toMatchObject({ code: 0, stdout: '69c4e0d86a7b0430d8cdb78070b4c55a\n' });
    const z = await run('eval', '--circuit', aes, '--input', '0', '--input', '0x0', '--check', '--verbose', ...SEED);
    expect(z.stdout).toBe('66e94bd4ef8a2c3b884cfa59ca342b2e\n');
    expect(z.stderr).toMatch(/AND 6400, XOR 28176, INV 2087/);
  });
  it('adder64 and zero_equal against BigInt', async () => {
    const r = await run('eval', '--circuit', bristolPath('adder64'), '--input', 'ffffffffffffffff', '--input', '2', '--parties', 'evaluator,garbler');
    expect(r.stdout).toBe('0000000000000001\n');
    const z = await run('eval', '--circuit', bristolPath('zero_equal'), '--input', '0');
    expect(z.stdout).toBe('1\n');
  });
  it('command-line mistakes exit with 2', async () => {
    expect((await run('eval', '--circuit', bristolPath('adder64'), '--input', '1')).code).toBe(2);
    expect((await run('eval', '--input', '1')).code).toBe(2);
    expect((await run('eval', '--circuit', bristolPath('adder64'), '--input', '1', '--input', '2', '--parties', 'garbler')).code).toBe(2);
    expect((await run('eval', '--circuit', bristolPath('adder64'), '--input', '1', '--input', '2', '--parties', 'server,client')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run()).code).toBe(2);
  });
  it('bad values and bad files exit with 1 and say why', async () => {
    const wide = await run('eval', '--circuit', bristolPath('adder64'), '--input', '1' + '0'.repeat(16), '--input', '2');
    expect(wide.code).toBe(1);
    expect(wide.stderr).toMatch(/does not fit in 64 bits \[OUT_OF_RANGE\]/);
    const notHex = await run('eval', '--circuit', bristolPath('adder64'), '--input', 'xyz', '--input', '2');
    expect(notHex.stderr).toMatch(/not a hex number \[MALFORMED_INPUT\]/);
    const missing = await run('info', '--circuit', '/nonexistent/file.txt');
    expect(missing.code).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), 'delphi-gc-'));
    const bad = join(dir, 'bad.txt');
    await import('node:fs/promises').then((fs) => fs.writeFile(bad, '1 3\n2 1 1\n1 1\n\n2 1 0 1 2 NAND\n'));
    const r = await run('info', '--circuit', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bristol: line 5: unknown gate "NAND" .*\[MALFORMED_INPUT\]/);
  });
});

describe('delphi gc info', () => {
  it('prints the header and the counts', async () => {
    const r = await run('info', '--circuit', bristolPath('sha256'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/header: 135073 gates, 135841 wires/);
    expect(r.stdout).toMatch(/inputs: #0 512 bits \(garbler\), #1 256 bits \(evaluator\)/);
    expect(r.stdout).toMatch(/AND 22573/);
    const j = JSON.parse((await run('info', '--circuit', bristolPath('aes_128'), '--json')).stdout);
    expect(j).toMatchObject({ headerGates: 36663, counts: { and: 6400, xor: 28176, inv: 2087, total: 36663 }, tableBytes: 204800 });
  });
});

describe('delphi gc relu', () => {
  it('writes the ReLU circuit as Bristol text that parses back to the same function', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'delphi-gc-'));
    const out = join(dir, 'relu6.txt');
    const r = await run('relu', '--kind', 'relu6', '--shift', '8', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/AND 292/);
    const parsed = parseBristol(readFileSync(out, 'utf8'), { parties: ['evaluator', 'garbler', 'garbler'] }).circuit;
    const lib = reluCircuit({ kind: 'relu6', shift: 8 });
    expect(parsed.counts).toEqual(lib.counts);
    const P = 2061584302081;
    for (const [c, s, m] of [[5, 100000, 7], [P - 1, 3, 0], [123456789, 987654321, P - 5]]) {
      const [gs, gm] = reluGarblerValues(s, m, 8);
      expect(evaluatePlain(parsed, [BigInt(c), BigInt(gs), BigInt(gm)])).toEqual(evaluatePlain(lib, [BigInt(c), BigInt(gs), BigInt(gm)]));
    }
    const stdout = await run('relu');
    expect(stdout.stdout.startsWith('927 ')).toBe(true);
    expect((await run('relu', '--shift', '40')).code).toBe(2);
    expect((await run('relu', '--kind', 'gelu')).code).toBe(2);
  });
});
