/**
 * One AND gate garbled with half-gates (§5.6), computed by the library in the page: Δ, the two
 * labels of each wire, the two ciphertexts of the table, and the evaluation for the input bits the
 * reader picks — what the evaluator holds (one label per wire) next to what only the garbler knows.
 */
import React, { useMemo, useState, type ReactNode } from 'react';
import { useLibrary } from './useLibrary';
import type { VizProps } from './registry';
import { Controls, DataTable, SelectField, Stats, TextField } from './controls';
import styles from './styles.module.css';

const loadLibrary = async () => {
  const [gc, random] = await Promise.all([import('delphi-ts/gc'), import('delphi-ts/random')]);
  return { gc, random };
};

const hex = (words: Uint32Array, block = 0): string =>
  Array.from(new Uint8Array(words.buffer, words.byteOffset + 16 * block, 16), (b) => b.toString(16).padStart(2, '0')).join('');

export default function GarbledGateViz({ params }: VizProps): ReactNode {
  const { gc, random } = useLibrary(loadLibrary);
  const [seed, setSeed] = useState(params.seed ?? 'delphi');
  const [bitA, setBitA] = useState(params.a === '1' ? 1 : 0);
  const [bitB, setBitB] = useState(params.b === '1' ? 1 : 0);

  const circuit = useMemo(() => {
    const b = new gc.CircuitBuilder();
    const [a] = b.input('garbler', 1, 'a');
    const [x] = b.input('evaluator', 1, 'b');
    b.output([b.and(a, x)], 'a AND b');
    return b.build();
  }, [gc]);

  const view = useMemo(() => {
    const { garbled, secrets } = gc.garble(circuit, random.fromTextSeed(seed));
    const flip = (label: Uint32Array) => label.map((w, i) => w ^ secrets.delta[i]);
    const aZero = gc.inputZeroLabels(circuit, secrets, 'garbler');
    const bZero = gc.inputZeroLabels(circuit, secrets, 'evaluator');
    const labelA = gc.encodeInputs(circuit, secrets, 'garbler', new Uint8Array([bitA]));
    const labelB = gc.encodeInputs(circuit, secrets, 'evaluator', new Uint8Array([bitB]));
    const out = gc.evaluateGarbled(circuit, garbled, labelA, labelB);
    const bit = gc.decodeOutputs(garbled, out)[0];
    return {
      delta: hex(secrets.delta),
      a: [hex(aZero), hex(flip(aZero))],
      b: [hex(bZero), hex(flip(bZero))],
      tg: hex(garbled.tables, 0),
      te: hex(garbled.tables, 1),
      decoding: garbled.decoding[0],
      activeA: hex(labelA),
      activeB: hex(labelB),
      out: hex(out),
      bit,
    };
  }, [gc, random, circuit, seed, bitA, bitB]);

  return (
    <div data-viz-ready="" data-viz-inputs={JSON.stringify({ seed, a: bitA, b: bitB })}>
      <Controls>
        <TextField label="Seed (text)" name="seed" value={seed} onChange={setSeed} />
        <SelectField<number> label="Garbler's bit a" name="a" value={bitA} options={[0, 1]} onChange={setBitA} />
        <SelectField<number> label="Evaluator's bit b" name="b" value={bitB} options={[0, 1]} onChange={setBitB} />
      </Controls>
      <h4 className={styles.panelTitle}>Only the garbler knows</h4>
      <DataTable
        caption="Δ and the labels of each input wire (L¹ = L⁰ ⊕ Δ; last bit of Δ is 1)"
        name="garbler-secrets"
        columns={['', 'value']}
        rows={[
          ['Δ', view.delta],
          ['a: L⁰', view.a[0]],
          ['a: L¹', view.a[1]],
          ['b: L⁰', view.b[0]],
          ['b: L¹', view.b[1]],
        ]}
      />
      <h4 className={styles.panelTitle}>Sent to the evaluator</h4>
      <DataTable
        caption="The garbled table (two 16-byte ciphertexts) and the output's decoding bit"
        name="garbled-table"
        columns={['', 'value']}
        rows={[
          ['T_G (garbler half gate)', view.tg],
          ['T_E (evaluator half gate)', view.te],
          ['decoding bit', String(view.decoding)],
          [`a's label for a = ${bitA}`, view.activeA],
          [`b's label for b = ${bitB} (by oblivious transfer)`, view.activeB],
        ]}
      />
      <h4 className={styles.panelTitle}>The evaluator computes</h4>
      <Stats
        items={[
          { name: 'output-label', label: 'output label', value: view.out },
          { name: 'output-bit', label: 'lsb(label) ⊕ decoding bit', value: `${view.bit} = ${bitA} AND ${bitB}` },
        ]}
      />
    </div>
  );
}
