/** A `CliIo` that records what a command writes, for CLI tests. */
import type { CliIo } from '../../src/cli/command.js';

export type CapturedIo = CliIo & { stdout: string; stderr: string };

export function captureIo(errIsTty = false): CapturedIo {
  const io = {
    stdout: '',
    stderr: '',
    errIsTty,
    out(s: string) {
      io.stdout += s;
    },
    err(s: string) {
      io.stderr += s;
    },
  };
  return io;
}
