/**
 * Running one party of a recorded protocol against a vector transcript (§12.4): the channel hands
 * the party the other parties' messages in order and checks each message the party sends against
 * the next one the transcript lists from it.
 */
import type { Channel } from '../../../src/channel/index.js';
import { tohex, unhex } from './files.js';

export interface TranscriptEntry {
  from: string;
  bytes: string;
}

export interface ReplayChannel extends Channel {
  /** Hex of every message the party sent. */
  readonly sent: string[];
  /** Sent messages that differ from the transcript (index and both hex strings). */
  readonly mismatches: string[];
  /** Whether the party sent and received exactly the transcript's messages. */
  complete(): boolean;
}

export function replayChannel(transcript: readonly TranscriptEntry[], me: string): ReplayChannel {
  const mine = transcript.filter((m) => m.from === me).map((m) => m.bytes);
  const theirs = transcript.filter((m) => m.from !== me).map((m) => m.bytes);
  let received = 0;
  const sent: string[] = [];
  const mismatches: string[] = [];
  const stats = { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 };
  return {
    sent,
    mismatches,
    stats,
    send(message: Uint8Array) {
      const i = sent.length;
      const h = tohex(message);
      sent.push(h);
      stats.bytesSent += message.length;
      stats.messagesSent++;
      if (mine[i] !== h) mismatches.push(`message ${i}: sent ${h.slice(0, 80)}…, transcript ${String(mine[i]).slice(0, 80)}…`);
    },
    async recv() {
      if (received >= theirs.length) throw new Error(`${me} waits for a message the transcript does not have`);
      const m = unhex(theirs[received++]);
      stats.bytesReceived += m.length;
      stats.messagesReceived++;
      return m;
    },
    close() {},
    complete: () => sent.length === mine.length && received === theirs.length && mismatches.length === 0,
  };
}

/** A channel that delivers `incoming` in order and discards what is sent. */
export function scriptedChannel(incoming: readonly string[]): Channel {
  let i = 0;
  return {
    send() {},
    recv: async () => {
      if (i >= incoming.length) throw new Error('no more scripted messages');
      return unhex(incoming[i++]);
    },
    close() {},
    stats: { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 },
  };
}
