/**
 * Arithmetic gadgets on little-endian bit vectors (wire k = bit k), built with a
 * {@link CircuitBuilder}. Each costs one AND gate per bit (fewer when operands are constants, which
 * the builder folds):
 *
 * | gadget | result | AND gates (n-bit operands) |
 * | --- | --- | --- |
 * | {@link addBits} | n-bit sum and carry out | n |
 * | {@link subtractBits} | n-bit difference and borrow out | n |
 * | {@link lessThan} | x < y (unsigned) | n |
 * | {@link mux} | sel ? y : x | n |
 * | {@link addModPBits} | (x + y) mod p | 3n − 1 (odd p) |
 * | {@link subModPBits} | (x − y) mod p | 3n − 3 (odd p) |
 *
 * The full adder is sum = a ⊕ b ⊕ c, carry = c ⊕ ((a ⊕ c) ∧ (b ⊕ c)); the full subtractor is
 * diff = a ⊕ b ⊕ c, borrow = c ⊕ ((¬a ⊕ c) ∧ (b ⊕ c)) (the majority of ¬a, b and c).
 *
 * Spec: §5.4
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import { ZERO, type CircuitBuilder, type Wire } from './builder.js';

function sameWidth(x: readonly Wire[], y: readonly Wire[], what: string): number {
  if (x.length !== y.length) throw new SizeMismatchError(`${what}: operands have ${x.length} and ${y.length} bits`);
  return x.length;
}

/** x + y + carryIn: the n-bit sum and the carry out (ripple-carry adder). Spec: §5.4 */
export function addBits(b: CircuitBuilder, x: readonly Wire[], y: readonly Wire[], carryIn: Wire = ZERO): { sum: Wire[]; carry: Wire } {
  const n = sameWidth(x, y, 'addBits');
  const sum: Wire[] = [];
  let c = carryIn;
  for (let k = 0; k < n; k++) {
    const xc = b.xor(x[k], c);
    const yc = b.xor(y[k], c);
    sum.push(b.xor(xc, y[k]));
    c = b.xor(c, b.and(xc, yc));
  }
  return { sum, carry: c };
}

/**
 * x − y − borrowIn: the n-bit difference (mod 2^n) and the borrow out (1 iff x < y + borrowIn).
 * Spec: §5.4
 */
export function subtractBits(
  b: CircuitBuilder,
  x: readonly Wire[],
  y: readonly Wire[],
  borrowIn: Wire = ZERO,
): { difference: Wire[]; borrow: Wire } {
  const n = sameWidth(x, y, 'subtractBits');
  const difference: Wire[] = [];
  let c = borrowIn;
  for (let k = 0; k < n; k++) {
    const xc = b.xor(x[k], c);
    const yc = b.xor(y[k], c);
    difference.push(b.xor(xc, y[k]));
    c = b.xor(c, b.and(b.not(xc), yc));
  }
  return { difference, borrow: c };
}

/** x < y for unsigned n-bit x and y (the borrow of x − y). Spec: §5.4 */
export function lessThan(b: CircuitBuilder, x: readonly Wire[], y: readonly Wire[]): Wire {
  return subtractBits(b, x, y).borrow;
}

/** x ≥ y for unsigned n-bit x and y. Spec: §5.4 */
export function greaterOrEqual(b: CircuitBuilder, x: readonly Wire[], y: readonly Wire[]): Wire {
  return b.not(lessThan(b, x, y));
}

/** `sel` ? y : x, bit by bit. Spec: §5.4 */
export function mux(b: CircuitBuilder, sel: Wire, x: readonly Wire[], y: readonly Wire[]): Wire[] {
  sameWidth(x, y, 'mux');
  return x.map((xk, k) => b.select(sel, xk, y[k]));
}

/** Number of bits of a positive bigint. */
export function bitLengthOf(p: bigint): number {
  return p.toString(2).length;
}

function checkModulus(p: bigint, width: number, what: string): void {
  if (typeof p !== 'bigint' || p < 2n) throw new InvalidArgumentError(`${what}: modulus must be a bigint ≥ 2`);
  if (width !== bitLengthOf(p)) throw new SizeMismatchError(`${what}: operands must have ${bitLengthOf(p)} bits for p = ${p}, got ${width}`);
}

/**
 * (x + y) mod p for x, y ∈ [0, p), n = bit length of p: s = x + y (n + 1 bits), t = s − p, and the
 * result is s if s < p (t borrowed) else t. Inputs ≥ p give unspecified results. Spec: §5.4
 */
export function addModPBits(b: CircuitBuilder, x: readonly Wire[], y: readonly Wire[], p: bigint): Wire[] {
  const n = sameWidth(x, y, 'addModPBits');
  checkModulus(p, n, 'addModPBits');
  const { sum, carry } = addBits(b, x, y);
  const s = [...sum, carry];
  const { difference, borrow } = subtractBits(b, s, b.constantBits(p, n + 1));
  return mux(b, borrow, difference.slice(0, n), s.slice(0, n));
}

/**
 * (x − y) mod p for x, y ∈ [0, p), n = bit length of p: d = x − y mod 2^n with borrow, and the
 * result is d + p (mod 2^n) if x < y else d. Inputs ≥ p give unspecified results. Spec: §5.4
 */
export function subModPBits(b: CircuitBuilder, x: readonly Wire[], y: readonly Wire[], p: bigint): Wire[] {
  const n = sameWidth(x, y, 'subModPBits');
  checkModulus(p, n, 'subModPBits');
  const { difference, borrow } = subtractBits(b, x, y);
  const { sum } = addBits(b, difference, b.constantBits(p, n));
  return mux(b, borrow, difference, sum);
}
