/**
 * Oblivious transfer: Chou–Orlandi base OT over ristretto255 and semi-honest IKNP/ALSZ or
 * SoftSpokenOT extension (chosen-message, correlated, random and random-correlated OT of 128-bit blocks).
 * This is how the Delphi client obtains the garbled-circuit labels of its inputs without revealing
 * them. Spec: §6
 * @module
 */
export { type BaseOtOptions, baseOtReceive, baseOtSend } from './base-ot.js';
export {
  OtExtReceiver, type OtExtReceiverOptions, OtExtSender, type OtExtSenderOptions, type OtMessagePairs,
} from './iknp.js';
export { cotReceive, cotSend, otExtReceive, otExtSend, rotReceive, rotSend } from './one-shot.js';
export { DEFAULT_SOFTSPOKEN_K, IKNP_SCHEME, type OtExtScheme, otUploadBytesPerOt, softSpokenScheme } from './softspoken.js';
