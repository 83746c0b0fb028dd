/**
 * Per-phase, per-step accounting of time and traffic, and progress events. Each party measures
 * its own view of the channel: bytes it sent and received between the start and the end of each
 * step, reported by direction (client → server, server → client), and wall-clock time.
 *
 * Spec: §9.11
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Channel } from '../channel/channel.js';

/** The three phases of a session. Spec: §9.11 */
export type ProtocolPhase = 'setup' | 'preprocessing' | 'online';

/** Which party a report belongs to. */
export type ProtocolParty = 'client' | 'server';

/** Bytes and messages in one direction. Spec: §9.11 */
export interface Traffic {
  readonly bytes: number;
  readonly messages: number;
}

/** One step of a phase: a layer, or the handshake, a backend setup, the input, the output. Spec: §9.11 */
export interface StepCost {
  /** e.g. `layer 3 conv2d "conv2"`, `handshake`, `input`. */
  readonly label: string;
  /** Layer index, or null for steps that are not layers. */
  readonly layer: number | null;
  /** The layer's op, or the step kind (`handshake`, `setup`, `input`, `output`). */
  readonly op: string;
  /** Elements of the layer's output (0 for other steps). */
  readonly elements: number;
  /** Wall-clock milliseconds. */
  readonly ms: number;
  readonly clientToServer: Traffic;
  readonly serverToClient: Traffic;
}

/** One phase of a party's run, with its steps. Spec: §9.11 */
export interface PhaseCost {
  readonly phase: ProtocolPhase;
  readonly ms: number;
  readonly clientToServer: Traffic;
  readonly serverToClient: Traffic;
  readonly steps: readonly StepCost[];
}

/** Everything one party measured in one inference (setup included when it ran). Spec: §9.11 */
export interface PartyReport {
  readonly party: ProtocolParty;
  readonly phases: readonly PhaseCost[];
}

/** A progress update, compatible with the CLI's progress bars. Spec: §9.11 */
export interface ProtocolProgress {
  readonly phase: ProtocolPhase;
  /** The step just finished (or `starting` when done = 0). */
  readonly item: string;
  /**
   * Steps finished and total steps of the phase; `done` has a fractional part while a backend
   * reports progress inside a step.
   */
  readonly done: number;
  readonly total: number;
  /** Layer index of the step, or null. */
  readonly layer: number | null;
}

/** Receives {@link ProtocolProgress} events. */
export type ProtocolProgressCallback = (event: ProtocolProgress) => void;

/** Description of a step before it runs. */
export interface StepInfo {
  readonly label: string;
  readonly layer: number | null;
  readonly op: string;
  readonly elements: number;
}

const now = (): number => globalThis.performance.now();

interface Snapshot {
  sent: number;
  received: number;
  messagesSent: number;
  messagesReceived: number;
}

/**
 * Measures one phase of one party: call {@link Accountant.step} for each step, then
 * {@link Accountant.finish}. Spec: §9.11
 */
export class Accountant {
  readonly #party: ProtocolParty;
  readonly #channel: Channel;
  readonly #phase: ProtocolPhase;
  readonly #total: number;
  readonly #onProgress: ProtocolProgressCallback | undefined;
  readonly #steps: StepCost[] = [];
  #start: number;
  readonly #startStats: Snapshot;
  #stepStart: number | null = null;
  #stepInfo: StepInfo | null = null;
  #finished = false;

  constructor(party: ProtocolParty, channel: Channel, phase: ProtocolPhase, totalSteps: number, onProgress?: ProtocolProgressCallback) {
    this.#party = party;
    this.#channel = channel;
    this.#phase = phase;
    this.#total = totalSteps;
    this.#onProgress = onProgress;
    this.#start = now();
    this.#startStats = this.#snapshot();
    onProgress?.({ phase, item: 'starting', done: 0, total: totalSteps, layer: null });
  }

  #snapshot(): Snapshot {
    const s = this.#channel.stats;
    return { sent: s.bytesSent, received: s.bytesReceived, messagesSent: s.messagesSent, messagesReceived: s.messagesReceived };
  }

  #directions(before: Snapshot, after: Snapshot): { clientToServer: Traffic; serverToClient: Traffic } {
    const sent = { bytes: after.sent - before.sent, messages: after.messagesSent - before.messagesSent };
    const received = { bytes: after.received - before.received, messages: after.messagesReceived - before.messagesReceived };
    return this.#party === 'client'
      ? { clientToServer: sent, serverToClient: received }
      : { clientToServer: received, serverToClient: sent };
  }

  /**
   * Restarts the phase clock (and the running step's) without touching the byte counts: the
   * server calls it when the first online message arrives, so that its online time does not
   * include the client's idle time (§9.11).
   */
  restartClock(): void {
    const t = now();
    this.#start = t;
    if (this.#stepStart !== null) this.#stepStart = t;
  }

  /** Runs `body` as one step and records its time and traffic. */
  async step<T>(info: StepInfo, body: () => Promise<T> | T): Promise<T> {
    if (this.#finished) throw new InvalidArgumentError('Accountant: phase already finished');
    if (this.#stepStart !== null) throw new InvalidArgumentError('Accountant: steps do not nest');
    const before = this.#snapshot();
    this.#stepStart = now();
    this.#stepInfo = info;
    try {
      return await body();
    } finally {
      const ms = now() - this.#stepStart;
      this.#stepStart = null;
      this.#stepInfo = null;
      this.#steps.push({ ...info, ms, ...this.#directions(before, this.#snapshot()) });
      this.#onProgress?.({ phase: this.#phase, item: info.label, done: this.#steps.length, total: this.#total, layer: info.layer });
    }
  }

  /**
   * Reports that the running step is `fraction` ∈ [0, 1] done (e.g. a backend finished a batch):
   * emits a progress event with done = finished steps + fraction. Ignored outside a step.
   */
  progress(fraction: number): void {
    const info = this.#stepInfo;
    if (info === null || !(fraction >= 0)) return;
    const f = Math.min(1, fraction);
    this.#onProgress?.({ phase: this.#phase, item: info.label, done: this.#steps.length + f, total: this.#total, layer: info.layer });
  }

  /** Closes the phase and returns its cost. */
  finish(): PhaseCost {
    this.#finished = true;
    return {
      phase: this.#phase,
      ms: now() - this.#start,
      ...this.#directions(this.#startStats, this.#snapshot()),
      steps: this.#steps.slice(),
    };
  }
}

/** A step of a merged report: both parties' times, the traffic both agree on. Spec: §9.11 */
export interface MergedStepCost {
  readonly label: string;
  readonly layer: number | null;
  readonly op: string;
  readonly elements: number;
  readonly clientMs: number;
  readonly serverMs: number;
  readonly clientToServer: Traffic;
  readonly serverToClient: Traffic;
}

/** A phase of a merged report. Spec: §9.11 */
export interface MergedPhaseCost {
  readonly phase: ProtocolPhase;
  readonly clientMs: number;
  readonly serverMs: number;
  readonly clientToServer: Traffic;
  readonly serverToClient: Traffic;
  readonly steps: readonly MergedStepCost[];
}

/** Both parties' reports of one inference, merged. Spec: §9.11 */
export interface InferenceReport {
  readonly phases: readonly MergedPhaseCost[];
}

function sameTraffic(a: Traffic, b: Traffic): boolean {
  return a.bytes === b.bytes && a.messages === b.messages;
}

/**
 * Merges a client and a server report of the same run. Throws {@link InvalidArgumentError} when
 * the phases or steps differ, or when the two disagree on a byte or message count (which would
 * mean a message was attributed to different steps). Spec: §9.11
 */
export function mergeReports(client: PartyReport, server: PartyReport): InferenceReport {
  if (client.party !== 'client' || server.party !== 'server') throw new InvalidArgumentError('mergeReports(client report, server report)');
  if (client.phases.length !== server.phases.length) throw new InvalidArgumentError('mergeReports: the reports have different phases');
  return {
    phases: client.phases.map((c, i) => {
      const s = server.phases[i];
      if (c.phase !== s.phase || c.steps.length !== s.steps.length) {
        throw new InvalidArgumentError(`mergeReports: phase ${i} differs (${c.phase}, ${s.phase})`);
      }
      const steps = c.steps.map((cs, j) => {
        const ss = s.steps[j];
        if (cs.label !== ss.label) throw new InvalidArgumentError(`mergeReports: step ${j} of ${c.phase} differs`);
        if (!sameTraffic(cs.clientToServer, ss.clientToServer) || !sameTraffic(cs.serverToClient, ss.serverToClient)) {
          throw new InvalidArgumentError(`mergeReports: the parties disagree on the traffic of ${c.phase} step ${JSON.stringify(cs.label)}`);
        }
        return {
          label: cs.label,
          layer: cs.layer,
          op: cs.op,
          elements: cs.elements,
          clientMs: cs.ms,
          serverMs: ss.ms,
          clientToServer: cs.clientToServer,
          serverToClient: cs.serverToClient,
        };
      });
      return {
        phase: c.phase,
        clientMs: c.ms,
        serverMs: s.ms,
        clientToServer: c.clientToServer,
        serverToClient: c.serverToClient,
        steps,
      };
    }),
  };
}

/** Sum of a phase's traffic in both directions. */
export function phaseBytes(phase: { clientToServer: Traffic; serverToClient: Traffic }): number {
  return phase.clientToServer.bytes + phase.serverToClient.bytes;
}

/** `1.23 MB`, `456 B`: byte counts for people (decimal units). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 1000 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

/**
 * A plain-text table of a merged report: one line per phase and per step with traffic, both
 * parties' times. Spec: §9.11
 */
export function formatReport(report: InferenceReport): string {
  const lines: string[] = [];
  const row = (label: string, c2s: Traffic, s2c: Traffic, cms: number, sms: number): string =>
    `${label.padEnd(46)} ${formatBytes(c2s.bytes).padStart(10)} ${formatBytes(s2c.bytes).padStart(10)} ${cms.toFixed(1).padStart(10)} ${sms.toFixed(1).padStart(10)}`;
  lines.push(`${'step'.padEnd(46)} ${'C→S'.padStart(10)} ${'S→C'.padStart(10)} ${'client ms'.padStart(10)} ${'server ms'.padStart(10)}`);
  for (const phase of report.phases) {
    lines.push(row(`[${phase.phase}]`, phase.clientToServer, phase.serverToClient, phase.clientMs, phase.serverMs));
    for (const s of phase.steps) lines.push(row(`  ${s.label}`, s.clientToServer, s.serverToClient, s.clientMs, s.serverMs));
  }
  return lines.join('\n');
}
