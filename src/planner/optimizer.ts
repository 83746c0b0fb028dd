/**
 * Stochastic gradient descent with momentum, weight decay and gradient-norm clipping (§10.2.4), as
 * in PyTorch's `clip_grad_norm_` followed by `torch.optim.SGD(momentum, weight_decay)`.
 *
 * Spec: §10.2.4
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Parameter } from './network.js';

/** Settings of {@link SgdMomentum}. Spec: §10.2.4 */
export interface SgdOptions {
  /** Momentum μ (default 0.9). */
  momentum?: number;
  /** L2 weight decay λ on parameters with `decay` (default 0). */
  weightDecay?: number;
  /** Largest global L2 norm of the gradient; larger gradients are scaled down (default: no clipping). */
  clipNorm?: number;
}

/**
 * One step: g ← grad, scaled by clipNorm/‖grad‖ when the global norm ‖grad‖ exceeds clipNorm;
 * g ← g + λ·w for decayed parameters; v ← μ·v + g; w ← w − lr·v. Spec: §10.2.4
 */
export class SgdMomentum {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly clipNorm: number;
  readonly #params: readonly Parameter[];
  readonly #velocity: Float32Array[];

  constructor(params: readonly Parameter[], options: SgdOptions = {}) {
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 0;
    this.clipNorm = options.clipNorm ?? Infinity;
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new InvalidArgumentError(`momentum must be in [0, 1), got ${this.momentum}`);
    if (!(this.weightDecay >= 0)) throw new InvalidArgumentError(`weightDecay must be ≥ 0, got ${this.weightDecay}`);
    if (!(this.clipNorm > 0)) throw new InvalidArgumentError(`clipNorm must be > 0, got ${this.clipNorm}`);
    this.#params = params;
    this.#velocity = params.map((p) => new Float32Array(p.value.length));
  }

  /** Applies one update with learning rate `lr`; returns the gradient norm before clipping. Spec: §10.2.4 */
  step(lr: number): number {
    if (!(lr >= 0) || !Number.isFinite(lr)) throw new InvalidArgumentError(`learning rate must be a finite number ≥ 0, got ${lr}`);
    const norm = gradientNorm(this.#params);
    const scale = norm > this.clipNorm ? this.clipNorm / norm : 1;
    const mu = this.momentum;
    this.#params.forEach((p, k) => {
      const v = this.#velocity[k];
      const w = p.value;
      const g = p.grad;
      const decay = p.decay ? this.weightDecay : 0;
      for (let i = 0; i < w.length; i++) {
        const vi = mu * v[i] + g[i] * scale + decay * w[i];
        v[i] = vi;
        w[i] -= lr * vi;
      }
    });
    return norm;
  }
}

/** Global L2 norm of all gradients, summed in float64. Spec: §10.2.4 */
export function gradientNorm(params: readonly Parameter[]): number {
  let s = 0;
  for (const p of params) for (let i = 0; i < p.grad.length; i++) s += p.grad[i] * p.grad[i];
  return Math.sqrt(s);
}
