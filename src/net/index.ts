/**
 * The browser-safe parts of the transports: the HELLO handshake and the WebSocket client channel.
 * The channel interface, the in-memory pair and stream framing are in src/channel
 * (`delphi-ts/channel`); the TCP channel and server need Node and live in `./node.ts` (entry point
 * `delphi-ts/net/node`). Spec: §2.5
 * @module
 */
export * from './handshake.js';
export * from './websocket.js';
