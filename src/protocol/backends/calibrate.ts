/**
 * Calibration of the planner's cost model (§10.4.1): times the project's own garbling, OT
 * extension and Beaver code (and BFV square pairs) over in-memory channels and returns the
 * per-element costs as a {@link CostModel} value.
 *
 * Spec: §10.4.1
 * @module
 */
import { bfvTripleClientSource, bfvTripleServerSource, dealSquarePairs, quadraticActivation } from '../../beaver/index.js';
import { createBfvContext, generatePublicKey, generateSecretKey } from '../../bfv/index.js';
import { memoryChannelPair } from '../../channel/channel.js';
import { InvalidArgumentError } from '../../errors.js';
import { evaluateRelus, garbleRelus, reluClientChoiceBits, reluClientZeroLabels, reluCost, reluServerLabels } from '../../gc/relu.js';
import { P } from '../../math/share-field.js';
import { cotReceive, cotSend } from '../../ot/index.js';
import { COST_MODEL_FORMAT, type CostModel } from '../../planner/cost-model.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../random/index.js';
import { VERSION } from '../../version.js';
import { delphiBfvParameters } from './bfv-linear.js';
import { activationBytes } from './inference-cost.js';

/** Options of {@link calibrateCostModel}. */
export interface CalibrateOptions {
  /** Activation elements per measurement (default 2,000). */
  elements?: number;
  /** Randomness of the measured runs (default a fixed text seed: the work, not the timing, is reproducible). */
  rng?: Rng;
  /**
   * Also measure the BFV generation of square pairs (quadratic preprocessing) with Delphi's
   * parameters, one full ciphertext of slots (default true; a few seconds).
   */
  bfv?: boolean;
  onProgress?: (step: string, done: number, total: number) => void;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Measures the per-element costs with the project's implementations over in-memory channels:
 * ReLU6 preprocessing = garbleRelus + correlated OT extension of the client's 41 labels per ReLU
 * (the OT's fixed base-OT cost removed by measuring n and 2n elements and taking the difference),
 * ReLU6 online = the server's labels + evaluateRelus; quadratic online = quadraticActivation
 * (both parties) with dealt square pairs; quadratic preprocessing = BFV square pairs (§4.19) with
 * Delphi's parameters for one ciphertext of slots, after key generation. Bytes are those counted on
 * the channels, plus the garbled tables ({@link activationBytes}). Spec: §10.4.1
 */
export async function calibrateCostModel(options: CalibrateOptions = {}): Promise<CostModel> {
  const n = options.elements ?? 2000;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`elements must be a positive integer, got ${n}`);
  const rng = options.rng ?? fromTextSeed('delphi-ts/planner/calibrate');
  const report = (step: string, done: number) => options.onProgress?.(step, done, 5);
  const shares = (count: number) => Float64Array.from({ length: count }, () => uniformBelow(rng, P));

  // 1. Garbling and evaluation.
  report('garbling', 0);
  let t = now();
  const g = garbleRelus(n, rng, { kind: 'relu6' });
  const garbleMs = now() - t;
  const server = shares(n);
  const client = shares(n);
  const masks = shares(n);
  t = now();
  const serverLabels = reluServerLabels(g, server, masks);
  const zero = reluClientZeroLabels(g);
  const choice = reluClientChoiceBits(client);
  const clientLabels = new Uint32Array(zero.length);
  const delta = g.secrets.delta;
  for (let i = 0; i < choice.length; i++) for (let w = 0; w < 4; w++) clientLabels[4 * i + w] = zero[4 * i + w] ^ (choice[i] ? delta[w] : 0);
  evaluateRelus(g.params, g.garbled, serverLabels, clientLabels);
  const evalMs = now() - t;
  report('oblivious transfer', 1);

  // 2. Correlated OT for the client's labels, at n and 2n ReLUs.
  const ot = async (count: number): Promise<{ ms: number; bytes: number }> => {
    const [a, b] = memoryChannelPair();
    const bits = reluClientChoiceBits(shares(count));
    const start = now();
    await Promise.all([cotSend(a, bits.length, delta, rng.fork('cot-send')), cotReceive(b, bits, rng.fork('cot-recv'))]);
    return { ms: now() - start, bytes: a.stats.bytesSent + b.stats.bytesSent };
  };
  const ot1 = await ot(n);
  const ot2 = await ot(2 * n);
  report('Beaver squares', 2);

  // 3. Quadratic online.
  const [qa, qb] = memoryChannelPair();
  const [p0, p1] = dealSquarePairs(n, rng);
  const x0 = shares(n);
  const x1 = shares(n);
  t = now();
  await Promise.all([quadraticActivation(qa, 0, x0, p0), quadraticActivation(qb, 1, x1, p1)]);
  const quadMs = now() - t;
  const quadBytes = qa.stats.bytesSent + qb.stats.bytesSent;
  report('BFV square pairs', 4);

  // 4. Quadratic preprocessing: BFV square pairs (§4.19) for one ciphertext's worth of slots, after
  // the one-time key generation.
  let squareMs = 0;
  let squareBytes = 0;
  if (options.bfv ?? true) {
    const ctx = createBfvContext(delphiBfvParameters());
    const secretKey = generateSecretKey(ctx, rng);
    const publicKey = generatePublicKey(ctx, secretKey, rng);
    const [ca, sa] = memoryChannelPair();
    const client = bfvTripleClientSource(ctx, ca, 1, { secretKey, rng: rng.fork('bfv client') });
    const server = bfvTripleServerSource(ctx, sa, 0, { publicKey, rng: rng.fork('bfv server') });
    const slots = ctx.params.polyModulusDegree;
    t = now();
    await Promise.all([client.squarePairs(slots), server.squarePairs(slots)]);
    squareMs = (now() - t) / slots;
    squareBytes = (ca.stats.bytesSent + sa.stats.bytesSent) / slots;
  }
  report('done', 5);

  const bytes = activationBytes();
  return {
    format: COST_MODEL_FORMAT,
    version: 1,
    relu: {
      preprocessing: {
        ms: (garbleMs + Math.max(0, ot2.ms - ot1.ms)) / n,
        bytes: bytes.relu.preprocessing - 32 * reluCost({ kind: 'relu6' }).clientOts + Math.max(0, ot2.bytes - ot1.bytes) / n,
      },
      online: { ms: evalMs / n, bytes: bytes.relu.online },
    },
    quadratic: { preprocessing: { ms: squareMs, bytes: squareBytes }, online: { ms: quadMs / n, bytes: quadBytes / n } },
    calibration: {
      elements: n,
      software: `delphi-ts ${VERSION}`,
      note:
        'measured by calibrateCostModel over in-memory channels' +
        ((options.bfv ?? true) ? '; quadratic preprocessing: BFV square pairs, n = 8192, one full ciphertext' : '; quadratic preprocessing not measured'),
    },
  };
}
