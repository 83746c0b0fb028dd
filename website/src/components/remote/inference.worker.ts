/**
 * Web Worker of "Private inference against a server": runs the client (./run-remote.ts) off the
 * page's thread, so the page stays responsive while BFV, garbled circuits and OT compute, and
 * posts its progress and result to the page. One run per message; the page terminates the worker
 * to cancel.
 */
import { compileFixedPoint, parseModel } from 'delphi-ts/nn';
import { architectureFingerprint, publicArchitecture } from 'delphi-ts/protocol';
import model from '../../../../models/mnist-small.json';
import { runRemoteInference, type RunRequest, type WorkerMessage } from './run-remote';

/** What the page sends: the request without the expected model, which the worker computes. */
export type PageRequest = Omit<RunRequest, 'expectedFingerprint' | 'expectedModel'>;

const scope = self as unknown as { onmessage: ((e: MessageEvent<PageRequest>) => void) | null; postMessage(m: WorkerMessage): void };

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
  if (event.data?.type !== 'run') return;
  const post = (m: WorkerMessage) => scope.postMessage(m);
  let target;
  try {
    target = expectedModel();
  } catch (e) {
    post({ type: 'error', kind: 'other', message: `could not load the page's model: ${(e as Error).message}` });
    return;
  }
  void runRemoteInference({ ...event.data, expectedFingerprint: target.fingerprint, expectedModel: target.name }, post);
};
