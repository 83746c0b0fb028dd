import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = fileURLToPath(new URL('./src/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tutorials and examples import the package by its public name, as a user would.
    alias: [
      { find: /^delphi-ts$/, replacement: `${src}index.ts` },
      { find: /^delphi-ts\/errors$/, replacement: `${src}errors.ts` },
      { find: /^delphi-ts\/([a-z]+)$/, replacement: `${src}$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/has-assertions.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
