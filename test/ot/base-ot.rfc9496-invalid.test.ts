/**
 * Malformed base-OT input: the invalid ristretto255 encodings of RFC 9496 Appendix A.2
 * (non-canonical field elements, negative field elements, non-square x², negative xy, s = −1), the
 * identity element, and truncated, padded or mislabelled messages. Each is injected into an
 * otherwise honest run and must be rejected with a typed error before any key is derived.
 */
import { describe, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { baseOtReceive, baseOtSend, baseRandomOtReceive, baseRandomOtSend, coDeriveKey, decodePeerPoint } from '../../src/ot/base-ot.js';
import { InvalidArgumentError, MalformedInputError, OutOfRangeError, ProtocolError, SizeMismatchError, TransportError } from '../../src/errors.js';
import { fromHex, reasonOf, rngFor, runBoth, TamperingChannel } from './helpers.js';

/** RFC 9496 Appendix A.2: byte strings that MUST NOT decode to a ristretto255 element. */
const RFC9496_INVALID = [
  // Non-canonical field encodings.
  '00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  // Negative field elements.
  '0100000000000000000000000000000000000000000000000000000000000000',
  '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20',
  'c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562',
  'c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78',
  '47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24',
  'f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72',
  '87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309',
  // Non-square x².
  '26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371',
  '4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f',
  'de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b',
  'bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042',
  '2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08',
  'f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22',
  '8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731',
  '2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b',
  // Negative xy value.
  '3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e',
  'a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220',
  'd483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e',
  '8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32',
  '32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b',
  '227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165',
  '5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e',
  '445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b',
  // s = −1, which causes y = 0.
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];
const IDENTITY = '0000000000000000000000000000000000000000000000000000000000000000';

const choices = Uint8Array.of(0, 1, 1, 0);

/** Runs a random base OT in which the sender's `index`-th message is tampered with. */
function tamperSender(index: number, tamper: (m: Uint8Array) => Uint8Array) {
  const [x, y] = memoryChannelPair();
  return runBoth(
    x,
    () => baseRandomOtSend(new TamperingChannel(x, index, tamper), choices.length, rngFor('bad-s')),
    () => baseRandomOtReceive(y, choices, rngFor('bad-r')),
  );
}

/** Runs a random base OT in which the receiver's `index`-th message is tampered with. */
function tamperReceiver(index: number, tamper: (m: Uint8Array) => Uint8Array) {
  const [x, y] = memoryChannelPair();
  return runBoth(
    x,
    () => baseRandomOtSend(x, choices.length, rngFor('bad-s')),
    () => baseRandomOtReceive(new TamperingChannel(y, index, tamper), choices, rngFor('bad-r')),
  );
}

function withPoint(m: Uint8Array, offset: number, pointHex: string): Uint8Array {
  const out = Uint8Array.from(m);
  out.set(fromHex(pointHex), offset);
  return out;
}

describe('invalid points (RFC 9496 A.2 and the identity)', () => {
  it('decodePeerPoint rejects every RFC 9496 invalid encoding and the identity with MalformedInputError', () => {
    for (const enc of RFC9496_INVALID) expect(() => decodePeerPoint(fromHex(enc), 'point'), enc).toThrow(MalformedInputError);
    expect(() => decodePeerPoint(fromHex(IDENTITY), 'point')).toThrow(/identity/);
    expect(() => decodePeerPoint(new Uint8Array(31), 'point')).toThrow(MalformedInputError);
  });

  it('the receiver rejects an invalid sender point A (every A.2 encoding, and the identity)', async () => {
    for (const enc of [...RFC9496_INVALID, IDENTITY]) {
      const [s, r] = await tamperSender(0, (m) => withPoint(m, 1, enc));
      const err = reasonOf(r);
      expect(err, enc).toBeInstanceOf(MalformedInputError);
      expect(String(err)).toMatch(/point A/);
      expect(reasonOf(s)).toBeInstanceOf(TransportError);
    }
  });

  it('the sender rejects an invalid receiver point B_i, naming its index', async () => {
    for (const [k, enc] of [...RFC9496_INVALID, IDENTITY].entries()) {
      const i = k % choices.length;
      const [s] = await tamperReceiver(0, (m) => withPoint(m, 5 + 32 * i, enc));
      const err = reasonOf(s);
      expect(err, enc).toBeInstanceOf(MalformedInputError);
      expect(String(err)).toContain(`B_${i}`);
    }
  });
});

describe('malformed base-OT messages', () => {
  it('rejects truncated, padded, empty and mislabelled sender messages', async () => {
    const cases: [(m: Uint8Array) => Uint8Array, new (...args: never[]) => Error][] = [
      [(m) => m.subarray(0, 32), MalformedInputError],
      [(m) => Uint8Array.from([...m, 0]), MalformedInputError],
      [() => new Uint8Array(0), MalformedInputError],
      [(m) => Uint8Array.from([0x02, ...m.subarray(1)]), ProtocolError],
    ];
    for (const [tamper, type] of cases) {
      const [, r] = await tamperSender(0, tamper);
      expect(reasonOf(r)).toBeInstanceOf(type);
    }
  });

  it('rejects truncated receiver messages and a wrong point count', async () => {
    const cases: [(m: Uint8Array) => Uint8Array, new (...args: never[]) => Error][] = [
      [(m) => m.subarray(0, m.length - 1), MalformedInputError],
      [(m) => m.subarray(0, 3), MalformedInputError],
      [(m) => Uint8Array.from([...m, ...m.subarray(5, 37)]), MalformedInputError],
      [(m) => Uint8Array.from([m[0], 5, 0, 0, 0, ...m.subarray(5), ...m.subarray(5, 37)]), ProtocolError],
      [(m) => Uint8Array.from([0x03, ...m.subarray(1)]), ProtocolError],
    ];
    for (const [tamper, type] of cases) {
      const [s] = await tamperReceiver(0, tamper);
      expect(reasonOf(s)).toBeInstanceOf(type);
    }
  });

  it('rejects a truncated or miscounted ciphertext message in the chosen-message variant', async () => {
    const pairs = Array.from(choices, () => [new Uint8Array(8), new Uint8Array(8).fill(1)] as const);
    for (const [tamper, type] of [
      [(m: Uint8Array) => m.subarray(0, m.length - 1), MalformedInputError],
      [(m: Uint8Array) => m.subarray(0, 6), MalformedInputError],
      [(m: Uint8Array) => Uint8Array.from([m[0], 3, 0, 0, 0, ...m.subarray(5)]), ProtocolError],
    ] as const) {
      const [x, y] = memoryChannelPair();
      const [, r] = await runBoth(
        x,
        () => baseOtSend(new TamperingChannel(x, 1, tamper), pairs, rngFor('c-s')),
        () => baseOtReceive(y, choices, rngFor('c-r')),
      );
      expect(reasonOf(r)).toBeInstanceOf(type);
    }
  });
});

describe('bad arguments', () => {
  it('rejects non-bit choices, bad counts, unequal message lengths and bad KDF inputs', async () => {
    const [x, y] = memoryChannelPair();
    await expect(baseRandomOtReceive(y, Uint8Array.of(0, 2), rngFor('a'))).rejects.toThrow(OutOfRangeError);
    await expect(baseRandomOtSend(x, -1, rngFor('a'))).rejects.toThrow(InvalidArgumentError);
    await expect(baseRandomOtSend(x, 1.5, rngFor('a'))).rejects.toThrow(InvalidArgumentError);
    await expect(baseOtSend(x, [[new Uint8Array(2), new Uint8Array(3)]], rngFor('a'))).rejects.toThrow(SizeMismatchError);
    const p = new Uint8Array(32);
    expect(() => coDeriveKey(new Uint8Array(0), -1, 0, p, p, p)).toThrow(InvalidArgumentError);
    expect(() => coDeriveKey(new Uint8Array(0), 0, 2, p, p, p)).toThrow(InvalidArgumentError);
    expect(() => coDeriveKey(new Uint8Array(0), 0, 0, p, new Uint8Array(31), p)).toThrow(InvalidArgumentError);
    // Nothing was sent by the failed calls.
    expect(x.stats.messagesSent + y.stats.messagesSent).toBe(0);
  });
});
