/**
 * Test helpers for the protocol: random networks of every layer type (with residual blocks), and
 * an independent layer-by-layer fixed-point evaluator (§8.9, written here from the spec on
 * bigints) whose quadratic truncations can be replaced by the local truncation of the protocol's
 * recorded shares (§8.10, §9.12).
 */
import { createModel, compileFixedPoint, type FixedPointModel, type LayerSpec, type Model } from '../../src/nn/index.js';
import { exactLinearBig } from '../../src/nn/fixed-eval-reference.js';
import { kaimingUniform, uniformSymmetric } from '../../src/nn/init.js';
import { quadraticFixed, relu6Fixed, reluFixed } from '../../src/sharing/index.js';
import { uniformBelow, type Rng } from '../../src/random/index.js';
import type { ShareRecord } from '../../src/protocol/index.js';

export const P = 2061584302081;
const PB = BigInt(P);
const HALF = (P - 1) / 2;

export const toSigned = (v: number): number => (v > HALF ? v - P : v);
export const toField = (v: number): number => (v < 0 ? v + P : v);

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[uniformBelow(rng, xs.length)];
const int = (rng: Rng, lo: number, hi: number): number => lo + uniformBelow(rng, hi - lo + 1);

export type Activation = 'relu' | 'relu6' | 'quadratic';

/**
 * A random CNN: stem conv, then 1–3 blocks, each one of: conv → (batchNorm) → act; a residual
 * block act(conv(act(conv(a))) + a) or act(...) + a at scale f; an avgPool; then flatten →
 * dense → act → dense. Activations are drawn from `activations`.
 */
export function randomNetwork(rng: Rng, activations: readonly Activation[]): Model {
  const layers: LayerSpec[] = [];
  let c = int(rng, 1, 3);
  let h = int(rng, 6, 9);
  let w = int(rng, 6, 9);
  const inputShape = [c, h, w];
  let n = 0;
  const name = (prefix: string): string => `${prefix}${n++}`;
  const act = (input?: string): string => {
    const type = pick(rng, activations);
    const nm = name(type);
    layers.push({ type, name: nm, ...(input ? { input } : {}) } as LayerSpec);
    return nm;
  };
  const conv = (out: number, k: number, pad: number, stride = 1, input?: string): string => {
    const nm = name('conv');
    const fanIn = c * k * k;
    layers.push({
      type: 'conv2d',
      name: nm,
      outChannels: out,
      kernel: k,
      padding: pad,
      stride,
      weights: kaimingUniform(rng, out * fanIn, fanIn),
      bias: uniformSymmetric(rng, out, 0.3),
      ...(input ? { input } : {}),
    });
    h = Math.floor((h + 2 * pad - k) / stride) + 1;
    w = Math.floor((w + 2 * pad - k) / stride) + 1;
    c = out;
    return nm;
  };
  conv(int(rng, 2, 4), 3, 1);
  let last = act();
  const blocks = int(rng, 1, 3);
  for (let b = 0; b < blocks; b++) {
    const kind = pick(rng, ['plain', 'residual', 'residualF', 'pool', 'strided'] as const);
    if (kind === 'plain') {
      conv(int(rng, 2, 4), pick(rng, [1, 3]), 1);
      if (uniformBelow(rng, 2) === 1) {
        layers.push({
          type: 'batchNorm',
          name: name('bn'),
          scale: uniformSymmetric(rng, c, 0.3).map((v) => v + 1),
          bias: uniformSymmetric(rng, c, 0.2),
          mean: uniformSymmetric(rng, c, 0.2),
          variance: uniformSymmetric(rng, c, 0.3).map((v) => v + 1),
        });
      }
      last = act();
    } else if (kind === 'residual') {
      // a → conv → act → conv, + a (lifted) → act
      const skip = last;
      const cc = c;
      conv(cc, 3, 1);
      act();
      const c2 = conv(cc, 3, 1);
      const add = name('add');
      layers.push({ type: 'add', name: add, inputs: [c2, skip] });
      last = act(add);
    } else if (kind === 'residualF') {
      // a → conv → act = b; b + a at scale f, then a 1×1 conv and act.
      const skip = last;
      conv(c, 1, 0);
      const b2 = act();
      const add = name('add');
      layers.push({ type: 'add', name: add, inputs: [b2, skip] });
      conv(int(rng, 2, 3), 1, 0);
      last = act();
    } else if (kind === 'pool' && h >= 4 && w >= 4) {
      layers.push({ type: 'avgPool2d', name: name('pool'), kernel: 2 });
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
      conv(int(rng, 2, 4), 1, 0);
      last = act();
    } else if (h >= 5 && w >= 5) {
      conv(int(rng, 2, 4), 3, 0, 2);
      last = act();
    }
  }
  layers.push({ type: 'flatten', name: name('flat') });
  const flat = c * h * w;
  const hidden = int(rng, 3, 8);
  layers.push({ type: 'dense', name: name('fc'), outFeatures: hidden, weights: kaimingUniform(rng, hidden * flat, flat), bias: uniformSymmetric(rng, hidden, 0.2) });
  act();
  const outN = int(rng, 2, 5);
  layers.push({ type: 'dense', name: name('fc'), outFeatures: outN, weights: kaimingUniform(rng, outN * hidden, hidden), bias: uniformSymmetric(rng, outN, 0.2) });
  return createModel({ name: 'random', inputShape, layers });
}

/** Compiles with the given f (default 8). */
export function compile(model: Model, f = 8): FixedPointModel {
  return compileFixedPoint(model, { fractionalBits: f });
}

/** Reconstructs a vector from two shares, as signed integers. */
export function reconstructSigned(a: Float64Array, b: Float64Array): number[] {
  return Array.from(a, (v, i) => {
    const s = v + b[i];
    return toSigned(s >= P ? s - P : s);
  });
}

/** The local truncation of §7.4 of one sharing (s0 server, s1 client), reconstructed and signed. */
export function localTruncation(s0: number, s1: number, f: number): number {
  const t0 = Math.floor(s0 / 2 ** f);
  const u = s1 === 0 ? 0 : P - s1;
  const q = Math.floor(u / 2 ** f);
  const t1 = q === 0 ? 0 : P - q;
  const s = t0 + t1;
  return toSigned(s >= P ? s - P : s);
}

/** What {@link referenceWalk} observed. */
export interface WalkResult {
  /** Signed output of every layer. */
  readonly layers: number[][];
  /** Number of local truncations whose result was ⌊z/2^f⌋ + 1 (the others were exact). */
  readonly carries: number;
  readonly truncations: number;
}

/**
 * Evaluates the compiled model layer by layer, exactly as §8.9 writes it (bigint linear algebra,
 * the activation functions of §8.9.3), on signed integers. With `shares`, every quadratic
 * truncation returns the local truncation of the recorded shares of the same value, after
 * asserting (through `onMismatch`) that the reference's value equals the shares' reconstruction;
 * local truncations must be off by 0 or +1.
 */
export function referenceWalk(
  model: FixedPointModel,
  input: readonly number[],
  shares?: { client: ShareRecord; server: ShareRecord },
): WalkResult {
  const f = model.fractionalBits;
  const outs: number[][] = [];
  const valueOf = (j: number): number[] => (j < 0 ? [...input] : outs[j]);
  let carries = 0;
  let truncations = 0;
  model.layers.forEach((layer, k) => {
    const x = valueOf(layer.inputs[0]);
    let y: number[];
    switch (layer.op) {
      case 'conv2d':
      case 'dense':
      case 'scale':
      case 'sumPool2d':
        y = exactLinearBig(layer, x.map(BigInt)).map((v) => {
          const r = ((v % PB) + PB) % PB;
          return toSigned(Number(r));
        });
        break;
      case 'flatten':
        y = x;
        break;
      case 'add': {
        const b = valueOf(layer.inputs[1]);
        y = x.map((v, i) => (layer.lift[0] ? v * 2 ** f : v) + (layer.lift[1] ? b[i] * 2 ** f : b[i]));
        break;
      }
      case 'relu':
        y = x.map((v) => reluFixed(v, f));
        break;
      case 'relu6':
        y = x.map((v) => relu6Fixed(v, f));
        break;
      case 'quadratic': {
        if (!shares) {
          y = x.map((v) => quadraticFixed(v, layer, f));
          break;
        }
        const u = layer.inputs[0];
        const sIn = u < 0 ? shares.server.input : shares.server.layers[u];
        const cIn = u < 0 ? shares.client.input : shares.client.layers[u];
        const sq = shares.server.quadratic[k]!;
        const cq = shares.client.quadratic[k]!;
        y = x.map((v, i) => {
          const pairs: [number, number][] = [
            [sIn[i], cIn[i]],
            [sq.square[i], cq.square[i]],
            [sq.t[i], cq.t[i]],
          ];
          let call = 0;
          return quadraticFixed(v, layer, f, (z, bits) => {
            const [s0, s1] = pairs[call++];
            const r = s0 + s1;
            const held = toSigned(r >= P ? r - P : r);
            if (held !== z) throw new Error(`layer ${k} element ${i}: the shares hold ${held}, the reference ${z} (truncation ${call})`);
            const got = localTruncation(s0, s1, bits);
            const d = got - Math.floor(z / 2 ** bits);
            if (d !== 0 && d !== 1) throw new Error(`layer ${k} element ${i}: local truncation off by ${d}`);
            carries += d;
            truncations++;
            return got;
          });
        });
        break;
      }
    }
    outs.push(y);
  });
  return { layers: outs, carries, truncations };
}

import type { Channel, ChannelStats } from '../../src/channel/index.js';

/** A channel end that records every message it sends and receives, in order. */
export function recordingChannel(inner: Channel, log: { dir: 'sent' | 'received'; bytes: Uint8Array }[]): Channel {
  return {
    send(m: Uint8Array): void {
      log.push({ dir: 'sent', bytes: Uint8Array.from(m) });
      inner.send(m);
    },
    async recv(): Promise<Uint8Array> {
      const m = await inner.recv();
      log.push({ dir: 'received', bytes: m });
      return m;
    },
    close(reason?: string): void {
      inner.close(reason);
    },
    get stats(): Readonly<ChannelStats> {
      return inner.stats;
    },
  };
}

/** A channel end whose outgoing messages pass through `tamper` (which may return a replacement). */
export function tamperingChannel(inner: Channel, tamper: (m: Uint8Array, index: number) => Uint8Array): Channel {
  let index = 0;
  return {
    send(m: Uint8Array): void {
      inner.send(tamper(Uint8Array.from(m), index++));
    },
    recv: () => inner.recv(),
    close: (reason?: string) => inner.close(reason),
    get stats(): Readonly<ChannelStats> {
      return inner.stats;
    },
  };
}
