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
 * The backends live in ./backends: `bfvLinear`, `garbledActivations`, `bfvTriples`, `insecureDealer`
 * and `delphiBackend()` that combines the first three; beside them the whole-inference cost
 * (`estimateInferenceCost`, `estimateModelCost`, `DEFAULT_COST_MODEL`) and `calibrateCostModel`, which
 * price a model for the planner (§10.4).
 *
 * Spec: §9
 * @module
 */
export {
  type Architecture, architectureFingerprint, type ArchitectureLayer, decodeArchitecture, encodeArchitecture,
  publicArchitecture, type WeightedArchitectureLayer,
} from './architecture.js';
export { type BackendIds, PROTOCOL_VERSION } from './messages.js';
export {
  type ActivationBackend, type ActivationClientLayer, type ActivationClientSession, type ActivationLayerInfo,
  type ActivationServerLayer, type ActivationServerSession, backendIds, type BackendSetup,
  type ComponentMessageBounds, type LinearBackend, type LinearClientSession, type LinearServerSession,
  type MessageBoundsFunction, type ProtocolBackend, type RestoreContext, type ServerBackendSetup, type StateParts,
  type TripleBackend, type WeightedModelLayer,
} from './backend.js';
export { BACKEND_PARAM, FINGERPRINT_PARAM, serviceHelloOptions, type ServiceHelloOptions } from './hello.js';
export { insecureDealer } from './backends/insecure-dealer.js';
export { bfvLinear, type BfvLinearOptions, delphiBfvParameters } from './backends/bfv-linear.js';
export { garbledActivations } from './backends/garbled-activations.js';
export { bfvTriples, type BfvTriplesOptions } from './backends/bfv-triples.js';
export { delphiBackend, type DelphiBackendOptions } from './backends/delphi.js';
export {
  activationBytes, type BfvSizes, DEFAULT_COST_MODEL, estimateInferenceCost, estimateModelCost,
  type InferenceCostEstimate, type StepEstimate,
} from './backends/inference-cost.js';
export { calibrateCostModel, type CalibrateOptions } from './backends/calibrate.js';
export {
  formatBytes, formatReport, type InferenceReport, type MergedPhaseCost, type MergedStepCost,
  type PartyReport, type PhaseCost, type ProtocolParty, type ProtocolPhase, type ProtocolProgress,
  type ProtocolProgressCallback, type StepCost, type Traffic,
} from './accounting.js';
export {
  type ClientOptions, type ClientSession, type PartyOptions, type ServerOptions, type ServerSession,
} from './session.js';
export { type PhaseOptions } from './preprocess.js';
export {
  type ClientInput, type ClientOutput, type QuadraticShareRecord, type ServerOutput, type ShareRecord,
} from './online.js';
export { type InferenceResult, requestInference } from './client.js';
export { serveInference, type ServeResult } from './serve-inference.js';
export { type LocalInferenceOptions, type LocalInferenceResult, runLocalInference } from './local.js';
export { MAX_SLOT_RECORD_BYTES, MemorySlotStore, type SlotRecords, type SlotStore, type TakenSlot } from './slot-store.js';
export { decodeSessionRecord, encodeSessionRecord, type SessionRecord } from './slot.js';
export {
  DEFAULT_REQUEST_DEADLINES, DEFAULT_SERVICE_LIMITS, serveConnection, type ServiceConnectionReport,
  type ServiceLimits, type ServiceServerOptions, sweepSessions,
} from './service-server.js';
export {
  NoSlotLeftError, ServiceClient, type ServiceClientOptions, type ServiceInference,
  type ServiceResumeOptions,
} from './service-client.js';
export { MemorySpillStore, type SpillHandle, type SpillStore } from './spill.js';
