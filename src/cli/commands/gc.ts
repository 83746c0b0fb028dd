/**
 * `delphi gc`: garbled circuits from the command line.
 *
 * - `delphi gc eval --circuit FILE --input HEX …` garbles a Bristol Fashion circuit, evaluates it on
 *   the given inputs (as the garbler and the evaluator would, in one process) and prints each output.
 * - `delphi gc info --circuit FILE` prints the header and the gate counts.
 * - `delphi gc relu [--kind relu|relu6] [--shift F] [--out FILE]` writes Delphi's ReLU circuit as a
 *   Bristol file and prints its gate counts.
 *
 * Spec: §5.11
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, readFileArgument, UsageError } from '../command.js';
import { parseBristol, writeBristol, type BristolCircuit } from '../../gc/bristol.js';
import type { Circuit, Party } from '../../gc/circuit.js';
import { garbleAndEvaluate } from '../../gc/local.js';
import { evaluatePlain } from '../../gc/plain.js';
import { reluCircuit, reluParams, type ReluKind } from '../../gc/relu-circuit.js';
import { bigintToHex, hexToBigint } from '../../gc/values.js';
import { ProtocolError } from '../../errors.js';
import { fromSeed, seedFromHex, systemSeed } from '../../random/index.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const usage = `Usage: delphi gc <subcommand> [options]

Garbled circuits (half-gates, fixed-key AES TCCR) on Bristol Fashion circuit files.

  delphi gc eval --circuit FILE --input HEX [--input HEX ...] [options]
      Garbles the circuit and evaluates it on the inputs, as the garbler and the evaluator would
      (the evaluator's labels are handed over directly instead of by OT), and prints each output
      value as big-endian hex, one per line. Inputs are given in header order, each as one
      big-endian hex number (e.g. a byte string: wire 0 is the lowest bit of its last byte).
        --parties LIST   who supplies each input: a comma-separated list of garbler|evaluator
                         (default: input 0 the garbler, the others the evaluator)
        --seed HEX       32-byte seed (64 hex digits) for the garbler's randomness
        --check          also evaluate in the clear and fail if the results differ
        --verbose        print gate counts, seed and timings to stderr

  delphi gc info --circuit FILE [--json]
      Prints the header (gates, wires, input and output widths) and the gate counts.

  delphi gc relu [--kind relu|relu6] [--shift F] [--out FILE]
      Writes Delphi's ReLU circuit over p = 2061584302081 (inputs: client share; server share +
      2^36 − 1; mask − 2^(36−F), all mod p) as a Bristol file (stdout unless --out) and prints its
      gate counts to stderr.

FILE may be gzip-compressed (name ending in .gz).`;

async function readCircuitText(path: string): Promise<string> {
  const bytes = await readFileArgument(path);
  return new TextDecoder().decode(path.endsWith('.gz') ? gunzipSync(bytes) : bytes);
}

function parseParties(list: string | undefined, count: number): Party[] | undefined {
  if (list === undefined) return undefined;
  const parties = list.split(',').map((p) => p.trim());
  for (const p of parties) if (p !== 'garbler' && p !== 'evaluator') throw new UsageError(`--parties: "${p}" is not garbler or evaluator`);
  if (parties.length !== count) throw new UsageError(`--parties lists ${parties.length} parties but the circuit has ${count} inputs`);
  return parties as Party[];
}

async function loadCircuit(path: string | undefined, parties?: string): Promise<BristolCircuit> {
  if (!path) throw new UsageError('missing --circuit FILE');
  const text = await readCircuitText(path);
  const parsed = parseBristol(text);
  const p = parseParties(parties, parsed.circuit.inputs.length);
  return p ? { ...parsed, circuit: parsed.circuit.withParties(p) } : parsed;
}

function countsLines(c: Circuit): string[] {
  const { and, xor, inv, const: cst, copy, total } = c.counts;
  return [
    `gates: ${total} (AND ${and}, XOR ${xor}, INV ${inv}, EQ ${cst}, EQW ${copy})`,
    `garbled size: ${32 * and} bytes of tables per instance (2 ciphertexts of 16 bytes per AND gate)`,
  ];
}

async function info(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { circuit: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const { circuit, headerGates, headerWires } = await loadCircuit(values.circuit);
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          headerGates,
          headerWires,
          inputs: circuit.inputs.map((i) => ({ width: i.width, party: i.party })),
          outputs: circuit.outputs.map((o) => o.wires.length),
          counts: circuit.counts,
          tableBytes: 32 * circuit.counts.and,
        },
        null,
        2,
      ) + '\n',
    );
    return EXIT.OK;
  }
  io.out(
    [
      `header: ${headerGates} gates, ${headerWires} wires`,
      `inputs: ${circuit.inputs.map((i, k) => `#${k} ${i.width} bits (${i.party})`).join(', ')}`,
      `outputs: ${circuit.outputs.map((o, k) => `#${k} ${o.wires.length} bits`).join(', ')}`,
      ...countsLines(circuit),
    ].join('\n') + '\n',
  );
  return EXIT.OK;
}

async function evalCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      circuit: { type: 'string' },
      input: { type: 'string', multiple: true },
      parties: { type: 'string' },
      seed: { type: 'string' },
      check: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const { circuit } = await loadCircuit(values.circuit, values.parties);
  const hex = values.input ?? [];
  if (hex.length !== circuit.inputs.length) {
    throw new UsageError(`the circuit has ${circuit.inputs.length} inputs (${circuit.inputs.map((i) => `${i.width} bits`).join(', ')}), got ${hex.length} --input values`);
  }
  const inputs = hex.map((h, k) => hexToBigint(h, circuit.inputs[k].width));
  const seed = values.seed ? seedFromHex(values.seed) : systemSeed();
  const started = performance.now();
  const { outputs } = garbleAndEvaluate(circuit, [inputs], fromSeed(seed));
  const ms = performance.now() - started;
  if (values.check) {
    const plain = evaluatePlain(circuit, inputs);
    if (plain.some((v, k) => v !== outputs[0][k])) throw new ProtocolError('garbled and plaintext evaluation differ');
  }
  if (values.verbose) {
    io.err([`seed: ${bytesToHex(seed)}`, ...countsLines(circuit), `garbled and evaluated in ${ms.toFixed(1)} ms`].join('\n') + '\n');
  }
  io.out(outputs[0].map((v, k) => bigintToHex(v, circuit.outputs[k].wires.length)).join('\n') + '\n');
  return EXIT.OK;
}

async function relu(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { kind: { type: 'string', default: 'relu' }, shift: { type: 'string', default: '8' }, out: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.kind !== 'relu' && values.kind !== 'relu6') throw new UsageError(`--kind must be relu or relu6, got "${values.kind}"`);
  if (!/^\d+$/.test(values.shift)) throw new UsageError(`--shift must be an integer in [0, 36], got "${values.shift}"`);
  const shift = Number(values.shift);
  if (shift > 36) throw new UsageError(`--shift must be an integer in [0, 36], got ${shift}`);
  const params = reluParams({ kind: values.kind as ReluKind, shift });
  const circuit = reluCircuit(params);
  const text = writeBristol(circuit);
  if (values.out) await writeFile(values.out, text);
  else io.out(text);
  io.err([`${params.kind}, shift ${params.shift}: inputs client share (evaluator), server share + 2^36 − 1, mask − 2^${36 - params.shift} (garbler)`, ...countsLines(circuit)].join('\n') + '\n');
  return EXIT.OK;
}

export const gcCommand: CliCommand = {
  name: 'gc',
  summary: 'garble and evaluate Bristol circuits; gate counts; export the ReLU circuit',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'eval':
        return evalCommand(rest, io);
      case 'info':
        return info(rest, io);
      case 'relu':
        return relu(rest, io);
      case undefined:
        throw new UsageError('missing subcommand (eval, info or relu)');
      default:
        throw new UsageError(`unknown subcommand "${sub}" (expected eval, info or relu)`);
    }
  },
};
