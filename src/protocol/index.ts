/**
 * The Delphi protocol: a client learns the output of the server's network on its input, with
 * input-independent preprocessing (homomorphic encryption for linear layers, garbled circuits
 * for ReLUs, Beaver square pairs for quadratic activations) and a fast online phase on additive
 * shares over Z_p. Backends are pluggable; {@link insecureDealer} is a fast insecure stand-in for
 * tests and teaching.
 *
 * ```ts
 * import { compileFixedPoint, delphiMnistNetwork } from 'delphi-ts/nn';
 * import { bfvLinear, formatReport, garbledActivations, insecureDealer, runLocalInference } from 'delphi-ts/protocol';
 * import { fromTextSeed } from 'delphi-ts/random';
 *
 * const model = compileFixedPoint(delphiMnistNetwork(fromTextSeed('weights')));
 * const image = new Array(784).fill(0.5);
 * // Both parties in one process; over TCP use requestInference / serveInference on each side.
 * const { output, report } = await runLocalInference(model, image, {
 *   backend: { linear: bfvLinear(), activations: garbledActivations, triples: insecureDealer.triples },
 *   allowInsecure: true, // the dealer's triples are insecure (unused by an all-ReLU network)
 * });
 * console.log(output.prediction, formatReport(report));
 * ```
 *
 * As a service (§9.14): `ServiceClient.open` (setup once), `preprocess(n)` (one-time slots, kept in a
 * `SlotStore`), `infer(input)` (the online phase alone), `ServiceClient.resume` on a later connection;
 * the server runs `serveConnection` per connection.
 *
 * Spec: §9
 * @module
 */
export * from './architecture.js';
export * from './messages.js';
export * from './linear.js';
export * from './local-layers.js';
export * from './backend.js';
export * from './insecure-dealer.js';
export * from './bfv-linear.js';
export * from './garbled-activations.js';
export * from './bfv-triples.js';
export * from './blobs.js';
export * from './accounting.js';
export * from './session.js';
export * from './preprocess.js';
export * from './online.js';
export * from './client.js';
export * from './server.js';
export * from './local.js';
export * from './slot-store.js';
export * from './spill.js';
export * from './slot.js';
export * from './service-messages.js';
export * from './service-server.js';
export * from './service-client.js';
export * from './limits.js';
