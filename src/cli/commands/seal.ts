/**
 * `delphi seal`: work with Microsoft SEAL 4.1 files. `delphi seal decrypt` decrypts a SEAL BFV
 * ciphertext with a SEAL secret key and prints the batch-decoded slots as JSON.
 * @module
 */
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, readFileArgument, UsageError } from '../command.js';
import {
  batchDecode,
  batchDecodeSigned,
  bfvDecrypt,
  createBfvContext,
  deserializeCiphertext,
  deserializeSecretKey,
  identifyParameters,
  inspectSealCiphertext,
  inspectSealSecretKey,
  secretKeyPrimeBits,
} from '../../bfv/index.js';
import { MalformedInputError } from '../../errors.js';

const usage = `Usage: delphi seal decrypt --secret-key FILE --ciphertext FILE [options]

Decrypts a Microsoft SEAL 4.1 BFV ciphertext (saved uncompressed, e.g. with node-seal's
saveArray(ComprModeType.none)) with the matching secret key, and prints the slot values of the
batch-decoded plaintext as a JSON array (row 0 then row 1).

The encryption parameters are recovered from the files' parms_id: SEAL's BFVDefault and
CoeffModulus.Create moduli, and batching plain moduli, are recognised automatically.
  --secret-key FILE       SEAL SecretKey file
  --ciphertext FILE       SEAL Ciphertext file
  --plain-modulus T       plaintext modulus t, when it is not a SEAL batching prime
  --coeff-modulus Q,Q,..  coefficient-modulus primes, when they are not SEAL defaults
  --signed                print values in (−t/2, t/2] instead of [0, t)
  --coefficients          print the plaintext polynomial's coefficients instead of slots`;

function parseInteger(text: string, what: string): number {
  const v = Number(text.trim());
  if (!/^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(text) || !Number.isSafeInteger(v) || v < 2) {
    throw new UsageError(`${what} must be an integer ≥ 2, got "${text}"`);
  }
  return v;
}

async function decrypt(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'secret-key': { type: 'string' },
      ciphertext: { type: 'string' },
      'plain-modulus': { type: 'string' },
      'coeff-modulus': { type: 'string' },
      signed: { type: 'boolean', default: false },
      coefficients: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values['secret-key']) throw new UsageError('missing --secret-key FILE');
  if (!values.ciphertext) throw new UsageError('missing --ciphertext FILE');
  const plainModulus = values['plain-modulus'] === undefined ? undefined : parseInteger(values['plain-modulus'], '--plain-modulus');
  const coeffModulus = values['coeff-modulus']?.split(',').map((q) => parseInteger(q, '--coeff-modulus prime'));
  const skBytes = await readFileArgument(values['secret-key']);
  const ctBytes = await readFileArgument(values.ciphertext);
  const ctInfo = inspectSealCiphertext(ctBytes);
  const skInfo = inspectSealSecretKey(skBytes);
  const n = ctInfo.polyModulusDegree;
  if (n < 2 || (n & (n - 1)) !== 0 || skInfo.coeffCount % n !== 0) {
    throw new MalformedInputError(
      `the secret key (${skInfo.coeffCount} coefficients) does not fit the ciphertext's poly_modulus_degree ${n}`,
    );
  }
  const primeCount = skInfo.coeffCount / n;
  const params = identifyParameters(skInfo.parmsId, n, primeCount, secretKeyPrimeBits(skBytes, n), {
    plainModulus,
    coeffModulus,
  });
  const ctx = createBfvContext(params);
  const sk = deserializeSecretKey(ctx, skBytes);
  if (!ctx.levelByParmsId(ctInfo.parmsId)) {
    throw new MalformedInputError('the ciphertext was not made with the secret key\'s encryption parameters (parms_id mismatch)');
  }
  const ct = deserializeCiphertext(ctx, ctBytes);
  const plain = bfvDecrypt(ctx, sk, ct);
  let out: Float64Array;
  if (values.coefficients) {
    out = new Float64Array(n);
    out.set(plain.coeffs);
    if (values.signed) for (let i = 0; i < n; i++) if (out[i] > (ctx.t - 1) / 2) out[i] -= ctx.t;
  } else {
    out = values.signed ? batchDecodeSigned(ctx, plain) : batchDecode(ctx, plain);
  }
  io.out(JSON.stringify(Array.from(out)) + '\n');
  return EXIT.OK;
}

/** The `delphi seal` command (`decrypt` sub-command). Spec: §4.13 */
export const sealCommand: CliCommand = {
  name: 'seal',
  summary: 'decrypt Microsoft SEAL 4.1 BFV files (interoperability)',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('missing sub-command (decrypt)');
    if (sub === 'decrypt') return decrypt(rest, io);
    throw new UsageError(`unknown sub-command "${sub}" (expected: decrypt)`);
  },
};
