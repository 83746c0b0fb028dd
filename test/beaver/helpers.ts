/** Helpers of the Beaver tests: seeded generators, BigInt views, and running both parties. */
import { P_BIG } from '../../src/math/share-field.js';
import { fromTextSeed, type Rng } from '../../src/random/index.js';

export { floorDivBig, modP, randomField, randomSigned, signedBig } from '../sharing/helpers.js';

export function rngFor(label: string): Rng {
  return fromTextSeed(`test/beaver/${label}`);
}

/** (x + y) mod p on bigints. */
export function addBig(x: bigint, y: bigint): bigint {
  return (x + y) % P_BIG;
}

/** Runs both parties concurrently and returns [party 0's result, party 1's result]. */
export function both<T>(party0: Promise<T>, party1: Promise<T>): Promise<[T, T]> {
  return Promise.all([party0, party1]);
}
