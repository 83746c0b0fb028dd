/**
 * SoftSpokenOT (§6.11) fed malformed or truncated messages by an otherwise honest peer: the GGM-sums
 * message and the correction chunks are checked (tag, reserved bytes, k, counts, exact length)
 * before use, with typed errors — MalformedInputError for bad lengths and fields, ProtocolError for
 * a wrong tag or a peer with another k.
 */
import { describe, expect, it } from 'vitest';
import { MalformedInputError, ProtocolError } from '../../src/errors.js';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { OtExtReceiver, OtExtSender } from '../../src/ot/iknp.js';
import { softSpokenScheme } from '../../src/ot/softspoken.js';
import { randomChoices, reasonOf, rngFor, runBoth, TamperingChannel } from './helpers.js';

const scheme = softSpokenScheme(4);

/** Setup with the receiver's `index`-th message (0: base-OT points, 1: GGM sums, 2: first chunk) tampered. */
async function tampered(index: number, tamper: (m: Uint8Array) => Uint8Array) {
  const [a, b] = memoryChannelPair();
  const bad = new TamperingChannel(b, index, tamper);
  const choices = randomChoices('ss-bad', 300);
  const [s, r] = await runBoth(
    a,
    async () => {
      const sender = await OtExtSender.setup(a, rngFor('ss-bad/s'), { scheme });
      return sender.sendRandomCorrelated(300);
    },
    async () => {
      const receiver = await OtExtReceiver.setup(bad, rngFor('ss-bad/r'), { scheme, chunkSize: 256 });
      return receiver.receiveRandomCorrelated(choices);
    },
  );
  return { s, r };
}

describe('SoftSpokenOT rejects malformed messages', () => {
  const cases: [string, number, (m: Uint8Array) => Uint8Array, typeof MalformedInputError | typeof ProtocolError][] = [
    ['GGM sums truncated by one byte', 1, (m) => m.subarray(0, m.length - 1), MalformedInputError],
    ['GGM sums with one byte too many', 1, (m) => Uint8Array.from([...m, 0]), MalformedInputError],
    ['GGM sums cut inside the header', 1, (m) => m.subarray(0, 5), MalformedInputError],
    ['GGM sums empty', 1, () => new Uint8Array(0), MalformedInputError],
    ['GGM sums with a non-zero reserved byte', 1, (m) => ((m[2] = 1), m), MalformedInputError],
    ['GGM sums with a wrong count', 1, (m) => ((m[4] ^= 1), m), MalformedInputError],
    ['GGM sums claiming another k', 1, (m) => ((m[1] = 2), m), ProtocolError],
    ['GGM sums with another tag', 1, (m) => ((m[0] = 0x13), m), ProtocolError],
    ['corrections truncated by one row', 2, (m) => m.subarray(0, m.length - 32), MalformedInputError],
    ['corrections with IKNP\'s 128 rows', 2, (m) => {
      const x = new Uint8Array(16 + 4 * (m.length - 16)); // 32 rows → 128 rows, same header
      x.set(m.subarray(0, 16));
      return x;
    }, MalformedInputError],
    ['corrections cut inside the header', 2, (m) => m.subarray(0, 9), MalformedInputError],
  ];
  for (const [name, index, tamper, type] of cases) {
    it(`${name}: ${type.name}`, async () => {
      const { s } = await tampered(index, tamper);
      expect(reasonOf(s)).toBeInstanceOf(type);
    });
  }

  it('an untouched run succeeds (the tampering is what fails the cases above)', async () => {
    const { s, r } = await tampered(99, (m) => m);
    expect(s.status).toBe('fulfilled');
    expect(r.status).toBe('fulfilled');
  });
});
