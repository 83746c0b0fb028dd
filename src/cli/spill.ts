/**
 * `--spill DIR` / `--no-spill` of `serve` and `infer`: where a party parks its preprocessed garbled
 * tables and labels until the online phase (§9.14.6). By default an unlinked temporary file in the
 * system's temporary directory, so that a party's memory holds one batch of them at a time, not the
 * network's (1.4 GB for MiniONN's client); `--no-spill` keeps them in memory.
 *
 * Spec: §9.14.6
 * @module
 */
import { UsageError } from './command.js';
import { FileSpillStore } from './file-spill-store.js';

/** The parseArgs entries. */
export const SPILL_OPTIONS = { spill: { type: 'string' }, 'no-spill': { type: 'boolean' } } as const;

/** Usage lines. */
export const SPILL_USAGE = `  --spill DIR             park preprocessed garbled tables and labels in an unlinked file in DIR until
                          the online phase (default: the system's temporary directory)
  --no-spill              keep them in memory instead`;

/** The spill store the flags ask for (undefined: memory); the caller closes it. */
export function cliSpill(values: { spill?: string; 'no-spill'?: boolean }): FileSpillStore | undefined {
  if (values['no-spill'] === true) {
    if (values.spill !== undefined) throw new UsageError('--spill and --no-spill exclude each other');
    return undefined;
  }
  return values.spill === undefined ? new FileSpillStore() : new FileSpillStore(values.spill);
}
