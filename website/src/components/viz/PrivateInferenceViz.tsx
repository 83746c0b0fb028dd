/**
 * A whole Delphi inference in the page: the reader draws a digit (or picks one), the client sends
 * it through the protocol of §9 to a server holding delphi-ts's trained MNIST model
 * (models/mnist-small.json), over an in-memory channel, with fresh system randomness. Shown: the
 * client's output, the traffic and time of each phase, and a check against the plaintext
 * fixed-point evaluation of the same model (they must agree exactly: ReLU networks, §9.12).
 *
 * Backends: Delphi's (BFV linear layers, garbled ReLUs with labels by OT extension, BFV square
 * pairs) at Delphi's parameters or on a small insecure ring for speed, and the insecure dealer. The
 * page says which guarantees each one gives; with both parties in one page, none protects anything.
 */
import React, { useCallback, useEffect, useRef, useState, type PointerEvent, type ReactNode } from 'react';
import { useLibrary } from './useLibrary';
import type { VizProps } from './registry';
import { Controls, DataTable, SelectField, Stats } from './controls';
import BarChart from './charts/BarChart';
import { PRESET_DIGITS, PRESET_NAMES, SIZE, rasterize, type Stroke } from './digits';
import styles from './styles.module.css';

const loadLibrary = async () => {
  const [protocol, nn, bfv, random, model] = await Promise.all([
    import('delphi-ts/protocol'),
    import('delphi-ts/nn'),
    import('delphi-ts/bfv'),
    import('delphi-ts/random'),
    import('../../../../models/mnist-small.json'),
  ]);
  const fixedPoint = nn.compileFixedPoint(nn.parseModel((model as { default: unknown }).default));
  return { protocol, nn, bfv, random, fixedPoint };
};
type Library = Awaited<ReturnType<typeof loadLibrary>>;

const BACKENDS = ['delphi-small', 'delphi', 'dealer'] as const;
type BackendChoice = (typeof BACKENDS)[number];
const BACKEND_LABELS: Record<BackendChoice, string> = {
  'delphi-small': "Delphi's protocol on a small BFV ring (n = 1024, insecure; quicker)",
  // Measured in Node (runLocalInference on mnist-small): about 4× the small ring; ≈ 5 s in the page
  // on an idle 2-core machine, several times that on a busy one.
  delphi: "Delphi's protocol at Delphi's parameters (n = 8192; ≈ 5 s, about 4× the small ring)",
  dealer: 'the insecure dealer (not private; fastest)',
};
const BACKEND_NOTES: Record<BackendChoice, string> = {
  'delphi-small':
    'Garbled circuits, oblivious transfer and homomorphic encryption exactly as in Delphi — but on a BFV ring far ' +
    'too small to be secure (n = 1024, created with insecure: true), so that the demo is quick.',
  delphi:
    "Delphi's protocol with Delphi's parameters: secure against semi-honest parties (§11). Since both parties run " +
    'in this one page, it demonstrates the protocol and protects nothing here.',
  dealer:
    'Not private: the server acts as a trusted dealer and sees the client\'s masks (§9.9.2). It runs the same ' +
    'protocol logic and online messages, fast.',
};

function backendFor(lib: Library, choice: BackendChoice) {
  const { protocol, bfv } = lib;
  if (choice === 'dealer') return protocol.insecureDealer;
  if (choice === 'delphi') return protocol.delphiBackend();
  const parameters = bfv.createBfvParameters({
    polyModulusDegree: 1024,
    coeffModulus: bfv.createCoeffModulus(1024, [30, 30, 30, 30, 30, 30, 30]),
    plainModulus: 2061584302081,
    insecure: true,
  });
  return protocol.delphiBackend({ parameters });
}

interface RunResult {
  key: string;
  pixels: number[];
  prediction: number;
  decoded: number[];
  logits: string[];
  reference: string[];
  phases: { phase: string; ms: number; up: number; down: number; messages: number }[];
}

function softmax(v: number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The 28 × 28 drawing surface: pointer strokes in pixel units. */
export function DrawingPad(props: { pixels: number[]; onStroke(stroke: Stroke, done: boolean): void }): ReactNode {
  const canvas = useRef<HTMLCanvasElement>(null);
  const current = useRef<[number, number][] | null>(null);
  const scale = 8;
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(SIZE, SIZE);
    props.pixels.forEach((v, i) => {
      const g = Math.round(v * 255);
      image.data.set([g, g, g, 255], 4 * i);
    });
    ctx.putImageData(image, 0, 0);
  }, [props.pixels]);
  const at = (e: PointerEvent<HTMLCanvasElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIZE, ((e.clientY - r.top) / r.height) * SIZE];
  };
  return (
    <canvas
      ref={canvas}
      width={SIZE}
      height={SIZE}
      data-drawing-pad=""
      aria-label="28 × 28 drawing pad: draw a digit with the mouse or a finger"
      style={{ width: SIZE * scale, height: SIZE * scale, imageRendering: 'pixelated', touchAction: 'none', border: '1px solid var(--ifm-color-emphasis-400)', cursor: 'crosshair' }}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        current.current = [at(e)];
        props.onStroke(current.current, false);
      }}
      onPointerMove={(e) => {
        if (!current.current) return;
        current.current = [...current.current, at(e)];
        props.onStroke(current.current, false);
      }}
      onPointerUp={() => {
        if (current.current) props.onStroke(current.current, true);
        current.current = null;
      }}
    />
  );
}

export default function PrivateInferenceViz({ params }: VizProps): ReactNode {
  const lib = useLibrary(loadLibrary);
  const [digit, setDigit] = useState(PRESET_NAMES.includes(params.digit ?? '') ? params.digit! : '7');
  const [backend, setBackend] = useState<BackendChoice>(BACKENDS.find((b) => b === params.backend) ?? 'delphi-small');
  const [strokes, setStrokes] = useState<readonly Stroke[]>(PRESET_DIGITS[digit]);
  const [drawing, setDrawing] = useState<Stroke | null>(null);
  const [runCount, setRunCount] = useState(0);
  const [result, setResult] = useState<RunResult | null>(null);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState('');
  const [failure, setFailure] = useState<string | null>(null);

  const pixels = rasterize(drawing ? [...strokes, drawing] : strokes);
  const source = digit === 'drawn' ? 'drawn' : `preset ${digit}`;
  const keyFor = (run: number) => JSON.stringify({ digit: source, backend, run });
  const key = keyFor(runCount);

  /** Id of the latest run: results of runs overtaken by a newer one are dropped. */
  const latest = useRef(0);

  const run = useCallback(async (runKey: string) => {
    const id = ++latest.current;
    setRunning(true);
    setFailure(null);
    try {
      const input = rasterize(strokes);
      const started = performance.now();
      const r = await lib.protocol.runLocalInference(lib.fixedPoint, input, {
        backend: backendFor(lib, backend),
        allowInsecure: true,
        clientRng: lib.random.systemRng(),
        serverRng: lib.random.systemRng(),
        onProgress: (p) => id === latest.current && setProgress(`${p.phase}: ${p.item} (${p.done}/${p.total}), ${((performance.now() - started) / 1000).toFixed(1)} s`),
      });
      const reference = lib.nn.evaluateFixedPoint(lib.fixedPoint, input).logits.map(String);
      if (id !== latest.current) return;
      setResult({
        key: runKey,
        pixels: input,
        prediction: r.output.prediction,
        decoded: r.output.decoded,
        logits: r.output.logits.map(String),
        reference,
        phases: r.report.phases.map((p) => ({
          phase: p.phase,
          ms: p.clientMs,
          up: p.clientToServer.bytes,
          down: p.serverToClient.bytes,
          messages: p.clientToServer.messages + p.serverToClient.messages,
        })),
      });
    } catch (e) {
      if (id === latest.current) setFailure(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    } finally {
      if (id === latest.current) setRunning(false);
    }
  }, [lib, strokes, backend]);

  // Run once at the start and after each change of preset or backend (drawing waits for the button).
  useEffect(() => {
    if (digit !== 'drawn') void run(key);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [digit, backend]);

  const shown = result?.key === key ? result : null;
  const agrees = shown ? shown.logits.every((v, i) => v === shown.reference[i]) : false;
  const probabilities = shown ? softmax(shown.decoded) : [];

  return (
    <div {...(shown && !running ? { 'data-viz-ready': '', 'data-viz-inputs': key, 'data-pixels': JSON.stringify(shown.pixels) } : { 'data-viz-busy': '' })}>
      <Controls>
        <SelectField<string>
          label="Digit"
          name="digit"
          value={digit}
          options={[...PRESET_NAMES, 'drawn']}
          format={(d) => (d === 'drawn' ? 'your drawing' : `preset ${d}`)}
          onChange={(d) => {
            setDigit(d);
            if (d !== 'drawn') setStrokes(PRESET_DIGITS[d]);
          }}
        />
        <SelectField<BackendChoice> label="Backends" name="backend" value={backend} options={BACKENDS} format={(b) => BACKEND_LABELS[b]} onChange={setBackend} />
      </Controls>
      <p className={backend === 'delphi' ? styles.note : styles.warning} data-backend-note={backend}>
        {BACKEND_NOTES[backend]}
      </p>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: '1.5rem', alignItems: 'flex-start' }}>
        <div>
          <DrawingPad
            pixels={pixels}
            onStroke={(s, done) => {
              if (digit !== 'drawn') {
                setDigit('drawn');
                setStrokes([]);
              }
              if (done) {
                setStrokes((old) => [...(digit !== 'drawn' ? [] : old), s]);
                setDrawing(null);
              } else setDrawing(s);
            }}
          />
          <div style={{ display: 'flex', gap: '0.5rem', marginTop: '0.5rem' }}>
            <button type="button" className="button button--sm button--primary" data-run-inference="" disabled={running} onClick={() => {
                const next = runCount + 1;
                setRunCount(next);
                void run(keyFor(next));
              }}>
              {running ? 'Running…' : 'Run private inference'}
            </button>
            <button type="button" className="button button--sm button--secondary" onClick={() => { setDigit('drawn'); setStrokes([]); }}>
              Clear
            </button>
          </div>
        </div>
        <div style={{ flex: '1 1 20rem' }}>
          {failure ? (
            <div className={styles.failure} role="alert">
              {failure}
            </div>
          ) : null}
          {running ? <p className={styles.note}>Running… {progress}</p> : null}
          {shown ? (
            <>
              <Stats
                items={[
                  { name: 'prediction', label: 'the client learns', value: String(shown.prediction) },
                  { name: 'agrees', label: 'same logits as the plaintext fixed-point model', value: agrees ? 'yes, exactly' : 'NO' },
                ]}
              />
              <BarChart
                bars={probabilities.map((p, i) => ({ label: String(i), value: p }))}
                xLabel="class"
                yLabel="softmax of the logits"
                valueName="computed from the client's output"
                height={200}
              />
            </>
          ) : null}
        </div>
      </div>
      {shown ? (
        <>
          <DataTable
            caption="Traffic and time per phase (client's clock)"
            name="inference-phases"
            columns={['phase', 'client → server', 'server → client', 'messages', 'time']}
            rows={shown.phases.map((p) => [p.phase, kib(p.up), kib(p.down), p.messages, `${(p.ms / 1000).toFixed(2)} s`])}
          />
          <DataTable
            caption="Logits: the client's output and the plaintext evaluation (field elements)"
            name="inference-logits"
            columns={['class', 'protocol', 'plaintext fixed point', 'decoded']}
            rows={shown.logits.map((v, i) => [i, v, shown.reference[i], shown.decoded[i].toFixed(4)])}
          />
        </>
      ) : null}
    </div>
  );
}
