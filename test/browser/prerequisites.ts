/**
 * What the browser tests need beyond `npm install`, found without loading any of it: the website's
 * own dependencies (website/node_modules, `npm ci --prefix website`) and a Chromium executable
 * (Debian's `chromium` on PATH, or Playwright's downloaded one, or DELPHI_CHROMIUM).
 *
 * vitest.config.ts uses this to leave out, with one line saying so, the test files whose
 * prerequisites are missing — except under CI=true, where they run and fail, so that CI never
 * skips them silently (.ci/run installs both).
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Executable names tried on PATH, in order. */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function isExecutableFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The Chromium executable the browser tests drive, or undefined when there is none.
 * DELPHI_CHROMIUM=<path> forces one; DELPHI_CHROMIUM=none pretends there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const forced = env.DELPHI_CHROMIUM;
  if (forced === 'none' || forced === '') return undefined;
  if (forced !== undefined) return isExecutableFile(forced) ? forced : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of CHROMIUM_NAMES) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  try {
    // Playwright's own browser, if `npx playwright-core install chromium` downloaded one.
    const pw = createRequire(path.join(repoRoot, 'package.json'))('playwright-core') as { chromium: { executablePath(): string } };
    const p = pw.chromium.executablePath();
    if (p && isExecutableFile(p)) return p;
  } catch {
    // playwright-core missing or without a browser
  }
  return undefined;
}

/** Whether website/node_modules holds the dependencies the website tests load. */
export function hasWebsiteDeps(): boolean {
  return ['@docusaurus/core', '@docusaurus/utils', 'mdast-util-from-markdown', 'mdast-util-to-string'].every((m) =>
    existsSync(path.join(repoRoot, 'website', 'node_modules', m, 'package.json')),
  );
}

/** How to provide each prerequisite. */
export const ENABLE = {
  website: 'npm ci --prefix website',
  chromium: 'apt-get install chromium, or DELPHI_CHROMIUM=/path/to/chrome',
} as const;

/** The test files that need a prerequisite, relative to the repository root. */
export const NEEDS: Record<string, readonly (keyof typeof ENABLE)[]> = {
  'test/browser/site.test.ts': ['website', 'chromium'],
  'test/browser/content-map.mdast.test.ts': ['website'],
  'test/browser/ws-inference.cli.test.ts': ['website', 'chromium'],
};

/** The test files to leave out and the one line that says so (undefined when nothing is missing). */
export function missingBrowserPrerequisites(env: NodeJS.ProcessEnv = process.env): { files: string[]; line: string } | undefined {
  const missing = new Set<keyof typeof ENABLE>();
  if (!hasWebsiteDeps()) missing.add('website');
  if (findChromium(env) === undefined) missing.add('chromium');
  if (missing.size === 0) return undefined;
  const files = Object.keys(NEEDS).filter((f) => NEEDS[f].some((m) => missing.has(m)));
  if (files.length === 0) return undefined;
  const what = [...missing].map((m) => (m === 'website' ? `the website's dependencies (${ENABLE.website})` : `Chromium (${ENABLE.chromium})`));
  return {
    files,
    line: `skipped ${files.join(', ')}: missing ${what.join(' and ')}; CI=true runs them and fails instead`,
  };
}
