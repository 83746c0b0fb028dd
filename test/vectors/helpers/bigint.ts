/** Small BigInt helpers written from the definitions, for consumers' independent checks. */

export const mod = (x: bigint, m: bigint): bigint => ((x % m) + m) % m;

export function powMod(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b = mod(b, m);
  for (; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}

export function bitrev(i: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
  return r;
}

/** a(x) mod m by Horner. */
export function evalPoly(a: readonly bigint[], x: bigint, m: bigint): bigint {
  let acc = 0n;
  for (let i = a.length - 1; i >= 0; i--) acc = (acc * x + a[i]) % m;
  return acc;
}

/** The k-th output of the §3.4 forward NTT by definition: a(ψ^(2·bitrev(k)+1)). */
export function nttAt(a: readonly bigint[], k: number, psi: bigint, q: bigint): bigint {
  const logn = Math.log2(a.length);
  return evalPoly(a, powMod(psi, BigInt(2 * bitrev(k, logn) + 1), q), q);
}

/** Schoolbook product in Z_m[X]/(X^n + 1). */
export function negacyclic(a: readonly bigint[], b: readonly bigint[], m: bigint): bigint[] {
  const n = a.length;
  const acc = new Array<bigint>(n).fill(0n);
  for (let i = 0; i < n; i++) {
    if (a[i] === 0n) continue;
    for (let j = 0; j < n; j++) {
      const k = i + j;
      if (k < n) acc[k] += a[i] * b[j];
      else acc[k - n] -= a[i] * b[j];
    }
  }
  return acc.map((x) => mod(x, m));
}

export const big = (xs: readonly string[]): bigint[] => xs.map((x) => BigInt(x));
export const str = (xs: readonly (bigint | number)[]): string[] => xs.map((x) => String(x));
