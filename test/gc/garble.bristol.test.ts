/**
 * Garble and evaluate every Bristol circuit: aes_128 on FIPS-197 vectors (including the all-zero
 * key and block) and against OpenSSL, sha256 on the FIPS 180-4 one- and two-block messages, and the
 * 64-bit arithmetic circuits against BigInt on random inputs. Garbled table sizes follow the header's
 * AND count.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { garbleAndEvaluate } from '../../src/gc/local.js';
import { fromTextSeed } from '../../src/random/index.js';
import { hex, loadBristol, randomBigint } from './helpers.js';

const MASK64 = (1n << 64n) - 1n;
const big = (h: string): bigint => BigInt('0x' + h);
const IV = big('6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19');

function ecb(key: string, pt: string): string {
  const c = createCipheriv('aes-128-ecb', Buffer.from(key, 'hex'), null).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.from(pt, 'hex')), c.final()]).toString('hex');
}

describe('garbled aes_128', () => {
  const { circuit } = loadBristol('aes_128');
  it('FIPS-197 C.1, the all-zero vector and 6 random pairs (against OpenSSL), in one batch of 8', () => {
    const rng = fromTextSeed('gc/garble/aes');
    const pairs: [string, string][] = [
      ['000102030405060708090a0b0c0d0e0f', '00112233445566778899aabbccddeeff'],
      ['0'.repeat(32), '0'.repeat(32)],
      ...Array.from({ length: 6 }, () => [hex(randomBigint(rng, 128), 128), hex(randomBigint(rng, 128), 128)] as [string, string]),
    ];
    const { outputs, garbled } = garbleAndEvaluate(circuit, pairs.map(([k, p]) => [big(k), big(p)]), fromTextSeed('gc/garble/aes/garbler'));
    const got = outputs.map(([c]) => hex(c, 128));
    expect(got[0]).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(got[1]).toBe('66e94bd4ef8a2c3b884cfa59ca342b2e');
    expect(got).toEqual(pairs.map(([k, p]) => ecb(k, p)));
    expect(garbled.tables.length).toBe(8 * 6400 * 8);
  });
});

describe('garbled sha256', () => {
  const { circuit } = loadBristol('sha256');
  const block = (msg: string, blocks: number, index: number): bigint => {
    const bytes = new TextEncoder().encode(msg);
    const padded = new Uint8Array(64 * blocks);
    padded.set(bytes);
    padded[bytes.length] = 0x80;
    new DataView(padded.buffer).setBigUint64(padded.length - 8, BigInt(bytes.length) * 8n);
    return big(Buffer.from(padded.subarray(64 * index, 64 * index + 64)).toString('hex'));
  };
  it('"abc" (one block)', () => {
    const { outputs } = garbleAndEvaluate(circuit, [[block('abc', 1, 0), IV]], fromTextSeed('gc/garble/sha/1'));
    expect(hex(outputs[0][0], 256)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('the two-block FIPS 180-4 message, chaining two garbled compressions', () => {
    const msg = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
    const [[h1]] = garbleAndEvaluate(circuit, [[block(msg, 2, 0), IV]], fromTextSeed('gc/garble/sha/2a')).outputs;
    const [[h2]] = garbleAndEvaluate(circuit, [[block(msg, 2, 1), h1]], fromTextSeed('gc/garble/sha/2b')).outputs;
    expect(hex(h2, 256)).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });
});

describe('garbled 64-bit arithmetic against BigInt', () => {
  const cases: [string, number, (x: bigint, y: bigint) => bigint][] = [
    ['adder64', 2, (x, y) => (x + y) & MASK64],
    ['sub64', 2, (x, y) => (x - y) & MASK64],
    ['mult64', 2, (x, y) => (x * y) & MASK64],
    ['neg64', 1, (x) => -x & MASK64],
    ['zero_equal', 1, (x) => (x === 0n ? 1n : 0n)],
  ];
  for (const [name, arity, f] of cases) {
    it(`${name}: 100 random inputs and edge cases, one batch`, () => {
      const { circuit, headerGates } = loadBristol(name);
      expect(circuit.counts.total).toBe(headerGates);
      const rng = fromTextSeed(`gc/garble/${name}`);
      const edge = [0n, 1n, MASK64, 1n << 63n];
      const xs = [...edge, ...Array.from({ length: 96 }, () => randomBigint(rng, 64))];
      const ys = [...edge.slice().reverse(), ...Array.from({ length: 96 }, () => randomBigint(rng, 64))];
      const inputs = xs.map((x, i) => (arity === 2 ? [x, ys[i]] : [x]));
      const { outputs, garbled } = garbleAndEvaluate(circuit, inputs, fromTextSeed(`gc/garble/${name}/g`));
      expect(outputs).toEqual(xs.map((x, i) => [f(x, ys[i])]));
      expect(garbled.tables.length).toBe(8 * circuit.counts.and * 100);
    });
  }
});
