import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { missingBrowserPrerequisites } from './test/browser/prerequisites.js';

const src = fileURLToPath(new URL('./src/', import.meta.url));

// The browser tests need the website's dependencies and Chromium, which `npm install` does not
// provide: without them those files are left out with one line saying how to enable them. Under
// CI=true they always run (and fail with a message naming what is missing): CI never skips silently.
const ci = process.env.CI === 'true' || process.env.CI === '1';
const missing = ci ? undefined : missingBrowserPrerequisites();
if (missing && mentionsAny(missing.files)) process.stderr.write(`\n${missing.line}\n\n`);

/** Whether this run could include one of `files`: no file filters on the command line, or one matching. */
function mentionsAny(files: string[]): boolean {
  const args = process.argv.slice(2);
  const filters = args.filter((a, i) => !a.startsWith('-') && a !== 'run' && a !== 'watch' && a !== 'bench' && !(i > 0 && /^--?[a-zA-Z.]+$/.test(args[i - 1]) && !a.includes('/')));
  return filters.length === 0 || filters.some((f) => files.some((file) => file.includes(f.replace(/^\.\//, ''))));
}

export default defineConfig({
  resolve: {
    // Tutorials and examples import the package by its public name, as a user would.
    alias: [
      { find: /^delphi-ts$/, replacement: `${src}index.ts` },
      { find: /^delphi-ts\/errors$/, replacement: `${src}errors.ts` },
      { find: /^delphi-ts\/([a-z-]+)$/, replacement: `${src}$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(missing?.files ?? [])],
    setupFiles: ['test/setup/has-assertions.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
