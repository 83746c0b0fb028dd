/**
 * `delphi infer` checks its input before it connects (Spec: §11.7). Oracles: the bound
 * (p − 1)/2 / (2^(2f)·N) computed by hand, the file system's error codes, a raw TCP listener that
 * counts the connections it receives (none for a bad input), and the IHDR fields of a PNG whose
 * pixel data is absent (so a pass would have to decode nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkInputRange, checkPngHeader, maxInputMagnitude, MAX_PRECHECK_PIXELS, precheckInput } from '../../src/cli/input-check.js';
import { encodePng, PNG_SIGNATURE } from '../../src/cli/png.js';
import { runCli } from '../../src/cli/run.js';
import { inferCommand } from '../../src/cli/commands/infer.js';
import { MalformedInputError, OutOfRangeError } from '../../src/errors.js';
import { captureIo } from './capture-io.js';
import { crc32 } from './png-writer.js';

let dir: string;
let server: Server;
let port: number;
let connections = 0;

/** A PNG made of the signature and an IHDR chunk only: its header claims width × height. */
function headerOnlyPng(width: number, height: number, bitDepth = 16): Uint8Array {
  const body = new Uint8Array(17);
  body.set([73, 72, 68, 82]); // "IHDR"
  const view = new DataView(body.buffer);
  view.setUint32(4, width);
  view.setUint32(8, height);
  body[12] = bitDepth;
  const chunk = new Uint8Array(4 + 17 + 4);
  new DataView(chunk.buffer).setUint32(0, 13);
  chunk.set(body, 4);
  new DataView(chunk.buffer).setUint32(21, crc32(body));
  const out = new Uint8Array(PNG_SIGNATURE.length + chunk.length);
  out.set(PNG_SIGNATURE);
  out.set(chunk, PNG_SIGNATURE.length);
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'delphi-precheck-'));
  writeFileSync(join(dir, 'huge.png'), headerOnlyPng(5792, 5792));
  writeFileSync(join(dir, 'ok.png'), encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples: new Uint8Array(784).fill(200) }));
  writeFileSync(join(dir, 'inf.json'), JSON.stringify({ shape: [2], data: [0.5, 1e308] }));
  writeFileSync(join(dir, 'big-values.json'), JSON.stringify(Array.from({ length: 784 }, (_, i) => (i === 3 ? -5e6 : 0))));
  writeFileSync(join(dir, 'text.txt'), 'hello');
  server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((r) => server.close(() => r()));
});

describe('maxInputMagnitude', () => {
  it('is (p − 1)/2 / (2^(2f) · N)', () => {
    expect(maxInputMagnitude(1, 8)).toBe(1030792151040 / 65536);
    expect(maxInputMagnitude(784, 8)).toBeCloseTo(1030792151040 / 65536 / 784, 6);
    expect(maxInputMagnitude(784, 8)).toBeLessThan(5e6);
  });
});

describe('precheckInput', () => {
  it('passes a 28×28 PNG and returns its tensor', async () => {
    // A uniform light grey would be inverted by default (light background, §8): keep it as it is.
    const { tensor, bytes } = await precheckInput(join(dir, 'ok.png'), { invert: false });
    expect(tensor.shape).toEqual([1, 28, 28]);
    expect(tensor.data[0]).toBeCloseTo(200 / 255, 6);
    expect(bytes.length).toBeGreaterThan(8);
  });

  it('keeps the file system error code for a missing file and a directory', async () => {
    await expect(precheckInput(join(dir, 'missing.png'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(precheckInput(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('refuses a 5792×5792 16-bit PNG from its header alone', async () => {
    await expect(precheckInput(join(dir, 'huge.png'))).rejects.toThrow(new OutOfRangeError(`${join(dir, 'huge.png')}: PNG of 5792×5792 pixels exceeds the input limit of ${MAX_PRECHECK_PIXELS} pixels`));
    expect(checkPngHeader(headerOnlyPng(2048, 2048))).toEqual({ width: 2048, height: 2048 });
    expect(() => checkPngHeader(PNG_SIGNATURE)).toThrow(MalformedInputError);
  });

  it('refuses values that are not finite or outside the fixed-point range', async () => {
    await expect(precheckInput(join(dir, 'inf.json'))).rejects.toThrow(/value Infinity at index 1 is outside the fixed-point range/);
    await expect(precheckInput(join(dir, 'big-values.json'))).rejects.toThrow(/value -5000000 at index 3 is outside the fixed-point range ±20062 \(784 values at 8 fractional bits\)/);
    const tensor = { shape: [2], data: Float32Array.of(0, 1000), description: 'test' };
    expect(() => checkInputRange(tensor, 8)).not.toThrow();
    expect(() => checkInputRange(tensor, 16)).toThrow(OutOfRangeError);
  });

  it('refuses a file that is neither PNG nor JSON', async () => {
    await expect(precheckInput(join(dir, 'text.txt'))).rejects.toThrow(MalformedInputError);
  });
});

describe('delphi infer with a bad input', () => {
  it.each(['missing.png', 'huge.png', 'inf.json', 'big-values.json', 'text.txt'])('fails on %s before connecting', async (name) => {
    const io = captureIo();
    const code = await runCli(['infer', '--server', `127.0.0.1:${port}`, '--input', join(dir, name)], io, [inferCommand]);
    expect(code).not.toBe(0);
    expect(io.stderr).toMatch(/\S/);
    expect(connections).toBe(0);
  });
});
