/**
 * The slot byte codec (§9.14.3): whatever SlotWriter writes — any mix of u8, u32, u64, strings,
 * byte strings, field vectors and words, across buffer growth — SlotReader reads back the same
 * values (the oracle: the values written), and a cut anywhere is a MalformedInputError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotReader, SlotWriter } from '../../src/protocol/slot-bytes.js';

const P = 2061584302081;
type Item =
  | { t: 'u8'; v: number }
  | { t: 'u32'; v: number }
  | { t: 'u64'; v: number }
  | { t: 'string'; v: string }
  | { t: 'bytes'; v: Uint8Array }
  | { t: 'field'; v: Float64Array }
  | { t: 'words'; v: Uint32Array };

const item: fc.Arbitrary<Item> = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((v) => ({ t: 'u8', v }) as Item),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((v) => ({ t: 'u32', v }) as Item),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map((v) => ({ t: 'u64', v }) as Item),
  fc.string({ maxLength: 40 }).map((v) => ({ t: 'string', v }) as Item),
  fc.uint8Array({ maxLength: 700 }).map((v) => ({ t: 'bytes', v }) as Item),
  fc.array(fc.integer({ min: 0, max: P - 1 }), { maxLength: 300 }).map((v) => ({ t: 'field', v: Float64Array.from(v) }) as Item),
  fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 300 }).map((v) => ({ t: 'words', v: Uint32Array.from(v) }) as Item),
);

function write(items: Item[]): Uint8Array {
  const w = new SlotWriter();
  for (const it of items) (w[it.t] as (v: unknown) => SlotWriter)(it.v);
  return w.finish();
}

function read(bytes: Uint8Array, items: Item[]): unknown[] {
  const r = new SlotReader(bytes, 'test');
  const out = items.map((it) => (r[it.t] as (what: string) => unknown).call(r, 'x'));
  r.end();
  return out;
}

describe('slot byte codec', () => {
  it('reads back what it wrote, across buffer growth', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (items) => {
        expect(read(write(items), items)).toEqual(items.map((i) => i.v));
      }),
      { numRuns: 200 },
    );
  });

  it('a single byte written exactly when the buffer grows is kept', () => {
    for (let n = 1000; n < 1040; n++) {
      const items: Item[] = [{ t: 'bytes', v: new Uint8Array(n).fill(7) }, { t: 'u8', v: 0xab }, { t: 'u8', v: 0xcd }];
      expect(read(write(items), items)).toEqual(items.map((i) => i.v));
    }
  });

  it('a cut record is a MalformedInputError, never a crash', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 10 }), fc.nat(), (items, k) => {
        const bytes = write(items);
        if (bytes.length === 0) return;
        const cut = bytes.subarray(0, k % bytes.length);
        expect(() => read(cut, items)).toThrow(expect.objectContaining({ code: 'MALFORMED_INPUT' }));
      }),
      { numRuns: 200 },
    );
  });
});
