/**
 * Beaver triples and square pairs (trusted dealer, pluggable sources), triples from BFV (§4.19), batched Beaver
 * multiplication and squaring over a Channel, and the quadratic activation.
 * Spec: §7.5, §7.6, §7.7, §7.8, §7.9
 * @module
 */
export { type BeaverTriples, type SquarePairs } from './triples.js';
export { dealSquarePairs, dealTriples } from './dealer.js';
export { type TripleSource, trustedDealerSources } from './source.js';
export { beaverMultiply, type BeaverOptions, beaverSquare, multiplyFixed, squareFixed } from './multiply.js';
export {
  DELPHI_QUADRATIC_COEFFICIENTS, quadraticActivation, type QuadraticCoefficients, quadraticReference,
} from './quadratic.js';
export {
  type BfvTripleClientOptions, bfvTripleClientSource, type BfvTripleOptions, type BfvTripleServerOptions,
  bfvTripleServerSource,
} from './bfv-triples.js';
