/**
 * Typed errors shared by every module. Each error carries a stable machine-readable `code`
 * so that callers (and the CLI) can react to a class of failure without parsing messages,
 * and so that test vectors can name the error an invalid input must produce.
 *
 * Spec: §1.4
 * @module
 */

/** Stable error codes. Test vectors refer to these strings. */
export type DelphiErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_PARAMETERS'
  | 'INSECURE_PARAMETERS'
  | 'MALFORMED_INPUT'
  | 'SIZE_MISMATCH'
  | 'OUT_OF_RANGE'
  | 'PROTOCOL_ERROR'
  | 'TRANSPORT_ERROR'
  | 'UNSUPPORTED';

/** Base class of every error delphi-ts throws on purpose. Spec: §1.4 */
export class DelphiError extends Error {
  readonly code: DelphiErrorCode;
  constructor(code: DelphiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument has the wrong type, sign or shape (a programming error at the call site). */
export class InvalidArgumentError extends DelphiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** A parameter set is inconsistent (e.g. a modulus that is not an NTT prime for n). */
export class InvalidParametersError extends DelphiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_PARAMETERS', message, options);
  }
}

/** A parameter set is valid but below the security level, and insecure mode was not opted into. */
export class InsecureParametersError extends DelphiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INSECURE_PARAMETERS', message, options);
  }
}

/** Bytes or text that do not parse (bad magic, truncated buffer, bad line in a circuit file, …). */
export class MalformedInputError extends DelphiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MALFORMED_INPUT', message, options);
  }
}

/** Two objects that must agree in size do not. */
export class SizeMismatchError extends DelphiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SIZE_MISMATCH', message, options);
  }
}

/** A value lies outside its allowed range (e.g. a coefficient ≥ q). */
export class OutOfRangeError extends DelphiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('OUT_OF_RANGE', message, options);
  }
}

/** A peer sent a message that does not fit the protocol state. */
export class ProtocolError extends DelphiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROTOCOL_ERROR', message, options);
  }
}

/** The transport failed (closed, timed out, frame too large). */
export class TransportError extends DelphiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRANSPORT_ERROR', message, options);
  }
}

/** Throws {@link InvalidArgumentError} unless `condition` holds. */
export function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvalidArgumentError(message);
}
