/**
 * The error class the neural-network layer adds to those of src/errors.ts: a well-formed model
 * that uses something delphi-ts does not implement (an ONNX operator outside the supported
 * subset, a layer structure the fixed-point compiler cannot express exactly).
 *
 * Spec: §8.3
 * @module
 */
import { DelphiError } from '../errors.js';

/**
 * A valid input that uses a feature outside the supported subset (code `UNSUPPORTED`).
 * Spec: §8.3
 */
export class UnsupportedError extends DelphiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNSUPPORTED', message, options);
  }
}

/** `layer 3 ("conv2")`: how every error message names a layer. */
export function describeLayer(index: number, name: string): string {
  return `layer ${index} (${JSON.stringify(name)})`;
}
