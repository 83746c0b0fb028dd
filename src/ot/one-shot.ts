/**
 * One-call OT extension: set up a session (128 base OTs) and run a single batch. Use the session
 * classes of iknp.ts directly to amortise the base OTs over many batches.
 *
 * Spec: §6.8
 * @module
 */
import type { Channel } from '../channel/channel.js';
import type { Rng } from '../random/rng.js';
import { OtExtReceiver, OtExtSender, type OtExtReceiverOptions, type OtExtSenderOptions, type OtMessagePairs } from './iknp.js';

/**
 * Chosen-message OT extension, sender side: the receiver learns `messages.m0[i]` or
 * `messages.m1[i]` (128-bit blocks) by its i-th choice bit. Spec: §6.8
 */
export async function otExtSend(
  channel: Channel,
  messages: OtMessagePairs,
  rng: Rng,
  options: OtExtSenderOptions = {},
): Promise<void> {
  const session = await OtExtSender.setup(channel, rng, options);
  await session.send(messages.m0, messages.m1);
}

/**
 * Chosen-message OT extension, receiver side: returns the chosen block of each pair for choice bits
 * `choices` (one byte each, 0 or 1). Spec: §6.8
 */
export async function otExtReceive(
  channel: Channel,
  choices: Uint8Array,
  rng: Rng,
  options: OtExtReceiverOptions = {},
): Promise<Uint32Array> {
  const session = await OtExtReceiver.setup(channel, rng, options);
  return session.receive(choices);
}

/**
 * Correlated OT extension, sender side: returns `count` blocks m0 (m1 = m0 ⊕ Δ); the receiver
 * learns m0 ⊕ r_i·Δ. Spec: §6.8
 */
export async function cotSend(
  channel: Channel,
  count: number,
  delta: Uint32Array,
  rng: Rng,
  options: OtExtSenderOptions = {},
): Promise<Uint32Array> {
  const session = await OtExtSender.setup(channel, rng, options);
  return session.sendCorrelated(count, delta);
}

/** Correlated OT extension, receiver side: returns m0_i ⊕ r_i·Δ for each choice bit. Spec: §6.8 */
export async function cotReceive(
  channel: Channel,
  choices: Uint8Array,
  rng: Rng,
  options: OtExtReceiverOptions = {},
): Promise<Uint32Array> {
  const session = await OtExtReceiver.setup(channel, rng, options);
  return session.receiveCorrelated(choices);
}

/** Random OT extension, sender side: returns `count` random message pairs. Spec: §6.8 */
export async function rotSend(
  channel: Channel,
  count: number,
  rng: Rng,
  options: OtExtSenderOptions = {},
): Promise<OtMessagePairs> {
  const session = await OtExtSender.setup(channel, rng, options);
  return session.sendRandom(count);
}

/** Random OT extension, receiver side: returns the chosen random message of each pair. Spec: §6.8 */
export async function rotReceive(
  channel: Channel,
  choices: Uint8Array,
  rng: Rng,
  options: OtExtReceiverOptions = {},
): Promise<Uint32Array> {
  const session = await OtExtReceiver.setup(channel, rng, options);
  return session.receiveRandom(choices);
}
