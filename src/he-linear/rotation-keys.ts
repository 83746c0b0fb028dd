/**
 * Fewer Galois keys for the linear layers (§4.15.1): instead of one key per rotation step a model
 * uses, a small set of generator steps (powers of two, pruned) from which every needed row rotation
 * is composed along a fixed shortest route. Both parties derive the same generators and routes from
 * the public architecture alone. Routes form a tree (breadth-first search from 0 over Z_{n/2}), so
 * rotations of one ciphertext by several steps share their prefixes, and the children of a node are
 * computed with one hoisted decomposition.
 *
 * Spec: §4.15.1
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { BfvContext } from '../bfv/context.js';
import { galoisEltFromStep } from '../bfv/galois.js';
import { bfvApplyGaloisHoisted } from '../bfv/hoisting.js';
import type { Ciphertext, GaloisKeys } from '../bfv/types.js';

/** Shortest routes over Z_R (R = n/2) with a set of generator steps. Spec: §4.15.1 */
export interface RotationRoutes {
  /** Row size R = n/2. */
  readonly rowSize: number;
  /** Generator steps (left rotations in [1, R)), ascending: the only row-rotation keys needed. */
  readonly generators: readonly number[];
  /** parent[s]: the previous node of the route to s ∈ [0, R) (−1 for 0 and unreachable steps). */
  readonly parent: Int32Array;
  /** via[s]: the generator step from parent[s] to s. */
  readonly via: Int32Array;
  /** depth[s]: number of rotations of the route to s (−1 when unreachable). */
  readonly depth: Int32Array;
}

function mod(s: number, R: number): number {
  return ((s % R) + R) % R;
}

/**
 * Breadth-first routes from 0 with the generators tried in descending order, so that a route takes
 * its large steps first: steps that differ only in their small part (the kernel taps of one kernel
 * row, the baby steps) then share their prefix, and the tree of §4.15.1 has fewer inner nodes
 * (decompositions). A deterministic function of the generator set. Spec: §4.15.1
 */
export function rotationRoutes(n: number, generators: readonly number[]): RotationRoutes {
  const R = n / 2;
  if (!Number.isInteger(R) || R < 1) throw new InvalidArgumentError(`rotationRoutes: bad ring degree ${n}`);
  const gens = [...new Set(generators.map((g) => mod(g, R)))].filter((g) => g !== 0).sort((a, b) => a - b);
  const order = [...gens].reverse();
  const parent = new Int32Array(R).fill(-1);
  const via = new Int32Array(R);
  const depth = new Int32Array(R).fill(-1);
  depth[0] = 0;
  const queue = new Int32Array(R);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  while (head < tail) {
    const u = queue[head++];
    for (const g of order) {
      const v = (u + g) % R;
      if (depth[v] !== -1) continue;
      depth[v] = depth[u] + 1;
      parent[v] = u;
      via[v] = g;
      queue[tail++] = v;
    }
  }
  return { rowSize: R, generators: gens, parent, via, depth };
}

/** The generator steps of the route to `step` (any sign), in the order they are applied. Spec: §4.15.1 */
export function routeOf(routes: RotationRoutes, step: number): number[] {
  let u = mod(step, routes.rowSize);
  if (routes.depth[u] < 0) throw new InvalidArgumentError(`no route to rotation step ${step} with generators ${routes.generators.join(', ')}`);
  const out: number[] = [];
  while (u !== 0) {
    out.push(routes.via[u]);
    u = routes.parent[u];
  }
  return out.reverse();
}

/** Number of rotations of the route to `step` (0 for step 0). Spec: §4.15.1 */
export function routeDepth(routes: RotationRoutes, step: number): number {
  const d = routes.depth[mod(step, routes.rowSize)];
  if (d < 0) throw new InvalidArgumentError(`no route to rotation step ${step}`);
  return d;
}

function score(n: number, gens: readonly number[], targets: readonly number[]): { max: number; total: number } | null {
  const r = rotationRoutes(n, gens);
  let max = 0;
  let total = 0;
  for (const t of targets) {
    const d = r.depth[t];
    if (d < 0) return null;
    max = Math.max(max, d);
    total += d;
  }
  return { max, total };
}

/**
 * The generator steps for a set of needed row-rotation steps (Spec: §4.15.1): start from the powers of
 * two that occur in the binary expansion of some step (taken in [0, n/2)), then repeatedly drop the
 * generator whose removal adds the fewest rotations in total, as long as no route gets longer than
 * the longest binary route. The longest route bounds the extra key-switching noise (§4.16). Steps 0
 * are ignored (the column swap has its own key).
 */
export function chooseRotationKeys(n: number, steps: readonly number[]): number[] {
  const R = n / 2;
  const targets = [...new Set(steps.map((s) => mod(s, R)))].filter((s) => s !== 0).sort((a, b) => a - b);
  if (targets.length === 0) return [];
  let gens: number[] = [];
  for (let b = 1; b < R; b *= 2) if (targets.some((t) => (t & b) !== 0)) gens.push(b);
  const base = score(n, gens, targets)!;
  for (;;) {
    let best: { gens: number[]; total: number } | null = null;
    for (const g of [...gens].reverse()) {
      const rest = gens.filter((x) => x !== g);
      const s = score(n, rest, targets);
      if (s && s.max <= base.max && (!best || s.total < best.total)) best = { gens: rest, total: s.total };
    }
    if (!best) return gens;
    gens = best.gens;
  }
}

/**
 * Rotations of `ct` by each of `steps` along the routes (Spec: §4.15.1): the union of the routes is a
 * tree; every node's children are computed from it with one hoisted decomposition
 * ({@link bfvApplyGaloisHoisted}). Step 0 is the identity. Outputs are in NTT form, in the order of
 * `steps`.
 */
export function rotateRowsRouted(ctx: BfvContext, ct: Ciphertext, steps: readonly number[], routes: RotationRoutes, gk: GaloisKeys): Ciphertext[] {
  const R = routes.rowSize;
  if (R !== ctx.n / 2) throw new InvalidArgumentError(`routes for n = ${2 * R} used with n = ${ctx.n}`);
  const nodes = new Set<number>();
  for (const s of steps) {
    let u = mod(s, R);
    if (routes.depth[u] < 0) throw new InvalidArgumentError(`no route to rotation step ${s}`);
    while (u !== 0 && !nodes.has(u)) {
      nodes.add(u);
      u = routes.parent[u];
    }
  }
  const children = new Map<number, number[]>();
  for (const u of [...nodes].sort((a, b) => a - b)) {
    const p = routes.parent[u];
    if (!children.has(p)) children.set(p, []);
    children.get(p)!.push(u);
  }
  const done = new Map<number, Ciphertext>();
  const queue = [0];
  while (queue.length > 0) {
    const u = queue.shift()!;
    const kids = children.get(u);
    if (!kids) continue;
    const src = u === 0 ? ct : done.get(u)!;
    const outs = bfvApplyGaloisHoisted(ctx, src, kids.map((v) => galoisEltFromStep(ctx.n, routes.via[v])), gk);
    kids.forEach((v, i) => {
      done.set(v, outs[i]);
      queue.push(v);
    });
  }
  const needIdentity = steps.some((s) => mod(s, R) === 0);
  const identity = needIdentity ? bfvApplyGaloisHoisted(ctx, ct, [1], gk)[0] : null;
  return steps.map((s) => {
    const u = mod(s, R);
    return u === 0 ? identity! : done.get(u)!;
  });
}

/** Number of key switches {@link rotateRowsRouted} performs for these steps (the tree's nodes). Spec: §4.15.1 */
export function routedRotationCount(routes: RotationRoutes, steps: readonly number[]): number {
  const nodes = new Set<number>();
  for (const s of steps) {
    let u = mod(s, routes.rowSize);
    while (u > 0 && !nodes.has(u)) {
      nodes.add(u);
      u = routes.parent[u];
    }
  }
  return nodes.size;
}

/** Number of hoisted decompositions {@link rotateRowsRouted} performs for these steps (the tree's inner nodes). Spec: §4.15.1 */
export function routedDecompositionCount(routes: RotationRoutes, steps: readonly number[]): number {
  const inner = new Set<number>();
  for (const s of steps) {
    let u = mod(s, routes.rowSize);
    while (u > 0) {
      u = routes.parent[u];
      if (inner.has(u)) break;
      inner.add(u);
    }
  }
  return inner.size;
}

/** One rotation of `ct` by `step` along its route: a chain of key switches (NTT-form output). Spec: §4.15.1 */
export function rotateRouted(ctx: BfvContext, ct: Ciphertext, step: number, routes: RotationRoutes, gk: GaloisKeys): Ciphertext {
  return rotateRowsRouted(ctx, ct, [step], routes, gk)[0];
}

/** The Galois elements of the generators the routes to `steps` use, with their steps. Spec: §4.15.1 */
export function routedElements(n: number, routes: RotationRoutes, steps: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of steps) for (const g of routeOf(routes, s)) out.set(galoisEltFromStep(n, g), g);
  return out;
}
