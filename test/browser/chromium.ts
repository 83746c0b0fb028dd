/**
 * Drives Chromium with playwright-core (no browser download: the executable is Debian's
 * `chromium`, another on PATH, Playwright's own, or DELPHI_CHROMIUM; see prerequisites.ts).
 * playwright-core is loaded from the repository root, else from website/node_modules; the few
 * calls the tests make are typed here.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENABLE, findChromium } from './prerequisites.js';

/** The executable the tests drive (undefined: none found). */
export const CHROMIUM_PATH = findChromium();

/** Flags for a quiet, offline, sandbox-less headless run (CI runs as root in a container). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Locator {
  click(): Promise<void>;
  fill(value: string): Promise<void>;
  textContent(): Promise<string | null>;
  getAttribute(name: string): Promise<string | null>;
  count(): Promise<number>;
  first(): Locator;
  nth(i: number): Locator;
  locator(selector: string): Locator;
  waitFor(options?: { state?: 'attached' | 'visible'; timeout?: number }): Promise<void>;
  screenshot(options: { path: string }): Promise<Buffer>;
  scrollIntoViewIfNeeded(): Promise<void>;
  evaluate<R, A>(fn: (el: Element, arg: A) => R, arg: A): Promise<R>;
  selectOption(value: string): Promise<string[]>;
  check(): Promise<void>;
}

export interface Page {
  goto(url: string, options?: { waitUntil?: 'load' | 'networkidle' }): Promise<unknown>;
  locator(selector: string): Locator;
  title(): Promise<string>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
  waitForFunction<A>(fn: (arg: A) => unknown, arg: A, options?: { timeout?: number }): Promise<unknown>;
  evaluate<R>(fn: () => R): Promise<R>;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
  on(event: 'request', listener: (request: { url(): string }) => void): void;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  close(): Promise<void>;
}

export interface BrowserContext {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

interface PlaywrightCore {
  chromium: {
    launchPersistentContext(
      userDataDir: string,
      options: { executablePath: string; headless: boolean; args: string[]; viewport?: { width: number; height: number } },
    ): Promise<BrowserContext>;
  };
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function loadPlaywright(): PlaywrightCore {
  for (const from of [repoRoot, path.join(repoRoot, 'website')]) {
    try {
      return createRequire(path.join(from, 'package.json'))('playwright-core') as PlaywrightCore;
    } catch {
      // try the next location
    }
  }
  throw new Error(
    'playwright-core is not installed: add it as a devDependency of the repository (or run `npm ci --prefix website`)',
  );
}

/** A fresh chromium profile in a new temporary directory; `close()` also deletes it. */
export async function launchChromium(): Promise<BrowserContext> {
  if (CHROMIUM_PATH === undefined || !existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found (${process.env.DELPHI_CHROMIUM ? `DELPHI_CHROMIUM=${process.env.DELPHI_CHROMIUM}` : 'not on PATH'}): ${ENABLE.chromium} (.ci/run does)`);
  }
  const { chromium } = loadPlaywright();
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'delphi-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH!,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
