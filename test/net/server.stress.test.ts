/**
 * The loopback stress test of `delphi serve` (scripts/stress.mjs, Spec: §2.7) in its short form:
 * the server runs as a child process, 3 hostile clients of each of six kinds (garbage, huge length
 * prefixes, silent, slow drip, ping flood without reading, drop mid-frame) connect from
 * 127.0.0.2–127.0.0.9, and a legitimate `delphi infer` (insecure dealer, models/mnist-small.json)
 * must return the prediction of the plaintext fixed-point evaluation while the server's RSS stays
 * under 400 MiB. `npm run stress` runs the long version (Delphi backend, 20 per kind, 60 s settle).
 * Needs dist/: builds it when it is missing or older than src/.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ensureDist } from '../helpers/dist.js';


describe('delphi serve under hostile clients (loopback stress)', () => {
  it('serves a legitimate inference with the right prediction while RSS stays bounded', () => {
    ensureDist();
    const out = execFileSync(
      process.execPath,
      ['scripts/stress.mjs', '--backend', 'insecure-dealer', '--hostile', '3', '--settle', '0', '--settle-in', '1', '--no-warmup', '--settle-ratio', '0', '--max-rss-mib', '400', '--json'],
      { encoding: 'utf8', timeout: 110_000 },
    );
    const report = JSON.parse(out);
    expect(report.served).toBe(1);
    expect(report.ok).toBe(true);
    expect(report.rss.peak).toBeGreaterThan(0);
    expect(report.rss.peak).toBeLessThanOrEqual(400 * 2 ** 20);
    for (const kind of ['garbage', 'huge-prefix', 'silent', 'slow-drip', 'ping-flood', 'drop-mid-frame']) {
      expect(report.kinds[kind].connections, kind).toBeGreaterThanOrEqual(3);
    }
  });
});
