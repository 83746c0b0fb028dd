/**
 * Tests that run compiled code (worker threads load `dist/workers/*.js`; CLI processes run
 * `dist/cli/main.js`) rebuild `dist/` first when it is missing or older than `src/`, so that a test
 * never runs stale code. `npm install` builds it; this covers edits made since.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The repository's root, with a trailing slash. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Newest modification time of any file under `dir`. */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `tsc -p tsconfig.build.json` when `dist/<file>` is missing or older than any source. */
export function ensureDist(file = 'cli/main.js'): void {
  const built = `${ROOT}dist/${file}`;
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(`${ROOT}src`)) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', `${ROOT}tsconfig.build.json`], { stdio: 'inherit' });
}
