/**
 * Loads a library module in a visualization; suspends (React.use) until its chunk is there.
 * Pass a stable loader (module-level function) so that the module is fetched once.
 */
import { use } from 'react';

const cache = new Map<() => Promise<unknown>, Promise<unknown>>();

export function useLibrary<T>(load: () => Promise<T>): T {
  let promise = cache.get(load);
  if (!promise) {
    promise = load();
    cache.set(load, promise);
  }
  return use(promise as Promise<T>);
}
