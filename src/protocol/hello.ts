/**
 * The session parameters a Delphi service puts in the transport HELLO (§2.5): the backends both
 * ends run (which must match byte for byte) and, from the server, the fingerprint of the
 * architecture it serves (§9.3). `delphi serve`, `delphi infer` and the website's client all
 * announce them through {@link serviceHelloOptions}, so they cannot drift apart.
 *
 * Spec: §2.5, §9.3
 * @module
 */
import { backendIds, type ProtocolBackend } from './backend.js';

/** Session parameter carrying the backend identifiers; both HELLOs must agree on it (§2.5). */
export const BACKEND_PARAM = 'backend';
/** Session parameter in which the server announces its architecture fingerprint (§9.3). */
export const FINGERPRINT_PARAM = 'model-fingerprint';

/** The HELLO options of one end of a service connection (the caller adds its role). */
export interface ServiceHelloOptions {
  readonly params: Readonly<Record<string, string>>;
  readonly mustMatch: readonly string[];
}

/** The HELLO parameters of an end running `backend`; a server also passes the fingerprint it serves. Spec: §2.5 */
export function serviceHelloOptions(backend: ProtocolBackend, fingerprint?: string): ServiceHelloOptions {
  const ids = backendIds(backend);
  return {
    params: {
      [BACKEND_PARAM]: `linear=${ids.linear};activations=${ids.activations};triples=${ids.triples}`,
      ...(fingerprint === undefined ? {} : { [FINGERPRINT_PARAM]: fingerprint }),
    },
    mustMatch: [BACKEND_PARAM],
  };
}
