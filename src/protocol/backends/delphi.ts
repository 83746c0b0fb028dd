/**
 * Delphi's backend: the three sub-protocols the paper combines, BFV for the linear layers, garbled
 * circuits for ReLUs and BFV square pairs for quadratic layers, at Delphi's BFV parameters.
 *
 * Spec: §9.9.5
 * @module
 */
import type { ProtocolBackend } from '../backend.js';
import { bfvLinear, delphiBfvParameters, type BfvLinearOptions } from './bfv-linear.js';
import { bfvTriples, weakLambda } from './bfv-triples.js';
import { garbledActivations, garbledActivationsWith } from './garbled-activations.js';
import type { OtExtScheme } from '../../ot/softspoken.js';
import type { GarblingScheme } from '../../gc/garble.js';

/** Options of {@link delphiBackend}. */
export interface DelphiBackendOptions extends BfvLinearOptions {
  /** OT extension of the garbled ReLUs (default SoftSpokenOT, k = 4; §9.9.4, §6.11). */
  readonly ot?: OtExtScheme;
  /** Garbling scheme of the ReLU layers (default half gates; three halves, §5.13, has its own backend id). */
  readonly garbling?: GarblingScheme;
}

/**
 * Delphi's protocol: {@link bfvLinear} for linear layers, {@link garbledActivations} for ReLUs (the
 * client's labels by SoftSpokenOT unless `ot` says otherwise) and
 * {@link bfvTriples} for quadratic layers, all at Delphi's BFV parameters unless `parameters` says
 * otherwise. Secure (semi-honest, §11) with the default parameters; a flooding `lambda` below 40
 * marks the linear and triple backends insecure, so both parties then need `allowInsecure`. Spec: §9.9.5
 */
export function delphiBackend(options: DelphiBackendOptions = {}): ProtocolBackend {
  const parameters = options.parameters ?? delphiBfvParameters();
  const { ot, garbling, ...linearOptions } = options;
  const linear = bfvLinear({ ...linearOptions, parameters });
  return Object.freeze({
    linear: weakLambda(options.lambda) ? Object.freeze({ ...linear, secure: false }) : linear,
    activations: garbledActivationsWith({ ...(ot === undefined ? {} : { ot }), ...(garbling === undefined ? {} : { garbling }) }),
    triples: bfvTriples({ parameters, ...(options.lambda === undefined ? {} : { lambda: options.lambda }) }),
  });
}
