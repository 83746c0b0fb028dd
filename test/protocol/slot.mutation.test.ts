/**
 * Stored slots and session records of §9.14.3 checked against records built by hand in this file
 * (magic ‖ u8 version ‖ u8 party ‖ five u32-length strings ‖ body ‖ SHA-256 of all before it, from
 * node:crypto), with a stub activation backend that records what it is given: the head and part
 * records the encoders write, byte for byte; the decoders' results (every field, the backend's layer
 * info, part counts, the restore context, the fixed zero cost); and each refusal with its exact class
 * and message: short records (at 37 and 38 bytes), wrong magic per record kind, a checksum off in its
 * first or last byte, versions 0, 1 and 3, the other party, another session / model / backend id,
 * another slot id, every (op, kind) pair of both parties, wrong vector lengths, trailing bytes,
 * missing and extra part records, part records of another layer / index / count, and a backend
 * without decodeClientLayerParts given several parts. Every decoder closes its records.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MalformedInputError, ProtocolError } from '../../src/errors.js';
import type { Architecture } from '../../src/protocol/architecture.js';
import type { ActivationClientLayer, ActivationLayerInfo, ActivationServerLayer, ProtocolBackend, RestoreContext } from '../../src/protocol/backend.js';
import type { ClientLayerMaterial, ClientPreprocessed, ServerLayerMaterial, ServerPreprocessed } from '../../src/protocol/preprocess.js';
import {
  decodeClientSlot,
  decodeServerSlot,
  decodeSessionRecord,
  encodeClientSlot,
  encodeServerSlot,
  encodeSessionRecord,
  SESSION_MAGIC,
  SLOT_CHECKSUM_BYTES,
  SLOT_FORMAT_VERSION,
  SLOT_MAGIC,
  SLOT_PART_MAGIC,
  type SlotBinding,
} from '../../src/protocol/slot.js';
import type { SlotRecords } from '../../src/protocol/slot-store.js';

// ---------------------------------------------------------------------------------------------
// Hand-built records

class Bytes {
  readonly a: number[] = [];
  u8(v: number): this {
    this.a.push(v & 0xff);
    return this;
  }
  u32(v: number): this {
    for (let s = 0; s < 32; s += 8) this.a.push(Math.floor(v / 2 ** s) % 256);
    return this;
  }
  u64(v: number): this {
    return this.u32(v % 2 ** 32).u32(Math.floor(v / 2 ** 32));
  }
  raw(b: ArrayLike<number>): this {
    this.a.push(...Array.from(b));
    return this;
  }
  bytes(b: ArrayLike<number>): this {
    return this.u32(b.length).raw(b);
  }
  str(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }
  /** u32 count ‖ 6-byte little-endian elements (§7.7). */
  field(values: ArrayLike<number>): this {
    this.u32(values.length);
    for (const v of Array.from(values)) for (let s = 0; s < 48; s += 8) this.a.push(Math.floor(v / 2 ** s) % 256);
    return this;
  }
}

const sealed = (body: Bytes | number[]): Uint8Array => {
  const b = Uint8Array.from(body instanceof Bytes ? body.a : body);
  const sum = createHash('sha256').update(b).digest();
  return Uint8Array.from([...b, ...sum]);
};

const IDS = { linear: 'lin', activations: 'act', triples: 'tri' };
const SESSION = 'session-0123456789abcdef';
const FINGERPRINT = 'f'.repeat(20) + '0123456789';

function head(magic: string, party: 'client' | 'server', o: { version?: number; sessionId?: string; fingerprint?: string; ids?: string[] } = {}): Bytes {
  const b = new Bytes().raw(new TextEncoder().encode(magic)).u8(o.version ?? 2).u8(party === 'server' ? 0 : 1);
  b.str(o.sessionId ?? SESSION).str(o.fingerprint ?? FINGERPRINT);
  for (const id of o.ids ?? [IDS.linear, IDS.activations, IDS.triples]) b.str(id);
  return b;
}

function partRecord(party: 'client' | 'server', slotId: number, k: number, i: number, count: number, data: ArrayLike<number>, o: Parameters<typeof head>[2] = {}): Uint8Array {
  return sealed(head(SLOT_PART_MAGIC, party, o).u64(slotId).u32(k).u32(i).u32(count).bytes(data));
}

// ---------------------------------------------------------------------------------------------
// Stub backend

interface DecodedClient {
  readonly how: 'one' | 'parts';
  readonly info: ActivationLayerInfo;
  readonly parts: number[][];
  readonly restore?: RestoreContext;
}
interface DecodedServer {
  readonly info: ActivationLayerInfo;
  readonly data: number[];
  readonly mask: number[];
}

function stubBackend(o: { parts?: boolean; ids?: typeof IDS } = {}): ProtocolBackend {
  const ids = o.ids ?? IDS;
  const fn = (): never => {
    throw new Error('not used');
  };
  const activations = {
    id: ids.activations,
    secure: false,
    client: fn,
    server: fn,
    decodeServerLayer: (info: ActivationLayerInfo, bytes: Uint8Array, mask: Float64Array) => ({ info, data: Array.from(bytes), mask: Array.from(mask) }) as unknown as ActivationServerLayer,
    decodeClientLayer: (info: ActivationLayerInfo, bytes: Uint8Array) => ({ how: 'one', info, parts: [Array.from(bytes)] }) as unknown as ActivationClientLayer,
    ...(o.parts
      ? {
          decodeClientLayerParts: async (info: ActivationLayerInfo, count: number, part: (i: number) => Promise<Uint8Array>, restore?: RestoreContext) => {
            const parts: number[][] = [];
            for (let i = 0; i < count; i++) parts.push(Array.from(await part(i)));
            return { how: 'parts', info, parts, restore } as unknown as ActivationClientLayer;
          },
        }
      : {}),
  };
  return {
    linear: { id: ids.linear, secure: false, client: fn, server: fn },
    activations,
    triples: { id: ids.triples, secure: false, client: fn, server: fn },
  } as unknown as ProtocolBackend;
}

/** An activation layer whose state is `parts` (encodeParts when there are several, else encode()). */
function stubLayer(parts: number[][], split = parts.length > 1): ActivationClientLayer {
  return {
    online: () => Promise.reject(new Error('not used')),
    encode: () => Uint8Array.from(parts[0]),
    ...(split ? { encodeParts: () => ({ count: parts.length, part: (i: number) => Uint8Array.from(parts[i]) }) } : {}),
  };
}

function records(list: Uint8Array[]): SlotRecords & { closed: number; reads: number[] } {
  const r = {
    count: list.length,
    closed: 0,
    reads: [] as number[],
    read(i: number): Promise<Uint8Array> {
      r.reads.push(i);
      return Promise.resolve(list[i]);
    },
    close(): void {
      r.closed++;
    },
  };
  return r;
}

const binding = (backend: ProtocolBackend, sessionId = SESSION, fingerprint = FINGERPRINT): SlotBinding => ({ sessionId, fingerprint, backend });

type LayerSpec = { op: string; shape: number[]; inputs: number[]; cap?: number };
const arch = (layers: LayerSpec[], inputShape = [4]): Architecture => ({ format: 'delphi-architecture', version: 1, name: 't', fractionalBits: 8, inputShape, outputScale: 1, layers }) as unknown as Architecture;

const STORED_COST = { phase: 'preprocessing', ms: 0, clientToServer: { bytes: 0, messages: 0 }, serverToClient: { bytes: 0, messages: 0 }, steps: [] };

// ---------------------------------------------------------------------------------------------
// The client's slot

/**
 * Client architecture: dense (local), relu (activation, state in 2 parts), quadratic reading layer
 * 1 (3 values in, 2 out), relu6 (one part), flatten (local), quadratic reading the input (4 in, 1 out).
 */
const CLIENT_LAYERS: LayerSpec[] = [
  { op: 'dense', shape: [3], inputs: [-1] },
  { op: 'relu', shape: [3], inputs: [0] },
  { op: 'quadratic', shape: [2], inputs: [1] },
  { op: 'relu6', shape: [2], inputs: [2], cap: 6 * 256 },
  { op: 'flatten', shape: [2], inputs: [3] },
  { op: 'quadratic', shape: [1], inputs: [-1] },
];
const CLIENT_ARCH = arch(CLIENT_LAYERS);
const F = (...v: number[]): Float64Array => Float64Array.from(v);
const P1 = 2061584302080;

function clientPre(): ClientPreprocessed {
  const layers: ClientLayerMaterial[] = [
    { kind: 'local' },
    { kind: 'activation', mask: F(1, 2, P1), backend: stubLayer([[1, 2, 3], [4, 5]]) },
    { kind: 'quadratic', inputShare: F(7, 8, 9), pairs: { a: F(10, 11), aSquared: F(12, 2 ** 40) }, mask: F(14, 15) },
    { kind: 'activation', mask: F(16, 17), backend: stubLayer([[9, 9, 9, 9]]) },
    { kind: 'local' },
    { kind: 'quadratic', inputShare: F(20, 21, 22, 23), pairs: { a: F(24), aSquared: F(25) }, mask: F(26) },
  ] as unknown as ClientLayerMaterial[];
  return { party: 'client', architecture: CLIENT_ARCH, inputMask: F(0, 1, 2 ** 32, P1), layers, outputShare: F(99), cost: STORED_COST } as unknown as ClientPreprocessed;
}

/** The client records of clientPre() for slot `slot`, by hand. */
function clientRecords(slot: number, o: { headBody?: (b: Bytes) => Bytes } = {}): Uint8Array[] {
  let b = head(SLOT_MAGIC, 'client').u64(slot).field([0, 1, 2 ** 32, P1]).u32(6);
  b.u8(0);
  b.u8(2).field([1, 2, P1]);
  b.u8(3).field([7, 8, 9]).field([10, 11]).field([12, 2 ** 40]).field([14, 15]);
  b.u8(2).field([16, 17]);
  b.u8(0);
  b.u8(3).field([20, 21, 22, 23]).field([24]).field([25]).field([26]);
  b.field([99]);
  if (o.headBody) b = o.headBody(b);
  return [sealed(b), partRecord('client', slot, 1, 0, 2, [1, 2, 3]), partRecord('client', slot, 1, 1, 2, [4, 5]), partRecord('client', slot, 3, 0, 1, [9, 9, 9, 9])];
}

const hex = (list: Iterable<Uint8Array>): string[] => [...list].map((r) => Buffer.from(r).toString('hex'));

describe('client slot', () => {
  it('the constants are those of §9.14.3', () => {
    expect([SLOT_MAGIC, SLOT_PART_MAGIC, SESSION_MAGIC, SLOT_FORMAT_VERSION, SLOT_CHECKSUM_BYTES]).toEqual(['DSLT', 'DSLP', 'DSES', 2, 32]);
  });

  it('encodes to the hand-built head and part records', () => {
    const backend = stubBackend();
    expect(hex(encodeClientSlot(clientPre(), binding(backend), 2 ** 40 + 5))).toEqual(hex(clientRecords(2 ** 40 + 5)));
  });

  it('the encoder makes its records one at a time', () => {
    const gen = encodeClientSlot(clientPre(), binding(stubBackend()), 7);
    const first = gen.next();
    expect(first.done).toBe(false);
    expect(hex([first.value as Uint8Array])).toEqual(hex(clientRecords(7).slice(0, 1)));
  });

  it('decodes the hand-built records (backend reading parts), closing them', async () => {
    const backend = stubBackend({ parts: true });
    const recs = records(clientRecords(5));
    const restore: RestoreContext = {};
    const pre = await decodeClientSlot(recs, CLIENT_ARCH, binding(backend), 5, 'ctx', restore);
    expect(recs.closed).toBe(1);
    expect(recs.reads).toEqual([0, 1, 2, 3]);
    expect(pre.party).toBe('client');
    expect(pre.architecture).toBe(CLIENT_ARCH);
    expect(Array.from(pre.inputMask)).toEqual([0, 1, 2 ** 32, P1]);
    expect(Array.from(pre.outputShare)).toEqual([99]);
    expect(pre.cost).toEqual(STORED_COST);
    expect(pre.layers).toHaveLength(6);
    expect(pre.layers[0]).toEqual({ kind: 'local' });
    expect(pre.layers[4]).toEqual({ kind: 'local' });
    expect(pre.layers[2]).toEqual({ kind: 'quadratic', inputShare: F(7, 8, 9), pairs: { a: F(10, 11), aSquared: F(12, 2 ** 40) }, mask: F(14, 15) });
    expect(pre.layers[5]).toEqual({ kind: 'quadratic', inputShare: F(20, 21, 22, 23), pairs: { a: F(24), aSquared: F(25) }, mask: F(26) });
    const act1 = pre.layers[1] as Extract<ClientLayerMaterial, { kind: 'activation' }>;
    expect(act1.kind).toBe('activation');
    expect(Array.from(act1.mask)).toEqual([1, 2, P1]);
    const s1 = act1.backend as unknown as DecodedClient;
    expect(s1).toEqual({ how: 'parts', info: { index: 1, kind: 'relu', count: 3, fractionalBits: 8, cap: Infinity }, parts: [[1, 2, 3], [4, 5]], restore });
    expect(s1.restore).toBe(restore);
    const act3 = pre.layers[3] as Extract<ClientLayerMaterial, { kind: 'activation' }>;
    expect(Array.from(act3.mask)).toEqual([16, 17]);
    expect(act3.backend as unknown as DecodedClient).toEqual({ how: 'parts', info: { index: 3, kind: 'relu6', count: 2, fractionalBits: 8, cap: 6 * 256 }, parts: [[9, 9, 9, 9]], restore });
  });

  it('the default restore context is empty', async () => {
    const pre = await decodeClientSlot(records(clientRecords(5)), CLIENT_ARCH, binding(stubBackend({ parts: true })), 5, 'ctx');
    expect(((pre.layers[1] as Extract<ClientLayerMaterial, { kind: 'activation' }>).backend as unknown as DecodedClient).restore).toEqual({});
  });

  it('a backend without decodeClientLayerParts reads one-part states and refuses more', async () => {
    const one = arch([{ op: 'relu', shape: [1], inputs: [-1] }], [1]);
    const rec = (parts: number): Uint8Array[] => [
      sealed(head(SLOT_MAGIC, 'client').u64(3).field([5]).u32(1).u8(2).field([6]).field([7])),
      ...Array.from({ length: parts }, (_, i) => partRecord('client', 3, 0, i, parts, [40 + i])),
    ];
    const pre = await decodeClientSlot(records(rec(1)), one, binding(stubBackend()), 3, 'ctx');
    expect((pre.layers[0] as Extract<ClientLayerMaterial, { kind: 'activation' }>).backend as unknown as DecodedClient).toEqual({ how: 'one', info: { index: 0, kind: 'relu', count: 1, fractionalBits: 8, cap: Infinity }, parts: [[40]] });
    const recs = records(rec(2));
    await expect(decodeClientSlot(recs, one, binding(stubBackend()), 3, 'ctx')).rejects.toThrow(new MalformedInputError("ctx: layer 0's state has 2 parts; backend act reads one"));
    expect(recs.closed).toBe(1);
    // the parts-reading backend takes both
    const both = await decodeClientSlot(records(rec(2)), one, binding(stubBackend({ parts: true })), 3, 'ctx');
    expect(((both.layers[0] as Extract<ClientLayerMaterial, { kind: 'activation' }>).backend as unknown as DecodedClient).parts).toEqual([[40], [41]]);
  });

  it('refuses no records, another slot, wrong lengths and trailing bytes, closing the records', async () => {
    const backend = stubBackend({ parts: true });
    const refuse = async (list: Uint8Array[], error: Error, slot = 5, a = CLIENT_ARCH): Promise<void> => {
      const recs = records(list);
      await expect(decodeClientSlot(recs, a, binding(backend), slot, 'ctx')).rejects.toThrow(error);
      await expect(decodeClientSlot(records(list), a, binding(backend), slot, 'ctx')).rejects.toBeInstanceOf(error.constructor);
      expect(recs.closed).toBe(1);
    };
    await refuse([], new MalformedInputError('ctx: truncated (no records)'));
    await refuse(clientRecords(6), new MalformedInputError('ctx: holds slot 6, expected 5'));
    await refuse(clientRecords(5), new MalformedInputError('ctx: holds slot 5, expected 2199023255557'), 2 ** 41 + 5);
    await refuse(clientRecords(5, { headBody: (b) => b.u8(0) }), new MalformedInputError('ctx: 1 trailing bytes'));
    await refuse(clientRecords(5, { headBody: (b) => new Bytes().raw(b.a.slice(0, -6)) }), new MalformedInputError('ctx: truncated (output share needs 6 bytes, 0 left)'));
    // a different architecture: layer count, input size, output size
    await refuse(clientRecords(5), new MalformedInputError('ctx: 6 layers, the architecture has 5'), 5, arch(CLIENT_LAYERS.slice(0, 5)));
    await refuse(clientRecords(5), new MalformedInputError('ctx: input mask has 4 elements, expected 3'), 5, arch(CLIENT_LAYERS, [3]));
    await refuse(clientRecords(5, { headBody: (b) => new Bytes().raw(b.a.slice(0, -10)).field([99, 98]) }), new MalformedInputError('ctx: output share has 2 elements, expected 1'));
    await refuse(clientRecords(5), new MalformedInputError('ctx: quadratic input share has 3 elements, expected 4'), 5, arch(CLIENT_LAYERS.map((l, k) => (k === 2 ? { ...l, inputs: [-1] } : l))));
  });

  it('refuses missing, extra and misplaced part records', async () => {
    const backend = stubBackend({ parts: true });
    const good = clientRecords(5);
    const refuse = async (list: Uint8Array[], message: string): Promise<void> => {
      const recs = records(list);
      await expect(decodeClientSlot(recs, CLIENT_ARCH, binding(backend), 5, 'ctx')).rejects.toThrow(new MalformedInputError(message));
      expect(recs.closed).toBe(1);
    };
    await refuse(good.slice(0, 1), "ctx: ends before part 0 of layer 1's state");
    await refuse(good.slice(0, 2), "ctx: ends before part 1 of layer 1's state");
    await refuse(good.slice(0, 3), "ctx: ends before part 0 of layer 3's state");
    await refuse([...good, good[3]], 'ctx: 1 records after the last part');
    await refuse([...good, good[3], good[3]], 'ctx: 2 records after the last part');
    // a part of another slot, layer, index or count
    await refuse([good[0], partRecord('client', 6, 1, 0, 2, [1, 2, 3]), good[2], good[3]], 'ctx, record 1: holds slot 6, expected 5');
    await refuse([good[0], good[1], partRecord('client', 5, 1, 1, 2, [4, 5]).map((v, i, a) => (i === a.length - 33 ? v ^ 1 : v)), good[3]], 'ctx, record 2: checksum mismatch (the file is truncated or was edited)');
    await refuse([good[0], partRecord('client', 5, 2, 0, 2, [1, 2, 3]), good[2], good[3]], 'ctx, record 1: part 0 of 2 of layer 2, expected part 0 of layer 1');
    await refuse([good[0], good[2], good[1], good[3]], 'ctx, record 1: part 1 of 2 of layer 1, expected part 0 of layer 1');
    await refuse([good[0], good[1], partRecord('client', 5, 1, 1, 3, [4, 5]), good[3]], 'layer 1: part 1 says 3 parts, part 0 said 2');
    await refuse([good[0], good[1], good[2], partRecord('client', 5, 3, 0, 0, [9, 9, 9, 9])], 'ctx, record 3: part 0 of 0 of layer 3, expected part 0 of layer 3');
    await refuse([good[0], good[1], good[2], sealed(head(SLOT_PART_MAGIC, 'client').u64(5).u32(3).u32(0).u32(1).bytes([9, 9, 9, 9]).u8(0))], 'ctx, record 3: 1 trailing bytes');
    await refuse([good[0], good[1], good[2], good[0]], 'ctx, record 3: not a delphi-ts slot part');
    await refuse([good[0], good[1], good[2], partRecord('server', 5, 3, 0, 1, [9, 9, 9, 9])], 'ctx, record 3: a server record, expected a client one');
  });

  it('part records are checked against the binding', async () => {
    const good = clientRecords(5);
    const other = partRecord('client', 5, 3, 0, 1, [9, 9, 9, 9], { sessionId: 'other' });
    await expect(decodeClientSlot(records([good[0], good[1], good[2], other]), CLIENT_ARCH, binding(stubBackend({ parts: true })), 5, 'ctx')).rejects.toThrow(new ProtocolError(`ctx, record 3: belongs to session other, not ${SESSION}`));
  });

  it('a part index at or above its count is refused even when it is the one expected', async () => {
    const one = arch([{ op: 'relu', shape: [1], inputs: [-1] }], [1]);
    const headRec = sealed(head(SLOT_MAGIC, 'client').u64(3).field([5]).u32(1).u8(2).field([6]).field([7]));
    await expect(decodeClientSlot(records([headRec, partRecord('client', 3, 0, 0, 0, [1])]), one, binding(stubBackend()), 3, 'ctx')).rejects.toThrow(
      new MalformedInputError('ctx, record 1: part 0 of 0 of layer 0, expected part 0 of layer 0'),
    );
    const two = partRecord('client', 3, 0, 1, 1, [1]);
    await expect(decodeClientSlot(records([headRec, partRecord('client', 3, 0, 0, 2, [0]), two]), one, binding(stubBackend({ parts: true })), 3, 'ctx')).rejects.toThrow(
      new MalformedInputError('ctx, record 2: part 1 of 1 of layer 0, expected part 1 of layer 0'),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Every (op, kind) pair

const OPS: LayerSpec[] = [
  { op: 'conv2d', shape: [2], inputs: [-1] },
  { op: 'dense', shape: [2], inputs: [-1] },
  { op: 'scale', shape: [2], inputs: [-1] },
  { op: 'sumPool2d', shape: [2], inputs: [-1] },
  { op: 'flatten', shape: [2], inputs: [-1] },
  { op: 'add', shape: [2], inputs: [-1] },
  { op: 'relu', shape: [2], inputs: [-1] },
  { op: 'relu6', shape: [2], inputs: [-1], cap: 1536 },
  { op: 'quadratic', shape: [2], inputs: [-1] },
];
const CLIENT_KIND: Record<string, number> = { conv2d: 0, dense: 0, scale: 0, sumPool2d: 0, flatten: 0, add: 0, relu: 2, relu6: 2, quadratic: 3 };
const SERVER_KIND: Record<string, number> = { conv2d: 1, dense: 1, scale: 1, sumPool2d: 0, flatten: 0, add: 0, relu: 2, relu6: 2, quadratic: 3 };

describe('material kinds', () => {
  for (const layer of OPS) {
    it(`client ${layer.op}: kind ${CLIENT_KIND[layer.op]} only`, async () => {
      const a = arch([layer], [2]);
      for (let kind = 0; kind <= 4; kind++) {
        const b = head(SLOT_MAGIC, 'client').u64(1).field([1, 2]).u32(1).u8(kind);
        if (kind === 2) b.field([3, 4]);
        if (kind === 3) b.field([5, 6]).field([7, 8]).field([9, 10]).field([11, 12]);
        b.field([13, 14]);
        const list = [sealed(b), ...(kind === 2 ? [partRecord('client', 1, 0, 0, 1, [77])] : [])];
        const run = decodeClientSlot(records(list), a, binding(stubBackend()), 1, 'ctx');
        if (kind === CLIENT_KIND[layer.op]) {
          const pre = await run;
          expect(pre.layers[0].kind).toBe(['local', 'weighted', 'activation', 'quadratic'][kind]);
          expect(Array.from(pre.outputShare)).toEqual([13, 14]);
        } else {
          await expect(run).rejects.toThrow(new MalformedInputError(`ctx: layer 0 holds material of kind ${kind}, which does not fit its op ${layer.op}`));
        }
      }
    });

    it(`server ${layer.op}: kind ${SERVER_KIND[layer.op]} only`, async () => {
      const a = arch([layer], [2]);
      for (let kind = 0; kind <= 4; kind++) {
        const b = head(SLOT_MAGIC, 'server').u64(1).u32(1).u8(kind);
        if (kind === 1 || kind === 2) b.field([3, 4]);
        if (kind === 3) b.field([5, 6]).field([7, 8]);
        const list = [sealed(b), ...(kind === 2 ? [partRecord('server', 1, 0, 0, 1, [77])] : [])];
        const run = decodeServerSlot(records(list), a, binding(stubBackend()), 1, 'ctx');
        if (kind === SERVER_KIND[layer.op]) {
          const pre = await run;
          expect(pre.layers[0].kind).toBe(['local', 'weighted', 'activation', 'quadratic'][kind]);
        } else {
          await expect(run).rejects.toThrow(new MalformedInputError(`ctx: layer 0 holds material of kind ${kind}, which does not fit its op ${layer.op}`));
        }
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The server's slot

/** Server architecture: conv2d (σ), relu (mask, one part), quadratic (pairs), scale (σ), sumPool2d, relu6, add. */
const SERVER_LAYERS: LayerSpec[] = [
  { op: 'conv2d', shape: [2], inputs: [-1] },
  { op: 'relu', shape: [2], inputs: [0] },
  { op: 'quadratic', shape: [2], inputs: [1] },
  { op: 'scale', shape: [1], inputs: [2] },
  { op: 'sumPool2d', shape: [1], inputs: [3] },
  { op: 'relu6', shape: [1], inputs: [4], cap: 1536 },
  { op: 'add', shape: [1], inputs: [5] },
];
const SERVER_ARCH = arch(SERVER_LAYERS);

function serverPre(): ServerPreprocessed {
  const srv = (data: number[]): ActivationServerLayer => ({ online: () => Promise.reject(new Error('not used')), encode: () => Uint8Array.from(data) });
  const layers = [
    { kind: 'weighted', sigma: F(1, P1) },
    { kind: 'activation', mask: F(3, 4), backend: srv([0xaa, 0xbb]) },
    { kind: 'quadratic', pairs: { a: F(5, 6), aSquared: F(7, 2 ** 33) } },
    { kind: 'weighted', sigma: F(9) },
    { kind: 'local' },
    { kind: 'activation', mask: F(10), backend: srv([]) },
    { kind: 'local' },
  ] as unknown as ServerLayerMaterial[];
  return { party: 'server', layers, cost: STORED_COST } as unknown as ServerPreprocessed;
}

function serverRecords(slot: number, extra: number[] = []): Uint8Array[] {
  const b = head(SLOT_MAGIC, 'server').u64(slot).u32(7);
  b.u8(1).field([1, P1]);
  b.u8(2).field([3, 4]);
  b.u8(3).field([5, 6]).field([7, 2 ** 33]);
  b.u8(1).field([9]);
  b.u8(0);
  b.u8(2).field([10]);
  b.u8(0);
  b.raw(extra);
  return [sealed(b), partRecord('server', slot, 1, 0, 1, [0xaa, 0xbb]), partRecord('server', slot, 5, 0, 1, [])];
}

describe('server slot', () => {
  it('encodes to the hand-built records', () => {
    expect(hex(encodeServerSlot(serverPre(), binding(stubBackend()), 0xfedcba98))).toEqual(hex(serverRecords(0xfedcba98)));
  });

  it('decodes the hand-built records, closing them', async () => {
    const recs = records(serverRecords(9));
    const pre = await decodeServerSlot(recs, SERVER_ARCH, binding(stubBackend()), 9, 'ctx');
    expect(recs.closed).toBe(1);
    expect(recs.reads).toEqual([0, 1, 2]);
    expect(pre.party).toBe('server');
    expect(pre.cost).toEqual(STORED_COST);
    expect(pre.layers).toHaveLength(7);
    expect(pre.layers[0]).toEqual({ kind: 'weighted', sigma: F(1, P1) });
    expect(pre.layers[2]).toEqual({ kind: 'quadratic', pairs: { a: F(5, 6), aSquared: F(7, 2 ** 33) } });
    expect(pre.layers[3]).toEqual({ kind: 'weighted', sigma: F(9) });
    expect(pre.layers[4]).toEqual({ kind: 'local' });
    expect(pre.layers[6]).toEqual({ kind: 'local' });
    const a1 = pre.layers[1] as Extract<ServerLayerMaterial, { kind: 'activation' }>;
    expect(a1.kind).toBe('activation');
    expect(Array.from(a1.mask)).toEqual([3, 4]);
    expect(a1.backend as unknown as DecodedServer).toEqual({ info: { index: 1, kind: 'relu', count: 2, fractionalBits: 8, cap: Infinity }, data: [0xaa, 0xbb], mask: [3, 4] });
    const a5 = pre.layers[5] as Extract<ServerLayerMaterial, { kind: 'activation' }>;
    expect(a5.backend as unknown as DecodedServer).toEqual({ info: { index: 5, kind: 'relu6', count: 1, fractionalBits: 8, cap: 1536 }, data: [], mask: [10] });
  });

  it('refuses no records, another slot, layer count, trailing bytes, and part records out of place', async () => {
    const backend = stubBackend();
    const good = serverRecords(9);
    const refuse = async (list: Uint8Array[], message: string, a = SERVER_ARCH): Promise<void> => {
      const recs = records(list);
      await expect(decodeServerSlot(recs, a, binding(backend), 9, 'ctx')).rejects.toThrow(new MalformedInputError(message));
      expect(recs.closed).toBe(1);
    };
    await refuse([], 'ctx: truncated (no records)');
    await refuse(serverRecords(8), 'ctx: holds slot 8, expected 9');
    await refuse(serverRecords(9, [0, 0]), 'ctx: 2 trailing bytes');
    await refuse(good, 'ctx: 7 layers, the architecture has 6', arch(SERVER_LAYERS.slice(0, 6)));
    await refuse(good, 'ctx: σ has 2 elements, expected 3', arch(SERVER_LAYERS.map((l, k) => (k === 0 ? { ...l, shape: [3] } : l))));
    await refuse(good.slice(0, 2), "ctx: ends before part 0 of layer 5's state");
    await refuse([...good, good[2]], 'ctx: 1 records after the last part');
    await refuse([good[0], partRecord('server', 9, 1, 0, 2, [0xaa, 0xbb]), good[2]], "ctx: layer 1's server state has 2 parts, expected 1");
    await refuse([good[0], good[2], good[1]], 'ctx, record 1: part 0 of 1 of layer 5, expected part 0 of layer 1');
    await refuse([good[0], partRecord('server', 8, 1, 0, 1, [0xaa, 0xbb]), good[2]], 'ctx, record 1: holds slot 8, expected 9');
  });

  it('the server head is refused as a client slot and the other way round', async () => {
    await expect(decodeClientSlot(records(serverRecords(9)), SERVER_ARCH, binding(stubBackend()), 9, 'ctx')).rejects.toThrow(new MalformedInputError('ctx: a server record, expected a client one'));
    await expect(decodeServerSlot(records(clientRecords(9)), CLIENT_ARCH, binding(stubBackend()), 9, 'ctx')).rejects.toThrow(new MalformedInputError('ctx: a client record, expected a server one'));
  });
});

// ---------------------------------------------------------------------------------------------
// Record checks shared by every record (through the session record and the slot heads)

describe('record checks', () => {
  const backend = stubBackend();
  const record = { sessionId: SESSION, fingerprint: FINGERPRINT, architecture: Uint8Array.of(1, 2, 3), createdMs: 1_700_000_000_123, nextSlot: 2 ** 45 + 1, server: 'host:1234' };
  const sessionBody = (party: 'client' | 'server', o: Parameters<typeof head>[2] = {}): Bytes => head(SESSION_MAGIC, party, o).bytes([1, 2, 3]).u64(1_700_000_000_123).u64(2 ** 45 + 1).str('host:1234');

  it('the session record is the hand-built one, and decodes back', () => {
    for (const party of ['client', 'server'] as const) {
      const bytes = encodeSessionRecord(party, record, backend);
      expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(sealed(sessionBody(party))).toString('hex'));
      expect(decodeSessionRecord(bytes, party, backend, 'ctx')).toEqual(record);
      expect(decodeSessionRecord(bytes, party, backend, 'ctx', { sessionId: SESSION, fingerprint: FINGERPRINT })).toEqual(record);
      expect(decodeSessionRecord(bytes, party, backend, 'ctx', {})).toEqual(record);
    }
  });

  const refuse = (bytes: unknown, error: Error, party: 'client' | 'server' = 'client', expected?: { sessionId?: string; fingerprint?: string }, b = backend): void => {
    expect(() => decodeSessionRecord(bytes as Uint8Array, party, b, 'ctx', expected)).toThrow(error);
    expect(() => decodeSessionRecord(bytes as Uint8Array, party, b, 'ctx', expected)).toThrow(error.constructor as new () => Error);
  };

  it('short records and non-arrays are truncated', () => {
    const good = sealed(sessionBody('client'));
    refuse(good.subarray(0, 37), new MalformedInputError('ctx: truncated (37 bytes)'));
    refuse(new Uint8Array(0), new MalformedInputError('ctx: truncated (0 bytes)'));
    refuse(undefined, new MalformedInputError('ctx: truncated (0 bytes)'));
    refuse([1, 2, 3], new MalformedInputError('ctx: truncated (3 bytes)'));
    refuse(Array.from(good), new MalformedInputError(`ctx: truncated (${good.length} bytes)`));
    // 38 bytes pass the length check and reach the checksum
    refuse(Uint8Array.from([...new TextEncoder().encode('DSES'), ...new Uint8Array(34)]), new MalformedInputError('ctx: checksum mismatch (the file is truncated or was edited)'));
    // 38 bytes with a right checksum: the reader finds the body short
    refuse(sealed([...new TextEncoder().encode('DSES'), 2, 1]), new MalformedInputError('ctx: truncated (session id needs 4 bytes, 0 left)'));
  });

  it('the magic names the kind of record expected', async () => {
    refuse(sealed(head(SLOT_MAGIC, 'client')), new MalformedInputError('ctx: not a delphi-ts session file'));
    await expect(decodeClientSlot(records([sealed(sessionBody('client'))]), CLIENT_ARCH, binding(backend), 5, 'ctx')).rejects.toThrow(new MalformedInputError('ctx: not a delphi-ts slot'));
    await expect(decodeServerSlot(records([partRecord('server', 1, 0, 0, 1, [])]), SERVER_ARCH, binding(backend), 5, 'ctx')).rejects.toThrow(new MalformedInputError('ctx: not a delphi-ts slot'));
    for (let i = 0; i < 4; i++) {
      const b = sessionBody('client');
      b.a[i] ^= 0x20;
      refuse(sealed(b), new MalformedInputError('ctx: not a delphi-ts session file'));
    }
  });

  it('a checksum off in any byte, or a body byte changed, is a mismatch', () => {
    const good = sealed(sessionBody('client'));
    for (const at of [good.length - 32, good.length - 31, good.length - 1, good.length - 33, 10]) {
      const bad = good.slice();
      bad[at] ^= 1;
      refuse(bad, new MalformedInputError('ctx: checksum mismatch (the file is truncated or was edited)'));
    }
  });

  it('versions other than 2 are refused', () => {
    refuse(sealed(sessionBody('client', { version: 3 })), new MalformedInputError('ctx: format version 3 is newer than this delphi-ts reads (2); upgrade delphi-ts'));
    refuse(sealed(sessionBody('client', { version: 255 })), new MalformedInputError('ctx: format version 255 is newer than this delphi-ts reads (2); upgrade delphi-ts'));
    refuse(sealed(sessionBody('client', { version: 1 })), new MalformedInputError('ctx: unknown format version 1'));
    refuse(sealed(sessionBody('client', { version: 0 })), new MalformedInputError('ctx: unknown format version 0'));
  });

  it('the other party is refused, named', () => {
    refuse(sealed(sessionBody('server')), new MalformedInputError('ctx: a server record, expected a client one'), 'client');
    refuse(sealed(sessionBody('client')), new MalformedInputError('ctx: a client record, expected a server one'), 'server');
    const p2 = sessionBody('client');
    p2.a[5] = 2;
    refuse(sealed(p2), new MalformedInputError('ctx: a client record, expected a server one'), 'server');
    refuse(sealed(p2), new MalformedInputError('ctx: a client record, expected a client one'), 'client');
  });

  it('another session, model or backend is a ProtocolError', () => {
    const good = sealed(sessionBody('client'));
    refuse(good, new ProtocolError(`ctx: belongs to session ${SESSION}, not x`), 'client', { sessionId: 'x' });
    refuse(good, new ProtocolError(`ctx: made for another model (fingerprint ffffffffffffffff…, this one is 0123456789abcdef…)`), 'client', { fingerprint: '0123456789abcdefXYZ' });
    refuse(good, new ProtocolError(`ctx: made for another model (fingerprint ffffffffffffffff…, this one is 0123456789abcdef…)`), 'client', { sessionId: SESSION, fingerprint: '0123456789abcdefXYZ' });
    refuse(good, new ProtocolError('ctx: made with backends lin/act/tri, this party uses lin2/act/tri'), 'client', undefined, stubBackend({ ids: { ...IDS, linear: 'lin2' } }));
    refuse(good, new ProtocolError('ctx: made with backends lin/act/tri, this party uses lin/act2/tri'), 'client', undefined, stubBackend({ ids: { ...IDS, activations: 'act2' } }));
    refuse(good, new ProtocolError('ctx: made with backends lin/act/tri, this party uses lin/act/tri2'), 'client', undefined, stubBackend({ ids: { ...IDS, triples: 'tri2' } }));
  });

  it('slot heads are checked against the binding', async () => {
    const refuseSlot = async (b: SlotBinding, error: Error): Promise<void> => {
      await expect(decodeServerSlot(records(serverRecords(9)), SERVER_ARCH, b, 9, 'ctx')).rejects.toThrow(error);
      await expect(decodeServerSlot(records(serverRecords(9)), SERVER_ARCH, b, 9, 'ctx')).rejects.toBeInstanceOf(ProtocolError);
    };
    await refuseSlot(binding(backend, 'other'), new ProtocolError(`ctx: belongs to session ${SESSION}, not other`));
    await refuseSlot(binding(backend, SESSION, 'abcdefghijklmnopqrstuvwxyz'), new ProtocolError('ctx: made for another model (fingerprint ffffffffffffffff…, this one is abcdefghijklmnop…)'));
    await refuseSlot(binding(stubBackend({ ids: { ...IDS, triples: 'tri2' } })), new ProtocolError('ctx: made with backends lin/act/tri, this party uses lin/act/tri2'));
  });

  it('the session record body: truncated, trailing bytes, out-of-range times', () => {
    refuse(sealed(head(SESSION_MAGIC, 'client').bytes([1, 2, 3]).u64(5).u64(6)), new MalformedInputError('ctx: truncated (server needs 4 bytes, 0 left)'));
    refuse(sealed(sessionBody('client').u8(0)), new MalformedInputError('ctx: 1 trailing bytes'));
    refuse(sealed(head(SESSION_MAGIC, 'client').bytes([1]).u32(0).u32(2 ** 21).u64(6).str('')), new MalformedInputError('ctx: creation time is out of range'));
    refuse(sealed(head(SESSION_MAGIC, 'client').bytes([1]).u64(0).u32(0).u32(2 ** 21).str('')), new MalformedInputError('ctx: next slot is out of range'));
    refuse(sealed(head(SESSION_MAGIC, 'client').u32(9)), new MalformedInputError('ctx: truncated (architecture needs 9 bytes, 0 left)'));
    refuse(sealed(head(SESSION_MAGIC, 'client', { ids: ['lin', 'act'] })), new MalformedInputError('ctx: truncated (triple backend needs 4 bytes, 0 left)'));
    refuse(sealed(head(SESSION_MAGIC, 'client', { ids: ['lin'] })), new MalformedInputError('ctx: truncated (activation backend needs 4 bytes, 0 left)'));
    refuse(sealed(head(SESSION_MAGIC, 'client', { ids: [] })), new MalformedInputError('ctx: truncated (linear backend needs 4 bytes, 0 left)'));
    refuse(sealed([...head(SESSION_MAGIC, 'client').a.slice(0, 6), ...new Bytes().str(SESSION).a]), new MalformedInputError('ctx: truncated (fingerprint needs 4 bytes, 0 left)'));
  });
});

// ---------------------------------------------------------------------------------------------
// A record cut anywhere after its binding names the field it cut, in the order of §9.14.3

/** The fields named by the truncation errors of `body` cut at every length from `from` on (resealed), consecutive repeats merged. */
async function cutLabels(body: Bytes, from: number, decode: (rec: Uint8Array) => Promise<unknown>): Promise<string[]> {
  const labels: string[] = [];
  for (let n = from; n < body.a.length; n++) {
    const e = await decode(sealed(body.a.slice(0, n))).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(MalformedInputError);
    const m = /^ctx(?:, record \d)?: truncated \((.+) needs \d+ bytes, \d+ left\)$/.exec((e as Error).message);
    expect(m, (e as Error).message).not.toBeNull();
    if (labels[labels.length - 1] !== m![1]) labels.push(m![1]);
  }
  return labels;
}

describe('cut records', () => {
  const binding0 = head(SLOT_MAGIC, 'client').a.length;

  it('client head', async () => {
    const body = new Bytes().raw(Array.from(clientRecords(5)[0].subarray(0, -32)));
    const labels = await cutLabels(body, binding0, (rec) => decodeClientSlot(records([rec]), CLIENT_ARCH, binding(stubBackend()), 5, 'ctx'));
    expect(labels).toEqual(['slot id', 'input mask', 'layer count', 'layer kind', 'activation mask', 'layer kind', 'quadratic input share', 'a', 'a²', 'mask', 'layer kind', 'activation mask', 'layer kind', 'quadratic input share', 'a', 'a²', 'mask', 'output share']);
  });

  it('server head', async () => {
    const body = new Bytes().raw(Array.from(serverRecords(9)[0].subarray(0, -32)));
    const labels = await cutLabels(body, binding0, (rec) => decodeServerSlot(records([rec]), SERVER_ARCH, binding(stubBackend()), 9, 'ctx'));
    expect(labels).toEqual(['slot id', 'layer count', 'layer kind', 'σ', 'layer kind', 'activation mask', 'layer kind', 'a', 'a²', 'layer kind', 'σ', 'layer kind', 'activation mask', 'layer kind']);
  });

  it('part record', async () => {
    const good = clientRecords(5);
    const body = new Bytes().raw(Array.from(good[3].subarray(0, -32)));
    const labels = await cutLabels(body, binding0, (rec) => decodeClientSlot(records([good[0], good[1], good[2], rec]), CLIENT_ARCH, binding(stubBackend({ parts: true })), 5, 'ctx'));
    expect(labels).toEqual(['slot id', 'layer', 'part index', 'part count', 'state']);
  });

  it('slot ids of 2^53 and above are out of range, named', async () => {
    const good = clientRecords(5);
    const big = new Bytes().u32(0).u32(2 ** 21).a;
    const headRec = sealed([...head(SLOT_MAGIC, 'client').a, ...big]);
    await expect(decodeClientSlot(records([headRec]), CLIENT_ARCH, binding(stubBackend()), 5, 'ctx')).rejects.toThrow(new MalformedInputError('ctx: slot id is out of range'));
    const srv = sealed([...head(SLOT_MAGIC, 'server').a, ...big]);
    await expect(decodeServerSlot(records([srv]), SERVER_ARCH, binding(stubBackend()), 5, 'ctx')).rejects.toThrow(new MalformedInputError('ctx: slot id is out of range'));
    const part = sealed([...head(SLOT_PART_MAGIC, 'client').a, ...big]);
    await expect(decodeClientSlot(records([good[0], part]), CLIENT_ARCH, binding(stubBackend({ parts: true })), 5, 'ctx')).rejects.toThrow(new MalformedInputError('ctx, record 1: slot id is out of range'));
  });
});
