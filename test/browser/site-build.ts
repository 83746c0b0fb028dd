/**
 * The built website for the browser tests: runs scripts/docs-build.mjs --if-stale (a build only
 * when its inputs changed, or it was never built) and serves website/build on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './static-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The build started by {@link buildSite}, while it runs (killed by {@link stopSiteBuild}). */
let building: ChildProcess | undefined;

/** Runs scripts/docs-build.mjs --if-stale; rejects with the end of its log if the build fails. */
export function buildSite(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/docs-build.mjs'), '--if-stale', '--no-install'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that stopping it also stops the Docusaurus process it runs.
      detached: true,
    });
    building = child;
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      building = undefined;
      if (code === 0) resolve();
      else reject(new Error(`the website build failed (node scripts/docs-build.mjs, exit ${code}):\n${log.slice(-4000)}`));
    });
  });
}

/** Stops a build still running (the suite ended first), with the processes it started. */
export function stopSiteBuild(): void {
  if (building?.pid !== undefined) process.kill(-building.pid, 'SIGTERM');
}

/** Builds the site if stale and serves it; resolves with its origin and a closer. */
export async function serveBuiltSite(): Promise<{ origin: string; close(): Promise<void> }> {
  await buildSite();
  return serveStatic(path.join(root, 'website/build'));
}
