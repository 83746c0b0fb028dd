/**
 * `delphi seal decrypt` on files written by Microsoft SEAL 4.1 (node-seal): the printed slots must
 * equal SEAL's own BatchEncoder decoding; parameters are recognised from the parms_id; mismatched,
 * malformed and unidentifiable inputs fail with exit code 1 and a clear message, bad command lines
 * with exit code 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sealCommand } from '../../src/cli/commands/seal.js';
import { runCli } from '../../src/cli/run.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { loadSeal } from './seal.js';
import { captureIo } from '../cli/capture-io.js';

const dir = mkdtempSync(join(tmpdir(), 'delphi-seal-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await runCli(['seal', ...args], io, [sealCommand]);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** SEAL keys and a ciphertext of random slots, written to files. */
async function sealFiles(
  name: string,
  n: number,
  coeff: { default: true } | { bits: number[] },
  t: number,
): Promise<{ sk: string; ct: string; slots: number[] }> {
  const seal = await loadSeal();
  const parms = seal.EncryptionParameters(seal.SchemeType.bfv);
  parms.setPolyModulusDegree(n);
  parms.setCoeffModulus('default' in coeff ? seal.CoeffModulus.BFVDefault(n) : seal.CoeffModulus.Create(n, Int32Array.from(coeff.bits)));
  parms.setPlainModulus(seal.Modulus(BigInt(t)));
  const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
  const keygen = seal.KeyGenerator(context);
  const rng = fromTextSeed(name);
  const slots = Array.from({ length: n }, () => uniformBelow(rng, t));
  const encoder = seal.BatchEncoder(context);
  const pt = encoder.encode(BigUint64Array.from(slots, BigInt)) as ReturnType<typeof seal.PlainText>;
  const ct = seal.Encryptor(context, keygen.createPublicKey()).encrypt(pt) as ReturnType<typeof seal.CipherText>;
  const decoded = Array.from(
    encoder.decodeBigInt(seal.Decryptor(context, keygen.secretKey()).decrypt(ct) as ReturnType<typeof seal.PlainText>, false),
    Number,
  );
  expect(decoded).toEqual(slots);
  const skPath = join(dir, `${name}.sk`);
  const ctPath = join(dir, `${name}.ct`);
  writeFileSync(skPath, keygen.secretKey().saveArray(seal.ComprModeType.none));
  writeFileSync(ctPath, ct.saveArray(seal.ComprModeType.none));
  return { sk: skPath, ct: ctPath, slots };
}

describe('delphi seal decrypt (files from node-seal)', () => {
  it('decrypts BFVDefault(4096) files and recognises the batching plain modulus', async () => {
    const f = await sealFiles('default4096', 4096, { default: true }, 1032193);
    const r = await run(['decrypt', '--secret-key', f.sk, '--ciphertext', f.ct]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(f.slots);
    const signed = await run(['decrypt', '--secret-key', f.sk, '--ciphertext', f.ct, '--signed']);
    expect(JSON.parse(signed.stdout)).toEqual(f.slots.map((v) => (v > (1032193 - 1) / 2 ? v - 1032193 : v)));
  });

  it('decrypts CoeffModulus.Create([30, 30, 30]) files with t = p (Delphi\'s share prime)', async () => {
    const f = await sealFiles('create4096p', 4096, { bits: [30, 30, 30] }, 2061584302081);
    const r = await run(['decrypt', '--secret-key', f.sk, '--ciphertext', f.ct]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(f.slots);
  });

  it('needs --plain-modulus for a t it cannot guess, and reports mismatched and malformed files', async () => {
    const f = await sealFiles('custom-t', 4096, { bits: [30, 30, 30] }, 65537);
    const guess = await run(['decrypt', '--secret-key', f.sk, '--ciphertext', f.ct]);
    expect(guess.code).toBe(1);
    expect(guess.stderr).toMatch(/could not identify the encryption parameters.*MALFORMED_INPUT/s);
    const given = await run(['decrypt', '--secret-key', f.sk, '--ciphertext', f.ct, '--plain-modulus', '65537']);
    expect(given.code).toBe(0);
    expect(JSON.parse(given.stdout)).toEqual(f.slots);

    const other = await sealFiles('other', 4096, { bits: [30, 30, 30] }, 1032193);
    const mismatch = await run(['decrypt', '--secret-key', other.sk, '--ciphertext', f.ct]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/parms_id mismatch/);

    const broken = join(dir, 'broken.ct');
    writeFileSync(broken, new Uint8Array([0x5e, 0xa1, 0x10, 0x04, 0x01, 0x00, 0x00, 0x00, 0x20]));
    const bad = await run(['decrypt', '--secret-key', other.sk, '--ciphertext', broken]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/MALFORMED_INPUT/);

    const missing = await run(['decrypt', '--secret-key', join(dir, 'nope.sk'), '--ciphertext', f.ct]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ENOENT|no such file/);
  });

  it('rejects bad command lines with exit code 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['encrypt'])).code).toBe(2);
    expect((await run(['decrypt', '--ciphertext', 'x'])).code).toBe(2);
    expect((await run(['decrypt', '--secret-key', 'a', '--ciphertext', 'b', '--plain-modulus', 'seven'])).code).toBe(2);
    expect((await run(['decrypt', '--bogus'])).code).toBe(2);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/delphi seal decrypt/);
  });

  it('is registered in the default command list (`delphi seal …` without an explicit registry)', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.stdout).toMatch(/\bseal\b.*SEAL 4\.1/);
    const f = await sealFiles('registered', 4096, { bits: [30, 30, 30] }, 1032193);
    const io2 = captureIo();
    expect(await runCli(['seal', 'decrypt', '--secret-key', f.sk, '--ciphertext', f.ct], io2)).toBe(0);
    expect(JSON.parse(io2.stdout)).toEqual(f.slots);
  });
});
