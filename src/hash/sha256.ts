/**
 * SHA-256 (FIPS 180-4) for integrity checks of large byte strings, such as stored preprocessing
 * slots (§9.14.3). The reference is `@noble/hashes` (pure TypeScript, every platform); under Node the
 * same function runs in OpenSSL, reached through `process.getBuiltinModule` at run time so that
 * browser bundles never see `node:crypto`. Both give the same digest (cross-checked by the tests).
 *
 * Spec: §9.14.3
 * @module
 */
import { sha256 as sha256Noble } from '@noble/hashes/sha2.js';

interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(): Uint8Array;
}

let nodeCreateHash: ((alg: string) => NodeHash) | null | undefined;

/** `node:crypto`'s createHash when running in Node with SHA-256 available, else null. */
function reachNodeHash(): ((alg: string) => NodeHash) | null {
  if (nodeCreateHash !== undefined) return nodeCreateHash;
  nodeCreateHash = null;
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule('node:crypto') as { createHash?: (alg: string) => NodeHash } | undefined) : undefined;
    if (mod && typeof mod.createHash === 'function') {
      const createHash = mod.createHash.bind(mod);
      if (createHash('sha256').update(new Uint8Array(0)).digest().length === 32) nodeCreateHash = createHash;
    }
  } catch {
    nodeCreateHash = null;
  }
  return nodeCreateHash;
}

/** SHA-256 in pure TypeScript (the reference path, used in browsers). Spec: §9.14.3 */
export function sha256Reference(data: Uint8Array): Uint8Array {
  return sha256Noble(data);
}

/** SHA-256 of `data`: OpenSSL under Node, {@link sha256Reference} elsewhere; the same digest. Spec: §9.14.3 */
export function sha256(data: Uint8Array): Uint8Array {
  const createHash = reachNodeHash();
  if (createHash === null) return sha256Reference(data);
  return new Uint8Array(createHash('sha256').update(data).digest());
}
