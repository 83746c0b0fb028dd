/**
 * The SCALE-MAMBA Bristol Fashion circuits, evaluated in the clear by the plaintext evaluator:
 * aes_128 against FIPS-197 and OpenSSL (node:crypto), sha256 against FIPS 180-4 and node:crypto,
 * the 64-bit arithmetic circuits against BigInt. Gate counts must equal the header's, and writing a
 * parsed file back must reproduce it byte for byte.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { writeBristol } from '../../src/gc/bristol.js';
import { evaluatePlain } from '../../src/gc/plain.js';
import { fromTextSeed } from '../../src/random/index.js';
import { bristolText, hex, loadBristol, randomBigint } from './helpers.js';

const MASK64 = (1n << 64n) - 1n;
const big = (h: string): bigint => BigInt('0x' + h);

function aesOpenSsl(keyHex: string, ptHex: string): string {
  const c = createCipheriv('aes-128-ecb', Buffer.from(keyHex, 'hex'), null).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.from(ptHex, 'hex')), c.final()]).toString('hex');
}

/** SHA-256 of `msg` through the circuit: pad, then chain the compression function over blocks. */
function sha256ViaCircuit(msg: Uint8Array): string {
  const { circuit } = loadBristol('sha256');
  const len = msg.length;
  const padded = new Uint8Array(Math.ceil((len + 9) / 64) * 64);
  padded.set(msg);
  padded[len] = 0x80;
  new DataView(padded.buffer).setBigUint64(padded.length - 8, BigInt(len) * 8n);
  let h = big('6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19');
  for (let off = 0; off < padded.length; off += 64) {
    const block = big(Buffer.from(padded.subarray(off, off + 64)).toString('hex'));
    [h] = evaluatePlain(circuit, [block, h]);
  }
  return hex(h, 256);
}

describe('aes_128.txt', () => {
  const { circuit, headerGates, headerWires } = loadBristol('aes_128');
  const aes = (k: string, p: string): string => hex(evaluatePlain(circuit, [big(k), big(p)])[0], 128);

  it('FIPS-197 Appendix C.1', () => {
    expect(aes('000102030405060708090a0b0c0d0e0f', '00112233445566778899aabbccddeeff')).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
  });
  it('all-zero key and plaintext', () => {
    expect(aes('0'.repeat(32), '0'.repeat(32))).toBe('66e94bd4ef8a2c3b884cfa59ca342b2e');
  });
  it('random keys and plaintexts against OpenSSL', () => {
    const rng = fromTextSeed('gc/bristol/aes');
    for (let i = 0; i < 8; i++) {
      const k = hex(randomBigint(rng, 128), 128);
      const p = hex(randomBigint(rng, 128), 128);
      expect(aes(k, p)).toBe(aesOpenSsl(k, p));
    }
  });
  it('gate counts match the header and SOURCES.md', () => {
    expect(circuit.counts).toMatchObject({ and: 6400, xor: 28176, inv: 2087, total: headerGates });
    expect(circuit.wireCount).toBe(headerWires);
    expect(circuit.inputs.map((i) => [i.party, i.width])).toEqual([
      ['garbler', 128],
      ['evaluator', 128],
    ]);
  });
});

describe('sha256.txt', () => {
  it('one block: "abc" (FIPS 180-4)', () => {
    expect(sha256ViaCircuit(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('two blocks: "abcdbcde…nopq" (FIPS 180-4)', () => {
    const msg = new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    expect(sha256ViaCircuit(msg)).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });
  it('random messages against node:crypto', () => {
    const rng = fromTextSeed('gc/bristol/sha256');
    for (const len of [0, 55, 56, 64, 100]) {
      const msg = rng.bytes(len);
      expect(sha256ViaCircuit(msg)).toBe(createHash('sha256').update(msg).digest('hex'));
    }
  });
  it('gate counts match the header', () => {
    const { circuit, headerGates } = loadBristol('sha256');
    expect(circuit.counts.and).toBe(22573);
    expect(circuit.counts.total).toBe(headerGates);
  });
});

describe('64-bit arithmetic circuits against BigInt', () => {
  const rng = fromTextSeed('gc/bristol/arith');
  const samples = (n: number): bigint[] => [0n, 1n, MASK64, 1n << 63n, ...Array.from({ length: n }, () => randomBigint(rng, 64))];
  const cases: [string, number, (x: bigint, y: bigint) => bigint][] = [
    ['adder64', 2, (x, y) => (x + y) & MASK64],
    ['sub64', 2, (x, y) => (x - y) & MASK64],
    ['mult64', 2, (x, y) => (x * y) & MASK64],
    ['neg64', 1, (x) => -x & MASK64],
    ['zero_equal', 1, (x) => (x === 0n ? 1n : 0n)],
  ];
  for (const [name, arity, f] of cases) {
    it(name, () => {
      const { circuit, headerGates } = loadBristol(name);
      expect(circuit.counts.total).toBe(headerGates);
      const xs = samples(60);
      const ys = samples(60).reverse();
      for (let i = 0; i < xs.length; i++) {
        const args = arity === 2 ? [xs[i], ys[i]] : [xs[i]];
        expect(evaluatePlain(circuit, args), `${name}(${args.join(', ')})`).toEqual([f(xs[i], ys[i])]);
      }
    });
  }
});

describe('writeBristol', () => {
  for (const name of ['adder64', 'sub64', 'neg64', 'zero_equal', 'mult64', 'aes_128', 'sha256']) {
    it(`reproduces ${name}.txt byte for byte`, () => {
      expect(writeBristol(loadBristol(name).circuit) === bristolText(name)).toBe(true);
    });
  }
});
