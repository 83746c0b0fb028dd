/**
 * `delphi infer --server HOST:PORT --input FILE...`: the client of `delphi serve`. Connects, passes
 * the transport HELLO (§2.5), opens a service session (§9.14: setup once) and, for each input (a
 * PNG image or a JSON tensor in the shape the server announces), runs a preprocessing and an
 * online phase, reporting each prediction, each phase's latency and the bytes sent each way. With
 * `--state DIR` it runs the online phase only, spending slots that `delphi preprocess` stored.
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { formatBytes, NoSlotLeftError, ServiceClient, type PhaseCost, type ProtocolBackend, type ProtocolProgress } from '../../protocol/index.js';
import { cliPool, THREADS_USAGE } from '../threads.js';
import { cliSpill, SPILL_OPTIONS, SPILL_USAGE } from '../spill.js';
import { formatShape } from '../../nn/index.js';
import { InvalidArgumentError } from '../../errors.js';
import { FileSlotStore } from '../file-slot-store.js';
import { invertFromFlags, parseInputTensor } from '../image.js';
import { progressPrinter } from '../progress.js';
import {
  BACKEND_USAGE,
  CLIENT_OPTIONS,
  type ClientChannel,
  connectTimeout,
  connectToServer,
  partySettings,
  phaseJson,
  phaseRow,
  serverAddress,
  TRANSPORT_USAGE,
} from '../remote.js';
import { precheckInput } from '../input-check.js';
import { checkSeedFlag } from '../security-flags.js';

const usage = `Usage: delphi infer --server HOST:PORT|ws://HOST:PORT --input FILE... [options]

Runs private inferences against "delphi serve": the server learns nothing about the inputs or
the results (with a secure backend), the client learns the predictions and nothing else about the model.
One setup, then a preprocessing and an online phase per input. With --state, only the online phase
runs, from slots stored by "delphi preprocess".

  --server HOST:PORT      the server over TCP (e.g. localhost:7000 or [::1]:7000), or over WebSocket
                          as ws://HOST:PORT (a server started with --ws-port)
  --input FILE...         PNG images (grey or colour; scaled to [0, 1] like MNIST) or JSON tensors
                          ({"shape": [1, 28, 28], "data": [...]} or nested arrays); one prediction each
  --state DIR             spend preprocessed slots from DIR ("delphi preprocess --state DIR"): online only
  --invert, --no-invert   force (or forbid) v → 1 − v; by default an image with a light background
                          (mean brightness > 0.5) is inverted to MNIST's light-on-dark, with a note
  --background COLOR      black (default) or white: what shows through transparent pixels
  --expect-fingerprint H  refuse a server whose architecture fingerprint is not H
  --json                  print the report as JSON on stdout
  --connect-timeout SEC   give up connecting after this long (default 10)
  --seed HEX              seed the client's randomness (reproducible transcripts; needs --insecure)
${THREADS_USAGE}
${SPILL_USAGE}
${BACKEND_USAGE}
${TRANSPORT_USAGE}`;

export const inferCommand: CliCommand = {
  name: 'infer',
  summary: 'run private inferences against a delphi server',
  usage,
  run: runInfer,
};

/** The result of one input. */
interface InputResult {
  input: string;
  description: string;
  prediction: number;
  logits: number[];
  slot: number;
}

async function runInfer(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      input: { type: 'string', multiple: true },
      state: { type: 'string' },
      invert: { type: 'boolean' },
      'no-invert': { type: 'boolean' },
      background: { type: 'string' },
      ...CLIENT_OPTIONS,
      ...SPILL_OPTIONS,
    },
    allowPositionals: true,
    strict: true,
  });
  serverAddress(values.server);
  checkSeedFlag(values.seed, values.insecure);
  // "--input a.png b.png": b.png is a positional (infer takes no other).
  const files = [...(values.input ?? []), ...positionals];
  if (values.input === undefined || files.length === 0) throw new UsageError('--input FILE is required');
  const background = values.background ?? 'black';
  if (background !== 'black' && background !== 'white') throw new UsageError(`--background is black or white, got "${background}"`);
  const { backendName, backend, allowInsecure, transport, threads, rng } = partySettings(values, { client: true });
  if (values.state !== undefined && !existsSync(values.state)) {
    throw new NoSlotLeftError(`${values.state} does not exist: run "delphi preprocess --server HOST:PORT --count N --state ${values.state}" first`);
  }
  const store = values.state === undefined ? undefined : new FileSlotStore(values.state);
  const sessionId = store ? await storedSession(store, values.state!, files.length) : undefined;

  // Check the inputs first: a missing, oversized or out-of-range input fails before any network traffic.
  const inputs = await Promise.all(files.map(async (file) => (await precheckInput(file, { invert: invertFromFlags(values), background })).bytes));

  const progress = progressPrinter(io);
  const onProgress = (e: ProtocolProgress) => progress({ phase: e.phase, item: e.item, done: e.done, total: e.total });
  const started = performance.now();
  const { channel, announced } = await connectToServer({ server: values.server!, backend, transport, ...connectTimeout(values) });
  // With --state the stored slots' garbled tables go to the spill file too, and are evaluated on the pool.
  const pool = cliPool(threads, { start: true });
  const spill = cliSpill(values);
  try {
    const client =
      store && sessionId
        ? await ServiceClient.resume(channel, { backend, allowInsecure, store, sessionId, onProgress, ...(pool ? { pool } : {}), ...(spill ? { spill } : {}) })
        : await ServiceClient.open(channel, {
            backend,
            ...(pool ? { pool } : {}),
            ...(spill ? { spill } : {}),
            allowInsecure,
            rng,
            onProgress,
            server: values.server!,
            ...(values['expect-fingerprint'] ? { expectedFingerprint: values['expect-fingerprint'] } : {}),
          });
    if (announced !== undefined && announced !== client.fingerprint) {
      throw new InvalidArgumentError(`the server announced architecture fingerprint ${announced.slice(0, 16)}… in its HELLO, and ${client.fingerprint.slice(0, 16)}… ${store ? `is stored in ${values.state}` : 'in the protocol'}`);
    }
    const arch = client.architecture;
    let tensors;
    try {
      tensors = inputs.map((bytes) => parseInputTensor(bytes, { expectedShape: arch.inputShape, invert: invertFromFlags(values), background }));
    } catch (e) {
      channel.close('the client could not use its input');
      throw e;
    }
    progress.finish();
    if (!values.json) {
      io.err(`server ${channel.remote}: model "${arch.name}" (input ${formatShape(arch.inputShape)}, fingerprint ${client.fingerprint.slice(0, 16)}…)${store ? `, session ${client.sessionId.slice(0, 8)} from ${values.state}` : ''}\n`);
    }
    const phases: (ReturnType<typeof phaseJson> & { cpuMs?: number; steps?: { label: string; ms: number }[] })[] = client.setup ? [phaseJson(client.setup)] : [];
    const results: InputResult[] = [];
    for (let i = 0; i < tensors.length; i++) {
      if (!values.json) io.err(tensors.length === 1 ? `input: ${tensors[i].description}\n` : `input ${i + 1} (${files[i]}): ${tensors[i].description}\n`);
      for (const note of tensors[i].notes ?? []) io.err(`${note}\n`);
      // cpuMs: this process's CPU time in the phase (user + system, worker threads included).
      let cpu = process.cpuUsage();
      const cpuMs = () => {
        const d = process.cpuUsage(cpu);
        cpu = process.cpuUsage();
        return Math.round((d.user + d.system) / 1000);
      };
      if (!store) {
        const { costs } = await client.preprocess(1);
        progress.finish();
        phases.push({ ...phaseJson(costs[0], i), cpuMs: cpuMs(), steps: stepsJson(costs[0]) });
      }
      cpuMs();
      const out = await client.infer(tensors[i].data);
      progress.finish();
      phases.push({ ...phaseJson(out.cost, i), cpuMs: cpuMs() });
      results.push({ input: files[i], description: tensors[i].description, prediction: out.prediction, logits: out.decoded, slot: out.slot });
    }
    client.close();
    await channel.flush?.();
    channel.close('inference complete');
    const report = buildReport(results, phases, client, backendName, channel, started);
    if (values.json) io.out(JSON.stringify(report, null, 1) + '\n');
    else io.out(formatInferReport(report));
    return EXIT.OK;
  } finally {
    progress.finish();
    if (!channel.closed) channel.close('client finished');
    await pool?.close();
    spill?.close();
  }
}

/** The stored session with enough unused slots for `needed` inputs, or a one-line error. */
async function storedSession(store: FileSlotStore, dir: string, needed: number): Promise<string> {
  let best: { id: string; slots: number } | undefined;
  for (const id of await store.sessions()) {
    const slots = (await store.slots(id)).length;
    if (slots > 0 && (!best || slots > best.slots)) best = { id, slots };
  }
  if (!best) throw new NoSlotLeftError(`no preprocessed slot left in ${dir}: run "delphi preprocess --server HOST:PORT --count N --state ${dir}" first`);
  if (best.slots < needed) throw new NoSlotLeftError(`${dir} holds ${best.slots} preprocessed slot${best.slots === 1 ? '' : 's'}, ${needed} inputs were given: run "delphi preprocess --state ${dir}" for more`);
  return best.id;
}

/** The client's wall-clock milliseconds per step of a phase (a layer, the input), for profiling. */
function stepsJson(cost: PhaseCost): { label: string; ms: number }[] {
  return cost.steps.map((s) => ({ label: s.label, ms: Math.round(s.ms * 10) / 10 }));
}

function buildReport(results: InputResult[], phases: ReturnType<typeof phaseJson>[], client: ServiceClient, backend: string, channel: ClientChannel, started: number) {
  const arch = client.architecture;
  return {
    prediction: results[0].prediction,
    logits: results[0].logits,
    input: results[0].description,
    inputs: results,
    model: { name: arch.name, fingerprint: client.fingerprint, inputShape: [...arch.inputShape] },
    session: client.sessionId,
    backend,
    phases,
    totalMs: round(performance.now() - started),
    wire: { sentBytes: channel.wire.bytesSent, receivedBytes: channel.wire.bytesReceived },
  };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

interface InferReport {
  inputs: { input: string; prediction: number; logits: number[] }[];
  phases: { phase: string; input?: number; ms: number; clientToServerBytes: number; serverToClientBytes: number }[];
  totalMs: number;
  wire: { sentBytes: number; receivedBytes: number };
}

/** The human-readable report of `delphi infer`. */
export function formatInferReport(report: InferReport): string {
  const lines: string[] = [];
  for (const r of report.inputs) {
    if (report.inputs.length > 1) lines.push(`${r.input}:`);
    lines.push(`prediction: ${r.prediction}`, `logits: [${r.logits.map((v) => v.toFixed(3)).join(', ')}]`);
  }
  lines.push('');
  lines.push(phaseRow('phase', 'latency', 'client→server', 'server→client'));
  for (const p of report.phases) {
    const name = report.inputs.length > 1 && p.input !== undefined ? `${p.phase} #${p.input + 1}` : p.phase;
    lines.push(phaseRow(name, p.ms, p.clientToServerBytes, p.serverToClientBytes));
  }
  const up = report.phases.reduce((n, p) => n + p.clientToServerBytes, 0);
  const down = report.phases.reduce((n, p) => n + p.serverToClientBytes, 0);
  lines.push(phaseRow('total', report.totalMs, up, down));
  lines.push(`on the wire (frames, HELLO, heartbeats): sent ${formatBytes(report.wire.sentBytes)}, received ${formatBytes(report.wire.receivedBytes)}`);
  return lines.join('\n') + '\n';
}
