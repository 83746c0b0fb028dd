/**
 * Progress reporting for long CLI work: phase, item, percentage, redrawn in place on a terminal
 * and printed as occasional plain lines otherwise.
 * @module
 */
import type { CliIo } from './command.js';

/** Receives progress from library code; the library never prints by itself. */
export type ProgressCallback = (event: ProgressEvent) => void;

/** One progress update. */
export interface ProgressEvent {
  /** Phase name, e.g. "preprocessing". */
  phase: string;
  /** What is being worked on, e.g. "layer 2 (conv)". */
  item?: string;
  /** Units done so far and the total. */
  done: number;
  total: number;
}

/** Turns {@link ProgressEvent}s into a progress bar on `io.err`. */
export function progressPrinter(io: CliIo, width = 30): ProgressCallback & { finish(): void } {
  let lastLine = '';
  let lastPct = -1;
  let lastKey = '';
  const print = (e: ProgressEvent) => {
    const frac = e.total > 0 ? Math.min(1, e.done / e.total) : 1;
    const pct = Math.floor(frac * 100);
    const key = `${e.phase}\u0000${e.item ?? ''}`;
    if (io.errIsTty) {
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const line = `${e.phase}${e.item ? ` · ${e.item}` : ''} ${bar} ${pct.toString().padStart(3)}%`;
      if (line !== lastLine) io.err(`\r${line.padEnd(lastLine.length)}`);
      lastLine = line;
    } else if (key !== lastKey || pct >= lastPct + 25 || (pct === 100 && lastPct !== 100)) {
      io.err(`${e.phase}${e.item ? ` · ${e.item}` : ''}: ${pct}%\n`);
      lastPct = pct;
    }
    lastKey = key;
  };
  return Object.assign(print, {
    finish() {
      if (io.errIsTty && lastLine) io.err('\n');
      lastLine = '';
    },
  });
}
