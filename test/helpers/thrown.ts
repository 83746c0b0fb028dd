/** What `f` throws, or undefined when it returns: for tests that check an error's class, message and cause one by one. */
export function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}
