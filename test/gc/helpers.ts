/**
 * Shared helpers of the garbled-circuit tests: the Bristol fixtures (checked against the SHA-256
 * sums that came with them) and small BigInt utilities.
 */
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseBristol, type BristolCircuit } from '../../src/gc/bristol.js';
import type { Party } from '../../src/gc/circuit.js';
import type { Rng } from '../../src/random/index.js';

export const BRISTOL_DIR = fileURLToPath(new URL('./fixtures/bristol/', import.meta.url));

const sums = new Map(
  readFileSync(`${BRISTOL_DIR}SHA256SUMS`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [hash, name] = l.trim().split(/\s+/);
      return [name, hash] as const;
    }),
);

/** Path of a fixture (plain or gzipped), e.g. "adder64". */
export function bristolPath(name: string): string {
  const plain = `${BRISTOL_DIR}${name}.txt`;
  return existsSync(plain) ? plain : `${plain}.gz`;
}

/** Text of a fixture, verified against SHA256SUMS. */
export function bristolText(name: string): string {
  const path = bristolPath(name);
  const raw = readFileSync(path);
  const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== sums.get(`${name}.txt`)) throw new Error(`${name}.txt does not match SHA256SUMS`);
  return bytes.toString('utf8');
}

const cache = new Map<string, BristolCircuit>();
/** A parsed fixture (cached), with optional parties. */
export function loadBristol(name: string, parties?: Party[]): BristolCircuit {
  const key = `${name}/${parties?.join(',') ?? ''}`;
  let c = cache.get(key);
  if (!c) {
    c = parseBristol(bristolText(name), parties ? { parties } : {});
    cache.set(key, c);
  }
  return c;
}

/** A uniform `bits`-bit bigint. */
export function randomBigint(rng: Rng, bits: number): bigint {
  const bytes = rng.bytes(Math.ceil(bits / 8));
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v & ((1n << BigInt(bits)) - 1n);
}

export const hex = (v: bigint, bits: number): string => v.toString(16).padStart(bits / 4, '0');
