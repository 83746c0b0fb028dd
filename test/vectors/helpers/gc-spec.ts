/**
 * §5.5 and §5.6 from the spec text, for consumers: a Bristol Fashion interpreter, and a half-gates
 * garbler and evaluator on byte labels with the σ-MMO hash from OpenSSL's AES (helpers/ot-spec.ts).
 */
import { mmo, xor } from './ot-spec.js';

export interface BristolGate {
  op: 'XOR' | 'AND' | 'INV' | 'EQ' | 'EQW';
  in: number[];
  out: number;
}

export interface Bristol {
  wires: number;
  inputWidths: number[];
  outputWidths: number[];
  gates: BristolGate[];
}

export function parseBristolSpec(text: string): Bristol {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const [, wires] = lines[0].split(/\s+/).map(Number);
  const [ni, ...inputWidths] = lines[1].split(/\s+/).map(Number);
  const [no, ...outputWidths] = lines[2].split(/\s+/).map(Number);
  if (inputWidths.length !== ni || outputWidths.length !== no) throw new Error('bad Bristol header');
  const gates = lines.slice(3).map((l) => {
    const t = l.split(/\s+/);
    const nin = Number(t[0]);
    return { op: t[t.length - 1] as BristolGate['op'], in: t.slice(2, 2 + nin).map(Number), out: Number(t[2 + nin]) };
  });
  return { wires, inputWidths, outputWidths, gates };
}

/** Plain evaluation on bits (inputs: all input wires in order); returns the output wires' bits. */
export function evalBristol(c: Bristol, inputBits: number[]): number[] {
  const v = new Array<number>(c.wires).fill(-1);
  inputBits.forEach((b, i) => (v[i] = b));
  for (const g of c.gates) {
    const [a, b] = g.in;
    v[g.out] = g.op === 'XOR' ? v[a] ^ v[b] : g.op === 'AND' ? v[a] & v[b] : g.op === 'INV' ? 1 - v[a] : g.op === 'EQ' ? a : v[a];
  }
  const O = c.outputWidths.reduce((x, y) => x + y, 0);
  return v.slice(c.wires - O);
}

const lsb = (x: Uint8Array) => x[0] & 1;
const ZERO = new Uint8Array(16);

/** One instance garbled from the spec: tables (T_G ‖ T_E per AND gate) and the output zero-labels. */
export function garbleSpec(c: Bristol, key: Uint8Array, delta: Uint8Array, inputZero: Uint8Array[], firstGateId: number) {
  const W0: Uint8Array[] = new Array(c.wires);
  inputZero.forEach((l, i) => (W0[i] = l));
  const tables: Uint8Array[] = [];
  let G = firstGateId;
  for (const g of c.gates) {
    const [a, b] = g.in;
    if (g.op === 'XOR') W0[g.out] = xor(W0[a], W0[b]);
    else if (g.op === 'INV') W0[g.out] = xor(W0[a], delta);
    else if (g.op === 'EQW') W0[g.out] = W0[a];
    else if (g.op === 'EQ') W0[g.out] = a ? delta : ZERO;
    else {
      const A0 = W0[a];
      const B0 = W0[b];
      const j = 2 * G;
      const hA0 = mmo(key, A0, j);
      const hB0 = mmo(key, B0, j + 1);
      const TG = xor(xor(hA0, mmo(key, xor(A0, delta), j)), lsb(B0) ? delta : ZERO);
      const TE = xor(xor(hB0, mmo(key, xor(B0, delta), j + 1)), A0);
      const WG = xor(hA0, lsb(A0) ? TG : ZERO);
      const WE = xor(hB0, lsb(B0) ? xor(TE, A0) : ZERO);
      W0[g.out] = xor(WG, WE);
      tables.push(new Uint8Array([...TG, ...TE]));
      G++;
    }
  }
  const O = c.outputWidths.reduce((x, y) => x + y, 0);
  return { tables, outputZero: W0.slice(c.wires - O) };
}

/** One instance evaluated from the spec: the active output labels. */
export function evaluateSpec(c: Bristol, key: Uint8Array, tables: Uint8Array[], inputActive: Uint8Array[], firstGateId: number): Uint8Array[] {
  const W: Uint8Array[] = new Array(c.wires);
  inputActive.forEach((l, i) => (W[i] = l));
  let G = firstGateId;
  let t = 0;
  for (const g of c.gates) {
    const [a, b] = g.in;
    if (g.op === 'XOR') W[g.out] = xor(W[a], W[b]);
    else if (g.op === 'INV' || g.op === 'EQW') W[g.out] = W[a];
    else if (g.op === 'EQ') W[g.out] = ZERO;
    else {
      const TG = tables[t].subarray(0, 16);
      const TE = tables[t].subarray(16, 32);
      t++;
      const j = 2 * G;
      const WG = xor(mmo(key, W[a], j), lsb(W[a]) ? TG : ZERO);
      const WE = xor(mmo(key, W[b], j + 1), lsb(W[b]) ? xor(TE, W[a]) : ZERO);
      W[g.out] = xor(WG, WE);
      G++;
    }
  }
  const O = c.outputWidths.reduce((x, y) => x + y, 0);
  return W.slice(c.wires - O);
}

/** LSB-first bits of a value. */
export const bitsOf = (v: bigint, width: number) => Array.from({ length: width }, (_, k) => Number((v >> BigInt(k)) & 1n));
export const valueOf = (bits: number[]) => bits.reduceRight((acc, b) => (acc << 1n) | BigInt(b), 0n);
