/**
 * Vectors of §7.5–§7.9: the trusted dealer (triples, square pairs, the forked streams of the
 * dealer sources), the wire format of openings, Beaver multiplication and squaring with every
 * message of both parties, and the quadratic activation with its intermediate shares.
 *
 * Spec: §12.5.4
 * @module
 */
import { mulModP, P, P_HALF } from '../../math/index.js';
import type { Channel } from '../../channel/channel.js';
import { BEAVER_TAG, decodeOpening, encodeOpening } from '../../beaver/wire.js';
import { beaverMultiply, beaverSquare, dealSquarePairs, dealTriples, DELPHI_QUADRATIC_COEFFICIENTS, multiplyFixed, quadraticActivation, quadraticReference, squareFixed, trustedDealerSources, type BeaverTriples, type QuadraticCoefficients, type SquarePairs } from '../../beaver/index.js';
import { encodeQuadraticCoefficients, quadraticErrorRange } from '../../beaver/quadratic.js';
import { encodeFixedVec, reconstruct, sampleFieldVector, share, truncateShare, type PartyRole } from '../../sharing/index.js';
import { expectErrorCode, expectErrorCodeAsync, VectorFileBuilder } from '../builder.js';
import { dec, decs, hex, real } from '../encoding.js';
import type { VectorFamily, VectorFileGenerator } from '../family.js';
import { F, type AlgorithmSpec, type FieldType } from '../fields.js';
import type { JsonObject } from '../format.js';
import { recordingChannelPair, transcriptJson } from '../transcript.js';

const tripleShares: FieldType = F.object({ a: F.ints(), b: F.ints(), c: F.ints() });
const pairShares: FieldType = F.object({ a: F.ints(), aSquared: F.ints() });
const transcript: FieldType = F.array(F.object({ from: F.enum(['party0', 'party1']), bytes: F.hex() }), 'every message in send order');

const dealerSpec: AlgorithmSpec = {
  algorithm: 'BeaverDealer',
  description: 'The trusted dealer of §7.5 and the dealer sources of §7.6.',
  groups: [
    {
      type: 'TripleDealerTest',
      description: 'dealTriples(count, fromSeed(seed)): draws a0, a1, b0, b1, c0; c1 = (a0 + a1)(b0 + b1) − c0.',
      params: { p: F.int() },
      input: { seed: F.hex(undefined, 32), count: F.integer() },
      output: { party0: tripleShares, party1: tripleShares },
    },
    {
      type: 'SquarePairDealerTest',
      description: 'dealSquarePairs(count, fromSeed(seed)): draws a0, a1, q0; q1 = (a0 + a1)² − q0.',
      params: { p: F.int() },
      input: { seed: F.hex(undefined, 32), count: F.integer() },
      output: { party0: pairShares, party1: pairShares },
    },
    {
      type: 'DealerSourceTest',
      description:
        'trustedDealerSources(fromSeed(seed)): triples from fork("delphi-ts/beaver/triples"), square pairs from ' +
        'fork("delphi-ts/beaver/square-pairs"); the requests are served in the order listed.',
      params: { p: F.int() },
      input: { seed: F.hex(undefined, 32), requests: F.array(F.object({ kind: F.enum(['triples', 'squarePairs']), count: F.size() })) },
      output: {
        batches: F.array(
          F.object({
            party0: F.object({ a: F.ints(), 'b?': F.ints(), 'c?': F.ints(), 'aSquared?': F.ints() }),
            party1: F.object({ a: F.ints(), 'b?': F.ints(), 'c?': F.ints(), 'aSquared?': F.ints() }),
          }),
        ),
      },
    },
  ],
};

const openingSpec: AlgorithmSpec = {
  algorithm: 'BeaverOpening',
  description: 'Opening messages (§7.7): tag ‖ 3 zero bytes ‖ u32 count ‖ u64 start ‖ columns of 6-byte little-endian elements.',
  groups: [
    {
      type: 'EncodeOpeningTest',
      description: 'encodeOpening(tag, columns, start, count): entries [start, start + count) of each column.',
      params: {},
      input: { tag: F.size(), start: F.size(), count: F.size(), columns: F.intRows('entries start … start + count − 1 of each column') },
      output: { message: F.hex() },
    },
    {
      type: 'DecodeOpeningTest',
      description: 'decodeOpening(message, tag, columnCount, start, count).',
      params: {},
      input: { message: F.hex(), tag: F.size(), columnCount: F.size(), start: F.size(), count: F.size() },
      output: { columns: F.intRows() },
    },
  ],
};

const multiplySpec: AlgorithmSpec = {
  algorithm: 'BeaverMultiplication',
  description: 'beaverMultiply / beaverSquare (§7.8) and their fixed-point forms, run by both parties over one channel.',
  groups: [
    {
      type: 'BeaverMultiplyTest',
      description:
        'Party r sends d_r = x_r − a_r, e_r = y_r − b_r (tag 0x51), opens d, e and outputs z_r = c_r + d·b_r + e·a_r (+ d·e at party 0); ' +
        'with fractionalBits, z_r is then truncated (multiplyFixed).',
      params: { p: F.int() },
      input: {
        x0: F.ints(),
        x1: F.ints(),
        y0: F.ints(),
        y1: F.ints(),
        triples0: tripleShares,
        triples1: tripleShares,
        chunkSize: F.size(),
        'fractionalBits?': F.size(),
      },
      intermediate: { d: F.ints('opened x − a'), e: F.ints('opened y − b'), product: F.ints('z0 + z1 before truncation') },
      output: { transcript, z0: F.ints(), z1: F.ints(), z: F.ints('z0 + z1 mod p') },
    },
    {
      type: 'BeaverSquareTest',
      description: 'Party r sends d_r = x_r − a_r (tag 0x52), outputs z_r = a²_r + 2·d·a_r (+ d² at party 0); squareFixed truncates.',
      params: { p: F.int() },
      input: { x0: F.ints(), x1: F.ints(), pairs0: pairShares, pairs1: pairShares, chunkSize: F.size(), 'fractionalBits?': F.size() },
      intermediate: { d: F.ints(), product: F.ints() },
      output: { transcript, z0: F.ints(), z1: F.ints(), z: F.ints() },
    },
    {
      type: 'BeaverRejectTest',
      description:
        'One party (role) runs beaverMultiply on its inputs, receiving peerMessages from the other; it must fail with the listed error.',
      params: { p: F.int() },
      input: { role: F.size(), x: F.ints(), y: F.ints(), triples: tripleShares, chunkSize: F.size(), peerMessages: F.hexes() },
    },
  ],
};

const quadraticSpec: AlgorithmSpec = {
  algorithm: 'QuadraticActivation',
  description: 'quadraticActivation (§7.9): y = a2·x² + a1·x + a0 on shares with two truncations, against quadraticReference.',
  groups: [
    {
      type: 'QuadraticActivationTest',
      description:
        'S = x² (beaverSquare, or beaverMultiply(x, x) with triples); S′ = truncate(S, f); T = A2·S′ + A1·x (+ A0·2^f at party 0); ' +
        'y = truncate(T, f).',
      params: {
        p: F.int(),
        a2: F.real(),
        a1: F.real(),
        a0: F.real(),
        fractionalBits: F.size(),
        A2: F.int('encodeFixed(a2, f)'),
        A1: F.int(),
        A0: F.int(),
        errorRange: F.ints('[min, max] of y − y_ref when no truncation fails (quadraticErrorRange)'),
      },
      input: {
        x: F.reals('the real inputs (for reading; the shares are what count)'),
        x0: F.ints(),
        x1: F.ints(),
        material: F.enum(['squarePairs', 'triples']),
        'pairs0?': pairShares,
        'pairs1?': pairShares,
        'triples0?': tripleShares,
        'triples1?': tripleShares,
      },
      intermediate: {
        square0: F.ints('party 0 share of x² (2f fractional bits)'),
        square1: F.ints(),
        truncatedSquare0: F.ints(),
        truncatedSquare1: F.ints(),
        t0: F.ints('party 0 share of T'),
        t1: F.ints(),
      },
      output: {
        transcript,
        y0: F.ints(),
        y1: F.ints(),
        y: F.ints(),
        reference: F.ints('quadraticReference(x0 + x1)'),
        error: F.ints('signed(y − reference)'),
      },
    },
  ],
};

const signed = (v: number): number => (v > P_HALF ? v - P : v);
const tripleJson = (t: BeaverTriples): JsonObject => ({ a: decs(t.a), b: decs(t.b), c: decs(t.c) });
const pairJson = (s: SquarePairs): JsonObject => ({ a: decs(s.a), aSquared: decs(s.aSquared) });

const DEALER_PATH = 'beaver/dealer.v1.json';
const OPENING_PATH = 'beaver/opening.v1.json';
const MULTIPLY_PATH = 'beaver/multiply.v1.json';
const QUADRATIC_PATH = 'beaver/quadratic.v1.json';

const dealerFile: VectorFileGenerator = {
  path: DEALER_PATH,
  spec: dealerSpec,
  async generate(master) {
    const b = new VectorFileBuilder(dealerSpec, DEALER_PATH, master, {
      specSections: ['§7.5', '§7.6'],
      header: ['Every vector is drawn with sampleFieldVector (§7.2) from the listed seed, in the documented order.'],
      notes: {
        Empty: 'count = 0: nothing is drawn.',
        Interleaved: 'Triples and square pairs requested alternately: each kind has its own forked stream.',
        BadCount: 'A negative count.',
      },
    });
    const p = dec(P);
    const tg = b.group('TripleDealerTest', { p });
    for (const count of [1, 4, 0]) {
      const { rng, seed } = b.rng(`triples/${count}`);
      const [t0, t1] = dealTriples(count, rng);
      tg.valid(`${count} triples`, { seed, count }, { party0: tripleJson(t0), party1: tripleJson(t1) }, { flags: count === 0 ? ['Empty'] : [] });
    }
    {
      const { rng, seed } = b.rng('triples/-1');
      tg.invalid('count −1', { seed, count: -1 }, expectErrorCode(() => dealTriples(-1, rng), 'count'), ['BadCount']);
    }
    const sg = b.group('SquarePairDealerTest', { p });
    for (const count of [1, 4]) {
      const { rng, seed } = b.rng(`pairs/${count}`);
      const [s0, s1] = dealSquarePairs(count, rng);
      sg.valid(`${count} square pairs`, { seed, count }, { party0: pairJson(s0), party1: pairJson(s1) });
    }
    const src = b.group('DealerSourceTest', { p });
    {
      const { rng, seed } = b.rng('sources');
      const [p0, p1] = trustedDealerSources(rng);
      const requests = [
        { kind: 'triples', count: 2 },
        { kind: 'squarePairs', count: 3 },
        { kind: 'triples', count: 1 },
      ] as const;
      const batches: JsonObject[] = [];
      for (const r of requests) {
        if (r.kind === 'triples') {
          const [a, c] = [await p0.triples(r.count), await p1.triples(r.count)];
          batches.push({ party0: tripleJson(a), party1: tripleJson(c) });
        } else {
          const [a, c] = [await p0.squarePairs(r.count), await p1.squarePairs(r.count)];
          batches.push({ party0: pairJson(a), party1: pairJson(c) });
        }
      }
      src.valid('two triple batches and a square-pair batch in between', { seed, requests: requests.map((r) => ({ ...r })) }, { batches }, {
        flags: ['Interleaved'],
      });
    }
    return b.build();
  },
};

const openingFile: VectorFileGenerator = {
  path: OPENING_PATH,
  spec: openingSpec,
  async generate(master) {
    const b = new VectorFileBuilder(openingSpec, OPENING_PATH, master, {
      specSections: ['§7.7'],
      header: ['Tags: 0x51 OPEN_MULTIPLY (columns d, e), 0x52 OPEN_SQUARE (column d). Element bytes are little-endian.'],
      notes: {
        MaxElement: 'An element equal to p − 1 (the largest).',
        LargeStart: 'start ≥ 2^32: the u64 start uses its high word.',
        Empty: 'count = 0.',
        WrongTag: 'A tag other than the expected one (ProtocolError).',
        ReservedBytes: 'Non-zero reserved header bytes.',
        WrongPosition: 'count or start differ from what the receiver expects (ProtocolError).',
        WrongLength: 'The message is longer or shorter than 16 + 6·columns·count bytes.',
        ElementTooLarge: 'An element ≥ p.',
        Truncated: 'Shorter than the 16-byte header.',
      },
    });
    const enc = b.group('EncodeOpeningTest', {});
    const { rng } = b.rng('opening');
    const d = Array.from({ length: 5 }, (_, i) => (i === 4 ? P - 1 : sampleFieldVector(rng, 1)[0]));
    const e = Array.from({ length: 5 }, (_, i) => (i === 0 ? 0 : sampleFieldVector(rng, 1)[0]));
    /** Columns whose entries [start, start + count) are `chunk` (the only ones encodeOpening reads). */
    const sparseColumns = (chunk: number[][], start: number): Float64Array[] =>
      chunk.map((c) => Object.fromEntries(c.map((v, i) => [start + i, v])) as unknown as Float64Array);
    const cases: [number, number[][], number, string, string[]][] = [
      [BEAVER_TAG.OPEN_MULTIPLY, [d, e], 0, 'a product opening of 5 entries', ['MaxElement']],
      [BEAVER_TAG.OPEN_MULTIPLY, [d.slice(2), e.slice(2)], 2, 'entries [2, 5) of a batch', ['MaxElement']],
      [BEAVER_TAG.OPEN_SQUARE, [d], 0, 'a square opening', ['MaxElement']],
      [BEAVER_TAG.OPEN_SQUARE, [[]], 0, 'no entries', ['Empty']],
      [BEAVER_TAG.OPEN_SQUARE, [[7, 8]], 2 ** 32 + 7, 'a chunk at start = 2^32 + 7', ['LargeStart']],
    ];
    for (const [tag, chunk, start, comment, flags] of cases) {
      const count = chunk[0].length;
      const message = encodeOpening(tag, sparseColumns(chunk, start), start, count);
      enc.valid(comment, { tag, start, count, columns: chunk.map((c) => decs(c)) }, { message: hex(message) }, { flags });
    }
    const decg = b.group('DecodeOpeningTest', {});
    const good = encodeOpening(BEAVER_TAG.OPEN_MULTIPLY, [Float64Array.from(d), Float64Array.from(e)], 0, 5);
    const decode = (msg: Uint8Array, tag: number, start: number, count: number) => decodeOpening(msg, tag, 2, start, count, 'vector');
    decg.valid('the first product opening above', { message: hex(good), tag: BEAVER_TAG.OPEN_MULTIPLY, columnCount: 2, start: 0, count: 5 }, {
      columns: decode(good, BEAVER_TAG.OPEN_MULTIPLY, 0, 5).map((c) => decs(c)),
    }, { flags: ['MaxElement'] });
    const tampered = (edit: (m: Uint8Array) => void): Uint8Array => {
      const m = Uint8Array.from(good);
      edit(m);
      return m;
    };
    const M = BEAVER_TAG.OPEN_MULTIPLY;
    const bad: [Uint8Array, number, number, number, string, string[]][] = [
      [good, BEAVER_TAG.OPEN_SQUARE, 0, 5, 'expected OPEN_SQUARE, got OPEN_MULTIPLY', ['WrongTag']],
      [tampered((m) => (m[2] = 1)), M, 0, 5, 'reserved byte 2 set', ['ReservedBytes']],
      [good, M, 0, 4, 'the receiver expects count 4', ['WrongPosition']],
      [good, M, 5, 5, 'the receiver expects start 5', ['WrongPosition']],
      [good.slice(0, good.length - 1), M, 0, 5, 'one byte short', ['WrongLength']],
      [Uint8Array.from([...good, 0]), M, 0, 5, 'one byte too many', ['WrongLength']],
      [good.slice(0, 15), M, 0, 5, '15 bytes', ['Truncated']],
      [tampered((m) => m.fill(0xff, 16, 22)), M, 0, 5, 'first element 2^48 − 1', ['ElementTooLarge']],
      [
        tampered((m) => {
          for (let i = 0; i < 6; i++) m[16 + 6 * 9 + i] = Math.floor(P / 2 ** (8 * i)) % 256;
        }),
        M,
        0,
        5,
        'last element of column e equal to p',
        ['ElementTooLarge'],
      ],
    ];
    for (const [msg, tag, start, count, comment, flags] of bad) {
      decg.invalid(comment, { message: hex(msg), tag, columnCount: 2, start, count }, expectErrorCode(() => decode(msg, tag, start, count), comment), flags);
    }
    return b.build();
  },
};

async function runPair<T>(
  run: (channel: Channel, role: PartyRole) => Promise<T>,
): Promise<{ outputs: [T, T]; transcript: JsonObject[] }> {
  const rec = recordingChannelPair(['party0', 'party1']);
  const outputs = await Promise.all([run(rec.channels[0], 0), run(rec.channels[1], 1)]);
  return { outputs: outputs as [T, T], transcript: transcriptJson(rec.transcript) };
}

const multiplyFile: VectorFileGenerator = {
  path: MULTIPLY_PATH,
  spec: multiplySpec,
  async generate(master) {
    const b = new VectorFileBuilder(multiplySpec, MULTIPLY_PATH, master, {
      specSections: ['§7.7', '§7.8', '§7.4'],
      header: [
        'Both parties send all their chunks before receiving, so the transcript lists party 0\'s chunks, then party 1\'s',
        '(the order in which this in-process run queued them; a network run may interleave them).',
        'Shares and triples were generated with share() and dealTriples() from per-test seeds; they are inputs here.',
      ],
      notes: {
        Chunked: 'chunkSize smaller than the batch: several opening messages per party.',
        FixedPoint: 'multiplyFixed / squareFixed: inputs with f = 8 fractional bits, output truncated by f.',
        LocalCheck: 'The input itself is invalid; the party fails before sending anything.',
        WrongTag: 'The peer sends the wrong tag.',
        WrongPosition: "The peer's chunk has the wrong start or count.",
        ElementTooLarge: 'The peer sends an element ≥ p.',
        WrongLength: "The peer's message has the wrong length.",
      },
    });
    const p = dec(P);
    const mg = b.group('BeaverMultiplyTest', { p });
    const sg = b.group('BeaverSquareTest', { p });
    const cases: [number[], number[], number, number | undefined, string, string[]][] = [
      [[1.5, -2.25, 3], [2, 0.5, -1.25], 65536, undefined, 'three products of fixed-point values, no truncation', []],
      [[1.5, -2.25, 3, 0.125, -7], [2, 0.5, -1.25, 8, -0.5], 2, undefined, 'five products in chunks of 2', ['Chunked']],
      [[1.5, -2.25, 3, 10.5], [2, 0.5, -1.25, -3.75], 65536, 8, 'multiplyFixed with f = 8', ['FixedPoint']],
    ];
    for (const [xs, ys, chunkSize, f, comment, flags] of cases) {
      const { rng } = b.rng(`multiply/${comment}`);
      const [x0, x1] = share(encodeFixedVec(xs), rng);
      const [y0, y1] = share(encodeFixedVec(ys), rng);
      const [t0, t1] = dealTriples(xs.length, rng);
      const xsh = [x0, x1];
      const ysh = [y0, y1];
      const ts = [t0, t1];
      const { outputs, transcript: tr } = await runPair((ch, role) =>
        f === undefined
          ? beaverMultiply(ch, role, xsh[role], ysh[role], ts[role], { chunkSize })
          : multiplyFixed(ch, role, xsh[role], ysh[role], ts[role], f, { chunkSize }),
      );
      const a = reconstruct(t0.a, t1.a);
      const bb = reconstruct(t0.b, t1.b);
      const d = reconstruct(x0, x1).map((v, i) => (v - a[i] + P) % P);
      const e = reconstruct(y0, y1).map((v, i) => (v - bb[i] + P) % P);
      const product = reconstruct(x0, x1).map((v, i) => mulModP(v, reconstruct(y0, y1)[i]));
      mg.valid(
        `${comment}: x = ${xs.join(', ')}; y = ${ys.join(', ')}`,
        {
          x0: decs(x0), x1: decs(x1), y0: decs(y0), y1: decs(y1),
          triples0: tripleJson(t0), triples1: tripleJson(t1), chunkSize, ...(f === undefined ? {} : { fractionalBits: f }),
        },
        { transcript: tr, z0: decs(outputs[0]), z1: decs(outputs[1]), z: decs(reconstruct(outputs[0], outputs[1])) },
        { intermediate: { d: decs(d), e: decs(e), product: decs(product) }, flags },
      );
    }
    const sq: [number[], number, number | undefined, string, string[]][] = [
      [[1.5, -2.25, 3], 65536, undefined, 'three squares', []],
      [[1.5, -2.25, 3, 0.5, -11], 3, 8, 'squareFixed with f = 8 in chunks of 3', ['Chunked', 'FixedPoint']],
    ];
    for (const [xs, chunkSize, f, comment, flags] of sq) {
      const { rng } = b.rng(`square/${comment}`);
      const [x0, x1] = share(encodeFixedVec(xs), rng);
      const [s0, s1] = dealSquarePairs(xs.length, rng);
      const xsh = [x0, x1];
      const ps = [s0, s1];
      const { outputs, transcript: tr } = await runPair((ch, role) =>
        f === undefined ? beaverSquare(ch, role, xsh[role], ps[role], { chunkSize }) : squareFixed(ch, role, xsh[role], ps[role], f, { chunkSize }),
      );
      const a = reconstruct(s0.a, s1.a);
      const x = reconstruct(x0, x1);
      sg.valid(
        `${comment}: x = ${xs.join(', ')}`,
        { x0: decs(x0), x1: decs(x1), pairs0: pairJson(s0), pairs1: pairJson(s1), chunkSize, ...(f === undefined ? {} : { fractionalBits: f }) },
        { transcript: tr, z0: decs(outputs[0]), z1: decs(outputs[1]), z: decs(reconstruct(outputs[0], outputs[1])) },
        { intermediate: { d: decs(x.map((v, i) => (v - a[i] + P) % P)), product: decs(x.map((v) => mulModP(v, v))) }, flags },
      );
    }
    // Rejections: party 0's view, with the peer's message tampered.
    const rg = b.group('BeaverRejectTest', { p });
    {
      const { rng } = b.rng('reject');
      const [x0, x1] = share(encodeFixedVec([1, 2, 3]), rng);
      const [y0, y1] = share(encodeFixedVec([4, 5, 6]), rng);
      const [t0, t1] = dealTriples(3, rng);
      const d1 = x1.map((v, i) => (v - t1.a[i] + P) % P);
      const e1 = y1.map((v, i) => (v - t1.b[i] + P) % P);
      const honest = encodeOpening(BEAVER_TAG.OPEN_MULTIPLY, [d1, e1], 0, 3);
      const variants: [Uint8Array[], string, string[]][] = [
        [[encodeOpening(BEAVER_TAG.OPEN_SQUARE, [d1], 0, 3)], 'the peer opens a square instead of a product', ['WrongTag']],
        [[encodeOpening(BEAVER_TAG.OPEN_MULTIPLY, [d1, e1], 0, 2)], 'the peer opens 2 entries instead of 3', ['WrongPosition']],
        [[honest.slice(0, honest.length - 6)], 'the peer message lacks its last element', ['WrongLength']],
        [[(() => { const m = Uint8Array.from(honest); m.fill(0xff, 16, 22); return m; })()], 'the peer sends 2^48 − 1', ['ElementTooLarge']],
      ];
      const input = (peerMessages: Uint8Array[], triples: BeaverTriples = t0, x: Float64Array = x0): JsonObject => ({
        role: 0, x: decs(x), y: decs(y0), triples: tripleJson(triples), chunkSize: 65536, peerMessages: peerMessages.map(hex),
      });
      for (const [msgs, comment, flags] of variants) {
        const code = await expectErrorCodeAsync(async () => {
          const ch = scriptedChannel(msgs);
          await beaverMultiply(ch, 0, x0, y0, t0);
        }, comment);
        rg.invalid(comment, input(msgs), code, flags);
      }
      const short: BeaverTriples = { a: t0.a.slice(0, 2), b: t0.b.slice(0, 2), c: t0.c.slice(0, 2) };
      rg.invalid('only 2 triples for 3 products', input([], short), await expectErrorCodeAsync(() => beaverMultiply(scriptedChannel([]), 0, x0, y0, short), 'short'), [
        'LocalCheck',
      ]);
      const big = Float64Array.from([1, P, 3]);
      rg.invalid('x holds p', input([], t0, big), await expectErrorCodeAsync(() => beaverMultiply(scriptedChannel([]), 0, big, y0, t0), 'p'), [
        'LocalCheck',
      ]);
    }
    return b.build();
  },
};

/** A channel that ignores what is sent and delivers `incoming` in order, then fails. */
function scriptedChannel(incoming: readonly Uint8Array[]): Channel {
  let i = 0;
  const stats = { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 };
  return {
    send: () => undefined,
    recv: () => (i < incoming.length ? Promise.resolve(Uint8Array.from(incoming[i++])) : Promise.reject(new Error('script exhausted'))),
    close: () => undefined,
    stats,
  };
}

const quadraticFile: VectorFileGenerator = {
  path: QUADRATIC_PATH,
  spec: quadraticSpec,
  async generate(master) {
    const b = new VectorFileBuilder(quadraticSpec, QUADRATIC_PATH, master, {
      specSections: ['§7.9', '§7.8', '§7.4'],
      header: [
        "Party 0 adds the constant A0·2^f. The result differs from quadraticReference by an offset in errorRange unless",
        'a truncation fails (probability ≈ |x²|/p + |T|/p per entry, negligible for these inputs).',
      ],
      notes: {
        Delphi: "Delphi's polynomial 0.2·x² + 0.5·x + 0.2 (A2 = 51, A1 = 128, A0 = 51 for f = 8).",
        Triples: 'The square is computed with a Beaver triple (x·x): d and e are both opened.',
        NegativeA2: 'A polynomial with a negative leading coefficient: the error range extends below 0.',
      },
    });
    const polys: [QuadraticCoefficients, number, string, string[]][] = [
      [DELPHI_QUADRATIC_COEFFICIENTS, 8, "Delphi's polynomial", ['Delphi']],
      [{ a2: -0.375, a1: 1, a0: -1.5 }, 8, 'a2 = −0.375, a1 = 1, a0 = −1.5', ['NegativeA2']],
    ];
    for (const [coeffs, f, name, flags] of polys) {
      const c = { a2: coeffs.a2, a1: coeffs.a1, a0: coeffs.a0 };
      const encq = encodeQuadraticCoefficients(c, f);
      const range = quadraticErrorRange(c, f);
      const g = b.group('QuadraticActivationTest', {
        p: dec(P),
        a2: real(c.a2),
        a1: real(c.a1),
        a0: real(c.a0),
        fractionalBits: f,
        A2: dec(encq.a2),
        A1: dec(encq.a1),
        A0: dec(encq.a0),
        errorRange: decs([range.min, range.max]),
      });
      for (const material of ['squarePairs', 'triples'] as const) {
        const xs = [-3.5, -1, -0.00390625, 0, 0.5, 1.25, 2, 7.75];
        const { rng } = b.rng(`quadratic/${name}/${material}`);
        const [x0, x1] = share(encodeFixedVec(xs, f), rng);
        const mats = material === 'squarePairs' ? dealSquarePairs(xs.length, rng) : dealTriples(xs.length, rng);
        const xsh = [x0, x1];
        const { outputs, transcript: tr } = await runPair((ch, role) => quadraticActivation(ch, role, xsh[role], mats[role], c, f));
        // Intermediates by the steps of §7.9, on a second run of the same messages.
        const { outputs: squares } = await runPair((ch, role) =>
          material === 'squarePairs'
            ? beaverSquare(ch, role, xsh[role], mats[role] as SquarePairs)
            : beaverMultiply(ch, role, xsh[role], xsh[role], mats[role] as BeaverTriples),
        );
        const truncated = [truncateShare(0, squares[0], f), truncateShare(1, squares[1], f)];
        const t = [0, 1].map((role) =>
          truncated[role].map((s, i) => {
            let v = (mulModP(encq.a2, s) + mulModP(encq.a1, xsh[role][i])) % P;
            if (role === 0) v = (v + mulModP(encq.a0, 2 ** f)) % P;
            return v;
          }),
        );
        const y = [truncateShare(0, t[0], f), truncateShare(1, t[1], f)];
        if (decs(y[0]).join() !== decs(outputs[0]).join() || decs(y[1]).join() !== decs(outputs[1]).join()) {
          throw new Error('quadratic activation intermediates do not reproduce the protocol output');
        }
        const yy = reconstruct(outputs[0], outputs[1]);
        const ref = quadraticReference(reconstruct(x0, x1), c, f);
        g.valid(
          `${name}, ${material === 'squarePairs' ? 'square pairs' : 'triples'}`,
          {
            x: xs.map(real),
            x0: decs(x0),
            x1: decs(x1),
            material,
            ...(material === 'squarePairs'
              ? { pairs0: pairJson(mats[0] as SquarePairs), pairs1: pairJson(mats[1] as SquarePairs) }
              : { triples0: tripleJson(mats[0] as BeaverTriples), triples1: tripleJson(mats[1] as BeaverTriples) }),
          },
          {
            transcript: tr,
            y0: decs(outputs[0]),
            y1: decs(outputs[1]),
            y: decs(yy),
            reference: decs(ref),
            error: decs(Array.from(yy, (v, i) => signed((v - ref[i] + P) % P))),
          },
          {
            intermediate: {
              square0: decs(squares[0]),
              square1: decs(squares[1]),
              truncatedSquare0: decs(truncated[0]),
              truncatedSquare1: decs(truncated[1]),
              t0: decs(t[0]),
              t1: decs(t[1]),
            },
            flags: [...flags, ...(material === 'triples' ? ['Triples'] : [])],
          },
        );
      }
    }
    return b.build();
  },
};

/** The `beaver` family: vectors/beaver/*. Spec: §12.5.4 */
export const beaverFamily: VectorFamily = {
  name: 'beaver',
  description: 'trusted dealer, opening wire format, Beaver multiplication/squaring transcripts, quadratic activation (§7.5–§7.9)',
  files: [dealerFile, openingFile, multiplyFile, quadraticFile],
};
