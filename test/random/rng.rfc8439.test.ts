import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  ChaCha20Rng,
  deriveSeed,
  fromSeed,
  fromTextSeed,
  seedFromHex,
  systemRng,
} from '../../src/random/index.js';
import { InvalidArgumentError } from '../../src/errors.js';

// RFC 8439 Appendix A.1, test vectors #1 and #2: ChaCha20 block function with an all-zero key and
// nonce, block counters 0 and 1. Our stream with an all-zero seed is exactly this keystream.
const RFC8439_A1_BLOCK0 =
  '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7' +
  'da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586';
const RFC8439_A1_BLOCK1 =
  '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed' +
  '29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f';

describe('ChaCha20Rng against RFC 8439 A.1', () => {
  it('an all-zero seed yields the RFC keystream, blocks 0 and 1', () => {
    const rng = fromSeed(new Uint8Array(32));
    expect(bytesToHex(rng.bytes(64))).toBe(RFC8439_A1_BLOCK0);
    expect(bytesToHex(rng.bytes(64))).toBe(RFC8439_A1_BLOCK1);
  });

  it('draws of any sizes concatenate to the same stream', () => {
    const whole = fromSeed(new Uint8Array(32)).bytes(10_000);
    const rng = fromSeed(new Uint8Array(32));
    const parts: Uint8Array[] = [];
    for (const n of [1, 3, 63, 64, 65, 4000, 5804]) parts.push(rng.bytes(n));
    const joined = new Uint8Array(10_000);
    let off = 0;
    for (const p of parts) {
      joined.set(p, off);
      off += p.length;
    }
    expect(joined).toEqual(whole);
    expect(bytesToHex(whole.subarray(0, 64))).toBe(RFC8439_A1_BLOCK0);
  });

  it('uint32 reads 4 stream bytes little-endian, across buffer boundaries too', () => {
    const bytes = fromSeed(new Uint8Array(32)).bytes(8200);
    const rng = fromSeed(new Uint8Array(32));
    rng.bytes(4094); // leave 2 bytes in the first 4096-byte buffer
    const v = rng.uint32();
    const expected = (bytes[4094] | (bytes[4095] << 8) | (bytes[4096] << 16) | (bytes[4097] << 24)) >>> 0;
    expect(v).toBe(expected);
    expect(rng.uint32()).toBe((bytes[4098] | (bytes[4099] << 8) | (bytes[4100] << 16) | (bytes[4101] << 24)) >>> 0);
  });
});

describe('seeding', () => {
  it('same seed ⇒ same stream; different seeds ⇒ different streams', () => {
    const s = seedFromHex('00'.repeat(31) + '01');
    expect(fromSeed(s).bytes(256)).toEqual(fromSeed(s).bytes(256));
    expect(fromSeed(s).bytes(32)).not.toEqual(fromSeed(new Uint8Array(32)).bytes(32));
    expect(fromTextSeed('a').bytes(32)).toEqual(fromTextSeed('a').bytes(32));
    expect(fromTextSeed('a').bytes(32)).not.toEqual(fromTextSeed('b').bytes(32));
  });

  it('the seed is copied, so later changes to the caller buffer do not matter', () => {
    const s = new Uint8Array(32);
    const rng = new ChaCha20Rng(s);
    s[0] = 1;
    expect(bytesToHex(rng.bytes(64))).toBe(RFC8439_A1_BLOCK0);
  });

  it('fork derives a child from the next 32 stream bytes and the label', () => {
    const parent = fromSeed(new Uint8Array(32));
    const child = parent.fork('server');
    const expectedSeed = deriveSeed(fromSeed(new Uint8Array(32)).bytes(32), 'server');
    expect(child.bytes(48)).toEqual(fromSeed(expectedSeed).bytes(48));
    const other = fromSeed(new Uint8Array(32)).fork('client');
    expect(other.bytes(16)).not.toEqual(fromSeed(expectedSeed).bytes(16));
  });

  it('systemRng draws fresh seeds', () => {
    expect(systemRng().bytes(32)).not.toEqual(systemRng().bytes(32));
  });

  it('rejects malformed seeds with a typed error', () => {
    expect(() => fromSeed(new Uint8Array(31))).toThrow(InvalidArgumentError);
    expect(() => fromSeed('x' as unknown as Uint8Array)).toThrow(/32 bytes/);
    expect(() => seedFromHex('abc')).toThrow(InvalidArgumentError);
    expect(seedFromHex('0x' + 'ff'.repeat(32))).toEqual(new Uint8Array(32).fill(255));
    expect(() => fromSeed(new Uint8Array(32)).bytes(-1)).toThrow(InvalidArgumentError);
  });
});
