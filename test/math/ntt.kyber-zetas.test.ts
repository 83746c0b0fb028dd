/**
 * Our twiddle tables regenerate the published Kyber NTT constants exactly.
 *
 * Source: CRYSTALS-Kyber reference implementation, `ref/ntt.c`, array `zetas[128]`
 * (github.com/pq-crystals/kyber). There q = 3329, ζ = 17 is the minimal primitive 256th root of
 * unity, and zetas[k] = 2^16·ζ^{brv7(k)} mod q (Montgomery form), centered. Kyber's NTT is
 * "incomplete" (128 degree-2 factors of X^256 + 1), so its twiddles are exactly those of our
 * negacyclic NTT of size n = 128 mod 3329 (ψ a primitive 256th root).
 */
import { describe, expect, it } from 'vitest';
import { NttTables, minimalPrimitiveRoot } from '../../src/math/index.js';

const KYBER_ZETAS = [
  -1044, -758, -359, -1517, 1493, 1422, 287, 202,
  -171, 622, 1577, 182, 962, -1202, -1474, 1468,
  573, -1325, 264, 383, -829, 1458, -1602, -130,
  -681, 1017, 732, 608, -1542, 411, -205, -1571,
  1223, 652, -552, 1015, -1293, 1491, -282, -1544,
  516, -8, -320, -666, -1618, -1162, 126, 1469,
  -853, -90, -271, 830, 107, -1421, -247, -951,
  -398, 961, -1508, -725, 448, -1065, 677, -1275,
  -1103, 430, 555, 843, -1251, 871, 1550, 105,
  422, 587, 177, -235, -291, -460, 1574, 1653,
  -246, 778, 1159, -147, -777, 1483, -602, 1119,
  -1590, 644, -872, 349, 418, 329, -156, -75,
  817, 1097, 603, 610, 1322, -1285, -1465, 384,
  -1215, -136, 1218, -1335, -874, 220, -1187, -1659,
  -1185, -1530, -1278, 794, -1510, -854, -870, 478,
  -108, -308, 996, 991, 958, -1460, 1522, 1628,
];

const Q = 3329;
const MONT = 2 ** 16 % Q; // 2285, i.e. −1044 centered

describe('Kyber zetas (pq-crystals ref/ntt.c)', () => {
  it('ζ = 17 is the minimal primitive 256th root mod 3329', () => {
    expect(minimalPrimitiveRoot(256, Q)).toBe(17);
    expect(KYBER_ZETAS.length).toBe(128);
  });

  it('zetas[k] = center(2^16 · rootPowers[k] mod q) for all k = 0..127', () => {
    const t = new NttTables(128, Q);
    expect(t.psi).toBe(17);
    const ours = Array.from(t.rootPowers, (w) => {
      const r = (MONT * w) % Q;
      return r > (Q - 1) / 2 ? r - Q : r;
    });
    expect(ours).toEqual(KYBER_ZETAS);
  });
});
