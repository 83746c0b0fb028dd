/**
 * Runs every tutorial: each ```ts block executes (in order, as one module) and each ```output block
 * must equal what the code printed since the previous output block. Prose never drifts from behaviour.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildModule, extractBlocks } from './markdown-blocks.js';

const tutorialsDir = fileURLToPath(new URL('../../tutorials/', import.meta.url));
const buildDir = fileURLToPath(new URL('../.tutorials/', import.meta.url));
const files = readdirSync(tutorialsDir).filter((f) => /^\d\d-.*\.md$/.test(f)).sort();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('tutorials', () => {
  it('there are tutorials to run', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file}: every code block runs and prints what the text says`, async () => {
      const blocks = extractBlocks(readFileSync(tutorialsDir + file, 'utf8'));
      const { source, outputs } = buildModule(blocks);
      expect(blocks.some((b) => b.kind === 'code')).toBe(true);
      mkdirSync(buildDir, { recursive: true });
      const modulePath = `${buildDir}${file.replace(/\.md$/, '')}.ts`;
      writeFileSync(modulePath, source);

      let printed = '';
      const segments: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        printed += format(...args) + '\n';
      });
      (globalThis as { __tutorialCheckpoint?: (k: number) => void }).__tutorialCheckpoint = (k) => {
        segments[k] = printed;
        printed = '';
      };
      await import(/* @vite-ignore */ `${modulePath}?t=${Date.now()}`);
      expect(printed, `${file}: output after the last output block is not shown in the text`).toBe('');
      outputs.forEach((o, k) => {
        expect(segments[k]?.trimEnd(), `${file}: output block at line ${o.line}`).toBe(o.text.trimEnd());
      });
    });
  }
});
