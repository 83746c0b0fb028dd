/**
 * "Private inference against a server" in a real browser: `delphi serve --ws-port` runs on
 * loopback, the built site is served on 127.0.0.1, Debian's chromium (playwright-core) opens
 * /private-inference, picks a fixed digit and runs it. Oracles: `delphi infer --json` on the same
 * pixels against the same server (the prediction, and each phase's bytes in both directions), and
 * the server's view the page lists must add up to those bytes. The page keeps its service session
 * (§9.14) open: a second run on the same page reuses the setup and shows only a preprocessing and
 * an online phase, with the CLI's bytes. Second test: with no server, the page says so and nothing
 * throws.
 *
 * The server runs the insecure dealer by default, so that the suite stays within CI's time: the
 * page, the worker, the WebSocket transport and the protocol's messages are the same as with
 * Delphi's backend, only the cryptography behind the preprocessing differs. Set
 * DELPHI_WS_REAL_BACKEND=1 to run it with Delphi's backend (n = 8192; minutes in a loaded browser).
 * Needs chromium and the website's dependencies, like site.test.ts; DELPHI_SCREENSHOTS=<dir> keeps
 * screenshots of the page after the first and the second inference, and the browser's phase figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { createServeCommand } from '../../src/cli/commands/serve.js';
import { inferCommand } from '../../src/cli/commands/infer.js';
import { PRESET_DIGITS, rasterize } from '../../website/src/components/viz/digits.js';
import { captureIo } from '../cli/capture-io.js';
import { closedPort } from '../net/loopback-helpers.js';
import { launchChromium, type BrowserContext, type Page } from './chromium.js';
import { serveBuiltSite, stopSiteBuild } from './site-build.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const screenshots = process.env.DELPHI_SCREENSHOTS;
const REAL = process.env.DELPHI_WS_REAL_BACKEND === '1';
const BACKEND = REAL ? ['--backend', 'delphi'] : ['--backend', 'insecure-dealer', '--insecure'];
const DIGIT = '3';

let origin = '';
let closeSite: (() => Promise<void>) | undefined;
let browser: BrowserContext | undefined;
let setupError: unknown;
let dir = '';
let tcp = '';
let ws = '';
let serveIo: ReturnType<typeof captureIo>;
let served: Promise<number> | undefined;
const stop = new AbortController();

beforeAll(async () => {
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'delphi-ws-browser-'));
    writeFileSync(path.join(dir, 'digit.json'), JSON.stringify({ shape: [1, 28, 28], data: rasterize(PRESET_DIGITS[DIGIT]) }));
    serveIo = captureIo();
    let listening!: () => void;
    const ready = new Promise<void>((r) => (listening = r));
    const serve = createServeCommand({ signal: stop.signal, onListening: () => listening() });
    served = runCli(['serve', '--model', path.join(root, 'models/mnist-small.json'), '--port', '0', '--ws-port', '0', ...BACKEND], serveIo, [serve]);
    await Promise.race([ready, served.then((code) => Promise.reject(new Error(`serve exited with ${code}: ${serveIo.stderr}`)))]);
    tcp = /listening on (127\.0\.0\.1:\d+)\n/.exec(serveIo.stdout)![1];
    ws = /listening on (ws:\/\/127\.0\.0\.1:\d+)\n/.exec(serveIo.stdout)![1];
    const site = await serveBuiltSite();
    origin = site.origin;
    closeSite = site.close;
    browser = await launchChromium();
  } catch (e) {
    setupError = e;
  }
}, 1_200_000);

afterAll(async () => {
  stopSiteBuild();
  await browser?.close();
  await closeSite?.();
  stop.abort();
  await served;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens /private-inference for `server`; collects uncaught exceptions and console errors. */
async function open(server: string): Promise<{ page: Page; problems: string[]; consoleErrors: string[] }> {
  if (setupError !== undefined) throw setupError;
  const page = await browser!.newPage();
  const problems: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(`${origin}/private-inference?server=${encodeURIComponent(server)}`, { waitUntil: 'networkidle' });
  await page.locator('[data-remote-run]').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('select[name="backend"]').selectOption(REAL ? 'delphi' : 'insecure-dealer');
  await page.locator('select[name="digit"]').selectOption(DIGIT);
  return { page, problems, consoleErrors };
}

/** Clicks "Run" for the `nth` time on this page and waits until that run has finished or failed. */
async function runAndWait(page: Page, nth = 1): Promise<void> {
  await page.locator('[data-remote-run]').click();
  await page.waitForFunction(
    (n) => document.querySelector(`[data-remote-runs="${n}"]:is([data-remote-done], [data-remote-failed])`) !== null,
    nth,
    // The dealer takes seconds; Delphi's backend minutes in a loaded browser.
    { timeout: REAL ? 1_500_000 : 180_000 },
  );
}

/** The phase table's rows: phase, state, bytes (data attributes) and the text shown. */
function phaseRows(page: Page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-phase-row]')).map((row) => ({
      phase: row.getAttribute('data-phase-row'),
      state: row.getAttribute('data-phase-state'),
      sent: Number(row.getAttribute('data-phase-sent')),
      received: Number(row.getAttribute('data-phase-received')),
      ms: Number(row.getAttribute('data-phase-ms')),
      text: (row as HTMLElement).innerText,
    })),
  );
}

/** The rows of "The server's view". */
function serverView(page: Page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('[data-server-received]')).map((row) => (row as HTMLElement).innerText));
}

async function shoot(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

interface InferJson {
  prediction: number;
  phases: { phase: string; clientToServerBytes: number; serverToClientBytes: number }[];
}

async function inferJson(server: string): Promise<InferJson> {
  const io = captureIo();
  const code = await runCli(['infer', '--server', server, ...BACKEND, '--input', path.join(dir, 'digit.json'), '--json'], io, [inferCommand]);
  expect(code, io.stderr).toBe(0);
  return JSON.parse(io.stdout) as InferJson;
}

describe('/private-inference in chromium against delphi serve --ws-port', () => {
  it(
    'the page predicts what `delphi infer --json` predicts on the same pixels, and shows the bytes of each phase',
    async () => {
      const { page, problems, consoleErrors } = await open(ws);
      // The page rasterizes the preset exactly as the test does (same module, same strokes).
      await runAndWait(page);
      const failed = await page.locator('[data-remote-error]').count();
      expect(failed ? await page.locator('[data-remote-error]').textContent() : '').toBe('');
      const prediction = Number(await page.locator('[data-stat="prediction"] dd').textContent());
      const phases = await phaseRows(page);
      const view = await serverView(page);
      await shoot(page, 'private-inference');

      // A second run on the same page: the session is kept, so no setup — only preprocessing and online.
      await page.locator('select[name="digit"]').selectOption('7');
      await runAndWait(page, 2);
      const failedAgain = await page.locator('[data-remote-error]').count();
      expect(failedAgain ? await page.locator('[data-remote-error]').textContent() : '').toBe('');
      const secondPrediction = Number(await page.locator('[data-stat="prediction"] dd').textContent());
      const secondPhases = await phaseRows(page);
      const secondView = await serverView(page);
      const sessions = await page.evaluate(() =>
        Array.from(document.querySelectorAll('[data-remote-session]')).map((e) => [e.getAttribute('data-remote-session'), (e as HTMLElement).innerText]),
      );
      await shoot(page, 'private-inference-second-run');
      await page.close();
      if (screenshots) {
        const figures = (rows: typeof phases) => rows.map(({ phase, state, sent, received, ms }) => ({ phase, state, sent, received, ms }));
        writeFileSync(path.join(screenshots, 'private-inference-phases.json'), JSON.stringify({ backend: BACKEND[1], first: figures(phases), second: figures(secondPhases) }, null, 2));
      }

      const [overTcp, overWs] = [await inferJson(tcp), await inferJson(ws)];
      expect(prediction).toBe(overTcp.prediction);
      expect(prediction).toBe(overWs.prediction);
      expect(prediction).toBe(Number(DIGIT));
      // Per-phase bytes: the page's figures equal the CLI client's, in both directions.
      expect(phases.map((p) => [p.phase, p.state, p.sent, p.received])).toEqual(
        overTcp.phases.map((p) => [p.phase, 'done', p.clientToServerBytes, p.serverToClientBytes]),
      );
      for (const p of phases) {
        expect(p.text, p.phase!).toMatch(/100%/);
        expect(p.text, p.phase!).toMatch(/\d+(\.\d)? (B|kB|MB)/);
      }
      // The server's view: a row for the HELLO and for each phase, each phase opened by its service request.
      expect(view).toHaveLength(4);
      expect(view[0]).toMatch(/^HELLO/);
      expect(view.slice(1).map((row) => /^\w+\s+(OPEN|PREPROCESS|ONLINE) request/.exec(row)?.[1])).toEqual(['OPEN', 'PREPROCESS', 'ONLINE']);

      // The second run: the setup reused (same figures as the first run's), fresh preprocessing and online
      // with the CLI's bytes, and the server's view lists only those two phases.
      expect(secondPrediction).toBe(7);
      expect(secondPhases.map((p) => [p.phase, p.state, p.sent, p.received])).toEqual([
        ['setup', 'reused', phases[0].sent, phases[0].received],
        ...overTcp.phases.slice(1).map((p) => [p.phase, 'done', p.clientToServerBytes, p.serverToClientBytes]),
      ]);
      expect(secondView.map((row) => /^\w+/.exec(row)?.[0])).toEqual(['preprocessing', 'online']);
      expect(sessions).toHaveLength(1);
      expect(sessions[0][1]).toMatch(/2 inferences/);
      expect(problems).toEqual([]);
      expect(consoleErrors).toEqual([]);
    },
    REAL ? 2_400_000 : 300_000,
  );

  it('with no server, the page says so and nothing throws', async () => {
    const port = await closedPort();
    const { page, problems, consoleErrors } = await open(`ws://127.0.0.1:${port}`);
    await runAndWait(page);
    expect(await page.locator('[data-remote-failed]').getAttribute('data-remote-failed')).toBe('unreachable');
    const alert = await page.locator('[role="alert"]').textContent();
    expect(alert).toContain('The server is not running');
    expect(alert).toContain(`No delphi server answers at ws://127.0.0.1:${port}`);
    await shoot(page, 'private-inference-no-server');
    await page.close();
    expect(problems).toEqual([]);
    // The browser itself logs the failed connection; nothing else may reach the console.
    expect(consoleErrors.filter((t) => !/^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/' failed/.test(t))).toEqual([]);
  });
});
