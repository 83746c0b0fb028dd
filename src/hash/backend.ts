/**
 * Where π's AES rounds run: the pure-TypeScript T-table kernel of ./aes.ts (every platform) or, in
 * Node, OpenSSL's AES-128-ECB through `node:crypto` (AES-NI on current CPUs). Both compute the same
 * function on the same blocks; tests cross-check them. This module imports nothing from Node: the
 * OpenSSL path is reached through `process.getBuiltinModule` at run time, so browser bundles never
 * see it and browsers use the TypeScript kernel.
 *
 * Batches below {@link NODE_MIN_BLOCKS} blocks always take the TypeScript kernel: a call into OpenSSL
 * costs about as much as a few AES blocks in JavaScript.
 *
 * Spec: §5.1
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { aes128EncryptWords } from './aes.js';

/** Names of the AES backends. Spec: §5.1 */
export type AesBackendName = 'typescript' | 'node-crypto';

/** A backend's choice: a name, or `auto` (OpenSSL when reachable, else TypeScript). Spec: §5.1 */
export type AesBackendChoice = AesBackendName | 'auto';

/** AES-128 under one expanded key on blocks of four little-endian words. Spec: §5.1 */
export interface AesBackend {
  readonly name: AesBackendName;
  /**
   * Encrypts `count` blocks starting at word 0 of `input` into `output` (from word 0; the arrays may
   * be the same). Internal kernel: no validation.
   */
  encrypt(input: Int32Array, output: Int32Array, count: number): void;
}

/** Smallest batch handed to OpenSSL; smaller ones run in TypeScript. Spec: §5.1 */
export const NODE_MIN_BLOCKS = 16;

/** The part of a `node:crypto` cipher this module uses. */
interface EcbCipher {
  setAutoPadding(on: boolean): unknown;
  update(data: Uint8Array): Uint8Array;
}
/** The part of `node:crypto` the library uses (AES-128-ECB here, AES-128-CTR in the OT PRG). */
export interface NodeCrypto {
  createCipheriv(algorithm: string, key: Uint8Array, iv: Uint8Array | null): EcbCipher;
}

let nodeCrypto: NodeCrypto | null | undefined;

/** `node:crypto` when running in Node (≥ 20.16, through `process.getBuiltinModule`), else null. */
function reachNodeCrypto(): NodeCrypto | null {
  if (nodeCrypto !== undefined) return nodeCrypto;
  nodeCrypto = null;
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule('node:crypto') as NodeCrypto | undefined) : undefined;
    if (mod && typeof mod.createCipheriv === 'function') {
      // Refuse a crypto module without AES-128-ECB (e.g. a FIPS build without it).
      const c = mod.createCipheriv('aes-128-ecb', new Uint8Array(16), null);
      c.setAutoPadding(false);
      if (c.update(new Uint8Array(16)).length === 16) nodeCrypto = mod;
    }
  } catch {
    nodeCrypto = null;
  }
  return nodeCrypto;
}

/**
 * `node:crypto` when the current choice allows OpenSSL and it is reachable, else null (internal: for
 * kernels outside this module, e.g. the AES-CTR PRG of OT extension, §6.4). Spec: §5.1
 */
export function nodeCryptoForKernels(): NodeCrypto | null {
  return preferred === 'typescript' ? null : reachNodeCrypto();
}

/** True when the OpenSSL backend can be used in this process. Spec: §5.1 */
export function nodeAesAvailable(): boolean {
  return reachNodeCrypto() !== null;
}

/** The TypeScript T-table backend for an expanded key. Spec: §5.1 */
export function typescriptAesBackend(roundKeys: Int32Array): AesBackend {
  return {
    name: 'typescript',
    encrypt(input, output, count) {
      aes128EncryptWords(roundKeys, input, output, count);
    },
  };
}

/** The OpenSSL backend for a 16-byte key (throws `InvalidArgumentError` outside Node). Spec: §5.1 */
export function nodeAesBackend(key: Uint8Array, roundKeys: Int32Array): AesBackend {
  const crypto = reachNodeCrypto();
  if (crypto === null) throw new InvalidArgumentError('AES backend node-crypto: node:crypto with AES-128-ECB is not available here');
  const cipher = crypto.createCipheriv('aes-128-ecb', Uint8Array.from(key), null);
  cipher.setAutoPadding(false);
  return {
    name: 'node-crypto',
    encrypt(input, output, count) {
      if (count < NODE_MIN_BLOCKS) {
        aes128EncryptWords(roundKeys, input, output, count);
        return;
      }
      const out = cipher.update(new Uint8Array(input.buffer, input.byteOffset, 16 * count));
      new Uint8Array(output.buffer, output.byteOffset, 16 * count).set(out);
    },
  };
}

let preferred: AesBackendChoice = 'auto';

/**
 * Chooses the backend of AES instances created from now on, including the shared
 * `fixedKeyAes()` (which is rebuilt). `node-crypto` throws where it is not available. Spec: §5.1
 */
export function setAesBackend(choice: AesBackendChoice): void {
  if (choice !== 'auto' && choice !== 'typescript' && choice !== 'node-crypto') {
    throw new InvalidArgumentError(`AES backend must be auto, typescript or node-crypto, got ${String(choice)}`);
  }
  if (choice === 'node-crypto' && !nodeAesAvailable()) throw new InvalidArgumentError('AES backend node-crypto: node:crypto is not available here');
  preferred = choice;
  for (const listener of listeners) listener();
}

/** The current backend choice. Spec: §5.1 */
export function aesBackendChoice(): AesBackendChoice {
  return preferred;
}

const listeners: (() => void)[] = [];

/** Internal: called when the choice changes (fixed-key-aes.ts drops its shared instance). */
export function onAesBackendChange(listener: () => void): void {
  listeners.push(listener);
}

/** The backend for `key` under `choice` (default: the current choice). Spec: §5.1 */
export function makeAesBackend(key: Uint8Array, roundKeys: Int32Array, choice: AesBackendChoice = preferred): AesBackend {
  if (choice === 'typescript') return typescriptAesBackend(roundKeys);
  if (choice === 'node-crypto') return nodeAesBackend(key, roundKeys);
  return nodeAesAvailable() ? nodeAesBackend(key, roundKeys) : typescriptAesBackend(roundKeys);
}
