/**
 * §5.1, §5.2, §6.3, §6.4 and §6.7 from the spec text, for consumers: AES from Node's OpenSSL, SHA-256
 * from Node, ristretto255 from @noble/curves, everything else written out here on byte strings.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { StreamReader } from './stream.js';

export const ELL = 2n ** 252n + 27742317777372353535851937790883648493n;

export function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((x, i) => x ^ b[i]);
}

export function aesEcb(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return new Uint8Array(c.update(block));
}

/** AES-128-CTR stream blocks [first, first + count) with the counter block = index, big-endian. */
export function ctrBlocks(key: Uint8Array, first: number, count: number): Uint8Array {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(first), 8);
  return new Uint8Array(createCipheriv('aes-128-ctr', key, iv).update(Buffer.alloc(16 * count)));
}

/** The tweak i as a block: 8 bytes little-endian, then 8 zero bytes. */
export function tweakBlock(i: number): Uint8Array {
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(BigInt(i), 0);
  return new Uint8Array(b);
}

/** TCCR(x, i) = π(π(x) ⊕ i) ⊕ π(x). */
export function tccr(key: Uint8Array, x: Uint8Array, i: number): Uint8Array {
  const px = aesEcb(key, x);
  return xor(aesEcb(key, xor(px, tweakBlock(i))), px);
}

/** σ(x_L ‖ x_R) = (x_L ⊕ x_R) ‖ x_L on 16 bytes, x_L = bytes 8–15 (the high half, little-endian). */
export function sigma(x: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let k = 0; k < 8; k++) {
    out[k] = x[8 + k];
    out[8 + k] = x[k] ^ x[8 + k];
  }
  return out;
}

/** The garbling hash of §5.2: H(x, i) = π(σ(x) ⊕ i) ⊕ σ(x). */
export function mmo(key: Uint8Array, x: Uint8Array, i: number): Uint8Array {
  const s = sigma(x);
  return xor(aesEcb(key, xor(s, tweakBlock(i))), s);
}

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return new Uint8Array(b);
};

export function cat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** The T of §6.3. */
export function kdfInput(label: string, sid: Uint8Array, i: number, j: number, A: Uint8Array, B: Uint8Array, P: Uint8Array): Uint8Array {
  return cat(new TextEncoder().encode(label), Uint8Array.of(0), u32(sid.length), sid, u32(i), Uint8Array.of(j), A, B, P);
}

/** coDeriveKey by its definition: SHA-256(T ‖ u32(0)) ‖ SHA-256(T ‖ u32(1)) ‖ …, cut to L bytes. */
export function kdf(T: Uint8Array, length: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let c = 0; 32 * c < length; c++) parts.push(new Uint8Array(createHash('sha256').update(cat(T, u32(c))).digest()));
  return cat(...parts).subarray(0, length);
}

/** sampleScalar: 1 + uniformBigintBelow(ℓ − 1), on the stream. */
export function scalarSpec(r: StreamReader): bigint {
  const bound = ELL - 1n;
  const k = (bound - 1n).toString(2).length;
  for (;;) {
    const v = r.le(Math.ceil(k / 8)) & ((1n << BigInt(k)) - 1n);
    if (v < bound) return v + 1n;
  }
}

/** Bit j of a byte string (bit j mod 8 of byte ⌊j/8⌋). */
export const bit = (b: Uint8Array, j: number) => (b[j >> 3] >> (j & 7)) & 1;
