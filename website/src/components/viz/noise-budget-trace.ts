/**
 * The computation behind the noise-budget visualization, free of React: encrypt an integer x under
 * a BFV parameter set, run a short program of homomorphic operations on it, and record after each
 * operation SEAL's invariant noise budget, the decryption and the value the plaintext arithmetic
 * (mod t) says it should be. Everything is computed by the library; nothing is estimated.
 *
 * Randomness: one generator per parameter set, `fromTextSeed(seed + " " + set.id)`, drawn in the
 * order secret key, public key, relinearization keys, then one encryption of x.
 */
import type * as BfvModule from 'delphi-ts/bfv';
import type { BfvParameterOptions, Ciphertext } from 'delphi-ts/bfv';
import type * as RandomModule from 'delphi-ts/random';

/** The library modules the trace computes with (loaded lazily by the page). */
export interface TraceLibrary {
  bfv: typeof BfvModule;
  random: typeof RandomModule;
}

/** A named parameter set. Insecure sets are only used when the caller opts in. */
export interface ParameterSet {
  id: string;
  label: string;
  /** Below 128-bit security: created with `insecure: true`, shown only on request. */
  insecure: boolean;
  options(bfv: typeof BfvModule): BfvParameterOptions;
}

/** The share prime p = 15·2^37 + 1, Delphi's plaintext modulus. */
const SHARE_PRIME = 2061584302081;

export const PARAMETER_SETS: readonly ParameterSet[] = [
  {
    id: 'seal-4096',
    label: "SEAL's example: n = 4096, BFVDefault (109 bits), t = 1024",
    insecure: false,
    options: (bfv) => ({ polyModulusDegree: 4096, coeffModulus: bfv.bfvDefaultCoeffModulus(4096), plainModulus: 1024 }),
  },
  {
    id: 'delphi-8192',
    label: "Delphi's: n = 8192, 7 × 30-bit primes (210 bits), t = p",
    insecure: false,
    options: (bfv) => ({
      polyModulusDegree: 8192,
      coeffModulus: bfv.createCoeffModulus(8192, [30, 30, 30, 30, 30, 30, 30]),
      plainModulus: SHARE_PRIME,
    }),
  },
  {
    id: 'toy-1024',
    label: 'Toy: n = 1024, 3 × 30-bit primes, t = 1024 (INSECURE, teaching only)',
    insecure: true,
    options: (bfv) => ({
      polyModulusDegree: 1024,
      coeffModulus: bfv.createCoeffModulus(1024, [30, 30, 30]),
      plainModulus: 1024,
      insecure: true,
    }),
  },
];

/** One recorded operation. */
export interface TraceStep {
  /** 0 for the fresh encryption. */
  index: number;
  operation: string;
  /** Invariant noise budget in bits (0 = exhausted). */
  budget: number;
  /** What the plaintext arithmetic mod t gives. */
  expected: bigint;
  /** The decrypted constant term, or null when the decryption is not a constant polynomial. */
  decrypted: bigint | null;
  correct: boolean;
}

/** A handle on an encrypted value inside a program. */
interface Value {
  ct: Ciphertext;
  /** The value mod t it should decrypt to. */
  value: bigint;
}

/** What a program can do; each call records one step. */
export interface ProgramOps {
  readonly x: Value;
  multiply(a: Value, b: Value, label: string): Promise<Value>;
  addPlain(a: Value, c: number, label: string): Promise<Value>;
  multiplyPlain(a: Value, c: number, label: string): Promise<Value>;
}

export interface Program {
  id: string;
  label: string;
  run(ops: ProgramOps): Promise<void>;
}

export const PROGRAMS: readonly Program[] = [
  {
    id: 'seal-example',
    label: "SEAL's 1_bfv_basics: 4(x² + 1)(x + 1)²",
    async run(o) {
      const xSquared = await o.multiply(o.x, o.x, 'x² (multiply, relinearize)');
      const xSqPlusOne = await o.addPlain(xSquared, 1, 'x² + 1 (add plaintext)');
      const xPlusOne = await o.addPlain(o.x, 1, 'x + 1 (add plaintext)');
      const xPlusOneSq = await o.multiply(xPlusOne, xPlusOne, '(x + 1)² (multiply, relinearize)');
      const product = await o.multiply(xSqPlusOne, xPlusOneSq, '(x² + 1)(x + 1)² (multiply, relinearize)');
      await o.multiplyPlain(product, 4, '4(x² + 1)(x + 1)² (multiply by plaintext)');
    },
  },
  {
    id: 'squaring',
    label: 'Repeated squaring: x, x², x⁴, x⁸, x¹⁶',
    async run(o) {
      let v = o.x;
      for (let k = 1; k <= 4; k++) v = await o.multiply(v, v, `x^${2 ** k} (square, relinearize)`);
    },
  },
  {
    id: 'plain-products',
    label: 'Plaintext products only, as in a linear layer: x·3, ·3, … (six times)',
    async run(o) {
      let v = o.x;
      for (let k = 1; k <= 6; k++) v = await o.multiplyPlain(v, 3, `x·3^${k} (multiply by plaintext)`);
    },
  },
];

export function findProgram(id: string | undefined): Program {
  return PROGRAMS.find((p) => p.id === id) ?? PROGRAMS[0];
}

export interface TraceOptions {
  seed: string;
  x: number;
  program: Program;
  set: ParameterSet;
  /** Called after each recorded step (for progress). */
  onStep?(step: TraceStep): void;
  /** Awaited before each operation, so that a page can repaint and cancel. */
  pause?(): Promise<void>;
}

/** Runs `program` on Enc(x) under `set` and returns one step per operation (fresh encryption first). */
export async function noiseBudgetTrace(lib: TraceLibrary, options: TraceOptions): Promise<TraceStep[]> {
  const { bfv, random } = lib;
  const { set, program } = options;
  const pause = options.pause ?? (async () => undefined);
  const params = bfv.createBfvParameters(set.options(bfv));
  const ctx = bfv.createBfvContext(params);
  const t = BigInt(params.plainModulus);
  const rng = random.fromTextSeed(`${options.seed} ${set.id}`);
  const sk = bfv.generateSecretKey(ctx, rng);
  const pk = bfv.generatePublicKey(ctx, sk, rng);
  const rk = bfv.generateRelinKeys(ctx, sk, rng);
  const plain = (c: bigint | number) => ({ coeffs: Float64Array.from([Number(((BigInt(c) % t) + t) % t)]) });

  const steps: TraceStep[] = [];
  const record = (operation: string, v: Value): Value => {
    const coeffs = bfv.bfvDecrypt(ctx, sk, v.ct).coeffs;
    let constant = true;
    for (let i = 1; i < coeffs.length; i++) if (coeffs[i] !== 0) constant = false;
    const decrypted = constant ? BigInt(coeffs.length > 0 ? coeffs[0] : 0) : null;
    const step: TraceStep = {
      index: steps.length,
      operation,
      budget: bfv.invariantNoiseBudget(ctx, sk, v.ct),
      expected: v.value,
      decrypted,
      correct: decrypted === v.value,
    };
    steps.push(step);
    options.onStep?.(step);
    return v;
  };

  await pause();
  const xValue = ((BigInt(options.x) % t) + t) % t;
  const x = record('encrypt x (public key)', { ct: bfv.bfvEncrypt(ctx, pk, plain(xValue), rng), value: xValue });
  const ops: ProgramOps = {
    x,
    async multiply(a, b, label) {
      await pause();
      const ct = bfv.bfvRelinearize(ctx, bfv.bfvMultiply(ctx, a.ct, b.ct), rk);
      return record(label, { ct, value: (a.value * b.value) % t });
    },
    async addPlain(a, c, label) {
      await pause();
      return record(label, { ct: bfv.bfvAddPlain(ctx, a.ct, plain(c)), value: (a.value + BigInt(c)) % t });
    },
    async multiplyPlain(a, c, label) {
      await pause();
      return record(label, { ct: bfv.bfvMultiplyPlain(ctx, a.ct, plain(c)), value: (a.value * BigInt(c)) % t });
    },
  };
  await program.run(ops);
  return steps;
}
