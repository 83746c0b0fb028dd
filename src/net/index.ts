/**
 * Message channels and the browser-safe parts of the transports: the in-memory pair, stream
 * framing and the HELLO handshake. The TCP channel and server need Node and live in
 * `./node.ts` (entry point `delphi-ts/net/node`). Spec: §2.3, §2.4, §2.5
 * @module
 */
export * from './channel.js';
export * from './framing.js';
export * from './handshake.js';
export * from './websocket.js';
