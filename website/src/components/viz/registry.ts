/**
 * The visualizations the site knows. Each one is a component in this folder, loaded on demand,
 * that computes what it shows with the library in the browser. To add one (a garbled AND gate,
 * the BFV noise budget along a computation, …): write `MyViz.tsx` exporting a default component
 * taking {@link VizProps}, built from VizFrame parts and the charts in ./charts, then add an entry
 * here. It then appears on /visualizations and can be placed in any Markdown page with
 *
 *     ```viz
 *     my-id
 *     someParam=value
 *     ```
 */
import type { ComponentType } from 'react';

/** Parameters given in the ```viz block (`key=value` lines), as strings. */
export interface VizProps {
  params: Readonly<Record<string, string>>;
}

export interface VisualizationInfo {
  /** Stable id, used in ```viz blocks and as the anchor on /visualizations. */
  id: string;
  title: string;
  /** One or two sentences: what is shown and why it matters. */
  summary: string;
  /** Library modules the visualization computes with (shown in its footer). */
  uses: string[];
  /**
   * Computes for seconds on the page's thread: mounted only once the frame scrolls into view, so
   * that a page with several visualizations stays responsive.
   */
  heavy?: boolean;
  load(): Promise<{ default: ComponentType<VizProps> }>;
}

export const visualizations: VisualizationInfo[] = [
  {
    id: 'randomness',
    title: 'Seeded randomness: the ChaCha20 stream and the error distribution',
    summary:
      'A text seed becomes a ChaCha20 key; the same seed always gives the same bytes. The centered binomial ' +
      'sampler turns those bytes into the small errors of lattice cryptography — compare its histogram with ' +
      'the exact distribution.',
    uses: ['delphi-ts/random'],
    load: () => import('./RandomnessViz'),
  },
  {
    id: 'rejection-sampling',
    title: 'Rejection sampling: the cost of an exactly uniform draw',
    summary:
      'uniformBelow(rng, bound) draws just enough random bits and retries when the candidate is out of range. ' +
      'Measured here: random words consumed per sample, for every bound, against the expected 2^k / bound.',
    uses: ['delphi-ts/random'],
    load: () => import('./RejectionViz'),
  },
  {
    id: 'garbled-gate',
    title: 'Garbled circuits: one AND gate under half-gates',
    summary:
      'The garbler picks a secret Δ and two labels per wire; an AND gate becomes two 16-byte ciphertexts. The ' +
      'evaluator, holding one label per input wire, computes one label of the output wire and decodes only that ' +
      'bit. Pick the inputs and watch which labels travel.',
    uses: ['delphi-ts/gc', 'delphi-ts/random'],
    load: () => import('./GarbledGateViz'),
  },
  {
    id: 'noise-budget',
    title: 'BFV: the noise budget along a computation',
    summary:
      'Every BFV ciphertext carries noise, and every operation makes it grow; when the invariant noise budget ' +
      'reaches zero, decryption returns garbage. Here x is encrypted under real parameter sets and a small ' +
      'program runs on it: the budget after each operation, and whether the ciphertext still decrypts correctly.',
    uses: ['delphi-ts/bfv', 'delphi-ts/random'],
    heavy: true,
    load: () => import('./NoiseBudgetViz'),
  },
  {
    id: 'private-inference',
    title: 'A private inference in this page',
    summary:
      'Draw a digit: the client sends it through Delphi’s protocol — homomorphic encryption, oblivious transfer and ' +
      'garbled circuits — to a server holding a trained MNIST network (98.5 % accurate), over an in-memory channel ' +
      'with fresh randomness. The client learns the logits, and they equal the plaintext fixed-point evaluation ' +
      'exactly. Traffic and time are measured per phase.',
    uses: ['delphi-ts/protocol', 'delphi-ts/nn', 'delphi-ts/bfv', 'delphi-ts/random'],
    heavy: true,
    load: () => import('./PrivateInferenceViz'),
  },
];

export function findVisualization(id: string): VisualizationInfo | undefined {
  return visualizations.find((v) => v.id === id);
}
