/**
 * Node-only transports: everything of `delphi-ts/net` plus the framed TCP channel and the
 * concurrent TCP server. Spec: §2.6, §2.7
 * @module
 */
export * from './index.js';
export * from './tcp.js';
export * from './tcp-server.js';
export * from './websocket-node.js';
export * from './websocket-server.js';
