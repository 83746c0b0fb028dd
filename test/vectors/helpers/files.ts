/**
 * Reading the committed vector files the way another implementation would: from disk, gunzipping
 * `.json.gz`, with JSON.parse and nothing from src/vectors.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const VECTORS_DIR = fileURLToPath(new URL('../../../vectors/', import.meta.url));

/** The JSON shape of a test, loosely typed for consumers. */
export interface Test {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid';
  input: any;
  intermediate?: any;
  output?: any;
  error?: string;
}

export interface Group {
  type: string;
  params: any;
  tests: Test[];
}

export interface VectorFileJson {
  schema: string;
  algorithm: string;
  numberOfTests: number;
  notes: Record<string, string>;
  testGroups: Group[];
  [k: string]: unknown;
}

/** Text of vectors/<path>, or of vectors/<path>.gz decompressed. */
export function readVectorText(path: string): string {
  const plain = join(VECTORS_DIR, path);
  if (existsSync(plain)) return readFileSync(plain, 'utf8');
  return gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8');
}

export function loadVectors(path: string): VectorFileJson {
  return JSON.parse(readVectorText(path)) as VectorFileJson;
}

/** Every vector file below vectors/ (paths without `.gz`), the schema excepted. */
export function listVectorFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.v\d+\.json(\.gz)?$/.test(name) && !p.includes(`${join(VECTORS_DIR, 'schema')}`)) {
        out.push(relative(VECTORS_DIR, p).replace(/\.gz$/, '').split('\\').join('/'));
      }
    }
  };
  walk(VECTORS_DIR);
  return out.sort();
}

/** All tests of a file with their group, for `it.each`-style iteration. */
export function allTests(file: VectorFileJson): { group: Group; test: Test }[] {
  return file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));
}

/** Decodes lowercase hex. */
export function unhex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
}

export function tohex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
