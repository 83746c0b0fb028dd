/**
 * Vectors of §5.1–§5.2 and §6: fixed-key AES and the tweakable hash, the AES-CTR PRG, Chou–Orlandi
 * base OT (scalars, points, Diffie–Hellman points, keys, messages; RFC 9496 invalid encodings),
 * IKNP/ALSZ and SoftSpokenOT extension sessions with every message, the base-OT keys, the matrices'
 * columns t_i and q_i, and both parties' outputs. One module per vector file.
 *
 * Spec: §12.5.5
 * @module
 */
import type { VectorFamily } from '../../family.js';
import { baseFile } from './base-ot.js';
import { hashFile } from './hash.js';
import { iknpFile } from './iknp.js';
import { prgFile } from './prg.js';
import { softSpokenFile } from './softspoken.js';

/** The `ot` family: vectors/hash/tccr.v1.json and vectors/ot/*. Spec: §12.5.5 */
export const otFamily: VectorFamily = {
  name: 'ot',
  description: 'fixed-key AES and TCCR hash, AES-CTR PRG, Chou–Orlandi base OT, IKNP/ALSZ and SoftSpokenOT extension transcripts (§5.1, §5.2, §6)',
  files: [hashFile, prgFile, baseFile, iknpFile, softSpokenFile],
};
