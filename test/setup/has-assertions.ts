/**
 * Vitest setup: every test must make at least one assertion (`expect.hasAssertions()`), so a test
 * that only awaits something, or whose checks sit in a branch never taken, fails instead of passing.
 */
import { beforeEach, expect } from 'vitest';

beforeEach(() => {
  expect.hasAssertions();
});
