/**
 * The opt-ins §11.1 asks for on the command line: a flag that weakens the protocol is refused
 * unless `--insecure` is given too. Today that is `--seed` on `serve` and `infer`, which makes all
 * of an end's randomness (keys, masks, labels) predictable from the seed.
 *
 * Spec: §11.1
 * @module
 */
import { UsageError } from './command.js';

/** Throws {@link UsageError} when `--seed` is given without `--insecure`. Spec: §11.1 */
export function checkSeedFlag(seed: string | undefined, insecure: boolean | undefined): void {
  if (seed !== undefined && insecure !== true) {
    throw new UsageError('--seed makes every key and mask predictable from the seed: pass --insecure as well (reproducible tests and vectors only)');
  }
}
