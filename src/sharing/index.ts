/**
 * Additive secret sharing over the share field Z_p (p = 2061584302081), fixed-point encoding and
 * local truncation of shares. Spec: §7.1, §7.2, §7.3, §7.4
 * @module
 */
export { type PartyRole, sampleFieldVector } from './field-vector.js';
export { addPublic, addShares, negShare, reconstruct, scaleShare, share, subShares } from './additive.js';
export {
  decodeFixed, decodeFixedVec, DEFAULT_FRACTIONAL_BITS, dequantize, encodeFixed, encodeFixedVec, quantize,
} from './fixed-point.js';
export { truncatePlain, truncateShare, truncationFailureProbability } from './truncation.js';
export { quadraticFixed, relu6Fixed, reluFixed, type FixedQuadraticCoefficients } from './activations.js';
