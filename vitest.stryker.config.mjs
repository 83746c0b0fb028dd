// The vitest configuration of `npm run mutate` (stryker.config.mjs): the project's own, with one change
// in the order of test files. Stryker runs, for each mutant, the test files that cover it, one after
// the other, and stops at the first failing test (bail). Vitest's default order puts the slowest file
// first, so a mutant that a targeted test kills in milliseconds first waits for the slow ones. Here the
// targeted files (`*.mutation.test.ts`) come first, then the others from fastest to slowest (their
// duration in this vitest process, else their size); a file that just failed, i.e. killed the previous
// mutant, goes first. The set of tests run for a surviving mutant is unchanged: every covering test.
import { relative } from 'node:path';
import { BaseSequencer } from 'vitest/node';
import { mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

class KillersFirst extends BaseSequencer {
  async sort(files) {
    const rank = (spec) => {
      const key = `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`;
      const results = this.ctx.cache.getFileTestResults(key);
      const stats = this.ctx.cache.getFileStats(key);
      return {
        failed: results?.failed ? 0 : 1,
        targeted: /\.mutation\.test\.ts$/.test(spec.moduleId) ? 0 : 1,
        cost: results?.duration ?? stats?.size ?? 0,
      };
    };
    const ranked = files.map((spec) => ({ spec, ...rank(spec) }));
    ranked.sort((a, b) => a.failed - b.failed || a.targeted - b.targeted || a.cost - b.cost || (a.spec.moduleId < b.spec.moduleId ? -1 : 1));
    return ranked.map((r) => r.spec);
  }
}

// `cache: false`: the durations stay in memory (the order above still sees them); nothing is written to
// node_modules/.vite, which the sandboxes of two side-by-side runs share through their symlink.
export default mergeConfig(base, { test: { cache: false, sequence: { sequencer: KillersFirst } } });
