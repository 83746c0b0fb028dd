/**
 * The two-party message channel every interactive sub-protocol runs over, free of any transport:
 * the {@link Channel} interface, the in-memory pair (tests, one-process runs, the browser demo) and
 * the framing of a byte stream into messages that the transports of src/net use.
 * Spec: §2.3, §2.4
 * @module
 */
export {
  type Channel, type ChannelStats, diffStats, type MemoryChannelOptions, memoryChannelPair, snapshotStats,
} from './channel.js';
export {
  encodeCloseFrame, encodeDataFrame, encodePingFrame, type Frame, FrameDecoder, type FrameDecoderOptions,
} from './framing.js';
