/**
 * The documentation website, in a real browser: builds website/ if its inputs changed (or it was
 * never built), serves website/build on 127.0.0.1 and drives Debian's chromium through
 * playwright-core. References: the library run here in Node (same seeds ⇒ the numbers the page
 * computed must be identical), RFC 8439's ChaCha20 test vector, and the Markdown sources (titles,
 * code blocks, ```output blocks).
 *
 * Needs Chromium (see prerequisites.ts) and the website's dependencies (`npm ci --prefix website`);
 * without them vitest.config.ts leaves this file out with one line saying so, except under CI=true,
 * where it runs and fails saying what is missing (.ci/run installs both). Set
 * DELPHI_SCREENSHOTS=<dir> to keep screenshots of the pages visited.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bitLength, fromSeed, fromTextSeed, sampleCenteredBinomial, uniformBelow, type Rng } from '../../src/random/index.js';
import * as bfv from '../../src/bfv/index.js';
import * as gc from '../../src/gc/index.js';
import { compileFixedPoint, evaluateFixedPoint, parseModel } from '../../src/nn/index.js';
import { PRESET_DIGITS, rasterize } from '../../website/src/components/viz/digits.js';
import { launchChromium, type BrowserContext, type Page } from './chromium.js';
import { serveBuiltSite, stopSiteBuild } from './site-build.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tutorialsDir = path.join(root, 'tutorials');
const screenshots = process.env.DELPHI_SCREENSHOTS;

let origin = '';
let closeServer: (() => Promise<void>) | undefined;
let browser: BrowserContext | undefined;
let page: Page;
let opened: Page | undefined;
let problems: string[] = [];

/** Why the site or the browser could not be set up; every test then fails with it (not skipped). */
let setupError: unknown;

beforeAll(async () => {
  try {
    const server = await serveBuiltSite();
    origin = server.origin;
    closeServer = server.close;
    browser = await launchChromium();
  } catch (e) {
    setupError = e;
  }
  // A full build takes 1–3 minutes on an idle machine, several times that on a loaded one.
}, 1_200_000);

afterAll(async () => {
  stopSiteBuild();
  await browser?.close();
  await closeServer?.();
});

async function open(route: string): Promise<Page> {
  if (setupError !== undefined) throw setupError;
  page = await browser!.newPage();
  opened = page;
  problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) problems.push(`request off the machine: ${r.url()}`);
  });
  await page.goto(origin + route, { waitUntil: 'networkidle' });
  return page;
}

async function shoot(name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

afterEach(async () => {
  // Every page: no script error, no React hydration error, nothing fetched from the network.
  const seen = problems;
  problems = [];
  await opened?.close();
  opened = undefined;
  expect(seen).toEqual([]);
});

/** Clicks Run on the i-th live block of the page and returns what it printed. */
async function runLiveBlock(i: number): Promise<{ status: string; text: string }> {
  const block = page.locator('[data-live-block]').nth(i);
  await block.locator('[data-live-run]').click();
  await page.waitForFunction(
    (k: number) => {
      const out = document.querySelectorAll('[data-live-block]')[k]?.querySelector('[data-live-output]');
      return out !== null && out !== undefined && out.getAttribute('data-live-status') !== 'running';
    },
    i,
    // A whole protocol run (tutorial 6) takes seconds in Node and several times that in a loaded browser.
    { timeout: 180_000 },
  );
  const output = block.locator('[data-live-output]');
  return {
    status: (await output.getAttribute('data-live-status')) ?? '',
    text: await output.evaluate((el: Element) => (el as HTMLElement).innerText, null),
  };
}

/** The ```output block right after each live block (undefined where there is none). */
async function expectedOutputs(): Promise<(string | undefined)[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-live-block]')).map((block) => {
      const next = block.nextElementSibling;
      if (!next?.matches('[data-code-kind="output"]')) return undefined;
      // Docusaurus renders one span per line (ending in <br>): join the lines' text.
      return Array.from(next.querySelectorAll('code .token-line')).map((line) => line.textContent ?? '').join('\n');
    }),
  );
}

const trimEnd = (s: string) => s.replace(/\s+$/, '');

const build = path.join(root, 'website/build');
let builtFiles = new Set<string>();

/** Every HTML page of the build and the route a host serves it under (x.html → /x, x/index.html → /x/). */
function builtRoutes(): { file: string; route: string }[] {
  const out: { file: string; route: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'assets') walk(p);
      } else if (entry.name.endsWith('.html') && !(dir === build && entry.name === '404.html')) {
        const file = path.relative(build, p).split(path.sep).join('/');
        out.push({ file, route: ('/' + file).replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, '') });
      }
    }
  };
  walk(build);
  builtFiles = new Set(out.map((r) => r.file));
  return out.sort((a, b) => a.route.localeCompare(b.route));
}

describe('documentation website in chromium', () => {
  it('the landing page is the README, and its spec links lead to the spec', async () => {
    await open('/');
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(await page.locator('article h1').first().textContent()).toBe(/^# (.*)$/m.exec(readme)![1]);
    const specLink = page.locator('article a[href="/spec/02-randomness-and-channels"]').first();
    expect(await specLink.count()).toBe(1);
    await specLink.click();
    // Client-side navigation: wait until the spec page has replaced the README.
    await page.waitForFunction(
      (title: string) => location.pathname === '/spec/02-randomness-and-channels' && document.querySelector('article h1')?.textContent === title,
      '§2 Randomness and channels',
      { timeout: 30_000 },
    );
    // GitHub-compatible heading anchors, so links written for GitHub work on the site too.
    expect(await page.locator('h2[id="21-the-random-generator"]').count()).toBe(1);
    await shoot('home');
  });

  const tutorials = readdirSync(tutorialsDir).filter((f) => /^\d\d-.*\.md$/.test(f)).sort();

  it('there are tutorials to render', () => {
    expect(tutorials.length).toBeGreaterThan(0);
  });

  for (const file of tutorials) {
    it(`${file}: renders its title and every block, and each live block prints its output block`, async () => {
      const markdown = readFileSync(path.join(tutorialsDir, file), 'utf8');
      await open(`/tutorials/${file.replace(/\.md$/, '')}`);
      const title = /^# (.*)$/m.exec(markdown)![1].replace(/`/g, '');
      expect(await page.locator('article h1').first().textContent()).toBe(title);
      const fences = [...markdown.matchAll(/^```(\w+)([^\n]*)$/gm)].map((m) => ({ lang: m[1], live: /\blive\b/.test(m[2]) }));
      const code = fences.filter((f) => f.lang === 'ts' || f.lang === 'typescript');
      expect(await page.locator('[data-code-kind="code"]').count()).toBe(code.filter((f) => !f.live).length);
      expect(await page.locator('[data-live-block]').count()).toBe(code.filter((f) => f.live).length);
      expect(await page.locator('[data-code-kind="output"]').count()).toBe(fences.filter((f) => f.lang === 'output').length);

      const expected = await expectedOutputs();
      for (let i = 0; i < expected.length; i++) {
        const printed = await runLiveBlock(i);
        expect(printed.status, `${file}: live block ${i + 1} failed: ${printed.text}`).toBe('ok');
        if (expected[i] !== undefined) expect(trimEnd(printed.text), `${file}: live block ${i + 1}`).toBe(trimEnd(expected[i]!));
      }
      await shoot(`tutorial-${file.replace(/\.md$/, '')}`);
    });
  }

  it('playground: live blocks run the library in the page, edited or not', async () => {
    await open('/playground');
    const expected = await expectedOutputs();
    expect(expected.length).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < expected.length; i++) {
      const printed = await runLiveBlock(i);
      expect(printed.status, printed.text).toBe('ok');
      expect(trimEnd(printed.text)).toBe(trimEnd(expected[i]!));
    }
    // The first block prints RFC 8439 A.1 test vector #1 (keystream of the all-zero key), as Node does.
    const rfc8439 = '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7';
    expect(bytesToHex(fromSeed(new Uint8Array(32)).bytes(32))).toBe(rfc8439);
    expect(trimEnd((await runLiveBlock(0)).text)).toBe(rfc8439);
    await shoot('playground');

    // Edited code runs as edited: a new seed, and the page agrees with Node.
    const editor = page.locator('[data-live-block] textarea').first();
    await editor.fill(
      "import { fromTextSeed } from 'delphi-ts/random';\nimport { bytesToHex } from '@noble/hashes/utils.js';\n" +
        "const label: string = 'edited in the browser';\nconsole.log(bytesToHex(fromTextSeed(label).bytes(24)));",
    );
    expect(trimEnd((await runLiveBlock(0)).text)).toBe(bytesToHex(fromTextSeed('edited in the browser').bytes(24)));

    // A typed error from the library is reported, not swallowed.
    await editor.fill("import { fromSeed } from 'delphi-ts/random';\nfromSeed(new Uint8Array(5));");
    const failed = await runLiveBlock(0);
    expect(failed.status).toBe('error');
    expect(failed.text).toContain('InvalidArgumentError: ChaCha20Rng seed must be a Uint8Array of 32 bytes, got 5 bytes');

    // Importing something the page does not bundle says what can be imported.
    await editor.fill("import { readFileSync } from 'node:fs';\nreadFileSync('/etc/passwd');");
    const refused = await runLiveBlock(0);
    expect(refused.status).toBe('error');
    expect(refused.text).toContain('cannot import "node:fs"');
    expect(refused.text).toContain('delphi-ts/random');
  });

  it('visualization: the ChaCha20 stream and the sampler histogram are the library’s numbers', async () => {
    await open('/visualizations');
    const viz = page.locator('[data-viz="randomness"]');
    await viz.locator('[data-viz-ready]').waitFor({ timeout: 30_000 });

    const read = async () => ({
      inputs: JSON.parse((await viz.locator('[data-viz-ready]').getAttribute('data-viz-inputs'))!) as { seed: string; eta: number; n: number },
      hex: await viz.locator('[data-bytes="stream"]').getAttribute('data-hex'),
      counts: await viz
        .locator('table[data-table="cbd-counts"]')
        .evaluate((t: Element) => Array.from(t.querySelectorAll('tbody tr')).map((r) => Array.from(r.children).map((c) => c.textContent)), null),
    });
    const reference = (seed: string, eta: number, n: number) => {
      const counts = new Array<number>(2 * eta + 1).fill(0);
      for (const e of sampleCenteredBinomial(fromTextSeed(seed), n, eta)) counts[e + eta]++;
      return { hex: bytesToHex(fromTextSeed(seed).bytes(64)), counts };
    };
    const check = async (seed: string, eta: number, n: number) => {
      await page.waitForFunction(
        (want: string) => document.querySelector('[data-viz="randomness"] [data-viz-ready]')?.getAttribute('data-viz-inputs') === want,
        JSON.stringify({ seed, eta, n }),
        { timeout: 30_000 },
      );
      const shown = await read();
      const ref = reference(seed, eta, n);
      expect(shown.hex).toBe(ref.hex);
      expect(shown.counts.map((r) => Number(r[0]))).toEqual(ref.counts.map((_, i) => i - eta));
      expect(shown.counts.map((r) => Number(r[1]))).toEqual(ref.counts);
      expect(ref.counts.reduce((a, b) => a + b, 0)).toBe(n);
      // The expected column is the exact distribution n·C(2η, η+k)/4^η.
      let c = 1;
      shown.counts.forEach((r, j) => {
        expect(Number(r[2])).toBeCloseTo((n * c) / 4 ** eta, 1);
        c = (c * (2 * eta - j)) / (j + 1);
      });
    };

    await check('delphi', 21, 10000);
    await shoot('visualizations');

    await viz.locator('input[name="seed"]').fill('browser test');
    await viz.locator('input[name="eta"]').fill('5');
    await viz.locator('select[name="samples"]').selectOption('1000');
    await check('browser test', 5, 1000);
  });

  it('a ```viz block places a visualization with the inputs it names', async () => {
    await open('/playground');
    const viz = page.locator('[data-viz="randomness"]');
    await viz.locator('[data-viz-ready]').waitFor({ timeout: 30_000 });
    expect(JSON.parse((await viz.locator('[data-viz-ready]').getAttribute('data-viz-inputs'))!)).toEqual({ seed: 'playground', eta: 4, n: 1000 });
    expect(await viz.locator('[data-bytes="stream"]').getAttribute('data-hex')).toBe(bytesToHex(fromTextSeed('playground').bytes(64)));
    const first = sampleCenteredBinomial(fromTextSeed('playground'), 16, 4).join(' ');
    expect(await viz.locator('[data-first-samples]').textContent()).toBe(first);
  });

  it('visualization: rejection-sampling cost is counted from the library’s uniformBelow', async () => {
    await open('/visualizations');
    const viz = page.locator('[data-viz="rejection-sampling"]');
    await viz.locator('[data-viz-ready]').waitFor({ timeout: 30_000 });
    const rows = await viz
      .locator('table[data-table="rejection-cost"]')
      .evaluate((t: Element) => Array.from(t.querySelectorAll('tbody tr')).map((r) => Array.from(r.children).map((c) => c.textContent ?? '')), null);

    // Same count in Node: one shared generator, 200 draws for each bound 2…300, uint32 calls counted.
    const inner = fromTextSeed('delphi');
    let words = 0;
    const counting: Rng = { ...inner, fill: (o) => inner.fill(o), bytes: (n) => inner.bytes(n), fork: (l) => inner.fork(l), uint32: () => (words++, inner.uint32()) };
    const expected: string[][] = [];
    for (let bound = 2; bound <= 300; bound++) {
      const before = words;
      for (let i = 0; i < 200; i++) uniformBelow(counting, bound);
      expected.push([String(bound), ((words - before) / 200).toFixed(3), (2 ** bitLength(bound - 1) / bound).toFixed(3)]);
    }
    expect(rows).toEqual(expected);
  });

  it('visualization: the BFV noise budget after each operation is the library’s, and toy parameters need an opt-in', async () => {
    await open('/visualizations');
    const viz = page.locator('[data-viz="noise-budget"]');
    // Heavy visualizations start computing when scrolled into view.
    expect(await viz.locator('[data-viz-waiting]').count()).toBe(1);
    await viz.scrollIntoViewIfNeeded();
    const readRows = async () =>
      viz
        .locator('table[data-table="noise-budget"]')
        .evaluate((t: Element) => Array.from(t.querySelectorAll('tbody tr')).map((r) => Array.from(r.children).map((c) => c.textContent ?? '')), null);
    const waitFor = (inputs: object) =>
      page.waitForFunction(
        (want: string) => document.querySelector('[data-viz="noise-budget"] [data-viz-ready]')?.getAttribute('data-viz-inputs') === want,
        JSON.stringify(inputs),
        { timeout: 240_000 },
      );

    // Reference, written independently of the page's code: SEAL's 4(x² + 1)(x + 1)² on x = 6, with
    // one generator per parameter set drawn in the order sk, pk, relinearization keys, encryption.
    const reference = (seed: string, x: number, set: { id: string; options: bfv.BfvParameterOptions }) => {
      const params = bfv.createBfvParameters(set.options);
      const ctx = bfv.createBfvContext(params);
      const t = BigInt(params.plainModulus);
      const rng = fromTextSeed(`${seed} ${set.id}`);
      const sk = bfv.generateSecretKey(ctx, rng);
      const pk = bfv.generatePublicKey(ctx, sk, rng);
      const rk = bfv.generateRelinKeys(ctx, sk, rng);
      const plain = (v: bigint) => ({ coeffs: Float64Array.from([Number(v % t)]) });
      const rows: string[][] = [];
      const rec = (op: string, ct: bfv.Ciphertext, value: bigint) => {
        const c = bfv.bfvDecrypt(ctx, sk, ct).coeffs;
        const constant = Array.from(c).every((v, i) => i === 0 || v === 0);
        const shown = constant ? String(c[0] ?? 0) : 'not a constant';
        const row = [set.id, String(rows.length), op, String(bfv.invariantNoiseBudget(ctx, sk, ct)), shown, String(value % t)];
        rows.push([...row, shown === String(value % t) ? 'yes' : 'no']);
        return { ct, value: value % t };
      };
      const mul = (a: { ct: bfv.Ciphertext; value: bigint }, b: { ct: bfv.Ciphertext; value: bigint }, op: string) =>
        rec(op, bfv.bfvRelinearize(ctx, bfv.bfvMultiply(ctx, a.ct, b.ct), rk), a.value * b.value);
      const xe = rec('encrypt x (public key)', bfv.bfvEncrypt(ctx, pk, plain(BigInt(x)), rng), BigInt(x));
      const x2 = mul(xe, xe, 'x² (multiply, relinearize)');
      const x2p1 = rec('x² + 1 (add plaintext)', bfv.bfvAddPlain(ctx, x2.ct, plain(1n)), x2.value + 1n);
      const xp1 = rec('x + 1 (add plaintext)', bfv.bfvAddPlain(ctx, xe.ct, plain(1n)), xe.value + 1n);
      const xp1sq = mul(xp1, xp1, '(x + 1)² (multiply, relinearize)');
      const prod = mul(x2p1, xp1sq, '(x² + 1)(x + 1)² (multiply, relinearize)');
      rec('4(x² + 1)(x + 1)² (multiply by plaintext)', bfv.bfvMultiplyPlain(ctx, prod.ct, plain(4n)), prod.value * 4n);
      return rows;
    };
    const seal = { id: 'seal-4096', options: { polyModulusDegree: 4096, coeffModulus: bfv.bfvDefaultCoeffModulus(4096), plainModulus: 1024 } };
    const delphi = {
      id: 'delphi-8192',
      options: { polyModulusDegree: 8192, coeffModulus: bfv.createCoeffModulus(8192, [30, 30, 30, 30, 30, 30, 30]), plainModulus: 2061584302081 },
    };
    const toy = {
      id: 'toy-1024',
      options: { polyModulusDegree: 1024, coeffModulus: bfv.createCoeffModulus(1024, [30, 30, 30]), plainModulus: 1024, insecure: true },
    };

    // By default only the secure sets run; no insecure warning.
    await waitFor({ seed: 'delphi', x: 6, program: 'seal-example', sets: ['seal-4096', 'delphi-8192'] });
    const secureRows = [...reference('delphi', 6, seal), ...reference('delphi', 6, delphi)];
    // The table can lag the ready marker by a render under load: poll until it holds the rows.
    await expect.poll(readRows, { timeout: 60_000 }).toEqual(secureRows);
    expect(secureRows.at(-1)!.slice(4)).toEqual(['7252', '7252', 'yes']); // t = p: no wrap-around
    expect(secureRows[6].slice(4)).toEqual(['84', '84', 'yes']); // t = 1024: 7252 mod 1024
    expect(await viz.locator('[data-insecure-warning]').count()).toBe(0);
    await shoot('visualization-noise-budget');

    // Opting in adds the toy set, with its warning.
    await viz.locator('input[name="insecure"]').check();
    await waitFor({ seed: 'delphi', x: 6, program: 'seal-example', sets: ['seal-4096', 'delphi-8192', 'toy-1024'] });
    await expect.poll(readRows, { timeout: 60_000 }).toEqual([...secureRows, ...reference('delphi', 6, toy)]);
    expect(await viz.locator('[data-insecure-warning]').count()).toBe(1);
  });

  it('visualization: a garbled AND gate shows the library’s labels, table and evaluation', async () => {
    await open('/visualizations');
    const viz = page.locator('[data-viz="garbled-gate"]');
    const table = (name: string) =>
      viz.locator(`table[data-table="${name}"]`).evaluate((t: Element) => Array.from(t.querySelectorAll('tbody tr')).map((r) => r.children[1].textContent ?? ''), null);
    // Reference in Node: the same one-gate circuit, garbled from the same seed.
    const reference = (seed: string, a: number, b: number) => {
      const builder = new gc.CircuitBuilder();
      const [wa] = builder.input('garbler', 1);
      const [wb] = builder.input('evaluator', 1);
      builder.output([builder.and(wa, wb)]);
      const circuit = builder.build();
      const { garbled, secrets } = gc.garble(circuit, fromTextSeed(seed));
      const hex = (w: Uint32Array, k = 0) => bytesToHex(new Uint8Array(w.buffer, w.byteOffset + 16 * k, 16));
      const one = (w: Uint32Array) => w.map((x, i) => x ^ secrets.delta[i]);
      const za = gc.inputZeroLabels(circuit, secrets, 'garbler');
      const zb = gc.inputZeroLabels(circuit, secrets, 'evaluator');
      const la = gc.encodeInputs(circuit, secrets, 'garbler', new Uint8Array([a]));
      const lb = gc.encodeInputs(circuit, secrets, 'evaluator', new Uint8Array([b]));
      const out = gc.evaluateGarbled(circuit, garbled, la, lb);
      return {
        secrets: [hex(secrets.delta), hex(za), hex(one(za)), hex(zb), hex(one(zb))],
        sent: [hex(garbled.tables, 0), hex(garbled.tables, 1), String(garbled.decoding[0]), hex(la), hex(lb)],
        out: hex(out),
        bit: gc.decodeOutputs(garbled, out)[0],
      };
    };
    for (const [a, b] of [[0, 0], [1, 1], [1, 0]]) {
      await viz.locator('select[name="a"]').selectOption(String(a));
      await viz.locator('select[name="b"]').selectOption(String(b));
      await page.waitForFunction(
        (want: string) => document.querySelector('[data-viz="garbled-gate"] [data-viz-ready]')?.getAttribute('data-viz-inputs') === want,
        JSON.stringify({ seed: 'delphi', a, b }),
        { timeout: 30_000 },
      );
      const ref = reference('delphi', a, b);
      expect(await table('garbler-secrets')).toEqual(ref.secrets);
      expect(await table('garbled-table')).toEqual(ref.sent);
      expect(await viz.locator('[data-stat="output-label"] dd').textContent()).toBe(ref.out);
      expect(ref.bit).toBe(a & b);
      expect(await viz.locator('[data-stat="output-bit"] dd').textContent()).toBe(`${a & b} = ${a} AND ${b}`);
    }
  });

  it('every built page has a title naming it, and no page shadows another route', () => {
    // Every HTML file of the build, read from disk (the browser visits a sample below: the API
    // reference alone has ~1,000 pages from one template).
    const failures: string[] = [];
    for (const route of builtRoutes()) {
      const html = readFileSync(path.join(build, route.file), 'utf8');
      const title = /<title[^>]*>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
      const h1 = /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];
      if (route.route !== '/' && !/^\S.* \| delphi-ts$/.test(title) && !(h1 === 'delphi-ts' && title === 'delphi-ts')) {
        failures.push(`${route.route}: title "${title}" does not name the page`);
      }
      // x/index.html next to x.html: a host serves it for "/x/" while the router renders x's page
      // there, a hydration error (React #418); the API's root module was once named "index".
      if (route.file.endsWith('/index.html') && builtFiles.has(route.file.replace(/\/index\.html$/, '.html'))) {
        failures.push(`${route.file} shadows ${route.file.replace(/\/index\.html$/, '.html')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('every page outside the API reference, and every kind of API page: no console or page error', async () => {
    const routes = builtRoutes().map((r) => r.route);
    const seenKinds = new Set<string>();
    const sample = routes.filter((r) => {
      const m = /^\/api\/([^/]+)\/([^/]+)\//.exec(r);
      if (!m) return true; // not the API, or an API module's index
      const kind = `${m[1]}/${m[2]}`;
      if (seenKinds.has(kind)) return false;
      seenKinds.add(kind);
      return true;
    });
    expect(sample).toContain('/api');
    expect(sample).toContain('/spec/09-protocol');
    await open('/');
    const failures: string[] = [];
    for (const route of sample) {
      problems = [];
      await page.goto(origin + route, { waitUntil: 'load' });
      // Hydration errors are reported once React has run.
      await page.waitForFunction(() => document.readyState === 'complete', null, { timeout: 60_000 });
      await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
      for (const p of problems) failures.push(`${route}: ${p}`);
    }
    problems = [];
    expect(failures, `${sample.length} of ${routes.length} pages visited`).toEqual([]);
  }, 1_800_000);

  it('the spec\'s ASCII diagrams fit the page width (§9 overview)', async () => {
    await open('/spec/09-protocol');
    const diagrams = page.locator('article [data-code-kind="diagram"] pre');
    expect(await diagrams.count()).toBeGreaterThan(0);
    const widths = await diagrams.first().evaluate((el: Element) => ({ scroll: el.scrollWidth, client: el.clientWidth }), null);
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  });

  it('the API reference links each Spec: citation to its section', async () => {
    await open('/api/random/functions/uniformBelow');
    const citation = page.locator('article a[href="/spec/02-randomness-and-channels#22-samplers"]');
    expect(await citation.count()).toBe(1);
    expect(await citation.textContent()).toBe('§2.2');
    await shoot('api-uniformBelow');
  });

  it('runs a private inference in the page (in-memory channel, Delphi’s backend): the logits are the plaintext model’s', async () => {
    await open('/visualizations');
    const viz = page.locator('[data-viz="private-inference"]');
    await viz.scrollIntoViewIfNeeded();
    const model = compileFixedPoint(parseModel(readFileSync(path.join(root, 'models/mnist-small.json'), 'utf8')));
    const check = async (inputs: object) => {
      await page.waitForFunction(
        (want: string) => document.querySelector('[data-viz="private-inference"] [data-viz-ready]')?.getAttribute('data-viz-inputs') === want,
        JSON.stringify(inputs),
        { timeout: 240_000 },
      );
      const ready = viz.locator('[data-viz-ready]');
      const pixels = JSON.parse((await ready.getAttribute('data-pixels'))!) as number[];
      const rows = await viz
        .locator('table[data-table="inference-logits"]')
        .evaluate((t: Element) => Array.from(t.querySelectorAll('tbody tr')).map((r) => Array.from(r.children).map((c) => c.textContent ?? '')), null);
      // Reference: the plaintext fixed-point evaluator, in Node, on the pixels the page used.
      const reference = evaluateFixedPoint(model, pixels).logits.map(String);
      expect(rows.map((r) => r[1])).toEqual(reference);
      expect(await viz.locator('[data-stat="agrees"] dd').textContent()).toBe('yes, exactly');
      const phases = await viz
        .locator('table[data-table="inference-phases"]')
        .evaluate((t: Element) => Array.from(t.querySelectorAll('tbody tr')).map((r) => r.children[0].textContent), null);
      expect(phases).toEqual(['setup', 'preprocessing', 'online']);
      return pixels;
    };
    // The preset 7, rasterized by the page exactly as digits.ts does in Node; Delphi's protocol on a small ring.
    const pixels = await check({ digit: 'preset 7', backend: 'delphi-small', run: 0 });
    expect(pixels).toEqual(rasterize(PRESET_DIGITS['7']));
    expect(await viz.locator('[data-stat="prediction"] dd').textContent()).toBe('7');
    await shoot('visualization-private-inference');

    // Delphi's protocol at Delphi's parameters (BFV n = 8192, garbled ReLUs, OT extension): secure, slow.
    await viz.locator('select[name="backend"]').selectOption('delphi');
    await check({ digit: 'preset 7', backend: 'delphi', run: 0 });
    expect(await viz.locator('[data-backend-note="delphi"]').count()).toBe(1);

    // The insecure dealer, another digit.
    await viz.locator('select[name="backend"]').selectOption('dealer');
    await viz.locator('select[name="digit"]').selectOption('0');
    await check({ digit: 'preset 0', backend: 'dealer', run: 0 });
    expect(await viz.locator('[data-stat="prediction"] dd').textContent()).toBe('0');
  });
});
