/**
 * Web Worker of "Private inference against a server": runs the client (./run-remote.ts) off the
 * page's thread, so the page stays responsive while BFV, garbled circuits and OT compute, and
 * posts its progress and result to the page. One run per message; the worker keeps the service
 * session open between runs (a second inference to the same server needs no setup); a `close`
 * message ends it, and the page terminates the worker to cancel.
 */
import { compileFixedPoint, parseModel } from 'delphi-ts/nn';
import { architectureFingerprint, publicArchitecture } from 'delphi-ts/protocol';
import model from '../../../../models/mnist-small.json';
import { RemoteClient, type RunRequest, type WorkerMessage } from './run-remote';

/** What the page sends: the request without the expected model, which the worker computes. */
export type PageRequest = Omit<RunRequest, 'expectedFingerprint' | 'expectedModel'>;

/** What the page may send: a run, or the end of the session. */
export type PageMessage = PageRequest | { readonly type: 'close' };

const scope = self as unknown as { onmessage: ((e: MessageEvent<PageMessage>) => void) | null; postMessage(m: WorkerMessage): void };

const client = new RemoteClient();

let expected: { name: string; fingerprint: string } | undefined;

/** The page is written for models/mnist-small.json: its architecture fingerprint, as `delphi serve` announces it. */
function expectedModel(): { name: string; fingerprint: string } {
  if (!expected) {
    const fixed = compileFixedPoint(parseModel(model as unknown));
    expected = { name: fixed.name, fingerprint: architectureFingerprint(publicArchitecture(fixed)) };
  }
  return expected;
}

scope.onmessage = (event) => {
  if (event.data?.type === 'close') {
    client.close();
    return;
  }
  if (event.data?.type !== 'run') return;
  const request = event.data;
  const post = (m: WorkerMessage) => scope.postMessage(m);
  let target;
  try {
    target = expectedModel();
  } catch (e) {
    post({ type: 'error', kind: 'other', message: `could not load the page's model: ${(e as Error).message}` });
    return;
  }
  void client.run({ ...request, expectedFingerprint: target.fingerprint, expectedModel: target.name }, post);
};
