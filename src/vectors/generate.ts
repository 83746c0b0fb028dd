/**
 * The list of vector families and the deterministic generation of their files (what
 * `delphi vectors generate` writes).
 *
 * Spec: §12.6
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { DEFAULT_VECTOR_SEED } from './builder.js';
import { formatVectorJson } from './encoding.js';
import type { VectorFamily } from './family.js';
import type { JsonValue, VectorFile } from './format.js';
import { vectorSchema } from './schema.js';
import { beaverFamily } from './families/beaver.js';
import { bfvFamily } from './families/bfv/index.js';
import { garblingFamily } from './families/garbling.js';
import { inferenceFamily } from './families/inference.js';
import { nttFamily, rnsFamily } from './families/math.js';
import { otFamily } from './families/ot/index.js';
import { sharingFamily } from './families/sharing.js';
import { randomFamily } from './families/random.js';

/** Every family, in the order `delphi vectors list` prints them. Spec: §12.6 */
export const VECTOR_FAMILIES: readonly VectorFamily[] = Object.freeze([randomFamily, nttFamily, rnsFamily, sharingFamily, beaverFamily, otFamily, bfvFamily, garblingFamily, inferenceFamily]);

/** Files whose text exceeds this many bytes are written gzip-compressed (`.json.gz`). Spec: §12.6 */
export const GZIP_THRESHOLD_BYTES = 2 ** 20;

/** Path below vectors/ of the schema file. Spec: §12.6 */
export const SCHEMA_PATH = 'schema/vectors.v1.schema.json';

/** One generated file: its path below vectors/ (before any `.gz`), its content and its text. */
export interface GeneratedVectorFile {
  readonly path: string;
  readonly file: VectorFile;
  readonly text: string;
  /** Whether the text is over {@link GZIP_THRESHOLD_BYTES} and is stored as `path + ".gz"`. */
  readonly gzip: boolean;
}

/** Options of {@link generateVectorFiles}. */
export interface GenerateVectorOptions {
  /** Only this family (a name of {@link VECTOR_FAMILIES}); default all. */
  readonly family?: string;
  /** The 32-byte master seed; default {@link DEFAULT_VECTOR_SEED}. */
  readonly seed?: Uint8Array;
  /** Called before each file is generated. */
  readonly onFile?: (path: string, index: number, total: number) => void;
}

/** The family named `name`; {@link InvalidArgumentError} listing the names otherwise. Spec: §12.6 */
export function vectorFamily(name: string): VectorFamily {
  const family = VECTOR_FAMILIES.find((f) => f.name === name);
  if (!family) {
    throw new InvalidArgumentError(`unknown vector family "${name}"; the families are ${VECTOR_FAMILIES.map((f) => f.name).join(', ')}`);
  }
  return family;
}

/** The JSON Schema of all vector files (vectors/schema/vectors.v1.schema.json). Spec: §12.6 */
export function vectorFilesSchema(): { path: string; text: string } {
  const schema = vectorSchema(VECTOR_FAMILIES.flatMap((f) => f.files.map((g) => g.spec)));
  return { path: SCHEMA_PATH, text: formatVectorJson(schema) };
}

/**
 * Generates the files of one family or of all, from a master seed. The result depends only on
 * the seed and the library: two calls give byte-identical texts. Spec: §12.6
 */
export async function generateVectorFiles(options: GenerateVectorOptions = {}): Promise<GeneratedVectorFile[]> {
  const seed = options.seed ?? DEFAULT_VECTOR_SEED;
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new InvalidArgumentError('generateVectorFiles: the master seed must be 32 bytes');
  }
  const families = options.family === undefined ? VECTOR_FAMILIES : [vectorFamily(options.family)];
  const generators = families.flatMap((f) => f.files);
  const out: GeneratedVectorFile[] = [];
  for (const [i, g] of generators.entries()) {
    options.onFile?.(g.path, i, generators.length);
    const file = await g.generate(seed);
    const text = formatVectorJson(file as unknown as JsonValue);
    out.push({ path: g.path, file, text, gzip: new TextEncoder().encode(text).length > GZIP_THRESHOLD_BYTES });
  }
  return out;
}
