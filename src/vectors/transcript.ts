/**
 * Recording the messages of a two-party run: a connected channel pair that logs every message in
 * the order it was sent, with the name of the party that sent it. Protocol vectors list these
 * logs; a consumer replays them against one party (§12.4), as a scripted channel does here for
 * the rejection vectors.
 *
 * Spec: §12.4
 * @module
 */
import { memoryChannelPair, type Channel } from '../channel/channel.js';
import { hex } from './encoding.js';
import type { JsonObject } from './format.js';

/** One recorded message. Spec: §12.4 */
export interface TranscriptMessage {
  /** Name of the sending party. */
  readonly from: string;
  readonly bytes: Uint8Array;
}

/** A connected channel pair whose sends are logged, plus the log. Spec: §12.4 */
export interface RecordingChannelPair {
  /** channels[0] belongs to names[0], channels[1] to names[1]. */
  readonly channels: [Channel, Channel];
  /** Every message in send order. */
  readonly transcript: TranscriptMessage[];
}

/**
 * In-memory channels (§2.3) that append each sent message to a shared transcript, tagged with the
 * sender's name. Spec: §12.4
 */
export function recordingChannelPair(names: readonly [string, string]): RecordingChannelPair {
  const [a, b] = memoryChannelPair();
  const transcript: TranscriptMessage[] = [];
  const wrap = (inner: Channel, name: string): Channel => ({
    send(message: Uint8Array): void {
      inner.send(message);
      transcript.push({ from: name, bytes: Uint8Array.from(message) });
    },
    recv: () => inner.recv(),
    close: (reason?: string) => inner.close(reason),
    get stats() {
      return inner.stats;
    },
  });
  return { channels: [wrap(a, names[0]), wrap(b, names[1])], transcript };
}

/** A transcript as vector JSON: `[{ "from": name, "bytes": hex }, …]`. Spec: §12.4 */
export function transcriptJson(transcript: readonly TranscriptMessage[]): JsonObject[] {
  return transcript.map((m) => ({ from: m.from, bytes: hex(m.bytes) }));
}

/**
 * A channel that delivers `incoming` in order and discards what is sent: one party fed a scripted
 * peer, for rejection vectors. Spec: §12.4
 */
export function scriptedChannel(incoming: readonly Uint8Array[]): Channel {
  let i = 0;
  return {
    send: () => undefined,
    recv: () => (i < incoming.length ? Promise.resolve(Uint8Array.from(incoming[i++])) : Promise.reject(new Error('script exhausted'))),
    close: () => undefined,
    stats: { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 },
  };
}
