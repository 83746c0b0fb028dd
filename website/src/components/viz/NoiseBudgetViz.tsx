/**
 * BFV's invariant noise budget after each operation of a small program, one line per parameter
 * set, computed by the library in the page (see noise-budget-trace.ts). The insecure toy parameter
 * set is only computed when the reader ticks the opt-in box (or the ```viz block says insecure=true).
 */
import React, { useDeferredValue, useEffect, useState, type ReactNode } from 'react';
import { useLibrary } from './useLibrary';
import type { VizProps } from './registry';
import { CheckboxField, Controls, DataTable, IntegerField, SelectField, Stats, TextField } from './controls';
import LinePlot from './charts/LinePlot';
import { PARAMETER_SETS, PROGRAMS, findProgram, noiseBudgetTrace, type TraceLibrary, type TraceStep } from './noise-budget-trace';
import styles from './styles.module.css';

const loadLibrary = async (): Promise<TraceLibrary> => {
  const [bfv, random] = await Promise.all([import('delphi-ts/bfv'), import('delphi-ts/random')]);
  return { bfv, random };
};

/** Lets the browser paint between homomorphic operations (each takes up to a second). */
const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

class Cancelled extends Error {}

interface Trace {
  setId: string;
  label: string;
  insecure: boolean;
  steps: TraceStep[];
}

export default function NoiseBudgetViz({ params }: VizProps): ReactNode {
  const lib = useLibrary(loadLibrary);
  const [seed, setSeed] = useState(params.seed ?? 'delphi');
  const [x, setX] = useState(() => {
    const v = Number(params.x);
    return Number.isInteger(v) && v >= 0 && v <= 1000 ? v : 6;
  });
  const [programId, setProgramId] = useState(findProgram(params.program).id);
  const [insecure, setInsecure] = useState(params.insecure === 'true');
  const onlySets = params.sets?.split(',').map((s) => s.trim());
  // A string, so that the effect below runs only when an input really changed.
  const inputsKey = useDeferredValue(JSON.stringify({ seed, x, programId, insecure }));
  const inputs = JSON.parse(inputsKey) as { seed: string; x: number; programId: string; insecure: boolean };

  const [traces, setTraces] = useState<Trace[]>([]);
  const [done, setDone] = useState(false);
  const [progress, setProgress] = useState('');
  const [failure, setFailure] = useState<string | null>(null);

  const sets = PARAMETER_SETS.filter((s) => (inputs.insecure || !s.insecure) && (!onlySets || onlySets.includes(s.id)));
  const setKey = sets.map((s) => s.id).join(',');

  useEffect(() => {
    let cancelled = false;
    const pause = async () => {
      await nextFrame();
      if (cancelled) throw new Cancelled();
    };
    setTraces([]);
    setDone(false);
    setFailure(null);
    (async () => {
      const program = findProgram(inputs.programId);
      const finished: Trace[] = [];
      for (const set of sets) {
        const trace: Trace = { setId: set.id, label: set.label, insecure: set.insecure, steps: [] };
        finished.push(trace);
        await noiseBudgetTrace(lib, {
          seed: inputs.seed,
          x: inputs.x,
          program,
          set,
          pause,
          onStep: (step) => {
            trace.steps.push(step);
            setProgress(`${set.id}: ${step.operation}`);
            setTraces(finished.map((t) => ({ ...t, steps: [...t.steps] })));
          },
        });
      }
      if (!cancelled) setDone(true);
    })().catch((e: unknown) => {
      if (e instanceof Cancelled || cancelled) return;
      setFailure(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    });
    return () => {
      cancelled = true;
    };
    // `inputs` and `sets` are functions of inputsKey and setKey.
  }, [lib, inputsKey, setKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const readyInputs = JSON.stringify({ seed: inputs.seed, x: inputs.x, program: inputs.programId, sets: setKey.split(',') });
  const fresh = traces.map((t) => t.steps[0]?.budget ?? 0);

  return (
    <div {...(done ? { 'data-viz-ready': '', 'data-viz-inputs': readyInputs } : { 'data-viz-busy': '' })}>
      <Controls>
        <TextField label="Seed (text)" name="seed" value={seed} onChange={setSeed} />
        <IntegerField label="x" name="x" value={x} min={0} max={1000} onChange={setX} />
        <SelectField<string>
          label="Computation"
          name="program"
          value={programId}
          options={PROGRAMS.map((p) => p.id)}
          format={(id) => findProgram(id).label}
          onChange={setProgramId}
        />
        <CheckboxField label="Also run insecure toy parameters (n = 1024)" name="insecure" checked={insecure} onChange={setInsecure} />
      </Controls>
      {inputs.insecure && sets.some((s) => s.insecure) ? (
        <p className={styles.warning} data-insecure-warning="">
          The toy parameter set is far below 128-bit security: it is created with <code>insecure: true</code>{' '}
          and protects nothing. It is here because it is fast and shows the same behaviour.
        </p>
      ) : null}
      {failure ? (
        <div className={styles.failure} role="alert">
          {failure}
        </div>
      ) : null}
      <LinePlot
        xLabel="operation (0 = fresh encryption)"
        yLabel="noise budget (bits)"
        yMin={0}
        series={traces.map((t) => ({ name: t.label, points: t.steps.map((s) => [s.index, s.budget] as const) }))}
      />
      <p className={styles.note} data-viz-progress="">
        {done ? 'Done: every value above was computed in this page.' : `Computing… ${progress}`}
      </p>
      <Stats
        items={traces.map((t, i) => ({
          name: `fresh-${t.setId}`,
          label: `fresh budget, ${t.setId}`,
          value: `${fresh[i]} bits`,
        }))}
      />
      <DataTable
        caption="Budget and decryption after each operation"
        name="noise-budget"
        columns={['parameters', 'step', 'operation', 'budget (bits)', 'decrypts to', 'expected (mod t)', 'correct']}
        rows={traces.flatMap((t) =>
          t.steps.map((s) => [
            t.setId,
            s.index,
            s.operation,
            s.budget,
            s.decrypted === null ? 'not a constant' : s.decrypted.toString(),
            s.expected.toString(),
            s.correct ? 'yes' : 'no',
          ]),
        )}
      />
    </div>
  );
}
