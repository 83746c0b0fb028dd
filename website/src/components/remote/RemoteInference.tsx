/**
 * "Private inference against a server": the reader's browser is the client (it holds the digit),
 * `delphi serve --ws-port` is the server (it holds the model). The client runs in a Web Worker
 * (./inference.worker.ts) and talks to the server over a WebSocket with the service protocol of
 * §9.14: the setup once per session, then a preprocessing and an online phase per run (the worker
 * keeps the session open, so a second run needs no setup). The page shows each phase's progress
 * (share done, bytes, time), the prediction, and what the server received — message sizes only —
 * to make the privacy claim concrete.
 */
import React, { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import CodeBlock from '@theme/CodeBlock';
import { Controls, SelectField, Stats, TextField } from '../viz/controls';
import BarChart from '../viz/charts/BarChart';
import { DrawingPad } from '../viz/PrivateInferenceViz';
import { PRESET_DIGITS, PRESET_NAMES, rasterize, type Stroke } from '../viz/digits';
import styles from '../viz/styles.module.css';
import type { FailureKind, Phase, PhaseProgress, PhaseSummary, RemoteBackend, WorkerMessage } from './run-remote';
import type { PageMessage, PageRequest } from './inference.worker';

const PHASES: readonly Phase[] = ['setup', 'preprocessing', 'online'];
const DEFAULT_URL = 'ws://127.0.0.1:7001';

const BACKENDS: readonly RemoteBackend[] = ['delphi', 'insecure-dealer'];
const BACKEND_LABELS: Record<RemoteBackend, string> = {
  delphi: "Delphi's (BFV n = 8192, garbled ReLUs, OT): private; the server's default",
  'insecure-dealer': 'insecure dealer: NOT private, fast (server started with --backend insecure-dealer --insecure)',
};

/** The command that starts a server this page can talk to. */
export function serveCommand(backend: RemoteBackend, url: string): string {
  let port = '7001';
  try {
    port = new URL(url).port || port;
  } catch {
    // keep the default
  }
  const extra = backend === 'insecure-dealer' ? ' --backend insecure-dealer --insecure' : '';
  return `npx delphi serve --model models/mnist-small.json --ws-port ${port}${extra}`;
}

/** "12.3 kB", "184.1 MB": decimal units, as `delphi infer` prints them. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function softmax(v: readonly number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Sizes of the messages of one phase, compactly: "3 × 61.4 MB, 2 × 12 B". */
function sizesList(sizes: readonly number[]): string {
  if (sizes.length === 0) return 'nothing';
  const runs: { size: number; count: number }[] = [];
  for (const s of sizes) {
    const last = runs[runs.length - 1];
    if (last && last.size === s) last.count++;
    else runs.push({ size: s, count: 1 });
  }
  const shown = runs.slice(0, 12).map((r) => (r.count > 1 ? `${r.count} × ${formatBytes(r.size)}` : formatBytes(r.size)));
  return shown.join(', ') + (runs.length > 12 ? `, … (${runs.length - 12} more)` : '');
}

/** The service request (§9.14.1) that starts each phase. */
const REQUEST_NAMES: Record<Phase, string> = { setup: 'OPEN', preprocessing: 'PREPROCESS', online: 'ONLINE' };

const FAILURE_TITLES: Record<FailureKind, string> = {
  unreachable: 'The server is not running (or not reachable from this page)',
  version: 'The server runs another version',
  backend: 'The server uses other backends',
  model: 'The server serves another model',
  'not-delphi': 'That is not a delphi-ts server',
  aborted: 'Cancelled',
  other: 'The inference failed',
};

interface Result {
  backend: RemoteBackend;
  prediction: number;
  decoded: readonly number[];
  totalMs: number;
  phases: readonly PhaseSummary[];
  session: { id: string; inferences: number };
  wire: { sent: number; received: number };
  transportReceived: readonly number[];
}

function initialUrl(): string {
  if (typeof window === 'undefined') return DEFAULT_URL;
  return new URLSearchParams(window.location.search).get('server') ?? DEFAULT_URL;
}

export default function RemoteInference(): ReactNode {
  const [url, setUrl] = useState(DEFAULT_URL);
  const [backend, setBackend] = useState<RemoteBackend>('delphi');
  const [digit, setDigit] = useState('7');
  const [strokes, setStrokes] = useState<readonly Stroke[]>(PRESET_DIGITS['7']);
  const [drawing, setDrawing] = useState<Stroke | null>(null);
  const [running, setRunning] = useState(false);
  const [status, setStatus] = useState('');
  const [progress, setProgress] = useState<Partial<Record<Phase, PhaseProgress>>>({});
  const [done, setDone] = useState<Partial<Record<Phase, PhaseSummary>>>({});
  const [result, setResult] = useState<Result | null>(null);
  const [failure, setFailure] = useState<{ kind: FailureKind; message: string } | null>(null);
  const [server, setServer] = useState<string | null>(null);
  const [runs, setRuns] = useState(0);
  const [sessionOpen, setSessionOpen] = useState(false);
  const worker = useRef<Worker | null>(null);

  useEffect(() => setUrl(initialUrl()), []);
  useEffect(() => () => worker.current?.terminate(), []);

  const pixels = rasterize(drawing ? [...strokes, drawing] : strokes);

  /** Ends the worker, and with it the session (the server drops it when the socket closes). */
  const stop = useCallback(() => {
    worker.current?.terminate();
    worker.current = null;
    setRunning(false);
    setSessionOpen(false);
  }, []);

  /** Ends the session politely (BYE); the next run opens a new one, with a setup. */
  const endSession = useCallback(() => {
    worker.current?.postMessage({ type: 'close' } satisfies PageMessage);
    setSessionOpen(false);
  }, []);

  const run = useCallback(() => {
    setRunning(true);
    setRuns((n) => n + 1);
    setFailure(null);
    setResult(null);
    setProgress({});
    setDone({});
    setServer(null);
    setStatus('starting the client…');
    const request: PageRequest = { type: 'run', url: url.trim(), pixels: rasterize(strokes), backend };
    // The worker (and the session it keeps) lives across runs; the first run creates it.
    const w = worker.current ?? new Worker(new URL('./inference.worker.ts', import.meta.url), { name: 'delphi-client' });
    worker.current = w;
    w.onmessage = (event: MessageEvent<WorkerMessage>) => {
      if (worker.current !== w) return;
      const m = event.data;
      switch (m.type) {
        case 'status':
          setStatus(m.text);
          break;
        case 'connected':
          setServer(`${m.software} at ${m.server}, protocol ${m.version}`);
          setStatus('connected: running the protocol');
          break;
        case 'progress':
          setProgress((p) => ({ ...p, [m.progress.phase]: m.progress }));
          setStatus(`${m.progress.phase}: ${m.progress.item}`);
          break;
        case 'phase-done':
          setDone((d) => ({ ...d, [m.summary.phase]: m.summary }));
          break;
        case 'result':
          setResult({ ...m, backend: request.backend });
          setStatus('');
          setRunning(false);
          setSessionOpen(true);
          break;
        case 'error':
          setFailure({ kind: m.kind, message: m.message });
          setStatus('');
          setRunning(false);
          setSessionOpen(false);
          break;
      }
    };
    w.onerror = (e) => {
      if (worker.current !== w) return;
      e.preventDefault();
      setFailure({ kind: 'other', message: `the client's worker failed: ${e.message || 'unknown error'}` });
      stop();
    };
    w.postMessage(request satisfies PageMessage);
  }, [url, strokes, backend, stop]);

  const probabilities = result ? softmax(result.decoded) : [];
  // The server's view lists what it received during this run (a reused setup was received earlier).
  const viewPhases = result ? result.phases.filter((p) => !p.reused) : [];
  const showHello = result !== null && !result.phases[0]?.reused;
  const serverTotal = viewPhases.reduce((n, p) => n + p.request + p.sent, 0) + (showHello ? result.transportReceived.reduce((a, b) => a + b, 0) : 0);
  const serverMessages = viewPhases.reduce((n, p) => n + 1 + p.serverReceived.length, 0) + (showHello ? result.transportReceived.length : 0);

  return (
    <div data-remote-inference="" data-remote-runs={runs} {...(result ? { 'data-remote-done': '' } : {})} {...(failure ? { 'data-remote-failed': failure.kind } : {})}>
      <p>Start the server in a terminal, in a checkout of delphi-ts (or any directory holding the model file):</p>
      <CodeBlock language="bash">{serveCommand(backend, url)}</CodeBlock>
      <Controls>
        <TextField label="Server" name="server" value={url} onChange={setUrl} />
        <SelectField<RemoteBackend> label="Backend (must match the server's)" name="backend" value={backend} options={BACKENDS} format={(b) => BACKEND_LABELS[b]} onChange={setBackend} />
        <SelectField<string>
          label="Digit"
          name="digit"
          value={digit}
          options={[...PRESET_NAMES, 'drawn']}
          format={(d) => (d === 'drawn' ? 'your drawing' : `preset ${d}`)}
          onChange={(d) => {
            setDigit(d);
            setStrokes(d === 'drawn' ? [] : PRESET_DIGITS[d]);
          }}
        />
      </Controls>
      {backend === 'insecure-dealer' ? (
        <p className={styles.warning}>The insecure dealer is not private: the server learns the client&apos;s masks, hence its input. Use it to try the page quickly.</p>
      ) : null}
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: '1.5rem', alignItems: 'flex-start' }}>
        <div>
          <DrawingPad
            pixels={pixels}
            onStroke={(s, finished) => {
              const fresh = digit !== 'drawn';
              if (fresh) {
                setDigit('drawn');
                setStrokes([]);
              }
              if (finished) {
                setStrokes((old) => [...(fresh ? [] : old), s]);
                setDrawing(null);
              } else setDrawing(s);
            }}
          />
          <div style={{ display: 'flex', gap: '0.5rem', marginTop: '0.5rem' }}>
            <button type="button" className="button button--sm button--primary" data-remote-run="" disabled={running} onClick={run}>
              {running ? 'Running…' : 'Run against the server'}
            </button>
            {running ? (
              <button type="button" className="button button--sm button--secondary" onClick={() => { stop(); setFailure({ kind: 'aborted', message: 'You stopped the client; the server drops the session.' }); }}>
                Cancel
              </button>
            ) : (
              <>
                <button type="button" className="button button--sm button--secondary" onClick={() => { setDigit('drawn'); setStrokes([]); }}>
                  Clear
                </button>
                {sessionOpen ? (
                  <button type="button" className="button button--sm button--secondary" data-remote-end-session="" onClick={endSession}>
                    End session
                  </button>
                ) : null}
              </>
            )}
          </div>
        </div>
        <div style={{ flex: '1 1 24rem' }}>
          {failure ? (
            <div className={styles.failure} role="alert" data-remote-error={failure.kind}>
              <strong>{FAILURE_TITLES[failure.kind]}.</strong> {failure.message}
            </div>
          ) : null}
          {status ? <p className={styles.note} data-remote-status="">{status}</p> : null}
          {server ? <p className={styles.note} data-remote-server="">Server: {server}</p> : null}
          {result ? (
            <p className={styles.note} data-remote-session={result.session.id}>
              Session {result.session.id.slice(0, 8)}…: {result.session.inferences} inference{result.session.inferences === 1 ? '' : 's'}.{' '}
              {sessionOpen
                ? 'The session stays open: the next run reuses its setup and only preprocesses and runs online.'
                : 'The session is closed: the next run starts with a new setup.'}
            </p>
          ) : null}
          <table data-remote-phases="">
            <thead>
              <tr>
                <th>phase</th>
                <th>done</th>
                <th>client → server</th>
                <th>server → client</th>
                <th>time</th>
              </tr>
            </thead>
            <tbody>
              {PHASES.map((phase) => {
                const d = done[phase];
                const p = progress[phase];
                const fraction = d ? 1 : (p?.fraction ?? 0);
                const state = d ? (d.reused ? 'reused' : 'done') : p ? 'running' : 'waiting';
                return (
                  <tr key={phase} data-phase-row={phase} data-phase-state={state} {...(d ? { 'data-phase-sent': d.sent, 'data-phase-received': d.received, 'data-phase-ms': Math.round(d.ms) } : {})}>
                    <td>
                      {phase}
                      {d?.reused ? ' (reused from an earlier run of this session)' : ''}
                    </td>
                    <td>
                      <progress max={1} value={fraction} aria-label={`${phase} progress`} /> {Math.floor(fraction * 100)}%
                    </td>
                    <td>{d ? formatBytes(d.sent) : p ? formatBytes(p.sent) : ''}</td>
                    <td>{d ? formatBytes(d.received) : p ? formatBytes(p.received) : ''}</td>
                    <td>{d ? seconds(d.ms) : p ? seconds(p.ms) : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {result ? (
            <>
              <Stats
                items={[
                  { name: 'prediction', label: 'prediction (only this browser learns it)', value: String(result.prediction) },
                  { name: 'total', label: 'total time (this browser)', value: seconds(result.totalMs) },
                  { name: 'wire', label: 'on the wire since the session opened: sent / received', value: `${formatBytes(result.wire.sent)} / ${formatBytes(result.wire.received)}` },
                ]}
              />
              <BarChart
                bars={probabilities.map((p, i) => ({ label: String(i), value: p }))}
                xLabel="class"
                yLabel="softmax of the logits"
                valueName="computed in this browser from the client's output"
                height={180}
              />
            </>
          ) : null}
        </div>
      </div>
      {result ? (
        <section data-server-view="">
          <h2>The server&apos;s view</h2>
          <p>
            What the server received from this browser during this run, in {serverMessages} messages and {formatBytes(serverTotal)}.{' '}
            {result.backend === 'delphi'
              ? 'Only their sizes tell the server anything: their contents are the HELLO, the service requests (open a session, preprocess one slot, run online on it), ciphertexts, oblivious-transfer messages and values masked with fresh randomness the server never sees. The pixels, the logits and the prediction never leave the browser in the clear; the server logs only that it served an inference, and these sizes.'
              : 'With the insecure dealer these messages are NOT private: the dealer knows the masks, so the server could recover the input from them. Choose Delphi\'s backend (and restart the server without --backend) for a private run.'}
          </p>
          <table>
            <thead>
              <tr>
                <th>phase</th>
                <th>messages the server received</th>
                <th>bytes</th>
              </tr>
            </thead>
            <tbody>
              {showHello ? (
                <tr data-server-received="hello">
                  <td>HELLO</td>
                  <td>{sizesList(result.transportReceived)}</td>
                  <td>{formatBytes(result.transportReceived.reduce((a, b) => a + b, 0))}</td>
                </tr>
              ) : null}
              {viewPhases.map((p) => (
                <tr key={p.phase} data-server-received={p.phase}>
                  <td>{p.phase}</td>
                  <td>
                    {REQUEST_NAMES[p.phase]} request ({formatBytes(p.request)}), then {sizesList(p.serverReceived)}
                  </td>
                  <td>{formatBytes(p.request + p.sent)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
