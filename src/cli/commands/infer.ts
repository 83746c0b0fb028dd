/**
 * `delphi infer --server HOST:PORT --input IMAGE`: the client of `delphi serve`. Connects, passes
 * the transport HELLO (§2.5) and the protocol handshake (§9.5), reads the input (a PNG image or a
 * JSON tensor) in the shape the server's architecture announces, runs preprocessing and the online
 * phase with a progress bar for each, and reports the prediction, each phase's latency and the
 * bytes sent each way.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { connectTcp, parseHostPort, performHandshake, type TcpChannel } from '../../net/node.js';
import {
  clientHandshake,
  clientOnline,
  clientPreprocess,
  formatBytes,
  type PhaseCost,
  type ProtocolProgress,
} from '../../protocol/index.js';
import { fromSeed, seedFromHex, systemRng } from '../../random/index.js';
import { formatShape } from '../../nn/index.js';
import { InvalidArgumentError } from '../../errors.js';
import { invertFromFlags, MAX_INPUT_FILE_BYTES, parseInputTensor } from '../image.js';
import { progressPrinter } from '../progress.js';
import {
  BACKEND_USAGE,
  FINGERPRINT_PARAM,
  formatMs,
  helloOptions,
  positiveNumber,
  DEFAULT_BACKEND, resolveBackend,
  TRANSPORT_OPTIONS,
  TRANSPORT_USAGE,
  transportOptions,
} from '../remote.js';

const usage = `Usage: delphi infer --server HOST:PORT --input FILE [options]

Runs one private inference against "delphi serve": the server learns nothing about the input or
the result (with a secure backend), the client learns the prediction and nothing else about the model.

  --server HOST:PORT      the server (e.g. localhost:7000 or [::1]:7000)
  --input FILE            a PNG image (grey or colour; scaled to [0, 1] like MNIST) or a JSON tensor
                          ({"shape": [1, 28, 28], "data": [...]} or nested arrays)
  --invert, --no-invert   force (or forbid) v → 1 − v; by default an image with a light background
                          (mean brightness > 0.5) is inverted to MNIST's light-on-dark, with a note
  --background COLOR      black (default) or white: what shows through transparent pixels
  --expect-fingerprint H  refuse a server whose architecture fingerprint is not H
  --json                  print the report as JSON on stdout
  --connect-timeout SEC   give up connecting after this long (default 10)
  --seed HEX              seed the client's randomness (reproducible transcripts; never in production)
${BACKEND_USAGE}
${TRANSPORT_USAGE}`;

export const inferCommand: CliCommand = {
  name: 'infer',
  summary: 'run a private inference against a delphi server',
  usage,
  run: runInfer,
};

async function runInfer(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: 'string' },
      input: { type: 'string' },
      invert: { type: 'boolean' },
      'no-invert': { type: 'boolean' },
      background: { type: 'string' },
      'expect-fingerprint': { type: 'string' },
      json: { type: 'boolean' },
      'connect-timeout': { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      insecure: { type: 'boolean' },
      ...TRANSPORT_OPTIONS,
    },
    strict: true,
  });
  if (values.server === undefined) throw new UsageError('--server HOST:PORT is required');
  if (values.input === undefined) throw new UsageError('--input FILE is required');
  let address;
  try {
    address = parseHostPort(values.server, 'localhost');
  } catch (e) {
    throw new UsageError(`--server: ${(e as Error).message}`);
  }
  const background = values.background ?? 'black';
  if (background !== 'black' && background !== 'white') throw new UsageError(`--background is black or white, got "${background}"`);
  const backendName = values.backend ?? DEFAULT_BACKEND;
  const backend = resolveBackend(backendName);
  const allowInsecure = values.insecure === true;
  if (!allowInsecure) {
    const insecure = (['linear', 'activations', 'triples'] as const).filter((k) => !backend[k].secure);
    if (insecure.length > 0) {
      throw new UsageError(`the backend is not private (${insecure.map((k) => backend[k].id).join(', ')}): the server would learn your input. Pass --insecure to run it anyway (tests, teaching)`);
    }
  }
  const connectTimeoutMs = values['connect-timeout'] === undefined ? undefined : Math.round(positiveNumber(values['connect-timeout'], '--connect-timeout') * 1000);
  const transport = transportOptions(values);
  const rng = values.seed === undefined ? systemRng() : fromSeed(seedFromHex(values.seed));

  // Read the file first: a missing or oversized input fails before any network traffic.
  const bytes = await readInputFile(values.input);

  const progress = progressPrinter(io);
  const onProgress = (e: ProtocolProgress) => progress({ phase: e.phase, item: e.item, done: e.done, total: e.total });
  const started = performance.now();
  const channel: TcpChannel = await connectTcp(address, { ...transport, connectTimeoutMs });
  try {
    const hello = await performHandshake(channel, { role: 'client', ...helloOptions(backend) });
    const announced = hello.peer.params.get(FINGERPRINT_PARAM);
    const session = await clientHandshake(channel, {
      backend,
      allowInsecure,
      rng,
      onProgress,
      ...(values['expect-fingerprint'] ? { expectedFingerprint: values['expect-fingerprint'] } : {}),
    });
    if (announced && new TextDecoder().decode(announced) !== session.fingerprint) {
      throw new InvalidArgumentError('the server announced one architecture fingerprint in its HELLO and sent another architecture');
    }
    const arch = session.architecture;
    let input;
    try {
      input = parseInputTensor(bytes, { expectedShape: arch.inputShape, invert: invertFromFlags(values), background });
    } catch (e) {
      channel.close('the client could not use its input');
      throw e;
    }
    progress.finish();
    if (!values.json) {
      io.err(`server ${channel.remote}: model "${arch.name}" (input ${formatShape(arch.inputShape)}, fingerprint ${session.fingerprint.slice(0, 16)}…)\n`);
      io.err(`input: ${input.description}\n`);
    }
    for (const note of input.notes ?? []) io.err(`${note}\n`);
    const pre = await clientPreprocess(session, { onProgress });
    progress.finish();
    const out = await clientOnline(session, pre, input.data, { onProgress });
    progress.finish();
    channel.close('inference complete');
    const phases: PhaseCost[] = [session.setup, pre.cost, out.cost];
    const report = {
      prediction: out.prediction,
      logits: out.decoded,
      model: { name: arch.name, fingerprint: session.fingerprint, inputShape: [...arch.inputShape] },
      input: input.description,
      backend: backendName,
      phases: phases.map((p) => ({
        phase: p.phase,
        ms: round(p.ms),
        clientToServerBytes: p.clientToServer.bytes,
        serverToClientBytes: p.serverToClient.bytes,
        messages: p.clientToServer.messages + p.serverToClient.messages,
      })),
      totalMs: round(performance.now() - started),
      wire: { sentBytes: channel.wire.bytesSent, receivedBytes: channel.wire.bytesReceived },
    };
    if (values.json) io.out(JSON.stringify(report, null, 1) + '\n');
    else io.out(formatInferReport(report));
    return EXIT.OK;
  } finally {
    progress.finish();
    if (!channel.closed) channel.close('client finished');
  }
}

async function readInputFile(path: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(path));
  if (bytes.length > MAX_INPUT_FILE_BYTES) throw new UsageError(`--input ${path} has more than ${MAX_INPUT_FILE_BYTES} bytes`);
  return bytes;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

interface InferReport {
  prediction: number;
  logits: number[];
  phases: { phase: string; ms: number; clientToServerBytes: number; serverToClientBytes: number }[];
  totalMs: number;
  wire: { sentBytes: number; receivedBytes: number };
}

/** The human-readable report of `delphi infer`. */
export function formatInferReport(report: InferReport): string {
  const lines = [`prediction: ${report.prediction}`, `logits: [${report.logits.map((v) => v.toFixed(3)).join(', ')}]`, ''];
  lines.push(`${'phase'.padEnd(14)} ${'latency'.padStart(10)} ${'client→server'.padStart(14)} ${'server→client'.padStart(14)}`);
  for (const p of report.phases) {
    lines.push(`${p.phase.padEnd(14)} ${formatMs(p.ms).padStart(10)} ${formatBytes(p.clientToServerBytes).padStart(14)} ${formatBytes(p.serverToClientBytes).padStart(14)}`);
  }
  const up = report.phases.reduce((n, p) => n + p.clientToServerBytes, 0);
  const down = report.phases.reduce((n, p) => n + p.serverToClientBytes, 0);
  lines.push(`${'total'.padEnd(14)} ${formatMs(report.totalMs).padStart(10)} ${formatBytes(up).padStart(14)} ${formatBytes(down).padStart(14)}`);
  lines.push(`on the wire (frames, HELLO, heartbeats): sent ${formatBytes(report.wire.sentBytes)}, received ${formatBytes(report.wire.receivedBytes)}`);
  return lines.join('\n') + '\n';
}
