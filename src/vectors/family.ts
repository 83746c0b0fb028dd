/**
 * What a vector family is: a name (for `delphi vectors generate --family`) and the files it
 * generates, each with its declared layout.
 *
 * Spec: §12.4
 * @module
 */
import type { AlgorithmSpec } from './fields.js';
import type { VectorFile } from './format.js';

/** One generated file. Spec: §12.4 */
export interface VectorFileGenerator {
  /** Path below vectors/, e.g. "math/ntt.v1.json". */
  readonly path: string;
  readonly spec: AlgorithmSpec;
  /** Builds the file from the master seed (§12.3). Same seed, same file. */
  generate(masterSeed: Uint8Array): Promise<VectorFile>;
}

/** A named set of vector files. Spec: §12.4 */
export interface VectorFamily {
  readonly name: string;
  readonly description: string;
  readonly files: readonly VectorFileGenerator[];
}
