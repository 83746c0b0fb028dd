/**
 * `delphi vectors`: generate writes exactly the committed files (and the schema), list names every
 * file, and command-line mistakes exit with code 2. The gzip branch is exercised with a synthetic
 * oversized file and read back with zlib.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { vectorsCommand, writeVectorFile } from '../../src/cli/commands/vectors.js';
import { GZIP_THRESHOLD_BYTES, VECTOR_FAMILIES, type GeneratedVectorFile } from '../../src/vectors/index.js';
import { readVectorText, VECTORS_DIR } from './helpers/files.js';

function memoryIo() {
  const io = { stdout: '', stderr: '', errIsTty: false, out: (s: string) => void (io.stdout += s), err: (s: string) => void (io.stderr += s) };
  return io;
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'delphi-vectors-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('delphi vectors', () => {
  it('generate --family random writes the committed files and the schema', async () => {
    const out = tempDir();
    const io = memoryIo();
    expect(await runCli(['vectors', 'generate', '--family', 'random', '--out', out], io, [vectorsCommand])).toBe(0);
    const family = VECTOR_FAMILIES.find((f) => f.name === 'random')!;
    for (const g of family.files) {
      expect(readFileSync(join(out, g.path), 'utf8')).toBe(readVectorText(g.path));
      expect(io.stdout).toContain(`${g.path}: `);
    }
    expect(readFileSync(join(out, 'schema/vectors.v1.schema.json'), 'utf8')).toBe(
      readFileSync(join(VECTORS_DIR, 'schema/vectors.v1.schema.json'), 'utf8'),
    );
    expect(io.stderr).toContain('generating');
  });

  it('generate --seed changes the files and records the seed', async () => {
    const out = tempDir();
    const seed = 'ab'.repeat(32);
    expect(await runCli(['vectors', 'generate', '--family', 'random', '--seed', seed, '--out', out], memoryIo(), [vectorsCommand])).toBe(0);
    const text = readFileSync(join(out, 'random/samplers.v1.json'), 'utf8');
    expect(JSON.parse(text).generatorSeed).toBe(seed);
    expect(text).not.toBe(readVectorText('random/samplers.v1.json'));
  });

  it('list prints every family and file', async () => {
    const io = memoryIo();
    expect(await runCli(['vectors', 'list'], io, [vectorsCommand])).toBe(0);
    for (const f of VECTOR_FAMILIES) {
      expect(io.stdout).toContain(`${f.name}: `);
      for (const g of f.files) expect(io.stdout).toContain(g.path);
    }
  });

  it.each([
    [['vectors'], 'missing sub-command'],
    [['vectors', 'frobnicate'], 'unknown sub-command'],
    [['vectors', 'generate'], '--out DIR is required'],
    [['vectors', 'generate', '--out', 'x', '--family', 'nope'], 'unknown family "nope"'],
    [['vectors', 'generate', '--out', 'x', '--seed', '1234'], '64 hexadecimal digits'],
    [['vectors', 'generate', '--out', 'x', '--bogus'], 'bogus'],
    [['vectors', 'generate', '--out', 'x', 'extra'], 'unexpected argument'],
    [['vectors', 'list', 'extra'], 'unexpected argument'],
  ])('%j exits with code 2', async (argv, message) => {
    const io = memoryIo();
    expect(await runCli(argv, io, [vectorsCommand])).toBe(2);
    expect(io.stderr).toContain(message);
    expect(io.stderr).toMatch(/^delphi vectors: .* \[USAGE\]; see "delphi vectors --help"\n$/);
  });

  it('writes files over the threshold as .json.gz and removes a stale uncompressed copy', () => {
    const out = tempDir();
    const text = `{"x": "${'7'.repeat(GZIP_THRESHOLD_BYTES)}"}\n`;
    const big = { path: 'a/big.v1.json', text, gzip: true } as GeneratedVectorFile;
    writeFileSync(join(out, 'stale'), '');
    writeVectorFile(out, { ...big, text: 'old', gzip: false });
    expect(existsSync(join(out, 'a/big.v1.json'))).toBe(true);
    expect(writeVectorFile(out, big)).toBe('a/big.v1.json.gz');
    expect(existsSync(join(out, 'a/big.v1.json'))).toBe(false);
    expect(gunzipSync(readFileSync(join(out, 'a/big.v1.json.gz'))).toString('utf8')).toBe(text);
    expect(writeVectorFile(out, { ...big, gzip: false })).toBe('a/big.v1.json');
    expect(existsSync(join(out, 'a/big.v1.json.gz'))).toBe(false);
  });
});
