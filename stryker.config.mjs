// Mutation testing (Stryker + vitest runner) of the decoders and arithmetic cores: `npm run mutate`.
//
// Each configured source file runs against only the tests that cover it (FILES below), one file per
// Stryker run, so the whole run fits on a small machine and one file can be re-run on its own:
//
//   npm run mutate                            every configured file, two side by side, longest first
//   npm run mutate -- --full                  the same, every mutant re-run (as from a clean clone)
//   npm run mutate -- src/math/modular.ts     one file (incremental: only changed mutants re-run)
//   MUTATE=src/math/modular.ts npx stryker run stryker.config.mjs
//
// The driver is scripts/mutate.mjs; this file reads the file to mutate from MUTATE (or from a
// `--mutate <file>` argument) and picks its tests. Equivalent mutants: mutation-equivalents.md.

/**
 * Source file → test files (globs) that cover it. A key ending in `/` is a group: every `.ts` file
 * directly in that folder, mutated in one Stryker run against the same tests, scored file by file.
 */
export const FILES = {
  'src/protocol/messages.ts': ['test/protocol/messages.*.test.ts', 'test/property/wire.*.test.ts'],
  'src/channel/framing.ts': ['test/channel/framing.*.test.ts', 'test/channel/channel.test.ts'],
  'src/net/handshake.ts': ['test/net/handshake.*.test.ts'],
  // (the base-OT and IKNP tests, ≈ 50 s per run, exercise wire.ts only through the OT protocols; wire.mutation checks every helper directly)
  'src/ot/wire.ts': ['test/ot/wire.*.test.ts'],
  'src/beaver/wire.ts': ['test/beaver/wire.*.test.ts', 'test/beaver/multiply.*.test.ts', 'test/property/wire.*.test.ts'],
  // (threehalves.serialize covers the three-halves layout that serialize.ts gained with that scheme)
  'src/gc/serialize.ts': ['test/gc/serialize.*.test.ts', 'test/gc/threehalves.serialize.*.test.ts'],
  // (interop.node-seal loads SEAL and takes ~20 s per mutant; the layout it checks against SEAL is asserted field by field in serialize.mutation)
  'src/bfv/serialize.ts': ['test/bfv/serialize.*.test.ts', 'test/bfv/compact.roundtrip.test.ts'],
  // (bristol.vectors parses and evaluates the AES and SHA-256 circuits: too slow per mutant)
  'src/gc/bristol.ts': ['test/gc/bristol.malformed.test.ts', 'test/gc/bristol.mutation.test.ts'],
  'src/nn/import/json.ts': ['test/nn/model-json*.test.ts'],
  'src/nn/import/protobuf.ts': ['test/nn/protobuf*.test.ts', 'test/nn/onnx-*.test.ts'],
  'src/nn/import/onnx/proto.ts': ['test/nn/onnx-*.test.ts'],
  'src/nn/import/onnx/import.ts': ['test/nn/onnx-*.test.ts'],
  // The operator handlers, one Stryker run for the folder, and the helpers and table they share.
  'src/nn/import/onnx/ops/': ['test/nn/onnx-*.test.ts'],
  'src/nn/import/onnx/context.ts': ['test/nn/onnx-*.test.ts'],
  'src/nn/import/onnx/operators.ts': ['test/nn/onnx-*.test.ts'],
  'src/cli/image.ts': ['test/cli/input.*.test.ts'],
  'src/sharing/additive.ts': ['test/sharing/*.test.ts', 'test/property/sharing.*.test.ts'],
  'src/sharing/field-vector.ts': ['test/sharing/*.test.ts', 'test/property/*.test.ts'],
  'src/sharing/fixed-point.ts': ['test/sharing/*.test.ts', 'test/property/sharing.*.test.ts'],
  'src/sharing/truncation.ts': ['test/sharing/*.test.ts', 'test/property/sharing.*.test.ts'],
  'src/sharing/activations.ts': ['test/sharing/activations.mutation.test.ts', 'test/nn/quadratic-truncation.test.ts', 'test/nn/hand-computed.test.ts'],
  'src/math/modular.ts': ['test/math/modular.*.test.ts'],
  'src/math/share-field.ts': ['test/math/share-field.*.test.ts', 'test/property/*.test.ts'],
  'src/gc/halfgates.ts': ['test/gc/halfgates.*.test.ts'],
  'src/gc/free-gates.ts': ['test/gc/free-gates.*.test.ts', 'test/gc/halfgates.*.test.ts', 'test/gc/threehalves.reference.test.ts'],
  // (garble.bristol garbles the AES and SHA-256 circuits: too slow per mutant; garble.aes-backends stays,
  // its 400 ReLUs are the only batch of several chunks with a partial last one)
  'src/gc/garble.ts': [
    'test/gc/garble.mutation.test.ts',
    'test/gc/garble.aes-backends.test.ts',
    'test/gc/garble.properties.test.ts',
    'test/gc/garble.three-halves.test.ts',
    'test/gc/halfgates.mutation.test.ts',
    'test/gc/serialize.*.test.ts',
  ],
  // (noise.flooding, at n = 8192, is too slow per mutant; noise.mutation checks the same definitions at n = 32)
  'src/bfv/noise.ts': ['test/bfv/noise.mutation.test.ts'],
  // (beaver-triples.reference runs the protocol at n = 1024 and 8192: too slow per mutant; bfv-wire.mutation
  // checks the codec at n = 16)
  'src/beaver/bfv-wire.ts': ['test/beaver/bfv-wire.*.test.ts'],
  // (compact.roundtrip generates keys at n = 4096; compact.mutation checks the same layout at n = 4 and 16)
  'src/bfv/compact.ts': ['test/bfv/compact.mutation.test.ts'],
  // (limits.real-run and service.fixed-eval run whole services: too slow per mutant; the mutation tests check every field by hand)
  'src/protocol/service-messages.ts': ['test/protocol/service-messages.mutation.test.ts'],
  // (slot-bytes.roundtrip exercises SlotReader and SlotWriter only; the CLI file store tests touch the disk)
  'src/protocol/slot.ts': ['test/protocol/slot.mutation.test.ts'],
  // (fuzz/protocol-messages also decodes blobs, at random; blobs.mutation checks every field and refusal by hand)
  'src/protocol/blobs.ts': ['test/protocol/blobs.mutation.test.ts'],
  'src/math/bytes.ts': ['test/math/bytes.mutation.test.ts', 'test/protocol/slot-bytes.roundtrip.test.ts'],
  'src/nn/import/base64.ts': ['test/nn/base64.mutation.test.ts', 'test/nn/rfc4648-base64.test.ts'],
  'src/cli/png.ts': ['test/cli/png.mutation.test.ts', 'test/cli/png.roundtrip.test.ts', 'test/cli/png.encoder.roundtrip.test.ts'],
  'src/nn/mnist.ts': ['test/nn/mnist.mutation.test.ts', 'test/nn/mnist-idx.test.ts'],
};

/**
 * Expected seconds per file (CPU time of the last measured full run), used by scripts/mutate.mjs only to
 * start the longest files first; a file missing here is started first.
 */
export const SECONDS = {
  // measured CPU seconds (2026-12-07, load 6–17)
  'src/nn/import/onnx/ops/': 288,
  'src/bfv/serialize.ts': 209,
  'src/gc/serialize.ts': 104,
  'src/gc/garble.ts': 172,
  'src/sharing/field-vector.ts': 148,
  'src/protocol/messages.ts': 81,
  'src/nn/import/json.ts': 76,
  'src/sharing/additive.ts': 66,
  'src/nn/import/onnx/context.ts': 42,
  'src/sharing/activations.ts': 20,
  'src/nn/import/onnx/operators.ts': 13,
  'src/ot/wire.ts': 9,
  'src/beaver/bfv-wire.ts': 33,
  'src/bfv/compact.ts': 202,
  'src/protocol/slot.ts': 104,
  'src/protocol/service-messages.ts': 16,
  'src/protocol/blobs.ts': 12,
  'src/cli/png.ts': 202,
  'src/nn/import/base64.ts': 36,
  'src/math/bytes.ts': 10,
  'src/nn/mnist.ts': 38,
  // estimated: 0.28 × the wall time of the previous full run at load ≈ 17 (or from the mutant count); the
  // files measured since came out at about half their estimate
  'src/net/handshake.ts': 105,
  'src/gc/bristol.ts': 100,
  'src/cli/image.ts': 94,
  'src/bfv/noise.ts': 90,
  'src/gc/halfgates.ts': 90,
  'src/nn/import/onnx/proto.ts': 81,
  'src/math/modular.ts': 50,
  'src/nn/import/protobuf.ts': 48,
  'src/sharing/truncation.ts': 40,
  'src/nn/import/onnx/import.ts': 37,
  'src/channel/framing.ts': 30,
  'src/gc/free-gates.ts': 25,
  'src/math/share-field.ts': 24,
  'src/sharing/fixed-point.ts': 10,
  'src/beaver/wire.ts': 6,
};

function target() {
  const i = process.argv.indexOf('--mutate');
  const arg = i >= 0 ? process.argv[i + 1] : undefined;
  const file = (process.env.MUTATE ?? arg ?? '').replace(/^\.\//, '');
  if (!file) throw new Error(`stryker.config.mjs: name one file with MUTATE=… (or run \`npm run mutate\`); configured: ${Object.keys(FILES).join(', ')}`);
  if (!(file in FILES)) throw new Error(`stryker.config.mjs: ${file} is not configured; configured: ${Object.keys(FILES).join(', ')}`);
  return file;
}

const file = target();
const name = file.replace(/^src\//, '').replace(/\.ts$/, '').replace(/\/$/, '').replace(/\//g, '-');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.mjs', related: false },
  mutate: [file.endsWith('/') ? `${file}*.ts` : file],
  testFiles: FILES[file],
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 10_000,
  // Mutants of module-level constants are not switched on by the vitest runner (see
  // mutation-equivalents.md, "Static mutants"): running every test for each of them only costs time.
  // scripts/mutate.mjs counts an ignored static mutant as a survivor unless it has a row there.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/mutation/incremental/${name}.json`,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  thresholds: { high: 95, low: 90, break: null },
  ignorePatterns: ['.stryker-tmp', 'website', 'dist', 'docs-api', 'reports', 'bench/results.json', 'coverage', '.ci'],
  // Own sandbox directory per target, so two files can be mutated side by side (MUTATE_CONCURRENCY stays 1 each).
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: 'always',
};
