import { DelphiError } from '../../../src/errors.js';

/** The DelphiError code `fn` throws, or a description of what happened instead. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof DelphiError ? e.code : `non-delphi error: ${String(e)}`;
  }
  return 'no error';
}

export async function codeOfAsync(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return e instanceof DelphiError ? e.code : `non-delphi error: ${String(e)}`;
  }
  return 'no error';
}
