/**
 * OT-extension properties checked on the fast implementation against plaintext expectations:
 * correctness for every choice pattern and awkward counts, session reuse, the one-call API, exact
 * communication, determinism, what each party's view does and does not depend on, and rejection of
 * malformed or out-of-sync messages with typed errors.
 */
import { describe, expect, it } from 'vitest';
import { memoryChannelPair, type Channel } from '../../src/channel/channel.js';
import {
  cotReceive,
  cotSend,
  otExtReceive,
  otExtSend,
  OtExtReceiver,
  OtExtSender,
  rotReceive,
  rotSend,
  type OtExtReceiverOptions,
} from '../../src/ot/index.js';
import { InvalidArgumentError, MalformedInputError, OutOfRangeError, ProtocolError, SizeMismatchError } from '../../src/errors.js';
import { randomBlocks, randomChoices, reasonOf, recordedPair, rngFor, runBoth, TamperingChannel } from './helpers.js';

function block(words: Uint32Array, i: number): Uint32Array {
  return words.slice(4 * i, 4 * i + 4);
}

function xor(a: Uint32Array, b: Uint32Array): Uint32Array {
  return a.map((w, k) => w ^ b[k]);
}

/** m_{r_i} for every i. */
function selected(m0: Uint32Array, m1: Uint32Array, choices: Uint8Array): Uint32Array {
  const out = new Uint32Array(m0.length);
  choices.forEach((c, i) => out.set(block(c ? m1 : m0, i), 4 * i));
  return out;
}

async function sessionPair(
  label: string,
  sCh: Channel,
  rCh: Channel,
  receiverOptions: OtExtReceiverOptions = {},
  delta?: Uint32Array,
): Promise<[OtExtSender, OtExtReceiver]> {
  return Promise.all([
    OtExtSender.setup(sCh, rngFor(`${label}-s`), { delta }),
    OtExtReceiver.setup(rCh, rngFor(`${label}-r`), receiverOptions),
  ]);
}

function patterns(n: number, label: string): [string, Uint8Array][] {
  return [
    ['all 0', new Uint8Array(n)],
    ['all 1', new Uint8Array(n).fill(1)],
    ['alternating', new Uint8Array(n).map((_, i) => i & 1)],
    ['random', randomChoices(`${label}-${n}`, n)],
  ];
}

describe('correctness', () => {
  it('chosen-message OT delivers m_{r_i} for every pattern and count (one session, many batches)', async () => {
    const [x, y] = memoryChannelPair();
    const [sender, receiver] = await sessionPair('chosen', x, y, { chunkSize: 1024 });
    let total = 0;
    for (const n of [1, 7, 31, 127, 128, 129, 1000, 2049]) {
      for (const [name, choices] of patterns(n, 'chosen')) {
        const m0 = randomBlocks(`c0-${n}-${name}`, n);
        const m1 = randomBlocks(`c1-${n}-${name}`, n);
        const [, got] = await Promise.all([sender.send(m0, m1), receiver.receive(choices)]);
        expect(got, `${n} ${name}`).toEqual(selected(m0, m1, choices));
        total += n;
      }
    }
    expect(sender.otCount).toBe(total);
    expect(receiver.otCount).toBe(total);
  });

  it('correlated OT: receiver gets m0 ⊕ r·Δ, for a fresh Δ per batch', async () => {
    const [x, y] = memoryChannelPair();
    const [sender, receiver] = await sessionPair('cot', x, y, { chunkSize: 256 });
    for (const n of [1, 100, 128, 700]) {
      for (const [name, choices] of patterns(n, 'cot')) {
        const delta = randomBlocks(`delta-${n}-${name}`, 1);
        const [m0, got] = await Promise.all([sender.sendCorrelated(n, delta), receiver.receiveCorrelated(choices)]);
        const m1 = new Uint32Array(m0.length);
        for (let i = 0; i < n; i++) m1.set(xor(block(m0, i), delta), 4 * i);
        expect(got, `${n} ${name}`).toEqual(selected(m0, m1, choices));
      }
    }
  });

  it('random OT: receiver gets m_{r_i}; the two messages differ', async () => {
    const [x, y] = memoryChannelPair();
    const [sender, receiver] = await sessionPair('rot', x, y);
    for (const [name, choices] of patterns(333, 'rot')) {
      const [{ m0, m1 }, got] = await Promise.all([sender.sendRandom(333), receiver.receiveRandom(choices)]);
      expect(got, name).toEqual(selected(m0, m1, choices));
      for (let i = 0; i < 333; i++) expect(block(m0, i)).not.toEqual(block(m1, i));
    }
  });

  it('random correlated OT: t_i = q_i ⊕ r_i·Δ with Δ = s as given at setup (lsb forced to 1)', async () => {
    const delta = randomBlocks('rcot-delta', 1);
    delta[0] |= 1;
    const [x, y] = memoryChannelPair();
    const [sender, receiver] = await sessionPair('rcot', x, y, {}, delta);
    expect(sender.delta).toEqual(delta);
    for (const [name, choices] of patterns(515, 'rcot')) {
      const [q, t] = await Promise.all([sender.sendRandomCorrelated(515), receiver.receiveRandomCorrelated(choices)]);
      const q1 = new Uint32Array(q.length);
      for (let i = 0; i < 515; i++) q1.set(xor(block(q, i), delta), 4 * i);
      expect(t, name).toEqual(selected(q, q1, choices));
    }
  });

  it('the one-call functions run setup and one batch', async () => {
    const choices = randomChoices('one-shot', 300);
    const m0 = randomBlocks('os0', 300);
    const m1 = randomBlocks('os1', 300);
    const delta = randomBlocks('os-delta', 1);
    {
      const [x, y] = memoryChannelPair();
      const [, got] = await Promise.all([otExtSend(x, { m0, m1 }, rngFor('os-s')), otExtReceive(y, choices, rngFor('os-r'))]);
      expect(got).toEqual(selected(m0, m1, choices));
    }
    {
      const [x, y] = memoryChannelPair();
      const [c0, got] = await Promise.all([cotSend(x, 300, delta, rngFor('os-s')), cotReceive(y, choices, rngFor('os-r'))]);
      const c1 = c0.map((w, k) => w ^ delta[k % 4]);
      expect(got).toEqual(selected(c0, c1, choices));
    }
    {
      const [x, y] = memoryChannelPair();
      const [pairs, got] = await Promise.all([rotSend(x, 300, rngFor('os-s')), rotReceive(y, choices, rngFor('os-r'))]);
      expect(got).toEqual(selected(pairs.m0, pairs.m1, choices));
    }
  });

  it('an empty batch sends nothing and returns empty outputs', async () => {
    const [x, y] = memoryChannelPair();
    const [sender, receiver] = await sessionPair('empty', x, y);
    const before = x.stats.messagesSent + y.stats.messagesSent;
    const [, got] = await Promise.all([sender.send(new Uint32Array(0), new Uint32Array(0)), receiver.receive(new Uint8Array(0))]);
    const [c, d] = await Promise.all([sender.sendCorrelated(0, new Uint32Array(4)), receiver.receiveCorrelated(new Uint8Array(0))]);
    expect([got.length, c.length, d.length]).toEqual([0, 0, 0]);
    expect(x.stats.messagesSent + y.stats.messagesSent).toBe(before);
  });
});

describe('communication', () => {
  it('costs exactly 16 B/OT of u (+16 header per chunk), plus 32 B/OT (chosen) or 16 B/OT (correlated) back', async () => {
    const [x, y] = memoryChannelPair();
    const [sender, receiver] = await sessionPair('comm', x, y, { chunkSize: 4096 });
    // Setup: one base-OT message each way (33 bytes and 5 + 128·32 bytes).
    expect([x.stats.bytesSent, y.stats.bytesSent]).toEqual([5 + 128 * 32, 33]);
    const n = 10000; // chunks of 4096, 4096, 1808 (the last padded to 1920 columns)
    const uBytes = 3 * 16 + 128 * (4096 + 4096 + 1920) / 8;
    const choices = randomChoices('comm', n);
    const cases: [string, () => Promise<unknown>, number][] = [
      ['chosen', () => Promise.all([sender.send(randomBlocks('a', n), randomBlocks('b', n)), receiver.receive(choices)]), 3 * 16 + 32 * n],
      ['correlated', () => Promise.all([sender.sendCorrelated(n, new Uint32Array(4)), receiver.receiveCorrelated(choices)]), 3 * 16 + 16 * n],
      ['random', () => Promise.all([sender.sendRandom(n), receiver.receiveRandom(choices)]), 0],
      ['random correlated', () => Promise.all([sender.sendRandomCorrelated(n), receiver.receiveRandomCorrelated(choices)]), 0],
    ];
    for (const [name, run, back] of cases) {
      const s0 = x.stats.bytesSent;
      const r0 = y.stats.bytesSent;
      await run();
      expect([y.stats.bytesSent - r0, x.stats.bytesSent - s0], name).toEqual([uBytes, back]);
    }
  });
});

describe('determinism and views', () => {
  async function chosenRun(opts: { m0?: Uint32Array; m1?: Uint32Array; choices?: Uint8Array; senderSeed?: string; receiverSeed?: string } = {}) {
    const n = 600;
    const choices = opts.choices ?? randomChoices('view', n);
    const m0 = opts.m0 ?? randomBlocks('view-m0', n);
    const m1 = opts.m1 ?? randomBlocks('view-m1', n);
    const [sCh, rCh] = recordedPair();
    const [sender, receiver] = await Promise.all([
      OtExtSender.setup(sCh, rngFor(opts.senderSeed ?? 'view-s')),
      OtExtReceiver.setup(rCh, rngFor(opts.receiverSeed ?? 'view-r'), { chunkSize: 256 }),
    ]);
    const [, out] = await Promise.all([sender.send(m0, m1), receiver.receive(choices)]);
    return { sCh, rCh, out, choices, m0, m1 };
  }

  it('same seeds give byte-identical transcripts and outputs; another seed does not', async () => {
    const a = await chosenRun();
    const b = await chosenRun();
    expect(b.sCh.sent).toEqual(a.sCh.sent);
    expect(b.rCh.sent).toEqual(a.rCh.sent);
    expect(b.out).toEqual(a.out);
    const c = await chosenRun({ receiverSeed: 'view-r2' });
    expect(c.out).toEqual(a.out);
    expect(c.rCh.sent[1]).not.toEqual(a.rCh.sent[1]);
  });

  it('receiver: changing the unchosen messages m_{1−r} leaves its outputs, its messages and every y^{r} byte unchanged; y^{1−r} moves by exactly the change', async () => {
    const a = await chosenRun();
    const m0 = Uint32Array.from(a.m0);
    const m1 = Uint32Array.from(a.m1);
    a.choices.forEach((c, i) => (c === 0 ? m1 : m0).set(randomBlocks(`alt-${i}`, 1), 4 * i));
    const b = await chosenRun({ m0, m1 });
    expect(b.out).toEqual(a.out);
    expect(b.rCh.sent).toEqual(a.rCh.sent);
    // Incoming replies: 16-byte header, then (y⁰_i, y¹_i) pairs.
    let i = 0;
    for (let k = 1; k < a.rCh.received.length; k++) {
      const ya = new Uint32Array(a.rCh.received[k].slice(16).buffer);
      const yb = new Uint32Array(b.rCh.received[k].slice(16).buffer);
      for (let p = 0; p < ya.length / 8; p++, i++) {
        const r = a.choices[i];
        const chosenAt = 8 * p + 4 * r;
        const otherAt = 8 * p + 4 * (1 - r);
        expect(yb.slice(chosenAt, chosenAt + 4)).toEqual(ya.slice(chosenAt, chosenAt + 4));
        const change = xor(ya.slice(otherAt, otherAt + 4), yb.slice(otherAt, otherAt + 4));
        expect(change).toEqual(r ? xor(block(a.m0, i), block(m0, i)) : xor(block(a.m1, i), block(m1, i)));
        expect(change).not.toEqual(new Uint32Array(4));
      }
    }
    expect(i).toBe(a.choices.length);
  });

  it('another sender seed changes every message of both parties but not the receiver’s outputs', async () => {
    // The receiver's u = G(k⁰) ⊕ G(k¹) ⊕ r depends on the base-OT keys, hence on the sender's
    // base-OT message; what it must not depend on is the sender's messages m (test above).
    const a = await chosenRun();
    const b = await chosenRun({ senderSeed: 'view-s2' });
    expect(b.out).toEqual(a.out);
    expect(b.sCh.sent[0]).not.toEqual(a.sCh.sent[0]);
    for (let k = 1; k < a.rCh.sent.length; k++) expect(b.rCh.sent[k]).not.toEqual(a.rCh.sent[k]);
  });

  it('sender: flipping choice bits flips exactly those columns of every row of u (a one-time pad of r)', async () => {
    const a = await chosenRun();
    const flipped = a.choices.map((c, i) => (i % 5 === 0 ? 1 - c : c));
    const b = await chosenRun({ choices: flipped });
    let offset = 0;
    for (let k = 1; k < a.rCh.sent.length; k++) {
      const count = new DataView(a.rCh.sent[k].buffer).getUint32(4, true);
      const ua = a.rCh.sent[k].subarray(16);
      const ub = b.rCh.sent[k].subarray(16);
      const rowBytes = ua.length / 128;
      for (let j = 0; j < 128; j++) {
        for (let col = 0; col < 8 * rowBytes; col++) {
          const diff = ((ua[j * rowBytes + (col >> 3)] ^ ub[j * rowBytes + (col >> 3)]) >> (col & 7)) & 1;
          expect(diff).toBe(col < count && (offset + col) % 5 === 0 ? 1 : 0);
        }
      }
      offset += count;
    }
  });
});

describe('malformed and out-of-sync messages', () => {
  /**
   * Chosen OT of 300 (chunks of 128) where the receiver's (or sender's) message `index` is
   * tampered with; message 0 of either side is its base-OT message.
   */
  async function tampered(side: 'receiver' | 'sender', index: number, tamper: (m: Uint8Array) => Uint8Array, senderCount = 300) {
    const [x, y] = memoryChannelPair();
    const sCh = side === 'sender' ? new TamperingChannel(x, index, tamper) : x;
    const rCh = side === 'receiver' ? new TamperingChannel(y, index, tamper) : y;
    const [sender, receiver] = await sessionPair('bad', sCh, rCh, { chunkSize: 128 });
    const m = randomBlocks('bad', senderCount);
    const [s, r] = await runBoth(x, () => sender.send(m, m), () => receiver.receive(randomChoices('bad', 300)));
    return { s, r, sender, receiver };
  }
  const u32 = (m: Uint8Array, at: number, v: number) => {
    const out = Uint8Array.from(m);
    new DataView(out.buffer).setUint32(at, v, true);
    return out;
  };

  const senderSide: [string, (m: Uint8Array) => Uint8Array, new (...args: never[]) => Error, RegExp][] = [
    ['truncated u', (m) => m.subarray(0, m.length - 4), MalformedInputError, /bytes, expected/],
    ['padded u', (m) => Uint8Array.from([...m, 0]), MalformedInputError, /bytes, expected/],
    ['header only', (m) => m.subarray(0, 10), MalformedInputError, /header/],
    ['empty', () => new Uint8Array(0), MalformedInputError, /empty/],
    ['wrong kind', (m) => Uint8Array.from([0x13, ...m.subarray(1)]), ProtocolError, /EXT_U_CHOSEN/],
    ['reserved byte set', (m) => Uint8Array.from([m[0], 1, ...m.subarray(2)]), MalformedInputError, /reserved/],
    ['wrong start index', (m) => u32(m, 8, 5), ProtocolError, /out of sync/],
    ['zero count', (m) => u32(m, 4, 0), ProtocolError, /chunk of 0 OTs/],
    ['count beyond the batch', (m) => u32(m, 4, 301), ProtocolError, /chunk of 301 OTs/],
  ];
  for (const [name, tamper, type, pattern] of senderSide) {
    it(`sender rejects a ${name} message with ${type.name}`, async () => {
      const { s, sender } = await tampered('receiver', 1, tamper);
      const err = reasonOf(s);
      expect(err).toBeInstanceOf(type);
      expect(String(err)).toMatch(pattern);
      // The session is aborted, not left half-advanced.
      await expect(sender.sendRandom(1)).rejects.toThrow(/aborted/);
    });
  }

  const receiverSide: [string, (m: Uint8Array) => Uint8Array, new (...args: never[]) => Error][] = [
    ['truncated reply', (m) => m.subarray(0, m.length - 1), MalformedInputError],
    ['reply of the wrong kind', (m) => Uint8Array.from([0x22, ...m.subarray(1)]), ProtocolError],
    ['reply for other OTs', (m) => u32(m, 8, 0), ProtocolError],
    ['reply with a wrong count', (m) => u32(m, 4, 127), ProtocolError],
  ];
  for (const [name, tamper, type] of receiverSide) {
    it(`receiver rejects a ${name} with ${type.name}`, async () => {
      // Sender message 2 is the reply to the second chunk (start index 128).
      const { r, receiver } = await tampered('sender', 2, tamper);
      expect(reasonOf(r)).toBeInstanceOf(type);
      await expect(receiver.receive(Uint8Array.of(0))).rejects.toThrow(ProtocolError);
    });
  }

  it('mismatched batch sizes are detected by the sender', async () => {
    const { s } = await tampered('receiver', 99, (m) => m, 200);
    expect(reasonOf(s)).toBeInstanceOf(ProtocolError);
  });

  it('a corrupted base-OT message fails the setup with a typed error', async () => {
    const [x, y] = memoryChannelPair();
    // The extension receiver is the base-OT sender: replace its point A by the identity.
    const bad = new TamperingChannel(y, 0, (m) => Uint8Array.from([m[0], ...new Uint8Array(32)]));
    const [, s] = await runBoth(
      x,
      () => OtExtReceiver.setup(bad, rngFor('setup-r')),
      () => OtExtSender.setup(x, rngFor('setup-s')),
    );
    expect(reasonOf(s)).toBeInstanceOf(MalformedInputError);
    expect(String(reasonOf(s))).toMatch(/identity/);
  });
});

describe('bad arguments', () => {
  it('rejects bad inputs before sending anything', async () => {
    const [x, y] = memoryChannelPair();
    const [sender, receiver] = await sessionPair('args', x, y);
    const sent = x.stats.bytesSent + y.stats.bytesSent;
    await expect(receiver.receive(Uint8Array.of(0, 1, 2))).rejects.toThrow(OutOfRangeError);
    await expect(sender.send(new Uint32Array(8), new Uint32Array(4))).rejects.toThrow(SizeMismatchError);
    await expect(sender.send(new Uint32Array(6), new Uint32Array(6))).rejects.toThrow(SizeMismatchError);
    await expect(sender.sendCorrelated(4, new Uint32Array(3))).rejects.toThrow(InvalidArgumentError);
    await expect(sender.sendRandom(-1)).rejects.toThrow(InvalidArgumentError);
    await expect(OtExtReceiver.setup(y, rngFor('x'), { chunkSize: 100 })).rejects.toThrow(InvalidArgumentError);
    await expect(OtExtSender.setup(x, rngFor('x'), { delta: new Uint32Array(2) })).rejects.toThrow(InvalidArgumentError);
    expect(x.stats.bytesSent + y.stats.bytesSent).toBe(sent);
    // The session is still usable after argument errors.
    const [, got] = await Promise.all([sender.send(new Uint32Array(4), new Uint32Array(4).fill(9)), receiver.receive(Uint8Array.of(1))]);
    expect(got).toEqual(new Uint32Array(4).fill(9));
  });

  it('refuses a second batch while one is running on the same session', async () => {
    const [x, y] = memoryChannelPair();
    const [sender, receiver] = await sessionPair('busy', x, y);
    const first = sender.sendRandom(10);
    await expect(sender.sendRandom(10)).rejects.toThrow(/still running/);
    await Promise.all([first, receiver.receiveRandom(new Uint8Array(10))]);
  });
});
