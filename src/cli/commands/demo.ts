/**
 * `delphi demo`: a guided run of what the library can do today, on fixed seeds.
 * @module
 */
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT } from '../command.js';
import { fromSeed, seedFromHex, systemSeed } from '../../random/index.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const usage = `Usage: delphi demo [--seed HEX]

Runs a short tour of the building blocks implemented so far, printing what each step computes.
  --seed HEX   32-byte seed (64 hex digits) for a reproducible run (default: fresh randomness)`;

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'run a guided demonstration of the building blocks',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({ args, options: { seed: { type: 'string' } }, strict: true });
    const seed = values.seed ? seedFromHex(values.seed) : systemSeed();
    io.out(`delphi-ts demo (seed ${bytesToHex(seed)})\n\n`);
    const rng = fromSeed(seed);
    io.out(`1. Seeded randomness: first 16 bytes of the ChaCha20 stream: ${bytesToHex(rng.bytes(16))}\n`);
    io.out('\nThe full private-inference demo arrives with the protocol module.\n');
    return EXIT.OK;
  },
};
