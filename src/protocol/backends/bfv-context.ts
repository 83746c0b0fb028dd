/**
 * One BFV context per parameter object, shared by the backends that use BFV (the linear layers and
 * the square pairs): building a context computes the NTT tables and RNS bases, so it is done once.
 *
 * Spec: §4.2
 * @module
 */
import { createBfvContext, type BfvContext, type BfvParameters } from '../../bfv/index.js';

const contexts = new WeakMap<BfvParameters, BfvContext>();

/** The context of `params`, created on first use and cached per parameter object. */
export function bfvContextFor(params: BfvParameters): BfvContext {
  let ctx = contexts.get(params);
  if (!ctx) {
    ctx = createBfvContext(params);
    contexts.set(params, ctx);
  }
  return ctx;
}
