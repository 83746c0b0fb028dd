/**
 * `delphi vectors`: regenerates the test-vector files of vectors/ deterministically
 * (`generate`) and lists the families (`list`). Files over 1 MiB are written gzip-compressed.
 * Spec: §12.6
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { seedFromHex } from '../../random/index.js';
import {
  DEFAULT_VECTOR_SEED,
  generateVectorFiles,
  hex,
  VECTOR_FAMILIES,
  vectorFilesSchema,
  type GeneratedVectorFile,
} from '../../vectors/index.js';
import { EXIT, UsageError, type CliCommand, type CliIo } from '../command.js';
import { progressPrinter } from '../progress.js';

const usage = `Usage: delphi vectors generate [--family NAME] [--seed HEX] --out DIR
       delphi vectors list

generate  writes the test-vector files (DIR/<area>/<algorithm>.v1.json, gzip-compressed as .json.gz
          when over 1 MiB) and the JSON Schema DIR/schema/vectors.v1.schema.json. The same seed always
          gives the same files; the committed vectors/ use the default seed.
  --family NAME  only this family (see "delphi vectors list"); default all
  --seed HEX     32-byte master seed, 64 hex digits (default ${hex(DEFAULT_VECTOR_SEED)})
  --out DIR      output directory (usually vectors)
list      prints the families and their files.`;

function writeFile(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

/**
 * Writes one generated file below `dir`: as `<path>.gz` (gzip, level 9) when it is over the
 * threshold, else as `<path>`; the other form, if left from an earlier run, is removed.
 * Returns the name written. Spec: §12.6
 */
export function writeVectorFile(dir: string, f: GeneratedVectorFile): string {
  const target = join(dir, f.path);
  if (f.gzip) {
    writeFile(`${target}.gz`, gzipSync(new TextEncoder().encode(f.text), { level: 9 }));
    rmSync(target, { force: true });
    return `${f.path}.gz`;
  }
  writeFile(target, f.text);
  rmSync(`${target}.gz`, { force: true });
  return f.path;
}

async function generate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { family: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.out === undefined) throw new UsageError('--out DIR is required');
  if (values.family !== undefined && !VECTOR_FAMILIES.some((f) => f.name === values.family)) {
    throw new UsageError(`unknown family "${values.family}"; the families are ${VECTOR_FAMILIES.map((f) => f.name).join(', ')}`);
  }
  if (values.seed !== undefined && !/^(0x)?[0-9a-fA-F]{64}$/.test(values.seed.trim())) {
    throw new UsageError(`--seed takes 64 hexadecimal digits (32 bytes), got "${values.seed}"`);
  }
  const seed = values.seed === undefined ? DEFAULT_VECTOR_SEED : seedFromHex(values.seed);
  const progress = progressPrinter(io);
  const files = await generateVectorFiles({
    family: values.family,
    seed,
    onFile: (path, i, total) => progress({ phase: 'generating', item: path, done: i, total }),
  });
  progress.finish();
  const schema = vectorFilesSchema();
  writeFile(join(values.out, schema.path), schema.text);
  for (const f of files) io.out(`${writeVectorFile(values.out, f)}: ${f.file.numberOfTests} tests\n`);
  io.out(`${files.length} files and ${schema.path} written to ${values.out}\n`);
  return EXIT.OK;
}

export const vectorsCommand: CliCommand = {
  name: 'vectors',
  summary: 'regenerate the test vectors deterministically, or list their families',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'generate') return generate(rest, io);
    if (sub === 'list') {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
      for (const f of VECTOR_FAMILIES) {
        io.out(`${f.name}: ${f.description}\n`);
        for (const g of f.files) io.out(`  ${g.path}  (${g.spec.algorithm})\n`);
      }
      return EXIT.OK;
    }
    throw new UsageError(sub === undefined ? 'missing sub-command (generate or list)' : `unknown sub-command "${sub}"`);
  },
};
