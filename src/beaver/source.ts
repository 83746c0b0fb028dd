/**
 * Where a party's Beaver triples and square pairs come from. The online protocols (§7.8, §7.9)
 * take batches; a {@link TripleSource} produces them in the preprocessing phase, so that the
 * protocol layer can switch between a trusted dealer (tests, tutorials, benchmarks) and Delphi's
 * two-party generation from BFV (§7.6.1) without other changes.
 *
 * Spec: §7.6
 * @module
 */
import { ProtocolError } from '../errors.js';
import type { Rng } from '../random/rng.js';
import { checkCount, checkRole, type PartyRole } from '../sharing/field-vector.js';
import { dealSquarePairs, dealTriples } from './dealer.js';
import type { BeaverTriples, SquarePairs } from './triples.js';

/**
 * One party's supply of correlated randomness. Both parties MUST issue the same sequence of
 * requests (same kinds, same counts, same order); the k-th `triples` request of party 0 is
 * matched with the k-th `triples` request of party 1, and likewise for `squarePairs`. An
 * implementation MAY communicate (the BFV generator does), hence the promises. Spec: §7.6
 */
export interface TripleSource {
  /** The party this source serves. */
  readonly role: PartyRole;
  /** This party's shares of `count` fresh Beaver triples. */
  triples(count: number): Promise<BeaverTriples>;
  /** This party's shares of `count` fresh square pairs. */
  squarePairs(count: number): Promise<SquarePairs>;
}

/** Label of the child stream that deals triples (forked first). */
const TRIPLE_STREAM = 'delphi-ts/beaver/triples';
/** Label of the child stream that deals square pairs (forked second). */
const SQUARE_STREAM = 'delphi-ts/beaver/square-pairs';

interface DealerStreams {
  readonly triples: Rng;
  readonly squares: Rng;
}

function forkDealerStreams(rng: Rng): DealerStreams {
  const triples = rng.fork(TRIPLE_STREAM);
  const squares = rng.fork(SQUARE_STREAM);
  return { triples, squares };
}

/** Matches the k-th request of each party; the first to ask deals and parks the peer's half. */
class PairedBatches<T> {
  readonly #parked: { count: number; value: T }[][] = [[], []];
  constructor(
    private readonly kind: string,
    private readonly deal: (count: number) => [T, T],
  ) {}

  take(role: PartyRole, count: number): T {
    const mine = this.#parked[role];
    const parked = mine.shift();
    if (parked !== undefined) {
      if (parked.count !== count) {
        throw new ProtocolError(
          `trusted dealer: party ${role} asked for ${count} ${this.kind} but the matching request of party ${1 - role} was for ${parked.count}`,
        );
      }
      return parked.value;
    }
    const halves = this.deal(count);
    this.#parked[1 - role].push({ count, value: halves[1 - role] });
    return halves[role];
  }
}

/**
 * A trusted dealer serving both parties in one process: returns [source of party 0, source of
 * party 1]. Triples come from the child stream `rng.fork("delphi-ts/beaver/triples")` and square
 * pairs from `rng.fork("delphi-ts/beaver/square-pairs")` (forked in that order), each batch dealt
 * by {@link dealTriples} / {@link dealSquarePairs}; the output therefore does not depend on how
 * the two parties' requests interleave. Spec: §7.6
 */
export function trustedDealerSources(rng: Rng): [TripleSource, TripleSource] {
  const streams = forkDealerStreams(rng);
  const triples = new PairedBatches<BeaverTriples>('triples', (n) => dealTriples(n, streams.triples));
  const squares = new PairedBatches<SquarePairs>('square pairs', (n) => dealSquarePairs(n, streams.squares));
  const source = (role: PartyRole): TripleSource => ({
    role,
    async triples(count: number): Promise<BeaverTriples> {
      return triples.take(role, checkCount(count, 'TripleSource.triples'));
    },
    async squarePairs(count: number): Promise<SquarePairs> {
      return squares.take(role, checkCount(count, 'TripleSource.squarePairs'));
    },
  });
  return [source(0), source(1)];
}

/**
 * A dealer simulated by each party separately from a seed both know (e.g. two processes of a
 * tutorial): each batch is dealt exactly as by {@link trustedDealerSources} with a generator of
 * the same seed, and the party keeps its own half. Either party can recompute the other's shares,
 * so this offers no security at all; it exists for reproducible multi-process demos and tests.
 * Spec: §7.6
 */
export function sharedSeedDealerSource(rng: Rng, role: PartyRole): TripleSource {
  checkRole(role, 'sharedSeedDealerSource');
  const streams = forkDealerStreams(rng);
  return {
    role,
    async triples(count: number): Promise<BeaverTriples> {
      return dealTriples(checkCount(count, 'TripleSource.triples'), streams.triples)[role];
    },
    async squarePairs(count: number): Promise<SquarePairs> {
      return dealSquarePairs(checkCount(count, 'TripleSource.squarePairs'), streams.squares)[role];
    },
  };
}
