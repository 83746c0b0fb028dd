#!/usr/bin/env node
/**
 * Entry point of the `delphi` binary.
 * @module
 */
import { runCli } from './run.js';

const io = {
  out: (s: string) => void process.stdout.write(s),
  err: (s: string) => void process.stderr.write(s),
  errIsTty: Boolean(process.stderr.isTTY),
};

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`delphi: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
