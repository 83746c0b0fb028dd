/**
 * `delphi preprocess --server HOST:PORT --count N --state DIR`: runs the setup and N preprocessing
 * phases against `delphi serve --state-dir` before any input exists, and stores the client's side
 * of each slot in DIR (§9.14). `delphi infer --state DIR` later spends one slot per input on the
 * online phase alone; each slot serves exactly one inference.
 * @module
 */
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { ServiceClient, type ProtocolProgress } from '../../protocol/index.js';
import { cliPool, THREADS_USAGE } from '../threads.js';
import { cliSpill, SPILL_OPTIONS, SPILL_USAGE } from '../spill.js';
import { InvalidArgumentError } from '../../errors.js';
import { FileSlotStore } from '../file-slot-store.js';
import { progressPrinter } from '../progress.js';
import { positiveInteger } from '../command.js';
import { BACKEND_USAGE, CLIENT_OPTIONS, connectTimeout, connectToServer, partySettings, phaseJson, phaseRow, serverAddress, TRANSPORT_USAGE } from '../remote.js';

const usage = `Usage: delphi preprocess --server HOST:PORT --count N --state DIR [options]

Runs the input-independent part of N private inferences now (setup, then N preprocessing phases)
and stores the client's side in DIR (secret: files are 0600). Later, "delphi infer --state DIR
--input FILE" runs only the fast online phase, one stored slot per input. The server must run
"delphi serve --state-dir SDIR" so that it keeps its side too.

  --server HOST:PORT      the server
  --count N               slots to preprocess (the server caps slots per session, 16 by default)
  --state DIR             where the client's slots are stored (created if missing)
  --expect-fingerprint H  refuse a server whose architecture fingerprint is not H
  --json                  print the report as JSON on stdout
  --connect-timeout SEC   give up connecting after this long (default 10)
  --seed HEX              seed the client's randomness (reproducible transcripts; never in production)
${THREADS_USAGE}
${SPILL_USAGE}
${BACKEND_USAGE}
${TRANSPORT_USAGE}`;

export const preprocessCommand: CliCommand = {
  name: 'preprocess',
  summary: 'preprocess private inferences ahead of time (online later with infer --state)',
  usage,
  run: runPreprocess,
};

async function runPreprocess(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      count: { type: 'string' },
      state: { type: 'string' },
      ...CLIENT_OPTIONS,
      ...SPILL_OPTIONS,
    },
    strict: true,
  });
  serverAddress(values.server);
  if (values.count === undefined) throw new UsageError('--count N is required');
  const count = positiveInteger(values.count, '--count');
  if (count > 0xffffffff) throw new UsageError('--count is too large');
  if (values.state === undefined) throw new UsageError('--state DIR is required');
  const { backendName, backend, allowInsecure, transport, threads, rng } = partySettings(values, { client: true });
  const store = new FileSlotStore(values.state);

  const progress = progressPrinter(io);
  const onProgress = (e: ProtocolProgress) => progress({ phase: e.phase, item: e.item, done: e.done, total: e.total });
  const { channel, announced } = await connectToServer({ server: values.server!, backend, transport, ...connectTimeout(values) });
  const pool = cliPool(threads, { start: true });
  // Each slot's garbled tables wait in the spill file until they are written to DIR, one part at a time.
  const spill = cliSpill(values);
  try {
    const client = await ServiceClient.open(channel, {
      backend,
      ...(pool ? { pool } : {}),
      ...(spill ? { spill } : {}),
      allowInsecure,
      rng,
      onProgress,
      store,
      server: values.server!,
      ...(values['expect-fingerprint'] ? { expectedFingerprint: values['expect-fingerprint'] } : {}),
    });
    if (announced !== undefined && announced !== client.fingerprint) {
      throw new InvalidArgumentError('the server announced one architecture fingerprint in its HELLO and sent another architecture');
    }
    progress.finish();
    const { slots, costs } = await client.preprocess(count);
    progress.finish();
    client.close();
    await channel.flush?.();
    channel.close('preprocessing complete');
    const phases = [phaseJson(client.setup!), ...costs.map((c, i) => phaseJson(c, i))];
    const report = { session: client.sessionId, state: values.state, slots, model: { name: client.architecture.name, fingerprint: client.fingerprint }, backend: backendName, phases };
    if (values.json) {
      io.out(JSON.stringify(report, null, 1) + '\n');
    } else {
      const lines = [`stored ${slots.length} slot${slots.length === 1 ? '' : 's'} of session ${client.sessionId.slice(0, 8)} in ${values.state}`, ''];
      for (const p of phases) {
        const name = p.input === undefined ? p.phase : `${p.phase} #${p.input + 1}`;
        lines.push(phaseRow(name, p.ms, p.clientToServerBytes, p.serverToClientBytes));
      }
      lines.push('', `next: delphi infer --server ${values.server} --state ${values.state} --input FILE`);
      io.out(lines.join('\n') + '\n');
    }
    return EXIT.OK;
  } finally {
    progress.finish();
    if (!channel.closed) channel.close('client finished');
    await pool?.close();
    spill?.close();
  }
}
