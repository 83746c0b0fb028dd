/**
 * Dense matrix products on Float32Array for training (§10.2.1). Matrices are row-major and given as
 * (array, offset). The loops are ordered so that the innermost loop walks contiguous memory and
 * are blocked by hand (four rows of B per pass over a row of C; 2×2 dot products), which makes
 * V8's code 2–3× faster than the plain triple loop; {@link gemmReference} is that plain loop.
 *
 * Spec: §10.2.1
 * @module
 */

/** C[m×n] (+)= A[m×k] · B[k×n], the textbook triple loop in float64 (the reference of the tests). Spec: §10.2.1 */
export function gemmReference(
  m: number,
  n: number,
  k: number,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c: Float64Array,
  accumulate: boolean,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? c[i * n + j] : 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
}

/**
 * Adds Σ_t a_t·B[row_t] for four rows of B (at b0, b0 + n, b0 + 2n, b0 + 3n) to the row of C at
 * c0, or one row when fewer are left.
 */
function axpyRows(n: number, count: number, a: Float32Array, ai: number, aStep: number, b: Float32Array, b0: number, c: Float32Array, c0: number): void {
  let t = 0;
  for (; t + 3 < count; t += 4) {
    const x0 = a[ai + t * aStep];
    const x1 = a[ai + (t + 1) * aStep];
    const x2 = a[ai + (t + 2) * aStep];
    const x3 = a[ai + (t + 3) * aStep];
    if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue; // zero activations and padding
    const r0 = b0 + t * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    for (let j = 0; j < n; j++) c[c0 + j] += x0 * b[r0 + j] + x1 * b[r1 + j] + x2 * b[r2 + j] + x3 * b[r3 + j];
  }
  for (; t < count; t++) {
    const x = a[ai + t * aStep];
    if (x === 0) continue;
    const r = b0 + t * n;
    for (let j = 0; j < n; j++) c[c0 + j] += x * b[r + j];
  }
}

/** C[m×n] (+)= A[m×k] · B[k×n]. With `accumulate` false C is overwritten. Spec: §10.2.1 */
export function gemmNN(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  for (let i = 0; i < m; i++) axpyRows(n, k, a, aOff + i * k, 1, b, bOff, c, cOff + i * n);
}

/** C[m×n] (+)= A[k×m]ᵀ · B[k×n]. Spec: §10.2.1 */
export function gemmTN(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  for (let i = 0; i < m; i++) axpyRows(n, k, a, aOff + i, m, b, bOff, c, cOff + i * n);
}

/**
 * C[m×n] (+)= A[m×k] · B[n×k]ᵀ: every entry is a dot product of two contiguous rows, summed in
 * float64, computed 2×2 entries at a time. Spec: §10.2.1
 */
export function gemmNT(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  const put = (i: number, j: number, s: number): void => {
    const at = cOff + i * n + j;
    c[at] = accumulate ? c[at] + s : s;
  };
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = aOff + i * k;
    const a1 = a0 + k;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const b0 = bOff + j * k;
      const b1 = b0 + k;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p];
        const x1 = a[a1 + p];
        const y0 = b[b0 + p];
        const y1 = b[b1 + p];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      put(i, j, s00);
      put(i, j + 1, s01);
      put(i + 1, j, s10);
      put(i + 1, j + 1, s11);
    }
    if (j < n) {
      const b0 = bOff + j * k;
      let s0 = 0;
      let s1 = 0;
      for (let p = 0; p < k; p++) {
        s0 += a[a0 + p] * b[b0 + p];
        s1 += a[a1 + p] * b[b0 + p];
      }
      put(i, j, s0);
      put(i + 1, j, s1);
    }
  }
  if (i < m) {
    const a0 = aOff + i * k;
    for (let j = 0; j < n; j++) {
      const b0 = bOff + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p] * b[b0 + p];
      put(i, j, s);
    }
  }
}
