#!/usr/bin/env node
/**
 * Builds the documentation website offline: TypeDoc API pages + Docusaurus → website/build.
 *
 *   node scripts/docs-build.mjs               install website deps if missing, then build
 *   node scripts/docs-build.mjs --if-stale    build only if an input changed since the last build
 *   node scripts/docs-build.mjs --no-install  fail (instead of running npm ci) if deps are missing
 *
 * The website is its own npm project (website/package.json) so that its dependencies never enter
 * the library's install. A build records a SHA-256 of its inputs (README, tutorials, spec, src,
 * the website sources and lockfile) in website/build/.inputs-sha256; --if-stale compares it.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const website = path.join(root, 'website');
const stampFile = path.join(website, 'build', '.inputs-sha256');
const SKIP = new Set(['node_modules', 'build', '.docusaurus', 'generated', '.cache', '.build-lock']);

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    if (SKIP.has(name)) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** SHA-256 over the path and content of every input of the site. */
function inputsHash() {
  const files = [
    path.join(root, 'README.md'),
    path.join(root, 'package.json'),
    path.join(root, 'tsconfig.json'),
    ...walk(path.join(root, 'tutorials'), []),
    ...walk(path.join(root, 'spec'), []),
    ...walk(path.join(root, 'src'), []),
    ...walk(website, []),
  ];
  const hash = createHash('sha256');
  for (const f of files) {
    if (!existsSync(f)) continue;
    hash.update(path.relative(root, f) + '\0');
    hash.update(readFileSync(f));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, NO_UPDATE_NOTIFIER: '1' } });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/**
 * One build at a time: test files that need the site (run in parallel by vitest) each call this
 * script; the first builds, the others wait here and then find the build up to date. The lock is
 * a directory holding the builder's pid; a lock whose process is gone is taken over.
 */
const lockDir = path.join(website, '.build-lock');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function acquireLock() {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let said = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    } catch {
      // being written: look again
    }
    let age = 0;
    try {
      age = Date.now() - statSync(lockDir).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    const orphan = Number.isInteger(holder) && holder > 0 ? !alive(holder) : age > 10_000;
    if (orphan) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!said) console.log(`docs-build: another build (pid ${holder}) is running; waiting for it`);
    said = true;
    Atomics.wait(sleeper, 0, 0, 500);
  }
}

function main() {
  acquireLock();
  try {
    return build();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function build() {
  const args = new Set(process.argv.slice(2));
  const hash = inputsHash();
  if (args.has('--if-stale') && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash) {
    console.log('docs-build: website/build is up to date');
    return 0;
  }
  if (!existsSync(path.join(website, 'node_modules', '@docusaurus', 'core'))) {
    if (args.has('--no-install')) {
      console.error('docs-build: the website dependencies are not installed: run `npm ci --prefix website`');
      return 1;
    }
    const status = run('npm', ['ci', '--no-audit', '--no-fund'], website);
    if (status !== 0) return status;
  }
  if (!existsSync(path.join(root, 'node_modules', '@noble', 'hashes'))) {
    console.error('docs-build: the library dependencies are not installed: run `npm ci` at the repository root');
    return 1;
  }
  const status = run(process.execPath, [path.join(website, 'node_modules', '@docusaurus', 'core', 'bin', 'docusaurus.mjs'), 'build'], website);
  if (status !== 0) return status;
  writeFileSync(stampFile, hash + '\n');
  return 0;
}

process.exitCode = main();
