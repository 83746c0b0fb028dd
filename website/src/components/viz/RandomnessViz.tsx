/**
 * The first bytes of the ChaCha20 stream of a text seed, and a histogram of
 * sampleCenteredBinomial(fromTextSeed(seed), n, η) against the exact distribution
 * P(k) = C(2η, η + k) / 4^η. Everything shown is recomputed by the library on each change.
 */
import React, { useDeferredValue, useMemo, useState, type ReactNode } from 'react';
import { useLibrary } from './useLibrary';
import type { VizProps } from './registry';
import { Controls, DataTable, IntegerField, SelectField, Stats, TextField } from './controls';
import BarChart from './charts/BarChart';
import ByteGrid from './charts/ByteGrid';
import styles from './styles.module.css';

const loadRandom = () => import('delphi-ts/random');
const SAMPLE_COUNTS = [1000, 10000, 100000] as const;
type SampleCount = (typeof SAMPLE_COUNTS)[number];

/** Exact centered binomial probabilities for k = −η…η. */
function centeredBinomialPmf(eta: number): number[] {
  const pmf: number[] = [];
  let p = 2 ** (-2 * eta);
  for (let j = 0; j <= 2 * eta; j++) {
    pmf.push(p);
    p = (p * (2 * eta - j)) / (j + 1);
  }
  return pmf;
}

function intParam(raw: string | undefined, fallback: number, min: number, max: number): number {
  const v = Number(raw);
  return Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

export default function RandomnessViz({ params }: VizProps): ReactNode {
  const random = useLibrary(loadRandom);
  const [seed, setSeed] = useState(params.seed ?? 'delphi');
  const [eta, setEta] = useState(intParam(params.eta, 21, 1, 40));
  const [n, setN] = useState<SampleCount>(
    SAMPLE_COUNTS.find((c) => String(c) === params.samples) ?? 10000,
  );
  const inputs = useDeferredValue({ seed, eta, n });

  const computed = useMemo(() => {
    const stream = random.fromTextSeed(inputs.seed).bytes(64);
    const samples = random.sampleCenteredBinomial(random.fromTextSeed(inputs.seed), inputs.n, inputs.eta);
    const counts = new Array<number>(2 * inputs.eta + 1).fill(0);
    let sum = 0;
    let squares = 0;
    let maxAbs = 0;
    for (const e of samples) {
      counts[e + inputs.eta]++;
      sum += e;
      squares += e * e;
      maxAbs = Math.max(maxAbs, Math.abs(e));
    }
    const mean = sum / inputs.n;
    const sd = Math.sqrt(squares / inputs.n - mean * mean);
    const pmf = centeredBinomialPmf(inputs.eta);
    return { ...inputs, stream, counts, mean, sd, maxAbs, pmf, first: Array.from(samples.subarray(0, 16)) };
  }, [random, inputs]);

  const bars = computed.counts.map((c, i) => ({
    label: String(i - computed.eta),
    value: c,
    expected: computed.pmf[i] * computed.n,
  }));

  return (
    <div data-viz-ready="" data-viz-inputs={JSON.stringify({ seed: computed.seed, eta: computed.eta, n: computed.n })}>
      <Controls>
        <TextField label="Seed (text)" name="seed" value={seed} onChange={setSeed} />
        <IntegerField label="η (eta)" name="eta" value={eta} min={1} max={40} onChange={setEta} />
        <SelectField<SampleCount> label="Samples" name="samples" value={n} options={SAMPLE_COUNTS} format={(v) => v.toLocaleString('en')} onChange={setN} />
      </Controls>

      <h4 className={styles.panelTitle}>
        First 64 bytes of <code>fromTextSeed({JSON.stringify(computed.seed)})</code>
      </h4>
      <ByteGrid bytes={computed.stream} name="stream" />

      <h4 className={styles.panelTitle}>
        <code>sampleCenteredBinomial(rng, {computed.n}, {computed.eta})</code>
      </h4>
      <p className={styles.note}>
        First draws: <code data-first-samples="">{computed.first.join(' ')}</code>
      </p>
      <BarChart bars={bars} xLabel="error value e" yLabel="count" valueName="drawn by the library" expectedName="n · C(2η, η+e) / 4^η" />
      <Stats
        items={[
          { name: 'mean', label: 'mean', value: computed.mean.toFixed(3) },
          { name: 'sd', label: 'standard deviation', value: computed.sd.toFixed(3) },
          { name: 'sd-expected', label: 'expected √(η/2)', value: Math.sqrt(computed.eta / 2).toFixed(3) },
          { name: 'max-abs', label: 'largest |e|', value: `${computed.maxAbs} ≤ ${computed.eta}` },
        ]}
      />
      <DataTable
        caption="Counts per value"
        name="cbd-counts"
        columns={['e', 'count', 'expected']}
        rows={bars.map((b) => [b.label, b.value, b.expected.toFixed(2)])}
      />
    </div>
  );
}
