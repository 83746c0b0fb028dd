/**
 * The three-command flow over loopback TCP (§9.14): `delphi serve --state-dir`, `delphi preprocess
 * --count 2 --state`, a server restart, then `delphi infer --state` runs the online phase alone and
 * its logits equal the plaintext fixed-point evaluation (evaluateFixedPoint, §8.9); and the faults
 * of the one-time rule: a third inference, a copied state directory, a truncated or edited state
 * file, a state for another model, 10^6 slots, two clients at once, a client killed mid-online.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run.js';
import { createServeCommand } from '../../src/cli/commands/serve.js';
import { inferCommand } from '../../src/cli/commands/infer.js';
import { preprocessCommand } from '../../src/cli/commands/preprocess.js';
import { compileFixedPoint, createModel, evaluateFixedPoint, serializeModel } from '../../src/nn/index.js';
import { fromTextSeed, type Rng } from '../../src/random/index.js';
import { captureIo } from './capture-io.js';

function tinyModel(rng: Rng, name: string) {
  const w = (n: number) => Float64Array.from({ length: n }, () => (rng.uint32() / 2 ** 32 - 0.5) * 0.8);
  return createModel({
    name,
    inputShape: [1, 6, 6],
    layers: [
      { type: 'conv2d', name: 'conv', outChannels: 2, kernel: 3, weights: w(18), bias: w(2) },
      { type: 'relu', name: 'relu1' },
      { type: 'flatten', name: 'flatten' },
      { type: 'dense', name: 'fc1', outFeatures: 8, weights: w(8 * 32), bias: w(8) },
      { type: 'relu', name: 'relu2' },
      { type: 'dense', name: 'fc2', outFeatures: 4, weights: w(32), bias: w(4) },
    ],
  });
}

const model = tinyModel(fromTextSeed('preprocess-infer model'), 'tiny');
const other = tinyModel(fromTextSeed('another model'), 'other');
const fixed = compileFixedPoint(model);
const inputs = [0, 1, 2, 3].map((i) => Array.from({ length: 36 }, (_, k) => ((k * (i + 3)) % 11) / 10));
const INSECURE = ['--backend', 'insecure-dealer', '--insecure'];

let dir: string;

/** Starts `delphi serve` on `modelFile` with `stateDir`; returns its port and a stop function. */
async function startServer(modelFile: string, stateDir: string, extra: string[] = []) {
  const io = captureIo();
  const stop = new AbortController();
  let listening!: (p: number) => void;
  const ready = new Promise<number>((r) => (listening = r));
  const serve = createServeCommand({ signal: stop.signal, onListening: (a) => listening(a.port) });
  const done = runCli(['serve', '--model', modelFile, '--port', '0', '--state-dir', stateDir, ...INSECURE, ...extra], io, [serve]);
  const port = await Promise.race([ready, done.then((c) => Promise.reject(new Error(`serve exited ${c}: ${io.stderr}`)))]);
  return { port, io, stop: async () => (stop.abort(), done) };
}

const cli = (args: string[]) => {
  const io = captureIo();
  return runCli(args, io, [inferCommand, preprocessCommand]).then((code) => ({ code, io }));
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'delphi-preprocess-'));
  writeFileSync(join(dir, 'model.json'), serializeModel(model));
  writeFileSync(join(dir, 'other.json'), serializeModel(other));
  inputs.forEach((x, i) => writeFileSync(join(dir, `x${i}.json`), JSON.stringify({ shape: [1, 6, 6], data: x })));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('delphi preprocess, then delphi infer --state', () => {
  it('preprocess 2, restart the server, two online-only inferences, a third refused; a copy of the state is refused too', async () => {
    const sdir = join(dir, 'server-state');
    const cdir = join(dir, 'client-state');
    const s1 = await startServer(join(dir, 'model.json'), sdir);
    const pre = await cli(['preprocess', '--server', `127.0.0.1:${s1.port}`, '--count', '2', '--state', cdir, '--json', ...INSECURE]);
    expect(pre.code, pre.io.stderr).toBe(0);
    const preReport = JSON.parse(pre.io.stdout);
    expect(preReport.slots).toEqual([0, 1]);
    expect(preReport.phases.map((p: { phase: string }) => p.phase)).toEqual(['setup', 'preprocessing', 'preprocessing']);
    expect(await s1.stop()).toBe(0);
    // State files hold secrets: owner-only.
    const session = readdirSync(cdir).find((n) => /^[0-9a-f]{32}$/.test(n))!;
    for (const f of readdirSync(join(cdir, session))) expect(statSync(join(cdir, session, f)).mode & 0o077, f).toBe(0);
    cpSync(cdir, join(dir, 'client-copy'), { recursive: true });

    const s2 = await startServer(join(dir, 'model.json'), sdir);
    expect(s2.io.stderr).toMatch(/1 stored session\n/);
    const infer = (state: string, x: number) => cli(['infer', '--server', `127.0.0.1:${s2.port}`, '--state', state, '--input', join(dir, `x${x}.json`), '--json', ...INSECURE]);
    for (const x of [0, 1]) {
      const { code, io } = await infer(cdir, x);
      expect(code, io.stderr).toBe(0);
      const report = JSON.parse(io.stdout);
      expect(report.phases.map((p: { phase: string }) => p.phase)).toEqual(['online']);
      expect(report.logits).toEqual(evaluateFixedPoint(fixed, inputs[x]).decoded);
    }
    const third = await infer(cdir, 2);
    expect(third.code).toBe(1);
    expect(third.io.stderr).toMatch(/^delphi infer: no preprocessed slot left in .*client-state: run "delphi preprocess .*\n$/);
    const copy = await infer(join(dir, 'client-copy'), 2);
    expect(copy.code).toBe(1);
    expect(copy.io.stderr).toMatch(/the server refused slot \d: slot \d of session [0-9a-f]+ was already used/);
    expect(copy.io.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(s2.io.stderr).toMatch(/refused: slot \d of session [0-9a-f]+ was already used/);
    expect(await s2.stop()).toBe(0);
  });

  it('a truncated or edited state file is a typed error naming the file; a state for another model is refused', async () => {
    const sdir = join(dir, 'server-state-2');
    const s = await startServer(join(dir, 'model.json'), sdir);
    const prep = (state: string) => cli(['preprocess', '--server', `127.0.0.1:${s.port}`, '--count', '1', '--state', state, ...INSECURE]);
    const infer = (state: string, port = s.port) => cli(['infer', '--server', `127.0.0.1:${port}`, '--state', state, '--input', join(dir, 'x0.json'), ...INSECURE]);
    const slotFile = (state: string) => {
      const session = readdirSync(state).find((n) => /^[0-9a-f]{32}$/.test(n))!;
      return join(state, session, 'slot-0.slot');
    };
    for (const [name, damage, pattern] of [
      // The file is u64 length ‖ record, repeated (§9.14.2): a cut one ends inside its last record.
      ['truncated', (b: Buffer) => b.subarray(0, b.length - 100), /ends inside a record.*\[MALFORMED_INPUT\]/],
      ['edited', (b: Buffer) => (b[40] ^= 1, b), /checksum mismatch.*\[MALFORMED_INPUT\]/],
      ['empty', (b: Buffer) => b.subarray(0, 0), /truncated/],
    ] as const) {
      const state = join(dir, `c-${name}`);
      expect((await prep(state)).code).toBe(0);
      const file = slotFile(state);
      writeFileSync(file, damage(readFileSync(file)));
      const { code, io } = await infer(state);
      expect(code, name).toBe(1);
      expect(io.stderr, name).toContain(file);
      expect(io.stderr, name).toMatch(pattern);
      expect(io.stderr, name).not.toMatch(/\n\s+at /);
    }
    // The server's own slot damaged: a refusal naming nothing secret, and the server keeps serving.
    const sState = join(dir, 'c-server-damaged');
    expect((await prep(sState)).code).toBe(0);
    const sSession = readdirSync(sState).find((n) => /^[0-9a-f]{32}$/.test(n))!;
    const serverSlot = join(sdir, sSession, 'slot-0.slot');
    const sb = readFileSync(serverSlot);
    sb[sb.length - 1] ^= 1;
    writeFileSync(serverSlot, sb);
    const damaged = await infer(sState);
    expect(damaged.code).toBe(1);
    expect(damaged.io.stderr).toMatch(/the server refused slot 0: the server's state for slot 0 is damaged \(.*checksum mismatch.*\); the slot is discarded \[PROTOCOL_ERROR\]\n$/);
    expect(damaged.io.stderr).not.toContain(sdir);
    expect(s.io.stderr).toContain(serverSlot); // the server's log names its file
    const fresh = await cli(['infer', '--server', `127.0.0.1:${s.port}`, '--input', join(dir, 'x1.json'), '--json', ...INSECURE]);
    expect(fresh.code, fresh.io.stderr).toBe(0);
    expect(JSON.parse(fresh.io.stdout).logits).toEqual(evaluateFixedPoint(fixed, inputs[1]).decoded);
    // Another model on the same state directory: the session cannot be resumed there.
    const state = join(dir, 'c-other');
    expect((await prep(state)).code).toBe(0);
    expect(await s.stop()).toBe(0);
    const o = await startServer(join(dir, 'other.json'), sdir);
    const { code, io } = await infer(state, o.port);
    expect(code).toBe(1);
    expect(io.stderr).toMatch(/refused to resume session [0-9a-f]+: .*another model/);
    expect(await o.stop()).toBe(0);
  });

  it('10^6 slots are refused with a one-line error; two clients at once are both served', async () => {
    const sdir = join(dir, 'server-state-3');
    const s = await startServer(join(dir, 'model.json'), sdir, ['--max-slots', '4']);
    const many = await cli(['preprocess', '--server', `127.0.0.1:${s.port}`, '--count', '1000000', '--state', join(dir, 'c-many'), ...INSECURE]);
    expect(many.code).toBe(1);
    expect(many.io.stderr).toMatch(/refused to preprocess: asked for 1000000 slots; .*at most 4 per session/);
    const both = await Promise.all(
      [0, 1].map((i) => cli(['infer', '--server', `127.0.0.1:${s.port}`, '--input', join(dir, `x${i}.json`), join(dir, `x${i + 2}.json`), '--json', ...INSECURE])),
    );
    both.forEach(({ code, io }, i) => {
      expect(code, io.stderr).toBe(0);
      const r = JSON.parse(io.stdout);
      expect(r.inputs.map((x: { logits: number[] }) => x.logits)).toEqual([evaluateFixedPoint(fixed, inputs[i]).decoded, evaluateFixedPoint(fixed, inputs[i + 2]).decoded]);
    });
    expect(await s.stop()).toBe(0);
  });

  it('infer --state with a missing directory says to run delphi preprocess, before connecting', async () => {
    const missing = join(dir, 'never-made');
    const { code, io } = await cli(['infer', '--server', '127.0.0.1:1', '--state', missing, '--input', join(dir, 'x0.json'), ...INSECURE]);
    expect(code).toBe(1);
    expect(io.stderr).toBe(`delphi infer: ${missing} does not exist: run "delphi preprocess --server HOST:PORT --count N --state ${missing}" first [PROTOCOL_ERROR]\n`);
  });
});
