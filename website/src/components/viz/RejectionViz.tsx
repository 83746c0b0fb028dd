/**
 * Words of randomness consumed per uniformBelow(rng, bound) draw, measured by counting the
 * generator's uint32() calls, for every bound 2…max, against the expected 2^k / bound
 * (k = bit length of bound − 1). The sawtooth is the price of exact uniformity.
 */
import React, { useDeferredValue, useMemo, useState, type ReactNode } from 'react';
import type { Rng } from 'delphi-ts/random';
import { useLibrary } from './useLibrary';
import type { VizProps } from './registry';
import { Controls, DataTable, IntegerField, Stats, TextField } from './controls';
import LinePlot from './charts/LinePlot';

const loadRandom = () => import('delphi-ts/random');

/** Wraps an Rng and counts the 32-bit words drawn through it. */
function countingRng(inner: Rng): { rng: Rng; words(): number } {
  let words = 0;
  const rng: Rng = {
    fill: (out) => inner.fill(out),
    bytes: (n) => inner.bytes(n),
    uint32: () => {
      words++;
      return inner.uint32();
    },
    fork: (label) => inner.fork(label),
  };
  return { rng, words: () => words };
}

export default function RejectionViz({ params }: VizProps): ReactNode {
  const random = useLibrary(loadRandom);
  const [seed, setSeed] = useState(params.seed ?? 'delphi');
  const [maxBound, setMaxBound] = useState(Number(params.maxBound) || 300);
  const [draws, setDraws] = useState(Number(params.draws) || 200);
  const inputs = useDeferredValue({ seed, maxBound, draws });

  const computed = useMemo(() => {
    const counter = countingRng(random.fromTextSeed(inputs.seed));
    const measured: [number, number][] = [];
    const expected: [number, number][] = [];
    let totalWords = 0;
    let totalDraws = 0;
    for (let bound = 2; bound <= inputs.maxBound; bound++) {
      const before = counter.words();
      for (let i = 0; i < inputs.draws; i++) random.uniformBelow(counter.rng, bound);
      const used = counter.words() - before;
      measured.push([bound, used / inputs.draws]);
      expected.push([bound, 2 ** random.bitLength(bound - 1) / bound]);
      totalWords += used;
      totalDraws += inputs.draws;
    }
    const worst = measured.reduce((a, b) => (b[1] > a[1] ? b : a));
    return { ...inputs, measured, expected, average: totalWords / totalDraws, worst };
  }, [random, inputs]);

  return (
    <div data-viz-ready="">
      <Controls>
        <TextField label="Seed (text)" name="seed" value={seed} onChange={setSeed} />
        <IntegerField label="Largest bound" name="maxBound" value={maxBound} min={4} max={1024} onChange={setMaxBound} />
        <IntegerField label="Draws per bound" name="draws" value={draws} min={10} max={1000} step={10} onChange={setDraws} />
      </Controls>
      <LinePlot
        xLabel="bound"
        yLabel="uint32 words per draw"
        yMin={0}
        series={[
          { name: 'measured (counted uint32 calls)', points: computed.measured },
          { name: 'expected 2^k / bound', points: computed.expected, reference: true },
        ]}
      />
      <Stats
        items={[
          { name: 'average', label: 'average words per draw', value: computed.average.toFixed(3) },
          { name: 'worst', label: 'costliest bound', value: `${computed.worst[0]} (${computed.worst[1].toFixed(2)} words)` },
        ]}
      />
      <DataTable
        caption="Words per draw for each bound"
        name="rejection-cost"
        columns={['bound', 'measured', 'expected']}
        rows={computed.measured.map(([b, w], i) => [b, w.toFixed(3), computed.expected[i][1].toFixed(3)])}
      />
    </div>
  );
}
